/**
 * Sample underground pipe networks along the sample streets (domain.md §1, §6.5): water supply
 * with valves, hydrants, meters and sources; storm and foul drainage with manholes whose inverts
 * fall toward outfalls by the rivers (or a treatment plant); gas, power and telecom. Each network
 * follows the street graph at its own offset from the centre line, so its topology is the street
 * topology. Deterministic and pure. A few defects are planted (marked `properties.planted`) so
 * QA and the analyses have something known to find.
 */
import { cityFrame } from '../core/geodesy.ts';
import { buildTerrain } from '../build/terrain.ts';
import type { LonLat, RoadClass, SampleDataset } from '../types.ts';
import { buildRoadGraph, type RoadEdge, type RoadGraph, type XY } from './road-graph.ts';

/** A row of `pipe.points`. */
export interface PipePointRow {
  readonly id: number;
  readonly pointNo: string;
  readonly category: string;
  readonly subcategory: string;
  feature: string | null;
  appurtenance: string | null;
  groundElev: number;
  depth: number | null;
  valveState: string | null;
  isSource: boolean;
  readonly roadName: string | null;
  readonly ownerUnit: string;
  planted: string | null;
  readonly lonLat: LonLat;
}

/** A row of `pipe.segments` (a straight line between its two points). */
export interface PipeSegmentRow {
  readonly id: number;
  readonly lineNo: string;
  readonly category: string;
  readonly subcategory: string;
  readonly startId: number;
  readonly endId: number;
  startDepth: number | null;
  endDepth: number | null;
  startElev: number | null;
  endElev: number | null;
  readonly elevRef: 'T' | 'B';
  readonly shape: 'C' | 'R';
  diameterMm: number | null;
  readonly widthMm: number | null;
  readonly heightMm: number | null;
  readonly material: string;
  readonly pressureClass: string | null;
  readonly pressureMpa: number | null;
  readonly voltageKv: number | null;
  readonly embedding: string;
  readonly installYear: number;
  readonly ownerUnit: string;
  readonly roadName: string | null;
  readonly location: 'carriageway' | 'sidewalk';
  planted: string | null;
}

export interface PipeNetworks {
  readonly points: PipePointRow[];
  readonly segments: PipeSegmentRow[];
  /** Coordinates of each segment's points, by point id (lookup for the loader). */
  readonly pointById: ReadonlyMap<number, PipePointRow>;
}

type Net = 'JS' | 'YS' | 'WS' | 'RQ' | 'DL' | 'TX';

interface NetSpec {
  readonly net: Net;
  readonly category: string;
  /** Metres left of the street's direction. */
  readonly offsetM: number;
  readonly spacingM: number;
  readonly classes: ReadonlySet<RoadClass>;
  readonly ownerUnit: string;
}

const ALL: ReadonlySet<RoadClass> = new Set(['arterial', 'secondary', 'branch']);
const MAIN: ReadonlySet<RoadClass> = new Set(['arterial', 'secondary']);

const NETS: readonly NetSpec[] = [
  { net: 'JS', category: 'JS', offsetM: 4, spacingM: 250, classes: ALL, ownerUnit: '台州市自来水有限公司' },
  { net: 'YS', category: 'PS', offsetM: -2, spacingM: 120, classes: ALL, ownerUnit: '台州市排水有限公司' },
  { net: 'WS', category: 'PS', offsetM: 1, spacingM: 150, classes: MAIN, ownerUnit: '台州市排水有限公司' },
  { net: 'RQ', category: 'RQ', offsetM: -5, spacingM: 300, classes: MAIN, ownerUnit: '台州市燃气有限公司' },
  { net: 'DL', category: 'DL', offsetM: 6.5, spacingM: 300, classes: MAIN, ownerUnit: '国网台州供电公司' },
  { net: 'TX', category: 'TX', offsetM: -7, spacingM: 400, classes: MAIN, ownerUnit: '中国电信台州分公司' },
];

/** Subcategory code stored for each network. */
const SUB: Record<Net, string> = { JS: 'JP', YS: 'YS', WS: 'WS', RQ: 'TR', DL: 'GD', TX: 'XX' };

/** Deterministic noise in [0, 1) from integers. */
function noise(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x27d4eb2f, 0xc2b2ae35);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return (h >>> 0) / 4294967296;
}

const r3 = (v: number): number => Math.round(v * 1000) / 1000;
const r7 = (v: number): number => Math.round(v * 1e7) / 1e7;

