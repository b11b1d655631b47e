/**
 * The platform's run command after the system check: database (embedded or DATABASE_URL),
 * migrations, sample data when empty, then the server in this process.
 * Environment: PORT, DATABASE_URL, ONEMAP_DATA_DIR (embedded cluster folder, default .data),
 * ONEMAP_PG_PORT (embedded cluster port, default 54329), PUBLIC_BASE_URL.
 */
import { resolve } from 'node:path';
import pg from 'pg';
import { migrate, projectMigrations } from '@onemap/migrations';
import { ensureCluster } from './lib/cluster.ts';

const env = process.env;
let databaseUrl = env['DATABASE_URL'];
if (!databaseUrl) {
  const dir = `${env['ONEMAP_DATA_DIR'] ?? '.data'}/pg`;
  const cluster = ensureCluster({ dir, port: Number(env['ONEMAP_PG_PORT'] ?? 54329) });
  const admin = new pg.Client({ connectionString: cluster.adminUrl });
  await admin.connect();
  const { rowCount } = await admin.query(`SELECT 1 FROM pg_database WHERE datname = 'onemap'`);
  if (!rowCount) await admin.query('CREATE DATABASE onemap');
  await admin.end();
  databaseUrl = cluster.urlFor('onemap');
  console.log(`[onemap] embedded PostgreSQL + PostGIS in ${cluster.dataDir} on port ${cluster.port}`);
}

const client = new pg.Client({ connectionString: databaseUrl });
await client.connect();
try {
  const report = await migrate(client, projectMigrations());
  if (report.applied.length) console.log(`[onemap] migrations applied: ${report.applied.join(', ')}`);
  const { sampleIsLoaded, loadSample } = await import('@onemap/geodata/load');
  if (!(await sampleIsLoaded(client))) {
    const { generateSample } = await import('@onemap/geodata/sample');
    const t0 = performance.now();
    console.log('[onemap] generating and loading the Taizhou sample data …');
    await loadSample(client, generateSample({}));
    console.log(`[onemap] sample data loaded in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
  const { waterSampleIsLoaded, loadWaterSample } = await import('@onemap/geodata/load');
  if (!(await waterSampleIsLoaded(client))) {
    const water = await loadWaterSample(client);
    console.log(`[onemap] hydrology sample loaded: ${water.stations} stations, ${water.observations} observations in ${(water.totalMs / 1000).toFixed(1)} s`);
  }
  const { planningSampleIsLoaded, loadPlanningSample } = await import('@onemap/geodata/load');
  if (!(await planningSampleIsLoaded(client))) {
    const plan = await loadPlanningSample(client);
    console.log(`[onemap] planning sample loaded: ${plan.parcels} parcel versions, ${plan.ecoRedline + plan.basicFarmland + plan.urbanBoundary} 三区三线 patches in ${(plan.totalMs / 1000).toFixed(1)} s`);
  }
  const { citySampleIsLoaded, loadCitySample } = await import('@onemap/geodata/load');
  if (!(await citySampleIsLoaded(client))) {
    const city = await loadCitySample(client);
    console.log(`[onemap] city-management sample loaded: ${city.grids} grids, ${city.components} components, ${city.cases} cases, ${city.fixes} vehicle fixes in ${(city.totalMs / 1000).toFixed(1)} s`);
  }
} finally {
  await client.end();
}

// Sample imagery (GF-2 core on three dates, Landsat city-wide on two), generated from the
// sample geography into the data folder once; the server reads the COGs from there.
env['ONEMAP_IMAGERY_DIR'] ??= `${env['ONEMAP_DATA_DIR'] ?? '.data'}/imagery`;
{
  const { createPool } = await import('../map-server/src/db.ts');
  const { loadSampleImagery, sampleImageryIsLoaded } = await import('./lib/imagery-cli.ts');
  const pool = createPool({ databaseUrl, poolMax: 2, statementTimeoutMs: 120_000 }, 'onemap-start');
  try {
    if (!(await sampleImageryIsLoaded(pool))) {
      const t0 = performance.now();
      console.log('[onemap] generating the sample imagery (GF-2 core, Landsat city-wide) …');
      const n = await loadSampleImagery(pool, databaseUrl, resolve(env['ONEMAP_IMAGERY_DIR']), { log: (s) => console.log(`[onemap]   ${s}`) });
      console.log(`[onemap] ${n} sample scenes registered in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    }
  } finally {
    await pool.end();
  }
}

// Demo accounts (one per role) for the embedded sample platform only: random password, shown once.
if (!env['DATABASE_URL']) {
  const { ensureDemoUsers } = await import('./lib/demo-users.ts');
  const file = await ensureDemoUsers(databaseUrl, env['ONEMAP_DATA_DIR'] ?? '.data');
  if (file) console.log(`[onemap] demo accounts (admin, zj_staff, zj_editor, sl_staff) and their password: ${file}`);
}

process.env['DATABASE_URL'] = databaseUrl;
await import('../map-server/src/main.ts');
