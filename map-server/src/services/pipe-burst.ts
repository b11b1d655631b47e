/**
 * 爆管分析 / 关阀分析 (valve isolation, domain.md §1.6): breadth-first from both ends of the burst
 * segment; an operable valve is recorded (必关阀) and not crossed. Valves that fail — 故障 in the
 * data or listed by the caller — are crossed, which extends the search (二次关阀). Then, with those
 * valves closed, everything no longer reachable from a source (水厂) is also without water.
 */
import { across, type PipeGraph } from './pipe-graph.ts';

export interface BurstTrace {
  /** Point ids of the valves to close. */
  readonly valvesToClose: number[];
  /** Valves met that could not be closed (故障 or listed as failed). */
  readonly failedValves: number[];
  /** Segment ids isolated between the closed valves (burst segment included). */
  readonly isolatedSegments: number[];
  /** Further segment ids cut off from every source by the closure (停水区). */
  readonly cutOffSegments: number[];
  /** Point ids inside the isolated area (for meters, hydrants). */
  readonly isolatedPoints: number[];
}

/** Runs the isolation trace; `segmentId` must belong to `g`. */
export function traceBurst(g: PipeGraph, segmentIndex: number, failedExtra: ReadonlySet<number>): BurstTrace {
  const n = g.nodeIds.length;
  const seen = new Uint8Array(n);
  const segSeen = new Uint8Array(g.segIds.length);
  const barrier = (i: number): boolean => {
    const id = g.nodeIds[i]!;
    return g.valves.has(id) && !failedExtra.has(id);
  };
  const valvesToClose: number[] = [];
  const failedValves: number[] = [];
  const isolatedPoints: number[] = [];
  const queue: number[] = [];
  segSeen[segmentIndex] = 1;
  for (const i of [g.segStart[segmentIndex]!, g.segEnd[segmentIndex]!]) if (!seen[i]) { seen[i] = 1; queue.push(i); }
  while (queue.length > 0) {
    const i = queue.shift()!;
    const id = g.nodeIds[i]!;
    isolatedPoints.push(id);
    if (barrier(i)) {
      valvesToClose.push(id);
      continue;
    }
    if (g.failed.has(id) || failedExtra.has(id)) failedValves.push(id);
    for (let e = g.offset[i]!; e < g.offset[i + 1]!; e++) {
      const k = g.edgeOf[e]!;
      segSeen[k] = 1;
      const j = across(g, k, i);
      if (!seen[j]) { seen[j] = 1; queue.push(j); }
    }
  }
  // Reachability from the sources with the valves closed (and the isolated area removed).
  const closedSet = new Set(valvesToClose);
  const reach = new Uint8Array(n);
  const stack: number[] = [];
  for (const s of g.sources) {
    const i = g.nodeIndex.get(s);
    if (i !== undefined && !seen[i]) { reach[i] = 1; stack.push(i); }
  }
  while (stack.length > 0) {
    const i = stack.pop()!;
    if (closedSet.has(g.nodeIds[i]!) || g.closed.has(g.nodeIds[i]!)) continue;
    for (let e = g.offset[i]!; e < g.offset[i + 1]!; e++) {
      const k = g.edgeOf[e]!;
      if (segSeen[k]) continue;
      const j = across(g, k, i);
      if (!reach[j] && !(seen[j] && !closedSet.has(g.nodeIds[j]!))) { reach[j] = 1; stack.push(j); }
    }
  }
  const isolatedSegments: number[] = [];
  const cutOffSegments: number[] = [];
  for (let k = 0; k < g.segIds.length; k++) {
    if (segSeen[k]) isolatedSegments.push(g.segIds[k]!);
    else if (!reach[g.segStart[k]!] && !reach[g.segEnd[k]!]) cutOffSegments.push(g.segIds[k]!);
  }
  return { valvesToClose, failedValves, isolatedSegments, cutOffSegments, isolatedPoints };
}

/** 上下游追踪: directed walk along the flow (down) or against it (up); gravity networks only. */
export function traceFlow(g: PipeGraph, startNodes: readonly number[], direction: 'up' | 'down'): { segments: number[]; adverse: number[] } {
  const seen = new Uint8Array(g.nodeIds.length);
  const segments: number[] = [];
  const adverse: number[] = [];
  const stack = [...startNodes];
  for (const i of stack) seen[i] = 1;
  while (stack.length > 0) {
    const i = stack.pop()!;
    for (let e = g.offset[i]!; e < g.offset[i + 1]!; e++) {
      const k = g.edgeOf[e]!;
      const from = g.segReversed[k] ? g.segEnd[k]! : g.segStart[k]!;
      const to = g.segReversed[k] ? g.segStart[k]! : g.segEnd[k]!;
      const next = direction === 'down' ? (from === i ? to : -1) : to === i ? from : -1;
      if (next < 0) continue;
      segments.push(g.segIds[k]!);
      if (g.segReversed[k]) adverse.push(g.segIds[k]!);
      if (!seen[next]) { seen[next] = 1; stack.push(next); }
    }
  }
  return { segments, adverse };
}

/** 连通性: every segment connected to the start nodes, not crossing closed (关) valves. */
export function traceConnected(g: PipeGraph, startNodes: readonly number[]): number[] {
  const seen = new Uint8Array(g.nodeIds.length);
  const segSeen = new Uint8Array(g.segIds.length);
  const stack = [...startNodes];
  for (const i of stack) seen[i] = 1;
  const out: number[] = [];
  while (stack.length > 0) {
    const i = stack.pop()!;
    if (g.closed.has(g.nodeIds[i]!) && !startNodes.includes(i)) continue;
    for (let e = g.offset[i]!; e < g.offset[i + 1]!; e++) {
      const k = g.edgeOf[e]!;
      if (!segSeen[k]) { segSeen[k] = 1; out.push(g.segIds[k]!); }
      const j = across(g, k, i);
      if (!seen[j]) { seen[j] = 1; stack.push(j); }
    }
  }
  return out;
}
