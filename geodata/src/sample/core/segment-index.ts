/**
 * A uniform-grid index of line segments in the city frame (metres), answering "is this point
 * within the corridor of any indexed line?" — used to keep buildings off rivers and roads and to
 * carve valleys into the terrain. Segments are bucketed by the cells their padded bbox touches.
 */
import { cityFrame } from './geodesy.ts';
import { distanceToSegment } from './planar.ts';
import type { LonLat, LineCoords, Ring } from '../types.ts';

type XY = [number, number];

function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  const v = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

function onSegment(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): boolean {
  return Math.min(ax, bx) <= cx && cx <= Math.max(ax, bx) && Math.min(ay, by) <= cy && cy <= Math.max(ay, by);
}

/** Do segments ab and cd intersect (touching included)? */
function segmentsMeet(ax: number, ay: number, bx: number, by: number, c: XY, d: XY): boolean {
  const o1 = orient(ax, ay, bx, by, c[0], c[1]);
  const o2 = orient(ax, ay, bx, by, d[0], d[1]);
  const o3 = orient(c[0], c[1], d[0], d[1], ax, ay);
  const o4 = orient(c[0], c[1], d[0], d[1], bx, by);
  if (o1 !== o2 && o3 !== o4) return true;
  return (
    (o1 === 0 && onSegment(ax, ay, bx, by, c[0], c[1])) ||
    (o2 === 0 && onSegment(ax, ay, bx, by, d[0], d[1])) ||
    (o3 === 0 && onSegment(c[0], c[1], d[0], d[1], ax, ay)) ||
    (o4 === 0 && onSegment(c[0], c[1], d[0], d[1], bx, by))
  );
}

function insideRing(x: number, y: number, ring: readonly XY[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i] as XY;
    const b = ring[j] as XY;
    if (a[1] > y !== b[1] > y && x < ((b[0] - a[0]) * (y - a[1])) / (b[1] - a[1]) + a[0]) inside = !inside;
  }
  return inside;
}

interface Segment {
  readonly ax: number;
  readonly ay: number;
  readonly bx: number;
  readonly by: number;
  /** Half the corridor width, metres. */
  readonly halfWidthM: number;
}

/** Segments bucketed on a square grid of `cellM` metres. */
export class SegmentIndex {
  private readonly cells = new Map<number, Segment[]>();
  private readonly cellM: number;

  /** `cellM`: bucket size; about the typical query radius works best. */
  constructor(cellM = 1000) {
    this.cellM = cellM;
  }

  private key(cx: number, cy: number): number {
    return (cx + 1000) * 4096 + (cy + 1000);
  }

  /** Adds every segment of a line with a corridor of `halfWidthM` on each side. */
  addLine(line: LineCoords, halfWidthM: number): void {
    for (let i = 1; i < line.length; i++) {
      const [ax, ay] = cityFrame.toXY(line[i - 1] as LonLat);
      const [bx, by] = cityFrame.toXY(line[i] as LonLat);
      const seg: Segment = { ax, ay, bx, by, halfWidthM };
      const x0 = Math.floor((Math.min(ax, bx) - halfWidthM) / this.cellM);
      const x1 = Math.floor((Math.max(ax, bx) + halfWidthM) / this.cellM);
      const y0 = Math.floor((Math.min(ay, by) - halfWidthM) / this.cellM);
      const y1 = Math.floor((Math.max(ay, by) + halfWidthM) / this.cellM);
      for (let cx = x0; cx <= x1; cx++)
        for (let cy = y0; cy <= y1; cy++) {
          const k = this.key(cx, cy);
          const list = this.cells.get(k);
          if (list) list.push(seg);
          else this.cells.set(k, [seg]);
        }
    }
  }

  /** True if p lies within `marginM` beyond the corridor of any indexed segment. */
  isNear(p: LonLat, marginM = 0): boolean {
    const [x, y] = cityFrame.toXY(p);
    return this.isNearXY(x, y, marginM);
  }

  isNearXY(x: number, y: number, marginM = 0): boolean {
    const r = marginM;
    const x0 = Math.floor((x - r) / this.cellM);
    const x1 = Math.floor((x + r) / this.cellM);
    const y0 = Math.floor((y - r) / this.cellM);
    const y1 = Math.floor((y + r) / this.cellM);
    for (let cx = x0; cx <= x1; cx++)
      for (let cy = y0; cy <= y1; cy++) {
        const list = this.cells.get(this.key(cx, cy));
        if (!list) continue;
        for (const s of list) if (distanceToSegment(x, y, s.ax, s.ay, s.bx, s.by) < s.halfWidthM + marginM) return true;
      }
    return false;
  }

  /**
   * True if any indexed segment (as a line, ignoring its corridor width) meets the closed ring:
   * crosses or touches one of its edges, or lies inside it.
   */
  crossesRing(ring: Ring): boolean {
    const xy = ring.map((p) => cityFrame.toXY(p));
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (const [x, y] of xy) {
      minX = Math.min(minX, x);
      minY = Math.min(minY, y);
      maxX = Math.max(maxX, x);
      maxY = Math.max(maxY, y);
    }
    const seen = new Set<Segment>();
    for (let cx = Math.floor(minX / this.cellM); cx <= Math.floor(maxX / this.cellM); cx++)
      for (let cy = Math.floor(minY / this.cellM); cy <= Math.floor(maxY / this.cellM); cy++) {
        for (const s of this.cells.get(this.key(cx, cy)) ?? []) {
          if (seen.has(s)) continue;
          seen.add(s);
          if (Math.max(s.ax, s.bx) < minX || Math.min(s.ax, s.bx) > maxX || Math.max(s.ay, s.by) < minY || Math.min(s.ay, s.by) > maxY) continue;
          for (let i = 1; i < xy.length; i++) if (segmentsMeet(s.ax, s.ay, s.bx, s.by, xy[i - 1] as XY, xy[i] as XY)) return true;
          if (insideRing(s.ax, s.ay, xy)) return true;
        }
      }
    return false;
  }

  /** Distance in metres to the nearest indexed segment's centre line, searching up to `maxM`. */
  distanceM(p: LonLat, maxM: number): number {
    const [x, y] = cityFrame.toXY(p);
    let best = maxM;
    const x0 = Math.floor((x - maxM) / this.cellM);
    const x1 = Math.floor((x + maxM) / this.cellM);
    const y0 = Math.floor((y - maxM) / this.cellM);
    const y1 = Math.floor((y + maxM) / this.cellM);
    for (let cx = x0; cx <= x1; cx++)
      for (let cy = y0; cy <= y1; cy++) {
        const list = this.cells.get(this.key(cx, cy));
        if (!list) continue;
        for (const s of list) best = Math.min(best, distanceToSegment(x, y, s.ax, s.ay, s.bx, s.by));
      }
    return best;
  }
}
