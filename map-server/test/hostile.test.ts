/**
 * Hostile input over every endpoint (issue 10 item 6). The routes are not listed here: they are
 * read from the Koa routers of the running app (so a route added tomorrow is covered), and each
 * route's query parameters are learnt from its own 400 UnknownParameter answer (`allowed`).
 * Every route then gets hostile path segments, hostile values for each of its parameters,
 * unknown and repeated parameters, odd headers, and (for writes) hostile bodies, with and without
 * a valid editor token. Every answer must be 2xx (the input was fine) or 4xx with a JSON body,
 * never a 5xx or a hang, and no answer may leak a stack trace, SQL, a file path or a file.
 */
import pg from 'pg';
import { pino } from 'pino';
import { request as httpRequest } from 'node:http';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { lonLatToTile } from '@onemap/tiles';
import { loadConfig } from '../src/config.ts';
import { createPool } from '../src/db.ts';
import { startServer, type RunningServer } from '../src/server.ts';
import { createApiToken } from '../src/services/auth-tokens.ts';
import { createTestDatabase, type TestDatabase } from '../../scripts/test/test-db.ts';
import { hostileBodies, hostilePathValues, hostileQueryValues, leakIn, type HostileBody } from './support/hostile-corpus.ts';

interface Route {
  readonly path: string;
  readonly methods: readonly string[];
}

interface Outcome {
  readonly label: string;
  readonly status: number;
  readonly type: string;
  readonly body: string;
}

let db: TestDatabase;
let server: RunningServer;
let client: pg.Client;
let token: string;
let routes: Route[] = [];
const base: Record<string, string> = {};
/** The server's error log (5xx causes), shown when a test fails. */
const serverErrors: string[] = [];
const errorLog = new Writable({
  write(chunk: Buffer, _enc, done) {
    if (serverErrors.length < 5) serverErrors.push(chunk.toString().slice(0, 1500));
    done();
  },
});
const withServerLog = (problems: string[]) => (problems.length && serverErrors.length ? [...problems, '--- server log ---', ...serverErrors] : problems);

beforeAll(async () => {
  db = await createTestDatabase(inject('adminUrl'), inject('templateDb'));
  // A long statement timeout: some valid analyses (isohyets) take seconds each on a busy machine,
  // and a 503 here would hide whether the input was handled (timeouts have their own test).
  const config = loadConfig({ DATABASE_URL: db.url, PORT: '0', LOG_LEVEL: 'silent', STATEMENT_TIMEOUT_MS: '120000', TILE_CACHE: 'memory' });
  server = await startServer(config, pino({ level: 'error' }, errorLog));
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  const pool = createPool({ databaseUrl: db.url, poolMax: 1, statementTimeoutMs: 5000 });
  token = await createApiToken(pool, '敌意测试', 'admin', 1);
  await pool.end();
  routes = appRoutes(server);
  // Plausible values for path parameters, so hostile values in one place meet valid ones elsewhere.
  const t = lonLatToTile(121.42, 28.66, 14);
  const one = async (sql: string) => String((await client.query(sql).catch(() => ({ rows: [] as { v: unknown }[] }))).rows[0]?.v ?? '1');
  Object.assign(base, {
    collectionId: 'buildings',
    layers: 'buildings',
    layerId: 'land_cover',
    featureId: await one('SELECT fid AS v FROM base.buildings LIMIT 1'),
    z: '14',
    x: String(t.x),
    y: String(t.y),
    tms: 'WebMercatorQuad',
    id: '1',
    row: String(t.y),
    col: String(t.x),
    stcd: await one('SELECT stcd AS v FROM hydro.st_stbprp_b LIMIT 1'),
    code: await one('SELECT code AS v FROM hydro.wf_zone LIMIT 1'),
    rest: 'Things',
  });
}, 240_000);

afterAll(async () => {
  await client?.end();
  await server?.close();
  await db?.drop();
});

