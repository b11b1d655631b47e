/**
 * 多源遥感影像: the STAC API (`/stac/…`), scene upload for admins, COG downloads with HTTP
 * ranges, raster tiles (time mosaic and per scene; 256 px, or 512 px with `@2x`; PNG or WebP;
 * true/false colour, any three bands, NDVI), a timeline of dates and a point probe.
 * Parse → call → respond; SQL lives in the services.
 */
import Router from '@koa/router';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Context } from 'koa';
import { bodyParser } from '@koa/bodyparser';
import { parseTileCoord, TileCoordError, type TileCoord } from '@onemap/tiles';
import { parseRasterStyle, RASTER_MEDIA_TYPES, StyleBandError, type RasterFormat, type RasterStyle } from '@onemap/tiles/raster';
import type { AppContext } from '../app-context.ts';
import { AppError, BadRequestError, NotFoundError } from '../errors.ts';
import { parseInstant, pickParams } from '../query-params.ts';
import { authenticate, AuthError } from '../services/auth-tokens.ts';
import { ingestScene } from '../services/imagery/ingest.ts';
import { collectionDocument, getItem, itemDocument, landingDocument, listCollections, parseStacSearch, searchItems, STAC_CONFORMANCE, type StacSearch } from '../services/imagery/stac.ts';
import { ImageryTiles, type MosaicQuery, type TileOptions } from '../services/imagery/tile-service.ts';

const TILE_NAME = /^(\d{1,10})(@2x)?\.(png|webp)$/;
const UPLOAD_LIMIT_BYTES = 2 * 1024 ** 3;
const SEARCH_PARAMS = ['bbox', 'intersects', 'datetime', 'collections', 'ids', 'limit', 'token', 'f'] as const;
const ITEMS_PARAMS = ['bbox', 'datetime', 'limit', 'token', 'f'] as const;
const MOSAIC_PARAMS = ['datetime', 'collections', 'cloud_cover', 'style', 'bands'] as const;

function parseTile(zText: string, xText: string, name: string): { coord: TileCoord; size: 256 | 512; format: RasterFormat } {
  const m = TILE_NAME.exec(name);
  if (!m) throw new NotFoundError('NotFound', `瓦片名须为 {y}.png、{y}.webp 或 {y}@2x.png / tile names are {y}.png, {y}.webp or {y}@2x.png, got "${name.slice(0, 30)}"`);
  try {
    return { coord: parseTileCoord(zText, xText, m[1]!), size: m[2] ? 512 : 256, format: m[3] as RasterFormat };
  } catch (err) {
    if (err instanceof TileCoordError) throw new BadRequestError(err.message, { z: zText, x: xText, y: m[1] });
    throw err;
  }
}

function style(p: { style?: string; bands?: string }): RasterStyle {
  try {
    return parseRasterStyle(p.style, p.bands);
  } catch (err) {
    if (err instanceof StyleBandError) throw new BadRequestError(`波段组合无效 / ${err.message}`);
    throw err;
  }
}

function collectionsParam(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const list = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (!list.length || list.some((c) => !/^[a-z0-9][a-z0-9_-]{0,62}$/.test(c))) throw new BadRequestError('collections 须为逗号分隔的集合编号 / collections must be comma-separated collection ids');
  return list;
}

function mosaicQuery(p: Partial<Record<(typeof MOSAIC_PARAMS)[number], string>>): MosaicQuery {
  const datetime = new Date(p.datetime === undefined ? Date.now() : parseInstant(p.datetime)).toISOString();
  let cloudMax = 100;
  if (p.cloud_cover !== undefined) {
    cloudMax = Number(p.cloud_cover);
    if (p.cloud_cover.trim() === '' || !(cloudMax >= 0 && cloudMax <= 100)) throw new BadRequestError('cloud_cover 须在 0–100 / cloud_cover must be a percentage within [0, 100]');
  }
  const collections = collectionsParam(p.collections);
  return { datetime, cloudMax, ...(collections ? { collections } : {}) };
}

function sendRaster(koa: Context, t: { bytes: Buffer; etag: string; cache: string }, format: RasterFormat): void {
  koa.set('X-Tile-Cache', t.cache);
  koa.set('Cache-Control', 'no-cache');
  if (t.bytes.length === 0) {
    koa.status = 204;
    return;
  }
  koa.set('ETag', t.etag);
  koa.type = RASTER_MEDIA_TYPES[format];
  koa.status = 200;
  if (koa.fresh) {
    koa.status = 304;
    return;
  }
  koa.compress = false;
  koa.body = t.bytes;
}

