/**
 * 城管 on the real server and PostGIS: the sample (grids partition the managed area, 16-digit
 * component codes, covers linked to manholes), component status counts now and as of T with
 * history, the case workflow (allowed path, illegal transitions refused with a clear error,
 * deadlines and overdue, statistics), BeiDou fixes (JSON and RMC lines, whole-batch rejection,
 * idempotency, outside-area flags, tracks with stops and distance), parking availability and
 * building energy intensity with outliers.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../src/db.ts';
import { createApiToken } from '../src/services/auth-tokens.ts';
import { formatRmcLine } from '../src/services/city/nmea.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

let platform: TestPlatform;
let db: pg.Client;
let token: string;

beforeAll(async () => {
  platform = await startTestPlatform();
  db = new pg.Client({ connectionString: platform.databaseUrl });
  await db.connect();
  const pool = createPool({ databaseUrl: platform.databaseUrl, poolMax: 1, statementTimeoutMs: 5000 });
  token = await createApiToken(pool, '城管值班长', 'editor', 1);
  await pool.end();
}, 60_000);
afterAll(async () => {
  await db?.end();
  await platform?.close();
});

async function call(method: string, path: string, body?: unknown, contentType = 'application/json', auth = true) {
  const res = await fetch(`${platform.baseUrl}${path}`, {
    method,
    headers: { ...(auth ? { Authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'Content-Type': contentType } : {}) },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', json: text ? JSON.parse(text) : undefined };
}
const one = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows[0] as T;
const SAMPLE_EVENING = encodeURIComponent('2025-06-18T20:00:00+08:00');

describe('sample', () => {
  it('unit grids partition the managed area inside streets, with CJ/T 213 codes', async () => {
    const g = await one<{ n: number; bad: number; overlap: number; outside: number }>(`
      SELECT count(*)::int AS n,
             count(*) FILTER (WHERE left(code, 9) <> street_code OR length(code) <> 14)::int AS bad,
             (SELECT count(*) FROM city.unit_grids a JOIN city.unit_grids b ON a.code < b.code AND a.geom && b.geom
               WHERE a.street_code = '331002001' AND ST_Area(ST_Intersection(a.geom, b.geom)::geography) > 1)::int AS overlap,
             count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM base.towns t WHERE t.code = street_code AND ST_Covers(ST_Buffer(t.geom, 0.00001), geom)))::int AS outside
        FROM city.unit_grids`);
    expect(g.n).toBeGreaterThan(5000);
    expect(g.bad).toBe(0);
    expect(g.overlap).toBe(0);
    expect(g.outside).toBe(0);
    const size = await one<{ median: number }>(`SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY area_m2) AS median FROM city.unit_grids`);
    expect(size.median).toBeGreaterThan(9000);
    expect(size.median).toBeLessThan(10_100);
  });

  it('components carry 16-digit codes (county + class + serial), stand in their grid, covers link to manholes', async () => {
    const c = await one<{ n: number; bad: number; misplaced: number; covers: number; unlinked: number; statuses: number }>(`
      SELECT count(*)::int AS n,
             count(*) FILTER (WHERE code !~ '^3310[0-9]{12}$' OR substr(code, 7, 4) <> class_code)::int AS bad,
             count(*) FILTER (WHERE NOT ST_Intersects((SELECT u.geom FROM city.unit_grids u WHERE u.code = c.grid_code), c.geom))::int AS misplaced,
             count(*) FILTER (WHERE class_code IN ('0101', '0102', '0103', '0105', '0107', '0111'))::int AS covers,
             count(*) FILTER (WHERE class_code IN ('0101', '0102', '0103', '0105', '0107', '0111') AND pipe_point_id IS NULL)::int AS unlinked,
             count(DISTINCT status)::int AS statuses
        FROM city.components c`);
    expect(c.n).toBeGreaterThan(20_000);
    expect(c.bad).toBe(0);
    expect(c.misplaced).toBe(0);
    expect(c.covers).toBeGreaterThan(5000);
    expect(c.unlinked).toBe(0);
    expect(c.statuses).toBe(4);
  });

  it('vehicles report every 10–30 s while driving sample roads', async () => {
    const v = await one<{ vehicles: number; minGap: number; maxGap: number; farFromRoad: number }>(`
      WITH f AS (SELECT vehicle_id, tm, geom, extract(epoch FROM tm - lag(tm) OVER (PARTITION BY vehicle_id ORDER BY tm)) AS gap FROM city.vehicle_fixes)
      SELECT count(DISTINCT vehicle_id)::int AS vehicles, min(gap)::int AS "minGap", max(gap)::int AS "maxGap",
             (SELECT count(*) FROM (SELECT geom FROM f ORDER BY vehicle_id, tm LIMIT 500) s
               WHERE NOT EXISTS (SELECT 1 FROM base.roads r WHERE upper_inf(r.valid) AND ST_DWithin(r.geom, s.geom, 0.0002)))::int AS "farFromRoad"
        FROM f`);
    expect(v.vehicles).toBe(12);
    expect(v.minGap).toBeGreaterThanOrEqual(10);
    expect(v.maxGap).toBeLessThanOrEqual(30);
    expect(v.farFromRoad).toBe(0);
  });
});

describe('components', () => {
  it('counts by street, grid and district agree, and status as of T follows the history', async () => {
    const total = (await one<{ n: number }>('SELECT count(*)::int AS n FROM city.components')).n;
    for (const by of ['street', 'district', 'grid']) {
      const r = await call('GET', `/city/components/stats?by=${by}`);
      expect(r.status).toBe(200);
      expect(r.json.rows.reduce((s: number, x: { total: number }) => s + x.total, 0)).toBe(total);
    }
    // before any status change (2025-01-02) every component was intact; now some are not
    const early = await call('GET', '/city/components/stats?by=district&datetime=2025-01-02');
    const sum = (rows: { counts: Record<string, number> }[], status: string) => rows.reduce((s, r) => s + (r.counts[status] ?? 0), 0);
    expect(sum(early.json.rows, 'intact')).toBe(total);
    expect(early.json.rows.every((r: { counts: object }) => Object.keys(r.counts).join() === 'intact')).toBe(true);
    const now = await call('GET', '/city/components/stats?by=district');
    expect(sum(now.json.rows, 'damaged')).toBeGreaterThan(0);
    expect(sum(now.json.rows, 'intact')).toBeLessThan(total);
    expect((await call('GET', '/city/components/stats?by=planet')).status).toBe(400);
  });

  it('a status change needs a token, is recorded in the history and counted', async () => {
    const c = await one<{ code: string; street_code: string }>(`SELECT code, street_code FROM city.components WHERE status = 'intact' AND class_code = '0118' ORDER BY code LIMIT 1`);
    const before = (await call('GET', `/city/components/stats?by=street&street=${c.street_code}`)).json.rows[0].counts.missing ?? 0;
    expect((await call('POST', `/city/components/${c.code}/status`, { status: 'missing' }, 'application/json', false)).status).toBe(401);
    expect((await call('POST', `/city/components/${c.code}/status`, { status: 'stolen' })).status).toBe(422);
    const r = await call('POST', `/city/components/${c.code}/status`, { status: 'missing', note: '灯杆被撞倒' });
    expect(r.status).toBe(200);
    expect(r.json.properties.status).toBe('missing');
    expect(r.json.properties.history.at(-1)).toMatchObject({ from: 'intact', to: 'missing', by: '城管值班长', note: '灯杆被撞倒' });
    expect((await call('POST', `/city/components/${c.code}/status`, { status: 'missing' })).status).toBe(409);
    const after = (await call('GET', `/city/components/stats?by=street&street=${c.street_code}`)).json.rows[0].counts.missing;
    expect(after).toBe(before + 1);
  });
});

describe('cases', () => {
  it('walks 上报 → 立案 → 派遣 → 签收 → 处置 → 核查 → 结案 with deadlines from the limits table', async () => {
    const rep = await call('POST', '/city/cases', { kind: 'event', classCode: '0505', description: '机动车占用人行道', lon: 121.425, lat: 28.66, photos: [{ name: 'a.jpg', takenAt: '2025-06-18T09:00:00+08:00', lon: 121.425, lat: 28.66, bytes: 123456 }] });
    expect(rep.status).toBe(201);
    const no = rep.json.properties.case_no as string;
    expect(no).toMatch(/^\d{14}$/);
    expect(rep.json.properties).toMatchObject({ state: 'reported', street_code: expect.stringMatching(/^3310/), grid_code: expect.stringMatching(/^\d{14}$/) });
    expect(rep.json.properties.photos[0]).toMatchObject({ name: 'a.jpg', bytes: 123456 });
    expect(rep.json.properties.actions.map((a: { action: string }) => a.action).sort()).toEqual(['file', 'reject']);
    const step = async (action: string, extra: object = {}) => {
      const r = await call('POST', `/city/cases/${no}/transitions`, { action, ...extra });
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      return r.json.properties;
    };
    expect((await step('file')).state).toBe('filed');
    const d = await step('dispatch');
    expect(d).toMatchObject({ state: 'dispatched', department_code: 'tz-traffic' });
    // 街面秩序 (05) handle limit: 480 minutes (city.case_time_limit)
    expect(Date.parse(d.handle_deadline) - Date.parse(d.dispatched_at)).toBe(480 * 60_000);
    await step('accept');
    await step('complete', { note: '已拖离', photos: [{ name: 'b.jpg' }] });
    const c = await step('rework', { note: '仍有车辆' });
    expect(c).toMatchObject({ state: 'in_progress', rework_count: 1 });
    await step('complete');
    const closed = await step('approve');
    expect(closed.state).toBe('closed');
    expect(closed.closed_at).toBeTruthy();
    expect(closed.events.map((e: { action: string }) => e.action)).toEqual(['report', 'file', 'dispatch', 'accept', 'complete', 'rework', 'complete', 'approve']);
    expect(closed.photos.map((p: { stage: string }) => p.stage)).toEqual(['report', 'complete']);
    expect(closed.actions).toEqual([]);
  });

  it('refuses an illegal transition with 409 and names the allowed actions; an unknown action is 422', async () => {
    const rep = await call('POST', '/city/cases', { kind: 'event', classCode: '0102', description: '暴露垃圾', lon: 121.43, lat: 28.665 });
    const no = rep.json.properties.case_no;
    const r = await call('POST', `/city/cases/${no}/transitions`, { action: 'approve' });
    expect(r.status).toBe(409);
    expect(r.type).toMatch(/problem\+json/);
    expect(r.json.code).toBe('IllegalCaseTransition');
    expect(r.json.detail).toContain('已上报');
    expect(r.json.detail).toContain('file(立案)');
    expect(r.json.allowedActions).toEqual(['file', 'reject']);
    const u = await call('POST', `/city/cases/${no}/transitions`, { action: 'teleport' });
    expect(u.status).toBe(422);
    expect(u.json.code).toBe('UnknownCaseAction');
    // nothing changed
    expect((await call('GET', `/city/cases/${no}`)).json.properties.state).toBe('reported');
    expect((await call('POST', `/city/cases/${no}/transitions`, { action: 'file' }, 'application/json', false)).status).toBe(401);
    await call('POST', `/city/cases/${no}/transitions`, { action: 'file' });
    expect((await call('POST', `/city/cases/${no}/transitions`, { action: 'dispatch', department: 'nasa' })).status).toBe(422);
  });

  it('detects overdue cases at T, and a closed component case repairs its component', async () => {
    const comp = await one<{ code: string; class_code: string }>(`SELECT code, class_code FROM city.components WHERE status = 'intact' AND class_code = '0103' ORDER BY code DESC LIMIT 1`);
    const rep = await call('POST', '/city/cases', { kind: 'component', classCode: '0103', componentCode: comp.code, componentStatus: 'missing', urgency: 'urgent', description: '雨水井盖丢失' });
    expect(rep.status).toBe(201);
    const no = rep.json.properties.case_no;
    expect((await call('GET', `/city/components/${comp.code}`)).json.properties.status).toBe('missing');
    // 15 minutes to file an urgent case: overdue an hour later, not now
    const later = encodeURIComponent(new Date(Date.now() + 3600_000).toISOString());
    expect((await call('GET', `/city/cases/${no}`)).json.properties.overdue).toBe(false);
    expect((await call('GET', `/city/cases/${no}?datetime=${later}`)).json.properties.overdue).toBe(true);
    const list = await call('GET', `/city/cases?overdue=true&datetime=${later}&limit=10000`);
    expect(list.json.features.some((f: { id: string }) => f.id === no)).toBe(true);
    for (const a of ['file', 'dispatch', 'accept', 'complete', 'approve']) expect((await call('POST', `/city/cases/${no}/transitions`, { action: a })).status).toBe(200);
    const after = (await call('GET', `/city/components/${comp.code}`)).json.properties;
    expect(after.status).toBe('intact');
    expect(after.history.at(-1)).toMatchObject({ from: 'missing', to: 'intact', case_no: no });
  });

  it('publishes the workflow as data, filters the case list, and needs a token to report', async () => {
    const w = await call('GET', '/city/workflow');
    const n = await one<{ n: number }>('SELECT count(*)::int AS n FROM city.case_transition');
    expect(w.json.transitions).toHaveLength(n.n);
    expect(w.json.states.map((s: { code: string }) => s.code)).toContain('awaiting_check');
    const list = await call('GET', `/city/cases?state=in_progress,awaiting_check&datetime=${SAMPLE_EVENING}&limit=1000`);
    expect(list.json.features.length).toBeGreaterThan(0);
    expect(list.json.features.every((f: { properties: { state: string } }) => ['in_progress', 'awaiting_check'].includes(f.properties.state))).toBe(true);
    expect((await call('GET', '/city/cases/99999999999999')).status).toBe(404);
    expect((await call('GET', '/city/cases?state=DROP%20TABLE')).status).toBe(400);
    expect((await call('POST', '/city/cases', { kind: 'event', classCode: '0102', description: 'x', lon: 121.4, lat: 28.6 }, 'application/json', false)).status).toBe(401);
    expect((await call('POST', '/city/cases', { kind: 'event', classCode: '9999', description: 'x', lon: 121.4, lat: 28.6 })).status).toBe(422);
  });

  it('statistics by class, grid, department and street add up, with an overdue rate', async () => {
    for (const by of ['class', 'grid', 'department', 'street']) {
      const r = await call('GET', `/city/cases/stats?by=${by}&from=2025-05-01&to=2025-06-19&datetime=${SAMPLE_EVENING}`);
      expect(r.status).toBe(200);
      const sum = r.json.rows.reduce((s: number, x: { total: number }) => s + x.total, 0);
      expect(sum).toBe(r.json.totals.total);
      expect(r.json.totals.total).toBeGreaterThan(2000);
    }
    const t = (await call('GET', `/city/cases/stats?by=department&from=2025-05-01&to=2025-06-19&datetime=${SAMPLE_EVENING}`)).json.totals;
    const sql = await one<{ overdue: number; dispatched: number }>(`
      SELECT count(*) FILTER (WHERE coalesce(handled_at, timestamptz '2025-06-18 20:00+08') > handle_deadline)::int AS overdue,
             count(*) FILTER (WHERE handle_deadline IS NOT NULL)::int AS dispatched
        FROM city.cases WHERE reported_at >= '2025-05-01' AND reported_at < '2025-06-19' AND reported_at <= timestamptz '2025-06-18 20:00+08'`);
    expect(t.overdue).toBe(sql.overdue);
    expect(t.overdueRate).toBeCloseTo(sql.overdue / sql.dispatched, 3);
    expect(t.overdueRate).toBeGreaterThan(0.05);
    expect(t.overdueRate).toBeLessThan(0.6);
  });
});

describe('BeiDou vehicles', () => {
  const day = Date.parse('2025-06-19T02:00:00Z');
  it('ingests RMC lines, flags fixes outside the assigned street, is idempotent, and moves the latest position', async () => {
    const v = await one<{ inside: { x: number; y: number }; outside: { x: number; y: number } }>(`
      SELECT json_build_object('x', ST_X(ST_PointOnSurface(assigned_area)), 'y', ST_Y(ST_PointOnSurface(assigned_area))) AS inside,
             json_build_object('x', 121.0, 'y', 28.9) AS outside FROM city.vehicles WHERE id = 'BD003'`);
    const lines = [0, 1, 2, 3].map((i) =>
      formatRmcLine({ vehicle: 'BD003', timeMs: day + i * 15_000, lon: i < 3 ? v.inside.x + i * 0.0001 : v.outside.x, lat: i < 3 ? v.inside.y : v.outside.y, speedKmh: 20, heading: 90 }),
    );
    const r = await call('POST', '/city/vehicles/fixes', lines.join('\n'), 'text/plain');
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json).toEqual({ received: 4, written: 4, outside: 1, skipped: 0 });
    const again = await call('POST', '/city/vehicles/fixes', lines.join('\n'), 'text/plain');
    expect(again.json.received).toBe(4);
    expect((await one<{ n: number }>(`SELECT count(*)::int AS n FROM city.vehicle_fixes WHERE vehicle_id = 'BD003' AND tm >= $1`, [new Date(day).toISOString()])).n).toBe(4);
    const latest = await call('GET', '/city/vehicles');
    const f = latest.json.features.find((x: { id: string }) => x.id === 'BD003');
    expect(f.properties.outside).toBe(true);
    expect(Date.parse(f.properties.tm)).toBe(day + 45_000);
  });

  it('ingests JSON fixes the same way', async () => {
    const r = await call('POST', '/city/vehicles/fixes', { fixes: [
      { vehicle: 'BD005', time: '2025-06-19T11:00:00+08:00', lon: 121.0, lat: 28.9, speedKmh: 30, heading: 180 },
      { vehicle: 'BD005', time: '2025-06-19T11:00:20+08:00', lon: 121.0001, lat: 28.9 },
    ] });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json).toEqual({ received: 2, written: 2, outside: 2, skipped: 0 });
    const t = await call('GET', `/city/vehicles/BD005/track?from=${encodeURIComponent('2025-06-19T10:59:00+08:00')}&to=${encodeURIComponent('2025-06-19T11:01:00+08:00')}`);
    expect(t.json.properties.times).toEqual([Date.parse('2025-06-19T11:00:00+08:00'), Date.parse('2025-06-19T11:00:20+08:00')]);
    expect(t.json.properties.distanceM).toBeGreaterThan(9);
    expect(t.json.properties.distanceM).toBeLessThan(11);
    expect(t.json.properties.outsideIndexes).toEqual([0, 1]);
  });

  it('rejects a batch with one bad row whole, listing the row', async () => {
    const good = { vehicle: 'BD004', time: '2025-06-19T10:00:00+08:00', lon: 121.43, lat: 28.66 };
    const r = await call('POST', '/city/vehicles/fixes', { fixes: [good, { ...good, vehicle: 'NOPE', time: '2025-06-19T10:00:20+08:00' }] });
    expect(r.status).toBe(400);
    expect(r.json.code).toBe('BatchRejected');
    expect(r.json.errors[0]).toMatchObject({ row: 2, field: 'vehicle' });
    expect((await one<{ n: number }>(`SELECT count(*)::int AS n FROM city.vehicle_fixes WHERE vehicle_id = 'BD004' AND tm = '2025-06-19T10:00:00+08:00'`)).n).toBe(0);
    expect((await call('POST', '/city/vehicles/fixes', { fixes: [good] }, 'application/json', false)).status).toBe(401);
  });

  it('serves a track for a time range with times, distance, stops and outside flags', async () => {
    const r = await call('GET', `/city/vehicles/BD001/track?from=${encodeURIComponent('2025-06-18T08:00:00+08:00')}&to=${encodeURIComponent('2025-06-18T12:00:00+08:00')}`);
    expect(r.status).toBe(200);
    expect(r.json.geometry.type).toBe('LineString');
    const p = r.json.properties;
    expect(p.times).toHaveLength(r.json.geometry.coordinates.length);
    expect(p.times.every((t: number, i: number) => i === 0 || t > p.times[i - 1])).toBe(true);
    const d = await one<{ m: number }>(`SELECT ST_Length(ST_MakeLine(geom ORDER BY tm)::geography) AS m FROM city.vehicle_fixes WHERE vehicle_id = 'BD001' AND tm BETWEEN '2025-06-18T08:00:00+08:00' AND '2025-06-18T12:00:00+08:00'`);
    expect(p.distanceM / d.m).toBeGreaterThan(0.995);
    expect(p.distanceM / d.m).toBeLessThan(1.005);
    // the sample stops 8 minutes every 50 minutes
    expect(p.stops.length).toBeGreaterThanOrEqual(3);
    expect(p.stops.every((s: { durationS: number }) => s.durationS >= 120)).toBe(true);
    const outside = await one<{ n: number }>(`SELECT count(*)::int AS n FROM city.vehicle_fixes WHERE vehicle_id = 'BD001' AND outside AND tm BETWEEN '2025-06-18T08:00:00+08:00' AND '2025-06-18T12:00:00+08:00'`);
    expect(p.outsideCount).toBe(outside.n);
    expect((await call('GET', '/city/vehicles/BD001/track?from=2025-06-18')).status).toBe(400);
    expect((await call('GET', '/city/vehicles/ZZZ/track?from=2025-06-18&to=2025-06-19')).status).toBe(404);
  });

  it('positions at an instant are the last fix at or before it', async () => {
    const at = '2025-06-18T10:00:00+08:00';
    const r = await call('GET', `/city/vehicles?datetime=${encodeURIComponent(at)}`);
    expect(r.json.features).toHaveLength(12);
    const f = r.json.features.find((x: { id: string }) => x.id === 'BD002');
    const s = await one<{ tm: Date }>(`SELECT max(tm) AS tm FROM city.vehicle_fixes WHERE vehicle_id = 'BD002' AND tm <= $1`, [at]);
    expect(Date.parse(f.properties.tm)).toBe(s.tm.getTime());
  });
});

describe('parking and energy', () => {
  it('available = capacity − occupied at T, with a trend; a new observation changes it', async () => {
    const r = await call('GET', `/city/parking?datetime=${SAMPLE_EVENING}`);
    expect(r.json.features).toHaveLength(40);
    const p = r.json.features[0].properties;
    expect(p.available).toBe(p.capacity - p.occupied);
    expect(['filling', 'emptying', 'steady']).toContain(p.trend);
    const morning = await call('GET', `/city/parking?datetime=${encodeURIComponent('2025-06-18T09:00:00+08:00')}`);
    expect(morning.json.features.filter((f: { properties: { trend: string } }) => f.properties.trend === 'filling').length).toBeGreaterThan(20);
    const t = '2025-06-18T20:02:00+08:00';
    const w = await call('POST', '/city/observations', { observations: [{ objectType: 'parking_lot', objectId: p.id, metric: 'occupied', time: t, value: p.capacity }] });
    expect(w.json).toEqual({ received: 1, written: 1 });
    const full = await call('GET', `/city/parking?datetime=${encodeURIComponent(t)}`);
    expect(full.json.features[0].properties.available).toBe(0);
    const bad = await call('POST', '/city/observations', { observations: [{ objectType: 'parking_lot', objectId: 'P999', metric: 'occupied', time: t, value: 1 }] });
    expect(bad.status).toBe(400);
  });

  it('serves a lot\'s availability series', async () => {
    const r = await call('GET', `/city/parking/P002/series?from=${encodeURIComponent('2025-06-18T00:00:00+08:00')}&to=${encodeURIComponent('2025-06-18T12:00:00+08:00')}`);
    expect(r.status).toBe(200);
    expect(r.json.available).toHaveLength(144);
    expect(r.json.available.every(([, a]: [number, number]) => a >= 0 && a <= r.json.capacity)).toBe(true);
    expect((await call('GET', '/city/parking/P999/series')).status).toBe(404);
  });

  it('energy per m² by building use, with the unusually heavy consumers flagged', async () => {
    const r = await call('GET', '/city/energy?from=2025-01-01&to=2025-06-18');
    expect(r.status).toBe(200);
    const uses = Object.fromEntries(r.json.byUse.map((u: { use: string; kwhPerM2: number }) => [u.use, u.kwhPerM2]));
    expect(uses['commercial']).toBeGreaterThan(uses['residential']);
    const kwh = await one<{ kwh: number }>(`SELECT sum(value)::float8 AS kwh FROM city.obs o JOIN city.datastream d ON d.id = o.datastream_id WHERE d.object_type = 'energy_meter'`);
    const total = r.json.byUse.reduce((s: number, u: { kwh: number }) => s + u.kwh, 0);
    expect(Math.abs(total - kwh.kwh) / kwh.kwh).toBeLessThan(1e-4);
    const feats = r.json.buildings.features as { properties: { use: string; kwh_per_m2: number; outlier: boolean } }[];
    const flagged = feats.filter((f) => f.properties.outlier);
    expect(flagged.length).toBeGreaterThan(0);
    for (const f of flagged) {
      const peers = feats.filter((g) => g.properties.use === f.properties.use).map((g) => g.properties.kwh_per_m2).sort((a, b) => a - b);
      const med = peers[peers.length >> 1]!;
      expect(f.properties.kwh_per_m2 / med > 1.6 || f.properties.kwh_per_m2 / med < 0.6).toBe(true);
    }
    expect((await call('GET', '/city/energy?from=2025-06-18&to=2025-01-01')).status).toBe(400);
  });
});

describe('classification of cases and vehicles (internal layers city_cases, city_vehicles)', () => {
  it('answers the public as for an unknown path, other departments desensitised, the owner department in full', async () => {
    for (const path of ['/city/vehicles', '/city/cases', '/city/cases/stats', `/city/vehicles/BD001/track?from=2025-06-18T00:00:00Z&to=2025-06-18T12:00:00Z`]) {
      const anonymous = await call('GET', path, undefined, 'application/json', false);
      expect(anonymous.status, path).toBe(404);
      expect(JSON.stringify(anonymous.json)).not.toMatch(/浙|plate|reporter/);
    }
    // The module token has no department: it sees internal layers as other departments do.
    const reduced = await call('GET', `/city/vehicles?datetime=${SAMPLE_EVENING}`);
    expect(reduced.status).toBe(200);
    const plates = (reduced.json.features as { properties: { plate: string } }[]).map((f) => f.properties.plate);
    expect(plates.length).toBeGreaterThan(0);
    for (const plate of plates) expect(plate).toMatch(/^.{2}\*+$/);
    const cases = await call('GET', '/city/cases?limit=20');
    expect((cases.json.features as { properties: Record<string, unknown> }[]).every((f) => !('reporter' in f.properties))).toBe(true);

    const pool = createPool({ databaseUrl: platform.databaseUrl, poolMax: 1, statementTimeoutMs: 5000 });
    const owner = await createApiToken(pool, '城管局调度', 'staff', 1, { department: 'tz-cg' }).finally(() => pool.end());
    const full = await fetch(`${platform.baseUrl}/city/vehicles?datetime=${SAMPLE_EVENING}`, { headers: { Authorization: `Bearer ${owner}` } });
    const fullPlates = ((await full.json()) as { features: { properties: { plate: string } }[] }).features.map((f) => f.properties.plate);
    expect(fullPlates.length).toBe(plates.length);
    expect(fullPlates.some((p) => !p.includes('*'))).toBe(true);
  });
});
