/**
 * Spatial filters on a coarsened variant (secure-plans.ts, access-policy.ts `generalise`):
 * features and exports show the variant's geometry with every coordinate rounded to the rule's
 * `decimals` (ST_AsGeoJSON / ST_AsText precision, coarsenedCrs). A filter evaluated on the exact
 * geometry would let a caller binary-search a feature's surveyed position with tiny boxes, far
 * below the grid it is shown on; so every spatial predicate of such a variant is evaluated on
 * the geometry the caller is shown, and a feature is returned iff its returned geometry
 * satisfies the filter.
 *
 * The shown geometry is the response's own GeoJSON text read back, not ST_SnapToGrid: the
 * rounding is then the output's by construction (the same lwprint_double rounding), and a
 * segment shorter than a cell stays a (degenerate) line at its rounded position, as the
 * response writes it, where ST_SnapToGrid would drop it to EMPTY. Axis order does not matter
 * (rounding is per coordinate), nor does the output CRS: coarsened variants answer in
 * longitude/latitude only, which is storage (CGCS2000 = CRS84 numerically).
 *
 * Index use: rounding moves a coordinate at most half a cell, so the exact geometry lies within
 * one cell of the shown one. The GiST cut is `exact && ST_Expand(x, cell)`; a geometry whose
 * bounding box lies a cell inside the query box intersects it for sure (no re-encoding).
 *
 * Not ST_SnapToGrid(geom, 10^-decimals): measured on the sample's 128 059 pipe segments, it
 * rounds ties to even where the output rounds them up (121.1475 → 121.147, shown as 121.148;
 * 7 segments) and makes 1 745 short segments EMPTY that the response shows as a point-like line.
 */
import type { GeometryCoarsening } from './access-policy.ts';

/** One grid cell of a coarsening in storage degrees, as a SQL literal (decimals 3 → `1e-3::float8`). */
export function cellSql(c: GeometryCoarsening): string {
  return `1e-${Math.trunc(c.decimals)}::float8`;
}

/** The geometry the caller is shown, over the exact geometry expression `g` (an identifier from the catalogue). */
export function shownGeometrySql(g: string, c: GeometryCoarsening, storageSrid: number): string {
  return `ST_SetSRID(ST_GeomFromGeoJSON(ST_AsGeoJSON(${g}, ${Math.trunc(c.decimals)}, 0)), ${Math.trunc(storageSrid)})`;
}

/**
 * "The shown geometry intersects `box`" (a storage-SRID box or polygon expression): the GiST cut
 * on the exact geometry widened by a cell, the sure case without re-encoding, then the test on
 * the shown geometry. The CASE keeps the planner from a second index scan (features-sql.ts).
 */
export function shownIntersectsSql(g: string, box: string, c: GeometryCoarsening, storageSrid: number, sureInside = true): string {
  const cell = cellSql(c);
  const exact = `ST_Intersects(${shownGeometrySql(g, c, storageSrid)}, ${box})`;
  if (!sureInside) return `${g} && ST_Expand(${box}, ${cell}) AND ${exact}`;
  // Not `g @ ST_Expand(box, -cell)`: a box narrower than two cells would turn inside out.
  // On box2d, as building an expanded geometry per row costs a quarter more (measured).
  return `${g} && ST_Expand(${box}, ${cell}) AND CASE WHEN ST_Expand(${g}::box2d, ${cell}) @ ${box}::box2d THEN true ELSE ${exact} END`;
}
