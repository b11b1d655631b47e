/**
 * Editing with full history on the real server and PostGIS: versions, as-of reads, optimistic
 * concurrency, validation that leaves the database unchanged, audit, and tile consistency.
 */
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lonLatToTile } from '@onemap/tiles';
import { createPool } from '../src/db.ts';
import { createApiToken, revokeApiToken } from '../src/services/auth-tokens.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

let platform: TestPlatform;
let db: pg.Client;
let token: string;

beforeAll(async () => {
  platform = await startTestPlatform({ TILE_CACHE: 'memory' });
  db = new pg.Client({ connectionString: platform.databaseUrl });
  await db.connect();
  const pool = createPool({ databaseUrl: platform.databaseUrl, poolMax: 1, statementTimeoutMs: 5000 });
  token = await createApiToken(pool, '测试编辑员', 'editor', 1);
  await pool.end();
});
afterAll(async () => {
  await db?.end();
  await platform?.close();
});

const square = (lon: number, lat: number, d = 0.0004) => ({
  type: 'Polygon',
  coordinates: [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]],
});
const building = (lon: number, lat: number, floors = 3) => ({
  type: 'Feature',
  geometry: square(lon, lat),
  properties: { use: 'residential', floors, height_m: floors * 3, year_built: 2024, district_adcode: '331002', name: '测试楼' },
});

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${platform.baseUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body !== undefined ? { 'Content-Type': 'application/geo+json' } : {}), ...headers },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, etag: res.headers.get('etag'), location: res.headers.get('location'), json: text ? JSON.parse(text) : undefined };
}

async function snapshot(fid: number) {
  const { rows } = await db.query('SELECT gid, floors, valid::text FROM base.buildings WHERE fid = $1 ORDER BY gid', [fid]);
  return rows;
}

