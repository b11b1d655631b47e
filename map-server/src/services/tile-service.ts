/** Reads vector tiles: binds z/x/y (and the instant) to a layer's prepared statement. */
import type { TileCoord } from '@onemap/tiles';
import type { Pool } from '../db.ts';
import type { LayerPlan } from './layer-plans.ts';

const EMPTY = Buffer.alloc(0);

/** One layer's MVT bytes (empty buffer when no feature falls in the tile). */
export async function readLayerTile(pool: Pool, plan: LayerPlan, { z, x, y }: TileCoord, asOfMs?: number): Promise<Buffer> {
  const asOf = asOfMs !== undefined ? plan.tileSql.asOf : undefined;
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
