/**
 * Spatial filters cannot probe a desensitised layer finer than it is shown. The public sees
 * pipe_segments (and other departments see pipe_points and pipe_segments) with coordinates
 * rounded to 3 decimals (≈ 100 m); `bbox`, CQL2 spatial predicates (text and JSON) and the
 * export's filters must decide on that shown geometry, not the surveyed one, or tiny boxes would
 * binary-search the exact line. The owner department (住建局) keeps filtering the exact geometry.
 *
 * The oracle is independent of the server's SQL: PostGIS intersects the geometry exactly as the
 * HTTP response wrote it (its GeoJSON read back) with each box.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, type Pool } from '../src/db.ts';
import { createUser } from '../src/services/users.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

const PASSWORD = 'Correct-Horse-9';
type Box = readonly [number, number, number, number];
interface Geometry {
  type: string;
  coordinates: unknown;
}

let platform: TestPlatform;
let db: pg.Client;
let pool: Pool;
let ownerToken: string; // 住建局: owner of the pipe layers, sees the exact geometry
let staffToken: string; // 水利局: another department, sees pipe_points and pipe_segments rounded

const get = (path: string, token?: string) => fetch(`${platform.baseUrl}${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });

async function login(username: string): Promise<string> {
  const r = await fetch(`${platform.baseUrl}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  expect(r.status).toBe(200);
  return ((await r.json()) as { token: string }).token;
}

/** One feature's geometry as the caller is served it. */
async function geometryOf(layer: string, id: number, token?: string): Promise<Geometry> {
  const r = await get(`/collections/${layer}/items/${id}`, token);
  expect(r.status).toBe(200);
  return ((await r.json()) as { geometry: Geometry }).geometry;
}

/** Ids a request returns (items or GeoJSON export). */
async function ids(path: string, token?: string): Promise<number[]> {
  const r = await get(path, token);
  expect(r.status, path).toBe(200);
  return ((await r.json()) as { features: { id: number }[] }).features.map((f) => f.id);
}

/** Whether `geometry` (GeoJSON, lon/lat) intersects the box, by PostGIS. */
async function intersects(geometry: Geometry, box: Box): Promise<boolean> {
  const { rows } = await db.query<{ hit: boolean }>(`SELECT ST_Intersects(ST_GeomFromGeoJSON($1::text), ST_MakeEnvelope($2, $3, $4, $5, 4326)) AS hit`, [JSON.stringify(geometry), ...box]);
  return rows[0]!.hit;
}

async function within(geometry: Geometry, box: Box): Promise<boolean> {
  const { rows } = await db.query<{ hit: boolean }>(`SELECT ST_Within(ST_GeomFromGeoJSON($1::text), ST_MakeEnvelope($2, $3, $4, $5, 4326)) AS hit`, [JSON.stringify(geometry), ...box]);
  return rows[0]!.hit;
}

/** Points along a GeoJSON line (or the point itself) at `n` even fractions, by PostGIS. */
async function along(geometry: Geometry, n: number): Promise<[number, number][]> {
  if (geometry.type === 'Point') return [geometry.coordinates as [number, number]];
  const { rows } = await db.query<{ x: number; y: number }>(
    `SELECT ST_X(p) AS x, ST_Y(p) AS y FROM (SELECT ST_LineInterpolatePoint(ST_GeomFromGeoJSON($1::text), f / $2::float8) AS p FROM generate_series(0, $2::int) AS f) s`,
    [JSON.stringify(geometry), n],
  );
  return rows.map((r) => [r.x, r.y]);
}

const around = ([x, y]: readonly [number, number], r: number): Box => [x - r, y - r, x + r, y + r];
const bboxParam = (b: Box) => b.map((v) => v.toFixed(9)).join(',');
const polygonText = ([a, b, c, d]: Box) => `POLYGON((${a.toFixed(9)} ${b.toFixed(9)},${c.toFixed(9)} ${b.toFixed(9)},${c.toFixed(9)} ${d.toFixed(9)},${a.toFixed(9)} ${d.toFixed(9)},${a.toFixed(9)} ${b.toFixed(9)}))`;
const textFilter = (op: string, b: Box) => `filter-lang=cql2-text&filter=${encodeURIComponent(`${op}(geom, ${polygonText(b)})`)}`;
const jsonFilter = (op: string, b: Box) => `filter-lang=cql2-json&filter=${encodeURIComponent(JSON.stringify({ op, args: [{ property: 'geom' }, { bbox: b.map((v) => Number(v.toFixed(9))) }] }))}`;

