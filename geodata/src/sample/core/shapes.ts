/**
 * Organic closed shapes for islands, reservoirs and lakes: star-shaped polar outlines (one
 * radius per bearing, always positive), which are simple polygons by construction.
 */
import { LocalFrame } from './geodesy.ts';
import type { Rng } from './prng.ts';
import { roundPoint } from './planar.ts';
import type { LonLat, Ring } from '../types.ts';

/** Size, shape and orientation of an organic outline. */
export interface BlobSpec {
  readonly centreDeg: LonLat;
  readonly areaKm2: number;
  /** Long axis / short axis (≥ 1). */
  readonly elongation: number;
  /** Bearing of the long axis, degrees clockwise from north. */
  readonly axisDeg: number;
  readonly vertices: number;
  /** Relative amplitude of the lobes, 0…0.5. */
  readonly roughness: number;
}

/** A lobed ellipse of the requested area (exact to 0.1 %), counter-clockwise and closed. */
export function blobRing(spec: BlobSpec, rng: Rng): Ring {
  const frame = new LocalFrame(spec.centreDeg[0], spec.centreDeg[1]);
  const harmonics = [2, 3, 5, 7].map((k) => ({ k, amp: rng.range(0.3, 1) * spec.roughness / k ** 0.5, phase: rng.range(0, 2 * Math.PI) }));
  const axis = ((90 - spec.axisDeg) * Math.PI) / 180;
  const shape: [number, number][] = [];
  for (let i = 0; i < spec.vertices; i++) {
    const t = (2 * Math.PI * i) / spec.vertices;
    let factor = 1;
    for (const h of harmonics) factor += h.amp * Math.cos(h.k * t + h.phase);
    factor = Math.max(0.35, factor);
    const ex = spec.elongation * Math.cos(t) * factor;
    const ey = Math.sin(t) * factor;
    shape.push([ex * Math.cos(axis) - ey * Math.sin(axis), ex * Math.sin(axis) + ey * Math.cos(axis)]);
  }
  let area2 = 0;
  for (let i = 0; i < shape.length; i++) {
    const a = shape[i] as [number, number];
    const b = shape[(i + 1) % shape.length] as [number, number];
    area2 += a[0] * b[1] - b[0] * a[1];
  }
  const scaleM = Math.sqrt((spec.areaKm2 * 1e6) / (area2 / 2));
  const ring: Ring = shape.map(([x, y]) => roundPoint(frame.toLonLat(x * scaleM, y * scaleM)));
  ring.push([(ring[0] as LonLat)[0], (ring[0] as LonLat)[1]]);
  return ring;
}
