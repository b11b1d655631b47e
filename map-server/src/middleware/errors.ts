import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import { AppError, NotFoundError, toProblem } from '../errors.ts';

/**
 * The try/catch at the top of the chain: renders every error as problem+json through the one
 * mapping in errors.ts, logs 5xx with the request id, and turns unmatched routes into JSON 404s.
 */
export function errorHandler(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) throw new NotFoundError('NotFound', `no resource at ${ctx.path}`);
      // The routers' allowedMethods answer a known path with an unsupported method (405, or 501
      // for methods no router knows, e.g. TRACE) without a body: make it a JSON 405.
      if ((ctx.status === 405 || ctx.status === 501) && ctx.body === undefined) {
        const allow = ctx.response.get('Allow');
        throw new AppError(405, 'MethodNotAllowed', `不支持的方法 ${ctx.method.slice(0, 20)} / method ${ctx.method.slice(0, 20)} is not allowed here${allow ? `; allowed: ${allow}` : ''}`);
      }
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