/** Every (path, methods) the app's routers declare, with the router prefix applied. */
function appRoutes(running: RunningServer): Route[] {
  const out = new Map<string, Set<string>>();
  for (const mw of running.app.middleware) {
    const router = (mw as { router?: { stack: { path: string | RegExp; methods: string[] }[] } }).router;
    for (const layer of router?.stack ?? []) {
      if (typeof layer.path !== 'string' || layer.methods.length === 0) continue;
      const set = out.get(layer.path) ?? new Set<string>();
      for (const m of layer.methods) if (m !== 'HEAD') set.add(m);
      out.set(layer.path, set);
    }
  }
  return [...out].map(([path, methods]) => ({ path, methods: [...methods] }));
}

/** Fills `:name` and `{*rest}` segments; `override` replaces one parameter with a raw (already encoded) value. */
function fill(path: string, override?: { name: string; raw: string }): string {
  return path
    .replace(/\{\*(\w+)\}/g, (_, n: string) => (override?.name === n ? override.raw : encodeURIComponent(base[n] ?? '1')))
    .replace(/:(\w+)/g, (_, n: string) => (override?.name === n ? override.raw : encodeURIComponent(base[n] ?? '1')));
}

const paramNames = (path: string) => [...path.matchAll(/:(\w+)|\{\*(\w+)\}/g)].map((m) => (m[1] ?? m[2])!);

/**
 * One request over a raw socket (fetch would normalise `..` and refuse some bytes); reads at
 * most 256 KiB of the answer, enough to judge it, then drops the connection (exports, SSE).
 */
function send(method: string, pathAndQuery: string, opts: { body?: Buffer | string; headers?: Record<string, string> } = {}): Promise<Omit<Outcome, 'label'>> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method, path: pathAndQuery, headers: { 'Accept-Encoding': 'identity', ...(opts.headers ?? {}) }, timeout: 180_000 },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') });
        res.on('data', (c: Buffer) => {
          chunks.push(c);
          size += c.length;
          if (size > 256 * 1024 || /event-stream/.test(String(res.headers['content-type']))) {
            res.destroy();
            done();
          }
        });
        res.on('end', done);
        res.on('error', done);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer in 180 s: ${method} ${pathAndQuery.slice(0, 200)}`)));
    req.on('error', (err: NodeJS.ErrnoException) => {
      // The server may answer (413) and close before a huge body is fully sent.
      if (err.code === 'EPIPE' || err.code === 'ECONNRESET') resolve({ status: -1, type: '', body: err.code });
      else reject(err);
    });
    if (opts.body !== undefined) req.end(opts.body);
    else req.end();
  });
}

/** Problems with one answer, as readable lines (empty = fine). */
function judge(o: Outcome): string[] {
  const problems: string[] = [];
  const where = `${o.label} → ${o.status}`;
  // -1: the server answered and closed before a huge body was fully sent (a refusal).
  if (o.status === -1 && / body=(huge|oversized)/.test(o.label)) return problems;
  // /ready is 503 by design when the database or the migrations are not ready.
  const readyAnswer = o.label.startsWith('GET /ready') && o.status === 503 && /"checks"/.test(o.body);
  if ((o.status >= 500 && !readyAnswer) || o.status < 100) problems.push(`${where}: ${o.body.slice(0, 300)}`);
  if (o.status >= 400 && o.status < 500) {
    if (!/json/.test(o.type)) problems.push(`${where}: not JSON (${o.type}): ${o.body.slice(0, 120)}`);
    else {
      try {
        JSON.parse(o.body);
      } catch {
        problems.push(`${where}: unparseable JSON body`);
      }
    }
  }
  const leak = leakIn(o.body);
  if (leak) problems.push(`${where}: leaks ${leak}`);
  return problems;
}

async function runAll(jobs: (() => Promise<Outcome>)[], concurrency = 4): Promise<{ outcomes: Outcome[]; problems: string[] }> {
  const outcomes: Outcome[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < jobs.length) {
        const job = jobs[next++]!;
        outcomes.push(await job());
      }
    }),
  );
  const byStatus = new Map<number, number>();
  for (const o of outcomes) byStatus.set(o.status, (byStatus.get(o.status) ?? 0) + 1);
  console.log(`[hostile] ${outcomes.length} requests over ${routes.length} routes: ${[...byStatus].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(', ')}`);
  return { outcomes, problems: withServerLog(outcomes.flatMap(judge)) };
}

const job = (label: string, method: string, path: string, opts?: Parameters<typeof send>[2]) => async (): Promise<Outcome> => {
  try {
    return { label, ...(await send(method, path, opts)) };
  } catch (err) {
    return { label, status: 0, type: '', body: (err as Error).message };
  }
};

/** Allowed query parameters of a route, from its UnknownParameter answer (empty when it has none or does not say). */
async function allowedParams(method: string, path: string): Promise<string[]> {
  const res = await send(method, `${path}?zz_unknown_probe=1`, method === 'GET' ? {} : { body: '{}', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` } });
  try {
    const doc = JSON.parse(res.body) as { allowed?: unknown };
    return Array.isArray(doc.allowed) ? doc.allowed.filter((a): a is string => typeof a === 'string') : [];
  } catch {
    return [];
  }
}

