/**
 * Pipeline analyses and tools (issue #8): 爆管/关阀分析, 上下游追踪/连通性, 纵横断面, 净距, 开挖,
 * nearest segment, survey export/import. Parse → call → respond.
 * They are for the pipeline departments only (issue #8 item 4): the owner department of
 * `pipe_segments` and administrators (audience 'full'). An analysis takes a caller-drawn
 * line, polygon or point and answers about the exact network, so no coarsening of its output
 * could keep it as coarse as the desensitised layer (a drawn line can be moved until it
 * touches a pipe): every other caller is refused whatever they ask, before any parameter is
 * read. Anonymous callers get 401; signed-in callers who may not see `pipe_segments` the 404
 * of an unknown path; other signed-in staff 403. Only the CJJ 61 category dictionary (names,
 * codes, colours: no positions) is open to every signed-in caller who sees the layer.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import type { AppContext } from '../app-context.ts';
import { AppError, BadRequestError, NotFoundError } from '../errors.ts';
import { pickParams } from '../query-params.ts';
import { authenticate, AuthError } from '../services/auth-tokens.ts';
import { noteAccess, principalOf } from '../middleware/security.ts';
import { burstAnalysis, traceAnalysis } from '../services/pipe-analysis.ts';
import { bodyParser } from '@koa/bodyparser';
import { profileAnalysis } from '../services/pipe-profile.ts';
import { sectionAnalysis } from '../services/pipe-section.ts';
import { clearanceAnalysis } from '../services/pipe-clearance.ts';
import { excavationAnalysis } from '../services/pipe-excavation.ts';
import { importReport, importSurvey } from '../services/pipe-import.ts';
import { reportCsv } from '../services/pipe-import-parse.ts';
import { readSurveyWorkbook, XLSX_TYPE } from '../services/pipe-survey-xlsx.ts';
import { surveyTables, tableCsv, tablesXlsx } from '../services/pipe-survey-export.ts';
import { nearestSegment, pipeCategories } from '../services/pipe-lookup.ts';

/** Paths every signed-in caller who sees `pipe_segments` may call; all others need audience 'full'. */
const OPEN_TO_STAFF: ReadonlySet<string> = new Set(['/pipes/categories']);

export const PIPELINE_DEPARTMENTS_ONLY = '管线分析与成果表仅限管线权属部门及管理员使用 / pipeline analyses and survey tools are for the pipeline departments (the owner department) and administrators only';

/** Largest XLSX survey upload (bytes). */
const MAX_XLSX_BYTES = 20 * 1024 * 1024;

