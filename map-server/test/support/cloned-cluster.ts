/**
 * A second PostgreSQL cluster made from the test cluster with `pg_basebackup`: either a
 * streaming replica (`-R`, hot standby following the test cluster) or an independent copy that a
 * test may restart or stop without disturbing the other suites sharing the test cluster.
 * As root, PostgreSQL programs run as the Debian `postgres` user (as scripts/lib/cluster.ts does).
 */
import { execFile, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { findPgBinDir } from '../../../scripts/lib/cluster.ts';

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function run(bin: string, args: string[], allowFail = false): string {
  const [cmd, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  const r = spawnSync(cmd, argv, { encoding: 'utf8', cwd: '/' });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0 && !allowFail) throw new Error(`${bin} ${args.join(' ')} failed (${r.status}):\n${out}`);
  return out;
}

/** Asynchronous twin of run(): the test process also hosts the server, which must keep answering. */
function runAsync(bin: string, args: string[], allowFail = false): Promise<string> {
  const [cmd, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  return new Promise((resolve, reject) => {
    execFile(cmd, argv, { encoding: 'utf8', cwd: '/' }, (err, stdout, stderr) => {
      if (err && !allowFail) reject(new Error(`${bin} ${args.join(' ')} failed:\n${stdout}${stderr}`));
      else resolve(`${stdout}${stderr}`);
    });
  });
}

export interface ClonedCluster {
  readonly port: number;
  readonly dataDir: string;
  urlFor(database: string): string;
  /** `pg_ctl restart -m fast`: in-flight transactions roll back, acknowledged commits survive. */
  restart(): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the cluster and deletes its folder. */
  remove(): void;
  logTail(): string;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Copies the cluster behind `adminUrl` (which must allow replication connections: initdb's
 * default pg_hba does on loopback) and starts the copy on a free port.
 */
export async function cloneCluster(adminUrl: string, options: { standby: boolean; settings?: readonly string[] }): Promise<ClonedCluster> {
  const bin = findPgBinDir();
  const source = new URL(adminUrl);
  const dir = mkdtempSync(join(tmpdir(), options.standby ? 'onemap-replica-' : 'onemap-clone-'));
  if (isRoot) {
    const id = (flag: string) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim());
    chownSync(dir, id('-u'), id('-g'));
  }
  const pgdata = join(dir, 'pgdata');
  const log = join(dir, 'postgres.log');
  // A physical slot reserved before the backup starts: the source cluster is busy with other
  // suites, and pg_basebackup's own temporary slot is created only after the backup began, so
  // the WAL it needs could be recycled in between ("requested WAL segment has already been
  // removed"). A standby keeps the slot (-R writes primary_slot_name) until it is removed.
  const slot = `onemap_clone_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const psql = (sql: string) => run(join(bin, 'psql'), ['-h', source.hostname, '-p', source.port, '-U', 'postgres', '-d', 'postgres', '-XAtq', '-c', sql], true);
  const dropSlot = () => psql(`SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '${slot}' AND NOT active`);
  run(join(bin, 'psql'), ['-h', source.hostname, '-p', source.port, '-U', 'postgres', '-d', 'postgres', '-XAtq', '-c', `SELECT pg_create_physical_replication_slot('${slot}', true)`]);
  try {
    run(join(bin, 'pg_basebackup'), ['-h', source.hostname, '-p', source.port, '-U', 'postgres', '-D', pgdata, '-X', 'stream', '-S', slot, '-c', 'fast', '--no-sync', ...(options.standby ? ['-R'] : [])]);
  } catch (err) {
    dropSlot();
    throw err;
  }
  if (!options.standby) dropSlot();
  const port = await freePort();
  // Small memory: this copy lives for one test file on a shared machine. (max_connections stays
  // as copied: a hot standby refuses to start with fewer than its primary.)
  const opts = [`-p ${port} -c shared_buffers=128MB -c hot_standby=on -c hot_standby_feedback=on`, ...(options.settings ?? []).map((s) => `-c ${s}`)].join(' ');
  const startArgs = ['start', '-w', '-t', '120', '-D', pgdata, '-l', log, '-o', opts];
  try {
    run(join(bin, 'pg_ctl'), startArgs);
  } catch (err) {
    const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-15).join('\n') : '';
    throw new Error(`${(err as Error).message}\n--- ${log} ---\n${tail}`, { cause: err });
  }
  const cluster: ClonedCluster = {
    port,
    dataDir: pgdata,
    urlFor: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    restart: async () => void (await runAsync(join(bin, 'pg_ctl'), ['restart', '-m', 'fast', '-w', '-t', '120', '-D', pgdata, '-l', log, '-o', opts])),
    stop: async () => void (await runAsync(join(bin, 'pg_ctl'), ['stop', '-m', 'fast', '-w', '-D', pgdata])),
    start: async () => void (await runAsync(join(bin, 'pg_ctl'), startArgs)),
    remove: () => {
      run(join(bin, 'pg_ctl'), ['stop', '-m', 'immediate', '-w', '-D', pgdata], true);
      if (options.standby) dropSlot();
      rmSync(dir, { recursive: true, force: true });
    },
    logTail: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-20).join('\n') : ''),
  };
  return cluster;
}

/** Polls until `sql` answers truthy on `url` (a replica catching up, a cluster coming back). */
export async function waitFor(url: string, sql: string, params: unknown[] = [], attempts = 300): Promise<void> {
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
    try {
      await c.connect();
      const { rows } = await c.query<{ ok: boolean }>(sql, params);
      if (rows[0]?.ok) return;
    } catch (err) {
      last = err;
    } finally {
      await c.end().catch(() => {});
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${sql} never held on ${url}: ${String(last)}`);
}