describe('hostile input over every endpoint', () => {
  it('the leak detector recognises stack frames, SQL, paths and secrets (and not echoed input)', () => {
    expect(leakIn('TypeError: x\n    at Object.set (/srv/onemap/node_modules/koa/lib/response.js:556:13)')).toMatch(/stack frame/);
    expect(leakIn('{"detail":"syntax error at or near \\"FROM\\""}')).toMatch(/PostgreSQL/);
    expect(leakIn('SELECT ST_AsMVT(t.*) FROM base.buildings')).toMatch(/SQL/);
    expect(leakIn('root:x:0:0:root:/root:/bin/bash')).toMatch(/system file/);
    expect(leakIn(`token om_${'a'.repeat(43)}`)).toMatch(/secret/);
    expect(leakIn('{"detail":"no collection \\"pg_catalog.pg_authid\\"; valid at it (\\"as of\\")"}')).toBeUndefined();
  });

  it('finds the routes of every router (new routes are covered automatically)', () => {
    const paths = routes.map((r) => r.path);
    expect(paths.length).toBeGreaterThan(40);
    for (const p of ['/tiles/:layers/:z/:x/:y.mvt', '/collections/:collectionId/items', '/health']) expect(paths).toContain(p);
    expect(routes.some((r) => r.methods.includes('POST'))).toBe(true);
  });

  it('hostile path segments never give a 5xx or a leak', async () => {
    const jobs = routes.flatMap((r) =>
      r.methods.flatMap((m) =>
        paramNames(r.path).flatMap((name) =>
          hostilePathValues.map((raw) => {
            const path = fill(r.path, { name, raw });
            return job(`${m} ${path.slice(0, 160)}`, m, path, m === 'GET' ? {} : { body: '{}', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` } });
          }),
        ),
      ),
    );
    // Absurd tile addresses on the hot path (outside Koa) and traversal outside any route.
    for (const raw of ['/tiles/buildings/99/1/1.mvt', '/tiles/buildings/-1/0/0.mvt', '/tiles/buildings/14/99999999999/1.mvt', '/tiles/buildings/1e3/1/1.mvt', '/tiles/buildings/14/1.5/2.mvt', '/tiles/..%2f..%2fetc%2fpasswd/1/1/1.mvt', '/tiles/buildings,buildings,buildings,buildings,buildings,buildings,buildings,buildings,buildings,buildings/14/1/1.mvt', '/../../../../etc/passwd', '/assets/..%2f..%2f..%2fpackage.json', '/%2e%2e/%2e%2e/etc/passwd', '/assets/%00', '/%ZZ', `/${'a'.repeat(6000)}`])
      jobs.push(job(`GET ${raw.slice(0, 120)}`, 'GET', raw));
    const { outcomes, problems } = await runAll(jobs);
    expect(outcomes.length).toBe(jobs.length);
    expect(problems).toEqual([]);
  }, 900_000);

  it('hostile, unknown and repeated query parameters never give a 5xx or a leak', async () => {
    const jobs: (() => Promise<Outcome>)[] = [];
    let learnt = 0;
    for (const r of routes) {
      for (const m of r.methods) {
        const path = fill(r.path);
        const allowed = await allowedParams(m, path);
        if (allowed.length) learnt++;
        const opts = m === 'GET' ? {} : { body: '{}', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` } };
        jobs.push(job(`${m} ${path}?unknown`, m, `${path}?${encodeURIComponent("x' OR '1'='1")}=1&zz=2`, opts));
        for (const name of allowed) {
          jobs.push(job(`${m} ${path}?${name} repeated`, m, `${path}?${name}=1&${name}=2`, opts));
          for (const raw of hostileQueryValues) jobs.push(job(`${m} ${path}?${name}=${raw.slice(0, 80)}`, m, `${path}?${encodeURIComponent(name)}=${raw}`, opts));
        }
      }
    }
    expect(learnt).toBeGreaterThan(20);
    const { outcomes, problems } = await runAll(jobs);
    expect(outcomes.length).toBe(jobs.length);
    expect(problems).toEqual([]);
  }, 1_800_000);

  it('hostile headers and methods never give a 5xx or a leak', async () => {
    const headerSets: Record<string, string>[] = [
      { Authorization: "Bearer om_' OR 1=1 --" },
      { Authorization: `Bearer om_${'A'.repeat(43)}` },
      { Authorization: 'Basic YWRtaW46YWRtaW4=' },
      { Accept: 'application/x-nonsense;q=2, */*;q=banana' },
      { 'Accept-Encoding': 'br;q=NaN, gzip;q=-1, zstd' },
      { 'If-None-Match': `"${'x'.repeat(4000)}"` },
      { 'If-Match': "'; DROP TABLE base.buildings; --" },
      { 'X-Request-Id': "<script>alert(1)</script>'; DROP TABLE audit.log; --" },
      { Range: 'bytes=999999999-' },
    ];
    const jobs: (() => Promise<Outcome>)[] = [];
    for (const r of routes) {
      for (const m of r.methods) {
        const path = fill(r.path);
        for (const headers of headerSets) jobs.push(job(`${m} ${path} ${Object.keys(headers)[0]}`, m, path, m === 'GET' ? { headers } : { headers: { 'Content-Type': 'application/json', ...headers }, body: '{}' }));
      }
      for (const m of ['TRACE', 'PROPFIND', 'PUT', 'OPTIONS']) if (!r.methods.includes(m)) jobs.push(job(`${m} ${fill(r.path)}`, m, fill(r.path)));
    }
    const { problems } = await runAll(jobs);
    expect(problems).toEqual([]);
  }, 900_000);

  it('hostile bodies on every write route never give a 5xx or a leak, with or without a token', async () => {
    const writes = routes.flatMap((r) => r.methods.filter((m) => m !== 'GET').map((m) => ({ m, path: fill(r.path) })));
    expect(writes.length).toBeGreaterThan(8);
    const jobs: (() => Promise<Outcome>)[] = [];
    const bodies: HostileBody[] = hostileBodies();
    for (const { m, path } of writes) {
      for (const b of bodies) {
        for (const auth of [true, false]) {
          if (!auth && b.size === 'huge') continue;
          const headers: Record<string, string> = { 'Content-Type': b.type, 'If-Match': '"1"', ...(auth ? { Authorization: `Bearer ${token}` } : {}) };
          jobs.push(job(`${m} ${path} body=${b.name}${auth ? ' (token)' : ''}`, m, path, { body: b.body, headers }));
        }
      }
    }
    const { problems } = await runAll(jobs, 2);
    expect(problems).toEqual([]);
  }, 1_800_000);

  it('a request line or header too large gets a JSON 4xx from the server itself', async () => {
    const long = await send('GET', `/collections?${'q'.repeat(70_000)}=1`);
    expect(judge({ label: 'long URL', ...long })).toEqual([]);
    expect(long.status).toBeGreaterThanOrEqual(400);
    const header = await send('GET', '/health', { headers: { 'X-Big': 'h'.repeat(70_000) } });
    expect(judge({ label: 'big header', ...header })).toEqual([]);
  });

  it('the data is untouched by the injection attempts', async () => {
    const { rows } = await client.query(`SELECT to_regclass('base.buildings') IS NOT NULL AS ok, (SELECT count(*) FROM base.buildings) AS n`);
    expect(rows[0].ok).toBe(true);
    expect(Number(rows[0].n)).toBeGreaterThan(100_000);
  });
});
