/**
 * The platform's own APIs in the `/api` OpenAPI 3.0 document (the OGC API Features/Tiles part
 * is features-openapi.ts): hydrology and SensorThings, pipelines, STAC and imagery tiles,
 * planning, city management, imports, auth, operations, vector tiles/TileJSON, the catalogue,
 * change reports, feature edits and history. One table of routes, read from the route files
 * (their `pickParams` lists and checks), turned into path items and merged into the OGC
 * document per path (edits add methods to the OGC item paths).
 *
 * Not layer-specific, so the same for every caller: descriptions stay generic and never name
 * a layer or a classified property (the document is public; secure-plans.ts decides who sees
 * what). Auth is a bearer token: API tokens `om_…` or login sessions `os_…` (POST /auth/login).
 */
import { STA_PREFIX } from '../routes/sta.ts';
import { MAX_FIXES } from './city/vehicle-service.ts';
import { STAC_DEFAULT_LIMIT } from './imagery/stac.ts';
import { MVT_TYPE } from './ogc-tiles-documents.ts';
import { XLSX_TYPE } from './pipe-survey-xlsx.ts';
import { STA_TOP_DEFAULT, STA_TOP_MAX } from './water/sta-query.ts';
import { ENTITY_SETS } from './water/sta-model.ts';

type Method = 'get' | 'head' | 'post' | 'put' | 'patch' | 'delete';
type Schema = Readonly<Record<string, unknown>>;
type Auth = 'required' | 'optional';
/** The problem responses a route may give (components.responses.Problem<status>). */
type ProblemStatus = 400 | 401 | 403 | 404 | 405 | 409 | 412 | 413 | 415 | 416 | 422 | 428 | 429 | 503;

interface Param {
  readonly name: string;
  readonly in: 'query' | 'path' | 'header';
  readonly required: boolean;
  readonly description: string;
  readonly schema: Schema;
  readonly style?: 'form' | 'simple';
  readonly explode?: boolean;
}

interface Response {
  readonly description: string;
  readonly content?: Readonly<Record<string, { readonly schema: Schema }>>;
  readonly headers?: Readonly<Record<string, { readonly description: string; readonly schema: Schema }>>;
}

/** One route of a platform router, as the route file validates it. */
export interface PlatformRoute {
  readonly method: Method;
  /** OpenAPI form: `{name}` for path parameters. */
  readonly path: string;
  readonly operationId: string;
  readonly tag: keyof typeof TAGS;
  readonly zh: string;
  readonly en: string;
  readonly description?: string;
  /** Path parameters (each `{name}` of the path), query parameters and headers. */
  readonly parameters?: readonly (Param | { readonly $ref: string })[];
  readonly body?: { readonly required: boolean; readonly description: string; readonly content: Readonly<Record<string, { readonly schema: Schema }>> };
  readonly responses: Readonly<Record<string, Response>>;
  readonly errors: readonly ProblemStatus[];
  readonly auth?: Auth;
}

export const TAGS = {
  water: { name: '水利 Hydrology', description: '水雨情监测、告警、水质与取水许可 / hydrology: observations, station state, rainfall, alarms, water quality and permits' },
  sta: { name: '水利 SensorThings', description: 'OGC SensorThings API 1.1 (只读子集与 CreateObservations) / OGC SensorThings API 1.1 read subset and CreateObservations' },
  pipes: { name: '管线 Pipelines', description: '管线分析与探测成果导入导出(仅限管线权属部门) / pipeline analyses and survey import/export (pipeline departments only)' },
  stac: { name: '影像 STAC', description: 'STAC API 1.0: 影像目录、检索与上传 / imagery catalogue, search and upload' },
  imagery: { name: '影像 Imagery', description: '影像瓦片、COG 下载、时间轴与点查询 / raster tiles, COG downloads, timeline and point probe' },
  planning: { name: '规划 Planning', description: '合规性审查与报告、代码表 / compliance review, reports and code lists' },
  city: { name: '城管 City', description: '城市部件、案件、车辆、停车与能耗 / city components, cases, vehicles, parking and energy' },
  imports: { name: '导入 Imports', description: '矢量数据导入作业 / vector data imports into editable layers' },
  edit: { name: '编辑 Editing', description: '要素增删改与版本历史 (OGC API – Features Part 4) / feature create, replace, update, delete and history' },
  changes: { name: '变化 Changes', description: '两个时间之间的变化报告与转移矩阵 / change reports and transition matrices between two moments' },
  maps: { name: '地图 Maps', description: '图层目录、矢量瓦片与 TileJSON / the layer catalogue, vector tiles and TileJSON' },
  auth: { name: '认证 Auth', description: '登录、会话与审计日志 / sign-in, sessions and the audit log' },
  ops: { name: '运维 Operations', description: '存活、就绪与指标 / liveness, readiness and metrics' },
} as const;

const JSON_TYPE = 'application/json';
const GEOJSON_TYPE = 'application/geo+json';
const PROBLEM_TYPE = 'application/problem+json';
/** What the pipes operations but /pipes/categories say of who may call them (routes/pipes.ts). */
const PIPELINE_DEPARTMENTS = '仅限管线权属部门及管理员; 其他部门的登录用户得到 403 / for the pipeline departments (the owner department of pipe_segments) and administrators only; other signed-in callers get 403';
const PROBLEM_TEXT: Readonly<Record<ProblemStatus, string>> = {
  400: '参数或请求体无效(含未知查询参数) / a query parameter is unknown or a value or body is invalid',
  401: '需要登录或令牌无效 / a bearer token is required, or the one sent is unknown, expired or revoked',
  403: '无权执行 / the caller may not do this',
  404: '资源不存在(或调用者无权看到) / no such resource (or the caller may not see it)',
  405: '该图层只读 / the collection is read-only',
  409: '状态冲突 / the resource is not in a state that allows this',
  412: 'If-Match 与当前版本不符 / If-Match does not name the current version',
  413: '请求体过大 / the body is larger than this route accepts',
  415: '不支持的 Content-Type / the body media type is not one this route accepts',
  416: '请求的字节范围无效 / the byte range is outside the file',
  422: '请求体成员无效 / a member of the body is missing or invalid',
  428: '需要 If-Match / If-Match is required',
  429: '尝试次数过多 / too many failed attempts; see Retry-After',
  503: '所需的服务或工具不可用 / a service or tool this route needs is unavailable',
};

