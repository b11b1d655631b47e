/**
 * OGC API – Tiles (standards.md §5): `/tiles` (all layers, the dataset) and
 * `/collections/{id}/tiles` lists, their tilesets per tile matrix set, tiles at
 * `…/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}`, and `/tileMatrixSets`.
 * WebMercatorQuad tiles are the `/tiles/{layers}/{z}/{x}/{y}.mvt` tiles (row = y, col = x,
 * same statements and cache); CGCS2000Quad tiles use their own statements compiled at boot.
 * Tiles outside the published tileMatrixSetLimits are 404.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { tileMatrixSetById, type TileMatrixSetDef } from '@onemap/tiles';
import type { AppContext } from '../app-context.ts';
import { noteAccess, viewOf } from '../middleware/security.ts';
import { BadRequestError, NotFoundError } from '../errors.ts';
import { parseInstant, pickParams } from '../query-params.ts';
import { compileCgcs2000Plans, readCgcs2000Tile } from '../services/cgcs2000-tile-service.ts';
import { JSON_TYPE } from '../services/features-documents.ts';
import { checkFormat } from '../services/features-params.ts';
import type { LayerPlan, Plans } from '../services/layer-plans.ts';
import { limitsOf, tileMatrixSetDocumentWithLinks, tileMatrixSetsList, tilesetDocument, tilesetsList, type TilesetScope } from '../services/ogc-tiles-documents.ts';
import { readTile } from '../services/tile-service.ts';
import { tileJson } from './tiles.ts';
import { sendTile } from './tile-response.ts';

const INTEGER = /^(0|[1-9]\d{0,9})$/;

export function ogcTileRoutes({ pool, plans, config, tileCache }: AppContext): Router {
  const router = new Router();
  const base = config.publicBaseUrl;
  const cgcs2000 = compileCgcs2000Plans(plans.layers.values());

  /** A tileset's scope: its layers, and the bounds/zooms of their TileJSON (kept in step). */
  const scopeOf = (layers: readonly LayerPlan[], listUrl: string, title: string, description: string): TilesetScope => {
    const list = layers.map((l) => l.spec.id).join(',');
    const tj = tileJson(base, list, layers, plans);
    return { title, description, layers, listUrl, tileJsonUrl: `${base}/tiles/${list}.json`, bounds: tj.bounds as TilesetScope['bounds'], minZoom: tj.minzoom, maxZoom: tj.maxzoom };
  };
  /** The dataset and per-collection scopes of a view (built once per view: secure-plans.ts). */
  const scopesByView = new WeakMap<Plans, { dataset: TilesetScope; collections: Map<string, TilesetScope> }>();
  const scopesOf = (koa: Context) => {
    const view = viewOf(koa);
    let s = scopesByView.get(view);
    if (!s) {
      s = {
        dataset: scopeOf(view.ordered, `${base}/tiles`, plans.catalog.title.zh, `${plans.catalog.title.en}: every layer in one vector tile`),
        collections: new Map(
          [...view.layers.values()].map((l) => [l.spec.id, scopeOf([l], `${base}/collections/${l.spec.id}/tiles`, l.spec.title.zh, `${l.spec.title.en}: ${l.spec.description.en}`)]),
        ),
      };
      scopesByView.set(view, s);
    }
    return s;
  };
  const datasetScope = (koa: Context) => scopesOf(koa).dataset;

  const collectionScope = (koa: Context, id: string): TilesetScope => {
    const scope = scopesOf(koa).collections.get(id);
    if (!scope) throw new NotFoundError('NotFound', `no collection "${id}"; the collections are listed at ${base}/collections`);
    return scope;
  };
  const tmsOf = (id: string): TileMatrixSetDef => {
    const tms = tileMatrixSetById(id);
    if (!tms) throw new NotFoundError('NotFound', `no tile matrix set "${id}"; the supported ones are listed at ${base}/tileMatrixSets`);
    return tms;
  };
  const json = (koa: Context, body: unknown) => {
    checkFormat(pickParams(koa.query, ['f']).f);
    koa.type = JSON_TYPE;
    koa.body = JSON.stringify(body);
  };

  const tile = async (koa: Context, scope: TilesetScope) => {
    const p = { ...(koa.params as { tms: string; z: string; row: string; col: string }) };
    // `….mvt` is accepted too: GDAL's MVT driver opens only URLs ending in .mvt or .pbf.
    p.col = p.col.replace(/\.mvt$/, '');
    const tms = tmsOf(p.tms);
    const q = pickParams(koa.query, ['datetime', 'f']);
    checkFormat(q.f, ['mvt']);
    for (const [name, v] of [['tileMatrix', p.z], ['tileRow', p.row], ['tileCol', p.col]] as const) {
      if (!INTEGER.test(v)) throw new BadRequestError(`${name} must be a non-negative integer, got "${v.slice(0, 20)}"`, { parameter: name });
    }
    const [z, row, col] = [Number(p.z), Number(p.row), Number(p.col)];
    const limits = limitsOf(scope, tms).find((l) => l.tileMatrix === String(z));
    if (!limits || row < limits.minTileRow || row > limits.maxTileRow || col < limits.minTileCol || col > limits.maxTileCol)
      throw new NotFoundError('TileOutsideLimits', `tile ${tms.id} ${z}/${row}/${col} is outside this tileset's tileMatrixSetLimits`);
    const asOfMs = q.datetime !== undefined ? parseInstant(q.datetime) : undefined;
    const layers = scope.layers.filter((l) => z >= l.spec.zoom.min && z <= l.spec.zoom.max);
    noteAccess(koa, layers.map((l) => l.spec));
    if (tms.id === 'WebMercatorQuad') {
      const { tile: t, status } = await readTile(pool, tileCache, layers, { z, x: col, y: row }, asOfMs);
      sendTile(koa, t, status);
      return;
    }
    const raw = await readCgcs2000Tile(pool, cgcs2000, layers, z, col, row, asOfMs);
    sendTile(koa, { raw, gzip: raw.subarray(0, 0), br: raw.subarray(0, 0), etag: '' }, 'off');
  };

  router.get('/tiles', (koa) => json(koa, tilesetsList(datasetScope(koa), base, `${base}/tiles`)));
  router.get('/tiles/:tms', (koa) => json(koa, tilesetDocument(datasetScope(koa), tmsOf(koa.params['tms']!), base)));
  router.get('/tiles/:tms/:z/:row/:col', (koa) => tile(koa, datasetScope(koa)));
  router.get('/collections/:collectionId/tiles', (koa) => {
    const scope = collectionScope(koa, koa.params['collectionId']!);
    json(koa, tilesetsList(scope, base, scope.listUrl));
  });
  router.get('/collections/:collectionId/tiles/:tms', (koa) => json(koa, tilesetDocument(collectionScope(koa, koa.params['collectionId']!), tmsOf(koa.params['tms']!), base)));
  router.get('/collections/:collectionId/tiles/:tms/:z/:row/:col', (koa) => tile(koa, collectionScope(koa, koa.params['collectionId']!)));
  router.get('/tileMatrixSets', (koa) => json(koa, tileMatrixSetsList(base)));
  router.get('/tileMatrixSets/:id', (koa) => json(koa, tileMatrixSetDocumentWithLinks(tmsOf(koa.params['id']!), base)));
  return router;
}
