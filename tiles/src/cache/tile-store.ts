/**
 * Tile stores: where cached tile bytes live. A store only stores; coalescing, compression
 * and invalidation policy live in TileCache.
 */
import type { Box3857 } from './dirty-region.ts';
import type { TileKey } from './tile-key.ts';

/** A cached tile, compressed once when stored (never per hit). */
export interface CachedTile {
  /** Raw MVT bytes (empty = empty tile, served as 204). */
  readonly raw: Buffer;
  readonly gzip: Buffer;
  readonly br: Buffer;
  /** Strong validator of the raw bytes. */
  readonly etag: string;
}

export interface TileStore {
  get(key: TileKey): Promise<CachedTile | undefined>;
  set(key: TileKey, tile: CachedTile): Promise<void>;
  /** Drops every tile of the layer (any time bucket, any zoom) that the boxes touch; returns how many. */
  invalidate(layerId: string, boxes: readonly Box3857[], bufferFraction: number): Promise<number>;
  /** Drops everything of a layer (a reload). */
  clearLayer(layerId: string): Promise<number>;
  stats(): { entries: number; bytes: number };
}

export function tileBytes(t: CachedTile): number {
  return t.raw.length + t.gzip.length + t.br.length + 64;
}
