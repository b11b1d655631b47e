/**
 * Lot patterns inside one street block, in grid coordinates (metres): rows of south-facing
 * residential slabs (小区), dense old walk-ups, villas, commercial podiums and towers, industrial
 * sheds, school/hospital campuses. Footprints never overlap within a block by construction.
 */
import type { Rng } from '../core/prng.ts';

/** What a block is used for; decides its lot pattern. */
export type BlockZone = 'slab' | 'lowrise' | 'villa' | 'commercial' | 'industrial' | 'campus';

/** Corners counter-clockwise, grid metres. */
export type Corners = [number, number][];

/** One building footprint inside a block. */
export interface Lot {
  readonly corners: Corners;
  /** For campuses: the building is the main hall (public/education decided by the caller). */
  readonly main: boolean;
}

function rect(u0: number, v0: number, w: number, h: number): Corners {
  return [[u0, v0], [u0 + w, v0], [u0 + w, v0 + h], [u0, v0 + h]];
}

/** An L: a w×h rectangle with the top-right w2×h2 corner removed. */
function lShape(u0: number, v0: number, w: number, h: number, w2: number, h2: number): Corners {
  return [[u0, v0], [u0 + w, v0], [u0 + w, v0 + h - h2], [u0 + w - w2, v0 + h - h2], [u0 + w - w2, v0 + h], [u0, v0 + h]];
}

/** Splits [a, b] into n cells and calls `each` with each cell's start and size. */
function cells(a: number, b: number, n: number, each: (start: number, size: number) => void): void {
  const size = (b - a) / n;
  for (let i = 0; i < n; i++) each(a + i * size, size);
}

/** Lots for one block interior `[u0, u1] × [v0, v1]`. */
export function blockLots(zone: BlockZone, u0: number, v0: number, u1: number, v1: number, rng: Rng): Lot[] {
  const w = u1 - u0;
  const h = v1 - v0;
  const lots: Lot[] = [];
  const add = (corners: Corners, main = false) => lots.push({ corners, main });
  switch (zone) {
    case 'slab': {
      const len = rng.range(38, 60);
      const depth = rng.range(11, 16);
      const cols = Math.max(1, Math.floor((w + 14) / (len + 14)));
      const rows = Math.max(1, Math.floor((h + 24) / (depth + 24)));
      cells(u0, u1, cols, (cu, cw) => cells(v0, v1, rows, (cv, ch) => {
        if (rng.chance(0.93)) add(rect(cu + (cw - len) / 2, cv + (ch - depth) / 2, Math.min(len, cw - 4), depth));
      }));
      break;
    }
    case 'lowrise': {
      const cols = Math.max(1, Math.floor(w / rng.range(34, 46)));
      const rows = Math.max(1, Math.floor(h / rng.range(22, 28)));
      cells(u0, u1, cols, (cu, cw) => cells(v0, v1, rows, (cv, ch) => {
        if (rng.chance(0.86)) add(rect(cu + 3, cv + 4, cw - rng.range(6, 12), Math.min(ch - 8, rng.range(10, 14))));
      }));
      break;
    }
    case 'villa': {
      const cols = Math.max(1, Math.floor(w / 24));
      const rows = Math.max(1, Math.floor(h / 24));
      cells(u0, u1, cols, (cu, cw) => cells(v0, v1, rows, (cv, ch) => {
        if (!rng.chance(0.72)) return;
        const bw = rng.range(10, 14);
        const bh = rng.range(10, 13);
        const ox = cu + rng.range(2, Math.max(2.1, cw - bw - 2));
        const oy = cv + rng.range(2, Math.max(2.1, ch - bh - 2));
        add(rng.chance(0.3) ? lShape(ox, oy, bw, bh, bw * 0.4, bh * 0.35) : rect(ox, oy, bw, bh));
      }));
      break;
    }
    case 'commercial': {
      const cols = w > 150 ? 2 : 1;
      const rows = h > 120 ? 2 : 1;
      cells(u0, u1, cols, (cu, cw) => cells(v0, v1, rows, (cv, ch) => {
        if (!rng.chance(0.88)) return;
        const bw = rng.range(0.5, 0.85) * cw;
        const bh = rng.range(0.5, 0.85) * ch;
        const ox = cu + (cw - bw) / 2;
        const oy = cv + (ch - bh) / 2;
        add(rng.chance(0.35) ? lShape(ox, oy, bw, bh, bw * 0.45, bh * 0.45) : rect(ox, oy, bw, bh));
      }));
      break;
    }
    case 'industrial': {
      const cols = Math.max(1, Math.round(w / rng.range(80, 120)));
      const rows = Math.max(1, Math.round(h / rng.range(60, 90)));
      cells(u0, u1, cols, (cu, cw) => cells(v0, v1, rows, (cv, ch) => {
        if (!rng.chance(0.9)) return;
        const bw = Math.min(120, rng.range(0.6, 0.88) * cw);
        const bh = Math.min(70, rng.range(0.55, 0.85) * ch);
        add(rect(cu + (cw - bw) / 2, cv + (ch - bh) / 2, bw, bh));
      }));
      break;
    }
    case 'campus': {
      // A main hall along the south edge and teaching/ward wings behind it.
      add(rect(u0 + w * 0.15, v0 + 6, w * 0.5, Math.min(22, h * 0.2)), true);
      const wings = rng.int(2, 4);
      cells(u0, u1, wings, (cu, cw) => {
        if (rng.chance(0.85)) add(lShape(cu + 4, v0 + h * 0.4, cw - 10, h * 0.5, (cw - 10) * 0.55, h * 0.3));
      });
      break;
    }
  }
  return lots;
}
