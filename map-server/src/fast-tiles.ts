/**
 * The hot path for plain tile requests (`GET /tiles/{layers}/{z}/{x}/{y}.mvt`, no query string),
 * served straight from Node's request handler without the Koa middleware chain. At z16 a tile
 * costs PostgreSQL ~0.3 ms, so ~0.1 ms of per-request framework work is a quarter of the total
 * (tiles-performance.md §5). Anything unusual — a query string, an unknown layer, a coordinate
 * out of range — is left to the Koa app, which owns every error response. It serves anonymous
 * callers only, from the public view of the plans (secure-plans.ts): a request with an
 * Authorization header, or naming a layer the public may not see, goes to Koa.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { AppContext } from './app-context.ts';
import { toProblem } from './errors.ts';
import { MVT_MEDIA_TYPE as MVT_TYPE, tileRepresentation, type TileEncoding } from './routes/tile-response.ts';
import { readTile } from './services/tile-service.ts';
import type { LayerPlan } from './services/layer-plans.ts';
import { publicView } from './services/secure-plans.ts';

const PLAIN_TILE = /^\/tiles\/([a-z0-9_,]{1,400})\/(0|[1-9]\d?)\/(0|[1-9]\d{0,9})\/(0|[1-9]\d{0,9})\.mvt$/;


/** The best stored encoding the client accepts (q-values of 0 exclude an encoding). */
export function pickEncoding(acceptEncoding: string | undefined): TileEncoding {
  if (!acceptEncoding) return 'identity';
  const accepted = new Map<string, number>();
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)).find(Boolean);
    accepted.set(name!, q ? Number(q[1]) : 1);
  }
  const ok = (e: string) => (accepted.get(e) ?? accepted.get('*') ?? 0) > 0;
  return ok('br') ? 'br' : ok('gzip') ? 'gzip' : 'identity';
}

export function fastTileHandler({ secure, pool, tileCache, metrics }: AppContext, logger: Logger): (req: IncomingMessage, res: ServerResponse) => boolean {
  const plans = publicView(secure);
  return (req, res) => {
    if (req.method !== 'GET' || req.headers.authorization !== undefined) return false;
    // Without a cache nothing is pre-compressed: clients that want gzip/br go to Koa's compressor.
    if (!tileCache && pickEncoding(req.headers['accept-encoding']) !== 'identity') return false;
    const m = PLAIN_TILE.exec(req.url ?? '');
    if (!m) return false;
    const z = Number(m[2]);
    const x = Number(m[3]);
    const y = Number(m[4]);
    const n = 2 ** z;
    if (z > 30 || x >= n || y >= n) return false;
    const ids = m[1]!.split(',');
    const layers: LayerPlan[] = [];
    for (const id of ids) {
      const plan = plans.layers.get(id);
      if (!plan) return false;
      if (z >= plan.spec.zoom.min && z <= plan.spec.zoom.max && !layers.includes(plan)) layers.push(plan);
    }
    if (!layers.length || ids.length > 32) return false;
    const started = performance.now();
    res.once('finish', () => metrics.observeRequest('tiles', 'GET', res.statusCode, (performance.now() - started) / 1000));
    void readTile(pool, tileCache, layers, { z, x, y }).then(
      ({ tile, status }) => {
        const headers: Record<string, string> = {
          'Cache-Control': 'no-cache',
          Vary: 'Accept-Encoding',
          'Access-Control-Allow-Origin': '*',
          'Access-Control-Expose-Headers': 'ETag, X-Tile-Cache',
          'X-Tile-Cache': status,
        };
        if (tile.raw.length === 0) {
          res.writeHead(204, headers).end();
          return;
        }
        const { body, etag, contentEncoding } = tileRepresentation(tile, tileCache ? pickEncoding(req.headers['accept-encoding']) : 'identity');
        headers['ETag'] = etag;
        const inm = req.headers['if-none-match'];
        if (inm && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === etag.replace(/^W\//, ''))) {
          res.writeHead(304, headers).end();
          return;
        }
        headers['Content-Type'] = MVT_TYPE;
        headers['Content-Length'] = String(body.length);
        if (contentEncoding) headers['Content-Encoding'] = contentEncoding;
        res.writeHead(200, headers).end(body);
      },
      (err: unknown) => {
        const requestId = randomUUID();
        const problem = toProblem(err, req.url ?? '', requestId);
        if (problem.status >= 500) logger.error({ err, requestId, path: req.url }, 'tile request failed');
        res.writeHead(problem.status, { 'Content-Type': 'application/problem+json', 'Cache-Control': 'no-store', 'X-Request-Id': requestId }).end(JSON.stringify(problem));
      },
    );
    return true;
  };
}
