/**
 * Per-principal views of the compiled plans. At start every layer is compiled once per
 * audience whose desensitisation rules change it (access-policy.ts); a view is a `Plans` that
 * holds only the layers a principal may see, each in the principal's variant. Routes take
 * `viewOf(koa)` instead of the global plans, so a layer outside the view behaves exactly like
 * a layer that does not exist (same 404, absent from lists). Views are built once per
 * (role, department) and reused.
 */
import type { TableSpec } from '@onemap/geodata/catalog';
import { compileTileSql, quoteIdent, quoteQualified } from '@onemap/tiles';
import type { Pool } from '../db.ts';
import { BadRequestError } from '../errors.ts';
import type { CrsDef } from './crs.ts';
import { audienceOf, desensitise, loadRules, RuleError, type Audience, type ColumnCoarsening, type DesensitisationRule, type GeometryCoarsening } from './access-policy.ts';
import { compileFeaturePlans, type FeaturePlan, type Statement } from './features-sql.ts';
import { loadLiveColumns, type LayerPlan, type Plans } from './layer-plans.ts';
import { ANONYMOUS, type Principal } from './principal.ts';

interface Variant {
  readonly plan: LayerPlan;
  readonly coarsening: GeometryCoarsening | undefined;
  /** '' for the catalogued layer, else the audience whose rules made it. */
  readonly name: '' | 'staff' | 'public';
  /** Columns the variant's view masks or rounds. */
  readonly columns?: ReadonlyMap<string, ColumnCoarsening>;
}

/** A view computing a variant's masked and rounded columns (schema `secure`, migration 0083). */
export interface CoarseView {
  readonly view: TableSpec;
  readonly base: TableSpec;
  readonly columns: ReadonlyMap<string, ColumnCoarsening>;
}

export interface SecurePlans {
  readonly rules: readonly DesensitisationRule[];
  /** Views the variants read (created at start by compileSecurePlans). */
  readonly views: readonly CoarseView[];
  /** The plans as this principal may see them. */
  viewFor(principal: Principal): Plans;
  /** Audience of the principal for a layer (none: it does not exist for them). */
  audience(principal: Principal, layerId: string): Audience | 'none';
}

const variantInfo = new WeakMap<LayerPlan, Variant>();
const featurePlanCache = new WeakMap<LayerPlan, FeaturePlan>();

/** Cache-bucket suffix of a set of layer plans ('' when all are as catalogued). */
export function variantSuffix(plans: readonly LayerPlan[]): string {
  const names = plans.map((p) => variantInfo.get(p)?.name ?? '');
  return names.some((n) => n) ? `.v-${names.map((n) => n || 'full').join('-')}` : '';
}

/** Geometry coarsening of a variant (features and exports round coordinates to this). */
export function coarseningOf(plan: LayerPlan): GeometryCoarsening | undefined {
  return variantInfo.get(plan)?.coarsening;
}

const renamed = (s: Statement, suffix: string): Statement => (s.name ? { ...s, name: `${s.name}${suffix}` } : s);

/** The compiled feature statements of a (variant) layer plan, compiled once and cached. */
export function featurePlanOf(plan: LayerPlan): FeaturePlan {
  let fp = featurePlanCache.get(plan);
  if (!fp) {
    // A coarsened variant's spatial filters read the geometry as shown (coarse-geometry.ts).
    const base = compileFeaturePlans([plan], coarseningOf).get(plan.spec.id)!;
    const name = variantInfo.get(plan)?.name;
    // Prepared statement names are per connection: a variant's statements need their own.
    fp = name
      ? {
          ...base,
          items: new Map([...base.items].map(([k, s]) => [k, renamed(s, `__${name}`)])),
          item: new Map([...base.item].map(([k, s]) => [k, renamed(s, `__${name}`)])),
          temporalExtent: base.temporalExtent ? renamed(base.temporalExtent, `__${name}`) : undefined,
        }
      : base;
    featurePlanCache.set(plan, fp);
  }
  return fp;
}

function variantPlan(base: LayerPlan, audience: 'staff' | 'public', rules: readonly DesensitisationRule[], views: CoarseView[]): Variant {
  const { spec: desensitised, coarsening, columns } = desensitise(base.spec, audience, rules);
  if (desensitised === base.spec) return { plan: base, coarsening: undefined, name: '' };
  let spec = desensitised;
  if (columns.size) {
    // Masked and rounded values come from a view over the table, so every statement compiled
    // from the spec (tiles, features, filters, exports) reads only the coarse values.
    const view: TableSpec = { ...base.spec.table, schema: 'secure', name: `${base.spec.id}__${audience}` };
    views.push({ view, base: base.spec.table, columns });
    spec = { ...spec, table: view };
  }
  const suffix = `__${audience}`;
  const plan: LayerPlan = {
    ...base,
    spec,
    tileSql: compileTileSql(spec, base.idIsInteger),
    tileStatementNames: { current: `${base.tileStatementNames.current}${suffix}`, asOf: `${base.tileStatementNames.asOf}${suffix}`, overview: `${base.tileStatementNames.overview}${suffix}` },
  };
  return { plan, coarsening, name: audience, columns };
}

