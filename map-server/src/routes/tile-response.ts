/**
 * Writes a vector tile the way `/tiles/{layers}/{z}/{x}/{y}.mvt` does (routes/tiles.ts): 204
 * when empty, ETag + 304 revalidation, and the cache's precompressed bytes when it has them.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import type { CachedTile } from '@onemap/tiles';

export const MVT_MEDIA_TYPE = 'application/vnd.mapbox-vector-tile';

export type TileEncoding = 'br' | 'gzip' | 'identity';

/**
 * The bytes and validator of a tile in an encoding: the cache's precompressed copy with a
 * per-encoding strong ETag, or for an uncached tile (no stored validator) the raw bytes with a
 * weak ETag of their hash. Shared by the Koa route and the hot path (fast-tiles.ts).
 */
export function tileRepresentation(tile: CachedTile, encoding: TileEncoding): { body: Buffer; etag: string; contentEncoding?: 'br' | 'gzip' } {
  if (!tile.etag) return { body: tile.raw, etag: `W/"${createHash('sha1').update(tile.raw).digest('base64url')}"` };
  if (encoding === 'br') return { body: tile.br, etag: `${tile.etag.slice(0, -1)}-br"`, contentEncoding: 'br' };
  if (encoding === 'gzip') return { body: tile.gzip, etag: `${tile.etag.slice(0, -1)}-gz"`, contentEncoding: 'gzip' };
  return { body: tile.raw, etag: tile.etag };
}

export function sendTile(koa: Context, tile: CachedTile, cacheStatus: string): void {
  koa.set('X-Tile-Cache', cacheStatus);
  koa.set('Cache-Control', 'no-cache');
  koa.vary('Accept-Encoding');
  if (tile.raw.length === 0) {
    koa.status = 204;
    return;
  }
  koa.type = MVT_MEDIA_TYPE;
  koa.status = 200;
  // Uncached tiles are left to koa-compress; cached ones carry their precompressed bytes.
  const encoding = tile.etag ? (koa.acceptsEncodings('br', 'gzip', 'identity') as TileEncoding) : 'identity';
  const r = tileRepresentation(tile, encoding);
  koa.set('ETag', r.etag);
  if (koa.fresh) {
    koa.status = 304;
    return;
  }
  if (r.contentEncoding) {
    koa.compress = false;
    koa.set('Content-Encoding', r.contentEncoding);
  }
  koa.body = r.body;
}
