/**
 * Writes a vector tile the way `/tiles/{layers}/{z}/{x}/{y}.mvt` does (routes/tiles.ts): 204
 * when empty, ETag + 304 revalidation, and the cache's precompressed bytes when it has them.
 */
import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import type { CachedTile } from '@onemap/tiles';

export const MVT_MEDIA_TYPE = 'application/vnd.mapbox-vector-tile';

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
  if (!tile.etag) {
    koa.set('ETag', `W/"${createHash('sha1').update(tile.raw).digest('base64url')}"`);
    if (koa.fresh) koa.status = 304;
    else koa.body = tile.raw;
    return;
  }
  const encoding = koa.acceptsEncodings('br', 'gzip', 'identity');
  const [body, suffix] = encoding === 'br' ? [tile.br, '-br'] : encoding === 'gzip' ? [tile.gzip, '-gz'] : [tile.raw, ''];
  koa.set('ETag', `${tile.etag.slice(0, -1)}${suffix}"`);
  if (koa.fresh) {
    koa.status = 304;
    return;
  }
  koa.compress = false;
  if (suffix) koa.set('Content-Encoding', encoding as string);
  koa.body = body;
}
