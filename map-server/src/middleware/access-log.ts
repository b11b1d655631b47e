import type { Middleware } from 'koa';
import type { Logger } from 'pino';

/** One structured line per request: method, path (no query: it may carry tokens), status, ms. */
export function accessLog(logger: Logger): Middleware {
  return async (ctx, next) => {
    const start = performance.now();
    try {
      await next();
    } finally {
      const ms = Math.round((performance.now() - start) * 10) / 10;
      ctx.set('Server-Timing', `app;dur=${ms}`);
      logger.debug({ requestId: ctx.state['requestId'], method: ctx.method, path: ctx.path, status: ctx.status, ms }, 'request');
    }
  };
}
