/**
 * OGC SensorThings API 1.1 read-only subset under /sta/v1.1 over the hydrology tables
 * (standards.md §8, domain.md §2.8). Parse → call → respond; see services/water/sta-*.ts.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import type { AppContext } from '../app-context.ts';
import { parsePath, StaService } from '../services/water/sta-query.ts';

export const STA_PREFIX = '/sta/v1.1';

export function staRoutes({ pool, config }: AppContext): Router {
  const router = new Router();
  const root = `${config.publicBaseUrl.replace(/\/$/, '')}${STA_PREFIX}`;
  const service = new StaService(pool, root);

  const handle = async (koa: Context) => {
    const path = parsePath(koa.path.slice(STA_PREFIX.length));
    if (path === 'root') {
      koa.body = service.serviceRoot();
      return;
    }
    const nextLink = (skip: number) => {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(koa.query)) if (typeof v === 'string' && k !== '$skip') params.set(k, v);
      params.set('$skip', String(skip));
      return `${root}${koa.path.slice(STA_PREFIX.length)}?${params.toString().replace(/\+/g, '%20').replace(/%24/g, '$')}`;
    };
    koa.body = await service.get(path, koa.query, nextLink);
  };
  router.get(STA_PREFIX, handle);
  router.get(`${STA_PREFIX}/{*rest}`, handle);
  return router;
}
