/**
 * Pipeline analyses on the real server and PostGIS (domain.md §1.6–1.8): 纵断面 against the stored
 * depths and elevations, 横断面 against an independent ST_Intersects count, GB 50289 净距 with a
 * planted violation and a pair that needs review, 开挖 over a known water main. They are for the
 * pipeline departments only: another department's staff gets 403 and nothing of the network.
 */
import { describe, expect, it } from 'vitest';
import { createPool } from '../src/db.ts';
import { createApiToken } from '../src/services/auth-tokens.ts';
import { usePlatform } from './support/platform.ts';

const ctx = usePlatform();
let token: string | undefined;
let otherDepartment: string | undefined;

/** The pipe layers are internal, owned by 住建局 (tz-zj): its token sees everything. */
async function auth(): Promise<Record<string, string>> {
  if (token === undefined) {
    const pool = createPool({ databaseUrl: ctx.platform.databaseUrl, poolMax: 1, statementTimeoutMs: 5000 });
    token = await createApiToken(pool, '管线科', 'editor', 1, { department: 'tz-zj' });
    otherDepartment = await createApiToken(pool, '水利局', 'staff', 1, { department: 'tz-sl' });
    await pool.end();
  }
  return { Authorization: `Bearer ${token}` };
}

/** Another department's staff: refused with 403 (the public gets 401: security-pipes.test.ts). */
async function other(): Promise<Record<string, string>> {
  await auth();
  return { Authorization: `Bearer ${otherDepartment}` };
}