/**
 * Tiny boxes (≈ 1 m) on points of `exact` that miss `shown`, and on points of `shown` that miss
 * `exact`: found with the oracle, so each can tell the two geometries apart.
 */
async function tellingBoxes(exact: Geometry, shown: Geometry): Promise<{ exactOnly: Box; shownOnly: Box }> {
  const r = 1e-5;
  let exactOnly: Box | undefined;
  for (const p of await along(exact, 40)) if (!exactOnly && !(await intersects(shown, around(p, r)))) exactOnly = around(p, r);
  let shownOnly: Box | undefined;
  for (const p of await along(shown, 40)) if (!shownOnly && !(await intersects(exact, around(p, r)))) shownOnly = around(p, r);
  expect(exactOnly, 'a box on the exact geometry that misses the shown one').toBeDefined();
  expect(shownOnly, 'a box on the shown geometry that misses the exact one').toBeDefined();
  return { exactOnly: exactOnly!, shownOnly: shownOnly! };
}

interface Probe {
  readonly layer: string;
  readonly id: number;
  readonly exact: Geometry;
  readonly shown: Geometry;
  readonly boxes: { exactOnly: Box; shownOnly: Box };
}
let segment: Probe; // public view of pipe_segments
let point: Probe; // 水利局's staff view of pipe_points
let staffSegment: Probe; // 水利局's staff view of pipe_segments

async function probe(layer: string, id: number, token: string | undefined): Promise<Probe> {
  const exact = await geometryOf(layer, id, ownerToken);
  const shown = await geometryOf(layer, id, token);
  expect(JSON.stringify(shown)).not.toBe(JSON.stringify(exact));
  return { layer, id, exact, shown, boxes: await tellingBoxes(exact, shown) };
}

beforeAll(async () => {
  platform = await startTestPlatform({ TILE_CACHE: 'memory' });
  db = new pg.Client({ connectionString: platform.databaseUrl });
  await db.connect();
  pool = createPool({ databaseUrl: platform.databaseUrl, poolMax: 2, statementTimeoutMs: 10_000 });
  await createUser(pool, { username: 'zj_probe', displayName: '住建员工', role: 'staff', department: 'tz-zj', password: PASSWORD });
  await createUser(pool, { username: 'sl_probe', displayName: '水利员工', role: 'staff', department: 'tz-sl', password: PASSWORD });
  ownerToken = await login('zj_probe');
  staffToken = await login('sl_probe');
  // A segment of a few hundred metres, off the grid lines: its rounding shows.
  const seg = await db.query<{ id: number }>(
    `SELECT id FROM pipe.segments WHERE ST_Length(geom::geography) BETWEEN 250 AND 400 AND ST_NPoints(geom) = 2 ORDER BY id LIMIT 1`,
  );
  const pt = await db.query<{ id: number }>(`SELECT id FROM pipe.points WHERE abs(ST_X(geom) * 1000 - round(ST_X(geom) * 1000)) BETWEEN 0.2 AND 0.4 AND abs(ST_Y(geom) * 1000 - round(ST_Y(geom) * 1000)) BETWEEN 0.2 AND 0.4 ORDER BY id LIMIT 1`);
  segment = await probe('pipe_segments', seg.rows[0]!.id, undefined);
  staffSegment = await probe('pipe_segments', seg.rows[0]!.id, staffToken);
  point = await probe('pipe_points', pt.rows[0]!.id, staffToken);
}, 120_000);
afterAll(async () => {
  await pool?.end();
  await db?.end();
  await platform?.close();
});

