/** What the figures were measured on, saved with them (figures only compare within one run). */
import { execFileSync } from 'node:child_process';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { createServer } from 'node:net';
import pg from 'pg';

function tryRun(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 }).trim();
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    // wrk -v exits 1 after printing its version.
    return `${e.stdout ?? ''}${e.stderr ?? ''}`.trim() || 'unavailable';
  }
}

export async function describeEnvironment(databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const versions = await client
    .query<{ pg: string; postgis: string }>(`SELECT current_setting('server_version') AS pg, postgis_full_version() AS postgis`)
    .finally(() => client.end());
  return {
    host: { cores: cpus().length, cpu: cpus()[0]?.model, memGiB: +(totalmem() / 2 ** 30).toFixed(1), freeGiB: +(freemem() / 2 ** 30).toFixed(1), loadavgAtStart: loadavg() },
    node: process.version,
    postgres: versions.rows[0]?.pg,
    postgis: versions.rows[0]?.postgis,
    mapserver: tryRun('mapserv', ['-v']).split('\n')[0],
    lighttpd: tryRun('lighttpd', ['-v']).split('\n')[0],
    wrk: tryRun('wrk', ['-v']).split('\n')[0],
    pgbench: tryRun('pgbench', ['--version']),
    // Read-only git: which code was measured (and whether the tree had uncommitted edits).
    git: { commit: tryRun('git', ['rev-parse', 'HEAD']), dirty: tryRun('git', ['status', '--porcelain']).length > 0 },
  };
}

/** Fails early when a port is taken: a readiness probe would otherwise talk to a stranger. */
export function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', () => reject(new Error(`port ${port} on 127.0.0.1 is in use (choose another with --http-port)`)));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve()));
  });
}
