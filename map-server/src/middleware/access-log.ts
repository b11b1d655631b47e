import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { routeGroup, type Metrics } from '../services/metrics.ts';

/**
 * One structured line per request (method, path without the query — it may carry tokens —,
 * status, ms, request id) and the request metrics. Errors log at info, the rest at debug.
 */
export function accessLog(logger: Logger, metrics: Metrics): Middleware {
  return async (ctx, next) => {
    const start = performance.now();
    try {
      await next();
    } finally {
      const ms = Math.round((performance.now() - start) * 10) / 10;
      ctx.set('Server-Timing', `app;dur=${ms}`);
      metrics.observeRequest(routeGroup(ctx.path), ctx.method, ctx.status, ms / 1000);
      const line = { requestId: ctx.state['requestId'], method: ctx.method, path: ctx.path, status: ctx.status, ms };
      if (ctx.status >= 400) logger.info(line, 'request');
      else logger.debug(line, 'request');
    }
  };
}
