import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it, inject } from 'vitest';
import { migrate, migrationsCurrent, MigrationError, projectMigrations, readMigrations } from '../src/index.ts';
import { createTestDatabase, type TestDatabase } from '../../scripts/test/test-db.ts';

let db: TestDatabase;
let client: pg.Client;

beforeEach(async () => {
  db = await createTestDatabase(inject('adminUrl'), undefined, 'onemap_mig');
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
});
afterEach(async () => {
  await client.end();
  await db.drop();
});

function folder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'onemap-mig-'));
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  return dir;
}

describe('migration runner', () => {
  it('applies the project migrations once, then finds the schema current', async () => {
    const files = projectMigrations();
    const first = await migrate(client, files);
    expect(first.applied.length).toBe(files.length);
    const second = await migrate(client, files);
    expect(second.applied).toEqual([]);
    expect(await migrationsCurrent(client, files)).toBe(true);
    const { rows } = await client.query(`SELECT postgis_version() AS v`);
    expect(rows[0].v).toMatch(/^3\./);
    // Versioned tables refuse overlapping versions of one feature.
    await client.query(`INSERT INTO base.roads (fid, valid, class, lanes, geom) VALUES (1, tstzrange('2020-01-01', NULL), 'branch', 2, ST_GeomFromText('MULTILINESTRING((121 28, 121.1 28.1))', 4490))`);
    await expect(
      client.query(`INSERT INTO base.roads (fid, valid, class, lanes, geom) VALUES (1, tstzrange('2021-01-01', NULL), 'branch', 2, ST_GeomFromText('MULTILINESTRING((121 28, 121.1 28.1))', 4490))`),
    ).rejects.toThrow(/roads_versions_disjoint/);
    const g = await client.query(`SELECT ST_SRID(geom_3857) AS srid FROM base.roads`);
    expect(g.rows[0].srid).toBe(3857);
  });

  it('refuses a migration file edited after it was applied', async () => {
    const dir = folder({ '0001_a.sql': 'CREATE TABLE t1 (id int);' });
    await migrate(client, readMigrations(dir));
    writeFileSync(join(dir, '0001_a.sql'), 'CREATE TABLE t1 (id bigint);');
    await expect(migrate(client, readMigrations(dir))).rejects.toThrow(/edited after it was applied/);
    expect(await migrationsCurrent(client, readMigrations(dir))).toBe(false);
  });

  it('rolls back a failing file completely and records nothing for it', async () => {
    const dir = folder({ '0001_a.sql': 'CREATE TABLE t1 (id int);', '0002_b.sql': 'CREATE TABLE t2 (id int); SELECT 1/0;' });
    await expect(migrate(client, readMigrations(dir))).rejects.toBeInstanceOf(MigrationError);
    const { rows } = await client.query(`SELECT to_regclass('public.t1') AS t1, to_regclass('public.t2') AS t2`);
    expect(rows[0]).toEqual({ t1: 't1', t2: null });
    const ledger = await client.query('SELECT version FROM catalog.schema_migrations');
    expect(ledger.rows.map((r) => r.version)).toEqual([1]);
  });

  it('rejects duplicate numbers and badly named files', () => {
    expect(() => readMigrations(folder({ '0001_a.sql': '', '0001_b.sql': '' }))).toThrow(/two migrations are numbered 1/);
    expect(() => readMigrations(folder({ '1_a.sql': '' }))).toThrow(/0001_name/);
  });

  it('allows gaps between themes but refuses a file numbered below the latest applied', async () => {
    const dir = folder({ '0001_a.sql': 'CREATE TABLE t1 (id int);', '0010_b.sql': 'CREATE TABLE t10 (id int);' });
    expect((await migrate(client, readMigrations(dir))).applied).toEqual(['0001_a', '0010_b']);
    writeFileSync(join(dir, '0005_late.sql'), 'CREATE TABLE t5 (id int);');
    await expect(migrate(client, readMigrations(dir))).rejects.toThrow(/numbered below the latest applied/);
    const { rows } = await client.query(`SELECT to_regclass('public.t5') AS t5`);
    expect(rows[0].t5).toBeNull();
  });
});
