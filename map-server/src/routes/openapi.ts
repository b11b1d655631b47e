/**
 * `/api`: the OpenAPI 3.0 definition, generated from the catalogue at start-up (OGC API
 * Features/Tiles, features-openapi.ts) plus the platform's own routes (platform-openapi.ts).
 */
import Router from '@koa/router';
import type { AppContext } from '../app-context.ts';
import { pickParams } from '../query-params.ts';
import { viewOf } from '../middleware/security.ts';
import type { Plans } from '../services/layer-plans.ts';
import { OPENAPI_TYPE } from '../services/features-documents.ts';
import { openApiDocument } from '../services/features-openapi.ts';
import { checkFormat } from '../services/features-params.ts';
import { platformOpenApi, withPlatformApi } from '../services/platform-openapi.ts';

export function openApiRoutes({ config }: AppContext): Router {
  const router = new Router();
  // One document per view (secure-plans.ts): layers the caller may not see are not described.
  const bodies = new WeakMap<Plans, string>();
  // The platform part is the same for every view (no layer-specific content).
  const platform = platformOpenApi();
  router.get('/api', (koa) => {
    checkFormat(pickParams(koa.query, ['f']).f);
    const view = viewOf(koa);
    let body = bodies.get(view);
    if (body === undefined)
      bodies.set(
        view,
        (body = JSON.stringify(
          withPlatformApi(openApiDocument(view.catalog, [...view.layers.values()], { base: config.publicBaseUrl, maxLimit: config.featuresMaxLimit, maxExport: config.exportMaxFeatures }), platform),
        )),
      );
    koa.type = OPENAPI_TYPE;
    koa.body = body;
  });
  return router;
}
