/**
 * `npm run bench:observations [-- --quick]`: hydrology observations at scale (issue #7 §8).
 *
 * 1,000 stations (600 rain gauges PP/DRP, 400 river stations ZZ/Z with 警戒/保证 levels) ×
 * 5-minute data over a year (105.1 M observations; `--quick`: one month, 8.6 M) generated
 * inside PostgreSQL into the real partitioned `hydro.obs`, rollups rebuilt, in its own cluster
 * (`.data/bench-obs-pg`, port 54373). Then, in one run:
 *
 * - ingest: fresh days of all 1,000 stations (288,000 observations a day) through the bulk API
 *   (JSON and SL 323 CSV, hourly batches of 12,000, two clients) and through `COPY` into the same
 *   table (plus the rollup rebuild COPY needs afterwards), interleaved day by day; obs/s and the
 *   API/COPY ratio;
 * - bytes per observation on disk: heap + primary key + BRIN of every partition / rows (rollups
 *   reported apart);
 * - p50/p99 of GET /water/status (all stations at T), GET /water/rainfall (1/3/6/12/24 h and
 *   the rainfall day for all rain gauges at T) and a year (quick: the month) of hourly series.
 *
 * Prints the figures and the targets; writes JSON to bench/out/. Exit 0 whatever the
 * figures; 1 only when the harness failed. `--reload` regenerates the dataset.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { migrate, projectMigrations } from '@onemap/migrations';
import { ensureCluster } from '../../scripts/lib/cluster.ts';
import { createPool } from '../../map-server/src/db.ts';
import { createApiToken } from '../../map-server/src/services/auth-tokens.ts';
import { sleep, startService, stopAllServices, type Service } from '../tiles/proc.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const STATIONS = { PP: 600, ZZ: 400 } as const;
const STEP_MIN = 5;
const YEAR_START = '2025-01-01T00:00:00+08:00';

interface Options {
  quick: boolean;
  reload: boolean;
  pgDir: string;
  pgPort: number;
  httpPort: number;
  reps: number;
  queries: number;
  clients: number;
}

function parseOptions(argv: readonly string[]): Options {
  const o: Options = { quick: false, reload: false, pgDir: '.data/bench-obs-pg', pgPort: 54373, httpPort: 18473, reps: 2, queries: 40, clients: 2 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') o.quick = true;
    else if (a === '--reload') o.reload = true;
    else if (a === '--pg-dir') o.pgDir = next();
    else if (a === '--pg-port') o.pgPort = Number(next());
    else if (a === '--http-port') o.httpPort = Number(next());
    else if (a === '--reps') o.reps = Number(next());
    else if (a === '--queries') o.queries = Number(next());
    else if (a === '--clients') o.clients = Number(next());
    else if (a === '--help') {
      console.log('npm run bench:observations -- [--quick] [--reload] [--reps 2] [--queries 40] [--clients 2] [--pg-dir .data/bench-obs-pg] [--pg-port 54373] [--http-port 18473]');
      process.exit(0);
    } else throw new Error(`unknown flag ${a} (see --help)`);
  }
  if (o.quick) {
    o.reps = Math.min(o.reps, 1);
    o.queries = Math.min(o.queries, 20);
  }
  return o;
}

const pct = (xs: readonly number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const fmt = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const addMonths = (iso: string, n: number) => {
  const d = new Date(iso);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes())).toISOString();
};

/**
 * CPU seconds (user + system) used so far by a process, and by a PostgreSQL cluster (its
 * postmaster and every backend and worker it forked), from /proc. CPU per observation does not
 * depend on what else the machine is doing, unlike obs/s; null where /proc is not available.
 */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}
