/**
 * 开挖分析 (domain.md §1.6): the segments inside a dig area whose top lies shallower than the dig
 * depth (+ safety margin) along the part inside the area; a segment whose depth is unknown is
 * listed as 'needs review' (fail closed, never silently safe). Owner units to notify (管线交底)
 * are grouped; for water (给水) pipes hit, the valves to close come from the burst (valve
 * isolation) trace of pipe-burst.ts on the water graph. Pipeline departments only
 * (routes/pipes.ts answers every other caller 403).
 */
import type { Pool } from '../db.ts';
import { BadRequestError } from '../errors.ts';
import { traceBurst } from './pipe-burst.ts';
import { loadPipeGraph } from './pipe-graph.ts';
import { pipeHeight } from './pipe-profile.ts';

export const MAX_AREA_M2 = 1_000_000;
/** Water segments hit beyond this many get no valve list (the dig is too large for one closure plan). */
const MAX_WATER_TRACES = 50;

const AREA_SQL = `SELECT ST_IsValid(g) AS valid, ST_Area(ST_Transform(g, 4549)) AS m2 FROM (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4490) AS g) x`;
// Per segment: the range of positions (fractions) of its parts inside the area; depth is linear
// along a segment, so its shallowest point inside the area is at one end of that range.
const HIT_SQL = `WITH area AS (SELECT ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON($1), 4490), 4549) AS g),
parts AS (SELECT s.id, (ST_Dump(ST_Intersection(s.geom_4549, area.g))).geom AS part FROM pipe.segments s, area
  WHERE ST_Intersects(s.geom_4549, area.g) AND s.status <> 1)
SELECT s.id::int, s.line_no, s.category, s.subcategory, s.shape, s.diameter_mm, s.width_mm, s.height_mm, s.material, s.elev_ref, s.owner_unit,
  s.start_depth::float8, s.end_depth::float8, x.fmin, x.fmax, x.inside_m, ST_AsGeoJSON(s.geom, 7)::json AS geometry
FROM (SELECT p.id, min(least(ST_LineLocatePoint(s.geom_4549, ST_StartPoint(p.part)), ST_LineLocatePoint(s.geom_4549, ST_EndPoint(p.part)))) AS fmin,
        max(greatest(ST_LineLocatePoint(s.geom_4549, ST_StartPoint(p.part)), ST_LineLocatePoint(s.geom_4549, ST_EndPoint(p.part)))) AS fmax,
        sum(ST_Length(p.part)) AS inside_m
      FROM parts p JOIN pipe.segments s ON s.id = p.id GROUP BY p.id) x
JOIN pipe.segments s ON s.id = x.id ORDER BY s.id LIMIT 5001`;
const VALVES_SQL = `SELECT id::int, point_no, valve_state, ST_AsGeoJSON(geom, 7)::json AS geometry FROM pipe.points WHERE id = ANY($1::bigint[]) ORDER BY id`;

interface HitRow {
  id: number; line_no: string; category: string; subcategory: string | null; shape: string; diameter_mm: number | null; width_mm: number | null;
  height_mm: number | null; material: string | null; elev_ref: string; owner_unit: string | null; start_depth: number | null; end_depth: number | null;
  fmin: number; fmax: number; inside_m: number; geometry: unknown;
}

/** Depth of the pipe top below ground at fraction f, or null when unknown. */
function topDepth(r: HitRow, f: number): number | null {
  if (r.start_depth === null || r.end_depth === null) return null;
  const d = r.start_depth + (r.end_depth - r.start_depth) * f;
  if (r.elev_ref === 'T') return d;
  const h = pipeHeight(r);
  if (h === null) return null;
  return r.elev_ref === 'B' ? d - h : d - h / 2;
}

export interface ExcavationSegment {
  readonly type: 'Feature'; readonly id: number; readonly geometry: unknown;
  readonly properties: { line_no: string; category: string; status: 'hit' | 'needs review'; inside_m: number; diameter_mm: number | null; material: string | null; top_depth_m: number | null; owner_unit: string | null };
}
export interface ExcavationResult {
  readonly depth_m: number;
  readonly safety_m: number;
  readonly summary: Record<string, number>;
  readonly segments: { type: 'FeatureCollection'; features: ExcavationSegment[] };
  /** 管线交底: owner units to notify. */
  readonly owners: { owner_unit: string | null; categories: string[]; segments: number }[];
  readonly valvesToClose: { type: 'FeatureCollection'; features: { type: 'Feature'; id: number; geometry: unknown; properties: Record<string, unknown> }[] };
  readonly valvesTruncated: boolean;
}

