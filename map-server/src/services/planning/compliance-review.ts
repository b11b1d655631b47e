/**
 * 合规性审查 (domain.md §4.3): overlap of a site with each constraint layer and each 控规 land-use
 * class as of an instant, areas on the CGCS2000 ellipsoid (PostGIS `geography`, 椭球面积), severity
 * from `planning.review_rules`, slivers below the tolerance ignored and listed, the plan editions
 * and loads used recorded, and the whole result stored with an id.
 *
 * Tables come from the catalogue (the rule names a layer id; identifiers are quoted from its
 * TableSpec); every value is bound.
 */
import type { LayerSpec } from '@onemap/geodata/catalog';
import type { Pool } from '../../db.ts';
import { BadRequestError } from '../../errors.ts';
import type { Plans } from '../layer-plans.ts';
import { renderSiteMapSvg, type MapFeature } from './report-map.ts';
import type { SiteInput } from './site-input.ts';

/** m² per 亩 (1 亩 = 10000/15 m²) and per 公顷. */
export const M2_PER_MU = 10_000 / 15;
export const M2_PER_HA = 10_000;

/** The largest site a review accepts (100 km²): a project red line, not a county. */
export const MAX_SITE_AREA_M2 = 100e6;

/** Pieces drawn per layer on the report map (the table always counts them all). */
const MAX_MAP_PIECES = 3000;

export type Severity = 'conflict' | 'warning' | 'info';
export type Verdict = 'pass' | 'warning' | 'conflict';

/** An area in the three units planners use. */
export interface Area {
  readonly m2: number;
  readonly ha: number;
  readonly mu: number;
}