describe('editing a versioned layer', () => {
  it('keeps every version and reads the world as of before and after an edit', async () => {
    const created = await call('POST', '/collections/buildings/items?comment=新建', building(121.433, 28.661));
    expect(created.status).toBe(201);
    const fid = created.json.id as number;
    expect(created.location).toBe(`${platform.baseUrl}/collections/buildings/items/${fid}`);
    expect(created.etag).toMatch(/^"\d+"$/);
    const beforeEdit = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 30));

    const patched = await call('PATCH', `/collections/buildings/items/${fid}?comment=加层`, { properties: { floors: 5 } }, { 'If-Match': created.etag!, 'Content-Type': 'application/merge-patch+json' });
    expect(patched.status).toBe(200);
    expect(patched.json.properties.floors).toBe(5);
    expect(patched.etag).not.toBe(created.etag);

    const now = await call('GET', `/collections/buildings/items/${fid}`);
    expect(now.json.properties.floors).toBe(5);
    expect(now.etag).toBe(patched.etag);
    const past = await call('GET', `/collections/buildings/items/${fid}?datetime=${encodeURIComponent(beforeEdit)}`);
    expect(past.json.properties.floors).toBe(3);

    const history = await call('GET', `/collections/buildings/items/${fid}/history`);
    expect(history.status).toBe(200);
    expect(history.json.versions).toHaveLength(2);
    const [v1, v2] = history.json.versions;
    expect(v1.validTo).toBe(v2.validFrom);
    expect(v2.validTo).toBeNull();
    expect(v1.changedBy).toBe('测试编辑员');
    expect(v1.comment).toBe('新建');
    expect(v2.comment).toBe('加层');
    expect(v2.changedProperties).toEqual(['floors']);
    expect(v2.geometryChanged).toBe(false);

    const audit = await db.query(`SELECT action, actor, comment FROM audit.edits WHERE layer_id = 'buildings' AND fid = $1 ORDER BY id`, [fid]);
    expect(audit.rows).toEqual([
      { action: 'create', actor: '测试编辑员', comment: '新建' },
      { action: 'update', actor: '测试编辑员', comment: '加层' },
    ]);

    const deleted = await call('DELETE', `/collections/buildings/items/${fid}`, undefined, { 'If-Match': patched.etag! });
    expect(deleted.status).toBe(204);
    expect((await call('GET', `/collections/buildings/items/${fid}`)).status).toBe(404);
    expect((await call('GET', `/collections/buildings/items/${fid}?datetime=${encodeURIComponent(beforeEdit)}`)).json.properties.floors).toBe(3);
    expect((await call('GET', `/collections/buildings/items/${fid}/history`)).json.versions).toHaveLength(2);
  });

  it('answers a stale If-Match with 412 and loses nothing; no If-Match is 428', async () => {
    const created = await call('POST', '/collections/buildings/items', building(121.434, 28.662));
    const fid = created.json.id as number;
    const first = await call('PATCH', `/collections/buildings/items/${fid}`, { properties: { floors: 4 } }, { 'If-Match': created.etag!, 'Content-Type': 'application/merge-patch+json' });
    expect(first.status).toBe(200);
    const before = await snapshot(fid);
    const stale = await call('PUT', `/collections/buildings/items/${fid}`, building(121.434, 28.662, 9), { 'If-Match': created.etag! });
    expect(stale.status).toBe(412);
    expect(stale.json.code).toBe('PreconditionFailed');
    expect(await snapshot(fid)).toEqual(before);
    const missing = await call('PUT', `/collections/buildings/items/${fid}`, building(121.434, 28.662, 9));
    expect(missing.status).toBe(428);
    expect(await snapshot(fid)).toEqual(before);
  });

  it('two concurrent editors of one version: exactly one wins', async () => {
    const created = await call('POST', '/collections/buildings/items', building(121.435, 28.663));
    const fid = created.json.id as number;
    const results = await Promise.all(
      [6, 7].map((floors) => call('PATCH', `/collections/buildings/items/${fid}`, { properties: { floors } }, { 'If-Match': created.etag!, 'Content-Type': 'application/merge-patch+json' })),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
    expect((await snapshot(fid)).length).toBe(2);
  });

  it.each([
    ['a self-intersecting polygon', { ...building(121.44, 28.66), geometry: { type: 'Polygon', coordinates: [[[121.44, 28.66], [121.441, 28.661], [121.441, 28.66], [121.44, 28.661], [121.44, 28.66]]] } }, /Self-intersection at POINT/],
    ['an unknown property', { ...building(121.44, 28.66), properties: { ...building(121.44, 28.66).properties, colour: 'red' } }, /unknown property colour/],
    ['a wrongly typed property', { ...building(121.44, 28.66), properties: { ...building(121.44, 28.66).properties, floors: 'many' } }, /floors must be an integer/],
    ['a missing required property', { ...building(121.44, 28.66), properties: { use: 'residential', floors: 2, height_m: 6 } }, /required property missing: district_adcode/],
    ['a value its column forbids', { ...building(121.44, 28.66), properties: { ...building(121.44, 28.66).properties, floors: 500 } }, /buildings_floors_check/],
    ['a line on a polygon layer', { ...building(121.44, 28.66), geometry: { type: 'LineString', coordinates: [[121.44, 28.66], [121.45, 28.67]] } }, /takes Polygon or MultiPolygon/],
    ['an unclosed ring', { ...building(121.44, 28.66), geometry: { type: 'Polygon', coordinates: [[[121.44, 28.66], [121.441, 28.66], [121.441, 28.661], [121.44, 28.661]]] } }, /not a valid GeoJSON Feature: .*(first and last positions|four positions|closed|equivalent)/i],
    ['projected coordinates', { ...building(121.44, 28.66), geometry: square(638834, 3171302) }, /outside lon\/lat range/],
    ['malformed JSON', '{"type":"Feature",', /not valid JSON/],
  ])('rejects %s with 400 naming the problem, and writes nothing', async (_name, body, detail) => {
    const count = async () => Number((await db.query('SELECT count(*) FROM base.buildings')).rows[0].count);
    const before = await count();
    const r = await call('POST', '/collections/buildings/items', body);
    expect(r.status).toBe(400);
    expect(r.json.detail).toMatch(detail);
    expect(await count()).toBe(before);
  });

  it('refuses writes without a valid token, to read-only layers, and with a revoked token', async () => {
    const anonymous = await fetch(`${platform.baseUrl}/collections/buildings/items`, { method: 'POST', headers: { 'Content-Type': 'application/geo+json' }, body: JSON.stringify(building(121.44, 28.66)) });
    expect(anonymous.status).toBe(401);
    expect((await call('POST', '/collections/districts/items', building(121.44, 28.66))).status).toBe(405);
    const pool = createPool({ databaseUrl: platform.databaseUrl, poolMax: 1, statementTimeoutMs: 5000 });
    const other = await createApiToken(pool, 'temp', 'editor', 1);
    expect(await revokeApiToken(pool, other)).toBe(true);
    await pool.end();
    const revoked = await fetch(`${platform.baseUrl}/collections/buildings/items`, { method: 'POST', headers: { Authorization: `Bearer ${other}`, 'Content-Type': 'application/geo+json' }, body: JSON.stringify(building(121.44, 28.66)) });
    expect(revoked.status).toBe(401);
  });

  it('shows the edit in the very next tile request at every zoom, and as of a past date the past', async () => {
    const lon = 121.4305;
    const lat = 28.6612;
    const tiles = [12, 14, 16].map((z) => lonLatToTile(lon + 0.0002, lat + 0.0002, z));
    const idsIn = async (z: number, x: number, y: number, q = '') => {
      const res = await fetch(`${platform.baseUrl}/tiles/buildings/${z}/${x}/${y}.mvt${q}`);
      const layer = res.status === 200 ? new VectorTile(new PbfReader(Buffer.from(await res.arrayBuffer()))).layers['buildings'] : undefined;
      return new Set(layer ? Array.from({ length: layer.length }, (_, i) => layer.feature(i).id) : []);
    };
    for (const t of tiles) await idsIn(t.z, t.x, t.y); // warm the cache
    const beforeCreate = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    const created = await call('POST', '/collections/buildings/items', building(lon, lat));
    const fid = created.json.id as number;
    const t16 = tiles[2]!;
    expect((await idsIn(t16.z, t16.x, t16.y)).has(fid)).toBe(true);
    expect((await idsIn(t16.z, t16.x, t16.y, `?datetime=${encodeURIComponent(beforeCreate)}`)).has(fid)).toBe(false);
    // z12 is drawn from the overview blobs, which the database rebuilt for that cell: the tile changed.
    const z12 = tiles[0]!;
    const res = await fetch(`${platform.baseUrl}/tiles/buildings/${z12.z}/${z12.x}/${z12.y}.mvt`);
    expect(res.headers.get('x-tile-cache')).toBe('miss');
  });
});

