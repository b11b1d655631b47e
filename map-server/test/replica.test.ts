/**
 * Scale-out reads (issue 10 item 9): a real streaming replica made with `pg_basebackup -R` from
 * the test cluster. Anonymous reads go to the replica, writes and token holders' reads go to the
 * primary (read-your-writes), a client that just wrote keeps reading from the primary, and a
 * replica that goes away degrades to the primary instead of failing.
 */
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createPool } from '../src/db.ts';
import { startServer, type RunningServer } from '../src/server.ts';
import { createApiToken } from '../src/services/auth-tokens.ts';
import { createTestDatabase, type TestDatabase } from '../../scripts/test/test-db.ts';
import { cloneCluster, waitFor, type ClonedCluster } from './support/cloned-cluster.ts';

let db: TestDatabase;
let replica: ClonedCluster;
let server: RunningServer;
let primary: pg.Client;
let token: string;
let replicaUrl: string;

beforeAll(async () => {
  db = await createTestDatabase(inject('adminUrl'), inject('templateDb'));
  const pool = createPool({ databaseUrl: db.url, poolMax: 1, statementTimeoutMs: 5000 });
  token = await createApiToken(pool, '副本测试', 'editor', 1);
  await pool.end();
  replica = await cloneCluster(inject('adminUrl'), { standby: true });
  replicaUrl = replica.urlFor(db.name);
  await waitFor(replicaUrl, 'SELECT pg_is_in_recovery() AS ok');
  const config = loadConfig({ DATABASE_URL: db.url, DATABASE_READ_URLS: replicaUrl, READ_YOUR_WRITES_S: '30', PORT: '0', LOG_LEVEL: 'silent', TILE_CACHE: 'off' });
  server = await startServer(config, pino({ level: 'silent' }));
  primary = new pg.Client({ connectionString: db.url });
  await primary.connect();
}, 300_000);

afterAll(async () => {
  await primary?.end();
  await server?.close();
  replica?.remove();
  await db?.drop();
});

const square = (lon: number, lat: number, d = 0.0004) => ({ type: 'Polygon', coordinates: [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]] });

async function onReplica<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: replicaUrl });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

const readerSessions = async (on: 'replica' | 'primary') => {
  const sql = `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'onemap-map-server-read'`;
  return on === 'replica' ? (await onReplica<{ n: number }>(sql, [db.name]))[0]!.n : (await primary.query<{ n: number }>(sql, [db.name])).rows[0]!.n;
};

describe('reads from a streaming replica', () => {
  it('anonymous reads are served by the replica connections', async () => {
    expect((await onReplica<{ r: boolean }>('SELECT pg_is_in_recovery() AS r'))[0]!.r).toBe(true);
    const res = await fetch(`${server.url}/collections/districts/items?limit=3`);
    expect(res.status).toBe(200);
    expect((await res.json()).features).toHaveLength(3);
    expect(await readerSessions('replica')).toBeGreaterThan(0);
    expect(await readerSessions('primary')).toBe(0);
  });

  it('while replay is paused, anonymous reads miss a new write that the writer (token or cookie) sees', async () => {
    await onReplica('SELECT pg_wal_replay_pause()');
    try {
      const created = await fetch(`${server.url}/collections/buildings/items`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/geo+json' },
        body: JSON.stringify({ type: 'Feature', geometry: square(121.4311, 28.6611), properties: { use: 'residential', floors: 2, height_m: 6, year_built: 2025, district_adcode: '331002', name: '副本标记' } }),
      });
      expect(created.status).toBe(201);
      const cookie = created.headers.get('set-cookie') ?? '';
      expect(cookie).toMatch(/^onemap_rw=1; Max-Age=30;/);
      const id = ((await created.json()) as { id: number }).id;
      const item = `${server.url}/collections/buildings/items/${id}`;
      // The marker exists on the primary only: an answer without it proves the replica served.
      expect((await fetch(item)).status).toBe(404);
      expect((await fetch(item, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(200);
      expect((await fetch(item, { headers: { Cookie: cookie.split(';')[0]! } })).status).toBe(200);
      await onReplica('SELECT pg_wal_replay_resume()');
      let status = 0;
      for (let i = 0; i < 100 && status !== 200; i++) {
        status = (await fetch(item)).status;
        if (status !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      expect(status).toBe(200);
    } finally {
      await onReplica('SELECT pg_wal_replay_resume()').catch(() => {});
    }
  });

  it('GET requests that must write or LISTEN are not sent to the replica', async () => {
    const stream = await fetch(`${server.url}/water/alarms/stream`);
    expect(stream.status).toBe(200);
    await stream.body?.cancel();
  });

  it('when the replica goes away, reads fall back to the primary', async () => {
    await replica.stop();
    try {
      const res = await fetch(`${server.url}/collections/districts/items?limit=2`);
      expect(res.status).toBe(200);
      expect((await res.json()).features).toHaveLength(2);
    } finally {
      await replica.start();
    }
  });
});
