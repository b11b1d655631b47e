/**
 * Vector tiles on the CGCS2000Quad grid: binds level/column/row (and the instant) to each
 * layer's statement compiled at boot (tiles/src/mvt-sql-cgcs2000.ts) and concatenates the
 * layers' tiles in draw order. Not cached: the tile cache's invalidation works on Web
 * Mercator tile keys, so caching these would serve stale tiles after an edit.
 */
import { compileCgcs2000TileSql, type TileStatements } from '@onemap/tiles';
import type { Pool } from '../db.ts';
import type { LayerPlan } from './layer-plans.ts';

export interface Cgcs2000Plans {
  readonly statements: ReadonlyMap<string, TileStatements>;
}

export function compileCgcs2000Plans(layers: Iterable<LayerPlan>): Cgcs2000Plans {
  return { statements: new Map([...layers].map((l) => [l.spec.id, compileCgcs2000TileSql(l.spec, l.idIsInteger)])) };
}

const EMPTY = Buffer.alloc(0);

async function layerTile(pool: Pool, sql: TileStatements, id: string, z: number, col: number, row: number, asOfMs: number | undefined): Promise<Buffer> {
  const values = [z, col, row];
  let statement: { name: string; text: string; values: unknown[] };
  if (asOfMs !== undefined && sql.asOf) statement = { name: `tile4490_${id}_asof`, text: sql.asOf, values: [...values, new Date(asOfMs).toISOString()] };
  else if (sql.overview && z <= sql.overview.maxZoom && asOfMs === undefined) statement = { name: `tile4490_${id}_overview`, text: sql.overview.sql, values };
  else statement = { name: `tile4490_${id}`, text: sql.current, values };
  const r = await pool.query<[Buffer]>({ ...statement, rowMode: 'array' });
  return r.rows[0]?.[0] ?? EMPTY;
}

export async function readCgcs2000Tile(pool: Pool, plans: Cgcs2000Plans, layers: readonly LayerPlan[], z: number, col: number, row: number, asOfMs?: number): Promise<Buffer> {
  const parts = await Promise.all(layers.map((l) => layerTile(pool, plans.statements.get(l.spec.id)!, l.spec.id, z, col, row, asOfMs)));
  return Buffer.concat(parts);
}