interface Ctx {
  readonly points: PipePointRow[];
  readonly segments: PipeSegmentRow[];
  readonly ground: (p: LonLat) => number;
}

/** Generates every network of the sample. */
export function generatePipeNetworks(dataset: SampleDataset): PipeNetworks {
  const terrain = buildTerrain();
  const ctx: Ctx = {
    points: [],
    segments: [],
    ground: (p) => r3(Math.max(0.8, terrain.elevationM(p)) + 1.5),
  };
  const all = buildRoadGraph(dataset.roads, ALL);
  const riverDist = riverDistance(dataset);
  for (const spec of NETS) buildNet(ctx, spec, all, riverDist);
  plantDefects(ctx);
  return { points: ctx.points, segments: ctx.segments, pointById: new Map(ctx.points.map((p) => [p.id, p])) };
}

/** Distance (m) from a point to the nearest river, capped at 1000 m. */
function riverDistance(dataset: SampleDataset): (p: XY) => number {
  const cell = 500;
  const grid = new Map<string, [XY, XY][]>();
  for (const r of dataset.rivers)
    for (const line of r.geom)
      for (let i = 1; i < line.length; i++) {
        const a = cityFrame.toXY(line[i - 1]!);
        const b = cityFrame.toXY(line[i]!);
        for (let x = Math.floor(Math.min(a[0], b[0]) / cell); x <= Math.floor(Math.max(a[0], b[0]) / cell); x++)
          for (let y = Math.floor(Math.min(a[1], b[1]) / cell); y <= Math.floor(Math.max(a[1], b[1]) / cell); y++) {
            const list = grid.get(`${x},${y}`);
            if (list) list.push([a, b]);
            else grid.set(`${x},${y}`, [[a, b]]);
          }
      }
  return (p) => {
    let best = 1000;
    const cx = Math.floor(p[0] / cell);
    const cy = Math.floor(p[1] / cell);
    for (let i = -2; i <= 2; i++)
      for (let j = -2; j <= 2; j++)
        for (const [a, b] of grid.get(`${cx + i},${cy + j}`) ?? []) best = Math.min(best, pointSegmentM(p, a, b));
    return best;
  };
}

function pointSegmentM(p: XY, a: XY, b: XY): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const l2 = dx * dx + dy * dy;
  const t = l2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / l2));
  return Math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy);
}

/** Multi-source Dijkstra over the undirected graph: distance to the nearest source. */
function dijkstra(nodeCount: number, adj: readonly (readonly [number, number][])[], sources: readonly number[]): Float64Array {
  const dist = new Float64Array(nodeCount).fill(Infinity);
  const heap: [number, number][] = [];
  const push = (d: number, n: number): void => {
    heap.push([d, n]);
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (heap[p]![0] <= heap[i]![0]) break;
      [heap[p], heap[i]] = [heap[i]!, heap[p]!];
      i = p;
    }
  };
  const pop = (): [number, number] => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && heap[l]![0] < heap[m]![0]) m = l;
        if (r < heap.length && heap[r]![0] < heap[m]![0]) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i]!, heap[m]!];
        i = m;
      }
    }
    return top;
  };
  for (const s of sources) {
    dist[s] = 0;
    push(0, s);
  }
  while (heap.length > 0) {
    const [d, n] = pop();
    if (d > dist[n]!) continue;
    for (const [m, w] of adj[n]!) {
      const nd = d + w;
      if (nd < dist[m]!) {
        dist[m] = nd;
        push(nd, m);
      }
    }
  }
  return dist;
}

/** Connected components: the component id of each node (nodes without edges get their own). */
function components(nodeCount: number, adj: readonly (readonly [number, number][])[]): Int32Array {
  const comp = new Int32Array(nodeCount).fill(-1);
  let c = 0;
  for (let s = 0; s < nodeCount; s++) {
    if (comp[s] !== -1) continue;
    const stack = [s];
    comp[s] = c;
    while (stack.length > 0) {
      const n = stack.pop()!;
      for (const [m] of adj[n]!) if (comp[m] === -1) { comp[m] = c; stack.push(m); }
    }
    c++;
  }
  return comp;
}