/**
 * The public may never see more of a layer than other departments' staff: every property the
 * staff view drops or coarsens is dropped or coarsened for the public too, its zoom range,
 * coordinates and tile grid (snap_px) are no finer. A public layer whose public rules are
 * missing (say, a catalogue made public before its rules were written) stops the start instead
 * of serving raw data.
 */
function checkPublicNoFinerThanStaff(layerId: string, staff: Variant, pub: Variant): void {
  const fail = (what: string) => {
    throw new RuleError(`desensitisation rules for ${layerId}: the public would see ${what} that other departments' staff do not; add public rules at least as strict as the staff ones`);
  };
  const staffProps = new Set(staff.plan.spec.properties.map((p) => p.name));
  const shown = pub.plan.spec.properties.map((p) => p.name);
  const extra = shown.filter((n) => !staffProps.has(n));
  if (extra.length) fail(`properties ${extra.join(', ')}`);
  const finer = [...(staff.columns?.keys() ?? [])].filter((c) => shown.includes(c) && !pub.columns?.has(c));
  if (finer.length) fail(`exact values of ${finer.join(', ')}`);
  if (pub.plan.spec.zoom.max > staff.plan.spec.zoom.max) fail(`zoom levels above ${staff.plan.spec.zoom.max}`);
  if (staff.coarsening && (!pub.coarsening || pub.coarsening.decimals > staff.coarsening.decimals)) fail('finer coordinates');
  // Tile grids are in pixels at the tile's zoom, so the same number is the same grid at every zoom both see.
  const staffSnap = staff.plan.spec.generalization?.snapPx;
  const pubSnap = pub.plan.spec.generalization?.snapPx;
  if (staffSnap && !(pubSnap && pubSnap >= staffSnap)) fail(`a tile grid finer than ${staffSnap} px`);
}

/** SQL of one coarsening over column `c` of alias t (values from rules, validated by access-policy.ts). */
export function coarseSql(column: string, c: ColumnCoarsening): string {
  const col = `t.${quoteIdent(column)}`;
  if (c.kind === 'round') return `round((${col})::numeric / ${Number(c.step)}) * ${Number(c.step)}`;
  const a = Math.trunc(c.keepStart);
  const b = Math.trunc(c.keepEnd);
  return `CASE WHEN ${col} IS NULL THEN NULL WHEN char_length(${col}) <= ${a + b} THEN repeat('*', char_length(${col})) ELSE left(${col}, ${a}) || '***'${b ? ` || right(${col}, ${b})` : ''} END`;
}

/** Column types a rounded value is cast back to (round() gives numeric, which tiles would carry as text). */
const ROUND_CAST = new Set(['int2', 'int4', 'int8', 'float4', 'float8']);

/**
 * The view's definition: every column of the table, the coarsened ones replaced. `udtNames`
 * (column → udt_name) keeps a rounded integer column an integer.
 */
export function coarseViewSql(v: CoarseView, tableColumns: readonly string[], udtNames: ReadonlyMap<string, string> = new Map()): string {
  const select = tableColumns.map((c) => {
    const coarse = v.columns.get(c);
    if (!coarse) return `t.${quoteIdent(c)}`;
    const udt = udtNames.get(c);
    const sql = coarse.kind === 'round' && udt && ROUND_CAST.has(udt) ? `(${coarseSql(c, coarse)})::${udt}` : coarseSql(c, coarse);
    return `${sql} AS ${quoteIdent(c)}`;
  });
  return `CREATE VIEW ${quoteQualified(v.view.schema, v.view.name)} AS SELECT ${select.join(', ')} FROM ${quoteQualified(v.base.schema, v.base.name)} AS t`;
}

