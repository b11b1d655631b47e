/**
 * A rotated street grid around an urban centre: grid coordinates (u east-ish, v north-ish, in
 * metres) ↔ lon/lat. Blocks are `blockWM × blockHM` cells of this grid; streets run along the
 * cell edges.
 */
import { LocalFrame } from '../core/geodesy.ts';
import { roundPoint } from '../core/planar.ts';
import type { LonLat, Ring } from '../types.ts';

/** Rotated grid coordinates around a centre. */
export class GridFrame {
  private readonly frame: LocalFrame;
  private readonly cos: number;
  private readonly sin: number;
  readonly blockWM: number;
  readonly blockHM: number;

  constructor(centreDeg: LonLat, angleDeg: number, blockWM: number, blockHM: number) {
    this.frame = new LocalFrame(centreDeg[0], centreDeg[1]);
    const a = (angleDeg * Math.PI) / 180;
    this.cos = Math.cos(a);
    this.sin = Math.sin(a);
    this.blockWM = blockWM;
    this.blockHM = blockHM;
  }

  toLonLat(u: number, v: number): LonLat {
    return roundPoint(this.frame.toLonLat(u * this.cos - v * this.sin, u * this.sin + v * this.cos));
  }

  /** Grid coordinates of a point (inverse rotation). */
  toGrid(p: LonLat): [number, number] {
    const [x, y] = this.frame.toXY(p);
    return [x * this.cos + y * this.sin, -x * this.sin + y * this.cos];
  }

  /** A closed counter-clockwise ring from grid-coordinate corners given counter-clockwise. */
  ring(corners: readonly (readonly [number, number])[]): Ring {
    const ring = corners.map(([u, v]) => this.toLonLat(u, v));
    ring.push([(ring[0] as LonLat)[0], (ring[0] as LonLat)[1]]);
    return ring;
  }
}
