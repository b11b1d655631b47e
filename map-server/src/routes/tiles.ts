/**
 * Vector tiles and TileJSON: `/tiles/{layer[,layer…]}/{z}/{x}/{y}.mvt` and `/tiles/{layers}.json`.
 * Parse → call → respond; no SQL here.
 */
import Router from '@koa/router';
import { parseTileCoord, TileCoordError } from '@onemap/tiles';
import { BadRequestError, NotFoundError } from '../errors.ts';
import { parseInstant, pickParams } from '../query-params.ts';
import { readTile } from '../services/tile-service.ts';
import { MVT_MEDIA_TYPE, sendTile } from './tile-response.ts';
import type { LayerPlan, Plans } from '../services/layer-plans.ts';
import type { AppContext } from '../app-context.ts';
import { noteAccess, viewOf } from '../middleware/security.ts';

/** The MVT media type (one definition, in tile-response.ts). */
export const MVT_TYPE = MVT_MEDIA_TYPE;

/**
 * Resolves `a,b,c` to plans, 404 naming the unknown ones. Pass the caller's view (viewOf):
 * a layer the caller may not see is unknown, with the same message as a missing one.
 */
export function resolveLayers(plans: Plans, list: string): LayerPlan[] {
  const ids = list.split(',');
  if (ids.length > 32) throw new BadRequestError('at most 32 layers per composite tile');
  const unknown = ids.filter((id) => !plans.layers.has(id));
  if (unknown.length) throw new NotFoundError('LayerNotFound', `unknown layer(s): ${unknown.join(', ')}`);
  return [...new Set(ids)].map((id) => plans.layers.get(id)!);
}

export function tileRoutes(ctx: AppContext): Router {
  const router = new Router();
  const { pool, config, tileCache } = ctx;

  router.get('/tiles/:layers/:z/:x/:y.mvt', async (koa) => {
    const p = koa.params as { layers: string; z: string; x: string; y: string };
    const layers = resolveLayers(viewOf(koa), p.layers);
    noteAccess(koa, layers.map((l) => l.spec));
    let coord;
    try {
      coord = parseTileCoord(p.z, p.x, p.y);
    } catch (err) {
      if (err instanceof TileCoordError) throw new BadRequestError(err.message, { z: p.z, x: p.x, y: p.y });
      throw err;
    }
    const q = pickParams(koa.query, ['datetime']);
    const asOfMs = q.datetime !== undefined ? parseInstant(q.datetime) : undefined;
    const inRange = layers.filter((l) => coord.z >= l.spec.zoom.min && coord.z <= l.spec.zoom.max);
    if (!inRange.length) {
      const ranges = layers.map((l) => `${l.spec.id} ${l.spec.zoom.min}–${l.spec.zoom.max}`).join(', ');
      throw new NotFoundError('TileOutsideZoomRange', `z=${coord.z} is outside the zoom range of ${ranges}`);
    }
    const { tile, status } = await readTile(pool, tileCache, inRange, coord, asOfMs);
    sendTile(koa, tile, status);
  });

  router.get('/tiles/:layers.json', (koa) => {
    const p = koa.params as { layers: string };
    const view = viewOf(koa);
    const layers = resolveLayers(view, p.layers);
    pickParams(koa.query, ['f']);
    koa.type = 'application/json';
    koa.body = tileJson(config.publicBaseUrl, p.layers, layers, view);
  });

  return router;
}

const JSON_FIELD_TYPE = { string: 'String', integer: 'Number', number: 'Number', boolean: 'Boolean', date: 'String', datetime: 'String' } as const;

/** TileJSON 3.0.0 for one layer or a composite, derived from the catalogue. */
export function tileJson(base: string, list: string, layers: readonly LayerPlan[], plans: Plans) {
  const bounds = unionBounds(layers.map((l) => l.bounds)) ?? plans.bounds ?? [-180, -85.0511, 180, 85.0511];
  const minzoom = Math.min(...layers.map((l) => l.spec.zoom.min));
  const maxzoom = Math.max(...layers.map((l) => l.spec.zoom.max));
  const single = layers.length === 1 ? layers[0] : undefined;
  return {
    tilejson: '3.0.0',
    name: single ? single.spec.title.zh : layers.map((l) => l.spec.title.zh).join(' + '),
    description: single ? single.spec.description.zh : `组合图层 / composite: ${list}`,
    version: '1.0.0',
    attribution: '台州市时空信息云平台 (示例数据 / sample data)',
    scheme: 'xyz',
    tiles: [`${base}/tiles/${list}/{z}/{x}/{y}.mvt`],
    minzoom,
    maxzoom,
    bounds,
    center: [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2, Math.max(minzoom, Math.min(maxzoom, 10))],
    vector_layers: layers.map((l) => ({
      id: l.spec.id,
      description: l.spec.title.zh,
      minzoom: l.spec.zoom.min,
      maxzoom: l.spec.zoom.max,
      fields: Object.fromEntries(l.spec.properties.map((p) => [p.name, JSON_FIELD_TYPE[p.type]])),
    })),
  };
}

function unionBounds(list: readonly (readonly [number, number, number, number] | undefined)[]): [number, number, number, number] | undefined {
  const b = list.filter((x): x is readonly [number, number, number, number] => x !== undefined);
  if (!b.length) return undefined;
  return [Math.min(...b.map((x) => x[0])), Math.min(...b.map((x) => x[1])), Math.max(...b.map((x) => x[2])), Math.max(...b.map((x) => x[3]))];
}
