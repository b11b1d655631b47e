/** The load benchmarks' own cluster and database: migrations and the full Taizhou sample, loaded once and reused. */
import pg from 'pg';
import { migrate, migrationsCurrent, projectMigrations } from '@onemap/migrations';
import { generateSample } from '@onemap/geodata/sample';
import { loadSample, loadWaterSample } from '@onemap/geodata/load';
import { ensureCluster } from '../../scripts/lib/cluster.ts';

const DB = 'onemap_load';

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Returns the URL of a database with the current migrations and the sample; (re)builds it when it is not. */
export async function prepareDatabase(pgDir: string, pgPort: number): Promise<string> {
  const cluster = ensureCluster({ dir: pgDir, port: pgPort, anyFreePort: true });
  const url = cluster.urlFor(DB);
  const migrations = projectMigrations();
  const exists = await withClient(cluster.adminUrl, async (a) => (await a.query('SELECT 1 FROM pg_database WHERE datname = $1', [DB])).rowCount === 1);
  const ready =
    exists &&
    (await withClient(url, async (c) => {
      if (!(await migrationsCurrent(c, migrations))) return false;
      const marker = await c.query(`SELECT to_regclass('bench.load_ready') IS NOT NULL AS ok`);
      return marker.rows[0].ok === true;
    }));
  if (ready) return url;
  console.log('[load] building the database: migrations and the Taizhou sample (≈ 2–3 min, once)…');
  await withClient(cluster.adminUrl, async (a) => {
    await a.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
    await a.query(`CREATE DATABASE ${DB}`);
  });
  await withClient(url, async (c) => {
    await migrate(c, migrations);
    await loadSample(c, generateSample({}));
    await loadWaterSample(c);
    // Marks a complete load (an interrupted one is rebuilt next time).
    await c.query('CREATE SCHEMA IF NOT EXISTS bench; CREATE TABLE bench.load_ready (at timestamptz DEFAULT now())');
  });
  return url;
}