export async function excavationAnalysis(pool: Pool, area: unknown, depthM: number, safetyM: number): Promise<ExcavationResult> {
  const text = JSON.stringify(area);
  const a = (await pool.query<{ valid: boolean; m2: number }>(AREA_SQL, [text])).rows[0]!;
  if (!a.valid) throw new BadRequestError('开挖范围多边形无效 (自交?) / area is not a valid polygon (self-intersecting?)', { parameter: 'area' });
  if (!(a.m2 > 0)) throw new BadRequestError('开挖范围面积为零 / area has no extent', { parameter: 'area' });
  if (a.m2 > MAX_AREA_M2) throw new BadRequestError(`开挖范围过大 / area is ${(a.m2 / 1e6).toFixed(2)} km², at most 1 km²`, { parameter: 'area' });
  const { rows } = await pool.query<HitRow>(HIT_SQL, [text]);
  if (rows.length > 5000) throw new BadRequestError('开挖范围内管线过多 / more than 5000 segments in the area; draw a smaller area', { parameter: 'area' });
  const limit = depthM + safetyM;
  const features: ExcavationSegment[] = [];
  for (const r of rows) {
    const d1 = topDepth(r, r.fmin);
    const d2 = topDepth(r, r.fmax);
    const shallowest = d1 === null || d2 === null ? null : Math.min(d1, d2);
    if (shallowest !== null && shallowest >= limit) continue;
    const status = shallowest === null ? 'needs review' : 'hit';
    features.push({
      type: 'Feature', id: r.id, geometry: r.geometry,
      properties: {
        line_no: r.line_no, category: r.category, status, inside_m: Math.round(r.inside_m * 100) / 100, diameter_mm: r.diameter_mm, material: r.material,
        top_depth_m: shallowest === null ? null : Math.round(shallowest * 1000) / 1000, owner_unit: r.owner_unit,
      },
    });
  }
  // Valve isolation for each water pipe that may be hit (needs review included: fail closed).
  const water = features.filter((f) => f.properties.category === 'JS');
  const valveIds = new Set<number>();
  const valvesTruncated = water.length > MAX_WATER_TRACES;
  if (water.length > 0 && !valvesTruncated) {
    const g = await loadPipeGraph(pool, 'JS');
    const index = new Map<number, number>();
    g.segIds.forEach((id, k) => index.set(id, k));
    for (const f of water) {
      const k = index.get(f.id);
      if (k !== undefined) for (const v of traceBurst(g, k, new Set()).valvesToClose) valveIds.add(v);
    }
  }
  const valves = valveIds.size ? (await pool.query<{ id: number; point_no: string; valve_state: string | null; geometry: unknown }>(VALVES_SQL, [[...valveIds]])).rows : [];
  const byOwner = new Map<string | null, { categories: Set<string>; segments: number }>();
  for (const r of rows) {
    if (!features.some((f) => f.id === r.id)) continue;
    const o = byOwner.get(r.owner_unit) ?? { categories: new Set<string>(), segments: 0 };
    o.categories.add(r.category);
    o.segments += 1;
    byOwner.set(r.owner_unit, o);
  }
  return {
    depth_m: depthM,
    safety_m: safetyM,
    summary: {
      hit: features.filter((f) => f.properties.status === 'hit').length,
      needsReview: features.filter((f) => f.properties.status === 'needs review').length,
      valvesToClose: valves.length,
      owners: byOwner.size,
    },
    segments: { type: 'FeatureCollection', features },
    owners: [...byOwner].map(([owner_unit, o]) => ({ owner_unit, categories: [...o.categories].sort(), segments: o.segments })),
    valvesToClose: {
      type: 'FeatureCollection',
      features: valves.map(({ id, geometry, ...p }) => ({ type: 'Feature' as const, id, geometry, properties: { point_no: p.point_no, ...(p.valve_state ? { valve_state: p.valve_state } : {}) } })),
    },
    valvesTruncated,
  };
}
