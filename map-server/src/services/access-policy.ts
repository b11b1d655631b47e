/**
 * 分级分类 and 脱敏 as one pure decision: for a principal and a layer, which audience's view of
 * the layer it gets — the layer as catalogued (`full`), a desensitised view (`staff`,
 * `public`), or nothing at all (`none`, indistinguishable from a layer that does not exist).
 *
 *   classification  owner dept / admin   other signed-in      anonymous
 *   public          full                 staff view           public view
 *   internal        full                 staff view           none
 *   restricted      full                 none                 none
 */
import type { LayerSpec } from '@onemap/geodata/catalog';
import type { Principal } from './principal.ts';

export type Audience = 'full' | 'staff' | 'public';

export function audienceOf(principal: Principal, spec: Pick<LayerSpec, 'classification' | 'owner'>): Audience | 'none' {
  if (principal.role === 'admin' || (principal.department !== null && principal.department === spec.owner.code)) return 'full';
  if (principal.role === 'public') return spec.classification === 'public' ? 'public' : 'none';
  return spec.classification === 'restricted' ? 'none' : 'staff';
}

/** One row of `auth.desensitisation_rules` (migration 0081). */
export interface DesensitisationRule {
  readonly layerId: string;
  readonly audience: 'public' | 'staff';
  readonly action: 'drop' | 'generalise' | 'mask' | 'round';
  readonly property: string | null;
  readonly maxZoom: number | null;
  readonly tolerancePx: number | null;
  readonly decimals: number | null;
  /** mask: characters kept at the start and at the end. */
  readonly keepStart?: number | null;
  readonly keepEnd?: number | null;
  /** round: numbers become multiples of step. */
  readonly step?: number | null;
  /** generalise: tile vertices snapped to a grid of this many pixels (migration 0088). */
  readonly snapPx?: number | null;
}

/** How a column's values are coarsened in the audience's view (computed by a SQL view). */
export type ColumnCoarsening = { readonly kind: 'mask'; readonly keepStart: number; readonly keepEnd: number } | { readonly kind: 'round'; readonly step: number };

/** What a desensitised view does to geometry outside tiles: coordinates rounded to `decimals` degrees. */
export interface GeometryCoarsening {
  readonly decimals: number;
}

export interface DesensitisedSpec {
  readonly spec: LayerSpec;
  readonly coarsening: GeometryCoarsening | undefined;
  /** Columns whose values are masked or rounded (empty: the table is read as is). */
  readonly columns: ReadonlyMap<string, ColumnCoarsening>;
}

export class RuleError extends Error {
  override readonly name = 'RuleError';
}

/**
 * The layer as an audience may see it: dropped properties removed (from tiles, features,
 * queryables and exports alike, since all of them are compiled from the spec), and for
 * `generalise` a lower maximum zoom with simplification at every zoom; `mask` and `round` are
 * returned as column coarsenings, which secure-plans.ts turns into a view the variant reads.
 * Rules naming a property the layer does not publish are an error (found at start).
 */
export function desensitise(spec: LayerSpec, audience: Audience, rules: readonly DesensitisationRule[]): DesensitisedSpec {
  const none = new Map<string, ColumnCoarsening>();
  if (audience === 'full') return { spec, coarsening: undefined, columns: none };
  const mine = rules.filter((r) => r.layerId === spec.id && r.audience === audience);
  const dropped = new Set<string>();
  const columns = new Map<string, ColumnCoarsening>();
  let generalise: DesensitisationRule | undefined;
  for (const r of mine) {
    const property = r.property ? spec.properties.find((p) => p.name === r.property) : undefined;
    if (r.action !== 'generalise' && !property) throw new RuleError(`desensitisation rule for ${spec.id}/${audience}: ${spec.id} publishes no property "${r.property}"`);
    if (r.action === 'drop') dropped.add(property!.name);
    else if (r.action === 'mask') {
      if (property!.type !== 'string' || r.keepStart == null || r.keepEnd == null) throw new RuleError(`desensitisation rule for ${spec.id}/${audience}: mask needs a text property, keep_start and keep_end`);
      columns.set(property!.name, { kind: 'mask', keepStart: r.keepStart, keepEnd: r.keepEnd });
    } else if (r.action === 'round') {
      if ((property!.type !== 'number' && property!.type !== 'integer') || !(r.step != null && r.step > 0)) throw new RuleError(`desensitisation rule for ${spec.id}/${audience}: round needs a numeric property and a step > 0`);
      columns.set(property!.name, { kind: 'round', step: r.step });
    } else {
      if (r.maxZoom === null || r.tolerancePx === null || r.decimals === null) throw new RuleError(`desensitisation rule for ${spec.id}/${audience}: generalise needs max_zoom, tolerance_px and decimals`);
      if (!generalise || r.maxZoom < generalise.maxZoom!) generalise = r;
    }
  }
  for (const d of dropped) columns.delete(d);
  if (!dropped.size && !generalise && !columns.size) return { spec, coarsening: undefined, columns: none };
  const properties = spec.properties.filter((p) => !dropped.has(p.name));
  let out: LayerSpec = { ...spec, properties };
  // Thinning or sorting by a dropped property would reveal it.
  if (out.generalization?.minZoomByValue && dropped.has(out.generalization.minZoomByValue.property)) {
    const { minZoomByValue: _drop, ...rest } = out.generalization;
    out = { ...out, generalization: rest };
  }
  if (out.style.classify && dropped.has(out.style.classify.property)) {
    const { classify: _c, ...style } = out.style;
    out = { ...out, style };
  }
  if (generalise) {
    const maxZoom = Math.max(spec.zoom.min, Math.min(spec.zoom.max, generalise.maxZoom!));
    // No overview table (it holds the full state): simplification at every zoom up to maxZoom.
    const { overview: _o, ...g } = out.generalization ?? { fullDetailZoom: 0 };
    const snap = generalise.snapPx ? { snapPx: generalise.snapPx } : {};
    out = { ...out, zoom: { min: spec.zoom.min, max: maxZoom }, generalization: { ...g, fullDetailZoom: maxZoom + 1, simplifyPx: generalise.tolerancePx!, ...snap } };
  }
  // The overview table holds raw values of its own: a coarsened layer is drawn without it.
  if (columns.size && out.generalization?.overview) {
    const { overview: _o, ...g } = out.generalization;
    out = { ...out, generalization: g };
  }
  return { spec: out, coarsening: generalise ? { decimals: generalise.decimals! } : undefined, columns };
}

export async function loadRules(pool: { query: <R extends object>(text: string) => Promise<{ rows: R[] }> }): Promise<DesensitisationRule[]> {
  const { rows } = await pool.query<{
    layer_id: string;
    audience: 'public' | 'staff';
    action: DesensitisationRule['action'];
    property: string | null;
    max_zoom: number | null;
    tolerance_px: string | null;
    decimals: number | null;
    keep_start: number | null;
    keep_end: number | null;
    step: string | null;
    snap_px: string | null;
  }>(`SELECT layer_id, audience, action, property, max_zoom, tolerance_px, decimals, keep_start, keep_end, step, snap_px FROM auth.desensitisation_rules ORDER BY id`);
  return rows.map((r) => ({
    layerId: r.layer_id,
    audience: r.audience,
    action: r.action,
    property: r.property,
    maxZoom: r.max_zoom,
    tolerancePx: r.tolerance_px === null ? null : Number(r.tolerance_px),
    decimals: r.decimals,
    keepStart: r.keep_start,
    keepEnd: r.keep_end,
    step: r.step === null ? null : Number(r.step),
    snapPx: r.snap_px === null ? null : Number(r.snap_px),
  }));
}
