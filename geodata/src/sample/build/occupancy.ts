/**
 * Which layout owns which ~50 m cell of the city. Different layouts (a city grid, a town grid,
 * a village) may not put buildings into each other's cells, so footprints from independently
 * rotated grids do not overlap; within one layout the lot pattern already keeps them apart.
 */
import type { BBox } from '../core/planar.ts';
import type { LonLat, Ring } from '../types.ts';

const STEP_DEG = 0.0005;
const ORIGIN: LonLat = [120.2, 27.9];
const NX = 4000;
const NY = 3200;

/** Cell ownership over the city bbox (0.0005° cells, 0 = free). */
export class Occupancy {
  private readonly owner = new Uint16Array(NX * NY);

  private cellRange(b: BBox): [number, number, number, number] {
    return [
      Math.max(0, Math.floor((b[0] - ORIGIN[0]) / STEP_DEG)),
      Math.max(0, Math.floor((b[1] - ORIGIN[1]) / STEP_DEG)),
      Math.min(NX - 1, Math.floor((b[2] - ORIGIN[0]) / STEP_DEG)),
      Math.min(NY - 1, Math.floor((b[3] - ORIGIN[1]) / STEP_DEG)),
    ];
  }

  /** Claims the cells under `ring` for `ownerId` (1…65535) unless another owner holds one. */
  claim(ring: Ring, ownerId: number): boolean {
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    for (const [x, y] of ring) {
      if (x < minX) minX = x;
      if (y < minY) minY = y;
      if (x > maxX) maxX = x;
      if (y > maxY) maxY = y;
    }
    const [x0, y0, x1, y1] = this.cellRange([minX, minY, maxX, maxY]);
    for (let y = y0; y <= y1; y++)
      for (let x = x0; x <= x1; x++) {
        const o = this.owner[y * NX + x] as number;
        if (o !== 0 && o !== ownerId) return false;
      }
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) this.owner[y * NX + x] = ownerId;
    return true;
  }
}
