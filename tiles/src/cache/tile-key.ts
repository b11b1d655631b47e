/**
 * Cache keys of single-layer tiles. Composite tiles are never cached as such: they are
 * concatenations of cached layer tiles, so one invalidation rule covers both.
 */
import type { TileCoord } from '../tile-coord.ts';

/** `current`, or an instant normalised to whole seconds (UTC, ISO 8601). */
export type TimeBucket = string;

export const CURRENT_BUCKET: TimeBucket = 'current';

export interface TileKey {
  readonly layerId: string;
  readonly bucket: TimeBucket;
  readonly coord: TileCoord;
}

/** Time bucket of an "as of" instant: tiles within the same second share a cache entry. */
export function timeBucket(asOfMs: number | undefined): TimeBucket {
  if (asOfMs === undefined) return CURRENT_BUCKET;
  return new Date(Math.floor(asOfMs / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function keyString({ layerId, bucket, coord }: TileKey): string {
  return `${layerId}/${bucket}/${coord.z}/${coord.x}/${coord.y}`;
}
