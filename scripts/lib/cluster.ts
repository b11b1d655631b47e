/**
 * The embedded PostgreSQL + PostGIS cluster that onemap owns when no DATABASE_URL is given:
 * its own data folder and port, created on first use and reused afterwards.
 *
 * PostgreSQL refuses to run as root, so as root the cluster runs as the Debian `postgres`
 * user. That user must be able to reach the data folder; when the checkout sits under a
 * private folder (mktemp -d makes 0700 folders) the cluster goes to /var/lib/onemap/<hash>
 * instead, and a note in the data folder says where.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface ClusterOptions {
  /** Folder that holds the cluster (created if missing). */
  readonly dir: string;
  readonly port: number;
  /**
   * When the port is taken by another server, try the next ones (test clusters: any free port
   * will do; the platform's own cluster keeps its configured port and fails clearly instead).
   */
  readonly anyFreePort?: boolean;
}

export interface Cluster {
  /** Superuser URL for the `postgres` maintenance database. */
  readonly adminUrl: string;
  readonly dataDir: string;
  readonly port: number;
  urlFor(database: string): string;
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Highest installed PostgreSQL major version that also has PostGIS installed. */
export function findPgBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a))
    : [];
  for (const v of versions) {
    if (existsSync(`/usr/share/postgresql/${v}/extension/postgis.control`) && existsSync(join(root, v, 'bin', 'pg_ctl')))
      return join(root, v, 'bin');
  }
  throw new Error('PostgreSQL with PostGIS not found under /usr/lib/postgresql (run scripts/ensure-system.sh)');
}

function asOwner(bin: string, args: string[], opts: { allowFail?: boolean } = {}): { status: number; out: string } {
  const [cmd, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  // cwd '/': the postgres user may not be allowed into the caller's working directory.
  const r = spawnSync(cmd, argv, { encoding: 'utf8', cwd: '/' });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0 && !opts.allowFail) throw new Error(`${bin} ${args.join(' ')} failed (${r.status}):\n${out}`);
  return { status: r.status ?? 1, out };
}

function postgresCanReach(dir: string): boolean {
  if (!isRoot) return true;
  return spawnSync('runuser', ['-u', 'postgres', '--', 'test', '-w', dir], { cwd: '/' }).status === 0;
}

/** Resolves where the cluster's files live, creating the folder with the right owner. */
function resolveDataDir(dir: string): string {
  const wanted = resolve(dir);
  mkdirSync(wanted, { recursive: true });
  if (isRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(wanted, uid, gid);
    if (!postgresCanReach(wanted)) {
      const hash = createHash('sha1').update(wanted).digest('hex').slice(0, 12);
      const fallback = `/var/lib/onemap/${hash}`;
      mkdirSync('/var/lib/onemap', { recursive: true, mode: 0o755 });
      chmodSync('/var/lib/onemap', 0o755);
      mkdirSync(fallback, { recursive: true, mode: 0o700 });
      chownSync(fallback, uid, gid);
      writeFileSync(join(wanted, 'WHERE.txt'), `The postgres user cannot reach this folder; the cluster lives in ${fallback}\n`);
      return fallback;
    }
  }
  return wanted;
}

/** Creates the cluster if needed, starts it if it is not running, and returns its URLs. */
export function ensureCluster(options: ClusterOptions): Cluster {
  const bin = findPgBinDir();
  const dataDir = resolveDataDir(options.dir);
  const pgdata = join(dataDir, 'pgdata');
  if (!existsSync(join(pgdata, 'PG_VERSION'))) {
    asOwner(join(bin, 'initdb'), ['-D', pgdata, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync']);
    // Tuned for a 2-core development machine; the cluster only listens on loopback.
    writeFileSync(
      join(pgdata, 'postgresql.auto.conf'),
      [
        `listen_addresses = '127.0.0.1'`,
        `unix_socket_directories = ''`,
        `shared_buffers = '512MB'`,
        `work_mem = '32MB'`,
        `maintenance_work_mem = '512MB'`,
        `max_connections = 200`,
        `fsync = on`,
        `synchronous_commit = off`,
        `max_wal_size = '2GB'`,
        `jit = off`,
        `logging_collector = off`,
        '',
      ].join('\n'),
    );
    if (isRoot) spawnSync('chown', ['postgres:postgres', join(pgdata, 'postgresql.auto.conf')]);
  }
  const status = asOwner(join(bin, 'pg_ctl'), ['status', '-D', pgdata], { allowFail: true });
  let port = options.port;
  if (status.status === 0) {
    // Already running (an earlier run left it up): use the port it listens on.
    const pid = readFileSync(join(pgdata, 'postmaster.pid'), 'utf8').split('\n');
    port = Number(pid[3]) || port;
  } else {
    const log = join(dataDir, 'postgres.log');
    for (let attempt = 0; ; attempt++) {
      try {
        asOwner(join(bin, 'pg_ctl'), ['start', '-w', '-t', '60', '-D', pgdata, '-l', log, '-o', `-p ${port}`]);
        break;
      } catch (err) {
        // The server's own log says why (most often: the port is taken by another cluster).
        const tail = existsSync(log) ? readFileSync(log, 'utf8').split('\n').slice(-8).join('\n') : '';
        if (options.anyFreePort && attempt < 20 && tail.includes('Address already in use')) {
          port++;
          continue;
        }
        throw new Error(`${(err as Error).message}\n--- ${log} ---\n${tail}`, { cause: err });
      }
    }
  }
  const urlFor = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return { adminUrl: urlFor('postgres'), dataDir, port, urlFor };
}

/** Stops the cluster (fast shutdown: in-flight transactions are rolled back, nothing acknowledged is lost). */
export function stopCluster(options: ClusterOptions): void {
  const bin = findPgBinDir();
  const dataDir = resolveDataDir(options.dir);
  asOwner(join(bin, 'pg_ctl'), ['stop', '-m', 'fast', '-D', join(dataDir, 'pgdata')], { allowFail: true });
}
