/**
 * 城管 city management: components (城市部件) and unit grids, cases (案件) with the workflow as
 * data, BeiDou vehicles (fix ingest, positions, tracks), parking guidance and building energy.
 * Parse → call → respond; writes need an editor token.
 */
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { AppContext } from '../app-context.ts';
import { AppError, BadRequestError, NotFoundError } from '../errors.ts';
import { parseInstant, pickParams } from '../query-params.ts';
import { authenticate } from '../services/auth-tokens.ts';
import { noteAccess, principalOf, viewOf } from '../middleware/security.ts';
import { caseDetail, caseStatistics, caseWorkflow, listCases, reportCase, transitionCase, type CaseGrouping, type PhotoMeta } from '../services/city/case-service.ts';
import { componentByCode, componentStatusCounts, setComponentStatus, type ComponentGrouping } from '../services/city/component-service.ts';
import { energyIntensity, ingestObservations, loadObservationReference, parkingAvailability, parkingSeries } from '../services/city/monitoring-service.ts';
import { parseRmcLines, type GnssFix, type LineProblem } from '../services/city/nmea.ts';
import { ingestFixes, MAX_FIXES, validateFixes, vehicleIds, vehiclePositions, vehicleTrack } from '../services/city/vehicle-service.ts';

const BODY_LIMIT = '50mb';
const COMPONENT_CODE = /^[0-9]{16}$/;
const CASE_NO = /^[0-9]{14}$/;
const ID = /^[A-Za-z0-9_-]{1,32}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_TRACK_MS = 7 * 86_400_000;
/** Fixes up to this far ahead of the server clock are accepted (receiver clocks drift). */
const FUTURE_TOLERANCE_MS = 5 * 60_000;

/** A batch with bad rows is rejected whole, every bad row listed (as for hydrology). */
class BatchRejectedError extends AppError {
  override readonly name = 'BatchRejectedError';
  constructor(problems: readonly LineProblem[]) {
    const first = problems[0]!;
    super(400, 'BatchRejected', `批次被整体拒绝，${problems.length} 行有误 / batch rejected whole: ${problems.length} bad row(s); first: row ${first.row}, ${first.field}: ${first.message}`, {
      errors: problems.slice(0, 1000),
      errorCount: problems.length,
    });
  }
}

const iso = (ms: number) => new Date(ms).toISOString();
const instant = (text: string | undefined, name: string): string | null => (text === undefined ? null : iso(parseInstant(text, name)));

function intParam(text: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw new BadRequestError(`${name} must be an integer in [${min}, ${max}], got "${text.slice(0, 20)}"`);
  return n;
}

function boolParam(text: string | undefined, name: string): boolean | null {
  if (text === undefined) return null;
  if (text === 'true') return true;
  if (text === 'false') return false;
  throw new BadRequestError(`${name} must be true or false`);
}

function oneOf<T extends string>(text: string | undefined, name: string, allowed: readonly T[], fallback: T): T {
  if (text === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(text)) throw new BadRequestError(`${name} must be one of ${allowed.join(', ')}`);
  return text as T;
}

function codeParam(text: string | undefined, name: string, re: RegExp): string | null {
  if (text === undefined) return null;
  if (!re.test(text)) throw new BadRequestError(`${name} is malformed: "${text.slice(0, 20)}"`);
  return text;
}

function objectBody(koa: Context): Record<string, unknown> {
  if (!koa.is('application/json')) throw new AppError(415, 'UnsupportedMediaType', '请以 application/json 发送 / send application/json');
  const b = koa.request.body as unknown;
  if (typeof b !== 'object' || b === null || Array.isArray(b)) throw new BadRequestError('the body must be a JSON object');
  return b as Record<string, unknown>;
}

const str = (b: Record<string, unknown>, key: string, max: number, required = false): string | null => {
  const v = b[key];
  if (v === undefined || v === null) {
    if (required) throw new AppError(422, 'MissingProperty', `缺少 ${key} / ${key} is required`);
    return null;
  }
  if (typeof v !== 'string' || v.length > max || (required && !v.trim())) throw new AppError(422, 'InvalidProperty', `${key} must be a string of at most ${max} characters`);
  return v;
};

