/** `/api`: the OpenAPI 3.0 definition, generated from the catalogue at start-up. */
import Router from '@koa/router';
import type { AppContext } from '../app-context.ts';
import { pickParams } from '../query-params.ts';
import { viewOf } from '../middleware/security.ts';
import type { Plans } from '../services/layer-plans.ts';
import { OPENAPI_TYPE } from '../services/features-documents.ts';
import { openApiDocument } from '../services/features-openapi.ts';
import { checkFormat } from '../services/features-params.ts';

export function openApiRoutes({ config }: AppContext): Router {
  const router = new Router();
  // One document per view (secure-plans.ts): layers the caller may not see are not described.
  const bodies = new WeakMap<Plans, string>();
  router.get('/api', (koa) => {
    checkFormat(pickParams(koa.query, ['f']).f);
    const view = viewOf(koa);
    let body = bodies.get(view);
    if (body === undefined)
      bodies.set(view, (body = JSON.stringify(openApiDocument(view.catalog, [...view.layers.values()], { base: config.publicBaseUrl, maxLimit: config.featuresMaxLimit, maxExport: config.exportMaxFeatures }))));
    koa.type = OPENAPI_TYPE;
    koa.body = body;
  });
  return router;
}