describe('change reports', () => {
  it('reports added, removed and changed features between two moments', async () => {
    const t0 = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    const a = await call('POST', '/collections/buildings/items', building(121.45, 28.65));
    const b = await call('POST', '/collections/buildings/items', building(121.451, 28.65));
    const t1 = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    await call('PATCH', `/collections/buildings/items/${a.json.id}`, { geometry: square(121.4502, 28.6502) }, { 'If-Match': a.etag!, 'Content-Type': 'application/merge-patch+json' });
    await call('DELETE', `/collections/buildings/items/${b.json.id}`, undefined, { 'If-Match': b.etag! });
    const c = await call('POST', '/collections/buildings/items', building(121.452, 28.65));
    await new Promise((r) => setTimeout(r, 20));
    const t2 = new Date().toISOString();
    const q = (from: string, to: string) => call('GET', `/changes/buildings?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&bbox=121.44,28.64,121.46,28.66`);
    const first = await q(t0, t1);
    expect(first.json.summary).toMatchObject({ added: 2, removed: 0, changed: 0 });
    const second = await q(t1, t2);
    expect(second.json.summary).toMatchObject({ added: 1, removed: 1, changed: 1, geometryChanged: 1 });
    const byId = new Map(second.json.features.features.map((f: { id: number; properties: { change: string } }) => [f.id, f.properties.change]));
    expect(byId.get(a.json.id)).toBe('changed');
    expect(byId.get(b.json.id)).toBe('removed');
    expect(byId.get(c.json.id)).toBe('added');
  });

  it('does not report a re-surveyed but unchanged land-cover patch as changed', async () => {
    const r = await call('GET', '/changes/land_cover?from=2020&to=2024&bbox=121.0,28.5,121.5,28.8&limit=20000');
    expect(r.status).toBe(200);
    const changed = r.json.features.features.filter((f: { properties: { change: string } }) => f.properties.change === 'changed');
    for (const f of changed) expect(f.properties.geometryChanged || f.properties.changedProperties.length > 0).toBe(true);
    for (const f of changed) expect(f.properties.changedProperties).not.toContain('survey_year');
    expect(r.json.summary.changed).toBeLessThan(2000);
  });

  it('builds a land-cover transition matrix that sums to the study area', async () => {
    const bbox = [121.2, 28.5, 121.5, 28.7];
    const r = await call('GET', `/changes/land_cover/transitions?from=2019&to=2023&bbox=${bbox.join(',')}`);
    expect(r.status).toBe(200);
    expect(r.json.matrix.length).toBeGreaterThan(1);
    expect(r.json.changedHectares).toBeGreaterThan(0);
    // Study area = the box's land that both surveys cover, on the ellipsoid.
    const area = await db.query<{ ha: number }>(
      `WITH box AS (SELECT ST_MakeEnvelope($1, $2, $3, $4, 4490) AS g),
            a AS (SELECT ST_Union(ST_Intersection(geom, box.g)) AS g FROM base.land_cover, box WHERE survey_year = 2019 AND geom && box.g),
            b AS (SELECT ST_Union(ST_Intersection(geom, box.g)) AS g FROM base.land_cover, box WHERE survey_year = 2023 AND geom && box.g)
       SELECT ST_Area(ST_Intersection(a.g, b.g)::geography) / 10000 AS ha FROM a, b`,
      bbox,
    );
    expect(r.json.totalHectares).toBeGreaterThan(0);
    expect(Math.abs(r.json.totalHectares - area.rows[0]!.ha) / area.rows[0]!.ha).toBeLessThan(0.001);
    const sum = r.json.matrix.reduce((s: number, m: { hectares: number }) => s + m.hectares, 0);
    expect(sum).toBeCloseTo(r.json.totalHectares, 2);
  });

  it.each([
    ['/changes/buildings?from=2023&to=2019', 400],
    ['/changes/buildings?from=2019', 400],
    ['/changes/districts?from=2019&to=2023', 404],
    ['/changes/nope?from=2019&to=2023', 404],
    ['/changes/buildings?from=2019&to=2023&limit=-1', 400],
    ['/changes/buildings?from=2019&to=2023&colour=1', 400],
  ])('%s → %i', async (path, status) => {
    expect((await call('GET', path)).status).toBe(status);
  });
});