const num = (b: Record<string, unknown>, key: string, min: number, max: number): number | null => {
  const v = b[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw new AppError(422, 'InvalidProperty', `${key} must be a number in [${min}, ${max}]`);
  return v;
};

function photos(b: Record<string, unknown>): PhotoMeta[] {
  const v = b['photos'];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.length > 20) throw new AppError(422, 'InvalidProperty', 'photos must be an array of at most 20 photo descriptions');
  return v.map((p: unknown, i) => {
    if (typeof p !== 'object' || p === null || Array.isArray(p)) throw new AppError(422, 'InvalidProperty', `photos[${i}] must be an object`);
    const o = p as Record<string, unknown>;
    const name = str(o, 'name', 200, true)!;
    const takenAt = str(o, 'takenAt', 40);
    if (takenAt !== null) parseInstant(takenAt, `photos[${i}].takenAt`);
    const sha256 = str(o, 'sha256', 64);
    if (sha256 !== null && !/^[0-9a-f]{64}$/.test(sha256)) throw new AppError(422, 'InvalidProperty', `photos[${i}].sha256 must be 64 hex digits`);
    const lon = num(o, 'lon', -180, 180);
    const lat = num(o, 'lat', -90, 90);
    const bytes = num(o, 'bytes', 0, 1e9);
    return { name, ...(takenAt ? { takenAt } : {}), ...(lon !== null ? { lon } : {}), ...(lat !== null ? { lat } : {}), ...(bytes !== null ? { bytes } : {}), ...(sha256 ? { sha256 } : {}) };
  });
}

/** JSON fixes: {fixes: [{vehicle, time, lon, lat, speedKmh?, heading?}]} or a bare array. */
function jsonFixes(body: unknown): { fixes: GnssFix[]; problems: LineProblem[] } {
  const list = Array.isArray(body) ? body : typeof body === 'object' && body !== null ? (body as { fixes?: unknown }).fixes : undefined;
  if (!Array.isArray(list)) throw new BadRequestError('send {"fixes": [{"vehicle", "time", "lon", "lat", "speedKmh"?, "heading"?}, …]}');
  const fixes: GnssFix[] = [];
  const problems: LineProblem[] = [];
  list.forEach((f: unknown, i) => {
    const row = i + 1;
    const o = (typeof f === 'object' && f !== null ? f : {}) as Record<string, unknown>;
    const vehicle = o['vehicle'];
    const time = typeof o['time'] === 'string' ? Date.parse(o['time']) : Number.NaN;
    const lon = o['lon'];
    const lat = o['lat'];
    const speed = o['speedKmh'] ?? null;
    const heading = o['heading'] ?? null;
    if (typeof vehicle !== 'string' || !ID.test(vehicle)) problems.push({ row, field: 'vehicle', message: 'vehicle must be a vehicle id' });
    else if (!Number.isFinite(time) || !/(Z|[+-]\d{2}:\d{2})$/.test(String(o['time']))) problems.push({ row, field: 'time', message: 'time must be RFC 3339 with an offset' });
    else if (typeof lon !== 'number' || typeof lat !== 'number') problems.push({ row, field: 'lon/lat', message: 'lon and lat must be numbers' });
    else if ((speed !== null && typeof speed !== 'number') || (heading !== null && typeof heading !== 'number')) problems.push({ row, field: 'speedKmh/heading', message: 'speedKmh and heading must be numbers' });
    else fixes.push({ vehicle, timeMs: time, lon, lat, speedKmh: speed as number | null, heading: heading as number | null });
  });
  return { fixes, problems };
}

/**
 * Cases and vehicles are the internal layers city_cases and city_vehicles: their API answers
 * exactly what their tiles and features would. A caller who may not see the layer gets the 404
 * of an unknown path; one who sees it outside the owner department gets it desensitised (plates
 * reduced to their region, reporters' names dropped), as the rules do for tiles.
 */
