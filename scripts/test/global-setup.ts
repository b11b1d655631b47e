/**
 * Vitest global setup: the test cluster and the template database. Fails loudly (never skips)
 * when PostgreSQL/PostGIS cannot be started: a test run without its database is a failed run.
 */
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { migrate, projectMigrations } from '@onemap/migrations';
import { generateSample } from '@onemap/geodata/sample';
import { loadCitySample, loadPlanningSample, loadSample, loadWaterSample } from '@onemap/geodata/load';
import { ensureCluster } from '../lib/cluster.ts';
import { createTestDatabase, withAdmin } from './test-db.ts';

import './provided.d.ts';

export default async function setup(project: TestProject) {
  const port = Number(process.env['ONEMAP_TEST_PG_PORT'] ?? 54339);
  const cluster = ensureCluster({ dir: process.env['ONEMAP_TEST_DATA_DIR'] ?? '.test-data/pg', port, anyFreePort: true });
  // Leftovers of an interrupted earlier run.
  await withAdmin(cluster.adminUrl, async (c) => {
    const { rows } = await c.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'onemap\\_%'`);
    for (const r of rows) await c.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`);
  });
  const started = performance.now();
  const template = await createTestDatabase(cluster.adminUrl, undefined, 'onemap_tpl');
  const client = new pg.Client({ connectionString: template.url });
  await client.connect();
  try {
    await migrate(client, projectMigrations());
    const dataset = generateSample({});
    await loadSample(client, dataset);
    await loadWaterSample(client);
    await loadPlanningSample(client);
    await loadCitySample(client);
  } finally {
    await client.end();
  }
  console.log(`[global-setup] template ${template.name}: migrations + full Taizhou sample in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  process.env['ONEMAP_TEST_ADMIN_URL'] = cluster.adminUrl;
  project.provide('adminUrl', cluster.adminUrl);
  project.provide('templateDb', template.name);
  return async () => {
    await template.drop();
  };
}