const string = (extra: Schema = {}): Schema => ({ type: 'string', ...extra });
const integer = (minimum: number, maximum: number, def?: number): Schema => ({ type: 'integer', minimum, maximum, ...(def !== undefined ? { default: def } : {}) });
const number = (extra: Schema = {}): Schema => ({ type: 'number', ...extra });
const boolText = (def?: 'true' | 'false'): Schema => ({ type: 'string', enum: ['true', 'false'], ...(def ? { default: def } : {}) });
const dateTime = string({ description: 'RFC 3339 date-time, or a date (its start in Asia/Shanghai)' });
const day = string({ format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
const object: Schema = { type: 'object' };
const binary: Schema = { type: 'string', format: 'binary' };

const q = (name: string, schema: Schema, description: string, required = false): Param => ({ name, in: 'query', required, description, style: 'form', explode: false, schema });
const p = (name: string, schema: Schema, description: string): Param => ({ name, in: 'path', required: true, description, schema });
const h = (name: string, schema: Schema, description: string, required = false): Param => ({ name, in: 'header', required, description, schema });
const f = (values?: readonly string[], description = '接受但仅返回 JSON / accepted for OGC-style clients; the response is JSON either way'): Param =>
  q('f', values ? string({ enum: [...values], default: values[0] }) : string(), description);

const ok = (description: string, type = JSON_TYPE, schema: Schema = object): Response => ({ description, content: { [type]: { schema } } });
const okJson = (description: string, schema: Schema = object) => ({ '200': ok(description, JSON_TYPE, schema) });
const okGeo = (description: string) => ({ '200': ok(description, GEOJSON_TYPE, { type: 'object', description: 'GeoJSON' }) });
const jsonBody = (description: string, schema: Schema = object, types: readonly string[] = [JSON_TYPE], required = true) => ({
  required,
  description,
  content: Object.fromEntries(types.map((t) => [t, { schema }])),
});

const ID_NUM = string({ pattern: '^\\d{1,15}$' });
const CRS_SURVEY = ['EPSG:4549', 'EPSG:4550'] as const;
const RASTER_STYLES = ['true-color', 'false-color', 'ndvi'] as const;
const BBOX4 = { type: 'array', minItems: 4, maxItems: 4, items: { type: 'number' } };
const COLLECTIONS = q('collections', string({ pattern: '^[a-z0-9][a-z0-9_-]{0,62}(,[a-z0-9][a-z0-9_-]{0,62})*$' }), '影像集合, 逗号分隔 / imagery collection ids, comma-separated');
const CLOUD = q('cloud_cover', number({ minimum: 0, maximum: 100, default: 100 }), '最大云量 % / the most cloud cover, percent');
const STYLE = q('style', string({ enum: [...RASTER_STYLES], default: 'true-color' }), '渲染: 真彩色、假彩色或 NDVI (与 bands 二选一) / rendering: true colour, false colour or NDVI (not with bands)');
const BANDS = q('bands', string({ pattern: '^[A-Za-z0-9_]{1,32},[A-Za-z0-9_]{1,32},[A-Za-z0-9_]{1,32}$' }), '任意三波段 R,G,B (名称或通用名, 如 nir,red,green) / any three bands as R,G,B (names or common names)');
const RASTER_TILE = p('tile', string({ pattern: '^\\d{1,10}(@2x)?\\.(png|webp)$' }), '{y}.png、{y}.webp, @2x 为 512 像素 / {y}.png or {y}.webp; @2x for 512 px');
const rasterResponses = {
  '200': { description: '影像瓦片 / a raster tile', content: { 'image/png': { schema: binary }, 'image/webp': { schema: binary } } },
  '204': { description: '该瓦片无影像 / no imagery in this tile' },
  '304': { description: '未修改 (If-None-Match) / not modified' },
};
const STAC_SEARCH_BODY: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    bbox: { type: 'array', minItems: 4, maxItems: 6, items: { type: 'number' } },
    intersects: { type: 'object', description: 'GeoJSON geometry' },
    datetime: { type: 'string' },
    collections: { type: 'array', items: { type: 'string' } },
    ids: { type: 'array', items: { type: 'string' } },
    limit: { type: 'integer', minimum: 1 },
    token: { type: 'string' },
    f: { type: 'string' },
  },
};
const WRITE_TOKEN = '需要编辑令牌或登录会话 / needs an editor token or a login session';
const STA_OPTIONS = [
  q('$top', integer(0, STA_TOP_MAX, STA_TOP_DEFAULT), '每页条数 / page size'),
  q('$skip', integer(0, 1_000_000_000, 0), '跳过条数 / entities to skip'),
  q('$count', boolText('false'), '返回总数 / include @iot.count'),
  q('$orderby', string(), '排序: 属性 [asc|desc], 逗号分隔 / sort keys: property [asc|desc], comma-separated'),
  q('$filter', string(), '简单过滤: 属性 eq|ne|gt|ge|lt|le 值, 以 and 连接 / basic filter: property op literal joined by and'),
  q('$expand', string(), '展开一层关联, 逗号分隔 / expand relations one level, comma-separated'),
];
const STA_SET = p('entitySet', string({ enum: [...ENTITY_SETS] }), '实体集 / an entity set');
const STA_ID = p('id', string({ pattern: '^\\d{1,18}$' }), '实体 id / an entity id');
const COLLECTION_ID = { $ref: '#/components/parameters/collectionId' };
const FEATURE_ID = { $ref: '#/components/parameters/featureId' };
const IF_MATCH = h('If-Match', string(), '所编辑版本的 ETag / the ETag of the version edited', true);
const COMMENT = q('comment', string({ maxLength: 500 }), '修改说明(审计) / a comment kept with the change');
const FEATURE_RESPONSE = (status: string, description: string) => ({
  [status]: { ...ok(description, GEOJSON_TYPE, { $ref: '#/components/schemas/featureGeoJSON' }), headers: { ETag: { description: '版本 / the version id', schema: string() } } },
});
const CHANGE_QUERY = [
  q('from', string(), '起始: 年份、日期或 RFC 3339 时间 / start: a year, a date or an RFC 3339 date-time', true),
  q('to', string(), '结束 (须晚于 from) / end (after from)', true),
  q('bbox', string({ pattern: '^-?[\\d.]+(,-?[\\d.]+){3}$' }), '范围 minLon,minLat,maxLon,maxLat (CRS84) / area'),
  q('limit', integer(0, 20_000, 5000), '最多列出的要素 / the most features listed'),
];
const CHANGE_BODY = jsonBody(
  '{from, to, area: GeoJSON Polygon|MultiPolygon (CRS84), limit?}',
  { type: 'object', required: ['from', 'to', 'area'], properties: { from: { type: 'string' }, to: { type: 'string' }, area: { type: 'object' }, limit: { type: 'integer', minimum: 0, maximum: 20_000 } } },
  [JSON_TYPE, GEOJSON_TYPE],
);
const CITY_BODY = (description: string, schema: Schema) => jsonBody(description, schema);
const SURVEY_IMPORT = {
  required: true,
  description: '{points, lines} 两张成果表的 CSV 文本, 或一个 XLSX 工作簿 / the two survey tables as CSV text in JSON, or one XLSX workbook (at most 20 MB)',
  content: {
    [JSON_TYPE]: { schema: { type: 'object', additionalProperties: false, required: ['points', 'lines'], properties: { points: { type: 'string' }, lines: { type: 'string' } } } },
    [XLSX_TYPE]: { schema: binary },
  },
};
const OBS_ROW: Schema = { type: 'object', description: 'one observation (station, element, time, value)' };