function guardLayer(koa: Context, secure: AppContext['secure'], layerId: 'city_cases' | 'city_vehicles'): 'full' | 'reduced' {
  const spec = viewOf(koa).layers.get(layerId)?.spec;
  const audience = secure.audience(principalOf(koa), layerId);
  if (!spec || audience === 'none') throw new NotFoundError('NotFound', `未找到 / not found: ${koa.path.slice(0, 80)}`);
  noteAccess(koa, [spec]);
  return audience === 'full' ? 'full' : 'reduced';
}

/** 浙J12345 → 浙J*****: the region stays, the vehicle is not identified. */
const maskPlate = (plate: unknown) => (typeof plate === 'string' ? plate.slice(0, 2) + '*'.repeat(Math.max(0, plate.length - 2)) : plate);

type GeoJsonLike = { properties?: Record<string, unknown>; features?: { properties?: Record<string, unknown> }[] };

/** Applies `edit` to the properties of a feature or of every feature of a collection. */
function reduceObject<T extends object>(doc: T, edit: (props: Record<string, unknown>) => void): T {
  const g = doc as GeoJsonLike;
  if (g.properties) edit(g.properties);
  for (const f of g.features ?? []) if (f.properties) edit(f.properties);
  return doc;
}

/** The same for a GeoJSON document given as text (the services build it in SQL). */
const reduceDoc = (doc: string, edit: (props: Record<string, unknown>) => void): string => JSON.stringify(reduceObject(JSON.parse(doc) as object, edit));

const reduceVehicle = (props: Record<string, unknown>) => {
  if ('plate' in props) props['plate'] = maskPlate(props['plate']);
};
const reduceCase = (props: Record<string, unknown>) => {
  delete props['reporter'];
};

