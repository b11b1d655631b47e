/**
 * The node-edge graph of one pipe category, loaded per request from `pipe.segments` (start/end
 * point ids; never snapped by geometry) with the nodes that matter to traces: valves, sources.
 * A city category of ~10⁵ segments loads in tens of milliseconds and searches in microseconds
 * (domain.md §1.11: traces in TypeScript over an adjacency list, no pgRouting needed).
 */
import type { Pool } from '../db.ts';

/** Adjacency in CSR form: for node index i, edges `edgeOf[offset[i] .. offset[i+1])`. */
export interface PipeGraph {
  readonly category: string;
  /** Segment ids, and their start/end as node indexes. */
  readonly segIds: Float64Array;
  readonly segStart: Int32Array;
  readonly segEnd: Int32Array;
  /** Inverts say the flow runs end → start (gravity networks only). */
  readonly segReversed: Uint8Array;
  readonly nodeIds: Float64Array;
  readonly nodeIndex: ReadonlyMap<number, number>;
  readonly offset: Int32Array;
  readonly edgeOf: Int32Array;
  /** Operable valves (阀门, not 故障), closed valves (关), failed valves (故障), sources. */
  readonly valves: ReadonlySet<number>;
  readonly closed: ReadonlySet<number>;
  readonly failed: ReadonlySet<number>;
  readonly sources: ReadonlySet<number>;
}

const SEGMENTS_SQL = `SELECT array_agg(id ORDER BY id) AS ids, array_agg(start_point_id ORDER BY id) AS s, array_agg(end_point_id ORDER BY id) AS e,
  array_agg((start_elev IS NOT NULL AND end_elev IS NOT NULL AND end_elev > start_elev) ORDER BY id) AS rev
  FROM pipe.segments WHERE category = $1 AND status <> 1`;
const NODES_SQL = `SELECT id, appurtenance, valve_state, is_source FROM pipe.points WHERE category = $1 AND (appurtenance = '阀门' OR is_source)`;

/** Loads the graph of `category` (in-use and spare segments; 废弃 excluded). */
export async function loadPipeGraph(pool: Pool, category: string): Promise<PipeGraph> {
  const [segs, nodes] = await Promise.all([
    pool.query<{ ids: number[] | null; s: number[] | null; e: number[] | null; rev: boolean[] | null }>(SEGMENTS_SQL, [category]),
    pool.query<{ id: number; appurtenance: string | null; valve_state: string | null; is_source: boolean }>(NODES_SQL, [category]),
  ]);
  const row = segs.rows[0]!;
  const ids = (row.ids ?? []).map(Number);
  const starts = (row.s ?? []).map(Number);
  const ends = (row.e ?? []).map(Number);
  const nodeIndex = new Map<number, number>();
  const nodeIdList: number[] = [];
  const idx = (id: number): number => {
    let i = nodeIndex.get(id);
    if (i === undefined) {
      i = nodeIdList.length;
      nodeIndex.set(id, i);
      nodeIdList.push(id);
    }
    return i;
  };
  const segStart = Int32Array.from(starts, idx);
  const segEnd = Int32Array.from(ends, idx);
  const n = nodeIdList.length;
  const offset = new Int32Array(n + 1);
  for (let k = 0; k < ids.length; k++) { offset[segStart[k]! + 1]! += 1; offset[segEnd[k]! + 1]! += 1; }
  for (let i = 0; i < n; i++) offset[i + 1]! += offset[i]!;
  const fill = offset.slice(0, n);
  const edgeOf = new Int32Array(2 * ids.length);
  for (let k = 0; k < ids.length; k++) { edgeOf[fill[segStart[k]!]!++] = k; edgeOf[fill[segEnd[k]!]!++] = k; }
  const valves = new Set<number>();
  const closed = new Set<number>();
  const failed = new Set<number>();
  const sources = new Set<number>();
  for (const p of nodes.rows) {
    if (p.is_source) sources.add(p.id);
    if (p.appurtenance === '阀门') {
      if (p.valve_state === '故障') failed.add(p.id);
      else valves.add(p.id);
      if (p.valve_state === '关') closed.add(p.id);
    }
  }
  return {
    category, segIds: Float64Array.from(ids), segStart, segEnd, segReversed: Uint8Array.from(row.rev ?? [], (b) => (b ? 1 : 0)),
    nodeIds: Float64Array.from(nodeIdList), nodeIndex, offset, edgeOf, valves, closed, failed, sources,
  };
}

/** The other end of segment k seen from node i. */
export function across(g: PipeGraph, k: number, i: number): number {
  return g.segStart[k] === i ? g.segEnd[k]! : g.segStart[k]!;
}