/** As the pipeline department, or (`other`) as another department's staff. */
async function call(path: string, init: { other?: boolean; body?: unknown } = {}) {
  const headers: Record<string, string> = init.other ? await other() : await auth();
  if (init.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${ctx.platform.baseUrl}${path}`, init.body !== undefined ? { method: 'POST', headers, body: JSON.stringify(init.body) } : { headers });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', text, json: text ? JSON.parse(text) : undefined };
}

/** Another department's answer: 403 problem+json, bilingual, naming no depth, owner, element or position. */
function expectRefused(r: Awaited<ReturnType<typeof call>>): void {
  expect(r.status).toBe(403);
  expect(r.type).toContain('application/problem+json');
  expect(r.json.detail).toContain('仅限管线权属部门');
  expect(r.json.detail).toContain('pipeline departments');
  expect(r.text).not.toMatch(/depth|owner_unit|elev|crossings|segments"|features|coordinates|\d+\.\d{4,}/);
}

describe('longitudinal profile (纵断面)', () => {
  /** Three drainage segments chained end → start, as surveyed. */
  async function run(): Promise<number[]> {
    const { rows } = await ctx.db.query(`SELECT a.id::int AS a, b.id::int AS b, c.id::int AS c FROM pipe.segments a
      JOIN pipe.segments b ON b.start_point_id = a.end_point_id AND b.category = a.category
      JOIN pipe.segments c ON c.start_point_id = b.end_point_id AND c.category = a.category
      WHERE a.category = 'PS' AND a.properties = '{}' AND b.properties = '{}' AND c.properties = '{}' AND a.diameter_mm IS NOT NULL
        AND b.diameter_mm IS NOT NULL AND c.diameter_mm IS NOT NULL AND a.start_elev IS NOT NULL ORDER BY a.id LIMIT 1`);
    return [rows[0].a, rows[0].b, rows[0].c];
  }

  it('gives chainage, ground, invert, top and depth per node equal to the stored values', async () => {
    const ids = await run();
    const r = await call(`/pipes/profile?segments=${ids.join(',')}`);
    expect(r.status).toBe(200);
    expect(r.json.nodes).toHaveLength(4);
    expect(r.json.segments.map((s: { id: number }) => s.id)).toEqual(ids);
    const { rows } = await ctx.db.query(`SELECT s.id::int, s.start_point_id::int AS sp, s.end_point_id::int AS ep, s.start_depth::float8 AS sd, s.end_depth::float8 AS ed,
        s.start_elev::float8 AS se, s.end_elev::float8 AS ee, s.elev_ref, s.diameter_mm, s.length_m, a.ground_elev::float8 AS ga, b.ground_elev::float8 AS gb
      FROM pipe.segments s JOIN pipe.points a ON a.id = s.start_point_id JOIN pipe.points b ON b.id = s.end_point_id WHERE s.id = ANY($1::bigint[])`, [ids]);
    const seg = new Map(rows.map((x) => [x.id, x]));
    let chainage = 0;
    for (const [i, id] of ids.entries()) {
      const s = seg.get(id)!;
      const node = r.json.nodes[i];
      expect(node.point_id).toBe(s.sp);
      expect(node.ground_elev).toBeCloseTo(s.ga, 3);
      expect(node.depth).toBeCloseTo(s.sd, 3);
      expect(node.chainage_m).toBeCloseTo(chainage, 1);
      const d = s.diameter_mm / 1000;
      const invert = s.elev_ref === 'B' ? s.se : s.elev_ref === 'T' ? s.se - d : s.se - d / 2;
      expect(node.invert_elev).toBeCloseTo(invert, 3);
      expect(node.top_elev).toBeCloseTo(invert + d, 3);
      const segOut = r.json.segments[i];
      expect(segOut.length_m).toBeCloseTo(s.length_m, 1);
      expect(segOut.diameter_mm).toBe(s.diameter_mm);
      const endInvert = s.elev_ref === 'B' ? s.ee : s.elev_ref === 'T' ? s.ee - d : s.ee - d / 2;
      expect(segOut.slope_permille).toBeCloseTo(((invert - endInvert) / s.length_m) * 1000, 1);
      chainage += s.length_m;
    }
    const last = seg.get(ids[2]!)!;
    expect(r.json.nodes[3]).toMatchObject({ point_id: last.ep, depth: last.ed });
    expect(r.json.nodes[3].ground_elev).toBeCloseTo(last.gb, 3);
    expect(r.json.length_m).toBeCloseTo(chainage, 1);
    // Given backwards, the run is walked from the other end with the same values mirrored.
    const back = await call(`/pipes/profile?segments=${[...ids].reverse().join(',')}`);
    expect(back.status).toBe(200);
    expect(back.json.nodes.map((n: { point_id: number }) => n.point_id)).toEqual(r.json.nodes.map((n: { point_id: number }) => n.point_id).reverse());
    expect(back.json.segments[0].reversed).toBe(true);
  });

  it('refuses other departments (403) and rejects a run that is not connected', async () => {
    const ids = await run();
    expectRefused(await call(`/pipes/profile?segments=${ids.join(',')}`, { other: true }));
    // Refused before the parameters are read: a bad request is no way to learn about the network.
    expectRefused(await call('/pipes/profile?segments=999999999', { other: true }));
    const gap = await call(`/pipes/profile?segments=${ids[0]},${ids[2]}`);
    expect(gap.status).toBe(400);
    expect(gap.type).toContain('application/problem+json');
    expect(gap.json.parameter).toBe('segments');
    expect((await call('/pipes/profile')).status).toBe(400);
    expect((await call("/pipes/profile?segments=1,x'or'1")).status).toBe(400);
    expect((await call('/pipes/profile?segments=1,1')).status).toBe(400);
    expect((await call('/pipes/profile?segments=999999999')).status).toBe(404);
  });
});

describe('cross-section (横断面)', () => {
  /** A cut of about 60 m perpendicular-ish across a street with pipes: centred on a water segment. */
  async function cutAcrossWater(): Promise<number[]> {
    const { rows } = await ctx.db.query(`SELECT ST_X(c)::float8 AS x, ST_Y(c)::float8 AS y FROM (SELECT ST_Centroid(geom) AS c FROM pipe.segments
      WHERE category = 'JS' AND properties = '{}' ORDER BY id OFFSET 100 LIMIT 1) t`);
    const { x, y } = rows[0];
    return [x - 0.0003, y - 0.0003, x + 0.0003, y + 0.0003];
  }

  it('lists every crossed segment, as many as ST_Intersects finds, ordered by offset with interpolated depths', async () => {
    const line = await cutAcrossWater();
    const r = await call(`/pipes/section?line=${line.join(',')}`);
    expect(r.status).toBe(200);
    const { rows } = await ctx.db.query(`SELECT count(*)::int AS n, array_agg(id::int ORDER BY id) AS ids FROM pipe.segments
      WHERE ST_Intersects(geom_4549, ST_Transform(ST_SetSRID(ST_MakeLine(ST_MakePoint($1, $2), ST_MakePoint($3, $4)), 4490), 4549))`, line);
    expect(rows[0].n).toBeGreaterThanOrEqual(1);
    expect(r.json.count).toBe(rows[0].n);
    expect(r.json.crossings.map((c: { id: number }) => c.id).sort((a: number, b: number) => a - b)).toEqual(rows[0].ids);
    const offsets = r.json.crossings.map((c: { offset_m: number }) => c.offset_m);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    for (const o of offsets) expect(o).toBeGreaterThanOrEqual(0);
    for (const o of offsets) expect(o).toBeLessThanOrEqual(r.json.length_m);
    // The depth lies between the segment's two stored depths.
    const c = r.json.crossings.find((x: { depth: number | null }) => x.depth !== null);
    const seg = await ctx.db.query(`SELECT least(start_depth, end_depth)::float8 AS lo, greatest(start_depth, end_depth)::float8 AS hi FROM pipe.segments WHERE id = $1`, [c.id]);
    expect(c.depth).toBeGreaterThanOrEqual(seg.rows[0].lo - 0.001);
    expect(c.depth).toBeLessThanOrEqual(seg.rows[0].hi + 0.001);
    expect(c.geometry.type).toBe('Point');
    // The same cut as a POSTed GeoJSON LineString gives the same answer; other departments get 403.
    const posted = await call('/pipes/section', { body: { type: 'LineString', coordinates: [line.slice(0, 2), line.slice(2)] } });
    expect(posted.json.crossings).toEqual(r.json.crossings);
    expect(c).toHaveProperty('owner_unit');
    expectRefused(await call(`/pipes/section?line=${line.join(',')}`, { other: true }));
    expectRefused(await call('/pipes/section', { other: true, body: { type: 'LineString', coordinates: [line.slice(0, 2), line.slice(2)] } }));
  });

  it('rejects bad and overlong cuts with problem+json', async () => {
    for (const q of ['', 'line=1,2,3', 'line=121.4,28.6,121.4,abc', 'line=200,28.6,121.4,28.7', 'line=121.0,28.6,121.5,28.7']) {
      const r = await call(`/pipes/section?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.type).toContain('application/problem+json');
    }
    expect((await call('/pipes/section', { body: { type: 'Point', coordinates: [121.4, 28.6] } })).status).toBe(400);
    const text = await fetch(`${ctx.platform.baseUrl}/pipes/section`, { method: 'POST', headers: { 'Content-Type': 'text/plain', ...(await auth()) }, body: '121.4,28.6,121.41,28.61' });
    expect(text.status).toBe(415);
  });
});

