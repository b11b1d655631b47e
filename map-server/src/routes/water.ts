/**
 * 水利 water-resources monitoring: bulk observation ingest (JSON / SL 323-style CSV), station
 * status at T, rainfall accumulations and rainfall days, station series with downsampling,
 * alarms with acknowledge and a live Server-Sent Events stream with replay. Parse → call → respond.
 */
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import { PassThrough } from 'node:stream';
import type { Server } from 'node:http';
import type { Context } from 'koa';
import type { AppContext } from '../app-context.ts';
import { AppError, BadRequestError, NotFoundError } from '../errors.ts';
import { parseInstant, pickParams } from '../query-params.ts';
import { authenticate } from '../services/auth-tokens.ts';
import { bulkBatch } from '../services/water/ingest-parse.ts';
import { BatchRejectedError, ingestBatch, loadIngestReference } from '../services/water/ingest-service.ts';
import { acknowledgeAlarm, listAlarms, rainDayTotals, rainfallTotals, stationSeries, stationStatus, type SeriesResolution } from '../services/water/query-service.ts';
import { AlarmHub, alarmEventsAfter, type AlarmEvent } from '../services/water/alarm-stream.ts';
import { isohyets } from '../services/water/isohyets.ts';

/** ~1 M observations of long-form JSON. */
const BODY_LIMIT = '100mb';
const WINDOWS_H = [1, 3, 6, 12, 24] as const;
const RESOLUTIONS: readonly SeriesResolution[] = ['raw', 'hourly', 'daily'];
const STCD = /^[0-9A-Z]{8}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const HEARTBEAT_MS = 15_000;

function instantParam(text: string | undefined, name: string): string {
  return new Date(text === undefined ? Date.now() : parseInstant(text, name)).toISOString();
}

function intParam(text: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max) throw new BadRequestError(`${name} must be an integer in [${min}, ${max}], got "${text.slice(0, 20)}"`);
  return n;
}

