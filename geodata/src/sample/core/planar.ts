/**
 * Small planar helpers shared by the generator: point-in-polygon, bounding boxes, distances,
 * rounding. Coordinates are whatever plane the caller works in (degrees or local metres).
 */
import type { LonLat, Ring, PolygonCoords, MultiPolygonCoords } from '../types.ts';

/** `[minX, minY, maxX, maxY]`. */
export type BBox = [number, number, number, number];

/** Bounding box of a list of points. */
export function bboxOfPoints(points: readonly LonLat[]): BBox {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (const [x, y] of points) {
    if (x < minX) minX = x;
    if (y < minY) minY = y;
    if (x > maxX) maxX = x;
    if (y > maxY) maxY = y;
  }
  return [minX, minY, maxX, maxY];
}

/** Bounding box of a MultiPolygon's outer rings. */
export function bboxOfMultiPolygon(mp: MultiPolygonCoords): BBox {
  return bboxOfPoints(mp.flatMap((polygon) => polygon[0] ?? []));
}

/** Is p inside (or on) the box? */
export function bboxContains(b: BBox, p: LonLat): boolean {
  return p[0] >= b[0] && p[0] <= b[2] && p[1] >= b[1] && p[1] <= b[3];
}

/** Even–odd ray casting; the ring may be open or closed. */
export function pointInRing(p: LonLat, ring: Ring): boolean {
  const [x, y] = p;
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i] as LonLat;
    const b = ring[j] as LonLat;
    if (a[1] > y !== b[1] > y && x < ((b[0] - a[0]) * (y - a[1])) / (b[1] - a[1]) + a[0]) inside = !inside;
  }
  return inside;
}

/** Inside the outer ring and outside every hole. */
export function pointInPolygon(p: LonLat, polygon: PolygonCoords): boolean {
  const outer = polygon[0];
  if (!outer || !pointInRing(p, outer)) return false;
  for (let i = 1; i < polygon.length; i++) if (pointInRing(p, polygon[i] as Ring)) return false;
  return true;
}

/** A polygon set with precomputed bounding boxes, for many point-in-polygon queries. */
export class PolygonSet {
  private readonly parts: { bbox: BBox; polygon: PolygonCoords }[] = [];

  constructor(polygons: readonly MultiPolygonCoords[]) {
    for (const mp of polygons)
      for (const polygon of mp) this.parts.push({ bbox: bboxOfPoints(polygon[0] ?? []), polygon });
  }

  contains(p: LonLat): boolean {
    for (const part of this.parts) if (bboxContains(part.bbox, p) && pointInPolygon(p, part.polygon)) return true;
    return false;
  }
}

/** Distance from p to segment ab, in the units of the plane. */
export function distanceToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  let t = len2 > 0 ? ((px - ax) * dx + (py - ay) * dy) / len2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** Twice the signed area in the plane of the coordinates; > 0 for counter-clockwise. */
export function ringSignedArea2(ring: Ring): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[j] as LonLat;
    const b = ring[i] as LonLat;
    sum += a[0] * b[1] - b[0] * a[1];
  }
  return sum;
}

/** 1e-7° ≈ 1 cm: stored coordinates are rounded so tiny float differences cannot leak out. */
export function roundDeg(v: number): number {
  return Math.round(v * 1e7) / 1e7;
}

/** A point rounded to 1e-7°. */
export function roundPoint(p: LonLat): LonLat {
  return [roundDeg(p[0]), roundDeg(p[1])];
}

/** Do segments ab and cd properly cross (touching endpoints excluded)? */
export function segmentsCross(a: LonLat, b: LonLat, c: LonLat, d: LonLat): boolean {
  const o1 = orient(a, b, c);
  const o2 = orient(a, b, d);
  const o3 = orient(c, d, a);
  const o4 = orient(c, d, b);
  return o1 * o2 < 0 && o3 * o4 < 0;
}

function orient(a: LonLat, b: LonLat, c: LonLat): number {
  return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
}

/** True when no two non-adjacent edges of the closed ring cross. O(n²); for generated shapes. */
export function ringIsSimple(ring: Ring): boolean {
  const n = ring.length - 1;
  for (let i = 0; i < n; i++) {
    for (let j = i + 2; j < n; j++) {
      if (i === 0 && j === n - 1) continue;
      if (segmentsCross(ring[i] as LonLat, ring[i + 1] as LonLat, ring[j] as LonLat, ring[j + 1] as LonLat)) return false;
    }
  }
  return true;
}
