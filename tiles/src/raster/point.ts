/**
 * The stored band values of a scene at one place: what a pixel of a tile was drawn from, for
 * checking an index (NDVI of water low, of forest high) without decoding colours.
 */
import { readBlock, type BlockCache, type Cog } from './cog-reader.ts';
import { crsForEpsg } from './projection.ts';
import { invertGeoTransform } from './warp.ts';

/** Band values at lon/lat (full resolution), or undefined outside the scene or on nodata. */
export async function readPointValues(cog: Cog, lon: number, lat: number, blocks?: BlockCache): Promise<number[] | undefined> {
  const crs = cog.epsg === undefined ? undefined : crsForEpsg(cog.epsg);
  if (!crs) return undefined;
  const [x, y] = crs.fromLonLat(lon, lat);
  const inv = invertGeoTransform(cog.geoTransform);
  const c = Math.floor(inv[0] + x * inv[1] + y * inv[2]);
  const r = Math.floor(inv[3] + x * inv[4] + y * inv[5]);
  if (c < 0 || r < 0 || c >= cog.width || r >= cog.height) return undefined;
  const level = cog.levels[0]!;
  const bx = Math.floor(c / level.blockWidth), by = Math.floor(r / level.blockHeight);
  const block = await readBlock(cog, 0, bx, by, blocks);
  const base = ((r - by * level.blockHeight) * block.width + (c - bx * level.blockWidth)) * cog.bandCount;
  const values = Array.from({ length: cog.bandCount }, (_, k) => Number(block.data[base + k]));
  if (cog.nodata !== null && values.every((v) => v === cog.nodata)) return undefined;
  return values;
}