export const PLATFORM_ROUTES: readonly PlatformRoute[] = [
  // --- operations -------------------------------------------------------------------------
  { method: 'get', path: '/health', operationId: 'getHealth', tag: 'ops', zh: '存活检查', en: 'Liveness', responses: okJson('{status: ok}'), errors: [400] },
  {
    method: 'get', path: '/ready', operationId: 'getReady', tag: 'ops', zh: '就绪检查(数据库、迁移)', en: 'Readiness (database reachable, migrations current)',
    responses: { ...okJson('就绪 / ready, with the checks'), '503': ok('未就绪 / not ready, with the checks that failed') }, errors: [400],
  },
  { method: 'get', path: '/metrics', operationId: 'getMetrics', tag: 'ops', zh: 'Prometheus 指标', en: 'Prometheus metrics', responses: { '200': ok('Prometheus text exposition', 'text/plain', string()) }, errors: [400] },
  // --- auth -------------------------------------------------------------------------------
  {
    method: 'post', path: '/auth/login', operationId: 'login', tag: 'auth', zh: '登录, 返回会话令牌', en: 'Sign in: a session token (shown once)',
    body: jsonBody('{username, password}', { type: 'object', required: ['username', 'password'], properties: { username: { type: 'string', maxLength: 64 }, password: { type: 'string', maxLength: 256, format: 'password' } } }),
    responses: okJson('{token, expiresAt, user}'), errors: [400, 401, 413, 429],
  },
  { method: 'post', path: '/auth/logout', operationId: 'logout', tag: 'auth', zh: '注销当前会话', en: 'Sign out (ends the session of the bearer os_… token)', auth: 'required', responses: { '204': { description: '已注销 / signed out' } }, errors: [400, 401] },
  { method: 'get', path: '/auth/me', operationId: 'getMe', tag: 'auth', zh: '当前调用者', en: 'Who the caller is (anonymous = public)', auth: 'optional', responses: okJson('{name, role, department, via, displayName?}'), errors: [400, 401] },
  {
    method: 'get', path: '/admin/audit', operationId: 'getAuditLog', tag: 'auth', zh: '审计日志(管理员)', en: 'The audit log (administrators)', auth: 'required',
    parameters: [
      q('actor', string({ maxLength: 100 }), '操作者 / actor name'),
      q('action', string({ enum: ['write', 'read', 'login', 'login_failed', 'logout', 'admin'] }), '动作 / action'),
      q('layer', string({ maxLength: 100 }), '涉及的图层 / a layer id the event touched'),
      q('from', dateTime, '起始(含) / from (inclusive)'),
      q('to', dateTime, '结束(不含) / to (exclusive)'),
      q('limit', integer(1, 1000, 100), '最多条数 / the most events'),
    ],
    responses: okJson('{events: […]}'), errors: [400, 401, 403],
  },
  // --- maps: catalogue, vector tiles, TileJSON ----------------------------------------------
  { method: 'get', path: '/catalog', operationId: 'getCatalog', tag: 'maps', zh: '图层目录(按调用者可见)', en: 'The layer tree with metadata (what the caller may see)', auth: 'optional', parameters: [f()], responses: okJson('图层目录 / the catalogue'), errors: [400, 401] },
  {
    method: 'get', path: '/tiles/{layers}/{z}/{x}/{y}.mvt', operationId: 'getLayerTile', tag: 'maps', zh: '矢量瓦片(一个或多个图层)', en: 'A vector tile of one layer or several (comma-separated, at most 32)', auth: 'optional',
    parameters: [
      p('layers', string(), '图层 id, 逗号分隔 / layer ids, comma-separated'),
      p('z', string({ pattern: '^\\d{1,2}$' }), '缩放级 / zoom'),
      p('x', string({ pattern: '^\\d+$' }), '列 / column'),
      p('y', string({ pattern: '^\\d+$' }), '行(XYZ) / row (XYZ)'),
      q('datetime', dateTime, '版本化图层: 该时刻的状态 / versioned layers: the state as of this instant'),
    ],
    responses: { '200': ok('Mapbox vector tile', MVT_TYPE, binary), '204': { description: '瓦片内无要素 / no feature in this tile' } },
    errors: [400, 401, 404],
  },
  {
    method: 'get', path: '/tiles/{layers}.json', operationId: 'getLayerTileJson', tag: 'maps', zh: 'TileJSON 瓦片元数据', en: 'TileJSON 3.0 of one layer or several', auth: 'optional',
    parameters: [p('layers', string(), '图层 id, 逗号分隔 / layer ids, comma-separated'), f()], responses: okJson('TileJSON'), errors: [400, 401, 404],
  },
  // --- changes ----------------------------------------------------------------------------
  { method: 'get', path: '/changes/{layerId}', operationId: 'getChangeReport', tag: 'changes', zh: '变化报告(新增、删除、变更)', en: 'Change report: features added, removed and changed between two moments (versioned layers)', auth: 'optional', parameters: [p('layerId', string(), '版本化图层 id / a versioned layer id'), ...CHANGE_QUERY], responses: okJson('变化报告 / the report'), errors: [400, 401, 404] },
  { method: 'post', path: '/changes/{layerId}', operationId: 'postChangeReport', tag: 'changes', zh: '变化报告(任意多边形范围)', en: 'Change report over a polygon', auth: 'optional', parameters: [p('layerId', string(), '版本化图层 id / a versioned layer id')], body: CHANGE_BODY, responses: okJson('变化报告 / the report'), errors: [400, 401, 404, 413] },
  { method: 'get', path: '/changes/{layerId}/transitions', operationId: 'getTransitionMatrix', tag: 'changes', zh: '分类转移矩阵(面积)', en: 'Class-to-class transition matrix with areas', auth: 'optional', parameters: [p('layerId', string(), '版本化图层 id / a versioned layer id'), ...CHANGE_QUERY], responses: okJson('转移矩阵 / the matrix'), errors: [400, 401, 404] },
  { method: 'post', path: '/changes/{layerId}/transitions', operationId: 'postTransitionMatrix', tag: 'changes', zh: '分类转移矩阵(任意多边形范围)', en: 'Transition matrix over a polygon', auth: 'optional', parameters: [p('layerId', string(), '版本化图层 id / a versioned layer id')], body: CHANGE_BODY, responses: okJson('转移矩阵 / the matrix'), errors: [400, 401, 404, 413] },
  // --- edits and history ------------------------------------------------------------------
  {
    method: 'post', path: '/collections/{collectionId}/items', operationId: 'createFeature', tag: 'edit', zh: '新增要素', en: 'Create a feature (editable layers; department editors write their own layers)', auth: 'required',
    description: WRITE_TOKEN, parameters: [COLLECTION_ID, COMMENT], body: jsonBody('GeoJSON Feature', { $ref: '#/components/schemas/featureGeoJSON' }, [GEOJSON_TYPE, JSON_TYPE]),
    responses: { ...FEATURE_RESPONSE('201', '已创建 / created (Location names it)') }, errors: [400, 401, 403, 404, 405, 413, 415],
  },
  {
    method: 'put', path: '/collections/{collectionId}/items/{featureId}', operationId: 'replaceFeature', tag: 'edit', zh: '替换要素(保留历史版本)', en: 'Replace a feature (the previous version is kept)', auth: 'required',
    description: WRITE_TOKEN, parameters: [COLLECTION_ID, FEATURE_ID, IF_MATCH, COMMENT], body: jsonBody('GeoJSON Feature', { $ref: '#/components/schemas/featureGeoJSON' }, [GEOJSON_TYPE, JSON_TYPE]),
    responses: FEATURE_RESPONSE('200', '新版本 / the new version'), errors: [400, 401, 403, 404, 405, 412, 413, 415, 428],
  },
  {
    method: 'patch', path: '/collections/{collectionId}/items/{featureId}', operationId: 'updateFeature', tag: 'edit', zh: '部分更新要素', en: 'Update a feature (JSON merge patch)', auth: 'required',
    description: WRITE_TOKEN, parameters: [COLLECTION_ID, FEATURE_ID, IF_MATCH, COMMENT], body: jsonBody('JSON merge patch of a GeoJSON Feature', object, ['application/merge-patch+json', GEOJSON_TYPE, JSON_TYPE]),
    responses: FEATURE_RESPONSE('200', '新版本 / the new version'), errors: [400, 401, 403, 404, 405, 412, 413, 415, 428],
  },
  {
    method: 'delete', path: '/collections/{collectionId}/items/{featureId}', operationId: 'deleteFeature', tag: 'edit', zh: '删除要素(保留历史版本)', en: 'Delete a feature (its versions are kept)', auth: 'required',
    description: WRITE_TOKEN, parameters: [COLLECTION_ID, FEATURE_ID, IF_MATCH, COMMENT], responses: { '204': { description: '已删除 / deleted' } }, errors: [400, 401, 403, 404, 405, 412, 428],
  },
  {
    method: 'get', path: '/collections/{collectionId}/items/{featureId}/history', operationId: 'getFeatureHistory', tag: 'edit', zh: '要素版本历史', en: 'The version history of a feature (versioned layers)', auth: 'optional',
    parameters: [COLLECTION_ID, FEATURE_ID, f()], responses: okJson('版本列表 / the versions'), errors: [400, 401, 404],
  },
  // --- hydrology --------------------------------------------------------------------------
  {
    method: 'post', path: '/water/observations', operationId: 'postWaterObservations', tag: 'water', zh: '批量写入水雨情观测', en: 'Bulk observation ingest (idempotent; a batch with a bad row is rejected whole)', auth: 'required',
    body: { required: true, description: 'JSON 长表或 SL 323 风格 CSV (至多 100 MB) / long-form JSON or SL 323-style CSV (at most 100 MB)', content: { [JSON_TYPE]: { schema: { oneOf: [{ type: 'array', items: OBS_ROW }, object] } }, 'text/csv': { schema: string() }, 'text/plain': { schema: string() } } },
    responses: okJson('写入统计 / what was written'), errors: [400, 401, 413, 415],
  },
  { method: 'get', path: '/water/status', operationId: 'getWaterStatus', tag: 'water', zh: '测站状态', en: 'Station state at an instant', parameters: [q('datetime', dateTime, '时刻(默认现在) / the instant (default now)'), f()], responses: okGeo('测站 / stations'), errors: [400] },
  {
    method: 'get', path: '/water/rainfall', operationId: 'getRainfall', tag: 'water', zh: '累计雨量或日雨量', en: 'Rainfall totals over 1/3/6/12/24 h windows ending at datetime, or of one rainfall day',
    parameters: [q('datetime', dateTime, '窗口结束时刻(与 day 二选一) / the end of the windows (not with day)'), q('day', day, '雨量日 (8 时至 8 时) / a rainfall day'), f()], responses: okGeo('测站雨量 / station totals'), errors: [400],
  },
  {
    method: 'get', path: '/water/isohyets', operationId: 'getIsohyets', tag: 'water', zh: '等雨量面', en: 'Isohyet bands (IDW over a grid, clipped to the city)',
    parameters: [
      q('datetime', dateTime, '窗口结束时刻 / the end of the window'),
      q('hours', integer(1, 72, 24), '窗口小时数 / window length in hours'),
      q('day', day, '雨量日(与 datetime/hours 二选一) / a rainfall day (not with datetime or hours)'),
      q('cell', number({ minimum: 0.005, maximum: 0.1, default: 0.01 }), '网格步长(度) / grid step in degrees'),
      f(),
    ],
    responses: okGeo('等雨量面 / the bands'), errors: [400],
  },
  { method: 'get', path: '/water/rain-classes', operationId: 'getRainClasses', tag: 'water', zh: '降雨等级 (GB/T 28592)', en: 'Rainfall classes for legends', responses: okJson('等级 / the classes'), errors: [400] },
  {
    method: 'get', path: '/water/stations/{stcd}/series', operationId: 'getStationSeries', tag: 'water', zh: '测站要素时序(可降采样)', en: 'A station element series, downsampled to maxPoints',
    parameters: [
      p('stcd', string({ pattern: '^[0-9A-Z]{8}$' }), '测站编码 / station code'),
      q('element', string({ pattern: '^[A-Za-z]{1,6}$' }), '要素, 如 DRP、Z、Q / element, e.g. DRP, Z, Q, RZ, INQ, OTQ, W', true),
      q('from', dateTime, '起始(默认 to 前 24 小时) / start (default 24 h before to)'),
      q('to', dateTime, '结束(默认现在) / end (default now)'),
      q('resolution', string({ enum: ['raw', 'hourly', 'daily'], default: 'raw' }), '分辨率 / resolution'),
      q('maxPoints', integer(10, 100_000, 2000), '最多点数 / the most points'),
    ],
    responses: okJson('{stcd, from, to, resolution, bucketSeconds, meta, series}'), errors: [400, 404],
  },
  {
    method: 'get', path: '/water/alarms', operationId: 'getAlarms', tag: 'water', zh: '告警列表', en: 'Alarms',
    parameters: [q('state', string({ enum: ['open', 'all'], default: 'open' }), '仅未关闭或全部 / open alarms or all'), q('limit', integer(1, 10_000, 500), '最多条数 / the most alarms')], responses: okJson('{alarms: […]}'), errors: [400],
  },
  {
    method: 'post', path: '/water/alarms/{id}/acknowledge', operationId: 'acknowledgeAlarm', tag: 'water', zh: '确认告警', en: 'Acknowledge a raised alarm', auth: 'required',
    parameters: [p('id', ID_NUM, '告警 id / alarm id')], responses: okJson('告警 / the alarm'), errors: [400, 401, 404, 409],
  },
  {
    method: 'get', path: '/water/alarms/stream', operationId: 'streamAlarms', tag: 'water', zh: '告警实时推送 (SSE)', en: 'Live alarm events (Server-Sent Events, replay after Last-Event-ID)',
    parameters: [q('lastEventId', ID_NUM, '从该事件之后重放 / replay after this event id'), h('Last-Event-ID', ID_NUM, 'EventSource 重连时发送 / sent by a reconnecting EventSource')],
    responses: { '200': ok('事件流 / the event stream', 'text/event-stream', string()) }, errors: [400],
  },
  { method: 'get', path: '/water/zones', operationId: 'getWaterZones', tag: 'water', zh: '水功能区与最新达标评价', en: 'Water-function zones with the latest assessment (GB 3838)', parameters: [f()], responses: okGeo('水功能区 / zones'), errors: [400] },
  {
    method: 'get', path: '/water/zones/{code}/samples', operationId: 'getWaterZoneSamples', tag: 'water', zh: '水功能区水质样本', en: 'Samples of a zone with per-parameter classes',
    parameters: [p('code', string({ pattern: '^[A-Z0-9-]{2,32}$' }), '水功能区编码 / zone code'), f()], responses: okJson('{code, targetClass, samples}'), errors: [400, 404],
  },
  { method: 'get', path: '/water/permits', operationId: 'getWaterPermits', tag: 'water', zh: '取水许可与超许可检查', en: 'Withdrawal permits of a year with over-permit checks', parameters: [q('year', integer(2000, 2100), '年份(默认今年) / year (default this year)'), f()], responses: okJson('{year, permits}'), errors: [400] },
  // --- SensorThings -------------------------------------------------------------------------
  { method: 'get', path: STA_PREFIX, operationId: 'getStaRoot', tag: 'sta', zh: 'SensorThings 服务根', en: 'SensorThings service root (entity sets, conformance, MQTT endpoint when configured)', responses: okJson('service root'), errors: [] },
  { method: 'get', path: `${STA_PREFIX}/{entitySet}`, operationId: 'getStaEntities', tag: 'sta', zh: '实体集', en: 'An entity set', parameters: [STA_SET, ...STA_OPTIONS], responses: okJson('{value, @iot.count?, @iot.nextLink?}'), errors: [400, 404] },
  { method: 'get', path: `${STA_PREFIX}/{entitySet}({id})`, operationId: 'getStaEntity', tag: 'sta', zh: '单个实体', en: 'One entity', parameters: [STA_SET, STA_ID, ...STA_OPTIONS], responses: okJson('the entity'), errors: [400, 404] },
  {
    method: 'get', path: `${STA_PREFIX}/{entitySet}({id})/{relation}`, operationId: 'getStaRelated', tag: 'sta', zh: '关联实体', en: 'The entities related to one entity (/Things(1)/Datastreams)',
    parameters: [STA_SET, STA_ID, p('relation', string({ pattern: '^\\w+$' }), '关联名 / a navigation property'), ...STA_OPTIONS], responses: okJson('the related entities'), errors: [400, 404],
  },
  {
    method: 'post', path: `${STA_PREFIX}/CreateObservations`, operationId: 'createStaObservations', tag: 'sta', zh: '批量创建观测 (dataArray)', en: 'CreateObservations (STA 1.1 §11.2 dataArray; whole batch or nothing)', auth: 'required',
    body: jsonBody('dataArray', { type: 'array', items: object }), responses: { '201': ok('每条观测的 selfLink / the selfLink of every observation', JSON_TYPE, { type: 'array', items: string() }) }, errors: [400, 401, 413, 415],
  },
  // --- pipelines (every route: signed-in callers only; all but /pipes/categories: pipeline departments only, 403 for other staff)
  ...(
    [
      {
        method: 'get', path: '/pipes/burst', operationId: 'pipeBurstAnalysis', zh: '爆管关阀分析', en: 'Burst analysis: the valves to close and what they cut off',
        parameters: [q('segment', string({ pattern: '^[A-Za-z0-9_-]{1,32}$' }), '管段 id 或编号 / segment id or number', true), q('failedValves', string({ pattern: '^[A-Za-z0-9_,-]*$' }), '失效阀门, 逗号分隔 / valves that fail to close, comma-separated')],
        responses: okJson('分析结果 / the analysis'), errors: [400, 401, 403, 404],
      },
      {
        method: 'get', path: '/pipes/trace', operationId: 'pipeTrace', zh: '上下游追踪与连通性', en: 'Upstream/downstream trace or connectivity (give segment or point)',
        parameters: [q('segment', string({ pattern: '^[A-Za-z0-9_-]{1,32}$' }), '起始管段 / start segment'), q('point', string({ pattern: '^[A-Za-z0-9_-]{1,32}$' }), '起始管点 / start point'), q('direction', string({ enum: ['down', 'up', 'connected'], default: 'down' }), '方向 / direction')],
        responses: okJson('追踪结果 / the trace'), errors: [400, 401, 403, 404],
      },
      { method: 'get', path: '/pipes/profile', operationId: 'pipeProfile', zh: '纵断面', en: 'Longitudinal profile along a run of segments', parameters: [q('segments', string({ pattern: '^\\d{1,15}(,\\d{1,15}){0,499}$' }), '管段 id, 按顺序, 逗号分隔 / segment ids in run order (at most 500)', true)], responses: okJson('断面 / the profile'), errors: [400, 401, 403, 404] },
      { method: 'get', path: '/pipes/section', operationId: 'pipeCrossSection', zh: '横断面(两点)', en: 'Cross-section along a two-point cut', parameters: [q('line', string(), 'lon1,lat1,lon2,lat2', true)], responses: okJson('断面 / the section'), errors: [400, 401, 403, 404] },
      {
        method: 'post', path: '/pipes/section', operationId: 'pipeCrossSectionLine', zh: '横断面(折线)', en: 'Cross-section along a GeoJSON LineString (2–100 positions)',
        body: jsonBody('GeoJSON LineString or a Feature of one', object, [JSON_TYPE, GEOJSON_TYPE]), responses: okJson('断面 / the section'), errors: [400, 401, 403, 404, 413, 415],
      },
      { method: 'get', path: '/pipes/clearance', operationId: 'pipeClearance', zh: '净距检查', en: 'Clearance check between pipelines in a box (≤ 1 km²)', parameters: [q('bbox', string(), 'w,s,e,n (经纬度 / lon,lat)', true)], responses: okJson('违规 / the findings'), errors: [400, 401, 403, 404] },
      {
        method: 'post', path: '/pipes/excavation', operationId: 'pipeExcavation', zh: '开挖影响分析', en: 'Excavation impact: pipelines reached by a dig',
        body: jsonBody('{area: GeoJSON Polygon, 开挖深度与安全距离(米) / how deep the dig goes and a safety margin, metres}', { type: 'object', required: ['area'], properties: { area: { type: 'object' } } }, [JSON_TYPE, GEOJSON_TYPE]),
        responses: okJson('受影响管线 / the pipelines affected'), errors: [400, 401, 403, 404, 413, 415],
      },
      {
        method: 'post', path: '/pipes/import', operationId: 'pipeSurveyImport', zh: '管线探测成果导入(含质检报告)', en: 'Survey import with its QA report',
        parameters: [q('crs', string({ enum: [...CRS_SURVEY] }), '成果坐标系 / the CRS of the tables', true), q('dryRun', boolText('false'), '仅质检不入库 / check only, write nothing')], body: SURVEY_IMPORT,
        responses: { '200': ok('质检报告(试运行) / the QA report (dry run)'), '201': ok('已入库与报告 / imported, with the report') }, errors: [400, 401, 403, 404, 413, 415],
      },
      {
        method: 'get', path: '/pipes/imports/{id}/report', operationId: 'pipeImportReport', zh: '导入质检报告', en: 'The QA report of a survey import',
        parameters: [p('id', ID_NUM, '导入批次 / import id'), q('f', string({ enum: ['json', 'csv'], default: 'json' }), '格式 / format')],
        responses: { '200': { description: '报告 / the report', content: { [JSON_TYPE]: { schema: object }, 'text/csv': { schema: string() } } } }, errors: [400, 401, 403, 404],
      },
      { method: 'get', path: '/pipes/categories', operationId: 'pipeCategories', zh: '管线分类与标准色', en: 'Pipeline categories with their standard colours', responses: okJson('分类 / the categories'), errors: [400, 401, 404] },
      {
        method: 'get', path: '/pipes/nearest', operationId: 'pipeNearest', zh: '最近管段', en: 'The segment nearest to a position',
        parameters: [q('lon', number({ minimum: 73, maximum: 136 }), '经度 / longitude', true), q('lat', number({ minimum: 3, maximum: 54 }), '纬度 / latitude', true), q('category', string({ pattern: '^[A-Z]{2}$' }), '大类代号 / two-letter category code'), q('radius_m', number({ exclusiveMinimum: true, minimum: 0, maximum: 500, default: 30 }), '搜索半径(米) / search radius, metres')],
        responses: okJson('管段或 null / the segment or null'), errors: [400, 401, 403, 404],
      },
      {
        method: 'get', path: '/pipes/survey', operationId: 'pipeSurveyExport', zh: '探测成果表导出(管线部门)', en: 'Survey tables of a district, in the import format (pipeline departments)',
        parameters: [
          q('district', string({ pattern: '^\\d{6}$' }), '行政区划代码 / district adcode', true),
          q('f', string({ enum: ['xlsx', 'csv'], default: 'xlsx' }), '格式 / format'),
          q('table', string({ enum: ['points', 'lines'] }), 'CSV 必填, XLSX 不接受 / required with f=csv, refused with xlsx'),
          q('crs', string({ enum: [...CRS_SURVEY], default: 'EPSG:4549' }), '坐标系 / CRS'),
        ],
        responses: { '200': { description: '成果表(附件) / the tables, as an attachment', content: { [XLSX_TYPE]: { schema: binary }, 'text/csv': { schema: string() } } } }, errors: [400, 401, 403, 404],
      },
    ] as const
  ).map((r): PlatformRoute => ({ ...r, tag: 'pipes', auth: 'required', ...(r.path === '/pipes/categories' ? {} : { description: PIPELINE_DEPARTMENTS }) })),
  // --- STAC ---------------------------------------------------------------------------------
  { method: 'get', path: '/stac', operationId: 'getStacLanding', tag: 'stac', zh: 'STAC 根目录', en: 'STAC API landing page', parameters: [f()], responses: okJson('landing page'), errors: [400] },
  { method: 'get', path: '/stac/conformance', operationId: 'getStacConformance', tag: 'stac', zh: 'STAC 一致性类', en: 'STAC conformance classes', parameters: [f()], responses: okJson('{conformsTo}'), errors: [400] },
  { method: 'get', path: '/stac/collections', operationId: 'getStacCollections', tag: 'stac', zh: '影像集合', en: 'Imagery collections', parameters: [f()], responses: okJson('{collections, links}'), errors: [400] },
  { method: 'get', path: '/stac/collections/{cid}', operationId: 'getStacCollection', tag: 'stac', zh: '一个影像集合', en: 'One imagery collection', parameters: [p('cid', string(), '集合 id / collection id'), f()], responses: okJson('STAC Collection'), errors: [400, 404] },
  {
    method: 'get', path: '/stac/collections/{cid}/items', operationId: 'getStacItems', tag: 'stac', zh: '集合中的景', en: 'Items of a collection',
    parameters: [p('cid', string(), '集合 id / collection id'), q('bbox', BBOX4, 'minLon,minLat,maxLon,maxLat'), q('datetime', string(), 'RFC 3339 时刻或区间 / instant or interval'), q('limit', integer(1, 1_000_000, STAC_DEFAULT_LIMIT), '每页条数 / page size'), q('token', string({ pattern: '^o\\d{1,9}$' }), '翻页令牌 / paging token'), f()],
    responses: okGeo('ItemCollection'), errors: [400, 404],
  },
  { method: 'get', path: '/stac/collections/{cid}/items/{iid}', operationId: 'getStacItem', tag: 'stac', zh: '一景影像', en: 'One item', parameters: [p('cid', string(), '集合 id / collection id'), p('iid', string(), '景 id / item id'), f()], responses: okGeo('STAC Item'), errors: [400, 404] },
  {
    method: 'post', path: '/stac/collections/{cid}/items', operationId: 'uploadStacItem', tag: 'stac', zh: '上传影像(管理员)', en: 'Upload a GeoTIFF scene (administrators; converted to COG, at most 2 GiB)', auth: 'required',
    parameters: [p('cid', string(), '集合 id / collection id'), q('id', string(), '景 id / item id'), q('datetime', dateTime, '成像时间 / acquisition time'), q('cloud_cover', number({ minimum: 0, maximum: 100 }), '云量 % / cloud cover, percent')],
    body: { required: true, description: 'GeoTIFF', content: { 'image/tiff': { schema: binary }, 'application/octet-stream': { schema: binary } } },
    responses: { '201': ok('STAC Item', GEOJSON_TYPE) }, errors: [400, 401, 403, 404, 413, 415],
  },
  {
    method: 'get', path: '/stac/search', operationId: 'searchStacGet', tag: 'stac', zh: '影像检索', en: 'Item search',
    parameters: [
      q('bbox', BBOX4, 'minLon,minLat,maxLon,maxLat'),
      q('intersects', string(), 'GeoJSON 几何(与 bbox 二选一) / a GeoJSON geometry (not with bbox)'),
      q('datetime', string(), 'RFC 3339 时刻或区间 / instant or interval'),
      COLLECTIONS,
      q('ids', string(), '景 id, 逗号分隔 / item ids, comma-separated'),
      q('limit', integer(1, 1_000_000, STAC_DEFAULT_LIMIT), '每页条数 / page size'),
      q('token', string({ pattern: '^o\\d{1,9}$' }), '翻页令牌 / paging token'),
      f(),
    ],
    responses: okGeo('ItemCollection'), errors: [400],
  },
  { method: 'post', path: '/stac/search', operationId: 'searchStacPost', tag: 'stac', zh: '影像检索 (POST)', en: 'Item search (POST)', body: jsonBody('search', STAC_SEARCH_BODY), responses: okGeo('ItemCollection'), errors: [400, 413] },
  // --- imagery ------------------------------------------------------------------------------
  ...(['get', 'head'] as const).map(
    (method): PlatformRoute => ({
      method, path: '/imagery/cogs/{cid}/{file}', operationId: method === 'get' ? 'getCog' : 'headCog', tag: 'imagery', zh: method === 'get' ? 'COG 下载(支持 Range)' : 'COG 头信息', en: method === 'get' ? 'Download a COG (byte ranges for GDAL /vsicurl/)' : 'COG headers and length',
      parameters: [p('cid', string(), '集合 id / collection id'), p('file', string({ pattern: '\\.tif$' }), '{item}.tif'), h('Range', string({ pattern: '^bytes=\\d*-\\d*$' }), '字节范围 / byte range')],
      responses: { '200': ok('GeoTIFF', 'image/tiff', binary), '206': ok('字节范围 / a byte range', 'image/tiff', binary) }, errors: [400, 404, 416],
    }),
  ),
  {
    method: 'get', path: '/imagery/tiles/{z}/{x}/{tile}', operationId: 'getImageryMosaicTile', tag: 'imagery', zh: '时间镶嵌影像瓦片', en: 'Raster tile of the time mosaic (latest scene at datetime under the cloud limit)',
    parameters: [p('z', string({ pattern: '^\\d{1,2}$' }), '缩放级 / zoom'), p('x', string({ pattern: '^\\d+$' }), '列 / column'), RASTER_TILE, q('datetime', dateTime, '时刻(默认现在) / instant (default now)'), COLLECTIONS, CLOUD, STYLE, BANDS],
    responses: rasterResponses, errors: [400, 404],
  },
  {
    method: 'get', path: '/imagery/scenes/{cid}/{iid}/tiles/{z}/{x}/{tile}', operationId: 'getImagerySceneTile', tag: 'imagery', zh: '单景影像瓦片', en: 'Raster tile of one scene',
    parameters: [p('cid', string(), '集合 id / collection id'), p('iid', string(), '景 id / item id'), p('z', string({ pattern: '^\\d{1,2}$' }), '缩放级 / zoom'), p('x', string({ pattern: '^\\d+$' }), '列 / column'), RASTER_TILE, STYLE, BANDS],
    responses: rasterResponses, errors: [400, 404],
  },
  { method: 'get', path: '/imagery/timeline', operationId: 'getImageryTimeline', tag: 'imagery', zh: '影像时间轴', en: 'Dates available per collection (optionally over a bbox)', parameters: [q('bbox', BBOX4, 'minLon,minLat,maxLon,maxLat'), COLLECTIONS], responses: okJson('{collections}'), errors: [400] },
  {
    method: 'get', path: '/imagery/point', operationId: 'getImageryPoint', tag: 'imagery', zh: '影像点查询', en: 'Band values at a point',
    parameters: [q('lon', number({ minimum: -180, maximum: 180 }), '经度 / longitude', true), q('lat', number({ minimum: -90, maximum: 90 }), '纬度 / latitude', true), q('datetime', dateTime, '时刻 / instant'), COLLECTIONS, CLOUD],
    responses: okJson('波段值 / band values'), errors: [400, 404],
  },
  // --- planning -----------------------------------------------------------------------------
  {
    method: 'post', path: '/planning/reviews', operationId: 'runComplianceReview', tag: 'planning', zh: '合规性审查(三区三线、控规)', en: 'Run a compliance review of a site (stored)', auth: 'required',
    parameters: [
      q('crs', string(), '输入坐标系 URI (默认 CRS84) / the CRS of the site (default CRS84)'),
      q('datetime', dateTime, '按该时刻的规划版本 / against the plans in force then'),
      q('tolerance_m2', number({ minimum: 0, maximum: 10_000, default: 1 }), '面积容差(平方米) / area tolerance, m²'),
      q('tolerance_pct', number({ minimum: 0, maximum: 5, default: 0.1 }), '比例容差 % / share tolerance, percent'),
    ],
    body: { required: true, description: 'GeoJSON 或 zip 压缩的 Shapefile (至多 20 MB) / GeoJSON, or a zipped Shapefile (at most 20 MB)', content: { [GEOJSON_TYPE]: { schema: object }, [JSON_TYPE]: { schema: object }, 'application/zip': { schema: binary }, 'application/x-zip-compressed': { schema: binary } } },
    responses: { '201': ok('审查结果与报告链接 / the result, with links to its reports') }, errors: [400, 401, 413, 415, 503],
  },
  { method: 'get', path: '/planning/reviews/{id}', operationId: 'getComplianceReview', tag: 'planning', zh: '审查结果', en: 'A stored review', parameters: [p('id', ID_NUM, '审查 id / review id')], responses: okJson('结果 / the result'), errors: [400, 404] },
  { method: 'get', path: '/planning/reviews/{id}/report.html', operationId: 'getComplianceReportHtml', tag: 'planning', zh: '审查报告 (HTML)', en: 'Printable review report (HTML)', parameters: [p('id', ID_NUM, '审查 id / review id')], responses: { '200': ok('HTML', 'text/html', string()) }, errors: [400, 404] },
  { method: 'get', path: '/planning/reviews/{id}/report.pdf', operationId: 'getComplianceReportPdf', tag: 'planning', zh: '审查报告 (PDF)', en: 'Review report (PDF)', parameters: [p('id', ID_NUM, '审查 id / review id')], responses: { '200': ok('PDF', 'application/pdf', binary) }, errors: [400, 404, 503] },
  { method: 'get', path: '/planning/landuse-codes', operationId: 'getLanduseCodes', tag: 'planning', zh: '用地分类代码与对照', en: 'Land-use code lists and their crosswalk', responses: okJson('{codes, crosswalk}'), errors: [400] },
  { method: 'get', path: '/planning/versions', operationId: 'getPlanVersions', tag: 'planning', zh: '规划版本', en: 'Plan editions', responses: okJson('{versions}'), errors: [400] },
  // --- imports ------------------------------------------------------------------------------
  {
    method: 'post', path: '/imports', operationId: 'createImport', tag: 'imports', zh: '导入矢量数据(异步作业)', en: 'Import a file into an editable layer: answered 202 with a job', auth: 'required',
    description: '文件即请求体(非 multipart), 格式按 Content-Type、format 或内容识别 / the file is the raw body (not multipart), its format from Content-Type, format or sniffed.',
    parameters: [
      q('layer', string(), '目标图层 id / the target layer id', true),
      q('crs', string(), '源坐标系 (EPSG 代码或 URI) / source CRS (EPSG code or URI)'),
      q('coords', string({ enum: ['wgs84', 'cgcs2000', 'gcj02', 'bd09'] }), '坐标偏移 / coordinate offset of the source'),
      q('map', string(), '字段映射 属性:字段,… / field mapping property:field,…'),
      q('format', string({ enum: ['geojson', 'csv', 'shapefile', 'geopackage', 'kml', 'kmz'] }), '格式 / format'),
      q('encoding', string({ enum: ['utf-8', 'gbk'] }), '属性编码 / attribute encoding'),
      q('columns', string(), 'CSV 坐标列 X,Y / CSV coordinate columns X,Y'),
      q('sourceLayer', string(), '源文件中的图层 / the layer inside the file'),
      q('dryRun', boolText('false'), '仅检查 / check only'),
      q('strict', boolText('false'), '任一行有误则不导入 / any bad row fails the job'),
      q('comment', string({ maxLength: 500 }), '说明 / comment'),
      q('filename', string({ maxLength: 200 }), '原文件名 / the original file name'),
    ],
    body: {
      required: true,
      description: 'GeoJSON、CSV、zip 压缩的 Shapefile、GeoPackage、KML/KMZ / GeoJSON, CSV, zipped Shapefile, GeoPackage, KML or KMZ',
      content: Object.fromEntries(
        [GEOJSON_TYPE, JSON_TYPE, 'text/csv', 'application/csv', 'application/zip', 'application/x-zip-compressed', 'application/geopackage+sqlite3', 'application/vnd.google-earth.kml+xml', 'application/vnd.google-earth.kmz', 'application/octet-stream'].map((t) => [t, { schema: t.includes('json') || t.includes('csv') || t.includes('xml') ? string() : binary }]),
      ),
    },
    responses: { '202': { ...ok('作业 / the job'), headers: { Location: { description: '作业地址 / the job', schema: string() } } } }, errors: [400, 401, 404, 413, 415, 503],
  },
  { method: 'get', path: '/imports/{id}', operationId: 'getImport', tag: 'imports', zh: '导入作业状态与报告', en: 'An import job: status and report (own jobs; administrators any)', auth: 'required', parameters: [p('id', ID_NUM, '作业 id / job id')], responses: okJson('作业 / the job'), errors: [400, 401, 404] },
  // --- city management ----------------------------------------------------------------------
  {
    method: 'get', path: '/city/components/stats', operationId: 'getComponentStats', tag: 'city', zh: '部件状态统计', en: 'Component status counts',
    parameters: [q('by', string({ enum: ['street', 'grid', 'district'], default: 'street' }), '分组 / grouping'), q('datetime', dateTime, '时刻 / instant'), q('class', string({ pattern: '^(\\d{2}|\\d{4})$' }), '大类或小类 / class prefix'), q('street', string({ pattern: '^\\d{9}$' }), '街道代码 / street code')],
    responses: okJson('统计 / the counts'), errors: [400],
  },
  { method: 'get', path: '/city/components/{code}', operationId: 'getComponent', tag: 'city', zh: '一个部件', en: 'One component', parameters: [p('code', string({ pattern: '^[0-9]{16}$' }), '部件编码 / component code')], responses: okGeo('部件 / the component'), errors: [400, 404] },
  {
    method: 'post', path: '/city/components/{code}/status', operationId: 'setComponentStatus', tag: 'city', zh: '更新部件状态', en: 'Set a component status', auth: 'required',
    parameters: [p('code', string({ pattern: '^[0-9]{16}$' }), '部件编码 / component code')], body: CITY_BODY('{status, note?}', { type: 'object', required: ['status'], properties: { status: { type: 'string', maxLength: 20 }, note: { type: 'string', maxLength: 500 } } }),
    responses: okGeo('部件 / the component'), errors: [400, 401, 404, 413, 415, 422],
  },
  { method: 'get', path: '/city/workflow', operationId: 'getCaseWorkflow', tag: 'city', zh: '案件流程定义', en: 'The case workflow (states and actions)', responses: okJson('流程 / the workflow'), errors: [400] },
  {
    method: 'get', path: '/city/cases', operationId: 'getCases', tag: 'city', zh: '案件列表', en: 'Cases (what the caller may see)', auth: 'optional',
    parameters: [
      q('state', string({ pattern: '^[a-z_]{1,20}(,[a-z_]{1,20})*$' }), '状态, 逗号分隔 / states, comma-separated'),
      q('open', boolText(), '仅未结案 / open cases only'),
      q('overdue', boolText(), '仅超时 / overdue only'),
      q('grid', string({ pattern: '^\\d{14}$' }), '单元网格 / unit grid'),
      q('street', string({ pattern: '^\\d{9}$' }), '街道 / street'),
      q('department', string({ pattern: '^[a-z0-9-]{2,32}$' }), '处置部门 / department'),
      q('class', string({ pattern: '^(\\d{2}|\\d{4})$' }), '大类或小类 / class prefix'),
      q('bbox', BBOX4, 'minLon,minLat,maxLon,maxLat'),
      q('datetime', dateTime, '时刻 / instant'),
      q('limit', integer(1, 10_000, 500), '最多条数 / the most cases'),
    ],
    responses: okGeo('案件 / cases'), errors: [400, 401, 404],
  },
  {
    method: 'get', path: '/city/cases/stats', operationId: 'getCaseStats', tag: 'city', zh: '案件统计', en: 'Case statistics', auth: 'optional',
    parameters: [q('by', string({ enum: ['class', 'grid', 'department', 'street', 'district'], default: 'class' }), '分组 / grouping'), q('from', dateTime, '起始(默认 to 前 30 天) / start (default 30 days before to)'), q('to', dateTime, '结束 / end'), q('datetime', dateTime, '时刻 / instant')],
    responses: okJson('统计 / the statistics'), errors: [400, 401, 404],
  },
  { method: 'get', path: '/city/cases/{no}', operationId: 'getCase', tag: 'city', zh: '一个案件', en: 'One case with its history', auth: 'optional', parameters: [p('no', string({ pattern: '^[0-9]{14}$' }), '案卷号 / case number'), q('datetime', dateTime, '时刻 / instant')], responses: okGeo('案件 / the case'), errors: [400, 401, 404] },
  {
    method: 'post', path: '/city/cases', operationId: 'reportCase', tag: 'city', zh: '上报案件', en: 'Report a case', auth: 'required',
    body: CITY_BODY('{kind, classCode, description, urgency?, source?, lon?, lat?, address?, componentCode?, componentStatus?, photos?}', {
      type: 'object',
      required: ['kind', 'classCode', 'description'],
      properties: {
        kind: { type: 'string', enum: ['event', 'component'] },
        classCode: { type: 'string', pattern: '^\\d{4}$' },
        description: { type: 'string', maxLength: 2000 },
        urgency: { type: 'string', enum: ['normal', 'urgent'], default: 'normal' },
        source: { type: 'string', enum: ['inspector', 'public', 'hotline', 'iot', 'vehicle'], default: 'inspector' },
        lon: { type: 'number', minimum: 73, maximum: 136 },
        lat: { type: 'number', minimum: 3, maximum: 54 },
        address: { type: 'string', maxLength: 200 },
        componentCode: { type: 'string', pattern: '^[0-9]{16}$' },
        componentStatus: { type: 'string', maxLength: 20 },
        photos: { type: 'array', maxItems: 20, items: object },
      },
    }),
    responses: { '201': ok('案件 / the case', GEOJSON_TYPE) }, errors: [400, 401, 413, 415, 422],
  },
  {
    method: 'post', path: '/city/cases/{no}/transitions', operationId: 'transitionCase', tag: 'city', zh: '案件流转', en: 'Move a case along the workflow', auth: 'required',
    parameters: [p('no', string({ pattern: '^[0-9]{14}$' }), '案卷号 / case number')],
    body: CITY_BODY('{action, department?, note?, photos?}', { type: 'object', required: ['action'], properties: { action: { type: 'string', maxLength: 40 }, department: { type: 'string', maxLength: 32 }, note: { type: 'string', maxLength: 1000 }, photos: { type: 'array', maxItems: 20, items: object } } }),
    responses: okGeo('案件 / the case'), errors: [400, 401, 404, 409, 413, 415, 422],
  },
  {
    method: 'post', path: '/city/vehicles/fixes', operationId: 'postVehicleFixes', tag: 'city', zh: '北斗定位批量写入', en: 'Vehicle fix ingest (JSON or NMEA RMC lines)', auth: 'required',
    body: { required: true, description: `{fixes: […]} 或 RMC 文本, 至多 ${MAX_FIXES} 条 / {fixes: […]} or RMC lines, at most ${MAX_FIXES}`, content: { [JSON_TYPE]: { schema: object }, 'text/plain': { schema: string() }, 'application/x-nmea': { schema: string() } } },
    responses: okJson('写入统计 / what was written'), errors: [400, 401, 413, 415],
  },
  { method: 'get', path: '/city/vehicles', operationId: 'getVehicles', tag: 'city', zh: '车辆位置', en: 'Vehicle positions (what the caller may see)', auth: 'optional', parameters: [q('datetime', dateTime, '时刻 / instant')], responses: okGeo('车辆 / vehicles'), errors: [400, 401, 404] },
  {
    method: 'get', path: '/city/vehicles/{id}/track', operationId: 'getVehicleTrack', tag: 'city', zh: '车辆轨迹', en: 'A vehicle track (at most 7 days)', auth: 'optional',
    parameters: [p('id', string({ pattern: '^[A-Za-z0-9_-]{1,32}$' }), '车辆 id / vehicle id'), q('from', dateTime, '起始 / start', true), q('to', dateTime, '结束 / end', true)], responses: okGeo('轨迹 / the track'), errors: [400, 401, 404],
  },
  { method: 'get', path: '/city/parking', operationId: 'getParking', tag: 'city', zh: '停车场余位', en: 'Parking availability', parameters: [q('datetime', dateTime, '时刻 / instant')], responses: okGeo('停车场 / car parks'), errors: [400] },
  {
    method: 'get', path: '/city/parking/{id}/series', operationId: 'getParkingSeries', tag: 'city', zh: '停车场余位时序', en: 'Availability series of a car park',
    parameters: [p('id', string({ pattern: '^[A-Za-z0-9_-]{1,32}$' }), '停车场 id / car park id'), q('from', dateTime, '起始(默认 to 前 24 小时) / start'), q('to', dateTime, '结束(默认现在) / end')], responses: okJson('{id, from, to, capacity, available}'), errors: [400, 404],
  },
  { method: 'get', path: '/city/energy', operationId: 'getEnergyIntensity', tag: 'city', zh: '建筑能耗强度', en: 'Building energy intensity between two days (to exclusive, at most three years)', parameters: [q('from', day, '起始日 / first day', true), q('to', day, '结束日(不含) / end day (exclusive)', true)], responses: okJson('能耗 / the intensities'), errors: [400] },
  {
    method: 'post', path: '/city/observations', operationId: 'postCityObservations', tag: 'city', zh: '通用观测写入(停车、计量)', en: 'Generic observations (parking occupancy, meter readings)', auth: 'required',
    body: CITY_BODY('{observations: [{objectType, objectId, metric, time, value}]}', { type: 'object', required: ['observations'], properties: { observations: { type: 'array', minItems: 1, maxItems: MAX_FIXES, items: object } } }),
    responses: okJson('{received, written}'), errors: [400, 401, 413, 415],
  },
];