function clusterCpuSeconds(postmasterPid: number): number {
  let total = 0;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${d}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
      if (Number(d) === postmasterPid || ppid === postmasterPid) total += cpuSeconds(Number(d));
    } catch {
      // the process ended between the listing and the read
    }
  }
  return total;
}
function cpuMeter(serverPid: number | undefined, pgdata: string): (() => { server: number; postgres: number }) | null {
  try {
    const postmaster = Number(readFileSync(join(pgdata, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (serverPid === undefined) return null;
    cpuSeconds(serverPid);
    return () => ({ server: cpuSeconds(serverPid), postgres: clusterCpuSeconds(postmaster) });
  } catch {
    return null;
  }
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url, application_name: 'onemap-bench-obs' });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/**
 * The value of datastream `ds` at `t` as SQL over columns `ds`, `t`, `z` (true for stages):
 * deterministic, so every method and every rerun writes the same numbers. Rain falls in
 * episodes (~8 % of hours); stages follow a tide-like daily wave below 警戒 (4.5 m).
 */
const VALUE_SQL = `CASE WHEN z
  THEN round((3.0 + 0.6 * sin(extract(epoch FROM t) / 3600.0 * 2 * pi() / 12.4 + ds) + 0.05 * (ds % 7))::numeric, 3)::real
  ELSE CASE WHEN abs(hashint8(ds::bigint * 100003 + (extract(epoch FROM t)::bigint / 3600))) % 100 < 8
            THEN round((abs(hashint8(ds::bigint * 7 + extract(epoch FROM t)::bigint)) % 60) / 10.0, 1)::real ELSE 0 END END`;
const jsValue = (ds: number, isZ: boolean, tMs: number) => {
  // Only the ingest days use these; they need not equal the SQL values, just be valid.
  if (isZ) return Math.round((3 + 0.6 * Math.sin(((tMs / 3_600_000) * 2 * Math.PI) / 12.4 + ds) + 0.05 * (ds % 7)) * 1000) / 1000;
  const h = (Math.imul(ds, 2654435761) ^ Math.floor(tMs / 3_600_000)) >>> 0;
  return h % 100 < 8 ? ((h >>> 8) % 60) / 10 : 0;
};

interface Station {
  readonly stcd: string;
  readonly ds: number;
  readonly z: boolean;
}

/**
 * Makes the dataset hold `months` complete months from YEAR_START. A month is complete when it
 * holds exactly stations × steps rows, so a quick run's month is kept by a later full run and
 * only the missing months are generated (ingest days an earlier run left in a month make it
 * incomplete: it is cleared and generated again).
 */
async function prepare(url: string, opts: Options, months: number): Promise<{ stations: Station[]; rows: number; loadS: number | null }> {
  return withClient(url, async (c) => {
    await migrate(c, projectMigrations());
    const t0 = performance.now();
    let generated = 0;
    const have = Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM hydro.datastream WHERE stcd LIKE 'B%'`)).rows[0]!.n);
    if (have !== STATIONS.PP + STATIONS.ZZ || opts.reload) {
      console.log(`[bench] creating ${STATIONS.PP + STATIONS.ZZ} stations …`);
      await c.query('TRUNCATE hydro.obs, hydro.obs_hourly, hydro.obs_daily, hydro.alarm_event, hydro.alarm CASCADE');
      await c.query(`DELETE FROM hydro.st_stbprp_b WHERE stcd LIKE 'B%'`);
      // Stations on a grid over the city; 8-character codes B + type digit + serial.
      await c.query(
        `INSERT INTO hydro.st_stbprp_b (stcd, stnm, lgtd, lttd, sttp, addvcd, rvnm)
         SELECT 'B' || CASE WHEN i <= $1::int THEN '1' ELSE '2' END || lpad(i::text, 6, '0'),
                CASE WHEN i <= $1::int THEN '雨量站' ELSE '水位站' END || i,
                120.8 + (i % 40) * 0.022, 28.3 + (i / 40) * 0.028, CASE WHEN i <= $1::int THEN 'PP' ELSE 'ZZ' END, '331000',
                CASE WHEN i > $1::int THEN '椒江' END
           FROM generate_series(1, $1::int + $2::int) AS i`,
        [STATIONS.PP, STATIONS.ZZ],
      );
      await c.query(`INSERT INTO hydro.st_rvfcch_b (stcd, wrz, grz, source) SELECT stcd, 4.5, 5.2, 'bench' FROM hydro.st_stbprp_b WHERE sttp = 'ZZ' AND stcd LIKE 'B%'`);
      await c.query('SELECT hydro.ensure_datastreams()');
    }
    for (let m = 0; m < months; m++) {
      const from = addMonths(YEAR_START, m);
      const to = addMonths(YEAR_START, m + 1);
      const expected = (STATIONS.PP + STATIONS.ZZ) * ((Date.parse(to) - Date.parse(from)) / (STEP_MIN * 60_000));
      await c.query(`SELECT hydro.ensure_obs_partitions($1::timestamptz + interval '5 minutes', $2::timestamptz)`, [from, to]);
      const n = Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM hydro.obs WHERE tm > $1 AND tm <= $2', [from, to])).rows[0]!.n);
      if (n === expected && !opts.reload) continue;
      const tm = performance.now();
      if (n) await c.query('DELETE FROM hydro.obs WHERE tm > $1 AND tm <= $2', [from, to]);
      // Datastream outer, time inner: keys arrive in primary-key order, as a sorted load would.
      const r = await c.query(
        `INSERT INTO hydro.obs (tm, datastream_id, value)
         SELECT t, ds, ${VALUE_SQL}
           FROM (SELECT d.id AS ds, d.element = 'Z' AS z FROM hydro.datastream d WHERE d.stcd LIKE 'B%' ORDER BY d.id) d
          CROSS JOIN LATERAL generate_series($1::timestamptz + interval '5 minutes', $2::timestamptz, interval '5 minutes') AS t`,
        [from, to],
      );
      await c.query('SELECT hydro.rebuild_rollups($1::timestamptz, $2::timestamptz)', [from, to]);
      generated += r.rowCount ?? 0;
      console.log(`[bench]   ${new Date(Date.parse(from) + 8 * 3_600_000).toISOString().slice(0, 7)}: ${fmt(r.rowCount ?? 0)} observations + rollups in ${((performance.now() - tm) / 1000).toFixed(1)} s`);
    }
    let loadS: number | null = null;
    if (generated) {
      console.log('[bench]   VACUUM (ANALYZE) …');
      await c.query('VACUUM (ANALYZE) hydro.obs');
      await c.query('VACUUM (ANALYZE) hydro.obs_hourly');
      await c.query('VACUUM (ANALYZE) hydro.obs_daily');
      await c.query('CHECKPOINT');
      loadS = (performance.now() - t0) / 1000;
      console.log(`[bench] ${fmt(generated)} observations generated in ${loadS.toFixed(0)} s`);
    }
    const st = await c.query<{ stcd: string; ds: number; z: boolean }>(
      `SELECT s.stcd, d.id AS ds, d.element = 'Z' AS z FROM hydro.st_stbprp_b s JOIN hydro.datastream d ON d.stcd = s.stcd WHERE s.stcd LIKE 'B%' ORDER BY d.id`,
    );
    const end = addMonths(YEAR_START, months);
    const rows = Number((await c.query<{ n: string }>('SELECT count(*) AS n FROM hydro.obs WHERE tm <= $1', [end])).rows[0]!.n);
    return { stations: st.rows, rows, loadS };
  });
}

/** One day of all stations as hourly batches: [{stcd, element, tm, value}] per hour. */
function dayBatches(stations: readonly Station[], dayStartMs: number): { json: string; csv: string; n: number }[] {
  const out: { json: string; csv: string; n: number }[] = [];
  for (let h = 0; h < 24; h++) {
    const json: string[] = [];
    const csv: string[] = ['STCD,TM,DRP,Z'];
    for (let k = 1; k <= 60 / STEP_MIN; k++) {
      const t = dayStartMs + h * 3_600_000 + k * STEP_MIN * 60_000;
      const tm = new Date(t).toISOString();
      const naive = new Date(t + 8 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
      for (const s of stations) {
        const v = jsValue(s.ds, s.z, t);
        json.push(`{"stcd":"${s.stcd}","element":"${s.z ? 'Z' : 'DRP'}","tm":"${tm}","value":${v}}`);
        csv.push(s.z ? `${s.stcd},${naive},,${v}` : `${s.stcd},${naive},${v},`);
      }
    }
    out.push({ json: `[${json.join(',')}]`, csv: csv.join('\n'), n: json.length });
  }
  return out;
}

async function postAll(baseUrl: string, token: string, bodies: readonly string[], type: string, clients: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      const res = await fetch(`${baseUrl}/water/observations`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': type }, body });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`bulk API answered ${res.status}: ${text.slice(0, 300)}`);
      const r = JSON.parse(text) as { written: number; received: number };
      if (r.written !== r.received) throw new Error(`bulk API wrote ${r.written} of ${r.received}: the day was not fresh`);
    }
  };
  await Promise.all(Array.from({ length: clients }, worker));
}

async function copyDay(url: string, stations: readonly Station[], dayStartMs: number): Promise<{ copyS: number; rollupS: number; n: number; backendCpuS: number | null }> {
  return withClient(url, async (c) => {
    // This connection's backend starts and ends between two readings of the cluster's CPU, so
    // its own CPU is read here, before it exits.
    const backend = (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const cpu = () => {
      try {
        return cpuSeconds(backend);
      } catch {
        return null;
      }
    };
    const cpu0 = cpu();
    const from = new Date(dayStartMs).toISOString();
    const to = new Date(dayStartMs + 86_400_000).toISOString();
    const t0 = performance.now();
    await c.query('SELECT hydro.ensure_obs_partitions($1, $2)', [from, to]);
    let n = 0;
    function* lines() {
      for (let k = 1; k <= 86_400 / (STEP_MIN * 60); k++) {
        const t = dayStartMs + k * STEP_MIN * 60_000;
        const tm = new Date(t).toISOString();
        let chunk = '';
        for (const s of stations) {
          chunk += `${tm}\t${s.ds}\t${jsValue(s.ds, s.z, t)}\n`;
          n++;
        }
        yield chunk;
      }
    }
    await pipeline(Readable.from(lines()), c.query(copyFrom('COPY hydro.obs (tm, datastream_id, value) FROM STDIN')));
    const t1 = performance.now();
    await c.query('SELECT hydro.rebuild_rollups($1::timestamptz, $2::timestamptz)', [from, to]);
    const t2 = performance.now();
    const cpu1 = cpu();
    return { copyS: (t1 - t0) / 1000, rollupS: (t2 - t1) / 1000, n, backendCpuS: cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : null };
  });
}

async function timeGets(baseUrl: string, paths: readonly string[]): Promise<{ ms: number[]; bytes: number }> {
  const ms: number[] = [];
  let bytes = 0;
  for (const p of paths) {
    const t0 = performance.now();
    const res = await fetch(`${baseUrl}${p}`);
    const body = await res.arrayBuffer();
    ms.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`GET ${p} answered ${res.status}: ${Buffer.from(body).toString().slice(0, 300)}`);
    bytes = body.byteLength;
  }
  return { ms, bytes };
}

/** CPU per 1,000 observations and the rate those CPU costs allow on this machine's cores. */
function cpuLines(c: Record<string, { server: number; postgres: number } | null>): string {
  const cores = availableParallelism();
  const line = (label: string, x: { server: number; postgres: number } | null) =>
    x ? `  ${label.padEnd(24)} server ${fmt(x.server, 1)} ms + PostgreSQL ${fmt(x.postgres, 1)} ms per 1,000 obs → CPU-bound ${fmt((cores * 1e6) / (x.server + x.postgres))} obs/s on ${cores} cores` : '';
  const lines = [line('CPU, bulk API JSON', c['apiJson'] ?? null), line('CPU, bulk API CSV', c['apiCsv'] ?? null), line('CPU, COPY + rollups', c['copyWithRollups'] ?? null)].filter(Boolean);
  return lines.length ? lines.join('\n') : '  (CPU per observation: /proc not available)';
}

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const months = opts.quick ? 1 : 12;
  const outDir = resolve(REPO, 'bench/out');
  mkdirSync(outDir, { recursive: true });
  const cluster = ensureCluster({ dir: resolve(REPO, opts.pgDir), port: opts.pgPort });
  const database = 'onemap_bench_obs';
  await withClient(cluster.adminUrl, async (a) => {
    if (!(await a.query('SELECT 1 FROM pg_database WHERE datname = $1', [database])).rowCount) await a.query(`CREATE DATABASE ${database}`);
  });
  const url = cluster.urlFor(database);
  const ds = await prepare(url, opts, months);
  console.log(`[bench] ${database} on 127.0.0.1:${opts.pgPort}: ${fmt(ds.stations.length)} stations, ${fmt(ds.rows)} observations`);

  // Days an earlier run ingested after the dataset are removed, so every ingest day is fresh
  // and the size below is the dataset's.
  const endMs = Date.parse(addMonths(YEAR_START, months));
  await withClient(url, async (c) => {
    const end = new Date(endMs).toISOString();
    const gone = (await c.query('DELETE FROM hydro.obs WHERE tm > $1', [end])).rowCount ?? 0;
    await c.query('DELETE FROM hydro.obs_hourly WHERE hour_end > $1', [end]);
    await c.query('DELETE FROM hydro.obs_daily WHERE day >= hydro.rain_day($1::timestamptz + interval \'1 minute\')', [end]);
    if (gone) await c.query('VACUUM hydro.obs');
    // The ingest days' month partitions exist beforehand, as they would in steady operation.
    await c.query('SELECT hydro.ensure_obs_partitions($1::timestamptz, $1::timestamptz + interval \'8 days\')', [end]);
  });
  // Bytes per observation, before the ingest days add rows.
  const size = await withClient(url, async (c) => {
    const r = await c.query<{ heap: string; idx: string; hourly: string; daily: string }>(
      `SELECT sum(pg_table_size(relid))::text AS heap, sum(pg_indexes_size(relid))::text AS idx,
              pg_total_relation_size('hydro.obs_hourly')::text AS hourly, pg_total_relation_size('hydro.obs_daily')::text AS daily
         FROM pg_partition_tree('hydro.obs') WHERE isleaf`,
    );
    return { heap: Number(r.rows[0]!.heap), idx: Number(r.rows[0]!.idx), hourly: Number(r.rows[0]!.hourly), daily: Number(r.rows[0]!.daily) };
  });

  const pool = createPool({ databaseUrl: url, poolMax: 1, statementTimeoutMs: 15_000 });
  const token = await createApiToken(pool, 'bench', 'editor', 1).finally(() => pool.end());
  const logFile = join(outDir, 'observations-server.log');
  const server: Service = startService('map-server', process.execPath, ['--import', 'tsx', resolve(REPO, 'map-server/src/main.ts')], {
    env: { ...process.env, DATABASE_URL: url, PORT: String(opts.httpPort), HOST: '127.0.0.1', LOG_LEVEL: 'warn', STATEMENT_TIMEOUT_MS: '60000' },
    logFile,
    cwd: REPO,
  });
  const baseUrl = `http://127.0.0.1:${opts.httpPort}`;
  for (let i = 0; ; i++) {
    if (server.exited()) throw new Error(`map-server exited (${server.exited()}): see ${logFile}`);
    if ((await fetch(`${baseUrl}/health`).catch(() => undefined))?.status === 200) break;
    if (i > 300) throw new Error(`map-server did not answer within 90 s: see ${logFile}`);
    await sleep(300);
  }

  // ---- ingest: API (JSON, CSV) and COPY interleaved on fresh days after the dataset ----------
  const dayRuns: { method: string; day: string; n: number; s: number; extraS?: number; cpu?: { server: number; postgres: number } }[] = [];
  const meter = cpuMeter(server.child.pid, join(cluster.dataDir, 'pgdata'));
  const cpuSince = (c0: { server: number; postgres: number } | undefined) => {
    if (!meter || !c0) return undefined;
    const c1 = meter();
    return { server: c1.server - c0.server, postgres: c1.postgres - c0.postgres };
  };
  let day = 0;
  for (let rep = 0; rep < opts.reps; rep++) {
    for (const method of ['api-json', 'api-csv', 'copy'] as const) {
      const dayStart = endMs + day++ * 86_400_000;
      const label = new Date(dayStart + 8 * 3_600_000).toISOString().slice(0, 10);
      if (method === 'copy') {
        const c0 = meter?.();
        const r = await copyDay(url, ds.stations, dayStart);
        const others = cpuSince(c0);
        const cpu = others && r.backendCpuS !== null ? { server: others.server, postgres: others.postgres + r.backendCpuS } : undefined;
        dayRuns.push({ method, day: label, n: r.n, s: r.copyS, extraS: r.rollupS, ...(cpu ? { cpu } : {}) });
        console.log(`[bench] ${label} COPY: ${fmt(r.n)} obs in ${r.copyS.toFixed(2)} s = ${fmt(r.n / r.copyS)} obs/s (+ rollup rebuild ${r.rollupS.toFixed(2)} s → ${fmt(r.n / (r.copyS + r.rollupS))} obs/s)`);
      } else {
        const batches = dayBatches(ds.stations, dayStart);
        const n = batches.reduce((a, b) => a + b.n, 0);
        const c0 = meter?.();
        const t0 = performance.now();
        await postAll(baseUrl, token, batches.map((b) => (method === 'api-json' ? b.json : b.csv)), method === 'api-json' ? 'application/json' : 'text/csv', opts.clients);
        const s = (performance.now() - t0) / 1000;
        const cpu = cpuSince(c0);
        dayRuns.push({ method, day: label, n, s, ...(cpu ? { cpu } : {}) });
        const mb = batches.reduce((a, b) => a + (method === 'api-json' ? b.json.length : b.csv.length), 0) / 1e6;
        console.log(`[bench] ${label} bulk API ${method.slice(4).toUpperCase()}: ${fmt(n)} obs (${mb.toFixed(0)} MB, 24 batches, ${opts.clients} clients) in ${s.toFixed(2)} s = ${fmt(n / s)} obs/s`);
      }
    }
  }
  /** Median CPU milliseconds per 1,000 observations of a method (server, PostgreSQL). */
  const cpuPerK = (m: string) => {
    const runs = dayRuns.filter((r) => r.method === m && r.cpu);
    if (!runs.length) return null;
    return { server: median(runs.map((r) => (r.cpu!.server * 1e6) / r.n)), postgres: median(runs.map((r) => (r.cpu!.postgres * 1e6) / r.n)) };
  };
  const rate = (m: string, withExtra = false) => median(dayRuns.filter((r) => r.method === m).map((r) => r.n / (r.s + (withExtra ? (r.extraS ?? 0) : 0))));

  // ---- queries at T ------------------------------------------------------------------------
  const span = endMs - Date.parse(YEAR_START);
  const instants = Array.from({ length: opts.queries }, (_, i) => {
    // Deterministic instants spread over the dataset (not the first day, so 24 h windows are full), on 5-minute marks.
    const f = ((i * 0.6180339887) % 1) * (span - 2 * 86_400_000) + 86_400_000;
    return new Date(Date.parse(YEAR_START) + Math.floor(f / 300_000) * 300_000).toISOString();
  });
  const warm = await timeGets(baseUrl, [`/water/status?datetime=${encodeURIComponent(instants[0]!)}`]);
  void warm;
  const status = await timeGets(baseUrl, instants.map((t) => `/water/status?datetime=${encodeURIComponent(t)}`));
  const rain = await timeGets(baseUrl, instants.map((t) => `/water/rainfall?datetime=${encodeURIComponent(t)}`));
  const zStations = ds.stations.filter((s) => s.z);
  const ppStations = ds.stations.filter((s) => !s.z);
  const yearFrom = encodeURIComponent(YEAR_START);
  const yearTo = encodeURIComponent(new Date(endMs).toISOString());
  const seriesPaths = Array.from({ length: opts.queries }, (_, i) => {
    const s = i % 2 ? zStations[(i * 37) % zStations.length]! : ppStations[(i * 53) % ppStations.length]!;
    return `/water/stations/${s.stcd}/series?element=${s.z ? 'Z' : 'DRP'}&resolution=hourly&from=${yearFrom}&to=${yearTo}&maxPoints=10000`;
  });
  const series = await timeGets(baseUrl, seriesPaths);
  await server.stop();

  const perObs = (size.heap + size.idx) / ds.rows;
  const result = {
    when: new Date().toISOString(),
    quick: opts.quick,
    stations: ds.stations.length,
    observations: ds.rows,
    datasetLoadS: ds.loadS,
    bytes: { heap: size.heap, indexes: size.idx, perObservation: perObs, heapPerObservation: size.heap / ds.rows, rollupsHourly: size.hourly, rollupsDaily: size.daily },
    ingest: { runs: dayRuns, apiJsonObsPerS: rate('api-json'), apiCsvObsPerS: rate('api-csv'), copyObsPerS: rate('copy'), copyWithRollupsObsPerS: rate('copy', true), cpuMsPer1000: { apiJson: cpuPerK('api-json'), apiCsv: cpuPerK('api-csv'), copyWithRollups: cpuPerK('copy') } },
    queries: {
      statusAllStations: { p50: pct(status.ms, 50), p99: pct(status.ms, 99), n: status.ms.length, bytes: status.bytes },
      rainfallAllGauges: { p50: pct(rain.ms, 50), p99: pct(rain.ms, 99), n: rain.ms.length, bytes: rain.bytes },
      seriesHourly: { p50: pct(series.ms, 50), p99: pct(series.ms, 99), n: series.ms.length, bytes: series.bytes, span: opts.quick ? '1 month' : '1 year' },
    },
  };
  const file = join(outDir, `observations-${opts.quick ? 'quick' : 'full'}-${result.when.replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(result, null, 2));

  const i = result.ingest;
  const q = result.queries;
  const ok = (b: boolean) => (b ? 'met' : 'NOT met');
  console.log(`
== bench/observations (${opts.quick ? 'quick: 1 month' : 'full: 1 year'}) — ${fmt(ds.stations.length)} stations, ${fmt(ds.rows)} observations ==
ingest (median of ${opts.reps} day(s) of ${fmt(ds.stations.length * 288)} obs each)
  bulk API, JSON            ${fmt(i.apiJsonObsPerS).padStart(10)} obs/s   API/COPY ${(i.apiJsonObsPerS / i.copyObsPerS).toFixed(2)}   target ≥ 100,000: ${ok(i.apiJsonObsPerS >= 100_000)}
  bulk API, SL 323 CSV      ${fmt(i.apiCsvObsPerS).padStart(10)} obs/s   API/COPY ${(i.apiCsvObsPerS / i.copyObsPerS).toFixed(2)}   target ≥ 100,000: ${ok(i.apiCsvObsPerS >= 100_000)}
  COPY (raw table only)     ${fmt(i.copyObsPerS).padStart(10)} obs/s
  COPY + rollup rebuild     ${fmt(i.copyWithRollupsObsPerS).padStart(10)} obs/s   (what the API includes: rollups and alarm evaluation)
${cpuLines(i.cpuMsPer1000)}
disk: ${fmt(perObs, 1)} bytes/observation incl. indexes (heap ${fmt(size.heap / ds.rows, 1)} + indexes ${fmt(size.idx / ds.rows, 1)}); total ${fmt((size.heap + size.idx) / 2 ** 30, 2)} GiB; rollups hourly ${fmt(size.hourly / 2 ** 20)} MiB, daily ${fmt(size.daily / 2 ** 20)} MiB
queries over HTTP (${q.statusAllStations.n} instants each, one client)
  status at T, all stations        p50 ${fmt(q.statusAllStations.p50, 1)} ms  p99 ${fmt(q.statusAllStations.p99, 1)} ms   target p50 ≤ 100 ms: ${ok(q.statusAllStations.p50 <= 100)}
  accumulations at T, all gauges   p50 ${fmt(q.rainfallAllGauges.p50, 1)} ms  p99 ${fmt(q.rainfallAllGauges.p99, 1)} ms   (1/3/6/12/24 h + rainfall day) target p50 ≤ 100 ms: ${ok(q.rainfallAllGauges.p50 <= 100)}
  hourly series, ${q.seriesHourly.span.padEnd(8)}         p50 ${fmt(q.seriesHourly.p50, 1)} ms  p99 ${fmt(q.seriesHourly.p99, 1)} ms   target ≤ 150 ms: ${ok(q.seriesHourly.p50 <= 150)}
written ${file}`);
}

main()
  .then(() => stopAllServices())
  .catch(async (err: unknown) => {
    console.error('[bench] harness failed:', err);
    await stopAllServices();
    process.exit(1);
  });
