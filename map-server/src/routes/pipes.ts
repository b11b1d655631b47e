/**
 * Pipeline analyses (issue #8): 爆管/关阀分析 and 上下游追踪/连通性. Parse → call → respond.
 * Callers with a valid API token are pipeline departments and see every attribute; anonymous
 * callers get the desensitised result (no depth, elevation, pressure or owner).
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import type { AppContext } from '../app-context.ts';
import { BadRequestError } from '../errors.ts';
import { pickParams } from '../query-params.ts';
import { authenticate } from '../services/auth-tokens.ts';
import { burstAnalysis, traceAnalysis } from '../services/pipe-analysis.ts';
import type { Pool } from '../db.ts';

const REF = /^[A-Za-z0-9_-]{1,32}$/;

function parseRef(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (!REF.test(value)) throw new BadRequestError(`${name} 必须是编号或 id / ${name} must be an id or a 编号 (letters, digits, _ -), got "${value.slice(0, 40)}"`, { parameter: name });
  return value;
}

/** Full attributes for a valid token; 401 for a bad one; public otherwise. */
async function isDepartment(pool: Pool, koa: Context): Promise<boolean> {
  const header = koa.get('Authorization');
  if (!header) return false;
  await authenticate(pool, header);
  return true;
}

export function pipeRoutes({ pool }: AppContext): Router {
  const router = new Router({ prefix: '/pipes' });

  router.get('/burst', async (koa) => {
    const q = pickParams(koa.query, ['segment', 'failedValves']);
    const segment = parseRef(q.segment, 'segment');
    if (segment === undefined) throw new BadRequestError('segment 必填 / segment is required (id or 管线编号)', { parameter: 'segment' });
    const failed = (q.failedValves ?? '').split(',').filter((s) => s !== '').map((s) => parseRef(s, 'failedValves')!);
    const full = await isDepartment(pool, koa);
    koa.body = await burstAnalysis(pool, segment, failed, full);
  });

  router.get('/trace', async (koa) => {
    const q = pickParams(koa.query, ['segment', 'point', 'direction']);
    const segment = parseRef(q.segment, 'segment');
    const point = parseRef(q.point, 'point');
    if ((segment === undefined) === (point === undefined)) throw new BadRequestError('segment 与 point 二选一 / give exactly one of segment, point', { parameter: 'segment' });
    const direction = q.direction ?? 'down';
    if (direction !== 'up' && direction !== 'down' && direction !== 'connected')
      throw new BadRequestError(`direction 必须是 up、down 或 connected / direction must be up, down or connected, got "${direction.slice(0, 20)}"`, { parameter: 'direction' });
    const full = await isDepartment(pool, koa);
    koa.body = await traceAnalysis(pool, segment !== undefined ? { segment } : { point: point! }, direction, full);
  });

  return router;
}
