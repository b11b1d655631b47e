import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { NotFoundError, toProblem } from '../errors.ts';

/**
 * The try/catch at the top of the chain: renders every error as problem+json through the one
 * mapping in errors.ts, logs 5xx with the request id, and turns unmatched routes into JSON 404s.
 */
export function errorHandler(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw new NotFoundError('NotFound', `no resource at ${ctx.path}`);
    } catch (err) {
      const requestId = String(ctx.state['requestId'] ?? '');
      const problem = toProblem(err, ctx.path, requestId);
      if (problem.status >= 500) logger.error({ err, requestId, path: ctx.path }, 'request failed');
      ctx.status = problem.status;
      ctx.remove('ETag');
      ctx.remove('Cache-Control');
      ctx.set('Cache-Control', 'no-store');
      ctx.type = 'application/problem+json';
      ctx.body = JSON.stringify(problem);
    }
  };
}
