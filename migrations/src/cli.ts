/** `tsx migrations/src/cli.ts <database-url>`: applies pending migrations and lists them. */
import pg from 'pg';
import { migrate, projectMigrations } from './index.ts';

const url = process.argv[2] ?? process.env['DATABASE_URL'];
if (!url) {
  console.error('usage: migrate <database-url> (or DATABASE_URL)');
  process.exit(2);
}
const client = new pg.Client({ connectionString: url });
await client.connect();
try {
  const report = await migrate(client, projectMigrations());
  console.log(report.applied.length ? `applied: ${report.applied.join(', ')}` : `schema current (${report.alreadyApplied} migrations)`);
} finally {
  await client.end();
}
