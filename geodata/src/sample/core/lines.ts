/**
 * Polyline helpers: natural-looking meanders through fixed waypoints, splitting a line where it
 * leaves an area, and corridor (buffer) polygons of varying width.
 */
import { LocalFrame, cityFrame } from './geodesy.ts';
import { roundPoint } from './planar.ts';
import type { Rng } from './prng.ts';
import type { LineCoords, LonLat, Ring } from '../types.ts';

/** A densified line and where its waypoints ended up. */
export interface MeanderedLine {
  readonly line: LineCoords;
  /** Index in `line` of every input waypoint. */
  readonly waypointIndex: readonly number[];
}

/**
 * Densifies a waypoint polyline to ~`stepM` spacing with lateral meanders of up to `amplitudeM`
 * that vanish at every waypoint, so the line still passes through dams, towns and confluences.
 */
export function meanderThrough(waypoints: readonly LonLat[], amplitudeM: number, stepM: number, rng: Rng): MeanderedLine {
  const line: LineCoords = [];
  const waypointIndex: number[] = [];
  for (let s = 0; s + 1 < waypoints.length; s++) {
    const [ax, ay] = cityFrame.toXY(waypoints[s] as LonLat);
    const [bx, by] = cityFrame.toXY(waypoints[s + 1] as LonLat);
    const len = Math.hypot(bx - ax, by - ay);
    const nx = -(by - ay) / len;
    const ny = (bx - ax) / len;
    const steps = Math.max(2, Math.ceil(len / stepM));
    const amp = Math.min(amplitudeM, len * 0.12) * rng.range(0.5, 1);
    const waves = Math.max(1, Math.round(len / 3500)) + rng.int(0, 1);
    const phase = rng.range(0, 2 * Math.PI);
    const wobble = rng.range(0.15, 0.35);
    waypointIndex.push(line.length);
    for (let i = 0; i < steps; i++) {
      const t = i / steps;
      const envelope = Math.sin(Math.PI * t);
      const off = amp * envelope * (Math.sin(waves * Math.PI * t + phase) * (1 - wobble) + wobble * Math.sin(3.7 * waves * Math.PI * t + 2 * phase));
      line.push(roundPoint(cityFrame.toLonLat(ax + t * (bx - ax) + off * nx, ay + t * (by - ay) + off * ny)));
    }
  }
  waypointIndex.push(line.length);
  const last = waypoints[waypoints.length - 1] as LonLat;
  line.push([last[0], last[1]]);
  return { line, waypointIndex };
}

/** The parts of a line whose vertices satisfy `inside` (runs of at least two vertices). */
export function splitWhere(line: LineCoords, inside: (p: LonLat) => boolean): LineCoords[] {
  const parts: LineCoords[] = [];
  let run: LineCoords = [];
  for (const p of line) {
    if (inside(p)) run.push(p);
    else {
      if (run.length >= 2) parts.push(run);
      run = [];
    }
  }
  if (run.length >= 2) parts.push(run);
  return parts;
}

/**
 * A closed ring around a line, `widthAt(i)` metres wide at vertex i, using mitred vertex normals.
 * Valid while the width stays small against the line's radius of curvature (true for our rivers;
 * the builder checks simplicity anyway).
 */
export function corridorRing(line: LineCoords, widthAt: (i: number) => number): Ring {
  const mid = line[Math.floor(line.length / 2)] as LonLat;
  const frame = new LocalFrame(mid[0], mid[1]);
  const xy = line.map((p) => frame.toXY(p));
  const left: LonLat[] = [];
  const right: LonLat[] = [];
  for (let i = 0; i < xy.length; i++) {
    const prev = xy[Math.max(0, i - 1)] as [number, number];
    const next = xy[Math.min(xy.length - 1, i + 1)] as [number, number];
    const dx = next[0] - prev[0];
    const dy = next[1] - prev[1];
    const len = Math.hypot(dx, dy) || 1;
    const half = widthAt(i) / 2;
    const [x, y] = xy[i] as [number, number];
    left.push(roundPoint(frame.toLonLat(x - (dy / len) * half, y + (dx / len) * half)));
    right.push(roundPoint(frame.toLonLat(x + (dy / len) * half, y - (dx / len) * half)));
  }
  const ring: Ring = [...right, ...left.reverse()];
  ring.push([(ring[0] as LonLat)[0], (ring[0] as LonLat)[1]]);
  return ring;
}