/** The OpenAPI pieces of the platform routes: tags, path items and their components. */
export function platformOpenApi(routes: readonly PlatformRoute[] = PLATFORM_ROUTES) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const item = (paths[r.path] ??= {});
    if (item[r.method]) throw new Error(`platform-openapi: ${r.method.toUpperCase()} ${r.path} is described twice`);
    const errors = [...new Set<ProblemStatus>([...r.errors, ...(r.auth === 'required' ? ([401] as const) : [])])].sort((a, b) => a - b);
    item[r.method] = {
      tags: [TAGS[r.tag].name],
      summary: `${r.zh} / ${r.en}`,
      ...(r.description ? { description: r.description } : {}),
      operationId: r.operationId,
      ...(r.parameters?.length ? { parameters: r.parameters } : {}),
      ...(r.body ? { requestBody: r.body } : {}),
      responses: { ...r.responses, ...Object.fromEntries(errors.map((s) => [String(s), { $ref: `#/components/responses/Problem${s}` }])) },
      // Optional auth: anonymous callers get the public view; a token widens what is answered.
      ...(r.auth === 'required' ? { security: [{ bearerAuth: [] }] } : r.auth === 'optional' ? { security: [{}, { bearerAuth: [] }] } : {}),
    };
  }
  return {
    tags: Object.values(TAGS).map((t) => ({ ...t })),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'API 令牌 om_… 或登录会话 os_… (POST /auth/login) / an API token (om_…) or a login session (os_…, from POST /auth/login)' },
      },
      responses: Object.fromEntries(
        (Object.keys(PROBLEM_TEXT) as unknown as ProblemStatus[]).map((s) => [`Problem${s}`, { description: PROBLEM_TEXT[s], content: { [PROBLEM_TYPE]: { schema: { $ref: '#/components/schemas/problem' } } } }]),
      ),
      schemas: {
        problem: {
          type: 'object',
          required: ['status', 'code'],
          description: 'RFC 9457 problem details plus the OGC exception members {code, description}',
          properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, code: { type: 'string' }, description: { type: 'string' }, instance: { type: 'string' }, requestId: { type: 'string' } },
        },
      },
    },
  };
}