/** A file (or a byte range of it); HEAD gets the headers only, with the length (GDAL probes with HEAD). */
function sendFile(koa: Context, status: 200 | 206, path: string, length: number, range: { start?: number; end?: number }): void {
  if (koa.method === 'HEAD') {
    koa.body = null; // sets 204 and drops the headers: set them again after
    koa.status = status;
    koa.type = 'image/tiff';
    koa.length = length;
    return;
  }
  koa.status = status;
  koa.type = 'image/tiff';
  koa.length = length;
  koa.body = createReadStream(path, range);
}

export function imageryRoutes(ctx: AppContext): Router {
  const { pool, config } = ctx;
  const base = config.publicBaseUrl;
  const imageryDir = resolve(config.imageryDir);
  const tiles = new ImageryTiles(pool, imageryDir, ctx.tileCache);
  const router = new Router();
  const parseJson = bodyParser({ enableTypes: ['json'], jsonLimit: '1mb' });
  const json = (koa: Context, doc: unknown, type = 'application/json') => {
    koa.type = type;
    koa.body = JSON.stringify(doc);
  };

  const searchPage = async (koa: Context, s: StacSearch, selfHref: string, nextHref: (token: string) => string, post?: Record<string, unknown>) => {
    const { rows, matched } = await searchItems(pool, s);
    const links: Record<string, unknown>[] = [
      { rel: 'self', href: selfHref, type: 'application/geo+json' },
      { rel: 'root', href: `${base}/stac`, type: 'application/json' },
    ];
    if (s.offset + rows.length < matched) {
      const token = `o${s.offset + rows.length}`;
      links.push(post ? { rel: 'next', href: `${base}/stac/search`, type: 'application/geo+json', method: 'POST', body: { ...post, token }, merge: false } : { rel: 'next', href: nextHref(token), type: 'application/geo+json' });
    }
    json(koa, { type: 'FeatureCollection', features: rows.map((r) => itemDocument(r, base)), links, numberMatched: matched, numberReturned: rows.length }, 'application/geo+json');
  };
  const withToken = (path: string, query: Record<string, unknown>, token: string) => {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (k !== 'token' && typeof v === 'string') q.set(k, v);
    q.set('token', token);
    return `${base}${path}?${q.toString()}`;
  };
  const selfOf = (koa: Context) => `${base}${koa.path}${koa.querystring ? `?${koa.querystring}` : ''}`;

  router.get('/stac', (koa) => {
    pickParams(koa.query, ['f']);
    json(koa, landingDocument(base));
  });
  router.get('/stac/conformance', (koa) => {
    pickParams(koa.query, ['f']);
    json(koa, { conformsTo: STAC_CONFORMANCE });
  });
  router.get('/stac/collections', async (koa) => {
    pickParams(koa.query, ['f']);
    const rows = await listCollections(pool);
    json(koa, {
      collections: rows.map((c) => collectionDocument(c, base)),
      links: [
        { rel: 'self', href: `${base}/stac/collections`, type: 'application/json' },
        { rel: 'root', href: `${base}/stac`, type: 'application/json' },
        { rel: 'parent', href: `${base}/stac`, type: 'application/json' },
      ],
    });
  });
  router.get('/stac/collections/:cid', async (koa) => {
    pickParams(koa.query, ['f']);
    const [c] = await listCollections(pool, koa.params['cid']!);
    json(koa, collectionDocument(c!, base));
  });
  router.get('/stac/collections/:cid/items', async (koa) => {
    const p = pickParams(koa.query, ITEMS_PARAMS);
    const cid = koa.params['cid']!;
    await listCollections(pool, cid); // 404 for an unknown collection
    const s = parseStacSearch(p, cid);
    await searchPage(koa, s, selfOf(koa), (t) => withToken(koa.path, p, t));
  });
  router.get('/stac/collections/:cid/items/:iid', async (koa) => {
    pickParams(koa.query, ['f']);
    json(koa, itemDocument(await getItem(pool, koa.params['cid']!, koa.params['iid']!), base), 'application/geo+json');
  });
  router.get('/stac/search', async (koa) => {
    const p = pickParams(koa.query, SEARCH_PARAMS);
    const s = parseStacSearch(p);
    await searchPage(koa, s, selfOf(koa), (t) => withToken('/stac/search', p, t));
  });
  router.post('/stac/search', parseJson, async (koa) => {
    pickParams(koa.query, []);
    const body = koa.request.body;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadRequestError('请求体须为 JSON 对象 / the search body must be a JSON object');
    const unknown = Object.keys(body).filter((k) => !(SEARCH_PARAMS as readonly string[]).includes(k));
    if (unknown.length) throw new BadRequestError(`未知的检索字段 / unknown search field(s): ${unknown.join(', ')}`);
    const s = parseStacSearch(body as Record<string, unknown>);
    await searchPage(koa, s, `${base}/stac/search`, () => '', body as Record<string, unknown>);
  });

  // Upload: the GeoTIFF bytes as the body (Content-Type image/tiff), metadata as parameters.
  router.post('/stac/collections/:cid/items', async (koa) => {
    const p = pickParams(koa.query, ['id', 'datetime', 'cloud_cover']);
    const actor = await authenticate(pool, koa.get('Authorization') || undefined);
    if (actor.role !== 'admin') throw new AuthError(403, '只有管理员可以上传影像 / only admins may upload imagery');
    if (!koa.is('image/tiff', 'application/octet-stream')) throw new AppError(415, 'UnsupportedMediaType', '请以 image/tiff 上传 GeoTIFF / send the GeoTIFF as image/tiff');
    const declared = Number(koa.get('Content-Length') || 0);
    if (declared > UPLOAD_LIMIT_BYTES) throw new AppError(413, 'PayloadTooLarge', '影像超过 2 GiB / the upload exceeds 2 GiB');
    const cloud = p.cloud_cover === undefined ? undefined : Number(p.cloud_cover);
    if (cloud !== undefined && !(cloud >= 0 && cloud <= 100)) throw new BadRequestError('cloud_cover 须在 0–100 / cloud_cover must be within [0, 100]');
    const uploads = join(imageryDir, '.uploads');
    await mkdir(uploads, { recursive: true });
    const file = join(uploads, `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}.tif`);
    try {
      let bytes = 0;
      await pipeline(
        koa.req,
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            bytes += chunk.length;
            if (bytes > UPLOAD_LIMIT_BYTES) throw new AppError(413, 'PayloadTooLarge', '影像超过 2 GiB / the upload exceeds 2 GiB');
            yield chunk;
          }
        },
        createWriteStream(file),
      );
      if (bytes === 0) throw new BadRequestError('请求体为空 / the request body is empty; send the GeoTIFF bytes');
      const r = await ingestScene(pool, {
        file,
        collection: koa.params['cid']!,
        ...(p.id !== undefined ? { id: p.id } : {}),
        ...(p.datetime !== undefined ? { datetime: p.datetime } : {}),
        ...(cloud !== undefined ? { cloudCover: cloud } : {}),
        imageryDir,
        properties: { 'onemap:uploaded_by': actor.name },
      });
      const item = itemDocument(await getItem(pool, r.collection, r.id), base);
      koa.status = 201;
      koa.set('Location', `${base}/stac/collections/${encodeURIComponent(r.collection)}/items/${encodeURIComponent(r.id)}`);
      json(koa, { ...item, 'onemap:ingest': { converted: r.converted, footprint_km2: Math.round(r.footprintAreaKm2 * 1000) / 1000 } }, 'application/geo+json');
    } finally {
      await rm(file, { force: true });
    }
  });

  // COG download with byte ranges (GDAL /vsicurl/ and QGIS read COGs this way).
  router.get('/imagery/cogs/:cid/:file', async (koa) => {
    pickParams(koa.query, []);
    const m = /^(.+)\.tif$/.exec(koa.params['file']!);
    if (!m) throw new NotFoundError('NotFound', 'COG 地址须以 .tif 结尾 / COG paths end in .tif');
    const { rows } = await pool.query<{ cog_path: string; cog_sha1: string }>('SELECT cog_path, cog_sha1 FROM imagery.items WHERE collection = $1 AND id = $2', [koa.params['cid'], m[1]]);
    if (!rows[0]) throw new NotFoundError('ItemNotFound', `没有影像 / no item "${m[1]}"`);
    const path = resolve(imageryDir, rows[0].cog_path);
    if (!path.startsWith(imageryDir + sep)) throw new NotFoundError('NotFound', 'no such file');
    const size = (await stat(path)).size;
    koa.set('Accept-Ranges', 'bytes');
    koa.set('ETag', `"${rows[0].cog_sha1}"`);
    koa.type = 'image/tiff';
    koa.compress = false;
    const range = /^bytes=(\d*)-(\d*)$/.exec(koa.get('Range'));
    if (range && (range[1] || range[2])) {
      const start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]));
      const end = range[1] && range[2] ? Math.min(size - 1, Number(range[2])) : size - 1;
      if (start >= size || start > end) {
        koa.status = 416;
        koa.set('Content-Range', `bytes */${size}`);
        return;
      }
      koa.set('Content-Range', `bytes ${start}-${end}/${size}`);
      sendFile(koa, 206, path, end - start + 1, { start, end });
      return;
    }
    sendFile(koa, 200, path, size, {});
  });

  router.get('/imagery/tiles/:z/:x/:tile', async (koa) => {
    const p = pickParams(koa.query, MOSAIC_PARAMS);
    const { coord, size, format } = parseTile(koa.params['z']!, koa.params['x']!, koa.params['tile']!);
    const q = mosaicQuery(p);
    const opts: TileOptions = { size, format, style: style(p) };
    const stack = await tiles.mosaicStack(coord, q);
    sendRaster(koa, await tiles.tile(coord, stack, opts), format);
  });
  router.get('/imagery/scenes/:cid/:iid/tiles/:z/:x/:tile', async (koa) => {
    const p = pickParams(koa.query, ['style', 'bands']);
    const { coord, size, format } = parseTile(koa.params['z']!, koa.params['x']!, koa.params['tile']!);
    const stack = await tiles.sceneStack(koa.params['cid']!, koa.params['iid']!);
    sendRaster(koa, await tiles.tile(coord, stack, { size, format, style: style(p) }), format);
  });

  // Dates available per collection (optionally over a bbox), for the client's timeline.
  router.get('/imagery/timeline', async (koa) => {
    const p = pickParams(koa.query, ['bbox', 'collections']);
    const collections = collectionsParam(p.collections);
    const bbox = p.bbox === undefined ? undefined : parseStacSearch({ bbox: p.bbox }).bbox;
    const { rows } = await pool.query<{ collection: string; title: string; scenes: { id: string; datetime: string; cloud_cover: number | null; gsd: number }[] }>(
      `SELECT c.id AS collection, c.title,
              COALESCE(json_agg(json_build_object('id', i.id, 'datetime', to_char(i.datetime AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'), 'cloud_cover', i.cloud_cover, 'gsd', i.gsd_m)
                ORDER BY i.datetime, i.id) FILTER (WHERE i.id IS NOT NULL), '[]') AS scenes
         FROM imagery.collections c
         LEFT JOIN imagery.items i ON i.collection = c.id
              AND ($1::float8 IS NULL OR ST_Intersects(i.footprint, ST_MakeEnvelope($1, $2, $3, $4, 4490)))
        WHERE ($5::text[] IS NULL OR c.id = ANY($5::text[]))
        GROUP BY c.id, c.title ORDER BY c.id`,
      [bbox?.[0] ?? null, bbox?.[1] ?? null, bbox?.[2] ?? null, bbox?.[3] ?? null, collections ?? null],
    );
    json(koa, { collections: rows });
  });

  router.get('/imagery/point', async (koa) => {
    const p = pickParams(koa.query, ['lon', 'lat', 'datetime', 'collections', 'cloud_cover']);
    const lon = Number(p.lon), lat = Number(p.lat);
    if (p.lon === undefined || p.lat === undefined || !(lon >= -180 && lon <= 180) || !(lat >= -90 && lat <= 90)) throw new BadRequestError('lon/lat 须为经纬度 / lon and lat are required degrees');
    const v = await tiles.point(lon, lat, mosaicQuery(p));
    if (!v) throw new NotFoundError('NoImagery', '该点在该时间没有影像 / no imagery covers this point at that time');
    json(koa, v);
  });

  return router;
}
