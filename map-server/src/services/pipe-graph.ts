/**
 * The node-edge graph of one pipe category, from `pipe.segments` (start/end point ids; never
 * snapped by geometry) with the nodes that matter to traces: valves, sources. Loading a city
 * category (~10⁵ segments) costs about a second on a busy machine while searching it takes
 * microseconds (domain.md §1.11), so graphs are kept per pool and category and reloaded only when
 * `pipe.network_version` (advanced by every statement that changes the network, migration 0060)
 * has moved since they were read.
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

const VERSION_SQL = `SELECT last_value::text AS v, is_called FROM pipe.network_version`;

interface Cached { readonly version: string; readonly graph: Promise<PipeGraph> }
const caches = new WeakMap<Pool, Map<string, Cached>>();

/**
 * The graph of `category` as of now: the cached one when the network has not changed since it was
 * read, else a fresh load (concurrent callers share one load).
 */
export async function loadPipeGraph(pool: Pool, category: string): Promise<PipeGraph> {
  const { rows } = await pool.query<{ v: string; is_called: boolean }>(VERSION_SQL);
  const version = rows[0]!.is_called ? rows[0]!.v : '0';
  let cache = caches.get(pool);
  if (cache === undefined) caches.set(pool, (cache = new Map()));
  const hit = cache.get(category);
  if (hit !== undefined && hit.version === version) return hit.graph;
  // Read after the version: a change committed in between makes the next call reload, never miss.
  const graph = readPipeGraph(pool, category);
  cache.set(category, { version, graph });
  graph.catch(() => cache.get(category)?.graph === graph && cache.delete(category));
  return graph;
}

/** Reads the graph of `category` (in-use and spare segments; 废弃 excluded). */
async function readPipeGraph(pool: Pool, category: string): Promise<PipeGraph> {
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
