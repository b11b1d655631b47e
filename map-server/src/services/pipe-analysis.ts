/**
 * Pipeline analyses over PostGIS: the graph searches run in TypeScript (pipe-burst.ts) on the
 * category graph, then the result is read back as GeoJSON features. SQL is fixed text; values
 * are bound. Only pipeline departments get here (routes/pipes.ts answers every other caller
 * 403), so results carry every attribute.
 */
import type { Pool } from '../db.ts';
import { NotFoundError } from '../errors.ts';
import { loadPipeGraph } from './pipe-graph.ts';
import { traceBurst, traceConnected, traceFlow } from './pipe-burst.ts';

/** A GeoJSON FeatureCollection with plain properties. */
export interface FeatureCollection {
  readonly type: 'FeatureCollection';
  readonly features: { type: 'Feature'; id: number; geometry: unknown; properties: Record<string, unknown> }[];
}

const SEGMENT_SQL = `SELECT id, line_no, category, subcategory, diameter_mm, width_mm, height_mm, material, round(length_m::numeric, 2)::float8 AS length_m,
  start_depth::float8, end_depth::float8, start_elev::float8, end_elev::float8, elev_ref, pressure_class, owner_unit, ST_AsGeoJSON(geom, 7)::json AS geometry
  FROM pipe.segments WHERE id = ANY($1::bigint[]) ORDER BY id`;
const POINT_SQL = `SELECT id, point_no, category, feature, appurtenance, valve_state, ground_elev::float8, depth::float8, owner_unit, ST_AsGeoJSON(geom, 7)::json AS geometry
  FROM pipe.points WHERE id = ANY($1::bigint[]) ORDER BY id`;
const FIND_SEGMENT_SQL = `SELECT id, category, start_point_id, end_point_id FROM pipe.segments WHERE line_no = $1 OR id = $2`;
const FIND_POINT_SQL = `SELECT id, category FROM pipe.points WHERE point_no = $1 OR id = $2`;
const POINTS_BY_NO_SQL = `SELECT id, point_no FROM pipe.points WHERE point_no = ANY($1::text[]) OR id::text = ANY($1::text[])`;
// Service connections are not surveyed: a building within 30 m of a pipe (34 Web Mercator units
// at 28.7°N) is taken as supplied by it.
const BUILDINGS_SQL = `SELECT DISTINCT ON (b.fid) b.fid AS id, b.name, b.use, ST_AsGeoJSON(b.geom, 7)::json AS geometry
  FROM pipe.segments s JOIN base.buildings b ON upper_inf(b.valid) AND ST_DWithin(b.geom_3857, s.geom_3857, 34)
  WHERE s.id = ANY($1::bigint[]) ORDER BY b.fid LIMIT 5000`;

/** A reference made of digits only is also tried as an id. */
function numericId(ref: string): number | null {
  return /^\d{1,15}$/.test(ref) ? Number(ref) : null;
}

function collection(rows: readonly Record<string, unknown>[]): FeatureCollection {
  return {
    type: 'FeatureCollection',
    features: rows.map(({ id, geometry, ...rest }) => {
      const properties: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(rest)) if (v !== null) properties[k] = v;
      return { type: 'Feature', id: Number(id), geometry, properties };
    }),
  };
}

async function features(pool: Pool, sql: string, ids: readonly number[]): Promise<FeatureCollection> {
  if (ids.length === 0) return { type: 'FeatureCollection', features: [] };
  const { rows } = await pool.query<Record<string, unknown>>(sql, [ids]);
  return collection(rows);
}

async function findSegment(pool: Pool, ref: string): Promise<{ id: number; category: string; start_point_id: number; end_point_id: number }> {
  const { rows } = await pool.query<{ id: number; category: string; start_point_id: number; end_point_id: number }>(FIND_SEGMENT_SQL, [ref, numericId(ref)]);
  if (!rows[0]) throw new NotFoundError('PipeSegmentNotFound', `管线段不存在 / no pipe segment "${ref}"`);
  return rows[0];
}

export interface BurstResult {
  readonly segment: number;
  readonly summary: Record<string, number>;
  readonly valvesToClose: FeatureCollection;
  readonly failedValves: FeatureCollection;
  readonly isolatedSegments: FeatureCollection;
  readonly cutOffSegments: FeatureCollection;
  readonly affectedPoints: FeatureCollection;
  readonly affectedBuildings: FeatureCollection;
}

