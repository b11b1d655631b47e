/**
 * Geometry literals of CQL2 as GeoJSON geometry objects (what PostGIS's ST_GeomFromGeoJSON
 * reads), plus the checks and axis handling the compiler needs. Pure functions.
 */

export type Position2 = readonly number[];

export type Geometry =
  | { readonly type: 'Point'; readonly coordinates: Position2 }
  | { readonly type: 'MultiPoint'; readonly coordinates: readonly Position2[] }
  | { readonly type: 'LineString'; readonly coordinates: readonly Position2[] }
  | { readonly type: 'MultiLineString'; readonly coordinates: readonly (readonly Position2[])[] }
  | { readonly type: 'Polygon'; readonly coordinates: readonly (readonly Position2[])[] }
  | { readonly type: 'MultiPolygon'; readonly coordinates: readonly (readonly (readonly Position2[])[])[] }
  | { readonly type: 'GeometryCollection'; readonly geometries: readonly Geometry[] };

export const GEOMETRY_TYPES = ['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection'] as const;

/** Every coordinate tuple of a geometry. */
export function coordinatesOf(g: Geometry): Position2[] {
  switch (g.type) {
    case 'Point':
      return [g.coordinates];
    case 'MultiPoint':
    case 'LineString':
      return [...g.coordinates];
    case 'MultiLineString':
    case 'Polygon':
      return g.coordinates.flat();
    case 'MultiPolygon':
      return g.coordinates.flat(2);
    case 'GeometryCollection':
      return g.geometries.flatMap(coordinatesOf);
  }
}

/** The same geometry with the first two ordinates of every position swapped (lat/lon ↔ lon/lat). */
export function swapAxes(g: Geometry): Geometry {
  const p = (c: Position2): Position2 => [c[1]!, c[0]!, ...c.slice(2)];
  switch (g.type) {
    case 'Point':
      return { type: g.type, coordinates: p(g.coordinates) };
    case 'MultiPoint':
    case 'LineString':
      return { type: g.type, coordinates: g.coordinates.map(p) };
    case 'MultiLineString':
    case 'Polygon':
      return { type: g.type, coordinates: g.coordinates.map((r) => r.map(p)) };
    case 'MultiPolygon':
      return { type: g.type, coordinates: g.coordinates.map((poly) => poly.map((r) => r.map(p))) };
    case 'GeometryCollection':
      return { type: g.type, geometries: g.geometries.map(swapAxes) };
  }
}

/**
 * A lon/lat box as a polygon; one crossing the antimeridian (west > east) as two polygons
 * (CQL2 21-065r2 §6.4.4: `BBOX(150,-90,-150,90)` covers 150°E…180° and −180°…150°W).
 */
export function lonLatBoxGeometry(west: number, south: number, east: number, north: number): Geometry {
  const ring = (w: number, e: number): Position2[] => [
    [w, south],
    [e, south],
    [e, north],
    [w, north],
    [w, south],
  ];
  if (west <= east) return { type: 'Polygon', coordinates: [ring(west, east)] };
  return { type: 'MultiPolygon', coordinates: [[ring(west, 180)], [ring(-180, east)]] };
}

/** A box in a projected CRS (x east, y north); a reversed x range is an error there. */
export function planeBoxGeometry(minX: number, minY: number, maxX: number, maxY: number): Geometry {
  return {
    type: 'Polygon',
    coordinates: [
      [
        [minX, minY],
        [maxX, minY],
        [maxX, maxY],
        [minX, maxY],
        [minX, minY],
      ],
    ],
  };
}
