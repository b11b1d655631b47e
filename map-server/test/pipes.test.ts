/**
 * Underground pipelines (issue #8) on the real server and PostGIS: the CJJ 61 dictionaries, the
 * ≥ 100 000-segment sample networks with their planted defects, the catalogued layers, burst
 * (valve isolation) checked against an independent recursive-CTE search, up/downstream traces,
 * the desensitised layer for other departments (who get 403 from the analyses), and problem+json
 * for bad input.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../src/db.ts';
import { createApiToken } from '../src/services/auth-tokens.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

let platform: TestPlatform;
let db: pg.Client;
let token: string;
let otherDepartment: string;

beforeAll(async () => {
  platform = await startTestPlatform();
  db = new pg.Client({ connectionString: platform.databaseUrl });
  await db.connect();
  const pool = createPool({ databaseUrl: platform.databaseUrl, poolMax: 1, statementTimeoutMs: 5000 });
  // The pipe layers are owned by 住建局 (tz-zj): its token sees every attribute and runs the
  // analyses; another department's staff sees the desensitised layer and no analysis
  // (security-pipes.test.ts covers the public).
  token = await createApiToken(pool, '管线科', 'editor', 1, { department: 'tz-zj' });
  otherDepartment = await createApiToken(pool, '水利局', 'staff', 1, { department: 'tz-sl' });
  await pool.end();
});
afterAll(async () => {
  await db?.end();
  await platform?.close();
});

/** As the pipeline department (the default) or as another department's staff. */
async function get(path: string, who: 'department' | 'other' = 'department') {
  const res = await fetch(`${platform.baseUrl}${path}`, { headers: { Authorization: `Bearer ${who === 'department' ? token : otherDepartment}` } });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', text, json: text ? JSON.parse(text) : undefined };
}

/** The valves an isolation must close, found independently of the server's TypeScript search. */
async function expectedValves(segmentId: number, failed: readonly number[] = []): Promise<string[]> {
  const { rows } = await db.query<{ point_no: string }>(
    `WITH RECURSIVE w(node) AS (
       SELECT unnest(ARRAY[start_point_id, end_point_id]) FROM pipe.segments WHERE id = $1
       UNION
       SELECT CASE WHEN s.start_point_id = w.node THEN s.end_point_id ELSE s.start_point_id END
         FROM w JOIN pipe.points p ON p.id = w.node
         JOIN pipe.segments s ON (s.start_point_id = w.node OR s.end_point_id = w.node) AND s.category = 'JS' AND s.status <> 1
        WHERE NOT (p.appurtenance = '阀门' AND p.valve_state IS DISTINCT FROM '故障' AND p.id <> ALL($2::bigint[])))
     SELECT p.point_no FROM w JOIN pipe.points p ON p.id = w.node
      WHERE p.appurtenance = '阀门' AND p.valve_state IS DISTINCT FROM '故障' AND p.id <> ALL($2::bigint[]) ORDER BY 1`,
    [segmentId, failed],
  );
  return rows.map((r) => r.point_no);
}

const pointNos = (fc: { features: { properties: { point_no: string } }[] }) => fc.features.map((f) => f.properties.point_no).sort();