const PLATFORM_DESCRIPTION =
  '另含平台自有接口: 水利与 SensorThings、管线、影像 (STAC)、规划、城管、导入、编辑与历史、变化、认证与运维; 写操作需 Bearer 令牌。 / Also the platform\'s own APIs: hydrology and SensorThings, pipelines, imagery (STAC), planning, city management, imports, edits and history, changes, auth and operations; writes need a bearer token (an API token or a login session).';

interface OpenApiLike {
  readonly tags?: readonly unknown[];
  readonly paths: Readonly<Record<string, object>>;
  readonly components: Readonly<Record<string, object>>;
  readonly [key: string]: unknown;
}

/**
 * `doc` with the platform routes added: path items merged per method (edits join the OGC item
 * paths), tags appended, components merged. Refuses a method or component described twice.
 */
export function withPlatformApi<D extends OpenApiLike>(doc: D, platform: ReturnType<typeof platformOpenApi> = platformOpenApi()): D {
  const paths: Record<string, Record<string, unknown>> = Object.fromEntries(Object.entries(doc.paths).map(([k, v]) => [k, { ...v }]));
  for (const [path, item] of Object.entries(platform.paths)) {
    const target = (paths[path] ??= {});
    for (const [method, op] of Object.entries(item)) {
      if (target[method]) throw new Error(`platform-openapi: ${method.toUpperCase()} ${path} is already in the document`);
      target[method] = op;
    }
  }
  const components: Record<string, Record<string, unknown>> = Object.fromEntries(Object.entries(doc.components).map(([k, v]) => [k, { ...v }]));
  for (const [kind, entries] of Object.entries(platform.components)) {
    const target = (components[kind] ??= {});
    for (const [name, value] of Object.entries(entries)) {
      if (name in target) throw new Error(`platform-openapi: components.${kind}.${name} is already in the document`);
      target[name] = value;
    }
  }
  const info = doc['info'] as { description?: string } | undefined;
  return {
    ...doc,
    ...(info ? { info: { ...info, description: `${info.description ?? ''} ${PLATFORM_DESCRIPTION}`.trim() } } : {}),
    tags: [...(doc.tags ?? []), ...platform.tags],
    paths,
    components,
  };
}