function buildNet(ctx: Ctx, spec: NetSpec, graph: RoadGraph, riverDist: (p: XY) => number): void {
  const edges = graph.edges.filter((e) => spec.classes.has(e.roadClass));
  const n = graph.nodes.length;
  const adj: [number, number][][] = Array.from({ length: n }, () => []);
  for (const e of edges) {
    adj[e.a]!.push([e.b, e.lengthM]);
    adj[e.b]!.push([e.a, e.lengthM]);
  }
  const used = adj.map((a) => a.length > 0);
  const comp = components(n, adj);
  const sub = SUB[spec.net];
  const gravity = spec.net === 'YS' || spec.net === 'WS';
  const seq = { point: 0, line: 0 };
  const junction = new Map<number, number>();
  const jd = spec.offsetM * 0.7;

  // Sinks (drainage) and sources (water): per component, near a river when possible.
  const firstOfComp = new Map<number, number>();
  const bestRiver = new Map<number, [number, number]>();
  for (let i = 0; i < n; i++) {
    if (!used[i]) continue;
    const c = comp[i]!;
    if (!firstOfComp.has(c)) firstOfComp.set(c, i);
    const d = riverDist(graph.nodes[i]!);
    const best = bestRiver.get(c);
    if (!best || d < best[1]) bestRiver.set(c, [i, d]);
  }
  const sinks: number[] = [];
  if (spec.net === 'YS') {
    for (let i = 0; i < n; i++) if (used[i] && riverDist(graph.nodes[i]!) < 200 && adj[i]!.length <= 2) sinks.push(i);
    const covered = new Set(sinks.map((s) => comp[s]));
    for (const [c, [i]] of bestRiver) if (!covered.has(c)) sinks.push(i);
  } else if (spec.net === 'WS' || spec.net === 'JS') {
    for (const [, [i]] of bestRiver) sinks.push(i);
  }
  const sinkSet = new Set(sinks);
  const dist = gravity ? dijkstra(n, adj, sinks) : new Float64Array(0);
  // Flow follows the ground, nudged toward the rivers (at most 0.3 m): the potential
  // phi = ground + min(0.3, 0.0005·distance to a river outfall). Inverts sit a near-constant depth
  // below ground at phi − depth, so every pipe falls from higher to lower phi (never uphill) and
  // the local minima of phi are the outfalls (出水口).
  // Deep enough that the cover over the largest storm main (DN1200) stays ≥ 0.7 m at a junction
  // (depth there is targetDepth − at most 0.3).
  const targetDepth = spec.net === 'YS' ? 2.4 : 2.8;
  const phi = new Float64Array(n);
  if (gravity) for (let i = 0; i < n; i++) if (used[i]) phi[i] = ctx.ground(cityFrame.toLonLat(...graph.nodes[i]!)) + Math.min(0.3, 0.0005 * dist[i]!);
  const downhill = (from: number, to: number): boolean => phi[to]! < phi[from]! || (phi[to] === phi[from] && to < from);
  const outfall = (i: number): boolean => gravity && adj[i]!.every(([m]) => !downhill(i, m));
  const invertAt = (node: number): number => phi[node]! - targetDepth;
  // Accumulated upstream length per node (drainage diameters never shrink downstream).
  const acc = new Float64Array(n);
  if (gravity) {
    const order = [...Array(n).keys()].filter((i) => used[i]).sort((a, b) => phi[b]! - phi[a]! || b - a);
    for (const i of order) for (const [m, w] of adj[i]!) if (downhill(i, m)) acc[m]! += acc[i]! + w;
  }

  const addPoint = (xy: XY, road: string | null, kind: { feature: string | null; appurtenance: string | null }): number => {
    const lonLat: LonLat = cityFrame.toLonLat(xy[0], xy[1]).map(r7) as LonLat;
    const id = ctx.points.length + 1;
    seq.point++;
    ctx.points.push({
      id, pointNo: `${sub}${String(seq.point).padStart(6, '0')}`, category: spec.category, subcategory: sub,
      feature: kind.feature, appurtenance: kind.appurtenance, groundElev: ctx.ground(lonLat), depth: null,
      valveState: kind.appurtenance === '阀门' ? '开' : null, isSource: false, roadName: road, ownerUnit: spec.ownerUnit, planted: null, lonLat,
    });
    return id;
  };
  const junctionPoint = (node: number, road: string | null): number => {
    let id = junction.get(node);
    if (id !== undefined) return id;
    const [x, y] = graph.nodes[node]!;
    const degree = adj[node]!.length;
    const feature = degree >= 4 ? '四通' : degree === 3 ? '三通' : degree === 1 ? '盖堵' : '弯头';
    const app = spec.net === 'JS' || spec.net === 'RQ' ? '阀门' : spec.net === 'YS' || spec.net === 'WS' || spec.net === 'DL' || spec.net === 'TX' ? '检修井' : null;
    id = addPoint([x + jd, y + jd], road, { feature: outfall(node) ? '出水口' : feature, appurtenance: app });
    const p = ctx.points[id - 1]!;
    if (spec.net === 'JS' && sinkSet.has(node)) { p.appurtenance = '水厂'; p.valveState = null; p.isSource = true; }
    if (spec.net === 'WS' && sinkSet.has(node)) p.appurtenance = '污水处理厂';
    junction.set(node, id);
    return id;
  };

  edges.forEach((e, k) => {
    // Gravity pipes run downstream: from the node farther from the outfall.
    const flip = gravity && downhill(e.b, e.a);
    const [a, b] = flip ? [e.b, e.a] : [e.a, e.b];
    const pa = graph.nodes[a]!;
    const pb = graph.nodes[b]!;
    const dx = (pb[0] - pa[0]) / e.lengthM;
    const dy = (pb[1] - pa[1]) / e.lengthM;
    // Left normal of the street's own direction, so a flipped pipe stays on its side.
    const side = flip ? -1 : 1;
    const nx = -dy * side * spec.offsetM;
    const ny = dx * side * spec.offsetM;
    const parts = Math.max(1, Math.round(e.lengthM / spec.spacingM));
    const ids = [junctionPoint(a, e.roadName)];
    for (let i = 1; i < parts; i++) {
      const t = i / parts;
      const xy: XY = [pa[0] + dx * e.lengthM * t + nx, pa[1] + dy * e.lengthM * t + ny];
      ids.push(addPoint(xy, e.roadName, interiorKind(spec.net, i)));
    }
    ids.push(junctionPoint(b, e.roadName));
    const sec = section(spec.net, e, acc[a]! + e.lengthM);
    const invA = gravity ? invertAt(a) : 0;
    const invB = gravity ? invertAt(b) : 0;
    for (let i = 1; i < ids.length; i++) {
      const s = ctx.points[ids[i - 1]! - 1]!;
      const t = ctx.points[ids[i]! - 1]!;
      seq.line++;
      const depthOf = (p: PipePointRow, frac: number): number => {
        if (gravity) return r3(p.groundElev - (invA + (invB - invA) * frac));
        return r3(baseDepth(spec.net) + 0.3 * noise(p.id, 7));
      };
      // A surveyed manhole between two junctions: its ground keeps the invert 4 m deep at most and
      // the cover over the pipe at least 0.8 m (GB 50014 §5.3.7 asks 0.7 under a carriageway).
      if (gravity && i < ids.length - 1) {
        const invT = invA + ((invB - invA) * i) / parts;
        t.groundElev = r3(Math.min(invT + 4, Math.max(invT + 0.8 + (sec.diameterMm ?? 0) / 1000, t.groundElev)));
      }
      const ds = depthOf(s, (i - 1) / parts);
      const de = depthOf(t, i / parts);
      s.depth ??= ds;
      t.depth ??= de;
      ctx.segments.push({
        id: ctx.segments.length + 1, lineNo: `${sub}L${String(seq.line).padStart(6, '0')}`, category: spec.category, subcategory: sub,
        startId: s.id, endId: t.id, startDepth: ds, endDepth: de, startElev: r3(s.groundElev - ds), endElev: r3(t.groundElev - de),
        elevRef: gravity ? 'B' : 'T', ...sec,
        pressureClass: spec.net === 'RQ' ? (e.roadClass === 'arterial' ? '中压A' : '低压') : null,
        pressureMpa: spec.net === 'JS' ? 0.3 : null, voltageKv: spec.net === 'DL' ? 10 : null,
        installYear: 1985 + Math.floor(noise(k, spec.offsetM * 10) * 38), ownerUnit: spec.ownerUnit, roadName: e.roadName,
        location: Math.abs(spec.offsetM) <= 3 ? 'carriageway' : 'sidewalk', planted: null,
      });
    }
  });
}

