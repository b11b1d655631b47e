import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Middleware } from 'koa';
import serve from 'koa-static';

/**
 * Serves the built map client. Hashed assets are immutable; index.html is revalidated.
 * `/` goes to the client only for browsers (Accept: text/html); API clients asking for JSON
 * (GDAL, OWSLib with *\/*) get the OGC landing page from the router.
 */
export function clientApp(dir: string): Middleware {
  const indexPath = join(dir, 'index.html');
  const hasClient = existsSync(indexPath);
  const index = hasClient ? readFileSync(indexPath) : undefined;
  const assets = serve(dir, {
    index: false,
    maxage: 365 * 24 * 3600 * 1000,
    immutable: true,
    setHeaders: (res, path) => {
      if (!path.includes('/assets/')) res.setHeader('Cache-Control', 'no-cache');
    },
  });
  return async (ctx, next) => {
    if (!index || (ctx.method !== 'GET' && ctx.method !== 'HEAD')) return next();
    const wantsHtml = ctx.path === '/' && ctx.accepts('application/json', 'text/html') === 'text/html' && ctx.get('Accept').includes('text/html') && ctx.query['f'] !== 'json';
    if (wantsHtml || ctx.path === '/index.html') {
      ctx.type = 'text/html; charset=utf-8';
      ctx.set('Cache-Control', 'no-cache');
      ctx.body = index;
      return;
    }
    if (ctx.path.startsWith('/assets/') || /^\/[\w.-]+\.(svg|ico|png|webmanifest|txt)$/.test(ctx.path)) return assets(ctx, next);
    return next();
  };
}
