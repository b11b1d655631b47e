/**
 * The fixed tile list per zoom, as in tiles-performance.md §5: z ≤ 10 every tile over the data
 * box; deeper zooms a 3×3 block on the dense centre (Jiaojiang) plus a 3×3 block in sparse
 * country, so throughput mixes the heavy and the light case the same way for every target.
 */
import { lonLatToTile, type TileCoord } from '@onemap/tiles';

/** The synthetic data box (lon/lat, CGCS2000 ≈ WGS 84 at tile precision). */
export const BOX = { west: 120.8, south: 28.3, east: 121.7, north: 29.0 } as const;
/** Jiaojiang, the densest of the five town centres. */
export const DENSE_CENTRE: readonly [number, number] = [121.42, 28.66];
/** South-west of the box: > 35 km from every town centre, only uniform background buildings. */
export const SPARSE_CENTRE: readonly [number, number] = [120.95, 28.45];

export interface ZoomTiles {
  readonly z: number;
  readonly tiles: readonly TileCoord[];
  /** The tile used to check that each target returns a non-empty, decodable MVT. */
  readonly probe: TileCoord;
}

function block(z: number, [lon, lat]: readonly [number, number]): TileCoord[] {
  const c = lonLatToTile(lon, lat, z);
  const out: TileCoord[] = [];
  for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) out.push({ z, x: c.x + dx, y: c.y + dy });
  return out;
}

export function tilesForZoom(z: number): ZoomTiles {
  const probe = lonLatToTile(DENSE_CENTRE[0], DENSE_CENTRE[1], z);
  if (z <= 10) {
    const nw = lonLatToTile(BOX.west, BOX.north, z);
    const se = lonLatToTile(BOX.east, BOX.south, z);
    const tiles: TileCoord[] = [];
    for (let y = nw.y; y <= se.y; y++) for (let x = nw.x; x <= se.x; x++) tiles.push({ z, x, y });
    return { z, tiles, probe };
  }
  return { z, tiles: [...block(z, DENSE_CENTRE), ...block(z, SPARSE_CENTRE)], probe };
}

export const tileName = (t: TileCoord) => `${t.z}/${t.x}/${t.y}`;
