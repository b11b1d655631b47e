/**
 * Migration runner: numbered, append-only SQL files applied in order, one transaction per
 * file, recorded in a ledger with a checksum. An applied file whose text changed is refused:
 * the fix for a wrong migration is a new migration, never an edit.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientBase } from 'pg';

export interface MigrationFile {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
  readonly checksum: string;
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** Reads and orders the migration files of a folder; rejects gaps, duplicates and stray names. */
export function readMigrations(dir: string): MigrationFile[] {
  const files: MigrationFile[] = [];
  for (const entry of readdirSync(dir).sort()) {
    if (!entry.endsWith('.sql')) continue;
    const m = FILE_PATTERN.exec(entry);
    if (!m) throw new MigrationError(`migration file name must look like 0001_name.sql: ${entry}`);
    const sql = readFileSync(join(dir, entry), 'utf8');
    files.push({ version: Number(m[1]), name: m[2]!, sql, checksum: createHash('sha256').update(sql).digest('hex') });
  }
  // Numbers leave room between themes (e.g. 0010–0019 hydrology) so work on several themes can
  // proceed at once; what matters is that they are unique and only ever appended.
  files.forEach((f, i) => {
    if (i > 0 && f.version === files[i - 1]!.version) throw new MigrationError(`two migrations are numbered ${f.version}`);
  });
  return files;
}

export interface MigrationReport {
  readonly applied: readonly string[];
  readonly alreadyApplied: number;
}

/**
 * Applies pending migrations. Holds an advisory lock so two processes starting at once do not
 * race; verifies every applied file's checksum before applying anything.
 */
export async function migrate(client: ClientBase, files: readonly MigrationFile[]): Promise<MigrationReport> {
  await client.query('SELECT pg_advisory_lock(727100001)');
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS catalog`);
    await client.query(`CREATE TABLE IF NOT EXISTS catalog.schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      checksum text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const { rows } = await client.query<{ version: number; name: string; checksum: string }>(
      'SELECT version, name, checksum FROM catalog.schema_migrations ORDER BY version',
    );
    const known = new Map(rows.map((r) => [r.version, r]));
    const problems: string[] = [];
    for (const row of rows) {
      const file = files.find((f) => f.version === row.version);
      if (!file) problems.push(`migration ${row.version} (${row.name}) is applied but its file is missing`);
      else if (file.checksum !== row.checksum) problems.push(`migration ${file.version}_${file.name}.sql was edited after it was applied (checksum differs); add a new migration instead`);
    }
    const latest = rows.length ? rows[rows.length - 1]!.version : 0;
    for (const file of files) {
      if (!known.has(file.version) && file.version < latest)
        problems.push(`migration ${file.version}_${file.name}.sql is numbered below the latest applied (${latest}); migrations are append-only, renumber it above ${latest}`);
    }
    if (problems.length) throw new MigrationError(problems.join('\n'));
    const applied: string[] = [];
    for (const file of files) {
      if (known.has(file.version)) continue;
      await client.query('BEGIN');
      try {
        await client.query(file.sql);
        await client.query('INSERT INTO catalog.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
          file.version,
          file.name,
          file.checksum,
        ]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new MigrationError(`migration ${file.version}_${file.name}.sql failed: ${(err as Error).message}`);
      }
      applied.push(`${String(file.version).padStart(4, '0')}_${file.name}`);
    }
    return { applied, alreadyApplied: rows.length };
  } finally {
    await client.query('SELECT pg_advisory_unlock(727100001)');
  }
}

/** True when every migration file is applied with a matching checksum (for /ready). */
export async function migrationsCurrent(client: ClientBase, files: readonly MigrationFile[]): Promise<boolean> {
  try {
    const { rows } = await client.query<{ version: number; checksum: string }>('SELECT version, checksum FROM catalog.schema_migrations');
    const byVersion = new Map(rows.map((r) => [r.version, r.checksum]));
    return files.every((f) => byVersion.get(f.version) === f.checksum) && rows.length === files.length;
  } catch {
    return false;
  }
}