describe('pipe data model and sample', () => {
  it('holds the CJJ 61 categories with their colours and GB 50289 rules as sourced data', async () => {
    const { rows } = await db.query(`SELECT code, color, verified FROM pipe.categories ORDER BY digit`);
    expect(rows.map((r) => r.code)).toEqual(['JS', 'PS', 'RQ', 'RL', 'DL', 'TX', 'GY', 'QT']);
    expect(rows[1]).toMatchObject({ code: 'PS', color: '#4c3926', verified: true });
    const rules = await db.query(`SELECT min_m::float8 AS m FROM pipe.clearance_rules WHERE kind = 'H' AND cat_a = 'PS' AND cat_b = 'JS' AND b_min_diameter_mm = 201`);
    expect(rules.rows[0].m).toBe(1.5);
  });

  it('generates ≥ 100 000 segments of five categories along the streets, with a consistent topology', async () => {
    const { rows } = await db.query(`SELECT category, count(*)::int AS n FROM pipe.segments GROUP BY 1 ORDER BY 1`);
    const total = rows.reduce((s, r) => s + r.n, 0);
    expect(total).toBeGreaterThanOrEqual(100_000);
    expect(rows.map((r) => r.category)).toEqual(['DL', 'JS', 'PS', 'RQ', 'TX']);
    // Every segment ends exactly on its two points (node-edge topology, no snapping at query time).
    const off = await db.query(`SELECT count(*)::int AS n FROM pipe.segments s JOIN pipe.points a ON a.id = s.start_point_id JOIN pipe.points b ON b.id = s.end_point_id
      WHERE NOT ST_Equals(ST_StartPoint(s.geom), a.geom) OR NOT ST_Equals(ST_EndPoint(s.geom), b.geom) OR a.category <> s.category OR b.category <> s.category`);
    expect(off.rows[0].n).toBe(0);
    // Gravity drainage falls along its survey direction except where an adverse slope is planted.
    const uphill = await db.query(`SELECT coalesce(properties->>'planted', 'none') AS why, count(*)::int AS n FROM pipe.segments WHERE category = 'PS' AND end_elev > start_elev GROUP BY 1`);
    expect(uphill.rows).toEqual([{ why: 'adverse_slope', n: expect.any(Number) }]);
    const planted = await db.query(`SELECT DISTINCT properties->>'planted' AS p FROM (SELECT properties FROM pipe.segments UNION ALL SELECT properties FROM pipe.points) x WHERE properties ? 'planted' ORDER BY 1`);
    expect(planted.rows.map((r) => r.p)).toEqual(['adverse_slope', 'coincident_point', 'dangling_point', 'diameter_shrink', 'failed_valve', 'impossible_depth', 'shallow_cover']);
  });

  it('serves the pipe layers to other departments in the catalogue and as features, without depth or owner', async () => {
    const cat = await get('/catalog', 'other');
    expect(JSON.stringify(cat.json)).toContain('管线');
    const items = await get('/collections/pipe_segments/items?limit=3&bbox=121.40,28.64,121.45,28.68', 'other');
    expect(items.status).toBe(200);
    expect(items.json.features.length).toBe(3);
    for (const f of items.json.features) {
      expect(Object.keys(f.properties)).not.toContain('owner_unit');
      expect(Object.keys(f.properties)).not.toContain('start_depth');
      expect(['JS', 'PS', 'RQ', 'DL', 'TX']).toContain(f.properties.category);
    }
  });
});

describe('burst analysis (爆管/关阀)', () => {
  async function waterSegmentBetweenMeters(): Promise<{ id: number; line_no: string }> {
    const { rows } = await db.query(`SELECT s.id::int, s.line_no FROM pipe.segments s JOIN pipe.points a ON a.id = s.start_point_id
      WHERE s.category = 'JS' AND a.appurtenance = '水表' ORDER BY s.id LIMIT 1`);
    return rows[0];
  }

  it('closes exactly the valves an independent search finds, and lists isolated pipes, meters and buildings', async () => {
    const seg = await waterSegmentBetweenMeters();
    const r = await get(`/pipes/burst?segment=${seg.line_no}`);
    expect(r.status).toBe(200);
    const expected = await expectedValves(seg.id);
    expect(expected.length).toBeGreaterThanOrEqual(2);
    expect(pointNos(r.json.valvesToClose)).toEqual(expected);
    expect(r.json.isolatedSegments.features.map((f: { id: number }) => f.id)).toContain(seg.id);
    expect(r.json.summary.valvesToClose).toBe(expected.length);
    for (const f of r.json.valvesToClose.features) expect(f.geometry.type).toBe('Point');
    expect(r.json.affectedBuildings.type).toBe('FeatureCollection');
  });

  it('extends the search past valves that fail, and past valves marked 故障 in the data', async () => {
    const seg = await waterSegmentBetweenMeters();
    const first = await get(`/pipes/burst?segment=${seg.id}`);
    const broken = first.json.valvesToClose.features[0].properties.point_no as string;
    const brokenId = first.json.valvesToClose.features[0].id as number;
    const second = await get(`/pipes/burst?segment=${seg.id}&failedValves=${broken}`);
    expect(second.status).toBe(200);
    expect(pointNos(second.json.valvesToClose)).toEqual(await expectedValves(seg.id, [brokenId]));
    expect(pointNos(second.json.valvesToClose)).not.toContain(broken);
    expect(pointNos(second.json.failedValves)).toContain(broken);
    expect(second.json.isolatedSegments.features.length).toBeGreaterThan(first.json.isolatedSegments.features.length);
    // A valve that is 故障 in the data is crossed without being listed by the caller.
    const { rows } = await db.query(`SELECT s.id::int FROM pipe.segments s JOIN pipe.points p ON p.id IN (s.start_point_id, s.end_point_id)
      WHERE s.category = 'JS' AND p.valve_state = '故障' ORDER BY s.id LIMIT 1`);
    const viaFailed = await get(`/pipes/burst?segment=${rows[0].id}`);
    expect(pointNos(viaFailed.json.valvesToClose)).toEqual(await expectedValves(rows[0].id));
    expect(viaFailed.json.failedValves.features.length).toBeGreaterThanOrEqual(1);
  });

  it('refuses other departments with 403 and shows depth and owner to the pipeline department', async () => {
    const seg = await waterSegmentBetweenMeters();
    for (const path of [`/pipes/burst?segment=${seg.id}`, `/pipes/trace?segment=${seg.id}&direction=connected`, '/pipes/burst?segment=NOPE999', '/pipes/burst']) {
      const other = await get(path, 'other');
      expect(other.status, path).toBe(403);
      expect(other.type).toContain('application/problem+json');
      expect(other.json.detail).toMatch(/仅限管线权属部门.*pipeline departments/);
      for (const key of ['owner_unit', 'depth', 'elev', 'valve', 'features', 'coordinates', seg.line_no]) expect(other.text, path).not.toContain(key);
    }
    const dept = await get(`/pipes/burst?segment=${seg.id}`);
    expect(dept.json.isolatedSegments.features[0].properties).toMatchObject({ owner_unit: '台州市自来水有限公司', start_depth: expect.any(Number) });
  });

  it('answers bad input with problem+json naming the parameter', async () => {
    const missing = await get('/pipes/burst');
    expect(missing.status).toBe(400);
    expect(missing.type).toContain('application/problem+json');
    expect(missing.json.parameter).toBe('segment');
    expect((await get("/pipes/burst?segment=x'or'1")).status).toBe(400);
    expect((await get('/pipes/burst?segment=NOPE999')).json.code).toBe('PipeSegmentNotFound');
    expect((await get('/pipes/burst?segment=1&failedValves=NOPE1')).status).toBe(404);
    expect((await get('/pipes/burst?segment=1&bogus=1')).status).toBe(400);
  });
});

