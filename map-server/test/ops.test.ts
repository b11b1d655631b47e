/** Operations endpoints on the real server: liveness, readiness through a database outage, metrics. */
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { lonLatToTile } from '@onemap/tiles';
import { withAdmin } from '../../scripts/test/test-db.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => {
  await platform?.close();
});

const get = async (path: string) => {
  const res = await fetch(`${platform.baseUrl}${path}`);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
};

describe('operations', () => {
  it('/health and /ready answer when all is well', async () => {
    expect((await get('/health')).status).toBe(200);
    const ready = await get('/ready');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.text)).toEqual({ status: 'ready', checks: { database: 'ok', migrations: 'ok' } });
  });

  it('/metrics exposes request, tile-cache and pool figures in Prometheus text', async () => {
    const t = lonLatToTile(121.42, 28.66, 14);
    for (let i = 0; i < 3; i++) await get(`/tiles/buildings/14/${t.x}/${t.y}.mvt`);
    await get('/collections/districts/items?limit=2');
    const m = await get('/metrics');
    expect(m.status).toBe(200);
    expect(m.type).toContain('text/plain');
    expect(m.text).toMatch(/onemap_http_requests_total\{group="tiles",method="GET",status="200"\} [3-9]/);
    expect(m.text).toMatch(/onemap_http_requests_total\{group="items",method="GET",status="200"\} 1/);
    expect(m.text).toMatch(/onemap_http_request_duration_seconds_bucket\{le="0.1",group="tiles"\} \d+/);
    const hits = Number(/onemap_tile_cache_hits (\d+)/.exec(m.text)?.[1]);
    expect(hits).toBeGreaterThanOrEqual(2);
    expect(m.text).toMatch(/onemap_tile_cache_hit_ratio 0\.\d+/);
    expect(m.text).toMatch(/onemap_pg_pool_total \d+/);
    expect(m.text).toMatch(/onemap_process_resident_memory_bytes \d+/);
    // The raw path never becomes a label (bounded cardinality).
    expect(m.text).not.toMatch(/group="\/tiles/);
  });
  it('/ready turns 503 while the database refuses connections, and recovers by itself', async () => {
    const dbName = new URL(platform.databaseUrl).pathname.slice(1);
    const admin = inject('adminUrl');
    // Make the server's pooled connections go away and keep new ones out.
    await withAdmin(admin, async (c) => {
      await c.query(`ALTER DATABASE ${dbName} WITH ALLOW_CONNECTIONS false`);
      await c.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [dbName]);
    });
    try {
      const down = await get('/ready');
      expect(down.status).toBe(503);
      expect(JSON.parse(down.text).checks.database).toBe('unreachable');
      const t = lonLatToTile(121.42, 28.66, 15);
      // A tile that is not cached cannot be rendered: 503 with a problem body, never a 500 or a hang.
      const tile = await get(`/tiles/roads/15/${t.x}/${t.y}.mvt?datetime=2021-01-01`);
      expect(tile.status).toBe(503);
      expect(tile.type).toContain('application/problem+json');
    } finally {
      await withAdmin(admin, (c) => c.query(`ALTER DATABASE ${dbName} WITH ALLOW_CONNECTIONS true`));
    }
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = (await get('/ready')).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
  });

});
