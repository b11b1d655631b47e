import { fileURLToPath } from 'node:url';
import { readMigrations } from './runner.ts';

export { migrate, migrationsCurrent, readMigrations, MigrationError, type MigrationFile, type MigrationReport } from './runner.ts';

/** The folder holding this project's numbered SQL migrations. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../sql/', import.meta.url));

/** This project's migrations, read and checked for numbering. */
export function projectMigrations() {
  return readMigrations(MIGRATIONS_DIR);
}