describe('up/downstream trace (上下游追踪)', () => {
  it('follows the inverts down to an outfall and back up to the start', async () => {
    const { rows } = await db.query(`SELECT id::int FROM pipe.segments WHERE subcategory = 'YS' AND properties = '{}' ORDER BY id OFFSET 500 LIMIT 1`);
    const start = rows[0].id as number;
    const down = await get(`/pipes/trace?segment=${start}&direction=down`);
    expect(down.status).toBe(200);
    expect(down.json.segments.features.length).toBeGreaterThan(1);
    // Downstream of the start the inverts never rise except at planted adverse segments.
    const ids = down.json.segments.features.map((f: { id: number }) => f.id);
    const outfalls = await db.query(`SELECT count(*)::int AS n FROM pipe.segments s JOIN pipe.points p ON p.id = s.end_point_id
      WHERE s.id = ANY($1::bigint[]) AND p.feature = '出水口'`, [ids]);
    expect(outfalls.rows[0].n).toBeGreaterThanOrEqual(1);
    const outfallSeg = await db.query(`SELECT s.id::int FROM pipe.segments s JOIN pipe.points p ON p.id = s.end_point_id
      WHERE s.id = ANY($1::bigint[]) AND p.feature = '出水口' LIMIT 1`, [ids]);
    const up = await get(`/pipes/trace?segment=${outfallSeg.rows[0].id}&direction=up`);
    expect(up.json.segments.features.map((f: { id: number }) => f.id)).toContain(start);
    // Upstream of the outfall every segment drains toward it: none starts at the outfall.
    const outfallPoint = await db.query(`SELECT end_point_id::int AS p FROM pipe.segments WHERE id = $1`, [outfallSeg.rows[0].id]);
    const upIds = up.json.segments.features.map((f: { id: number }) => f.id);
    const leaving = await db.query(`SELECT count(*)::int AS n FROM pipe.segments WHERE id = ANY($1::bigint[]) AND start_point_id = $2`, [upIds, outfallPoint.rows[0].p]);
    expect(leaving.rows[0].n).toBe(0);
  });

  it('gives the connected network of a pressure pipe and rejects a bad direction', async () => {
    const r = await get('/pipes/trace?point=JP000001&direction=connected');
    expect(r.status).toBe(200);
    expect(r.json.summary.segments).toBeGreaterThan(0);
    const bad = await get('/pipes/trace?point=JP000001&direction=sideways');
    expect(bad.status).toBe(400);
    expect(bad.json.parameter).toBe('direction');
  });
});
