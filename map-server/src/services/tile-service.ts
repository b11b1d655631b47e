/** Reads vector tiles: binds z/x/y (and the instant) to a layer's prepared statement. */
import { timeBucket, type CachedTile, type TileCache, type TileCoord } from '@onemap/tiles';
import type { Pool } from '../db.ts';
import type { LayerPlan } from './layer-plans.ts';
import { variantSuffix } from './secure-plans.ts';

const EMPTY = Buffer.alloc(0);

/** One layer's MVT bytes (empty buffer when no feature falls in the tile). */
export async function readLayerTile(pool: Pool, plan: LayerPlan, { z, x, y }: TileCoord, asOfMs?: number): Promise<Buffer> {
  const asOf = asOfMs !== undefined ? plan.tileSql.asOf : undefined;
  const overview = plan.tileSql.overview;
  // The overview holds the current state only; the past at low zoom is generalised on the fly.
  if (overview && z <= overview.maxZoom && !asOf) {
    const r = await pool.query<[Buffer]>({ name: plan.tileStatementNames.overview, text: overview.sql, values: [z, x, y], rowMode: 'array' });
    return r.rows[0]?.[0] ?? EMPTY;
  }
  const result = asOf
    ? await pool.query<[Buffer]>({ name: plan.tileStatementNames.asOf, text: asOf, values: [z, x, y, new Date(asOfMs!).toISOString()], rowMode: 'array' })
    : await pool.query<[Buffer]>({ name: plan.tileStatementNames.current, text: plan.tileSql.current, values: [z, x, y], rowMode: 'array' });
  return result.rows[0]?.[0] ?? EMPTY;
}

/**
 * A composite tile: the layers' tiles fetched in parallel and concatenated in draw order.
 * Concatenation is valid MVT (a tile is a repeated `layers` field), so no decoding is needed.
 */
export async function readCompositeTile(pool: Pool, plans: readonly LayerPlan[], coord: TileCoord, asOfMs?: number): Promise<Buffer> {
  if (plans.length === 1) return readLayerTile(pool, plans[0]!, coord, asOfMs);
  const parts = await Promise.all(plans.map((p) => readLayerTile(pool, p, coord, asOfMs)));
  return Buffer.concat(parts);
}

/** An uncached response body: raw bytes only (compression is left to the HTTP layer). */
function uncached(raw: Buffer): CachedTile {
  return { raw, gzip: raw.subarray(0, 0), br: raw.subarray(0, 0), etag: '' };
}

/**
 * The tile through the cache when there is one. A composite is cached under its own id
 * ("roads,buildings") and invalidated with any of its members. A desensitised variant of a
 * layer (secure-plans.ts) is cached in its own bucket ("current.v-staff"), so one audience's
 * tile is never handed to another; invalidation drops every bucket of a layer.
 */
export async function readTile(
  pool: Pool,
  cache: TileCache | undefined,
  plans: readonly LayerPlan[],
  coord: TileCoord,
  asOfMs?: number,
): Promise<{ tile: CachedTile; status: 'hit' | 'coalesced' | 'miss' | 'off' }> {
  const render = () => readCompositeTile(pool, plans, coord, asOfMs);
  if (!cache) return { tile: uncached(await render()), status: 'off' };
  const layerId = plans.map((p) => p.spec.id).join(',');
  return cache.lookup({ layerId, bucket: `${timeBucket(asOfMs)}${variantSuffix(plans)}`, coord }, render);
}