/** Plants test pipes at metre offsets (EPSG:4549) from an origin; returns the new segment id. */
async function plant(no: string, category: string, x1: number, y1: number, x2: number, y2: number, attrs: { diameter_mm: number | null; elev?: number; subcategory?: string }): Promise<number> {
  const pt = async (suffix: string, x: number, y: number) => (await ctx.db.query(`INSERT INTO pipe.points (point_no, category, ground_elev, geom)
    VALUES ($1, $2, 11.5, ST_Transform(ST_SetSRID(ST_MakePoint($3, $4), 4549), 4490)) RETURNING id::int`, [`${no}${suffix}`, category, x, y])).rows[0].id as number;
  const a = await pt('A', x1, y1);
  const b = await pt('B', x2, y2);
  const { rows } = await ctx.db.query(`INSERT INTO pipe.segments (line_no, category, subcategory, start_point_id, end_point_id, diameter_mm, start_elev, end_elev, start_depth, end_depth, elev_ref, owner_unit, geom)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 11.5 - $7, 11.5 - $7, 'T', '测试权属单位', ST_Transform(ST_SetSRID(ST_MakeLine(ST_MakePoint($8, $9), ST_MakePoint($10, $11)), 4549), 4490)) RETURNING id::int`,
    [no, category, attrs.subcategory ?? null, a, b, attrs.diameter_mm, attrs.elev ?? null, x1, y1, x2, y2]);
  return rows[0].id;
}

