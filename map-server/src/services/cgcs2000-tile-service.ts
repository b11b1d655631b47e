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
  /** The statements of a layer plan (desensitised variants included: secure-plans.ts), compiled once. */
  statementsOf(plan: LayerPlan): TileStatements;
}

export function compileCgcs2000Plans(layers: Iterable<LayerPlan>): Cgcs2000Plans {
  const statements = new Map<LayerPlan, TileStatements>([...layers].map((l) => [l, compileCgcs2000TileSql(l.spec, l.idIsInteger)]));
  return {
    statementsOf: (plan) => {
      let s = statements.get(plan);
      if (!s) statements.set(plan, (s = compileCgcs2000TileSql(plan.spec, plan.idIsInteger)));
      return s;
    },
  };
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
  // Statement names follow the plan's own (`tile_roads`, `tile_pipe_segments__staff`, …).
  const parts = await Promise.all(layers.map((l) => layerTile(pool, plans.statementsOf(l), l.tileStatementNames.current.replace(/^tile_/, ''), z, col, row, asOfMs)));
  return Buffer.concat(parts);
}
