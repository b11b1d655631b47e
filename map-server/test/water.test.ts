/**
 * 水利 on the real server and PostGIS: schema and sample, bulk ingest (JSON + SL 323 CSV) with
 * whole-batch rejection and idempotency, rollups on the 08:00 rainfall day, status at T,
 * accumulations, series with downsampling, the catalogued station layer, and the typhoon-day
 * replay raising alarms in order, pushed over Server-Sent Events with Last-Event-ID replay.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../src/db.ts';
import { createApiToken } from '../src/services/auth-tokens.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

let platform: TestPlatform;
let db: pg.Client;
let token: string;

beforeAll(async () => {
  platform = await startTestPlatform();
  db = new pg.Client({ connectionString: platform.databaseUrl });
  await db.connect();
  const pool = createPool({ databaseUrl: platform.databaseUrl, poolMax: 1, statementTimeoutMs: 5000 });
  token = await createApiToken(pool, '水情值班员', 'editor', 1);
  await pool.end();
}, 60_000);
afterAll(async () => {
  await db?.end();
  await platform?.close();
});

async function call(method: string, path: string, body?: unknown, contentType = 'application/json') {
  const res = await fetch(`${platform.baseUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body !== undefined ? { 'Content-Type': contentType } : {}) },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', json: text ? JSON.parse(text) : undefined };
}

const one = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows[0] as T;

async function stationOf(sttp: string, offset = 0): Promise<string> {
  return (await one<{ stcd: string }>('SELECT stcd FROM hydro.st_stbprp_b WHERE sttp = $1 ORDER BY stcd OFFSET $2 LIMIT 1', [sttp, offset])).stcd;
}

describe('schema and sample', () => {
  it('places ~300 stations of every kind inside the city, with thresholds and code lists as data', async () => {
    const { rows } = await db.query(`SELECT sttp, count(*)::int AS n FROM hydro.st_stbprp_b GROUP BY 1`);
    const n = Object.fromEntries(rows.map((r) => [r.sttp, r.n]));
    expect(n['PP']).toBeGreaterThan(150);
    expect(n['ZZ'] + n['ZQ']).toBeGreaterThan(30);
    expect(n['RR']).toBeGreaterThanOrEqual(4);
    const outside = await one<{ n: number }>(`SELECT count(*)::int AS n FROM hydro.st_stbprp_b s WHERE NOT EXISTS (SELECT 1 FROM base.districts d WHERE ST_DWithin(d.geom, s.geom, 0.01))`);
    expect(outside.n).toBe(0);
    const unsourced = await one<{ n: number }>(`SELECT (SELECT count(*) FROM hydro.code_element WHERE source = '') + (SELECT count(*) FROM hydro.rain_alarm_rule WHERE source = '')
      + (SELECT count(*) FROM hydro.st_rvfcch_b WHERE source = '') AS n`);
    expect(Number(unsourced.n)).toBe(0);
    const flood = await one<{ n: number }>(`SELECT count(DISTINCT stcd)::int AS n FROM hydro.st_rsvrfsr_b`);
    expect(flood.n).toBe(n['RR']);
  });

  it('keeps observations in monthly partitions and rollups equal to the raw rows', async () => {
    const parts = await db.query(`SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'hydro.obs'::regclass ORDER BY 1`);
    expect(parts.rows.map((r) => r.relname)).toContain('obs_2024m09');
    const check = await one<{ raw: number; daily: number }>(`
      SELECT (SELECT sum(o.value)::numeric(10,1) FROM hydro.obs o WHERE o.datastream_id = d.id AND o.tm > '2024-09-15 08:00+08' AND o.tm <= '2024-09-16 08:00+08') AS raw,
             (SELECT sum::numeric(10,1) FROM hydro.obs_daily WHERE datastream_id = d.id AND day = '2024-09-15') AS daily
        FROM hydro.datastream d WHERE d.element = 'DRP' ORDER BY d.id LIMIT 1`);
    expect(Number(check.raw)).toBeGreaterThan(50); // the typhoon day
    expect(check.daily).toBe(check.raw);
  });
});

describe('bulk ingest', () => {
  it('accepts a JSON batch, creates the month partition on demand, and a re-sent batch changes nothing', async () => {
    const z = await stationOf('ZZ');
    const pp = await stationOf('PP');
    const batch = [
      ...Array.from({ length: 12 }, (_, i) => ({ stcd: z, element: 'Z', tm: `2024-11-03T${String(10 + Math.floor((i + 1) / 12)).padStart(2, '0')}:${String(((i + 1) % 12) * 5).padStart(2, '0')}:00+08:00`, value: 5 + i / 100 })),
      { STCD: pp, TM: '2024-11-03 10:05:00', DRP: 1.5, INTV: 0.05 },
    ];
    const first = await call('POST', '/water/observations', batch);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ received: 13, written: 13, unchanged: 0 });
    const part = await one<{ p: string | null }>(`SELECT to_regclass('hydro.obs_2024m11')::text AS p`);
    expect(part.p).toBe('hydro.obs_2024m11');
    const before = await one(`SELECT (SELECT count(*) FROM hydro.obs)::int AS obs, (SELECT md5(string_agg(h::text, ',' ORDER BY datastream_id, hour_end)) FROM hydro.obs_hourly h) AS hourly,
      (SELECT count(*) FROM hydro.alarm_event)::int AS events, (SELECT n_tup_upd FROM pg_stat_user_tables WHERE relid = 'hydro.obs_2024m11'::regclass) AS upd`);
    const again = await call('POST', '/water/observations', batch);
    expect(again.json).toMatchObject({ received: 13, written: 0, unchanged: 13, alarmEvents: 0 });
    const after = await one(`SELECT (SELECT count(*) FROM hydro.obs)::int AS obs, (SELECT md5(string_agg(h::text, ',' ORDER BY datastream_id, hour_end)) FROM hydro.obs_hourly h) AS hourly,
      (SELECT count(*) FROM hydro.alarm_event)::int AS events, (SELECT n_tup_upd FROM pg_stat_user_tables WHERE relid = 'hydro.obs_2024m11'::regclass) AS upd`);
    expect(after).toEqual(before);
    // A corrected value replaces the stored one and the rollup follows.
    const fix = await call('POST', '/water/observations', [{ stcd: z, element: 'Z', tm: '2024-11-03T11:00:00+08:00', value: 6.5 }]);
    expect(fix.json.written).toBe(1);
    const h = await one<{ max: number; last: number }>(`SELECT max, last FROM hydro.obs_hourly h JOIN hydro.datastream d ON d.id = h.datastream_id WHERE d.stcd = $1 AND d.element = 'Z' AND hour_end = '2024-11-03 11:00+08'`, [z]);
    expect(h).toEqual({ max: 6.5, last: 6.5 });
  });

  it('rejects a batch with one bad row whole, naming that row', async () => {
    const pp = await stationOf('PP', 1);
    const count = async () => (await one<{ n: number }>(`SELECT count(*)::int AS n FROM hydro.obs`)).n;
    const n0 = await count();
    const good = (m: number) => ({ stcd: pp, element: 'DRP', tm: `2024-11-04T09:${String(m).padStart(2, '0')}:00+08:00`, value: 0.5 });
    const res = await call('POST', '/water/observations', [good(5), good(10), { stcd: '79999999', element: 'DRP', tm: '2024-11-04T09:15:00+08:00', value: 0.5 }, good(20)]);
    expect(res.status).toBe(400);
    expect(res.type).toContain('application/problem+json');
    expect(res.json.code).toBe('BatchRejected');
    expect(res.json.errors).toEqual([{ row: 3, field: 'stcd', stcd: '79999999', message: 'unknown station "79999999"' }]);
    expect(await count()).toBe(n0);
  });

  it('validates against the stations as they are now: one added or taken out of use counts at the next batch', async () => {
    const obs = (tm: string) => [{ stcd: '79990001', element: 'DRP', tm, value: 0.5 }];
    // Warm the server's reference cache, then change the stations behind its back.
    expect((await call('POST', '/water/observations', obs('2024-11-05T09:05:00+08:00'))).json.errors).toEqual([
      { row: 1, field: 'stcd', stcd: '79990001', message: 'unknown station "79990001"' },
    ]);
    await db.query(`INSERT INTO hydro.st_stbprp_b (stcd, stnm, lgtd, lttd, sttp, addvcd) VALUES ('79990001', '临时雨量站', 121.3, 28.6, 'PP', '331002')`);
    await db.query('SELECT hydro.ensure_datastreams()');
    const added = await call('POST', '/water/observations', obs('2024-11-05T09:10:00+08:00'));
    expect(added.status).toBe(200);
    expect(added.json.written).toBe(1);
    await db.query(`UPDATE hydro.st_stbprp_b SET usfl = false WHERE stcd = '79990001'`);
    const retired = await call('POST', '/water/observations', obs('2024-11-05T09:15:00+08:00'));
    expect(retired.status).toBe(400);
    expect(retired.json.errors[0].message).toBe('unknown station "79990001"');
    // Leave the sample as it was for the tests after this one.
    await db.query(`DELETE FROM hydro.obs WHERE datastream_id IN (SELECT id FROM hydro.datastream WHERE stcd = '79990001')`);
    await db.query(`DELETE FROM hydro.obs_hourly WHERE datastream_id IN (SELECT id FROM hydro.datastream WHERE stcd = '79990001')`);
    await db.query(`DELETE FROM hydro.obs_daily WHERE datastream_id IN (SELECT id FROM hydro.datastream WHERE stcd = '79990001')`);
    await db.query(`DELETE FROM hydro.datastream WHERE stcd = '79990001'`);
    await db.query(`DELETE FROM hydro.st_stbprp_b WHERE stcd = '79990001'`);
  });

  it('reports every bad row of a CSV batch: impossible value, future time, wrong INTV, wrong element, duplicate', async () => {
    const pp = await stationOf('PP', 2);
    const csv = [
      'STCD,TM,DRP,INTV',
      `${pp},2024-11-05 09:05,0.5,0.05`,
      `${pp},2024-11-05 09:10,-3,0.05`,
      `${pp},2099-01-01 00:00,0.5,0.05`,
      `${pp},2024-11-05 10:00,6.0,1.00`,
      `${pp},2024-11-05 09:05,0.5,0.05`,
      `${pp},2024-02-30 09:05,0.5,0.05`,
    ].join('\r\n');
    const res = await call('POST', '/water/observations', csv, 'text/csv');
    expect(res.status).toBe(400);
    expect(res.json.errors.map((e: { row: number; line: number; field: string }) => [e.row, e.line, e.field])).toEqual([
      [2, 3, 'drp'],
      [3, 4, 'tm'],
      [4, 5, 'intv'],
      [5, 6, 'drp'],
      [6, 7, 'tm'],
    ]);
    expect(res.json.errors[0].message).toMatch(/impossible/);
    expect(res.json.errors[1].message).toMatch(/future/);
    expect(res.json.errors[3].message).toMatch(/duplicate of row 1/);
    const z = await stationOf('ZZ', 3);
    const wrong = await call('POST', '/water/observations', [{ STCD: z, TM: '2024-11-05 09:05', DRP: 1 }]);
    expect(wrong.json.errors[0]).toMatchObject({ row: 1, field: 'drp', message: expect.stringMatching(/does not report DRP/) });
    const header = await call('POST', '/water/observations', 'STCD,TM,DYP\n', 'text/csv');
    expect(header.json.errors[0]).toMatchObject({ line: 1, field: 'DYP' });
  });

  it('puts the 08:00 record in the previous rainfall day (hand computation across the boundary)', async () => {
    const pp = await stationOf('PP', 4);
    // Beijing times; D = 2024-11-19 is (11-19 08:00, 11-20 08:00].
    const rows: [string, number][] = [
      ['2024-11-19 07:55', 1.0], // day 11-18
      ['2024-11-19 08:00', 2.0], // day 11-18 (the 08:00 record closes the previous day)
      ['2024-11-19 08:05', 4.0], // day 11-19
      ['2024-11-19 20:00', 8.0], // day 11-19
      ['2024-11-20 08:00', 16.0], // day 11-19
      ['2024-11-20 08:05', 32.0], // day 11-20
    ];
    const csv = ['STCD,TM,DRP', ...rows.map(([tm, v]) => `${pp},${tm},${v}`)].join('\n');
    expect((await call('POST', '/water/observations', csv, 'text/csv')).json.written).toBe(6);
    const day = async (d: string) => (await call('GET', `/water/rainfall?day=${d}`)).json.features.find((f: { id: string }) => f.id === pp).properties.total;
    expect(await day('2024-11-18')).toBe(3);
    expect(await day('2024-11-19')).toBe(28);
    expect(await day('2024-11-20')).toBe(32);
    // Windows ending at T: 24 h ending 11-20 08:00 = (11-19 08:00, 11-20 08:00] = 28; the
    // rainfall day in progress at 11-20 08:05 holds only the 08:05 record.
    const at = (await call('GET', `/water/rainfall?datetime=${encodeURIComponent('2024-11-20T08:05:00+08:00')}`)).json;
    const p = at.features.find((f: { id: string }) => f.id === pp).properties;
    expect(p.totals).toEqual({ '1h': 48, '3h': 48, '6h': 48, '12h': 48, '24h': 56 }); // 11-19 08:05 is outside (T − 24 h, T]
    expect(p.rain_day).toBe(32);
    expect(at.rainDay).toBe('2024-11-20');
  });
});

describe('queries', () => {
  it('gives every station its status at T with thresholds, as GeoJSON', async () => {
    const res = await call('GET', `/water/status?datetime=${encodeURIComponent('2024-09-15T23:00:00+08:00')}`);
    expect(res.status).toBe(200);
    expect(res.type).toContain('application/geo+json');
    const total = await one<{ n: number }>('SELECT count(*)::int AS n FROM hydro.st_stbprp_b');
    expect(res.json.features).toHaveLength(total.n);
    const states = new Set(res.json.features.map((f: { properties: { state: string } }) => f.properties.state));
    expect(states.has('over_warning')).toBe(true);
    expect(states.has('over_flood_limit')).toBe(true);
    const over = res.json.features.find((f: { properties: { state: string } }) => f.properties.state === 'over_warning').properties;
    expect(over.value).toBeGreaterThanOrEqual(over.wrz);
    expect(over.above_wrz).toBeCloseTo(over.value - over.wrz, 2);
    expect(typeof over.change_1h).toBe('number');
    const bad = await call('GET', '/water/status?datetime=yesterday');
    expect(bad.status).toBe(400);
  });

  it('sums 1/3/6/12/24 h windows exactly like the raw rows, at whole and odd minutes', async () => {
    for (const t of ['2024-09-15T14:00:00+08:00', '2024-09-15T14:07:00+08:00']) {
      const res = await call('GET', `/water/rainfall?datetime=${encodeURIComponent(t)}`);
      const f = res.json.features[7];
      const expected = await one<Record<string, string>>(
        `SELECT ${[1, 3, 6, 12, 24].map((h) => `(SELECT coalesce(sum(value), 0)::numeric(10,1) FROM hydro.obs o JOIN hydro.datastream d ON d.id = o.datastream_id WHERE d.stcd = $1 AND d.element = 'DRP' AND o.tm > $2::timestamptz - interval '${h} hours' AND o.tm <= $2::timestamptz) AS "${h}h"`).join(', ')}`,
        [f.id, t],
      );
      expect(Object.values(f.properties.totals)).toEqual(Object.values(expected).map(Number));
      expect(f.properties.totals['24h']).toBeGreaterThan(10);
    }
  });

  it('serves a series raw, downsampled with peaks kept, hourly and daily over a year', async () => {
    const z = (await one<{ stcd: string }>(`SELECT stcd FROM hydro.st_rvfcch_b ORDER BY wrz DESC LIMIT 1`)).stcd;
    const q = (extra: string) => call('GET', `/water/stations/${z}/series?element=Z&from=${encodeURIComponent('2024-09-15T08:00:00+08:00')}&to=${encodeURIComponent('2024-09-16T08:00:00+08:00')}${extra}`);
    const raw = await q('');
    expect(raw.json.series.t).toHaveLength(288);
    expect(raw.json.meta.thresholds.wrz).toBeTypeOf('number');
    const small = await q('&maxPoints=50');
    expect(small.json.series.t.length).toBeLessThanOrEqual(50);
    expect(small.json.bucketSeconds).toBe(1800);
    expect(Math.max(...small.json.series.max)).toBe(Math.max(...raw.json.series.value));
    const hourly = await q('&resolution=hourly');
    expect(hourly.json.series.t).toHaveLength(24);
    expect(hourly.json.series.value[23]).toBe(raw.json.series.value[287]);
    const year = await call('GET', `/water/stations/${z}/series?element=Z&resolution=daily&from=2024-01-01&to=2025-01-01`);
    expect(year.json.series.t.length).toBeGreaterThanOrEqual(365);
    expect((await call('GET', `/water/stations/${z}/series?element=DRP`)).status).toBe(404);
    expect((await call('GET', `/water/stations/${z}/series?element=Z&resolution=weekly`)).status).toBe(400);
  });

  it('publishes the stations as a catalogued layer: /catalog, features and tiles', async () => {
    const cat = await call('GET', '/catalog');
    const text = JSON.stringify(cat.json);
    expect(text).toContain('hydro_stations');
    expect(text).toContain('水利');
    const items = await call('GET', '/collections/hydro_stations/items?limit=3');
    expect(items.status).toBe(200);
    expect(items.json.features[0].properties).toHaveProperty('status');
    const tile = await fetch(`${platform.baseUrl}/tiles/hydro_stations/8/214/107.mvt`);
    expect(tile.status).toBe(200);
    expect((await tile.arrayBuffer()).byteLength).toBeGreaterThan(100);
  });
});

/** Reads Server-Sent Events from a fetch body until `until` holds or the time runs out. */
function sseReader(url: string, headers: Record<string, string> = {}) {
  const events: { id: number; event: string; data: { alarm: { id: number; stcd: string; kind: string; raisedAt: string } } }[] = [];
  const controller = new AbortController();
  let opened: () => void = () => undefined;
  const open = new Promise<void>((r) => (opened = r));
  const done = (async () => {
    const res = await fetch(url, { headers, signal: controller.signal });
    opened();
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buf = '';
    for (;;) {
      const { value, done: end } = await reader.read();
      if (end) return;
      buf += decoder.decode(value, { stream: true });
      let i;
      while ((i = buf.indexOf('\n\n')) >= 0) {
        const block = buf.slice(0, i);
        buf = buf.slice(i + 2);
        const f = Object.fromEntries(block.split('\n').filter((l) => !l.startsWith(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
        if (f['data']) events.push({ id: Number(f['id']), event: f['event']!, data: JSON.parse(f['data']) });
      }
    }
  })().catch(() => undefined);
  return {
    events,
    open,
    async waitFor(n: number, ms = 10_000) {
      const t0 = Date.now();
      while (events.length < n && Date.now() - t0 < ms) await new Promise((r) => setTimeout(r, 50));
      return events;
    },
    close: async () => {
      controller.abort();
      await done;
    },
  };
}

describe('typhoon-day replay and live alarms', () => {
  it('raises the expected alarms in data order, pushes them live, replays after a reconnect, and a re-send adds nothing', async () => {
    const from = '2024-09-15 08:00+08';
    const to = '2024-09-16 08:00+08';
    // Rivers and sluices only: their day is taken out and replayed hour by hour through the API.
    const { rows: obs } = await db.query(
      `SELECT d.stcd, d.element, o.tm, o.value FROM hydro.obs o JOIN hydro.datastream d ON d.id = o.datastream_id JOIN hydro.st_stbprp_b s ON s.stcd = d.stcd
        WHERE s.sttp IN ('ZZ', 'ZQ', 'DD') AND o.tm > $1 AND o.tm <= $2 ORDER BY o.tm`,
      [from, to],
    );
    // Expected: an over_warning alarm is raised at every observation whose stage reaches 警戒
    // after one below it (or as the first of the replayed day), although the day arrives in
    // hourly batches: crossings inside a batch are evaluated where they happen (0090).
    const { rows: expected } = await db.query(
      `SELECT x.stcd, x.tm FROM (
         SELECT d.stcd, o.tm, o.value >= r.wrz AS over, lag(o.value >= r.wrz) OVER (PARTITION BY d.stcd ORDER BY o.tm) AS was
           FROM hydro.obs o JOIN hydro.datastream d ON d.id = o.datastream_id JOIN hydro.st_rvfcch_b r ON r.stcd = d.stcd
          WHERE d.element = 'Z' AND o.tm > $1 AND o.tm <= $2) x
        WHERE x.over AND x.was IS NOT TRUE`,
      [from, to],
    );
    expected.sort((a, b) => a.tm - b.tm || (a.stcd < b.stcd ? -1 : 1));
    expect(expected.length).toBeGreaterThan(5);
    await db.query(`DELETE FROM hydro.obs o USING hydro.datastream d, hydro.st_stbprp_b s WHERE d.id = o.datastream_id AND s.stcd = d.stcd AND s.sttp IN ('ZZ', 'ZQ', 'DD') AND o.tm > $1 AND o.tm <= $2`, [from, to]);
    await db.query(`SELECT hydro.rebuild_rollups($1, $2)`, [from, to]);
    await db.query(`DELETE FROM hydro.alarm a USING hydro.st_stbprp_b s WHERE s.stcd = a.stcd AND s.sttp IN ('ZZ', 'ZQ', 'DD')`);

    const sse = sseReader(`${platform.baseUrl}/water/alarms/stream`);
    await sse.open;
    await new Promise((r) => setTimeout(r, 200));
    const batches: unknown[][] = [];
    for (const o of obs) {
      const hour = Math.ceil((o.tm.getTime() - Date.parse(from.replace(' ', 'T').replace('+08', '+08:00'))) / 3_600_000) - 1;
      (batches[hour] ??= []).push({ stcd: o.stcd, element: o.element, tm: o.tm.toISOString(), value: o.value });
    }
    expect(batches).toHaveLength(24);
    let events = 0;
    for (const b of batches) {
      const r = await call('POST', '/water/observations', b);
      expect(r.status).toBe(200);
      events += r.json.alarmEvents;
    }
    const raised = (await db.query(`SELECT stcd, raised_at FROM hydro.alarm WHERE kind = 'over_warning' ORDER BY id`)).rows;
    expect(raised.map((r) => [r.stcd, r.raised_at.getTime()])).toEqual(expected.map((e) => [e.stcd, e.tm.getTime()]));

    const live = await sse.waitFor(events);
    expect(live).toHaveLength(events);
    const liveRaised = live.filter((e) => e.event === 'raised' && e.data.alarm.kind === 'over_warning').map((e) => e.data.alarm.stcd);
    expect(liveRaised).toEqual(expected.map((e) => e.stcd));
    expect(live.map((e) => e.id)).toEqual([...live.map((e) => e.id)].sort((a, b) => a - b));
    await sse.close();

    // Acknowledge while disconnected; a reconnect with Last-Event-ID gets exactly what it missed.
    const lastSeen = live[2]!.id;
    const ackId = live[0]!.data.alarm.id;
    const ack = await call('POST', `/water/alarms/${ackId}/acknowledge`);
    expect(ack.json).toEqual({ id: ackId, state: 'acknowledged' });
    expect((await call('POST', `/water/alarms/${ackId}/acknowledge`)).status).toBe(409);
    const again = sseReader(`${platform.baseUrl}/water/alarms/stream`, { 'Last-Event-ID': String(lastSeen) });
    const replayed = await again.waitFor(events - 3 + 1);
    expect(replayed.map((e) => e.id)).toEqual([...live.slice(3).map((e) => e.id), replayed[replayed.length - 1]!.id]);
    expect(replayed[replayed.length - 1]).toMatchObject({ event: 'acknowledged', data: { alarm: { id: ackId, state: 'acknowledged' } } });
    await again.close();

    // Re-sending the whole day changes nothing and raises nothing.
    const before = await one<{ n: number }>('SELECT count(*)::int AS n FROM hydro.alarm_event');
    for (const b of batches) expect((await call('POST', '/water/observations', b)).json).toMatchObject({ written: 0, alarmEvents: 0 });
    expect((await one<{ n: number }>('SELECT count(*)::int AS n FROM hydro.alarm_event')).n).toBe(before.n);

    const list = await call('GET', '/water/alarms');
    expect(list.json.alarms.find((a: { id: number }) => a.id === ackId)).toMatchObject({ state: 'acknowledged', acknowledgedBy: '水情值班员' });
  }, 60_000);

  it('alarms a crossing inside one batch where it happens: raised at the stage that reached 警戒, cleared at the one back below', async () => {
    const { stcd, wrz } = await one<{ stcd: string; wrz: number }>(
      `SELECT s.stcd, r.wrz FROM hydro.st_stbprp_b s JOIN hydro.st_rvfcch_b r ON r.stcd = s.stcd WHERE s.sttp IN ('ZZ', 'ZQ') AND r.grz > r.wrz + 0.5
          AND NOT EXISTS (SELECT 1 FROM hydro.alarm a WHERE a.stcd = s.stcd AND a.kind = 'over_warning' AND a.cleared_at IS NULL) ORDER BY s.stcd LIMIT 1`,
    );
    const t0 = Date.parse('2025-04-01T10:00:00+08:00');
    // An hour of 5-minute stages: below, above from 10:15 to 10:35, below again from 10:40.
    const offsets = [-0.3, -0.2, 0.1, 0.3, 0.4, 0.3, 0.05, -0.1, -0.2, -0.3, -0.35, -0.4];
    const batch = offsets.map((d, i) => ({ stcd, element: 'Z', tm: new Date(t0 + (i + 1) * 300_000).toISOString(), value: Math.round((wrz + d) * 1000) / 1000 }));
    const res = await call('POST', '/water/observations', batch);
    expect(res.status).toBe(200);
    const alarms = await db.query<{ raised_at: Date; cleared_at: Date | null }>(`SELECT raised_at, cleared_at FROM hydro.alarm WHERE stcd = $1 AND kind = 'over_warning' AND raised_at > $2`, [stcd, new Date(t0)]);
    expect(alarms.rows.map((a) => [a.raised_at.getTime(), a.cleared_at?.getTime()])).toEqual([[t0 + 3 * 300_000, t0 + 8 * 300_000]]);
    // The station's map state is the batch's latest stage, below 警戒.
    const state = await one<{ status: string; status_tm: Date }>('SELECT status, status_tm FROM hydro.st_stbprp_b WHERE stcd = $1', [stcd]);
    expect([state.status, state.status_tm.getTime()]).toEqual(['normal', t0 + 12 * 300_000]);
  });
});
