/**
 * Data imports (issue #10 item 5): `POST /imports?layer=…` with the file as the raw request
 * body (GeoJSON, CSV, zipped Shapefile, GeoPackage, KML/KMZ — sniffed, or named by
 * Content-Type / `format`), answered 202 with a job; `GET /imports/{id}` for its status and
 * report. Problems the caller can fix (size, format, CRS, field mapping) are 4xx before a job
 * exists. Writers only: `authenticate()` (editor or admin).
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import type { CoordinateOffset, SourceKind } from '@onemap/geodata/readers';
import { parseEncoding } from '@onemap/geodata/readers';
import type { AppContext } from '../app-context.ts';
import { AppError, BadRequestError, NotFoundError } from '../errors.ts';
import { noteAccess, viewOf } from '../middleware/security.ts';
import { pickParams } from '../query-params.ts';
import { authenticate } from '../services/auth-tokens.ts';
import { parseImportCrs } from '../services/import-crs.ts';
import { createJob, getJob, ImportQueue, prepareImport, runJob, type ImportOptions } from '../services/import-jobs.ts';

const CONTENT_TYPES: Record<string, SourceKind | undefined> = {
  'application/geo+json': 'geojson',
  'application/json': 'geojson',
  'text/csv': 'csv',
  'application/csv': 'csv',
  'application/zip': 'shapefile',
  'application/x-zip-compressed': 'shapefile',
  'application/geopackage+sqlite3': 'geopackage',
  'application/vnd.google-earth.kml+xml': 'kml',
  'application/vnd.google-earth.kmz': 'kmz',
  'application/octet-stream': undefined,
};
const FORMATS: readonly SourceKind[] = ['geojson', 'csv', 'shapefile', 'geopackage', 'kml', 'kmz'];
const PARAMS = ['layer', 'crs', 'coords', 'map', 'format', 'encoding', 'columns', 'sourceLayer', 'dryRun', 'strict', 'comment', 'filename'] as const;

function flag(value: string | undefined, name: string): boolean {
  if (value === undefined) return false;
  if (value !== 'true' && value !== 'false') throw new BadRequestError(`${name} 必须是 true 或 false / ${name} must be true or false`, { parameter: name });
  return value === 'true';
}

/** `map=floors:层数,use:用途` (target:source pairs). */
export function parseMap(text: string | undefined): Record<string, string> | undefined {
  if (text === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const pair of text.split(',')) {
    const i = pair.indexOf(':');
    const [target, source] = i < 0 ? ['', ''] : [pair.slice(0, i).trim(), pair.slice(i + 1).trim()];
    if (!target || !source) throw new BadRequestError(`map 应为 属性:字段,… / map must be property:field pairs separated by commas, got "${pair.slice(0, 40)}"`, { parameter: 'map' });
    if (target in out) throw new BadRequestError(`map 中 ${target} 出现两次 / map names ${target.slice(0, 40)} twice`, { parameter: 'map' });
    out[target] = source;
  }
  return out;
}