/** Valve isolation for a burst on a water (or gas) segment, by id or 管线编号. */
export async function burstAnalysis(pool: Pool, ref: string, failedRefs: readonly string[]): Promise<BurstResult> {
  const seg = await findSegment(pool, ref);
  const failedIds = new Set<number>();
  if (failedRefs.length > 0) {
    const { rows } = await pool.query<{ id: number; point_no: string }>(POINTS_BY_NO_SQL, [failedRefs]);
    const known = new Set(rows.flatMap((r) => [r.point_no, String(r.id)]));
    const missing = failedRefs.filter((r) => !known.has(r));
    if (missing.length) throw new NotFoundError('PipePointNotFound', `失效阀门不存在 / unknown failed valve(s): ${missing.join(', ')}`);
    for (const r of rows) failedIds.add(r.id);
  }
  const g = await loadPipeGraph(pool, seg.category);
  const k = g.segIds.indexOf(seg.id);
  if (k < 0) throw new NotFoundError('PipeSegmentNotFound', `管线段已废弃 / segment ${ref} is abandoned`);
  const t = traceBurst(g, k, failedIds);
  const [valves, failed, isolated, cutOff, points, buildings] = await Promise.all([
    features(pool, POINT_SQL, t.valvesToClose),
    features(pool, POINT_SQL, t.failedValves),
    features(pool, SEGMENT_SQL, t.isolatedSegments),
    features(pool, SEGMENT_SQL, t.cutOffSegments.slice(0, 20000)),
    features(pool, POINT_SQL, t.isolatedPoints.filter((id) => !t.valvesToClose.includes(id))),
    features(pool, BUILDINGS_SQL, [...t.isolatedSegments, ...t.cutOffSegments].slice(0, 20000)),
  ]);
  const affectedPoints: FeatureCollection = { type: 'FeatureCollection', features: points.features.filter((f) => ['水表', '消防栓'].includes(String(f.properties['appurtenance']))) };
  return {
    segment: seg.id,
    summary: {
      valvesToClose: t.valvesToClose.length, failedValves: t.failedValves.length, isolatedSegments: t.isolatedSegments.length,
      cutOffSegments: t.cutOffSegments.length, affectedMeters: affectedPoints.features.filter((f) => f.properties['appurtenance'] === '水表').length,
      affectedHydrants: affectedPoints.features.filter((f) => f.properties['appurtenance'] === '消防栓').length, affectedBuildings: buildings.features.length,
    },
    valvesToClose: valves, failedValves: failed, isolatedSegments: isolated, cutOffSegments: cutOff, affectedPoints, affectedBuildings: buildings,
  };
}

export interface TraceResult {
  readonly start: { kind: 'segment' | 'point'; id: number };
  readonly direction: 'up' | 'down' | 'connected';
  readonly summary: Record<string, number>;
  readonly segments: FeatureCollection;
  /** Segments on the way whose inverts rise along the flow (逆坡). */
  readonly adverse: number[];
}

/** 上下游追踪 (gravity) or 连通性 (pressure) from a segment or a point. */
export async function traceAnalysis(pool: Pool, start: { segment?: string; point?: string }, direction: 'up' | 'down' | 'connected'): Promise<TraceResult> {
  let category: string;
  let nodes: number[];
  let startRef: TraceResult['start'];
  if (start.segment !== undefined) {
    const seg = await findSegment(pool, start.segment);
    category = seg.category;
    // From a segment: downstream from its end, upstream from its start (per flow).
    nodes = [seg.start_point_id, seg.end_point_id];
    startRef = { kind: 'segment', id: seg.id };
  } else {
    const { rows } = await pool.query<{ id: number; category: string }>(FIND_POINT_SQL, [start.point!, numericId(start.point!)]);
    if (!rows[0]) throw new NotFoundError('PipePointNotFound', `管线点不存在 / no pipe point "${start.point!}"`);
    category = rows[0].category;
    nodes = [rows[0].id];
    startRef = { kind: 'point', id: rows[0].id };
  }
  const g = await loadPipeGraph(pool, category);
  const idx = nodes.map((id) => g.nodeIndex.get(id)).filter((i): i is number => i !== undefined);
  let ids: number[];
  let adverse: number[] = [];
  if (direction === 'connected') ids = traceConnected(g, idx);
  else {
    let from = idx;
    if (startRef.kind === 'segment') {
      const k = g.segIds.indexOf(startRef.id);
      const down = g.segReversed[k] ? g.segStart[k]! : g.segEnd[k]!;
      const up = g.segReversed[k] ? g.segEnd[k]! : g.segStart[k]!;
      from = [direction === 'down' ? down : up];
    }
    const r = traceFlow(g, from, direction);
    ids = startRef.kind === 'segment' ? [startRef.id, ...r.segments.filter((s) => s !== startRef.id)] : r.segments;
    adverse = r.adverse;
  }
  const segments = await features(pool, SEGMENT_SQL, ids.slice(0, 50000));
  const lengthM = segments.features.reduce((sum, f) => sum + Number(f.properties['length_m'] ?? 0), 0);
  return { start: startRef, direction, summary: { segments: ids.length, lengthM: Math.round(lengthM * 10) / 10, adverse: adverse.length }, segments, adverse };
}
