/**
 * "A killed import leaves nothing" (issue #10 items 5 and 8): a child process — the CLI, then
 * a whole server — imports 40,000 buildings into a real PostGIS; once it has inserted a few
 * thousand rows (inside its open transaction) it gets SIGKILL. The table must be exactly as
 * before, the job must read as failed (interrupted), and the next import must work.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createPool } from '../src/db.ts';
import { createApiToken } from '../src/services/auth-tokens.ts';
import { IMPORT_LOCK_CLASS } from '../src/services/import-load.ts';
import { usePlatform } from './support/platform.ts';

const ctx = usePlatform();
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'imports-kill-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

const FEATURES = 40_000;

/** 40,000 small squares over 椒江/路桥, in CGCS2000 lon/lat. */
function bigGeoJson(tag: string): string {
  const file = join(dir, `${tag}.geojson`);
  const features = Array.from({ length: FEATURES }, (_, i) => {
    const [lon, lat] = [121.3 + (i % 200) * 0.0005, 28.55 + Math.floor(i / 200) * 0.0005];
    const s = 0.0002;
    return {
      type: 'Feature',
      properties: { name: `${tag}-${i}`, use: 'residential', floors: 1 + (i % 30), height_m: 3 + (i % 30) * 3, district_adcode: '331002' },
      geometry: { type: 'Polygon', coordinates: [[[lon, lat], [lon + s, lat], [lon + s, lat + s], [lon, lat + s], [lon, lat]]] },
    };
  });
  writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features }));
  return file;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function child(args: string[], env: Record<string, string>): ChildProcess & { output: () => string } {
  const p = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(p);
  let out = '';
  p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  p.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  return Object.assign(p, { output: () => out });
}

const exited = (p: ChildProcess) => new Promise<void>((resolve) => (p.exitCode !== null || p.signalCode !== null ? resolve() : p.once('exit', () => resolve())));

interface JobRow {
  id: number;
  status: string;
  inserted: number;
}

/** Waits (polling, no deadline of its own) until the newest job of `via` has inserted at least `rows`, still uncommitted. */
async function waitMidway(via: 'api' | 'cli', rows: number, p: ChildProcess & { output: () => string }): Promise<JobRow> {
  for (;;) {
    if (p.exitCode !== null) throw new Error(`the importing process ended before it was killed:\n${p.output()}`);
    const { rows: jobs } = await ctx.db.query<JobRow>(`SELECT id, status, inserted FROM audit.imports WHERE via = $1 ORDER BY id DESC LIMIT 1`, [via]);
    const job = jobs[0];
    if (job?.status === 'done' || job?.status === 'failed') throw new Error(`the import finished (${job.status}) before it could be killed: make it bigger`);
    if (job && job.status === 'running' && job.inserted >= rows) return job;
    await sleep(50);
  }
}

/** Waits until no session holds the job's lock: PostgreSQL has noticed the dead client and rolled back. */
async function waitRolledBack(id: number): Promise<void> {
  for (;;) {
    const { rows } = await ctx.db.query(`SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = $1::bigint::oid AND objid = $2::bigint::oid AND objsubid = 2`, [IMPORT_LOCK_CLASS, id]);
    if (rows.length === 0) return;
    await sleep(50);
  }
}

async function tableState(): Promise<{ rows: number; current: number; maxGid: number; audit: number }> {
  const { rows } = await ctx.db.query<{ rows: number; current: number; max_gid: number; audit: number }>(
    `SELECT (SELECT count(*)::int FROM base.buildings) AS rows, (SELECT count(*)::int FROM base.buildings WHERE upper_inf(valid)) AS current,
            (SELECT coalesce(max(gid), 0)::bigint FROM base.buildings) AS max_gid, (SELECT count(*)::int FROM audit.edits WHERE layer_id = 'buildings') AS audit`,
  );
  const r = rows[0]!;
  return { rows: r.rows, current: r.current, maxGid: Number(r.max_gid), audit: r.audit };
}

