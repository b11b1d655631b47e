/**
 * The street network of the sample as a node-edge graph in the city frame (metres): streets are
 * stored as straight parts that cross without shared vertices, so crossings and T-junctions are
 * found here (uniform grid, tolerance 1.5 m) and every part is split at them. Pipes follow edges.
 */
import { cityFrame } from '../core/geodesy.ts';
import type { RoadClass, RoadRow } from '../types.ts';

export type XY = [number, number];

/** An edge between two junctions (or dead ends) along one street. */
export interface RoadEdge {
  readonly a: number;
  readonly b: number;
  readonly lengthM: number;
  readonly roadClass: RoadClass;
  readonly roadName: string | null;
}

export interface RoadGraph {
  readonly nodes: readonly XY[];
  readonly edges: readonly RoadEdge[];
}

const SNAP_M = 1.5;
const CELL_M = 250;

class NodeIndex {
  readonly nodes: XY[] = [];
  private readonly cells = new Map<string, number[]>();

  at(x: number, y: number): number {
    const ci = Math.floor(x / SNAP_M);
    const cj = Math.floor(y / SNAP_M);
    for (let di = -1; di <= 1; di++)
      for (let dj = -1; dj <= 1; dj++)
        for (const id of this.cells.get(`${ci + di},${cj + dj}`) ?? []) {
          const n = this.nodes[id] as XY;
          if (Math.hypot(n[0] - x, n[1] - y) <= SNAP_M) return id;
        }
    const id = this.nodes.length;
    this.nodes.push([x, y]);
    const key = `${ci},${cj}`;
    const list = this.cells.get(key);
    if (list) list.push(id);
    else this.cells.set(key, [id]);
    return id;
  }
}

interface Part {
  readonly p: XY;
  readonly q: XY;
  readonly road: RoadRow;
  /** Split positions along the part: [t, node]. */
  readonly splits: [number, number][];
}

/** Builds the graph of the current streets of the given classes. */
export function buildRoadGraph(roads: readonly RoadRow[], classes: ReadonlySet<RoadClass>): RoadGraph {
  const index = new NodeIndex();
  const parts: Part[] = [];
  for (const road of roads) {
    if (road.validTo !== null || !classes.has(road.class)) continue;
    for (const line of road.geom)
      for (let i = 1; i < line.length; i++) {
        const p = cityFrame.toXY(line[i - 1]!);
        const q = cityFrame.toXY(line[i]!);
        if (Math.hypot(q[0] - p[0], q[1] - p[1]) < 1) continue;
        parts.push({ p, q, road, splits: [[0, index.at(p[0], p[1])], [1, index.at(q[0], q[1])]] });
      }
  }
  // Crossings, by a grid over the parts' bounding boxes; each pair is tested once.
  const grid = new Map<string, number[]>();
  parts.forEach((part, k) => {
    const [x0, x1] = [Math.min(part.p[0], part.q[0]) - SNAP_M, Math.max(part.p[0], part.q[0]) + SNAP_M];
    const [y0, y1] = [Math.min(part.p[1], part.q[1]) - SNAP_M, Math.max(part.p[1], part.q[1]) + SNAP_M];
    for (let i = Math.floor(x0 / CELL_M); i <= Math.floor(x1 / CELL_M); i++)
      for (let j = Math.floor(y0 / CELL_M); j <= Math.floor(y1 / CELL_M); j++) {
        const key = `${i},${j}`;
        const list = grid.get(key);
        if (list) list.push(k);
        else grid.set(key, [k]);
      }
  });
  const tested = new Set<number>();
  for (const list of grid.values())
    for (let m = 0; m < list.length; m++)
      for (let n = m + 1; n < list.length; n++) {
        const i = list[m]!;
        const j = list[n]!;
        const pair = i < j ? i * parts.length + j : j * parts.length + i;
        if (tested.has(pair)) continue;
        tested.add(pair);
        split(parts[i]!, parts[j]!, index);
      }
  const edges: RoadEdge[] = [];
  for (const part of parts) {
    const splits = [...part.splits].sort((s, t) => s[0] - t[0]);
    for (let k = 1; k < splits.length; k++) {
      const a = splits[k - 1]![1];
      const b = splits[k]![1];
      if (a === b) continue;
      const na = index.nodes[a]!;
      const nb = index.nodes[b]!;
      edges.push({ a, b, lengthM: Math.hypot(nb[0] - na[0], nb[1] - na[1]), roadClass: part.road.class, roadName: part.road.name });
    }
  }
  // The same pair of nodes reached along two streets is one edge.
  const seen = new Set<string>();
  return { nodes: index.nodes, edges: edges.filter((e) => (seen.has(`${Math.min(e.a, e.b)}-${Math.max(e.a, e.b)}`) ? false : (seen.add(`${Math.min(e.a, e.b)}-${Math.max(e.a, e.b)}`), true))) };
}

function split(s: Part, t: Part, index: NodeIndex): void {
  const r: XY = [s.q[0] - s.p[0], s.q[1] - s.p[1]];
  const v: XY = [t.q[0] - t.p[0], t.q[1] - t.p[1]];
  const denom = r[0] * v[1] - r[1] * v[0];
  const ls = Math.hypot(r[0], r[1]);
  const lt = Math.hypot(v[0], v[1]);
  if (Math.abs(denom) < 1e-9 * ls * lt) return;
  const w: XY = [t.p[0] - s.p[0], t.p[1] - s.p[1]];
  const ts = (w[0] * v[1] - w[1] * v[0]) / denom;
  const tt = (w[0] * r[1] - w[1] * r[0]) / denom;
  const es = SNAP_M / ls;
  const et = SNAP_M / lt;
  if (ts < -es || ts > 1 + es || tt < -et || tt > 1 + et) return;
  const cs = Math.min(1, Math.max(0, ts));
  const ct = Math.min(1, Math.max(0, tt));
  const node = index.at(s.p[0] + cs * r[0], s.p[1] + cs * r[1]);
  if (cs > 0 && cs < 1) s.splits.push([cs, node]);
  if (ct > 0 && ct < 1) t.splits.push([ct, node]);
}