/** Builds the variants from the rules table (an unusable rule stops the start, like a catalogue problem). */
export async function compileSecurePlans(pool: Pool, plans: Plans, logger?: { warn: (o: object, m: string) => void }): Promise<SecurePlans> {
  const rules = await loadRules(pool);
  const secure = buildSecurePlans(plans, rules);
  if (secure.views.length) {
    const live = await loadLiveColumns(pool, [...new Set(secure.views.map((v) => v.base.schema))]);
    const client = await pool.connect();
    try {
      // Several server processes may start at once: one rewrites the views at a time.
      await client.query('BEGIN');
      await client.query(`SELECT pg_advisory_xact_lock(hashtext('onemap.secure-views'))`);
      for (const v of secure.views) {
        const table = live.filter((c) => c.schema === v.base.schema && c.table === v.base.name);
        await client.query(`DROP VIEW IF EXISTS ${quoteQualified(v.view.schema, v.view.name)}`);
        await client.query(coarseViewSql(v, table.map((c) => c.column), new Map(table.map((c) => [c.column, c.udtName]))));
      }
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    } finally {
      client.release();
    }
  }
  // An owner department without a row in auth.departments can have no staff: say so at start.
  const { rows } = await pool.query<{ code: string }>('SELECT code FROM auth.departments');
  const known = new Set(rows.map((r) => r.code));
  const missing = [...new Set(plans.catalog.layers.map((l) => l.owner.code))].filter((c) => !known.has(c));
  if (missing.length) logger?.warn({ departments: missing }, 'catalogue owner departments missing from auth.departments: no user can belong to them');
  return secure;
}

export function buildSecurePlans(plans: Plans, rules: readonly DesensitisationRule[]): SecurePlans {
  const variants = new Map<string, Record<Audience, Variant>>();
  const coarseViews: CoarseView[] = [];
  for (const p of plans.layers.values()) {
    const full: Variant = { plan: p, coarsening: undefined, name: '' };
    const entry = { full, staff: variantPlan(p, 'staff', rules, coarseViews), public: variantPlan(p, 'public', rules, coarseViews) };
    if (p.spec.classification === 'public') checkPublicNoFinerThanStaff(p.spec.id, entry.staff, entry.public);
    for (const v of Object.values(entry)) if (v.name) variantInfo.set(v.plan, v);
    variants.set(p.spec.id, entry);
  }
  const views = new Map<string, Plans>();
  const audience = (principal: Principal, layerId: string): Audience | 'none' => {
    const plan = plans.layers.get(layerId);
    return plan ? audienceOf(principal, plan.spec) : 'none';
  };
  const viewFor = (principal: Principal): Plans => {
    if (principal.role === 'admin') return plans;
    const key = `${principal.role}|${principal.department ?? ''}`;
    let view = views.get(key);
    if (!view) {
      const visible: LayerPlan[] = [];
      for (const p of plans.ordered) {
        const a = audienceOf(principal, p.spec);
        if (a !== 'none') visible.push(variants.get(p.spec.id)![a].plan);
      }
      const ids = new Set(visible.map((p) => p.spec.id));
      // Bounds of what the view holds only: the extent of a hidden layer is not shown either.
      const b = visible.flatMap((p) => (p.bounds ? [p.bounds] : []));
      const bounds: Plans['bounds'] = b.length
        ? [Math.min(...b.map((x) => x[0])), Math.min(...b.map((x) => x[1])), Math.max(...b.map((x) => x[2])), Math.max(...b.map((x) => x[3]))]
        : undefined;
      view = {
        // A theme group whose layers are all hidden is hidden too (its title would tell of them).
        catalog: {
          ...plans.catalog,
          groups: plans.catalog.groups.filter((g) => !plans.catalog.layers.some((l) => l.group === g.id) || visible.some((p) => p.spec.group === g.id)),
          layers: plans.catalog.layers.filter((l) => ids.has(l.id)),
        },
        layers: new Map(visible.map((p) => [p.spec.id, p])),
        ordered: visible,
        bounds,
      };
      views.set(key, view);
    }
    return view;
  };
  return { rules, views: coarseViews, viewFor, audience };
}

/** The plans anonymous callers see (the tile hot path serves only these). */
export function publicView(secure: SecurePlans): Plans {
  return secure.viewFor(ANONYMOUS);
}

/**
 * The output CRS for a desensitised layer: coordinates rounded to the rule's decimals, and only
 * in longitude/latitude (a projected CRS counts in metres, which the rule cannot coarsen).
 */
export function coarsenedCrs(plan: LayerPlan, crs: CrsDef): CrsDef {
  const c = coarseningOf(plan);
  if (!c) return crs;
  if (!crs.geographic) throw new BadRequestError(`图层 ${plan.spec.id} 对您只提供经纬度坐标 / layer ${plan.spec.id} is served to you in longitude/latitude only`, { parameter: 'crs' });
  return { ...crs, decimals: Math.min(crs.decimals, c.decimals) };
}