export function waterRoutes({ pool, mqtt }: AppContext): Router {
  const router = new Router({ prefix: '/water' });
  const hub = new AlarmHub(pool);
  const parseBody = bodyParser({
    enableTypes: ['json', 'text'],
    extendTypes: { json: ['application/json'], text: ['text/csv', 'text/plain'] },
    jsonLimit: BODY_LIMIT,
    textLimit: BODY_LIMIT,
    encoding: 'utf-8',
  });
  const json = (koa: Context, doc: string, type = 'application/json') => {
    koa.type = type;
    koa.body = doc;
  };

  router.post('/observations', parseBody, async (koa) => {
    pickParams(koa.query, []);
    await authenticate(pool, koa.get('Authorization') || undefined);
    const csv = koa.is('text/csv', 'text/plain');
    if (!csv && !koa.is('application/json')) throw new AppError(415, 'UnsupportedMediaType', '请以 application/json 或 text/csv 发送观测 / send observations as application/json or text/csv');
    const ref = await loadIngestReference(pool);
    const parsed = bulkBatch(csv ? { csv: String(koa.request.body ?? '') } : { json: koa.request.body }, ref);
    if (!parsed.ok) throw new BatchRejectedError(parsed.problems);
    // With the MQTT feed on, what the batch wrote is also announced to STA subscribers.
    koa.body = await (mqtt ? mqtt.ingest(pool, parsed.batch) : ingestBatch(pool, parsed.batch));
  });

  router.get('/status', async (koa) => {
    const q = pickParams(koa.query, ['datetime', 'f']);
    json(koa, await stationStatus(pool, instantParam(q.datetime, 'datetime')), 'application/geo+json');
  });

  router.get('/rainfall', async (koa) => {
    const q = pickParams(koa.query, ['datetime', 'day', 'f']);
    if (q.day !== undefined) {
      if (q.datetime !== undefined) throw new BadRequestError('give either day (a rainfall day) or datetime (windows ending then), not both');
      if (!DAY.test(q.day)) throw new BadRequestError(`day must be YYYY-MM-DD, got "${q.day.slice(0, 20)}"`);
      parseInstant(q.day, 'day');
      json(koa, await rainDayTotals(pool, q.day), 'application/geo+json');
      return;
    }
    json(koa, await rainfallTotals(pool, instantParam(q.datetime, 'datetime'), WINDOWS_H), 'application/geo+json');
  });

  // 等雨量面: IDW (power 2) over a grid, banded by hydro.rain_class, clipped to the city.
  router.get('/isohyets', async (koa) => {
    const q = pickParams(koa.query, ['datetime', 'hours', 'day', 'cell', 'f']);
    const cellDeg = q.cell === undefined ? 0.01 : Number(q.cell);
    if (!Number.isFinite(cellDeg) || cellDeg < 0.005 || cellDeg > 0.1) throw new BadRequestError('cell must be a grid step in degrees in [0.005, 0.1]');
    if (q.day !== undefined) {
      if (q.datetime !== undefined || q.hours !== undefined) throw new BadRequestError('give either day (a rainfall day) or datetime/hours (a window ending then), not both');
      if (!DAY.test(q.day)) throw new BadRequestError(`day must be YYYY-MM-DD, got "${q.day.slice(0, 20)}"`);
      parseInstant(q.day, 'day');
      const r = await isohyets(pool, { day: q.day, cellDeg });
      koa.set('X-Isohyets-Cache', r.cached ? 'hit' : 'miss');
      json(koa, r.doc, 'application/geo+json');
      return;
    }
    const hours = intParam(q.hours, 'hours', 24, 1, 72);
    const r = await isohyets(pool, { atIso: instantParam(q.datetime, 'datetime'), hours, cellDeg });
    koa.set('X-Isohyets-Cache', r.cached ? 'hit' : 'miss');
    json(koa, r.doc, 'application/geo+json');
  });

  // The rainfall classes (hydro.rain_class, GB/T 28592) for legends: the class window a
  // client should use is 1 h for 1 h, 12 h up to 12 h, else 24 h (as /water/isohyets).
  router.get('/rain-classes', async (koa) => {
    pickParams(koa.query, []);
    const { rows } = await pool.query(
      `SELECT window_h AS "windowH", class_code AS code, min_mm AS "minMm", max_mm AS "maxMm", name_zh AS "nameZh", name_en AS "nameEn", color, source
         FROM hydro.rain_class ORDER BY window_h, min_mm`,
    );
    koa.body = { classes: rows };
  });

  router.get('/stations/:stcd/series', async (koa) => {
    const stcd = koa.params['stcd']!;
    if (!STCD.test(stcd)) throw new NotFoundError('NotFound', `no station "${stcd.slice(0, 20)}"`);
    const q = pickParams(koa.query, ['element', 'from', 'to', 'resolution', 'maxPoints']);
    const element = (q.element ?? '').toUpperCase();
    if (!/^[A-Z]{1,6}$/.test(element)) throw new BadRequestError('element is required (e.g. DRP, Z, Q, RZ, INQ, OTQ, W)');
    const resolution = (q.resolution ?? 'raw') as SeriesResolution;
    if (!RESOLUTIONS.includes(resolution)) throw new BadRequestError(`resolution must be one of ${RESOLUTIONS.join(', ')}`);
    const toIso = instantParam(q.to, 'to');
    const fromIso = q.from === undefined ? new Date(Date.parse(toIso) - 86_400_000).toISOString() : instantParam(q.from, 'from');
    if (Date.parse(fromIso) >= Date.parse(toIso)) throw new BadRequestError('from must be before to');
    const maxPoints = intParam(q.maxPoints, 'maxPoints', 2000, 10, 100_000);
    const r = await stationSeries(pool, { stcd, element, fromIso, toIso, resolution, maxPoints });
    if (!r) throw new NotFoundError('NotFound', `station ${stcd} has no ${element} series`);
    json(koa, `{"stcd":${JSON.stringify(stcd)},"from":"${fromIso}","to":"${toIso}","resolution":"${resolution}","bucketSeconds":${r.bucketSeconds},"meta":${JSON.stringify(r.meta)},"series":${r.data}}`);
  });

  router.get('/alarms', async (koa) => {
    const q = pickParams(koa.query, ['state', 'limit']);
    if (q.state !== undefined && q.state !== 'open' && q.state !== 'all') throw new BadRequestError('state must be open or all');
    json(koa, `{"alarms":${await listAlarms(pool, q.state === 'all', intParam(q.limit, 'limit', 500, 1, 10_000))}}`);
  });

  router.post('/alarms/:id/acknowledge', async (koa) => {
    pickParams(koa.query, []);
    const actor = await authenticate(pool, koa.get('Authorization') || undefined);
    const idText = koa.params['id']!;
    if (!/^\d{1,15}$/.test(idText)) throw new NotFoundError('NotFound', `no alarm "${idText.slice(0, 20)}"`);
    const r = await acknowledgeAlarm(pool, Number(idText), actor.name);
    if (!r) throw new NotFoundError('NotFound', `no alarm ${idText}`);
    if (!r.changed) throw new AppError(409, 'AlarmNotRaised', `告警状态为 ${r.state}，只能确认"已发出"的告警 / alarm is ${r.state}; only raised alarms can be acknowledged`);
    koa.body = { id: Number(idText), state: r.state };
  });

  // Server-Sent Events: `id:` is the alarm event id; a reconnecting EventSource sends
  // Last-Event-ID (or ?lastEventId=) and first receives every event after it.
  router.get('/alarms/stream', async (koa) => {
    const q = pickParams(koa.query, ['lastEventId']);
    const header = koa.get('Last-Event-ID') || q.lastEventId;
    if (header !== undefined && header !== '' && !/^\d{1,15}$/.test(header)) throw new BadRequestError('Last-Event-ID must be an event id');
    const stream = new PassThrough();
    const send = (events: readonly AlarmEvent[]) => {
      for (const e of events) stream.write(`id: ${e.id}\nevent: ${e.event}\ndata: ${e.data}\n\n`);
    };
    // Subscribe first, then replay up to the hub's position, so nothing falls in between.
    const buffered: AlarmEvent[][] = [];
    let live = false;
    const sub = await hub.subscribe((events) => (live ? send(events) : buffered.push([...events])));
    let after = header ? Number(header) : sub.listeningFrom;
    while (after < sub.listeningFrom) {
      const page = await alarmEventsAfter(pool, after);
      const upTo = page.filter((e) => e.id <= sub.listeningFrom);
      send(upTo);
      if (upTo.length < page.length || !page.length) break;
      after = page[page.length - 1]!.id;
    }
    for (const events of buffered) send(events.filter((e) => e.id > sub.listeningFrom));
    live = true;
    // The stream ends when the client goes or the server stops listening (graceful close
    // waits for open connections; an SSE stream would otherwise hold it forever).
    const server = (koa.req.socket as { server?: Server }).server;
    let beats = 0;
    const timer = setInterval(() => {
      if (server && !server.listening) return stream.end();
      if (++beats * 1000 >= HEARTBEAT_MS) {
        beats = 0;
        stream.write(': keep-alive\n\n');
      }
    }, 1000);
    const done = () => {
      clearInterval(timer);
      sub.unsubscribe();
    };
    stream.on('close', done);
    koa.req.on('close', () => stream.end());
    koa.compress = false; // compression would buffer events
    koa.set('Cache-Control', 'no-cache');
    koa.set('X-Accel-Buffering', 'no');
    koa.type = 'text/event-stream';
    koa.status = 200;
    stream.write(`retry: 2000\n: alarms after ${after}\n\n`);
    koa.body = stream;
  });

  return router;
}