describe('clearance check (净距分析, GB 50289)', () => {
  let origin: { x: number; y: number };
  let ids: Record<string, number>;
  let bbox: number[];

  async function setup() {
    if (ids) return;
    const { rows } = await ctx.db.query(`SELECT ST_X(c)::float8 AS x, ST_Y(c)::float8 AS y FROM (SELECT ST_Centroid(geom_4549) AS c FROM pipe.segments
      WHERE category = 'JS' ORDER BY id OFFSET 300 LIMIT 1) t`);
    origin = { x: rows[0].x + 37, y: rows[0].y + 41 };
    const { x, y } = origin;
    ids = {
      // DN300 water main and DN300 drain 1.0 m apart (centre): clear 0.7 m < 1.5 m (表4.1.9, d > 200).
      js1: await plant('TCJ1', 'JS', x, y, x + 20, y, { diameter_mm: 300, elev: 10.0 }),
      ps1: await plant('TCP1', 'PS', x, y + 1.0, x + 20, y + 1.0, { diameter_mm: 300, elev: 9.0 }),
      // A water pipe of unknown diameter 1.2 m from a drain: the rule (1.0 or 1.5) cannot be chosen.
      js2: await plant('TCJ2', 'JS', x, y + 30, x + 20, y + 30, { diameter_mm: null, elev: 10.0 }),
      ps2: await plant('TCP2', 'PS', x, y + 31.2, x + 20, y + 31.2, { diameter_mm: 300, elev: 9.0 }),
      // A cable crossing under the water main 5 cm too high: vertical clash (表4.1.14, 0.15 m).
      tx1: await plant('TCT1', 'TX', x + 10, y - 5, x + 10, y + 0.5, { diameter_mm: 100, elev: 9.75 }),
    };
    const box = await ctx.db.query(`SELECT ST_XMin(b)::float8 AS w, ST_YMin(b)::float8 AS s, ST_XMax(b)::float8 AS e, ST_YMax(b)::float8 AS n
      FROM ST_Transform(ST_MakeEnvelope($1, $2, $3, $4, 4549), 4490) b`, [x - 80, y - 80, x + 100, y + 110]);
    bbox = [box.rows[0].w, box.rows[0].s, box.rows[0].e, box.rows[0].n];
  }
  interface Pair { a: { id: number }; b: { id: number }; kind: string; clearance_m: number; distance_m: number; geometry: { type: string }; missing: string[] }
  const find = (pairs: Pair[], p: number, q: number, kind: string): Pair | undefined =>
    pairs.find((x) => x.kind === kind && [x.a.id, x.b.id].sort().join() === [p, q].sort().join());

  it('finds a planted horizontal violation and a vertical clash at a crossing', async () => {
    await setup();
    const r = await call(`/pipes/clearance?bbox=${bbox.join(',')}`);
    expect(r.status).toBe(200);
    const h = find(r.json.pairs, ids.js1!, ids.ps1!, 'horizontal');
    expect(h).toMatchObject({ status: 'violation', required_m: 1.5, clause: '表4.1.9', verified: true, clash: false });
    expect(h!.clearance_m).toBeCloseTo(0.7, 2);
    expect(h!.distance_m).toBeCloseTo(1.0, 2);
    const v = find(r.json.pairs, ids.js1!, ids.tx1!, 'vertical');
    expect(v).toMatchObject({ status: 'violation', required_m: 0.15, clash: true });
    expect(v!.clearance_m).toBeCloseTo(-0.05, 3);
    expect(v!.geometry.type).toBe('Point');
    // Never reported: pairs farther apart than any rule.
    expect(find(r.json.pairs, ids.js1!, ids.ps2!, 'horizontal')).toBeUndefined();
    // Every reported horizontal pair is really within the search distance (ST_DWithin in 4549).
    for (const p of r.json.pairs.filter((x: { kind: string }) => x.kind === 'horizontal').slice(0, 50)) {
      const d = await ctx.db.query(`SELECT ST_Distance(a.geom_4549, b.geom_4549) AS d, a.category AS ca, b.category AS cb FROM pipe.segments a, pipe.segments b WHERE a.id = $1 AND b.id = $2`, [p.a.id, p.b.id]);
      expect(d.rows[0].ca).not.toBe(d.rows[0].cb);
      expect(d.rows[0].d).toBeCloseTo(p.distance_m, 2);
    }
  });

  it('marks a pair whose rule needs a missing diameter as needs review, never pass', async () => {
    await setup();
    const r = await call(`/pipes/clearance?bbox=${bbox.join(',')}`);
    const p = find(r.json.pairs, ids.js2!, ids.ps2!, 'horizontal');
    expect(p).toMatchObject({ status: 'needs review', required_m: 1.5, clearance_m: null });
    expect(p!.missing).toContain(`${ids.js2}.diameter_mm`);
    expect(r.json.summary.horizontalNeedsReview).toBeGreaterThanOrEqual(1);
    expectRefused(await call(`/pipes/clearance?bbox=${bbox.join(',')}`, { other: true }));
  });

  it('answers a full 1 km² box of the dense sample within the statement timeout', async () => {
    const { rows } = await ctx.db.query(`SELECT ST_XMin(b)::float8 AS w, ST_YMin(b)::float8 AS s, ST_XMax(b)::float8 AS e, ST_YMax(b)::float8 AS n
      FROM (SELECT ST_Transform(ST_Expand(ST_Centroid(geom_4549), 499), 4490) AS b FROM pipe.segments WHERE category = 'JS' ORDER BY id OFFSET 300 LIMIT 1) t`);
    const r = await call(`/pipes/clearance?bbox=${rows[0].w},${rows[0].s},${rows[0].e},${rows[0].n}`);
    expect(r.status).toBe(200);
    expect(r.json.summary).toMatchObject({ horizontalViolations: expect.any(Number), verticalNeedsReview: expect.any(Number) });
    expect(r.json.pairs.length).toBeGreaterThan(0);
  });

  it('rejects a box over 1 km² and malformed boxes', async () => {
    for (const q of ['', 'bbox=121.3,28.6,121.5,28.7', 'bbox=121.4,28.6,121.39,28.61', 'bbox=1,2,3', 'bbox=121.4,28.6,121.401,abc']) {
      const r = await call(`/pipes/clearance?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.json.parameter).toBe('bbox');
    }
  });
});

describe('excavation (开挖分析)', () => {
  /** A water main with known depths, and a 3 m radius dig area on its middle. */
  async function digOverWaterMain() {
    const { rows } = await ctx.db.query(`SELECT s.id::int, s.line_no, greatest(s.start_depth, s.end_depth)::float8 AS deepest, least(s.start_depth, s.end_depth)::float8 AS shallowest,
        s.elev_ref, ST_AsGeoJSON(ST_Transform(ST_Buffer(ST_Centroid(s.geom_4549), 3, 4), 4490), 9)::json AS area
      FROM pipe.segments s WHERE s.category = 'JS' AND s.properties = '{}' AND s.start_depth IS NOT NULL AND s.end_depth IS NOT NULL AND s.elev_ref = 'T'
        AND s.diameter_mm >= 200 ORDER BY s.id OFFSET 50 LIMIT 1`);
    return rows[0] as { id: number; line_no: string; deepest: number; shallowest: number; area: unknown };
  }

  it('lists a water main hit by a deep dig with its owner and the valves the burst analysis closes', async () => {
    const main = await digOverWaterMain();
    const r = await call('/pipes/excavation', { body: { area: main.area, depth_m: main.deepest + 1 } });
    expect(r.status).toBe(200);
    const hit = r.json.segments.features.find((f: { id: number }) => f.id === main.id);
    expect(hit.properties).toMatchObject({ status: 'hit', category: 'JS', owner_unit: '台州市自来水有限公司' });
    expect(hit.properties.top_depth_m).toBeGreaterThanOrEqual(main.shallowest - 0.001);
    expect(hit.properties.top_depth_m).toBeLessThanOrEqual(main.deepest + 0.001);
    expect(hit.properties.inside_m).toBeGreaterThan(0);
    expect(hit.properties.inside_m).toBeLessThanOrEqual(6.01);
    expect(r.json.owners).toContainEqual(expect.objectContaining({ owner_unit: '台州市自来水有限公司', categories: expect.arrayContaining(['JS']) }));
    const burst = await call(`/pipes/burst?segment=${main.id}`);
    const valves = r.json.valvesToClose.features.map((f: { properties: { point_no: string } }) => f.properties.point_no);
    expect(burst.json.valvesToClose.features.length).toBeGreaterThan(0);
    for (const f of burst.json.valvesToClose.features) expect(valves).toContain(f.properties.point_no);
    expect(r.json.summary.valvesToClose).toBe(valves.length);
    // A shallow dig stays above the main; other departments get 403.
    const shallow = await call('/pipes/excavation', { body: { area: main.area, depth_m: Math.max(0.01, main.shallowest - 0.3) } });
    expect(shallow.json.segments.features.map((f: { id: number }) => f.id)).not.toContain(main.id);
    expectRefused(await call('/pipes/excavation', { other: true, body: { area: main.area, depth_m: main.deepest + 1 } }));
    expectRefused(await call(`/pipes/burst?segment=${main.id}`, { other: true }));
  });

  it('lists a pipe of unknown depth as needs review, even for a shallow dig', async () => {
    const { rows } = await ctx.db.query(`SELECT ST_X(c)::float8 AS x, ST_Y(c)::float8 AS y FROM (SELECT ST_Centroid(geom_4549) AS c FROM pipe.segments
      WHERE category = 'JS' ORDER BY id OFFSET 700 LIMIT 1) t`);
    const x = rows[0].x + 53;
    const y = rows[0].y - 47;
    const id = await plant('TEJ1', 'JS', x, y, x + 10, y, { diameter_mm: 200 });
    const area = (await ctx.db.query(`SELECT ST_AsGeoJSON(ST_Transform(ST_Buffer(ST_SetSRID(ST_MakePoint($1, $2), 4549), 2, 4), 4490), 9)::json AS a`, [x + 5, y])).rows[0].a;
    const r = await call('/pipes/excavation', { body: { area, depth_m: 0.2 } });
    expect(r.status).toBe(200);
    const f = r.json.segments.features.find((s: { id: number }) => s.id === id);
    expect(f.properties).toMatchObject({ status: 'needs review', top_depth_m: null, owner_unit: '测试权属单位' });
    expect(r.json.summary.needsReview).toBeGreaterThanOrEqual(1);
  });

  it('answers bad bodies with problem+json', async () => {
    const square = { type: 'Polygon', coordinates: [[[121.42, 28.65], [121.421, 28.65], [121.421, 28.651], [121.42, 28.651], [121.42, 28.65]]] };
    const cases: unknown[] = [
      { area: square },
      { area: square, depth_m: -1 },
      { area: square, depth_m: 100 },
      { area: square, depth_m: '2' },
      { area: { type: 'LineString', coordinates: [[121.42, 28.65], [121.43, 28.65]] }, depth_m: 2 },
      { area: { type: 'Polygon', coordinates: [[[121.42, 28.65], [121.421, 28.65], [121.421, 28.651], [121.42, 28.652]]] }, depth_m: 2 },
      { area: { type: 'Polygon', coordinates: [[[121.3, 28.6], [121.5, 28.6], [121.5, 28.7], [121.3, 28.7], [121.3, 28.6]]] }, depth_m: 2 },
      { area: { type: 'Polygon', coordinates: [[[121.42, 28.65], [121.421, 28.651], [121.421, 28.65], [121.42, 28.651], [121.42, 28.65]]] }, depth_m: 2 },
      { area: square, depth_m: 2, drop: 'table' },
      [1, 2],
    ];
    for (const body of cases) {
      const r = await call('/pipes/excavation', { body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.type).toContain('application/problem+json');
    }
  });
});
