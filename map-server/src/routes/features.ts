// Placeholder until the OGC API – Features routes land (being written now).
import Router from '@koa/router';
import type { AppContext } from '../app-context.ts';

export function featuresRoutes(_ctx: AppContext): Router {
  return new Router();
}
