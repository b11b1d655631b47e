/** Boot-time checks: configuration and catalogue-vs-schema problems stop the server, all listed. */
import pg from 'pg';
import { describe, expect, it, inject } from 'vitest';
import { catalog } from '@onemap/geodata/catalog';
import { migrate, projectMigrations } from '@onemap/migrations';
import { ConfigError, loadConfig, redactUrl } from '../src/config.ts';
import { createPool } from '../src/db.ts';
import { CatalogSchemaError, compilePlans } from '../src/services/layer-plans.ts';
import { createTestDatabase } from '../../scripts/test/test-db.ts';

describe('configuration', () => {
  it('is typed, defaulted and frozen', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://u:secret@h/db', PORT: '9000' });
    expect(c.port).toBe(9000);
    expect(c.publicBaseUrl).toBe('http://127.0.0.1:9000');
    expect(c.poolMax).toBeGreaterThan(0);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('lists every problem at once', () => {
    try {
      loadConfig({ PORT: 'eighty', PG_POOL_MAX: '0', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      for (const key of ['DATABASE_URL', 'PORT', 'PG_POOL_MAX', 'LOG_LEVEL']) expect(problems).toContain(key);
    }
  });

  it('never prints a password', () => {
    expect(redactUrl('postgres://onemap:s3cret@db:5432/x')).not.toContain('s3cret');
  });
});

describe('catalogue against the live schema', () => {
  it('refuses to boot on a schema that disagrees, naming every problem', async () => {
    const db = await createTestDatabase(inject('adminUrl'), undefined, 'onemap_boot');
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const pool = createPool({ databaseUrl: db.url, poolMax: 2, statementTimeoutMs: 5000 });
    try {
      await migrate(client, projectMigrations());
      await expect(compilePlans(pool, catalog)).resolves.toBeDefined();
      await client.query('ALTER TABLE base.buildings DROP COLUMN floors');
      await client.query('ALTER TABLE base.rivers RENAME TO rivers_old');
      const err = await compilePlans(pool, catalog).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CatalogSchemaError);
      const paths = (err as CatalogSchemaError).problems.map((p) => p.path);
      expect(paths).toEqual(expect.arrayContaining(['layers.buildings.properties[2]', 'layers.rivers.table']));
    } finally {
      await pool.end();
      await client.end();
      await db.drop();
    }
  });
});
