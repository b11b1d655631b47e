/**
 * Writes a SampleDataset into the `base` tables in one transaction: TRUNCATE (RESTART IDENTITY),
 * COPY every table, move the fid sequences past the loaded ids, record each layer in
 * `catalog.dataset_loads`, ANALYZE, COMMIT. Any failure rolls back, leaving the previous data
 * exactly as it was (architecture.md §3: a failed import leaves nothing behind).
 *
 * Secondary indexes (those not backing a constraint) are dropped before a table's COPY and
 * recreated from their own `pg_get_indexdef` afterwards: a sorted GiST build after the load is
 * several times faster than inserting 150 000 polygons into four GiST indexes row by row, and
 * the definitions still come from the migrations, not from here. The DDL is transactional, so a
 * rollback restores the indexes too.
 */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { catalog } from '../catalog/index.ts';
import type { SampleDataset } from '../sample/types.ts';
import { copyChunks } from './copy-text.ts';
import { SAMPLE_TABLES, type SampleTable } from './sample-tables.ts';
import { loadPipeSample } from './load-pipes.ts';

const SCHEMA = 'base';

/** What was loaded into one table, and how long it took. */
export interface TableLoad {
  /** `base.<table>`. */
  readonly table: string;
  /** Catalogue layer id recorded in `catalog.dataset_loads`. */
  readonly layerId: string;
  readonly rows: number;
  readonly ms: number;
}

/** Result of loadSample. */
export interface LoadReport {
  readonly source: string;
  readonly tables: readonly TableLoad[];
  /** Truncate + COPY and index builds + sequences + ledger + ANALYZE + COMMIT. */
  readonly totalMs: number;
}

/** Double-quotes an SQL identifier. */
function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function qualified(table: string): string {
  return `${ident(SCHEMA)}.${ident(table)}`;
}

function layerIdOf(table: string): string {
  const layer = catalog.layers.find((l) => l.table.schema === SCHEMA && l.table.name === table);
  if (!layer) throw new Error(`no catalogue layer for ${SCHEMA}.${table}`);
  return layer.id;
}

/** Drops the table's indexes that back no constraint; returns their definitions. */
async function dropSecondaryIndexes(client: pg.ClientBase, table: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string; def: string }>(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i
      WHERE i.indrelid = $1::regclass
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
      ORDER BY 1`,
    [`${SCHEMA}.${table}`],
  );
  if (rows.length > 0) await client.query(`DROP INDEX ${rows.map((r) => r.name).join(', ')}`);
  return rows.map((r) => r.def);
}

async function copyTable(client: pg.ClientBase, spec: SampleTable, dataset: SampleDataset): Promise<void> {
  const sql = `COPY ${qualified(spec.table)} (${spec.columns.map(ident).join(', ')}) FROM STDIN`;
  await pipeline(Readable.from(copyChunks(spec.rows(dataset))), client.query(copyFrom(sql)));
}

/**
 * Replaces the contents of the `base` tables with `dataset`. Runs in its own transaction on the
 * given client (which must not be inside one already) and resolves with per-table counts and
 * timings; rejects, after rolling back, on any error.
 */
export async function loadSample(client: pg.ClientBase, dataset: SampleDataset): Promise<LoadReport> {
  const started = performance.now();
  const source = `sample:seed=${dataset.seed},scale=${dataset.scale}`;
  const tables: TableLoad[] = [];
  await client.query('BEGIN');
  try {
    // One TRUNCATE over all tables satisfies the towns → districts foreign key in any order.
    await client.query(`TRUNCATE ${SAMPLE_TABLES.map((t) => qualified(t.table)).join(', ')} RESTART IDENTITY`);
    for (const spec of SAMPLE_TABLES) {
      const t0 = performance.now();
      const indexDefs = await dropSecondaryIndexes(client, spec.table);
      await copyTable(client, spec, dataset);
      for (const def of indexDefs) await client.query(def);
      tables.push({ table: `${SCHEMA}.${spec.table}`, layerId: layerIdOf(spec.table), rows: spec.count(dataset), ms: Math.round(performance.now() - t0) });
    }
    for (const spec of SAMPLE_TABLES.filter((t) => t.versioned)) {
      const name = qualified(spec.table);
      await client.query(`SELECT setval(pg_get_serial_sequence($1, 'fid'), GREATEST((SELECT max(fid) FROM ${name}), 1))`, [`${SCHEMA}.${spec.table}`]);
    }
    for (const t of tables)
      await client.query('INSERT INTO catalog.dataset_loads (layer_id, source, row_count) VALUES ($1, $2, $3)', [t.layerId, source, t.rows]);
    // Underground pipe networks along the streets just loaded (issue #8).
    await loadPipeSample(client, dataset);
    await client.query(`ANALYZE ${SAMPLE_TABLES.map((t) => qualified(t.table)).join(', ')}`);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
  return { source, tables, totalMs: Math.round(performance.now() - started) };
}

/** True when the sample (or any data) is present: `base.districts` has rows. */
export async function sampleIsLoaded(client: pg.ClientBase): Promise<boolean> {
  const { rows } = await client.query<{ loaded: boolean }>(`SELECT EXISTS (SELECT 1 FROM ${qualified('districts')}) AS loaded`);
  return rows[0]?.loaded === true;
}
