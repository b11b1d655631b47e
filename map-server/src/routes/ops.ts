/** Operations: liveness, readiness (database reachable, migrations current) and metrics. */
import Router from '@koa/router';
import { migrationsCurrent, projectMigrations } from '@onemap/migrations';
import type { AppContext } from '../app-context.ts';
import { pickParams } from '../query-params.ts';
import type { Metrics } from '../services/metrics.ts';

export function opsRoutes({ pool, mqtt }: AppContext, metrics: Metrics): Router {
  const router = new Router();
  const migrations = projectMigrations();

  router.get('/health', (koa) => {
    pickParams(koa.query, []);
    koa.set('Cache-Control', 'no-store');
    koa.body = { status: 'ok' };
  });

  router.get('/ready', async (koa) => {
    pickParams(koa.query, []);
    koa.set('Cache-Control', 'no-store');
    const checks: Record<string, string> = {};
    try {
      const client = await pool.connect();
      try {
        await client.query('SELECT 1');
        checks['database'] = 'ok';
        checks['migrations'] = (await migrationsCurrent(client, migrations)) ? 'ok' : 'pending';
      } finally {
        client.release();
      }
    } catch {
      checks['database'] = 'unreachable';
    }
    const ready = Object.values(checks).every((v) => v === 'ok');
    koa.status = ready ? 200 : 503;
    // The MQTT feed is optional: a broker away is reported, not a reason to take this process
    // out of the load balancer (HTTP ingest and every read still work; the bridge reconnects).
    koa.body = { status: ready ? 'ready' : 'not ready', checks, ...(mqtt ? { mqtt: mqtt.status() } : {}) };
  });

  router.get('/metrics', async (koa) => {
    pickParams(koa.query, []);
    koa.set('Cache-Control', 'no-store');
    koa.type = metrics.registry.contentType;
    koa.body = await metrics.registry.metrics();
  });
  return router;
}
