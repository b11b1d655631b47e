/**
 * The ~400 m survey grid of the land-cover tessellation: cell geometry, the cells the land's
 * edges pass through (found exactly, by segment–rectangle tests), and those cells clipped to
 * the land. Clipping goes through 0.1° tiles of pre-clipped land so each cell is cut against a
 * handful of vertices rather than the whole coast; results are cached across survey years.
 */
import { intersectPolygons } from '../core/clip.ts';
import { multiPolygonAreaM2 } from '../core/geodesy.ts';
import { bboxOfPoints, roundDeg, type BBox } from '../core/planar.ts';
import type { LonLat, MultiPolygonCoords, Ring } from '../types.ts';
import type { Land } from './land.ts';

/** South-west corner of the survey grid. */
export const ORIGIN: LonLat = [120.28, 28.0];
/** Cell width, degrees of longitude (~390 m). */
export const DLON = 0.004;
/** Cell height, degrees of latitude (~400 m). */
export const DLAT = 0.0036;
/** Columns of the grid. */
export const NX = 420;
/** Rows of the grid. */
export const NY = 378;
const TILE_CELLS = 25;

/** Clipping leaves slivers of a few square metres along the coast; they carry no information. */
const MIN_PART_M2 = 20;

/** Centre of cell k (row-major index). */
export function cellCentre(k: number): LonLat {
  return [ORIGIN[0] + ((k % NX) + 0.5) * DLON, ORIGIN[1] + (Math.floor(k / NX) + 0.5) * DLAT];
}

/** Index of the cell containing p, or -1 outside the grid. */
export function cellOf(p: LonLat): number {
  const cx = Math.floor((p[0] - ORIGIN[0]) / DLON);
  const cy = Math.floor((p[1] - ORIGIN[1]) / DLAT);
  return cx < 0 || cy < 0 || cx >= NX || cy >= NY ? -1 : cy * NX + cx;
}

/**
 * The ring of cells [x0, x1) × [y0, y1), with a vertex at every cell corner along the east–west
 * edges: PostGIS measures edges as geodesics, and a long edge along a parallel would otherwise
 * be a different line (a 10 km edge at 29°N bulges ~1 m poleward) with a different area.
 */
export function cellsRing(x0: number, y0: number, x1: number, y1: number): Ring {
  const lon = (x: number) => roundDeg(ORIGIN[0] + x * DLON);
  const s = roundDeg(ORIGIN[1] + y0 * DLAT);
  const n = roundDeg(ORIGIN[1] + y1 * DLAT);
  const ring: Ring = [];
  for (let x = x0; x <= x1; x++) ring.push([lon(x), s]);
  for (let x = x1; x >= x0; x--) ring.push([lon(x), n]);
  ring.push([lon(x0), s]);
  return ring;
}

/** Does segment ab meet the rectangle (Liang–Barsky)? */
function segmentMeetsRect(a: LonLat, b: LonLat, r: BBox): boolean {
  let t0 = 0;
  let t1 = 1;
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const checks: [number, number][] = [[-dx, a[0] - r[0]], [dx, r[2] - a[0]], [-dy, a[1] - r[1]], [dy, r[3] - a[1]]];
  for (const [p, q] of checks) {
    if (p === 0) {
      if (q < 0) return false;
    } else {
      const t = q / p;
      if (p < 0) t0 = Math.max(t0, t);
      else t1 = Math.min(t1, t);
      if (t0 > t1) return false;
    }
  }
  return true;
}

/** 1 for every cell that some edge of the land passes through (or touches). */
export function boundaryCells(land: Land): Uint8Array {
  const mark = new Uint8Array(NX * NY);
  for (const polygon of land.all)
    for (const ring of polygon)
      for (let i = 1; i < ring.length; i++) {
        const a = ring[i - 1] as LonLat;
        const b = ring[i] as LonLat;
        const x0 = Math.max(0, Math.floor((Math.min(a[0], b[0]) - ORIGIN[0]) / DLON));
        const x1 = Math.min(NX - 1, Math.floor((Math.max(a[0], b[0]) - ORIGIN[0]) / DLON));
        const y0 = Math.max(0, Math.floor((Math.min(a[1], b[1]) - ORIGIN[1]) / DLAT));
        const y1 = Math.min(NY - 1, Math.floor((Math.max(a[1], b[1]) - ORIGIN[1]) / DLAT));
        for (let y = y0; y <= y1; y++)
          for (let x = x0; x <= x1; x++) {
            const r: BBox = [ORIGIN[0] + x * DLON, ORIGIN[1] + y * DLAT, ORIGIN[0] + (x + 1) * DLON, ORIGIN[1] + (y + 1) * DLAT];
            if (segmentMeetsRect(a, b, r)) mark[y * NX + x] = 1;
          }
      }
  return mark;
}

/** Boundary cells clipped to the land, computed once per cell. */
export class CellClipper {
  private readonly tiles = new Map<number, MultiPolygonCoords>();
  private readonly cells = new Map<number, MultiPolygonCoords>();
  private readonly parts: { polygon: MultiPolygonCoords[number]; bbox: BBox }[];

  constructor(land: Land) {
    this.parts = land.all.map((polygon) => ({ polygon, bbox: bboxOfPoints(polygon[0] as Ring) }));
  }

  private tile(tx: number, ty: number): MultiPolygonCoords {
    const key = ty * 1000 + tx;
    let land = this.tiles.get(key);
    if (!land) {
      const r = cellsRing(tx * TILE_CELLS, ty * TILE_CELLS, (tx + 1) * TILE_CELLS, (ty + 1) * TILE_CELLS);
      const b = bboxOfPoints(r);
      const near = this.parts.filter((p) => p.bbox[0] <= b[2] && p.bbox[2] >= b[0] && p.bbox[1] <= b[3] && p.bbox[3] >= b[1]);
      land = intersectPolygons([[r]], near.map((p) => p.polygon));
      this.tiles.set(key, land);
    }
    return land;
  }

  /** The land part of cell k (empty when only slivers remain). */
  clip(k: number): MultiPolygonCoords {
    let geom = this.cells.get(k);
    if (!geom) {
      const x = k % NX;
      const y = Math.floor(k / NX);
      const tileLand = this.tile(Math.floor(x / TILE_CELLS), Math.floor(y / TILE_CELLS));
      geom = intersectPolygons([[cellsRing(x, y, x + 1, y + 1)]], tileLand).filter((polygon) => multiPolygonAreaM2([polygon]) >= MIN_PART_M2);
      this.cells.set(k, geom);
    }
    return geom;
  }
}
