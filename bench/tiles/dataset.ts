/**
 * The benchmark's own cluster and database: a dedicated embedded cluster (never the platform's
 * or the tests'), migrated with the project's migrations, holding a fixed dataset in
 * `base.buildings` so our server, the raw SQL and MapServer all read the same table.
 */
import { join } from 'node:path';
import pg from 'pg';
import { migrate, projectMigrations } from '@onemap/migrations';
import { ensureCluster } from '../../scripts/lib/cluster.ts';
import { generateSynthetic, SYNTHETIC_COUNT, SYNTHETIC_VERSION } from './synthetic.ts';

export interface Dataset {
  readonly name: 'synthetic' | 'sample';
  readonly databaseUrl: string;
  readonly database: string;
  readonly port: number;
  /** The cluster's pgdata folder (postmaster.pid is read for CPU accounting). */
  readonly pgdata: string;
  /** Current buildings in the table. */
  readonly buildings: number;
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: 'onemap-bench' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function marker(client: pg.Client): Promise<string | undefined> {
  await client.query('CREATE TABLE IF NOT EXISTS public.bench_dataset (id int PRIMARY KEY, fingerprint text NOT NULL)');
  const { rows } = await client.query<{ fingerprint: string }>('SELECT fingerprint FROM public.bench_dataset WHERE id = 1');
  return rows[0]?.fingerprint;
}

async function loadSynthetic(client: pg.Client): Promise<void> {
  const c = generateSynthetic();
  await client.query('BEGIN');
  await client.query('TRUNCATE base.buildings');
  // One statement, not batches: the table's statement-level triggers (change capture, the
  // z10–z12 overview rebuild) then run once instead of once per batch.
  await client.query(
    `INSERT INTO base.buildings (valid, name, use, floors, height_m, year_built, district_adcode, changed_by, geom)
     SELECT tstzrange('2020-01-01 00:00+08', NULL), NULL, u, f, h, y, a, 'bench',
            ST_Multi(ST_MakeEnvelope(w, s, e, n, 4490))
       FROM unnest($1::float8[], $2::float8[], $3::float8[], $4::float8[], $5::text[], $6::int[], $7::float8[], $8::int[], $9::text[])
         AS r(w, s, e, n, u, f, h, y, a)`,
    [c.west, c.south, c.east, c.north, c.use, c.floors, c.heightM, c.yearBuilt, c.adcode],
  );
  if (c.west.length !== SYNTHETIC_COUNT) throw new Error('synthetic generator returned the wrong count');
  await client.query(`INSERT INTO public.bench_dataset VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET fingerprint = EXCLUDED.fingerprint`, [SYNTHETIC_VERSION]);
  await client.query('COMMIT');
}

/** The Taizhou sample through the geodata package, when that package provides it. */
async function loadSampleData(client: pg.Client): Promise<void> {
  let load: { sampleIsLoaded(c: pg.Client): Promise<boolean>; loadSample(c: pg.Client, s: unknown): Promise<unknown> };
  let sample: { generateSample(o: object): unknown };
  // Specifiers in variables: these entry points are being written and may not exist yet, so
  // they must not be resolved when the benchmark is type-checked.
  const [loadEntry, sampleEntry] = ['@onemap/geodata/load', '@onemap/geodata/sample'];
  try {
    load = (await import(loadEntry)) as typeof load;
    sample = (await import(sampleEntry)) as typeof sample;
  } catch (err) {
    throw new Error(`--dataset sample needs @onemap/geodata/sample (generateSample) and @onemap/geodata/load (loadSample): ${(err as Error).message}`, { cause: err });
  }
  if (await load.sampleIsLoaded(client)) return;
  await load.loadSample(client, sample.generateSample({}));
  await client.query(`INSERT INTO public.bench_dataset VALUES (1, 'sample') ON CONFLICT (id) DO UPDATE SET fingerprint = EXCLUDED.fingerprint`);
}

export async function prepareDataset(opts: { dataset: 'synthetic' | 'sample'; pgDir: string; pgPort: number; reload: boolean }): Promise<Dataset> {
  const cluster = ensureCluster({ dir: opts.pgDir, port: opts.pgPort });
  const database = opts.dataset === 'synthetic' ? 'onemap_bench' : 'onemap_bench_sample';
  await withClient(cluster.adminUrl, async (admin) => {
    const exists = (await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount;
    if (exists && opts.reload) await admin.query(`DROP DATABASE ${database} WITH (FORCE)`);
    if (!exists || opts.reload) await admin.query(`CREATE DATABASE ${database}`);
  });
  const databaseUrl = cluster.urlFor(database);
  const buildings = await withClient(databaseUrl, async (client) => {
    await migrate(client, projectMigrations());
    const want = opts.dataset === 'synthetic' ? SYNTHETIC_VERSION : 'sample';
    if ((await marker(client)) !== want) {
      const t0 = performance.now();
      console.log(`[bench] loading the ${opts.dataset} dataset into ${database} …`);
      if (opts.dataset === 'synthetic') await loadSynthetic(client);
      else await loadSampleData(client);
      // Fresh statistics and visibility map: the planner must see the partial GiST index as
      // the cheap path, and index-only heap checks must not dominate the first runs.
      await client.query('VACUUM (ANALYZE)');
      await client.query('CHECKPOINT');
      console.log(`[bench] dataset loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
    const { rows } = await client.query<{ n: string }>('SELECT count(*) AS n FROM base.buildings WHERE upper_inf(valid)');
    return Number(rows[0]!.n);
  });
  return { name: opts.dataset, databaseUrl, database, port: opts.pgPort, pgdata: join(cluster.dataDir, 'pgdata'), buildings };
}