/** The raw request body, refused with 413 past `limit` bytes. */
async function readRawBody(koa: Context, limit: number): Promise<Buffer> {
  const declared = Number(koa.get('Content-Length') || 0);
  const tooLarge = () => new AppError(413, 'PayloadTooLarge', `请求体超过 ${limit / 1024 / 1024} MB / the body is larger than ${limit / 1024 / 1024} MB`);
  if (declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of koa.req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function parseCrs(value: string | undefined, fallback?: string): 4549 | 4550 {
  const crs = value ?? fallback ?? '';
  if (crs !== 'EPSG:4549' && crs !== 'EPSG:4550') throw new BadRequestError(`crs 必须是 EPSG:4549 或 EPSG:4550 / crs must be EPSG:4549 or EPSG:4550, got "${crs.slice(0, 20)}"`, { parameter: 'crs' });
  return crs === 'EPSG:4549' ? 4549 : 4550;
}

const REF = /^[A-Za-z0-9_-]{1,32}$/;

function parseRef(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (!REF.test(value)) throw new BadRequestError(`${name} 必须是编号或 id / ${name} must be an id or a 编号 (letters, digits, _ -), got "${value.slice(0, 40)}"`, { parameter: name });
  return value;
}

const MAX_RUN = 500;

/** `segments=id1,id2,…`: 1..500 numeric ids, no repeats. */
function parseSegmentList(value: string | undefined): number[] {
  if (value === undefined || value === '') throw new BadRequestError('segments 必填 / segments is required: comma-separated segment ids in run order', { parameter: 'segments' });
  const parts = value.split(',');
  if (parts.length > MAX_RUN) throw new BadRequestError(`segments 最多 ${MAX_RUN} 段 / at most ${MAX_RUN} segments`, { parameter: 'segments' });
  const ids = parts.map((p) => {
    if (!/^\d{1,15}$/.test(p)) throw new BadRequestError(`segments 必须是数字 id / segments must be numeric ids, got "${p.slice(0, 20)}"`, { parameter: 'segments' });
    return Number(p);
  });
  if (new Set(ids).size !== ids.length) throw new BadRequestError('segments 有重复 / a segment is listed twice', { parameter: 'segments' });
  return ids;
}

/** A lon/lat pair inside China's extent (CGCS2000). */
function checkLonLat(c: unknown, name: string): [number, number] {
  if (!Array.isArray(c) || c.length < 2 || c.length > 3 || !c.every((v) => typeof v === 'number' && Number.isFinite(v)))
    throw new BadRequestError(`${name} 坐标无效 / ${name} has an invalid position`, { parameter: name });
  const [lon, lat] = c as number[];
  if (lon! < 73 || lon! > 136 || lat! < 3 || lat! > 54) throw new BadRequestError(`${name} 超出范围 / ${name} is outside China (lon 73..136, lat 3..54)`, { parameter: name });
  return [lon!, lat!];
}

/** `line=lon1,lat1,lon2,lat2` (GET) or a GeoJSON LineString / Feature (POST), 2..100 vertices. */
function parseCut(value: unknown, name: string): { type: 'LineString'; coordinates: number[][] } {
  if (typeof value === 'string') {
    const nums = value.split(',').map((t) => (/^-?\d+(\.\d+)?$/.test(t.trim()) ? Number(t) : NaN));
    if (nums.length !== 4 || nums.some((n) => !Number.isFinite(n))) throw new BadRequestError(`${name} 应为 lon1,lat1,lon2,lat2 / ${name} must be lon1,lat1,lon2,lat2`, { parameter: name });
    return { type: 'LineString', coordinates: [checkLonLat(nums.slice(0, 2), name), checkLonLat(nums.slice(2), name)] };
  }
  const g = value !== null && typeof value === 'object' && (value as { type?: unknown }).type === 'Feature' ? (value as { geometry?: unknown }).geometry : value;
  if (g === null || typeof g !== 'object' || (g as { type?: unknown }).type !== 'LineString') throw new BadRequestError(`${name} 必须是 GeoJSON LineString / ${name} must be a GeoJSON LineString`, { parameter: name });
  const coords = (g as { coordinates?: unknown }).coordinates;
  if (!Array.isArray(coords) || coords.length < 2 || coords.length > 100) throw new BadRequestError(`${name} 需 2–100 个顶点 / ${name} needs 2 to 100 positions`, { parameter: name });
  return { type: 'LineString', coordinates: coords.map((c) => checkLonLat(c, name)) };
}

/** `bbox=w,s,e,n` in CGCS2000 lon/lat inside China. */
function parseBbox(value: string | undefined): [number, number, number, number] {
  if (value === undefined) throw new BadRequestError('bbox 必填 / bbox is required: w,s,e,n (≤ 1 km²)', { parameter: 'bbox' });
  const nums = value.split(',').map((t) => (/^-?\d+(\.\d+)?$/.test(t.trim()) ? Number(t) : NaN));
  if (nums.length !== 4 || nums.some((n) => !Number.isFinite(n))) throw new BadRequestError('bbox 应为 w,s,e,n / bbox must be w,s,e,n', { parameter: 'bbox' });
  const [w, s] = checkLonLat(nums.slice(0, 2), 'bbox');
  const [e, n] = checkLonLat(nums.slice(2), 'bbox');
  if (!(w < e && s < n)) throw new BadRequestError('bbox 需 w < e 且 s < n / bbox needs w < e and s < n', { parameter: 'bbox' });
  return [w, s, e, n];
}

/** A GeoJSON Polygon (or a Feature of one) in lon/lat: ≤ 1000 positions, rings closed. */
function parsePolygon(value: unknown): { type: 'Polygon'; coordinates: number[][][] } {
  const g = value !== null && typeof value === 'object' && (value as { type?: unknown }).type === 'Feature' ? (value as { geometry?: unknown }).geometry : value;
  if (g === null || typeof g !== 'object' || (g as { type?: unknown }).type !== 'Polygon') throw new BadRequestError('area 必须是 GeoJSON Polygon / area must be a GeoJSON Polygon', { parameter: 'area' });
  const rings = (g as { coordinates?: unknown }).coordinates;
  if (!Array.isArray(rings) || rings.length < 1 || rings.length > 20) throw new BadRequestError('area 需 1–20 个环 / area needs 1 to 20 rings', { parameter: 'area' });
  let total = 0;
  const coordinates = rings.map((ring: unknown) => {
    if (!Array.isArray(ring) || ring.length < 4) throw new BadRequestError('area 的环至少 4 个顶点 / each ring needs at least 4 positions', { parameter: 'area' });
    total += ring.length;
    const pts = ring.map((c) => checkLonLat(c, 'area'));
    const [f, l] = [pts[0]!, pts[pts.length - 1]!];
    if (f[0] !== l[0] || f[1] !== l[1]) throw new BadRequestError('area 的环未闭合 / a ring of area is not closed', { parameter: 'area' });
    return pts;
  });
  if (total > 1000) throw new BadRequestError('area 最多 1000 个顶点 / area has more than 1000 positions', { parameter: 'area' });
  return { type: 'Polygon', coordinates };
}

function parseNumber(value: unknown, name: string, min: number, max: number, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= min || value > max)
    throw new BadRequestError(`${name} 必须是 (${min}, ${max}] 内的数 / ${name} must be a number in (${min}, ${max}]`, { parameter: name });
  return value;
}

export function pipeRoutes({ pool, secure, plans }: AppContext): Router {
  const router = new Router({ prefix: '/pipes' });
  // Analyses read segments and points (valves, depths): audited as reads of both.
  const read = ['pipe_segments', 'pipe_points'].flatMap((id) => plans.layers.get(id)?.spec ?? []);
  router.use(async (koa, next) => {
    const principal = principalOf(koa);
    if (principal.role === 'public')
      throw new AuthError(401, '管线分析需要登录, 公众仅可查看概化管线图 / pipeline analyses need a signed-in user or an API token; the public sees generalised pipe lines only');
    const audience = secure.audience(principal, 'pipe_segments');
    if (audience === 'none') throw new NotFoundError('NotFound', `no resource at ${koa.path}`);
    if (audience !== 'full' && !OPEN_TO_STAFF.has(koa.path)) throw new AuthError(403, PIPELINE_DEPARTMENTS_ONLY);
    noteAccess(koa, read);
    await next();
  });

  router.get('/burst', async (koa) => {
    const q = pickParams(koa.query, ['segment', 'failedValves']);
    const segment = parseRef(q.segment, 'segment');
    if (segment === undefined) throw new BadRequestError('segment 必填 / segment is required (id or 管线编号)', { parameter: 'segment' });
    const failed = (q.failedValves ?? '').split(',').filter((s) => s !== '').map((s) => parseRef(s, 'failedValves')!);
    koa.body = await burstAnalysis(pool, segment, failed);
  });

  router.get('/trace', async (koa) => {
    const q = pickParams(koa.query, ['segment', 'point', 'direction']);
    const segment = parseRef(q.segment, 'segment');
    const point = parseRef(q.point, 'point');
    if ((segment === undefined) === (point === undefined)) throw new BadRequestError('segment 与 point 二选一 / give exactly one of segment, point', { parameter: 'segment' });
    const direction = q.direction ?? 'down';
    if (direction !== 'up' && direction !== 'down' && direction !== 'connected')
      throw new BadRequestError(`direction 必须是 up、down 或 connected / direction must be up, down or connected, got "${direction.slice(0, 20)}"`, { parameter: 'direction' });
    koa.body = await traceAnalysis(pool, segment !== undefined ? { segment } : { point: point! }, direction);
  });

  const parseBody = bodyParser({ enableTypes: ['json'], extendTypes: { json: ['application/json', 'application/geo+json'] }, jsonLimit: '256kb' });
  const requireJson = (koa: Context) => {
    if (!koa.is('application/json', 'application/geo+json')) throw new AppError(415, 'UnsupportedMediaType', '请以 application/json 发送 / send application/json');
  };

  router.get('/profile', async (koa) => {
    const q = pickParams(koa.query, ['segments']);
    const ids = parseSegmentList(q.segments);
    koa.body = await profileAnalysis(pool, ids);
  });

  router.get('/section', async (koa) => {
    const q = pickParams(koa.query, ['line']);
    if (q.line === undefined) throw new BadRequestError('line 必填 / line is required: lon1,lat1,lon2,lat2', { parameter: 'line' });
    const cut = parseCut(q.line, 'line');
    koa.body = await sectionAnalysis(pool, cut);
  });

  router.post('/section', parseBody, async (koa) => {
    pickParams(koa.query, []);
    requireJson(koa);
    const cut = parseCut(koa.request.body, 'line');
    koa.body = await sectionAnalysis(pool, cut);
  });

  router.get('/clearance', async (koa) => {
    const q = pickParams(koa.query, ['bbox']);
    const bbox = parseBbox(q.bbox);
    koa.body = await clearanceAnalysis(pool, bbox);
  });

  router.post('/excavation', parseBody, async (koa) => {
    pickParams(koa.query, []);
    requireJson(koa);
    const body = koa.request.body as unknown;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new BadRequestError('请求体应为 {area, depth_m} / the body must be {area, depth_m}', { parameter: 'area' });
    const b = body as Record<string, unknown>;
    const unknown = Object.keys(b).filter((k) => !['area', 'depth_m', 'safety_m'].includes(k));
    if (unknown.length) throw new BadRequestError(`未知字段 / unknown member(s): ${unknown.slice(0, 5).join(', ')}`, { parameter: unknown[0] });
    const area = parsePolygon(b['area']);
    const depth = parseNumber(b['depth_m'], 'depth_m', 0, 30);
    const safety = b['safety_m'] === 0 ? 0 : parseNumber(b['safety_m'], 'safety_m', 0, 5, 0);
    koa.body = await excavationAnalysis(pool, area, depth, safety);
  });

  // 管线探测成果导入 (survey import) with its QA report: CSV text in a JSON body {points, lines}, or
  // one XLSX workbook (sheets 管线点成果表 and 管线线表) as the body. Same parser, same QA.
  const parseImportBody = bodyParser({ enableTypes: ['json'], jsonLimit: '10mb' });
  router.post('/import', parseImportBody, async (koa) => {
    const q = pickParams(koa.query, ['crs', 'dryRun']);
    const actor = await authenticate(pool, koa.get('Authorization') || undefined);
    const srid = parseCrs(q.crs);
    const dryRun = q.dryRun ?? 'false';
    if (dryRun !== 'true' && dryRun !== 'false') throw new BadRequestError('dryRun 必须是 true 或 false / dryRun must be true or false', { parameter: 'dryRun' });
    if (koa.is(XLSX_TYPE)) {
      const tables = await readSurveyWorkbook(await readRawBody(koa, MAX_XLSX_BYTES));
      const report = await importSurvey(pool, { ...tables, srid, dryRun: dryRun === 'true', actor: actor.name });
      koa.status = report.summary.errors > 0 ? 400 : report.committed ? 201 : 200;
      koa.body = report;
      return;
    }
    if (!koa.is('application/json')) throw new AppError(415, 'UnsupportedMediaType', `请以 application/json ({points, lines} CSV 文本) 或 XLSX 发送 / send application/json ({points, lines} as CSV text) or ${XLSX_TYPE}`);
    const body = koa.request.body as unknown;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new BadRequestError('请求体应为 {points, lines} / the body must be {points, lines}', { parameter: 'points' });
    const b = body as Record<string, unknown>;
    const unknown = Object.keys(b).filter((k) => !['points', 'lines'].includes(k));
    if (unknown.length) throw new BadRequestError(`未知字段 / unknown member(s): ${unknown.slice(0, 5).join(', ')}`, { parameter: unknown[0] });
    if (typeof b['points'] !== 'string' || typeof b['lines'] !== 'string') throw new BadRequestError('points 与 lines 须为 CSV 文本 / points and lines must be CSV text', { parameter: 'points' });
    const report = await importSurvey(pool, { points: b['points'], lines: b['lines'], srid, dryRun: dryRun === 'true', actor: actor.name });
    koa.status = report.summary.errors > 0 ? 400 : report.committed ? 201 : 200;
    koa.body = report;
  });

  router.get('/imports/:id/report', async (koa) => {
    const q = pickParams(koa.query, ['f']);
    await authenticate(pool, koa.get('Authorization') || undefined);
    const id = koa.params['id'] ?? '';
    if (!/^\d{1,15}$/.test(id)) throw new BadRequestError('id 必须是数字 / id must be numeric', { parameter: 'id' });
    const f = q.f ?? 'json';
    if (f !== 'json' && f !== 'csv') throw new BadRequestError('f 必须是 json 或 csv / f must be json or csv', { parameter: 'f' });
    const report = await importReport(pool, Number(id));
    if (report === undefined) throw new NotFoundError('NotFound', `导入批次 ${id} 不存在 / import ${id} not found`);
    if (f === 'csv') {
      koa.type = 'text/csv; charset=utf-8';
      koa.attachment(`pipe-import-${id}-report.csv`);
      koa.body = reportCsv(report.findings);
    } else koa.body = report;
  });

  // The category dictionary with its standard colours, and the segment nearest to a click.
  router.get('/categories', async (koa) => {
    pickParams(koa.query, []);
    koa.body = await pipeCategories(pool);
  });

  router.get('/nearest', async (koa) => {
    const q = pickParams(koa.query, ['lon', 'lat', 'category', 'radius_m']);
    const num = (v: string | undefined, name: string): number => {
      if (v === undefined || !/^-?\d+(\.\d+)?$/.test(v)) throw new BadRequestError(`${name} 必须是数字 / ${name} must be a number`, { parameter: name });
      return Number(v);
    };
    const at = checkLonLat([num(q.lon, 'lon'), num(q.lat, 'lat')], 'lon');
    const category = q.category ?? null;
    if (category !== null && !/^[A-Z]{2}$/.test(category)) throw new BadRequestError('category 应为两位大类代号, 如 JS / category must be a two-letter code such as JS', { parameter: 'category' });
    const radius = q.radius_m === undefined ? 30 : num(q.radius_m, 'radius_m');
    if (!(radius > 0 && radius <= 500)) throw new BadRequestError('radius_m 应在 (0, 500] / radius_m must be in (0, 500]', { parameter: 'radius_m' });
    koa.body = await nearestSegment(pool, at, category, radius);
  });

  // 管线探测成果表 export of one district, in the format the import reads (the tables hold depths
  // and owners: like every route here but /categories, pipeline departments only).
  router.get('/survey', async (koa) => {
    const q = pickParams(koa.query, ['district', 'f', 'table', 'crs']);
    await authenticate(pool, koa.get('Authorization') || undefined);
    const district = q.district ?? '';
    if (!/^\d{6}$/.test(district)) throw new BadRequestError('district 必须是 6 位行政区划代码 / district must be a 6-digit adcode', { parameter: 'district' });
    const f = q.f ?? 'xlsx';
    if (f !== 'xlsx' && f !== 'csv') throw new BadRequestError('f 必须是 xlsx 或 csv / f must be xlsx or csv', { parameter: 'f' });
    const table = q.table;
    if (f === 'csv' && table !== 'points' && table !== 'lines') throw new BadRequestError('CSV 需 table=points 或 lines / f=csv needs table=points or table=lines', { parameter: 'table' });
    if (f === 'xlsx' && table !== undefined) throw new BadRequestError('XLSX 含两张表, 不接受 table / f=xlsx holds both tables; drop table', { parameter: 'table' });
    const t = await surveyTables(pool, district, parseCrs(q.crs, 'EPSG:4549'));
    if (f === 'csv') {
      koa.type = 'text/csv; charset=utf-8';
      koa.attachment(`pipe-survey-${district}-${table}.csv`);
      koa.body = tableCsv(table === 'points' ? t.points : t.lines);
    } else {
      koa.type = XLSX_TYPE;
      koa.attachment(`pipe-survey-${district}.xlsx`);
      koa.body = await tablesXlsx(t);
    }
  });

  return router;
}