/** The query string as import options (400 for anything malformed). */
export function parseImportQuery(q: Partial<Record<(typeof PARAMS)[number], string>>, contentType: string): { layer: string; options: ImportOptions; fileName: string | undefined } {
  if (!q.layer) throw new BadRequestError('layer 必填 / layer is required: the id of an editable layer (e.g. buildings, roads)', { parameter: 'layer' });
  let coords: CoordinateOffset | undefined;
  if (q.coords !== undefined && q.coords !== 'wgs84' && q.coords !== 'cgcs2000') {
    if (q.coords !== 'gcj02' && q.coords !== 'bd09') throw new BadRequestError(`coords 必须是 gcj02、bd09 或 wgs84 / coords must be gcj02, bd09 or wgs84, got "${q.coords.slice(0, 20)}"`, { parameter: 'coords' });
    coords = q.coords;
  }
  let format: SourceKind | undefined;
  if (q.format !== undefined) {
    if (!(FORMATS as readonly string[]).includes(q.format)) throw new BadRequestError(`format 必须是 ${FORMATS.join('、')} 之一 / format must be one of ${FORMATS.join(', ')}`, { parameter: 'format' });
    format = q.format as SourceKind;
  } else {
    const type = contentType.split(';')[0]!.trim().toLowerCase();
    if (type === 'multipart/form-data')
      throw new AppError(415, 'UnsupportedMediaType', '请直接以请求体发送文件 / send the file itself as the request body (curl --data-binary @file), not multipart/form-data');
    if (type !== '' && !(type in CONTENT_TYPES))
      throw new AppError(415, 'UnsupportedMediaType', `不支持的 Content-Type / unsupported Content-Type "${type.slice(0, 60)}"; send ${Object.keys(CONTENT_TYPES).join(', ')}`);
    format = CONTENT_TYPES[type];
  }
  const encoding = q.encoding === undefined ? undefined : parseEncoding(q.encoding);
  if (q.encoding !== undefined && encoding === undefined) throw new BadRequestError('encoding 必须是 utf-8 或 gbk / encoding must be utf-8 or gbk', { parameter: 'encoding' });
  let columns: [string, string] | undefined;
  if (q.columns !== undefined) {
    const parts = q.columns.split(',');
    if (parts.length !== 2 || parts.some((p) => p.trim() === '')) throw new BadRequestError('columns 应为 X列,Y列 / columns must be X,Y column names', { parameter: 'columns' });
    columns = [parts[0]!, parts[1]!];
  }
  if (q.comment !== undefined && q.comment.length > 500) throw new BadRequestError('comment 最长 500 字 / comment is longer than 500 characters', { parameter: 'comment' });
  const map = parseMap(q.map);
  const options: ImportOptions = {
    ...(q.crs !== undefined ? { crs: parseImportCrs(q.crs) } : {}),
    ...(coords ? { offset: coords } : {}),
    ...(map ? { map } : {}),
    dryRun: flag(q.dryRun, 'dryRun'),
    strict: flag(q.strict, 'strict'),
    ...(q.comment ? { comment: q.comment } : {}),
    read: { ...(format ? { format } : {}), ...(encoding ? { encoding } : {}), ...(columns ? { columns } : {}), ...(q.sourceLayer !== undefined ? { layer: q.sourceLayer } : {}) },
  };
  return { layer: q.layer, options, fileName: q.filename?.slice(0, 200) };
}

class ImportTooLargeError extends AppError {
  override readonly name = 'ImportTooLargeError';
  constructor(maxBytes: number) {
    super(413, 'ImportTooLarge', `文件超过 ${Math.round(maxBytes / 1048576)} MB 上限 / the file is larger than the ${Math.round(maxBytes / 1048576)} MB one import may be (IMPORT_MAX_MB); split it`, { maxBytes });
  }
}

/** The raw body, refused with 413 past `maxBytes` (from Content-Length before reading, else while reading). */
async function readBody(koa: Context, maxBytes: number): Promise<Buffer> {
  const declared = Number(koa.get('Content-Length') || NaN);
  if (declared > maxBytes) {
    koa.set('Connection', 'close');
    throw new ImportTooLargeError(maxBytes);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of koa.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      koa.set('Connection', 'close');
      throw new ImportTooLargeError(maxBytes);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export function importRoutes({ pool, plans, config, logger }: AppContext): Router {
  const router = new Router({ prefix: '/imports' });
  const queue = new ImportQueue();

  router.post('/', async (koa) => {
    const q = pickParams(koa.query, PARAMS);
    const actor = await authenticate(pool, koa.get('Authorization') || undefined);
    const { layer: layerId, options, fileName } = parseImportQuery(q, koa.get('Content-Type'));
    // A layer the caller may not see (classification, department) is missing, with the same message.
    if (!viewOf(koa).layers.has(layerId)) throw new NotFoundError('NotFound', `没有图层 / no layer "${layerId.slice(0, 60)}"`);
    const plan = plans.layers.get(layerId)!;
    noteAccess(koa, [plan.spec]);
    const bytes = await readBody(koa, config.importMaxBytes);
    const prepared = await prepareImport(pool, plan.spec, bytes, options, config.importMaxFeatures);
    const id = await createJob(pool, prepared, { actor: actor.name, via: 'api', fileName, sizeBytes: bytes.length });
    queue.enqueue(() => runJob(pool, id, prepared, actor.name, undefined, logger));
    koa.status = 202;
    koa.set('Location', `${config.publicBaseUrl}/imports/${id}`);
    koa.body = await getJob(pool, id);
  });

  router.get('/:id', async (koa) => {
    pickParams(koa.query, []);
    const actor = await authenticate(pool, koa.get('Authorization') || undefined);
    const id = koa.params['id'] ?? '';
    if (!/^\d{1,15}$/.test(id)) throw new BadRequestError('id 必须是数字 / id must be numeric', { parameter: 'id' });
    const job = await getJob(pool, Number(id));
    // Someone else's import is reported as missing, not forbidden (its existence is not shared).
    if (!job || (actor.role !== 'admin' && job.actor !== actor.name)) throw new NotFoundError('NotFound', `导入 ${id} 不存在 / import ${id} not found`);
    koa.body = job;
  });

  return router;
}