async function token(): Promise<string> {
  const pool = createPool({ databaseUrl: ctx.platform.databaseUrl, poolMax: 1, statementTimeoutMs: 5000 });
  try {
    return await createApiToken(pool, '导入员', 'admin', 1);
  } finally {
    await pool.end();
  }
}

async function jobViaApi(id: number, bearer: string): Promise<{ status: string; error?: { code: string }; counts: { inserted: number } }> {
  const res = await fetch(`${ctx.platform.baseUrl}/imports/${id}`, { headers: { Authorization: `Bearer ${bearer}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as { status: string; error?: { code: string }; counts: { inserted: number } };
}

describe('a killed import leaves the table as it was', () => {
  it('CLI: SIGKILL mid-import → nothing written, job failed (interrupted); the next import works', async () => {
    const before = await tableState();
    const cli = child(['scripts/onemap.ts', 'import', bigGeoJson('cli'), '--layer', 'buildings'], { DATABASE_URL: ctx.platform.databaseUrl });
    const job = await waitMidway('cli', 3000, cli);
    // Inserted rows exist only inside the CLI's transaction: nobody else sees them yet.
    expect((await tableState()).rows).toBe(before.rows);
    cli.kill('SIGKILL');
    await exited(cli);
    expect(cli.signalCode).toBe('SIGKILL');
    await waitRolledBack(job.id);

    expect(await tableState()).toEqual(before);
    const { rows: tagged } = await ctx.db.query(`SELECT 1 FROM base.buildings WHERE change_note = $1 LIMIT 1`, [`import #${job.id}`]);
    expect(tagged).toHaveLength(0);
    const seen = await jobViaApi(job.id, await token());
    expect(seen.status).toBe('failed');
    expect(seen.error?.code).toBe('Interrupted');
    expect(seen.counts.inserted).toBe(0);

    // The same kind of import, small, runs to the end with its progress bar and commits.
    const small = join(dir, 'small.csv');
    writeFileSync(small, '名称,经度,纬度,类别\n椒江站,121.4286,28.6562,车站\n路桥站,121.3755,28.5847,车站\n');
    const ok = child(['scripts/onemap.ts', 'import', small, '--layer', 'user_points'], { DATABASE_URL: ctx.platform.databaseUrl });
    await exited(ok);
    expect(ok.exitCode, ok.output()).toBe(0);
    expect(ok.output()).toMatch(/100%\s+2\/2/);
    const { rows: pts } = await ctx.db.query(`SELECT name FROM base.user_points WHERE name IN ('椒江站', '路桥站') AND upper_inf(valid)`);
    expect(pts).toHaveLength(2);
  });

  it('server: SIGKILL of the server mid-import → nothing written, job failed (interrupted)', async () => {
    const before = await tableState();
    const port = await freePort();
    const server = child(['map-server/src/main.ts'], { DATABASE_URL: ctx.platform.databaseUrl, PORT: String(port), LOG_LEVEL: 'warn', TILE_CACHE: 'off', WORKERS: '1' });
    for (;;) {
      if (server.exitCode !== null) throw new Error(`server did not start:\n${server.output()}`);
      if (server.output().includes(`:${port}/`)) break;
      await sleep(50);
    }
    const bearer = await token();
    const body = new Blob([readFileSync(bigGeoJson('api'))]);
    const res = await fetch(`http://127.0.0.1:${port}/imports?layer=buildings`, { method: 'POST', headers: { Authorization: `Bearer ${bearer}`, 'Content-Type': 'application/geo+json' }, body });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: number };
    const job = await waitMidway('api', 3000, server);
    expect(job.id).toBe(id);
    server.kill('SIGKILL');
    await exited(server);
    await waitRolledBack(id);

    expect(await tableState()).toEqual(before);
    const seen = await jobViaApi(id, bearer);
    expect(seen.status).toBe('failed');
    expect(seen.error?.code).toBe('Interrupted');
  });
});

function freePort(): Promise<number> {
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
