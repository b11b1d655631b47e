/**
 * Scale-out on one host (issue 10 item 9): several stateless server processes.
 * - Two servers sharing one disk tile cache: a tile rendered by one is a hit on the other, and
 *   an edit (direct SQL, reaching both through LISTEN/NOTIFY) invalidates it for both.
 * - The real entry point with WORKERS=2 (Node cluster): two worker processes answer on one
 *   port, a killed worker is replaced, SIGTERM stops them all.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { lonLatToTile } from '@onemap/tiles';
import { loadConfig } from '../src/config.ts';
import { startServer, type RunningServer } from '../src/server.ts';
import { createTestDatabase, type TestDatabase } from '../../scripts/test/test-db.ts';
import { freePort } from './support/cloned-cluster.ts';

let db: TestDatabase;
let client: pg.Client;
const cacheDir = mkdtempSync(join(tmpdir(), 'onemap-shared-cache-'));

beforeAll(async () => {
  db = await createTestDatabase(inject('adminUrl'), inject('templateDb'));
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
}, 240_000);
afterAll(async () => {
  await client?.end();
  await db?.drop();
  rmSync(cacheDir, { recursive: true, force: true });
});

function floorsOf(bytes: Buffer, fid: number): unknown {
  const layer = new VectorTile(new PbfReader(bytes)).layers['buildings'];
  for (let i = 0; layer && i < layer.length; i++) if (layer.feature(i).id === fid) return layer.feature(i).properties['floors'];
  return undefined;
}

describe('two processes sharing the disk tile cache', () => {
  const servers: RunningServer[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const config = loadConfig({ DATABASE_URL: db.url, PORT: '0', LOG_LEVEL: 'silent', TILE_CACHE: 'disk', TILE_CACHE_DIR: cacheDir });
      servers.push(await startServer(config, pino({ level: 'silent' })));
    }
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
  });

  it('a tile one process rendered is a hit on the other; an edit invalidates it for both', async () => {
    const { rows } = await client.query<{ fid: number; floors: number; lon: number; lat: number }>(
      `SELECT fid, floors, ST_X(ST_Centroid(geom)) AS lon, ST_Y(ST_Centroid(geom)) AS lat FROM base.buildings
        WHERE upper_inf(valid) AND ST_Intersects(geom, ST_MakeEnvelope(121.40, 28.64, 121.44, 28.68, 4490)) ORDER BY fid LIMIT 1`,
    );
    const b = rows[0]!;
    const t = lonLatToTile(b.lon, b.lat, 16);
    const path = `/tiles/buildings/16/${t.x}/${t.y}.mvt`;
    const get = async (s: RunningServer) => {
      const res = await fetch(`${s.url}${path}`);
      return { cache: res.headers.get('x-tile-cache'), bytes: Buffer.from(await res.arrayBuffer()) };
    };
    const [a, c] = servers as [RunningServer, RunningServer];
    expect((await get(a)).cache).toBe('miss');
    const shared = await get(c);
    expect(shared.cache).toBe('hit');
    expect(floorsOf(shared.bytes, b.fid)).toBe(b.floors);
    // Only complete files are ever visible: every entry is a renamed .tile, no temporary left.
    const files = readdirSync(cacheDir, { recursive: true }).map(String);
    expect(files.some((f) => f.endsWith('.tile'))).toBe(true);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const floors = b.floors === 41 ? 42 : 41;
    await client.query('UPDATE base.buildings SET floors = $1 WHERE fid = $2 AND upper_inf(valid)', [floors, b.fid]);
    // Both processes' listeners got the NOTIFY; whichever asks first re-renders, the other then hits.
    let first = { cache: 'hit' as string | null, bytes: Buffer.alloc(0) };
    for (let i = 0; i < 60 && first.cache !== 'miss'; i++) {
      first = await get(c);
      if (first.cache !== 'miss') await new Promise((r) => setTimeout(r, 50));
    }
    expect(first.cache).toBe('miss');
    expect(floorsOf(first.bytes, b.fid)).toBe(floors);
    const second = await get(a);
    expect(floorsOf(second.bytes, b.fid)).toBe(floors);
  });
});

describe('WORKERS=2: a Node cluster behind one port', () => {
  let primary: ChildProcess | undefined;
  let baseUrl = '';
  let log = '';
  const children = (pid: number) =>
    readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .filter((d) => {
        try {
          const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
          // Node workers only (tsx also starts an esbuild service process).
          return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid && readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('main.ts');
        } catch {
          return false;
        }
      })
      .map(Number);

  beforeAll(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
    primary = spawn(process.execPath, ['--import', 'tsx', main], {
      env: { ...process.env, DATABASE_URL: db.url, PORT: String(port), HOST: '127.0.0.1', WORKERS: '2', LOG_LEVEL: 'warn', TILE_CACHE: 'disk', TILE_CACHE_DIR: cacheDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    primary.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    primary.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    for (let i = 0; i < 600; i++) {
      const ok = await fetch(`${baseUrl}/ready`).then((r) => r.status === 200).catch(() => false);
      if (ok && children(primary.pid!).length === 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
  }, 120_000);
  afterAll(() => {
    if (primary?.exitCode === null) primary.kill('SIGKILL');
  });

  it('serves from two worker processes, replaces a dead one, and stops on SIGTERM', async () => {
    const workers = children(primary!.pid!);
    expect(workers, log).toHaveLength(2);
    const statuses = await Promise.all(Array.from({ length: 20 }, (_, i) => fetch(`${baseUrl}/collections/districts/items?limit=1&offset=${i % 5}`).then((r) => r.status)));
    expect(statuses.every((s) => s === 200)).toBe(true);

    process.kill(workers[0]!, 'SIGKILL');
    let replaced: number[] = [];
    for (let i = 0; i < 300; i++) {
      replaced = children(primary!.pid!);
      const ready = await fetch(`${baseUrl}/health`).then((r) => r.status === 200).catch(() => false);
      if (ready && replaced.length === 2 && !replaced.includes(workers[0]!)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(replaced).toHaveLength(2);
    expect(replaced).not.toContain(workers[0]);

    const exited = new Promise<number | null>((resolve) => primary!.once('exit', (code) => resolve(code)));
    primary!.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(replaced.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    })).toEqual([]);
  }, 120_000);
});