export function area(m2: number): Area {
  return { m2: round(m2, 2), ha: round(m2 / M2_PER_HA, 4), mu: round(m2 / M2_PER_MU, 2) };
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

export interface ReviewOptions {
  /** The plan in force at this instant (epoch ms). */
  readonly asOfMs: number;
  /** A piece of overlap is a sliver when it is below BOTH thresholds (domain.md §4.3 step 4). */
  readonly toleranceM2: number;
  readonly tolerancePct: number;
  readonly actor: string;
}

export interface FeatureHit {
  readonly fid: number;
  readonly label: string;
  readonly planVersion: string;
  readonly area: Area;
}

export interface ClassRow {
  readonly code: string;
  readonly name: string;
  readonly nameEn: string;
  readonly color: string | null;
  readonly area: Area;
  readonly pct: number;
}

export interface Sliver {
  readonly layer: string;
  readonly fid: number | null;
  readonly what: string;
  readonly areaM2: number;
}

export interface LayerResult {
  readonly layer: string;
  readonly title: { readonly zh: string; readonly en: string };
  readonly rule: 'inside_forbidden' | 'outside_warning' | 'classes';
  /** The rule's severity when it fires, `info` otherwise. */
  readonly severity: Severity;
  readonly fired: boolean;
  readonly message: { readonly zh: string; readonly en: string };
  /** inside_forbidden: area inside the layer; outside_warning: area outside it; classes: area covered by it. */
  readonly area: Area;
  readonly pct: number;
  readonly features: readonly FeatureHit[];
  /** classes only: area per land-use code, then the part no parcel covers. */
  readonly classes?: readonly ClassRow[];
  readonly uncovered?: Area;
}

export interface DataVersion {
  readonly layer: string;
  readonly table: string;
  /** The edition of the layer's plan family in force at `asOf`. */
  readonly inForce: { readonly id: string; readonly name: string; readonly approvalNo: string; readonly approvedOn: string } | null;
  /** Editions of the features the site met. */
  readonly featureVersions: readonly string[];
  /** The last load of the layer (catalog.dataset_loads). */
  readonly loadedAt: string | null;
  readonly loadSource: string | null;
}

export interface ReviewResult {
  readonly id: number;
  readonly name: string | null;
  readonly createdAt: string;
  readonly createdBy: string;
  readonly asOf: string;
  readonly source: { readonly format: string; readonly crs: string };
  readonly site: { readonly area: Area; readonly bbox: readonly [number, number, number, number]; readonly areaMethod: string };
  readonly tolerance: { readonly m2: number; readonly pct: number; readonly effectiveM2: number };
  readonly verdict: Verdict;
  readonly layers: readonly LayerResult[];
  readonly slivers: readonly Sliver[];
  /** Land-use classes + uncovered + slivers of the 控规 layer against the site area. */
  readonly balance: { readonly classesM2: number; readonly uncoveredM2: number; readonly sliversM2: number; readonly siteM2: number; readonly differenceM2: number };
  readonly dataVersions: readonly DataVersion[];
}

interface RuleRow {
  layer_id: string;
  rule: LayerResult['rule'];
  severity: Severity;
  plan_family: string;
  message_zh: string;
  message_en: string;
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
const tableOf = (layer: LayerSpec) => `${q(layer.table.schema)}.${q(layer.table.name)}`;

/** The label of a feature in tables and on the map: the layer's code-like column. */
function labelColumn(layer: LayerSpec): string {
  for (const c of ['parcel_no', 'code', 'name']) if (layer.properties.some((p) => p.name === c)) return c;
  return layer.table.idColumn;
}

// Per-feature intersections as polygon pieces: each piece is a sliver or counts; its SVG path
// (EPSG:4549, for the report map) comes along so the map costs no second query.
function piecesSql(layer: LayerSpec): string {
  const has = (c: string) => layer.properties.some((p) => p.name === c);
  return `
    SELECT t.fid, t.${q(labelColumn(layer))}::text AS label, t.plan_version,
           ${has('landuse_code') ? 't.landuse_code' : 'NULL::text'} AS code, ${has('landuse_class') ? 't.landuse_class' : 'NULL::text'} AS cls,
           ST_Area(d.geom::geography) AS area_m2, ST_AsSVG(ST_Transform(d.geom, 4549), 0, 1) AS path
      FROM ${tableOf(layer)} t,
           LATERAL ST_Dump(ST_CollectionExtract(ST_Intersection(t.geom, $1::geometry), 3)) d
     WHERE t.geom && $1::geometry AND t.valid @> $2::timestamptz AND ST_Intersects(t.geom, $1::geometry)`;
}

// The part of the site no feature of the layer covers, as pieces.
function outsideSql(layer: LayerSpec): string {
  return `
    SELECT ST_Area(d.geom::geography) AS area_m2
      FROM LATERAL (SELECT ST_Difference($1::geometry, COALESCE(ST_Union(t.geom), 'SRID=4490;POLYGON EMPTY'::geometry)) AS g
                      FROM ${tableOf(layer)} t
                     WHERE t.geom && $1::geometry AND t.valid @> $2::timestamptz AND ST_Intersects(t.geom, $1::geometry)) u,
           LATERAL ST_Dump(ST_CollectionExtract(u.g, 3)) d`;
}

function verdictOf(layers: readonly LayerResult[]): Verdict {
  if (layers.some((l) => l.fired && l.severity === 'conflict')) return 'conflict';
  if (layers.some((l) => l.fired && l.severity === 'warning')) return 'warning';
  return 'pass';
}

/**
 * Runs a review and stores it; returns the stored result. Throws 400 for a site that is not a
 * valid polygon, is empty, or is larger than MAX_SITE_AREA_M2.
 */
export async function runReview(pool: Pool, plans: Plans, site: SiteInput, options: ReviewOptions): Promise<ReviewResult> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    // Normalise: into CGCS2000, check validity (a self-intersecting red line is refused with the reason, not silently repaired).
    const norm = await client.query<{ valid: boolean; reason: string; g: string; area_m2: number; xmin: number; ymin: number; xmax: number; ymax: number }>(
      `WITH s AS (SELECT ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON($1), $2::int), 4490) AS g)
       SELECT ST_IsValid(g) AS valid, ST_IsValidReason(g) AS reason, ST_AsEWKT(g) AS g, ST_Area(g::geography) AS area_m2,
              ST_XMin(g) AS xmin, ST_YMin(g) AS ymin, ST_XMax(g) AS xmax, ST_YMax(g) AS ymax FROM s`,
      [JSON.stringify(site.geometry), site.srid],
    ).catch((err: unknown) => {
      // PROJ refuses coordinates outside the CRS's domain (XX000) and PostGIS malformed input (22xxx):
      // both describe the client's site, never a server fault.
      const code = String((err as { code?: unknown }).code ?? '');
      if (code.startsWith('XX') || code.startsWith('22'))
        throw new BadRequestError('地块坐标无法转换，请检查坐标系 / the site coordinates cannot be transformed; check its CRS', { parameter: 'crs' });
      throw err;
    });
    const s = norm.rows[0]!;
    if (!s.valid) throw new BadRequestError(`地块图形无效 (${s.reason}) / the site geometry is invalid: ${s.reason}`, { parameter: 'site', reason: s.reason });
    if (!(s.xmin >= 73 && s.xmax <= 136 && s.ymin >= 3 && s.ymax <= 54))
      throw new BadRequestError('地块不在中国境内，请检查坐标系 / the site is outside China; check its CRS', { parameter: 'crs' });
    if (!(s.area_m2 > 0)) throw new BadRequestError('地块面积为 0 / the site has no area', { parameter: 'site' });
    if (s.area_m2 > MAX_SITE_AREA_M2) throw new BadRequestError(`地块过大 (> ${MAX_SITE_AREA_M2 / 1e6} km²) / the site is larger than ${MAX_SITE_AREA_M2 / 1e6} km²`, { parameter: 'site' });
    const siteM2 = s.area_m2;
    const effectiveM2 = Math.min(options.toleranceM2, (options.tolerancePct / 100) * siteM2);
    const isSliver = (m2: number) => m2 < options.toleranceM2 && m2 < (options.tolerancePct / 100) * siteM2;
    const asOf = new Date(options.asOfMs).toISOString();
    const args = [s.g, asOf];

    const rules = (await client.query<RuleRow>('SELECT layer_id, rule, severity, plan_family, message_zh, message_en FROM planning.review_rules ORDER BY ord')).rows;
    const codes = new Map(
      (await client.query<{ code: string; name: string; name_en: string; color: string | null; parent: string | null }>(
        `SELECT code, name, name_en, color, parent FROM planning.landuse_codes WHERE system = 'ydyh2023'`,
      )).rows.map((r) => [r.code, r]),
    );
    const colourOf = (code: string): string | null => {
      for (let c: string | undefined = code; c; c = codes.get(c)?.parent ?? undefined) if (codes.get(c)?.color) return codes.get(c)!.color;
      return null;
    };

    const layers: LayerResult[] = [];
    const slivers: Sliver[] = [];
    const mapFeatures: MapFeature[] = [];
    const dataVersions: DataVersion[] = [];
    const used: { layer: LayerSpec; family: string; featureVersions: string[] }[] = [];
    let balance: ReviewResult['balance'] = { classesM2: 0, uncoveredM2: siteM2, sliversM2: 0, siteM2, differenceM2: 0 };

    for (const rule of rules) {
      const plan = plans.layers.get(rule.layer_id);
      if (!plan) continue; // a rule for a layer this server does not publish
      const layer = plan.spec;
      const isClasses = rule.rule === 'classes';
      const pieces = (await client.query<{ fid: number; label: string; plan_version: string; area_m2: number; code: string | null; cls: string | null; path: string }>(
        piecesSql(layer),
        args,
      )).rows;
      const counted = pieces.filter((p) => {
        if (!isSliver(p.area_m2)) return true;
        slivers.push({ layer: layer.id, fid: p.fid, what: p.label, areaM2: round(p.area_m2, 3) });
        return false;
      });
      const byFeature = new Map<number, FeatureHit & { m2: number }>();
      for (const p of counted) {
        const hit = byFeature.get(p.fid);
        const m2 = (hit?.m2 ?? 0) + p.area_m2;
        byFeature.set(p.fid, { fid: p.fid, label: p.label, planVersion: p.plan_version, area: area(m2), m2 });
      }
      const features = [...byFeature.values()].sort((a, b) => b.m2 - a.m2).map(({ m2: _m2, ...f }) => f);
      const insideM2 = counted.reduce((sum, p) => sum + p.area_m2, 0);
      let measured = insideM2;
      let classes: ClassRow[] | undefined;
      let uncovered: Area | undefined;
      if (rule.rule !== 'inside_forbidden') {
        const outside = (await client.query<{ area_m2: number }>(outsideSql(layer), args)).rows;
        let outsideM2 = 0;
        for (const o of outside) {
          if (isSliver(o.area_m2)) slivers.push({ layer: layer.id, fid: null, what: isClasses ? '控规未覆盖 / not covered' : '边界外 / outside', areaM2: round(o.area_m2, 3) });
          else outsideM2 += o.area_m2;
        }
        if (rule.rule === 'outside_warning') measured = outsideM2;
        if (isClasses) {
          const byCode = new Map<string, number>();
          for (const p of counted) byCode.set(p.code!, (byCode.get(p.code!) ?? 0) + p.area_m2);
          classes = [...byCode.entries()]
            .sort((a, b) => b[1] - a[1])
            .map(([code, m2]) => ({ code, name: codes.get(code)?.name ?? code, nameEn: codes.get(code)?.name_en ?? code, color: colourOf(code), area: area(m2), pct: round((100 * m2) / siteM2, 2) }));
          uncovered = area(outsideM2);
          const sliversM2 = slivers.filter((x) => x.layer === layer.id).reduce((sum, x) => sum + x.areaM2, 0);
          balance = { classesM2: round(insideM2, 2), uncoveredM2: round(outsideM2, 2), sliversM2: round(sliversM2, 3), siteM2: round(siteM2, 2), differenceM2: round(siteM2 - insideM2 - outsideM2 - sliversM2, 3) };
        }
      }
      const fired = !isClasses && measured > 0;
      layers.push({
        layer: layer.id,
        title: layer.title,
        rule: rule.rule,
        severity: fired ? rule.severity : 'info',
        fired,
        message: { zh: rule.message_zh, en: rule.message_en },
        area: area(measured),
        pct: round((100 * measured) / siteM2, 2),
        features: features.slice(0, 200),
        ...(classes ? { classes, uncovered: uncovered! } : {}),
      });
      for (const p of pieces.slice(0, MAX_MAP_PIECES)) if (p.path) mapFeatures.push({ layer: layer.id, path: p.path, color: p.cls ? colourOf(p.cls) : null, label: p.label });
      used.push({ layer, family: rule.plan_family, featureVersions: [...new Set(pieces.map((p) => p.plan_version))].sort() });
    }

    // Editions in force and the last load of every layer, in one statement.
    const meta = (await client.query<{ layer: string; id: string | null; name: string | null; approval_no: string | null; approved_on: string | null; loaded_at: Date | null; source: string | null }>(
      `SELECT u.layer, v.id, v.name, v.approval_no, to_char(v.approved_on, 'YYYY-MM-DD') AS approved_on, l.loaded_at, l.source
         FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS u(layer, family, ord)
         LEFT JOIN LATERAL (SELECT * FROM planning.plan_versions p WHERE p.family = u.family AND p.effective_from <= $3::timestamptz ORDER BY p.effective_from DESC LIMIT 1) v ON true
         LEFT JOIN LATERAL (SELECT * FROM catalog.dataset_loads d WHERE d.layer_id = u.layer ORDER BY d.id DESC LIMIT 1) l ON true
        ORDER BY u.ord`,
      [used.map((u) => u.layer.id), used.map((u) => u.family), asOf],
    )).rows;
    for (const [i, u] of used.entries()) {
      const m = meta[i]!;
      dataVersions.push({
        layer: u.layer.id,
        table: `${u.layer.table.schema}.${u.layer.table.name}`,
        inForce: m.id ? { id: m.id, name: m.name!, approvalNo: m.approval_no!, approvedOn: m.approved_on! } : null,
        featureVersions: u.featureVersions,
        loadedAt: m.loaded_at ? m.loaded_at.toISOString() : null,
        loadSource: m.source,
      });
    }

    const siteSvg = (await client.query<{ path: string; xmin: number; ymin: number; xmax: number; ymax: number }>(
      `SELECT ST_AsSVG(g, 0, 1) AS path, ST_XMin(g) AS xmin, ST_YMin(g) AS ymin, ST_XMax(g) AS xmax, ST_YMax(g) AS ymax
         FROM ST_Transform($1::geometry, 4549) g`,
      [s.g],
    )).rows[0]!;
    const mapSvg = renderSiteMapSvg({ site: siteSvg, features: mapFeatures });
    const verdict = verdictOf(layers);
    const bbox = [s.xmin, s.ymin, s.xmax, s.ymax] as const;
    const { id, created_at: createdAt } = (await client.query<{ id: number; created_at: Date }>(
      `SELECT nextval(pg_get_serial_sequence('planning.reviews', 'id'))::bigint AS id, now() AS created_at`,
    )).rows[0]!;
    const result: ReviewResult = {
      id,
      name: site.name ?? null,
      createdAt: createdAt.toISOString(),
      createdBy: options.actor,
      asOf,
      source: { format: site.format, crs: site.crsLabel },
      site: { area: area(siteM2), bbox, areaMethod: 'ellipsoidal (CGCS2000/GRS80 via PostGIS geography)' },
      tolerance: { m2: options.toleranceM2, pct: options.tolerancePct, effectiveM2: round(effectiveM2, 4) },
      verdict,
      layers,
      slivers,
      balance,
      dataVersions,
    };
    await client.query(
      `INSERT INTO planning.reviews (id, created_at, created_by, as_of, source_format, source_crs, site_name, tolerance_m2, tolerance_pct, site_area_m2, verdict, result, map_svg, site)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, ST_Multi($14::geometry))`,
      [id, createdAt, options.actor, asOf, site.format, site.crsLabel, site.name ?? null, options.toleranceM2, options.tolerancePct, siteM2, verdict, JSON.stringify(result), mapSvg, s.g],
    );
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** A stored review: its result and report map, or undefined. */
export async function loadReview(pool: Pool, id: number): Promise<{ result: ReviewResult; mapSvg: string; site: unknown } | undefined> {
  const { rows } = await pool.query<{ result: ReviewResult; map_svg: string; site: string }>(
    'SELECT result, map_svg, ST_AsGeoJSON(site, 7) AS site FROM planning.reviews WHERE id = $1',
    [id],
  );
  const r = rows[0];
  return r ? { result: r.result, mapSvg: r.map_svg, site: JSON.parse(r.site) } : undefined;
}
