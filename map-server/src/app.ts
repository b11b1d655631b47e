/**
 * Builds the Koa application without listening (tests call `callback()` or listen on port 0).
 * Middleware order (architecture.md §4): request id → errors → access log/timing → CORS →
 * compression → router.
 */
import cors from '@koa/cors';
import Koa from 'koa';
import compress from 'koa-compress';
import { constants as zlib } from 'node:zlib';
import type { AppContext } from './app-context.ts';
import { accessLog } from './middleware/access-log.ts';
import { clientApp } from './middleware/client-app.ts';
import { errorHandler } from './middleware/errors.ts';
import { requestId } from './middleware/request-id.ts';
import { security } from './middleware/security.ts';
import { authRoutes } from './routes/auth.ts';
import { catalogRoutes } from './routes/catalog.ts';
import { changeRoutes } from './routes/changes.ts';
import { editRoutes } from './routes/edit.ts';
import { opsRoutes } from './routes/ops.ts';
import { pipeRoutes } from './routes/pipes.ts';
import { exportRoutes } from './routes/export.ts';
import { featuresRoutes } from './routes/features.ts';
import { ogcTileRoutes } from './routes/ogc-tiles.ts';
import { openApiRoutes } from './routes/openapi.ts';
import { tileRoutes } from './routes/tiles.ts';
import { waterRoutes } from './routes/water.ts';
import { staRoutes } from './routes/sta.ts';
import { waterQualityRoutes } from './routes/water-quality.ts';
import { importRoutes } from './routes/imports.ts';
import { planningRoutes } from './routes/planning.ts';
import { imageryRoutes } from './routes/imagery.ts';
import { cityRoutes } from './routes/city.ts';

const COMPRESSIBLE = /^(application\/(json|geo\+json|problem\+json|schema\+json|vnd\.oai\.openapi\+json|vnd\.mapbox-vector-tile|geopackage\+sqlite3)|text\/)/;

export function createApp(ctx: AppContext): Koa {
  const app = new Koa();
  app.proxy = false;
  app.silent = true; // errors are logged by the error middleware, with the request id
  app.use(requestId());
  app.use(errorHandler(ctx.logger));
  app.use(accessLog(ctx.logger, ctx.metrics));
  app.use(cors({ origin: '*', exposeHeaders: ['ETag', 'X-Request-Id', 'Content-Crs', 'Server-Timing', 'X-Tile-Cache', 'Content-Disposition', 'OGC-NumberMatched'] }));
  app.use(
    compress({
      filter: (type) => COMPRESSIBLE.test(type),
      threshold: 1024,
      gzip: { level: 6 },
      deflate: false,
      // Brotli at its default quality 11 costs tens of ms per tile; 4 keeps it cheaper than gzip 6.
      br: { params: { [zlib.BROTLI_PARAM_QUALITY]: 4 } },
    }),
  );
  app.use(clientApp(ctx.config.clientDir));
  // Who is asking and what they may see (koa.state.principal, koa.state.plans); audits writes and non-public reads.
  app.use(security(ctx.pool, ctx.secure, ctx.logger));
  for (const router of [tileRoutes(ctx), ogcTileRoutes(ctx), catalogRoutes(ctx), featuresRoutes(ctx), exportRoutes(ctx), openApiRoutes(ctx), editRoutes(ctx), changeRoutes(ctx), opsRoutes(ctx, ctx.metrics), pipeRoutes(ctx), waterRoutes(ctx), staRoutes(ctx), waterQualityRoutes(ctx), authRoutes(ctx), imageryRoutes(ctx), importRoutes(ctx), cityRoutes(ctx), planningRoutes(ctx)]) {
    app.use(router.routes());
    app.use(router.allowedMethods({ throw: false }));
  }
  return app;
}