export function cityRoutes({ pool, secure }: AppContext): Router {
  const router = new Router({ prefix: '/city' });
  const parseBody = bodyParser({
    enableTypes: ['json', 'text'],
    extendTypes: { json: ['application/json'], text: ['text/plain', 'application/x-nmea'] },
    jsonLimit: BODY_LIMIT,
    textLimit: BODY_LIMIT,
    encoding: 'utf-8',
  });
  const json = (koa: Context, doc: string, type = 'application/json') => {
    koa.type = type;
    koa.body = doc;
  };
  const actorOf = async (koa: Context) => (await authenticate(pool, koa.get('Authorization') || undefined)).name;

  // --- components and grids ------------------------------------------------------------
  router.get('/components/stats', async (koa) => {
    const q = pickParams(koa.query, ['by', 'datetime', 'class', 'street']);
    const by = oneOf<ComponentGrouping>(q.by, 'by', ['grid', 'street', 'district'], 'street');
    json(koa, await componentStatusCounts(pool, { by, atIso: instant(q.datetime, 'datetime'), classPrefix: codeParam(q.class, 'class', /^(\d{2}|\d{4})$/), street: codeParam(q.street, 'street', /^\d{9}$/) }));
  });

  router.get('/components/:code', async (koa) => {
    pickParams(koa.query, []);
    const code = koa.params['code']!;
    if (!COMPONENT_CODE.test(code)) throw new NotFoundError('NotFound', `部件编码为 16 位数字 / component codes are 16 digits: "${code.slice(0, 20)}"`);
    json(koa, await componentByCode(pool, code), 'application/geo+json');
  });

  router.post('/components/:code/status', parseBody, async (koa) => {
    pickParams(koa.query, []);
    const actor = await actorOf(koa);
    const code = koa.params['code']!;
    if (!COMPONENT_CODE.test(code)) throw new NotFoundError('NotFound', `no component "${code.slice(0, 20)}"`);
    const b = objectBody(koa);
    json(koa, await setComponentStatus(pool, code, str(b, 'status', 20, true)!, actor, str(b, 'note', 500)), 'application/geo+json');
  });

  // --- cases ----------------------------------------------------------------------------
  router.get('/workflow', async (koa) => {
    pickParams(koa.query, []);
    json(koa, await caseWorkflow(pool));
  });

  router.get('/cases', async (koa) => {
    const q = pickParams(koa.query, ['state', 'open', 'overdue', 'grid', 'street', 'department', 'class', 'bbox', 'datetime', 'limit']);
    let bbox: number[] | null = null;
    if (q.bbox !== undefined) {
      bbox = q.bbox.split(',').map(Number);
      if (bbox.length !== 4 || bbox.some((n) => !Number.isFinite(n)) || bbox[0]! > bbox[2]! || bbox[1]! > bbox[3]!) throw new BadRequestError('bbox must be minLon,minLat,maxLon,maxLat');
    }
    const states = q.state === undefined ? null : q.state.split(',');
    if (states?.some((s) => !/^[a-z_]{1,20}$/.test(s))) throw new BadRequestError('state must be a comma-separated list of state codes');
    const access = guardLayer(koa, secure, 'city_cases');
    const doc = await listCases(pool, {
      limit: intParam(q.limit, 'limit', 500, 1, 10_000),
      atIso: instant(q.datetime, 'datetime') ?? iso(Date.now()),
      states,
      open: boolParam(q.open, 'open'),
      overdue: boolParam(q.overdue, 'overdue'),
      grid: codeParam(q.grid, 'grid', /^\d{14}$/),
      street: codeParam(q.street, 'street', /^\d{9}$/),
      department: codeParam(q.department, 'department', /^[a-z0-9-]{2,32}$/),
      classPrefix: codeParam(q.class, 'class', /^(\d{2}|\d{4})$/),
      bbox,
    });
    json(koa, access === 'full' ? doc : reduceDoc(doc, reduceCase), 'application/geo+json');
  });

  router.get('/cases/stats', async (koa) => {
    const q = pickParams(koa.query, ['by', 'from', 'to', 'datetime']);
    const by = oneOf<CaseGrouping>(q.by, 'by', ['class', 'grid', 'department', 'street', 'district'], 'class');
    const atIso = instant(q.datetime, 'datetime') ?? iso(Date.now());
    const toIso = instant(q.to, 'to') ?? atIso;
    const fromIso = instant(q.from, 'from') ?? iso(Date.parse(toIso) - 30 * 86_400_000);
    if (Date.parse(fromIso) >= Date.parse(toIso)) throw new BadRequestError('from must be before to');
    guardLayer(koa, secure, 'city_cases');
    json(koa, await caseStatistics(pool, { by, fromIso, toIso, atIso }));
  });

  router.get('/cases/:no', async (koa) => {
    const q = pickParams(koa.query, ['datetime']);
    const no = koa.params['no']!;
    if (!CASE_NO.test(no)) throw new NotFoundError('NotFound', `案卷号为 14 位数字 / case numbers are 14 digits: "${no.slice(0, 20)}"`);
    const access = guardLayer(koa, secure, 'city_cases');
    const doc = await caseDetail(pool, no, instant(q.datetime, 'datetime') ?? iso(Date.now()));
    json(koa, access === 'full' ? doc : reduceDoc(doc, reduceCase), 'application/geo+json');
  });

  router.post('/cases', parseBody, async (koa) => {
    pickParams(koa.query, []);
    const actor = await actorOf(koa);
    const b = objectBody(koa);
    const kind = str(b, 'kind', 20, true);
    if (kind !== 'event' && kind !== 'component') throw new AppError(422, 'InvalidProperty', 'kind must be event (事件) or component (部件)');
    const classCode = str(b, 'classCode', 4, true)!;
    if (!/^\d{4}$/.test(classCode)) throw new AppError(422, 'InvalidProperty', 'classCode must be 4 digits (大类 + 小类)');
    const urgency = str(b, 'urgency', 10) ?? 'normal';
    if (urgency !== 'normal' && urgency !== 'urgent') throw new AppError(422, 'InvalidProperty', 'urgency must be normal or urgent');
    const source = str(b, 'source', 10) ?? 'inspector';
    if (!['inspector', 'public', 'hotline', 'iot', 'vehicle'].includes(source)) throw new AppError(422, 'InvalidProperty', 'source must be inspector, public, hotline, iot or vehicle');
    const lon = num(b, 'lon', 73, 136);
    const lat = num(b, 'lat', 3, 54);
    if ((lon === null) !== (lat === null)) throw new AppError(422, 'InvalidProperty', 'give both lon and lat, or neither (a component case may use the component position)');
    const componentCode = str(b, 'componentCode', 16);
    if (componentCode !== null && !COMPONENT_CODE.test(componentCode)) throw new AppError(422, 'InvalidProperty', 'componentCode must be 16 digits');
    const caseNo = await reportCase(pool, {
      kind, classCode, urgency, source: source as 'inspector',
      description: str(b, 'description', 2000, true)!, lon, lat, address: str(b, 'address', 200),
      componentCode, componentStatus: str(b, 'componentStatus', 20), photos: photos(b),
    }, actor);
    koa.status = 201;
    koa.set('Location', `/city/cases/${caseNo}`);
    json(koa, await caseDetail(pool, caseNo, iso(Date.now())), 'application/geo+json');
  });

  router.post('/cases/:no/transitions', parseBody, async (koa) => {
    pickParams(koa.query, []);
    const actor = await actorOf(koa);
    const no = koa.params['no']!;
    if (!CASE_NO.test(no)) throw new NotFoundError('NotFound', `no case "${no.slice(0, 20)}"`);
    const b = objectBody(koa);
    const action = str(b, 'action', 40, true)!;
    json(koa, await transitionCase(pool, no, { action, department: str(b, 'department', 32), note: str(b, 'note', 1000), photos: photos(b) }, actor), 'application/geo+json');
  });

  // --- vehicles -------------------------------------------------------------------------
  router.post('/vehicles/fixes', parseBody, async (koa) => {
    pickParams(koa.query, []);
    await actorOf(koa);
    const text = koa.is('text/plain', 'application/x-nmea');
    if (!text && !koa.is('application/json')) throw new AppError(415, 'UnsupportedMediaType', '请以 application/json 或 text/plain (RMC 行) 发送 / send application/json or text/plain RMC lines');
    const parsed = text ? parseRmcLines(String(koa.request.body ?? '')) : { ...jsonFixes(koa.request.body), skipped: 0 };
    if (parsed.fixes.length + parsed.problems.length > MAX_FIXES) throw new AppError(413, 'PayloadTooLarge', `at most ${MAX_FIXES} fixes per batch`);
    const problems = [...parsed.problems, ...validateFixes(parsed.fixes, await vehicleIds(pool), Date.now() + FUTURE_TOLERANCE_MS)];
    if (problems.length) throw new BatchRejectedError(problems.sort((a, b) => a.row - b.row));
    if (!parsed.fixes.length) throw new BadRequestError('no fixes in the batch');
    koa.body = await ingestFixes(pool, parsed.fixes, parsed.skipped);
  });

  router.get('/vehicles', async (koa) => {
    const q = pickParams(koa.query, ['datetime']);
    const access = guardLayer(koa, secure, 'city_vehicles');
    const doc = await vehiclePositions(pool, instant(q.datetime, 'datetime'));
    json(koa, access === 'full' ? doc : reduceDoc(doc, reduceVehicle), 'application/geo+json');
  });

  router.get('/vehicles/:id/track', async (koa) => {
    const q = pickParams(koa.query, ['from', 'to']);
    const id = koa.params['id']!;
    if (!ID.test(id)) throw new NotFoundError('NotFound', `no vehicle "${id.slice(0, 20)}"`);
    if (q.from === undefined || q.to === undefined) throw new BadRequestError('from and to are required (RFC 3339 instants or dates)');
    const fromIso = instant(q.from, 'from')!;
    const toIso = instant(q.to, 'to')!;
    if (Date.parse(fromIso) >= Date.parse(toIso)) throw new BadRequestError('from must be before to');
    if (Date.parse(toIso) - Date.parse(fromIso) > MAX_TRACK_MS) throw new BadRequestError('a track covers at most 7 days');
    const access = guardLayer(koa, secure, 'city_vehicles');
    const track = await vehicleTrack(pool, id, fromIso, toIso);
    koa.type = 'application/geo+json';
    koa.body = access === 'full' ? track : reduceObject(track, reduceVehicle);
  });

  // --- parking and energy ---------------------------------------------------------------
  router.get('/parking', async (koa) => {
    const q = pickParams(koa.query, ['datetime']);
    json(koa, await parkingAvailability(pool, instant(q.datetime, 'datetime') ?? iso(Date.now())), 'application/geo+json');
  });

  router.get('/parking/:id/series', async (koa) => {
    const q = pickParams(koa.query, ['from', 'to']);
    const id = koa.params['id']!;
    if (!ID.test(id)) throw new NotFoundError('NotFound', `no parking lot "${id.slice(0, 20)}"`);
    const toIso = instant(q.to, 'to') ?? iso(Date.now());
    const fromIso = instant(q.from, 'from') ?? iso(Date.parse(toIso) - 86_400_000);
    if (Date.parse(fromIso) >= Date.parse(toIso)) throw new BadRequestError('from must be before to');
    const r = await parkingSeries(pool, id, fromIso, toIso);
    if (!r) throw new NotFoundError('NotFound', `没有停车场 ${id} / no parking lot ${id}`);
    koa.body = { id, from: fromIso, to: toIso, capacity: r.capacity, available: r.series };
  });

  router.get('/energy', async (koa) => {
    const q = pickParams(koa.query, ['from', 'to']);
    if (q.from === undefined || q.to === undefined) throw new BadRequestError('from and to are required: Beijing calendar days YYYY-MM-DD, to exclusive');
    for (const [k, v] of [['from', q.from], ['to', q.to]] as const) {
      if (!DAY.test(v)) throw new BadRequestError(`${k} must be a date YYYY-MM-DD`);
      parseInstant(v, k);
    }
    if (q.from >= q.to) throw new BadRequestError('from must be before to');
    if (Date.parse(q.to) - Date.parse(q.from) > 3 * 366 * 86_400_000) throw new BadRequestError('at most three years');
    koa.type = 'application/json';
    koa.body = await energyIntensity(pool, q.from, q.to);
  });

  // Generic observations (parking occupancy, meter readings): {observations: [{objectType, objectId, metric, time, value}]}.
  router.post('/observations', parseBody, async (koa) => {
    pickParams(koa.query, []);
    await actorOf(koa);
    const b = objectBody(koa);
    const list = b['observations'];
    if (!Array.isArray(list) || !list.length || list.length > MAX_FIXES) throw new BadRequestError(`observations must be a non-empty array of at most ${MAX_FIXES}`);
    const ref = await loadObservationReference(pool);
    const ds: number[] = [];
    const times: string[] = [];
    const values: number[] = [];
    const problems: LineProblem[] = [];
    const latest = Date.now() + FUTURE_TOLERANCE_MS;
    list.forEach((o: unknown, i) => {
      const r = (typeof o === 'object' && o !== null ? o : {}) as Record<string, unknown>;
      const key = `${String(r['objectType'])}/${String(r['objectId'])}/${String(r['metric'])}`;
      const id = ref.datastreams.get(key);
      const range = ref.ranges.get(`${String(r['objectType'])}/${String(r['metric'])}`);
      const t = typeof r['time'] === 'string' && /(Z|[+-]\d{2}:\d{2})$/.test(r['time']) ? Date.parse(r['time']) : Number.NaN;
      const v = r['value'];
      if (id === undefined || !range) problems.push({ row: i + 1, field: 'objectType/objectId/metric', message: `没有数据流 ${key.slice(0, 80)} / no datastream ${key.slice(0, 80)}` });
      else if (!Number.isFinite(t) || t > latest) problems.push({ row: i + 1, field: 'time', message: 'time must be an RFC 3339 instant with an offset, not in the future' });
      else if (typeof v !== 'number' || !Number.isFinite(v) || v < range.min || v > range.max) problems.push({ row: i + 1, field: 'value', message: `value must be a number in [${range.min}, ${range.max}]` });
      else {
        ds.push(id);
        times.push(iso(t));
        values.push(v);
      }
    });
    if (problems.length) throw new BatchRejectedError(problems);
    koa.body = { received: list.length, written: await ingestObservations(pool, ds, times, values) };
  });

  return router;
}
