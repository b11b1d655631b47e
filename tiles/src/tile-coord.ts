/**
 * Web Mercator tile addressing (XYZ: origin top-left, y grows southwards), as used by
 * ST_TileEnvelope, OpenLayers, TileJSON and OGC WebMercatorQuad (tileRow = y, tileCol = x).
 */

export interface TileCoord {
  readonly z: number;
  readonly x: number;
  readonly y: number;
}

/** Deepest zoom we address; beyond it a tile is narrower than 3 cm at the equator. */
export const MAX_TILE_ZOOM = 30;

/** Half the side of the Web Mercator square, metres (π × 6378137). */
export const WEB_MERCATOR_HALF_M = 20037508.342789244;

/** Thrown for z/x/y that cannot exist (not integers, negative, beyond 2^z − 1, z too deep). */
export class TileCoordError extends Error {
  override readonly name = 'TileCoordError';
  readonly code = 'tile_out_of_range';
}

const INTEGER = /^(0|[1-9][0-9]{0,9})$/;

/** Parses path segments into a tile coordinate or throws TileCoordError saying which part is wrong. */
export function parseTileCoord(zText: string, xText: string, yText: string): TileCoord {
  for (const [name, text] of [['z', zText], ['x', xText], ['y', yText]] as const) {
    if (!INTEGER.test(text)) throw new TileCoordError(`${name} must be a non-negative integer, got "${text.slice(0, 20)}"`);
  }
  const z = Number(zText);
  const x = Number(xText);
  const y = Number(yText);
  if (z > MAX_TILE_ZOOM) throw new TileCoordError(`z=${z} exceeds the deepest zoom ${MAX_TILE_ZOOM}`);
  const n = 2 ** z;
  if (x >= n) throw new TileCoordError(`x=${x} is outside 0..${n - 1} at z=${z}`);
  if (y >= n) throw new TileCoordError(`y=${y} is outside 0..${n - 1} at z=${z}`);
  return { z, x, y };
}

/** Tile bounds in EPSG:3857 metres: [minX, minY, maxX, maxY]. */
export function tileBounds3857({ z, x, y }: TileCoord): [number, number, number, number] {
  const size = (2 * WEB_MERCATOR_HALF_M) / 2 ** z;
  const minX = -WEB_MERCATOR_HALF_M + x * size;
  const maxY = WEB_MERCATOR_HALF_M - y * size;
  return [minX, maxY - size, minX + size, maxY];
}

/** Longitude/latitude (degrees) of a tile's corner (x, y may be fractional). */
export function tileToLonLat(z: number, x: number, y: number): [number, number] {
  const n = 2 ** z;
  const lon = (x / n) * 360 - 180;
  const lat = (Math.atan(Math.sinh(Math.PI * (1 - (2 * y) / n))) * 180) / Math.PI;
  return [lon, lat];
}

/** Tile bounds in degrees: [west, south, east, north]. */
export function tileBoundsLonLat({ z, x, y }: TileCoord): [number, number, number, number] {
  const [west, north] = tileToLonLat(z, x, y);
  const [east, south] = tileToLonLat(z, x + 1, y + 1);
  return [west, south, east, north];
}

/** The tile containing a lon/lat at zoom z (latitudes clamped to the Mercator limit). */
export function lonLatToTile(lon: number, lat: number, z: number): TileCoord {
  const n = 2 ** z;
  const clampedLat = Math.max(-85.0511287798, Math.min(85.0511287798, lat));
  const rad = (clampedLat * Math.PI) / 180;
  const x = Math.floor(((lon + 180) / 360) * n);
  const y = Math.floor(((1 - Math.log(Math.tan(rad) + 1 / Math.cos(rad)) / Math.PI) / 2) * n);
  return { z, x: Math.min(n - 1, Math.max(0, x)), y: Math.min(n - 1, Math.max(0, y)) };
}

/** The four children of a tile, in row-major order. */
export function tileChildren({ z, x, y }: TileCoord): [TileCoord, TileCoord, TileCoord, TileCoord] {
  const cz = z + 1;
  return [
    { z: cz, x: 2 * x, y: 2 * y },
    { z: cz, x: 2 * x + 1, y: 2 * y },
    { z: cz, x: 2 * x, y: 2 * y + 1 },
    { z: cz, x: 2 * x + 1, y: 2 * y + 1 },
  ];
}

/** The tile one level up containing this one; undefined at z0. */
export function tileParent({ z, x, y }: TileCoord): TileCoord | undefined {
  return z === 0 ? undefined : { z: z - 1, x: Math.floor(x / 2), y: Math.floor(y / 2) };
}
