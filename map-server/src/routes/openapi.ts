/** `/api`: the OpenAPI 3.0 definition, generated from the catalogue at start-up. */
import Router from '@koa/router';
import type { AppContext } from '../app-context.ts';
import { pickParams } from '../query-params.ts';
import { OPENAPI_TYPE } from '../services/features-documents.ts';
import { openApiDocument } from '../services/features-openapi.ts';
import { checkFormat } from '../services/features-params.ts';

export function openApiRoutes({ plans, config }: AppContext): Router {
  const router = new Router();
  const body = JSON.stringify(openApiDocument(plans.catalog, [...plans.layers.values()], { base: config.publicBaseUrl, maxLimit: config.featuresMaxLimit, maxExport: config.exportMaxFeatures }));
  router.get('/api', (koa) => {
    checkFormat(pickParams(koa.query, ['f']).f);
    koa.type = OPENAPI_TYPE;
    koa.body = body;
  });
  return router;
}
