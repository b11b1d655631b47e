/**
 * Voronoi cells by half-plane clipping. Sites are few (tens per partition), so the O(n²)
 * construction is simpler and more robust than a sweep and still takes milliseconds. Each cell
 * is convex; cells of different sites meet along shared bisectors.
 */
import type { BBox } from './planar.ts';

/** A point in a planar frame, metres. */
export type XY = [number, number];

/** Clips a convex polygon (open ring) to the half-plane where `(p − m)·n ≤ 0`. */
function clipHalfPlane(polygon: XY[], mx: number, my: number, nx: number, ny: number): XY[] {
  const out: XY[] = [];
  const n = polygon.length;
  for (let i = 0; i < n; i++) {
    const a = polygon[i] as XY;
    const b = polygon[(i + 1) % n] as XY;
    const da = (a[0] - mx) * nx + (a[1] - my) * ny;
    const db = (b[0] - mx) * nx + (b[1] - my) * ny;
    if (da <= 0) out.push(a);
    if ((da < 0 && db > 0) || (da > 0 && db < 0)) {
      const t = da / (da - db);
      out.push([a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])]);
    }
  }
  return out;
}

/**
 * The Voronoi cell of every site, clipped to `bounds`, as an open counter-clockwise ring.
 * Coincident sites are not allowed (the later one would get an empty cell).
 */
export function voronoiCells(sites: readonly XY[], bounds: BBox): XY[][] {
  const [minX, minY, maxX, maxY] = bounds;
  return sites.map((s, i) => {
    let cell: XY[] = [
      [minX, minY],
      [maxX, minY],
      [maxX, maxY],
      [minX, maxY],
    ];
    const others = sites
      .map((o, j) => ({ o, j, d2: (o[0] - s[0]) ** 2 + (o[1] - s[1]) ** 2 }))
      .filter((e) => e.j !== i)
      .sort((a, b) => a.d2 - b.d2);
    for (const { o, d2 } of others) {
      // A site farther than twice the cell's radius cannot cut it.
      let r2 = 0;
      for (const p of cell) r2 = Math.max(r2, (p[0] - s[0]) ** 2 + (p[1] - s[1]) ** 2);
      if (d2 > 4 * r2) break;
      cell = clipHalfPlane(cell, (s[0] + o[0]) / 2, (s[1] + o[1]) / 2, o[0] - s[0], o[1] - s[1]);
      if (cell.length === 0) break;
    }
    return cell;
  });
}

/** Index of the nearest site (ties go to the lower index), the cell a point falls in. */
export function nearestSite(sites: readonly XY[], x: number, y: number): number {
  let best = 0;
  let bestD2 = Infinity;
  for (let i = 0; i < sites.length; i++) {
    const s = sites[i] as XY;
    const d2 = (s[0] - x) ** 2 + (s[1] - y) ** 2;
    if (d2 < bestD2) {
      bestD2 = d2;
      best = i;
    }
  }
  return best;
}