/** `hit` and `miss` query strings must return, and not return, the probed feature, for each caller. */
async function expectFollows(p: Probe, query: (b: Box) => string, token: string | undefined, route: 'items' | 'export' = 'items') {
  const path = (b: Box) => `/collections/${p.layer}/${route === 'items' ? 'items?limit=1000&' : 'export?f=geojson&'}${query(b)}`;
  // The caller's answer follows the geometry it is shown …
  expect(await ids(path(p.boxes.shownOnly), token), `${route} ${query(p.boxes.shownOnly)}`).toContain(p.id);
  expect(await ids(path(p.boxes.exactOnly), token), `${route} ${query(p.boxes.exactOnly)}`).not.toContain(p.id);
  // … while the owner's follows the exact geometry.
  expect(await ids(path(p.boxes.exactOnly), ownerToken)).toContain(p.id);
  expect(await ids(path(p.boxes.shownOnly), ownerToken)).not.toContain(p.id);
}

describe('the public view of pipe_segments (3 decimals)', () => {
  it('bbox follows the shown line, for the items and the export', async () => {
    await expectFollows(segment, (b) => `bbox=${bboxParam(b)}`, undefined);
    await expectFollows(segment, (b) => `bbox=${bboxParam(b)}`, undefined, 'export');
  });

  it('a bbox in a projected bbox-crs follows the shown line too', async () => {
    // The same boxes, written in CGCS2000 / GK CM 120E metres (their corners transformed by PostGIS).
    const inMetres = async (b: Box): Promise<Box> => {
      const { rows } = await db.query<{ a: number; b: number; c: number; d: number }>(
        `SELECT ST_XMin(e) AS a, ST_YMin(e) AS b, ST_XMax(e) AS c, ST_YMax(e) AS d FROM (SELECT ST_Transform(ST_MakeEnvelope($1, $2, $3, $4, 4490), 4549) AS e) s`,
        [...b],
      );
      const r = rows[0]!;
      return [r.a, r.b, r.c, r.d];
    };
    const hit = await inMetres(segment.boxes.shownOnly);
    const miss = await inMetres(segment.boxes.exactOnly);
    const path = (b: Box) => `/collections/pipe_segments/items?limit=1000&bbox-crs=${encodeURIComponent('http://www.opengis.net/def/crs/EPSG/0/4549')}&bbox=${b.map((v) => v.toFixed(4)).join(',')}`;
    // The transformed box is a little larger than the lon/lat one: check the oracle still tells them apart.
    expect(await ids(path(hit), ownerToken)).not.toContain(segment.id);
    expect(await ids(path(miss), ownerToken)).toContain(segment.id);
    expect(await ids(path(hit))).toContain(segment.id);
    expect(await ids(path(miss))).not.toContain(segment.id);
  });

  it('CQL2 S_INTERSECTS follows the shown line, in text and JSON, for the items and the export', async () => {
    await expectFollows(segment, (b) => textFilter('S_INTERSECTS', b), undefined);
    await expectFollows(segment, (b) => jsonFilter('s_intersects', b), undefined);
    await expectFollows(segment, (b) => jsonFilter('s_intersects', b), undefined, 'export');
    // NOT S_DISJOINT is the same question.
    const notDisjoint = (b: Box) => `filter-lang=cql2-text&filter=${encodeURIComponent(`NOT S_DISJOINT(geom, ${polygonText(b)})`)}`;
    await expectFollows(segment, notDisjoint, undefined);
  });

  it('CQL2 S_WITHIN follows the shown line: a box just around the shown line holds it, not the exact one', async () => {
    const xs = (segment.shown.coordinates as [number, number][]).map((c) => c[0]);
    const ys = (segment.shown.coordinates as [number, number][]).map((c) => c[1]);
    const tight: Box = [Math.min(...xs) - 1e-6, Math.min(...ys) - 1e-6, Math.max(...xs) + 1e-6, Math.max(...ys) + 1e-6];
    expect(await within(segment.shown, tight)).toBe(true);
    expect(await within(segment.exact, tight)).toBe(false);
    const path = `/collections/pipe_segments/items?limit=1000&${textFilter('S_WITHIN', tight)}`;
    expect(await ids(path)).toContain(segment.id);
    expect(await ids(path, ownerToken)).not.toContain(segment.id);
  });

  it('a sweep of tiny boxes along both lines tells the public exactly what the shown line tells, and the owner what the exact line does', async () => {
    const r = 2e-5;
    const boxes = [...(await along(segment.exact, 24)), ...(await along(segment.shown, 24))].map((p) => around(p, r));
    const pub: boolean[] = [];
    const shownSays: boolean[] = [];
    const own: boolean[] = [];
    const exactSays: boolean[] = [];
    for (const b of boxes) {
      pub.push((await ids(`/collections/pipe_segments/items?limit=1000&bbox=${bboxParam(b)}`)).includes(segment.id));
      shownSays.push(await intersects(segment.shown, b));
      own.push((await ids(`/collections/pipe_segments/items?limit=1000&bbox=${bboxParam(b)}`, ownerToken)).includes(segment.id));
      exactSays.push(await intersects(segment.exact, b));
    }
    expect(pub).toEqual(shownSays);
    expect(own).toEqual(exactSays);
    // The sweep can tell the two apart at all (otherwise it would prove nothing).
    expect(shownSays).not.toEqual(exactSays);
  });

  it('the count follows the shown geometry as well (numberMatched of a box)', async () => {
    const r = await get(`/collections/pipe_segments/items?limit=1&bbox=${bboxParam(segment.boxes.exactOnly)}`);
    expect(r.status).toBe(200);
    const body = (await r.json()) as { numberMatched: number };
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pipe.segments WHERE ST_Intersects(ST_SetSRID(ST_GeomFromGeoJSON(ST_AsGeoJSON(geom, 3, 0)), 4490), ST_MakeEnvelope($1, $2, $3, $4, 4490))`,
      [...segment.boxes.exactOnly],
    );
    expect(body.numberMatched).toBe(rows[0]!.n);
  });

  it('the export as CSV follows the shown line', async () => {
    const csv = async (b: Box, token?: string) => {
      const r = await get(`/collections/pipe_segments/export?f=csv&bbox=${bboxParam(b)}`, token);
      expect(r.status).toBe(200);
      return (await r.text()).split('\r\n').slice(1).map((l) => l.split(',')[0]);
    };
    expect(await csv(segment.boxes.shownOnly)).toContain(String(segment.id));
    expect(await csv(segment.boxes.exactOnly)).not.toContain(String(segment.id));
    expect(await csv(segment.boxes.exactOnly, ownerToken)).toContain(String(segment.id));
  });
});

describe("another department's staff view (3 decimals)", () => {
  it('pipe_points: bbox and CQL2 follow the rounded position', async () => {
    await expectFollows(point, (b) => `bbox=${bboxParam(b)}`, staffToken);
    await expectFollows(point, (b) => textFilter('S_INTERSECTS', b), staffToken);
    await expectFollows(point, (b) => jsonFilter('s_intersects', b), staffToken, 'export');
  });

  it('pipe_segments: bbox and CQL2 follow the shown line', async () => {
    await expectFollows(staffSegment, (b) => `bbox=${bboxParam(b)}`, staffToken);
    await expectFollows(staffSegment, (b) => jsonFilter('s_intersects', b), staffToken);
  });
});

describe('layers without a coarsening', () => {
  it('the owner and unclassified layers keep filtering the exact geometry', async () => {
    // Buildings are public and not coarsened: a tiny box on a building's exact outline finds it for the public.
    const { rows } = await db.query<{ id: number; x: number; y: number }>(
      `SELECT fid AS id, ST_X(p) AS x, ST_Y(p) AS y FROM (SELECT fid, ST_PointN(ST_ExteriorRing(ST_GeometryN(geom, 1)), 1) AS p FROM base.buildings WHERE upper_inf(valid) ORDER BY fid LIMIT 1) s`,
    );
    const corner: [number, number] = [rows[0]!.x, rows[0]!.y];
    // Just outside the corner, off the 3-decimal grid either way: only the exact outline decides.
    expect(await ids(`/collections/buildings/items?limit=1000&bbox=${bboxParam(around(corner, 1e-7))}`)).toContain(rows[0]!.id);
    expect(await ids(`/collections/pipe_segments/items?limit=1000&bbox=${bboxParam(segment.boxes.exactOnly)}`, ownerToken)).toContain(segment.id);
  });
});
