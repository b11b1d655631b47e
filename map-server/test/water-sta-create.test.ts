/**
 * SensorThings API 1.1 CreateObservations (dataArray) on the real server and PostGIS: it goes
 * through the same ingest path as /water/observations — 201 with the selfLinks, readable back
 * through GET, idempotent, whole-batch rejection naming every bad row by JSON pointer — and
 * concurrent batches opening the same new month partition (migration 0050), and the isohyet
 * cache that a new observation invalidates.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../src/db.ts';
import { createApiToken } from '../src/services/auth-tokens.ts';
import { usePlatform } from './support/platform.ts';

const ctx = usePlatform();
const STA = '/sta/v1.1';
let token: string;

beforeAll(async () => {
  const pool = createPool({ databaseUrl: ctx.platform.databaseUrl, poolMax: 1, statementTimeoutMs: 5000 });
  token = await createApiToken(pool, '遥测网关', 'editor', 1);
  await pool.end();
});

async function call(method: string, path: string, body?: unknown, auth = true) {
  const res = await fetch(path.startsWith('http') ? path : `${ctx.platform.baseUrl}${path}`, {
    method,
    headers: { ...(auth ? { Authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', headers: res.headers, json: text ? JSON.parse(text) : undefined };
}
const one = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await ctx.db.query(sql, params)).rows[0] as T;
const obsCount = async () => (await one<{ n: number }>('SELECT count(*)::int AS n FROM hydro.obs')).n;
const datastream = (element: string, offset = 0) =>
  one<{ id: number; stcd: string; intv_min: number }>(`SELECT id, stcd, intv_min FROM hydro.datastream WHERE element = $1 AND stcd ~ '^[0-9]+$' ORDER BY id OFFSET $2 LIMIT 1`, [element, offset]);

describe('CreateObservations', () => {
  it('creates observations from dataArray, returns their selfLinks (201), and a re-send changes nothing', async () => {
    const drp = await datastream('DRP');
    const z = await datastream('Z');
    expect(drp.intv_min).toBe(5);
    const body = [
      {
        Datastream: { '@iot.id': drp.id },
        components: ['phenomenonTime', 'result'],
        'dataArray@iot.count': 3,
        dataArray: [
          ['2024-11-05T09:00:00+08:00/2024-11-05T09:05:00+08:00', 1.5],
          ['2024-11-05T01:05:00Z/2024-11-05T01:10:00Z', 2.0],
          ['2024-11-05T09:10:00+08:00/2024-11-05T09:15:00+08:00', 0.5],
        ],
      },
      // the standard's own example shape: basic offset (-0700 style) and a FeatureOfInterest column
      { Datastream: { '@iot.id': z.id }, components: ['phenomenonTime', 'result', 'FeatureOfInterest/id'], dataArray: [['2024-11-05T09:05:00+0800', 4.25, 1]] },
    ];
    const n0 = await obsCount();
    const r = await call('POST', `${STA}/CreateObservations`, body);
    expect(r.status).toBe(201);
    expect(r.json).toHaveLength(4);
    expect(r.headers.get('x-observations-written')).toBe('4');
    expect(await obsCount()).toBe(n0 + 4);
    const stored = await ctx.db.query<{ tm: Date; value: number }>(`SELECT tm, value FROM hydro.obs WHERE datastream_id = $1 AND tm > '2024-11-05 09:00+08' AND tm <= '2024-11-05 09:15+08' ORDER BY tm`, [drp.id]);
    expect(stored.rows.map((x) => [x.tm.toISOString(), x.value])).toEqual([
      ['2024-11-05T01:05:00.000Z', 1.5],
      ['2024-11-05T01:10:00.000Z', 2],
      ['2024-11-05T01:15:00.000Z', 0.5],
    ]);
    // the hourly rollup follows, as for every ingest
    expect((await one<{ sum: number }>(`SELECT sum FROM hydro.obs_hourly WHERE datastream_id = $1 AND hour_end = '2024-11-05 10:00+08'`, [drp.id])).sum).toBe(4);
    // each selfLink reads back the observation it names
    const back = await call('GET', r.json[3]);
    expect(back.status).toBe(200);
    expect(back.json).toMatchObject({ result: 4.25, phenomenonTime: '2024-11-05T01:05:00Z' });
    const first = await call('GET', r.json[0]);
    expect(first.json).toMatchObject({ result: 1.5, phenomenonTime: '2024-11-05T01:00:00Z/2024-11-05T01:05:00Z' });

    const again = await call('POST', `${STA}/CreateObservations`, body);
    expect(again.status).toBe(201);
    expect(again.json).toEqual(r.json);
    expect(again.headers.get('x-observations-written')).toBe('0');
    expect(await obsCount()).toBe(n0 + 4);
  });

  it('rejects a batch with one bad row whole, naming that row by its JSON pointer', async () => {
    const drp = await datastream('DRP', 1);
    const n0 = await obsCount();
    const row = (m: number, v: number) => [`2024-11-06T09:${String(m).padStart(2, '0')}:00+08:00`, v];
    const r = await call('POST', `${STA}/CreateObservations`, [{ Datastream: { '@iot.id': drp.id }, components: ['phenomenonTime', 'result'], dataArray: [row(5, 1), row(10, 9999), row(15, 1)] }]);
    expect(r.status).toBe(400);
    expect(r.type).toContain('application/problem+json');
    expect(r.json.code).toBe('BatchRejected');
    expect(r.json.errors).toHaveLength(1);
    expect(r.json.errors[0]).toMatchObject({ row: 2, pointer: '/0/dataArray/1', field: 'drp', stcd: drp.stcd });
    expect(r.json.errors[0].message).toMatch(/impossible/);
    expect(await obsCount()).toBe(n0);
  });

  it('reports every structural and row problem at once: unknown Datastream, ragged row, wrong interval, future time, duplicate', async () => {
    const drp = await datastream('DRP', 2);
    const z = await datastream('Z', 1);
    const n0 = await obsCount();
    const r = await call('POST', `${STA}/CreateObservations`, [
      { Datastream: { '@iot.id': 999_999_999 }, components: ['phenomenonTime', 'result'], dataArray: [['2024-11-06T09:05:00+08:00', 1]] },
      {
        Datastream: { '@iot.id': drp.id },
        components: ['phenomenonTime', 'result'],
        dataArray: [['2024-11-06T09:05:00+08:00'], ['2024-11-06T09:00:00+08:00/2024-11-06T10:00:00+08:00', 3], ['2099-01-01T00:00:00Z', 1]],
      },
      { Datastream: { '@iot.id': z.id }, components: ['phenomenonTime', 'result'], dataArray: [['2024-11-06T09:05:00+08:00', 3.1], ['2024-11-06T01:05:00Z', 3.2]] },
      { Datastream: { '@iot.id': z.id }, components: ['phenomenonTime', 'resultt'], dataArray: [] },
    ]);
    expect(r.status).toBe(400);
    const got = r.json.errors.map((e: { pointer: string; field: string }) => [e.pointer, e.field]);
    expect(got).toEqual(
      expect.arrayContaining([
        ['/0/Datastream', 'Datastream'],
        ['/3/components', 'components'],
      ]),
    );
    expect(r.json.errorCount).toBe(got.length);
    expect(await obsCount()).toBe(n0);
    // with the structural problems fixed, every row problem is listed
    const rows = await call('POST', `${STA}/CreateObservations`, [
      {
        Datastream: { '@iot.id': drp.id },
        components: ['phenomenonTime', 'result'],
        dataArray: [['2024-11-06T09:05:00+08:00'], ['2024-11-06T09:00:00+08:00/2024-11-06T10:00:00+08:00', 3], ['2099-01-01T00:00:00Z', 1]],
      },
      { Datastream: { '@iot.id': z.id }, components: ['phenomenonTime', 'result'], dataArray: [['2024-11-06T09:05:00+08:00', 3.1], ['2024-11-06T01:05:00Z', 3.2]] },
    ]);
    expect(rows.status).toBe(400);
    expect(rows.json.errors.map((e: { pointer: string; field: string }) => [e.pointer, e.field])).toEqual([
      ['/0/dataArray/0', '(row)'],
      ['/0/dataArray/1', 'intv'],
      ['/0/dataArray/2', 'tm'],
      ['/1/dataArray/1', 'z'],
    ]);
    expect(rows.json.errors[3].message).toMatch(/duplicate of row 4/);
    expect(await obsCount()).toBe(n0);
  });

  it('needs a token and a JSON array', async () => {
    expect((await call('POST', `${STA}/CreateObservations`, [], false)).status).toBe(401);
    const notArray = await call('POST', `${STA}/CreateObservations`, { Datastream: { '@iot.id': 1 } });
    expect(notArray.status).toBe(400);
    expect(notArray.json.errors[0]).toMatchObject({ pointer: '', field: '(body)' });
  });
});

describe('concurrent ingest', () => {
  it('accepts batches sent at once into a month that has no partition yet', async () => {
    const { rows } = await ctx.db.query<{ id: number }>(`SELECT id FROM hydro.datastream WHERE element = 'DRP' AND stcd ~ '^[0-9]+$' ORDER BY id LIMIT 6`);
    expect(await one<{ p: string | null }>(`SELECT to_regclass('hydro.obs_2023m02')::text AS p`)).toEqual({ p: null });
    const batch = (ds: number) => [{ Datastream: { '@iot.id': ds }, components: ['phenomenonTime', 'result'], dataArray: Array.from({ length: 288 }, (_, k) => [new Date(Date.parse('2023-02-10T00:05:00Z') + k * 300_000).toISOString(), 0.5]) }];
    const results = await Promise.all(rows.map((r) => call('POST', `${STA}/CreateObservations`, batch(r.id))));
    expect(results.map((r) => r.status)).toEqual(rows.map(() => 201));
    expect((await one<{ n: number }>(`SELECT count(*)::int AS n FROM hydro.obs_2023m02`)).n).toBe(rows.length * 288);
  });
});

describe('isohyet cache', () => {
  it('serves a repeated request from the cache and recomputes after an observation changes a station total', async () => {
    const T = '2024-09-16T08:00:00+08:00';
    const path = `/water/isohyets?datetime=${encodeURIComponent(T)}&hours=3&cell=0.05`;
    const first = await call('GET', path);
    expect(first.status).toBe(200);
    expect(first.headers.get('x-isohyets-cache')).toBe('miss');
    const again = await call('GET', path);
    expect(again.headers.get('x-isohyets-cache')).toBe('hit');
    expect(again.json).toEqual(first.json);
    // A heavier 5-minute total at one gauge inside the window: the cached answer must not be reused.
    const s = first.json.stations[0] as { stcd: string; total: number };
    const ds = await one<{ id: number; v: number }>(
      `SELECT d.id, o.value AS v FROM hydro.datastream d JOIN hydro.obs o ON o.datastream_id = d.id WHERE d.stcd = $1 AND d.element = 'DRP' AND o.tm = '2024-09-16 07:00+08'`,
      [s.stcd],
    );
    const post = await call('POST', `${STA}/CreateObservations`, [{ Datastream: { '@iot.id': ds.id }, components: ['phenomenonTime', 'result'], dataArray: [['2024-09-16T07:00:00+08:00', ds.v + 10]] }]);
    expect(post.status).toBe(201);
    const after = await call('GET', path);
    expect(after.headers.get('x-isohyets-cache')).toBe('miss');
    expect(after.json.stations[0]).toMatchObject({ stcd: s.stcd, total: Math.round((s.total + 10) * 10) / 10 });
  });
});
