/**
 * 纵断面分析 (domain.md §1.6): a connected run of segments, in order → chainage table. Per node the
 * ground elevation (管线点), the pipe invert/top elevations and depth as stored on the segments
 * (elev_ref says whether the stored elevation is 管顶, 管内底 or 中心); per segment its length,
 * slope along the run (‰, positive = falling) and size. SQL is fixed text; values are bound.
 */
import type { Pool } from '../db.ts';
import { BadRequestError, NotFoundError } from '../errors.ts';

interface SegRow {
  id: number; line_no: string; category: string; start_point_id: number; end_point_id: number; length_m: number;
  start_depth: number | null; end_depth: number | null; start_elev: number | null; end_elev: number | null;
  elev_ref: 'T' | 'B' | 'C'; shape: 'C' | 'R'; diameter_mm: number | null; height_mm: number | null; width_mm: number | null; geometry: unknown;
}
interface PointRow { id: number; point_no: string; ground_elev: number | null; depth: number | null }

const SEGMENTS_SQL = `SELECT id::int, line_no, category, start_point_id::int, end_point_id::int, length_m, start_depth::float8, end_depth::float8,
  start_elev::float8, end_elev::float8, elev_ref, shape, diameter_mm, height_mm, width_mm, ST_AsGeoJSON(geom, 7)::json AS geometry FROM pipe.segments WHERE id = ANY($1::bigint[])`;
const POINTS_SQL = `SELECT id::int, point_no, ground_elev::float8, depth::float8 FROM pipe.points WHERE id = ANY($1::bigint[])`;

const r3 = (v: number | null): number | null => (v === null ? null : Math.round(v * 1000) / 1000);

/** Pipe height (m) used to go from the stored elevation to invert and top; null if unknown. */
export function pipeHeight(s: { shape: string; diameter_mm: number | null; height_mm: number | null }): number | null {
  const mm = s.shape === 'R' ? s.height_mm : s.diameter_mm;
  return mm === null ? null : mm / 1000;
}

/** Invert and top from a stored elevation with its reference (T 管顶, B 管内底, C 中心). */
export function invertTop(elev: number | null, ref: string, h: number | null): { invert: number | null; top: number | null } {
  if (elev === null) return { invert: null, top: null };
  if (ref === 'T') return { top: elev, invert: h === null ? null : elev - h };
  if (ref === 'B') return { invert: elev, top: h === null ? null : elev + h };
  return h === null ? { invert: null, top: null } : { invert: elev - h / 2, top: elev + h / 2 };
}

export interface ProfileNode {
  readonly point_id: number; readonly point_no: string; readonly chainage_m: number; readonly ground_elev: number | null;
  /** Pipe values at this node: of the outgoing segment (the incoming one at the last node). */
  readonly depth: number | null; readonly invert_elev: number | null; readonly top_elev: number | null;
  /** The incoming segment's values at an interior node (they differ at a 跌水 drop). */
  readonly incoming?: { depth: number | null; invert_elev: number | null; top_elev: number | null };
}
export interface ProfileSegment {
  readonly id: number; readonly line_no: string; readonly category: string; readonly from_point_id: number; readonly to_point_id: number;
  readonly reversed: boolean; readonly length_m: number; readonly slope_permille: number | null; readonly diameter_mm: number | null;
  readonly width_mm: number | null; readonly height_mm: number | null;
  /** The segment's line (GeoJSON, CGCS2000 lon/lat), to draw the run on a map. */
  readonly geometry: unknown;
}
export interface ProfileResult { readonly length_m: number; readonly nodes: ProfileNode[]; readonly segments: ProfileSegment[] }

/** The profile of a run (pipeline departments only: routes/pipes.ts answers every other caller 403). */
export async function profileAnalysis(pool: Pool, ids: readonly number[]): Promise<ProfileResult> {
  const { rows } = await pool.query<SegRow>(SEGMENTS_SQL, [ids]);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length) throw new NotFoundError('PipeSegmentNotFound', `管线段不存在 / no pipe segment(s): ${missing.slice(0, 10).join(', ')}`);
  const segs = ids.map((id) => byId.get(id)!);
  // Orientation of the first segment: toward the node it shares with the second.
  const first = segs[0]!;
  let node: number;
  if (segs.length > 1 && [segs[1]!.start_point_id, segs[1]!.end_point_id].includes(first.start_point_id) && ![segs[1]!.start_point_id, segs[1]!.end_point_id].includes(first.end_point_id)) node = first.end_point_id;
  else node = first.start_point_id;
  const walk: { seg: SegRow; reversed: boolean; from: number; to: number }[] = [];
  for (const [k, s] of segs.entries()) {
    if (s.start_point_id === node) walk.push({ seg: s, reversed: false, from: node, to: s.end_point_id });
    else if (s.end_point_id === node) walk.push({ seg: s, reversed: true, from: node, to: s.start_point_id });
    else throw new BadRequestError(`管线段不连续 / segment ${s.id} (position ${k + 1}) does not connect to the previous one`, { parameter: 'segments' });
    if (k > 0 && s.category !== first.category) throw new BadRequestError(`管线段类别不同 / segment ${s.id} is of another category`, { parameter: 'segments' });
    node = walk[k]!.to;
  }
  const pointIds = [walk[0]!.from, ...walk.map((w) => w.to)];
  if (new Set(pointIds).size !== pointIds.length) throw new BadRequestError('管线段路径自交 / the run visits a node twice', { parameter: 'segments' });
  const pts = await pool.query<PointRow>(POINTS_SQL, [pointIds]);
  const pointById = new Map(pts.rows.map((p) => [p.id, p]));
  const end = (w: (typeof walk)[number], atFrom: boolean) => {
    const useStart = atFrom !== w.reversed;
    const depth = useStart ? w.seg.start_depth : w.seg.end_depth;
    const elev = useStart ? w.seg.start_elev : w.seg.end_elev;
    const it = invertTop(elev, w.seg.elev_ref, pipeHeight(w.seg));
    return { depth: r3(depth), invert_elev: r3(it.invert), top_elev: r3(it.top) };
  };
  const nodes: ProfileNode[] = [];
  const segments: ProfileSegment[] = [];
  let chainage = 0;
  for (let i = 0; i < pointIds.length; i++) {
    const p = pointById.get(pointIds[i]!);
    const out = i < walk.length ? end(walk[i]!, true) : end(walk[i - 1]!, false);
    const incoming = i > 0 && i < walk.length ? end(walk[i - 1]!, false) : undefined;
    nodes.push({ point_id: pointIds[i]!, point_no: p?.point_no ?? '', chainage_m: Math.round(chainage * 100) / 100, ground_elev: p?.ground_elev ?? null, ...out, ...(incoming ? { incoming } : {}) });
    if (i < walk.length) {
      const w = walk[i]!;
      const a = end(w, true).invert_elev;
      const b = end(w, false).invert_elev;
      segments.push({
        id: w.seg.id, line_no: w.seg.line_no, category: w.seg.category, from_point_id: w.from, to_point_id: w.to, reversed: w.reversed,
        length_m: Math.round(w.seg.length_m * 100) / 100,
        slope_permille: a === null || b === null || w.seg.length_m <= 0 ? null : Math.round(((a - b) / w.seg.length_m) * 1000 * 100) / 100,
        diameter_mm: w.seg.diameter_mm, width_mm: w.seg.width_mm, height_mm: w.seg.height_mm, geometry: w.seg.geometry,
      });
      chainage += w.seg.length_m;
    }
  }
  return { length_m: Math.round(chainage * 100) / 100, nodes, segments };
}