function baseDepth(net: Net): number {
  return net === 'JS' ? 1.0 : net === 'RQ' ? 1.1 : net === 'DL' ? 0.8 : 0.7;
}

function interiorKind(net: Net, i: number): { feature: string | null; appurtenance: string | null } {
  if (net === 'JS') {
    if (i % 4 === 0) return { feature: null, appurtenance: '阀门' };
    if (i % 3 === 0) return { feature: null, appurtenance: '消防栓' };
    if (i % 2 === 1) return { feature: null, appurtenance: '水表' };
    return { feature: '直线点', appurtenance: null };
  }
  if (net === 'RQ') return i % 3 === 0 ? { feature: null, appurtenance: '阀门' } : { feature: '直线点', appurtenance: null };
  return { feature: null, appurtenance: '检修井' };
}

type Section = Pick<PipeSegmentRow, 'shape' | 'diameterMm' | 'widthMm' | 'heightMm' | 'material' | 'embedding'>;

function section(net: Net, e: RoadEdge, upstreamM: number): Section {
  const circle = (d: number, material: string): Section => ({ shape: 'C', diameterMm: d, widthMm: null, heightMm: null, material, embedding: 'ZM' });
  switch (net) {
    case 'JS': {
      const d = e.roadClass === 'arterial' ? 600 : e.roadClass === 'secondary' ? 300 : 150;
      return circle(d, d >= 300 ? 'QM' : 'PE');
    }
    case 'YS': {
      const d = upstreamM < 300 ? 300 : upstreamM < 1000 ? 400 : upstreamM < 2500 ? 600 : upstreamM < 5000 ? 800 : upstreamM < 10000 ? 1000 : 1200;
      return circle(d, 'T');
    }
    case 'WS': {
      const d = upstreamM < 1000 ? 300 : upstreamM < 4000 ? 400 : upstreamM < 10000 ? 500 : 600;
      return circle(d, d <= 400 ? 'PVC' : 'T');
    }
    case 'RQ':
      return e.roadClass === 'arterial' ? circle(300, 'G') : circle(160, 'PE');
    case 'DL':
      return { shape: 'R', diameterMm: null, widthMm: 600, heightMm: 400, material: 'T', embedding: 'GK' };
    case 'TX':
      return { shape: 'R', diameterMm: null, widthMm: 400, heightMm: 300, material: 'PVC', embedding: 'GK' };
  }
}

/**
 * Known defects for QA and the analyses: adverse slopes and shrinking diameters in storm drains,
 * impossible depths, shallow water mains, failed valves, dangling and coincident points.
 */
function plantDefects(ctx: Ctx): void {
  const ys = ctx.segments.filter((s) => s.subcategory === 'YS');
  const js = ctx.segments.filter((s) => s.category === 'JS');
  for (let i = 17; i < ys.length; i += 5000) {
    const s = ys[i]!;
    // The start invert is surveyed 0.15 m below the end one (a deeper start keeps both depths real).
    s.startElev = r3(s.endElev! - 0.15);
    s.startDepth = r3(ctx.points[s.startId - 1]!.groundElev - s.startElev);
    s.planted = 'adverse_slope';
  }
  for (let i = 2051; i < ys.length; i += 20000) { ys[i]!.startDepth = -0.4; ys[i]!.planted = 'impossible_depth'; }
  for (let i = 71; i < ys.length; i += 6000) {
    const s = ys[i]!;
    if (s.planted) continue;
    s.diameterMm = 200;
    s.planted = 'diameter_shrink';
  }
  for (let i = 33; i < js.length; i += 4000) {
    const s = js[i]!;
    s.startDepth = 0.3;
    s.endDepth = 0.3;
    s.startElev = r3(ctx.points[s.startId - 1]!.groundElev - 0.3);
    s.endElev = r3(ctx.points[s.endId - 1]!.groundElev - 0.3);
    s.planted = 'shallow_cover';
  }
  const valves = ctx.points.filter((p) => p.category === 'JS' && p.appurtenance === '阀门');
  for (let i = 7; i < valves.length; i += 50) { valves[i]!.valveState = '故障'; valves[i]!.planted = 'failed_valve'; }
  const base = ctx.points.length;
  if (base === 0) return;
  for (let k = 0; k < 3; k++) {
    const near = ctx.points[(1000 + k * 7000) % base]!;
    const lonLat: LonLat = [r7(near.lonLat[0] + 0.0003), r7(near.lonLat[1] + 0.0002)];
    ctx.points.push({ ...near, id: base + k + 1, pointNo: `${near.subcategory}D${k + 1}`, feature: '预留口', appurtenance: null, valveState: null, isSource: false, depth: near.depth, lonLat, planted: 'dangling_point' });
  }
  for (let k = 0; k < 3; k++) {
    const twin = ctx.points[(2000 + k * 9000) % base]!;
    ctx.points.push({ ...twin, id: base + 4 + k, pointNo: `${twin.subcategory}C${k + 1}`, isSource: false, planted: 'coincident_point' });
  }
}
