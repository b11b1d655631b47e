/**
 * Issue #8 item 4 (管线脱敏) on the real platform: the public sees pipe_segments only as
 * generalised lines at z14 and below, without depth, pressure or owner, on every tile surface
 * (hot path, Koa path, composite, OGC WebMercatorQuad and CGCS2000Quad, dataset tiles) and in
 * features, queryables and exports, and cannot filter, sort or select by the hidden properties;
 * the pipeline analyses stay closed to it (401, bilingual). Pipe points stay internal. The owner
 * department (住建局) still sees everything; other departments keep their staff view (z15, tiles
 * on a 3-px grid) and get 403 from the analyses.
 */
import { VectorTile, type VectorTileLayer } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CGCS2000_QUAD, WEB_MERCATOR_QUAD } from '@onemap/tiles';
import { catalog } from '@onemap/geodata/catalog';
import { createPool, type Pool } from '../src/db.ts';
import { loadRules, RuleError, type DesensitisationRule } from '../src/services/access-policy.ts';
import { compilePlans } from '../src/services/layer-plans.ts';
import { ANONYMOUS } from '../src/services/principal.ts';
import { buildSecurePlans } from '../src/services/secure-plans.ts';
import { createUser } from '../src/services/users.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

const PASSWORD = 'Correct-Horse-9';
/** What the public must never get of a pipe: burial depth, pressure, owner. */
const HIDDEN = ['start_depth', 'end_depth', 'pressure_mpa', 'owner_unit'] as const;
const HIDDEN_RE = /start_depth|end_depth|pressure|owner_unit|depth/;
/** What the public may get (the catalogue's other properties). */
const PUBLIC_PROPS = ['line_no', 'category', 'subcategory', 'diameter_mm', 'material', 'status'];

let platform: TestPlatform;
let db: pg.Client;
let pool: Pool;
let ownerToken: string; // 住建局 staff: owner of the pipe layers
let otherToken: string; // 水利局 staff: another department
/** The z14 tile (WebMercator) holding the most pipe segments, and a point inside it. */
let tile14: { z: number; x: number; y: number };
let at: [number, number];
let segment: { id: number; line_no: string; start_depth: number; diameter_mm: number };

const get = (path: string, token?: string, headers: Record<string, string> = {}) =>
  fetch(`${platform.baseUrl}${path}`, { headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers } });

async function login(username: string): Promise<string> {
  const r = await fetch(`${platform.baseUrl}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
  expect(r.status).toBe(200);
  return ((await r.json()) as { token: string }).token;
}

async function mvt(r: Response): Promise<{ bytes: Buffer; layers: Record<string, VectorTileLayer> }> {
  const bytes = Buffer.from(await r.arrayBuffer());
  return { bytes, layers: new VectorTile(new PbfReader(bytes)).layers };
}

/** Feature count, vertices, property names and diameters of one MVT layer. */
function summary(layer: VectorTileLayer) {
  let vertices = 0;
  const points: { x: number; y: number }[] = [];
  const keys = new Set<string>();
  const diameters: number[] = [];
  for (let i = 0; i < layer.length; i++) {
    const f = layer.feature(i);
    for (const ring of f.loadGeometry()) points.push(...ring);
    vertices += f.loadGeometry().reduce((n, ring) => n + ring.length, 0);
    for (const k of Object.keys(f.properties)) keys.add(k);
    if (typeof f.properties['diameter_mm'] === 'number') diameters.push(f.properties['diameter_mm']);
  }
  return { features: layer.length, vertices, points, keys: [...keys], diameters };
}

/**
 * Share of vertices whose x and y lie on one grid of `step` tile units (±1 for rounding).
 * Vertices on the clip edge of the tile buffer (made by clipping, not snapped) are left out.
 */
function onGrid(points: readonly { x: number; y: number }[], step: number, extent = 4096, buffer = 64): number {
  const inside = points.filter((p) => p.x > -buffer + 1 && p.x < extent + buffer - 1 && p.y > -buffer + 1 && p.y < extent + buffer - 1);
  const residue = (v: number) => ((v % step) + step) % step;
  const mode = (vs: number[]) => {
    const counts = new Map<number, number>();
    for (const v of vs) counts.set(v, (counts.get(v) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
  };
  const near = (v: number, m: number) => {
    const d = Math.abs(residue(v) - m);
    return Math.min(d, step - d) <= 1;
  };
  const mx = mode(inside.map((p) => residue(p.x)));
  const my = mode(inside.map((p) => residue(p.y)));
  return inside.filter((p) => near(p.x, mx) && near(p.y, my)).length / inside.length;
}

function expectPublicTileLayer(layer: VectorTileLayer | undefined) {
  expect(layer).toBeDefined();
  const s = summary(layer!);
  expect(s.features).toBeGreaterThan(0);
  for (const k of s.keys) expect(PUBLIC_PROPS, k).toContain(k);
  for (const h of HIDDEN) expect(s.keys).not.toContain(h);
  expect(s.diameters.length).toBeGreaterThan(0);
  for (const d of s.diameters) expect(d % 100).toBe(0);
  return s;
}

beforeAll(async () => {
  platform = await startTestPlatform({ TILE_CACHE: 'memory' });
  db = new pg.Client({ connectionString: platform.databaseUrl });
  await db.connect();
  pool = createPool({ databaseUrl: platform.databaseUrl, poolMax: 2, statementTimeoutMs: 10_000 });
  await createUser(pool, { username: 'zj_pipes', displayName: '住建员工', role: 'staff', department: 'tz-zj', password: PASSWORD });
  await createUser(pool, { username: 'sl_pipes', displayName: '水利员工', role: 'staff', department: 'tz-sl', password: PASSWORD });
  ownerToken = await login('zj_pipes');
  otherToken = await login('sl_pipes');
  const { rows } = await db.query<{ lon: number; lat: number }>(`SELECT ST_X(c) AS lon, ST_Y(c) AS lat FROM (SELECT ST_LineInterpolatePoint(geom, 0.5) AS c FROM pipe.segments) s`);
  const counts = new Map<string, { n: number; lon: number; lat: number }>();
  for (const r of rows) {
    const t = WEB_MERCATOR_QUAD.tileAt(r.lon, r.lat, 14);
    const key = `${t.col}/${t.row}`;
    const c = counts.get(key) ?? { n: 0, lon: r.lon, lat: r.lat };
    c.n++;
    counts.set(key, c);
  }
  const best = [...counts.entries()].sort((a, b) => b[1].n - a[1].n)[0]!;
  const [x, y] = best[0].split('/').map(Number) as [number, number];
  tile14 = { z: 14, x, y };
  at = [best[1].lon, best[1].lat];
  const seg = await db.query<{ id: number; line_no: string; start_depth: string; diameter_mm: number }>(
    `SELECT id, line_no, start_depth, diameter_mm FROM pipe.segments WHERE start_depth IS NOT NULL AND owner_unit IS NOT NULL AND diameter_mm % 100 <> 0 ORDER BY id LIMIT 1`,
  );
  segment = { ...seg.rows[0]!, start_depth: Number(seg.rows[0]!.start_depth) };
});
afterAll(async () => {
  await pool?.end();
  await db?.end();
  await platform?.close();
});

describe('the rules', () => {
  it('refuse at start to show the public more of a public layer than other departments see', async () => {
    const plans = await compilePlans(pool, catalog);
    const rules = await loadRules(pool);
    expect(buildSecurePlans(plans, rules).viewFor(ANONYMOUS).layers.get('pipe_segments')!.spec.zoom.max).toBe(14);
    const isPublicPipe = (r: DesensitisationRule) => r.layerId === 'pipe_segments' && r.audience === 'public';
    const variants: [string, DesensitisationRule[], RegExp][] = [
      ['no public rules (raw data)', rules.filter((r) => !isPublicPipe(r)), /pipe_segments.*properties start_depth/],
      ['depth kept', rules.filter((r) => !(isPublicPipe(r) && r.property === 'end_depth')), /properties end_depth/],
      ['diameter exact', rules.filter((r) => !(isPublicPipe(r) && r.action === 'round')), /exact values of diameter_mm/],
      ['deeper zoom', rules.map((r) => (isPublicPipe(r) && r.action === 'generalise' ? { ...r, maxZoom: 17 } : r)), /zoom levels above 15/],
      ['finer coordinates', rules.map((r) => (isPublicPipe(r) && r.action === 'generalise' ? { ...r, decimals: 5 } : r)), /finer coordinates/],
      ['finer tile grid', rules.map((r) => (isPublicPipe(r) && r.action === 'generalise' ? { ...r, snapPx: 2 } : r)), /tile grid finer than 3 px/],
      ['no tile grid', rules.map((r) => (isPublicPipe(r) && r.action === 'generalise' ? { ...r, snapPx: null } : r)), /tile grid finer than 3 px/],
    ];
    for (const [name, bad, message] of variants) {
      expect(() => buildSecurePlans(plans, bad), name).toThrow(RuleError);
      expect(() => buildSecurePlans(plans, bad), name).toThrow(message);
    }
  });
});

describe('the public catalogue', () => {
  it('lists pipe_segments up to z14 without depth, pressure or owner, and no pipe points', async () => {
    const doc = (await (await get('/catalog')).json()) as { layers: { id: string; maxzoom: number; properties: { name: string }[] }[] };
    const seg = doc.layers.find((l) => l.id === 'pipe_segments');
    expect(seg?.maxzoom).toBe(14);
    expect(seg!.properties.map((p) => p.name).sort()).toEqual([...PUBLIC_PROPS].sort());
    expect(doc.layers.some((l) => l.id === 'pipe_points')).toBe(false);
    const tj = (await (await get('/tiles/pipe_segments.json')).json()) as { maxzoom: number; vector_layers: { id: string; fields: Record<string, string> }[] };
    expect(tj.maxzoom).toBe(14);
    expect(Object.keys(tj.vector_layers[0]!.fields)).not.toEqual(expect.arrayContaining(['owner_unit']));
    expect(JSON.stringify(tj)).not.toMatch(HIDDEN_RE);
    // Nor do the other public documents name them (collections, OpenAPI, tilesets).
    for (const path of ['/collections', '/collections/pipe_segments', '/api', '/tiles', '/collections/pipe_segments/tiles/WebMercatorQuad']) {
      const r = await get(path);
      expect(r.status, path).toBe(200);
      expect(await r.text(), path).not.toMatch(HIDDEN_RE);
    }
    // The owner department's catalogue is the layer as catalogued.
    const own = (await (await get('/catalog', ownerToken)).json()) as typeof doc;
    expect(own.layers.find((l) => l.id === 'pipe_segments')!.maxzoom).toBe(20);
    expect(own.layers.find((l) => l.id === 'pipe_segments')!.properties.map((p) => p.name)).toEqual(expect.arrayContaining([...HIDDEN]));
  });
});

describe('public tiles', () => {
  it('serves generalised lines without hidden properties at z14, even after the owner warmed the cache for the same tile', async () => {
    const { z, x, y } = tile14;
    const path = `/tiles/pipe_segments/${z}/${x}/${y}.mvt`;
    // The owner's tile first (full detail at this zoom, with depths): cached in its own bucket.
    const owner = await mvt(await get(path, ownerToken));
    const full = summary(owner.layers['pipe_segments']!);
    expect(full.keys).toEqual(expect.arrayContaining([...HIDDEN]));
    // Hot path (plain URL, identity and gzip), then the Koa path (query string).
    const plain = await get(path);
    expect(plain.status).toBe(200);
    expect(plain.headers.get('cache-control')).not.toMatch(/private/);
    const pub = await mvt(plain);
    const s = expectPublicTileLayer(pub.layers['pipe_segments']);
    for (const h of HIDDEN) expect(pub.bytes.includes(h)).toBe(false);
    // Generalised: vertices snapped to a 3-px grid (48 of the 4096 tile units, ≈ 29 m at z14),
    // so segments shorter than that drop out; the owner's tile keeps the surveyed positions.
    expect(onGrid(s.points, 48)).toBe(1);
    expect(onGrid(full.points, 48)).toBeLessThan(0.5);
    expect(s.vertices).toBeLessThan(full.vertices);
    expect(s.features).toBeLessThan(full.features);
    const gz = await get(path, undefined, { 'Accept-Encoding': 'gzip' });
    expect(gz.status).toBe(200);
    expectPublicTileLayer((await mvt(gz)).layers['pipe_segments']);
    const koa = await get(`${path}?datetime=2024-01-01T00:00:00Z`);
    expect(koa.status).toBe(200);
    expectPublicTileLayer((await mvt(koa)).layers['pipe_segments']);
    // The owner's tile is unchanged afterwards.
    expect(Buffer.from(await (await get(path, ownerToken)).arrayBuffer()).equals(owner.bytes)).toBe(true);
  });

  it('gives nothing above z14: 404 for the layer alone, no pipe layer in composites', async () => {
    for (const z of [15, 16, 18]) {
      const t = WEB_MERCATOR_QUAD.tileAt(at[0], at[1], z);
      for (const headers of [{}, { 'Accept-Encoding': 'gzip' }]) {
        const r = await get(`/tiles/pipe_segments/${z}/${t.col}/${t.row}.mvt`, undefined, headers);
        expect(r.status, `z${z}`).toBe(404);
        expect(await r.text()).not.toMatch(HIDDEN_RE);
      }
      const composite = await get(`/tiles/roads,pipe_segments/${z}/${t.col}/${t.row}.mvt`);
      expect([200, 204]).toContain(composite.status);
      const { bytes, layers } = await mvt(composite);
      expect(Object.keys(layers)).not.toContain('pipe_segments');
      expect(bytes.includes('line_no')).toBe(false);
      const ogc = await get(`/collections/pipe_segments/tiles/WebMercatorQuad/${z}/${t.row}/${t.col}`);
      expect(ogc.status).toBe(404);
      const dataset = await mvt(await get(`/tiles/WebMercatorQuad/${z}/${t.row}/${t.col}`));
      expect(Object.keys(dataset.layers)).not.toContain('pipe_segments');
      expect(Object.keys(dataset.layers)).not.toContain('pipe_points');
    }
    // The owner department sees the layer at z16 with every property.
    const t16 = WEB_MERCATOR_QUAD.tileAt(at[0], at[1], 16);
    const own = await get(`/tiles/pipe_segments/16/${t16.col}/${t16.row}.mvt`, ownerToken);
    expect(own.status).toBe(200);
    expect((await mvt(own)).bytes.includes('owner_unit')).toBe(true);
  });

  it('desensitises composites, OGC collection and dataset tiles and the CGCS2000 grid alike', async () => {
    const { z, x, y } = tile14;
    const composite = await mvt(await get(`/tiles/roads,pipe_segments/${z}/${x}/${y}.mvt`));
    expect(Object.keys(composite.layers)).toEqual(expect.arrayContaining(['roads', 'pipe_segments']));
    expectPublicTileLayer(composite.layers['pipe_segments']);
    const ogc = await mvt(await get(`/collections/pipe_segments/tiles/WebMercatorQuad/${z}/${y}/${x}`));
    expectPublicTileLayer(ogc.layers['pipe_segments']);
    const dataset = await mvt(await get(`/tiles/WebMercatorQuad/${z}/${y}/${x}`));
    expectPublicTileLayer(dataset.layers['pipe_segments']);
    expect(Object.keys(dataset.layers)).not.toContain('pipe_points');
    for (const h of HIDDEN) expect(dataset.bytes.includes(h)).toBe(false);
    // CGCS2000Quad (天地图 c grid): the same rules, the same zoom limit.
    const cg = CGCS2000_QUAD.tileAt(at[0], at[1], 13);
    const c = await get(`/collections/pipe_segments/tiles/CGCS2000Quad/13/${cg.row}/${cg.col}`);
    expect(c.status).toBe(200);
    const cgcs = await mvt(c);
    expectPublicTileLayer(cgcs.layers['pipe_segments']);
    for (const h of HIDDEN) expect(cgcs.bytes.includes(h)).toBe(false);
    const ownCg = await mvt(await get(`/collections/pipe_segments/tiles/CGCS2000Quad/13/${cg.row}/${cg.col}`, ownerToken));
    expect(ownCg.bytes.includes('owner_unit')).toBe(true);
    const cg16 = CGCS2000_QUAD.tileAt(at[0], at[1], 16);
    expect((await get(`/collections/pipe_segments/tiles/CGCS2000Quad/16/${cg16.row}/${cg16.col}`)).status).toBe(404);
    const cgDataset = await mvt(await get(`/tiles/CGCS2000Quad/16/${cg16.row}/${cg16.col}`));
    expect(Object.keys(cgDataset.layers)).not.toContain('pipe_segments');
  });
});

describe('public features', () => {
  it('carry no depth, pressure or owner, coordinates rounded to 0.001°, diameters to 100 mm', async () => {
    const r = await get('/collections/pipe_segments/items?limit=100');
    expect(r.status).toBe(200);
    const text = await r.text();
    expect(text).not.toMatch(HIDDEN_RE);
    const page = JSON.parse(text) as { numberMatched: number; features: { geometry: { coordinates: number[][] }; properties: Record<string, unknown> }[] };
    expect(page.features.length).toBe(100);
    for (const f of page.features) {
      expect(Object.keys(f.properties).sort()).toEqual([...PUBLIC_PROPS].sort());
      for (const c of f.geometry.coordinates.flat()) expect(Math.abs(c * 1000 - Math.round(c * 1000))).toBeLessThan(1e-6);
      if (typeof f.properties['diameter_mm'] === 'number') expect(f.properties['diameter_mm'] % 100).toBe(0);
    }
    const one = await get(`/collections/pipe_segments/items/${segment.id}`);
    expect(one.status).toBe(200);
    const oneText = await one.text();
    expect(oneText).not.toMatch(HIDDEN_RE);
    expect(oneText).not.toContain(`"diameter_mm":${segment.diameter_mm}`);
    const queryables = await (await get('/collections/pipe_segments/queryables')).text();
    expect(queryables).toContain('line_no');
    expect(queryables).not.toMatch(HIDDEN_RE);
    for (const f of ['csv', 'geojson']) {
      const e = await get(`/collections/pipe_segments/export?f=${f}&bbox=${at[0] - 0.02},${at[1] - 0.02},${at[0] + 0.02},${at[1] + 0.02}`);
      expect(e.status, f).toBe(200);
      const body = await e.text();
      expect(body).toContain('line_no');
      expect(body, f).not.toMatch(HIDDEN_RE);
    }
    // History and changes (a static layer has neither): nothing of the hidden values either.
    for (const path of [`/collections/pipe_segments/items/${segment.id}/history`, '/changes/pipe_segments?from=2019&to=2023']) {
      const h = await get(path);
      expect(h.status, path).toBeLessThan(500);
      expect(await h.text(), path).not.toMatch(HIDDEN_RE);
    }
    // Projected CRSs count in metres, which the rule cannot coarsen.
    expect((await get('/collections/pipe_segments/items?limit=1&crs=http://www.opengis.net/def/crs/EPSG/0/4549')).status).toBe(400);
  });

  it('refuses filters, sorting and property selection on the hidden properties with 400, never a silent answer', async () => {
    const probes = [
      `filter=${encodeURIComponent(`start_depth > ${segment.start_depth - 0.001}`)}`,
      `filter=${encodeURIComponent("owner_unit LIKE '%'")}`,
      `filter=${encodeURIComponent('pressure_mpa IS NULL')}`,
      `filter-lang=cql2-json&filter=${encodeURIComponent(JSON.stringify({ op: '>', args: [{ property: 'end_depth' }, 0] }))}`,
      'sortby=start_depth',
      'sortby=-owner_unit',
      'properties=line_no,owner_unit',
      'start_depth=1.5',
    ];
    for (const p of probes) {
      const r = await get(`/collections/pipe_segments/items?${p}`);
      expect(r.status, p).toBe(400);
      const body = (await r.json()) as { detail: string };
      expect(body.detail, p).toMatch(/start_depth|end_depth|owner_unit|pressure_mpa/);
      expect(JSON.stringify(body)).not.toContain(String(segment.start_depth));
      // The same probe for the owner department is a legitimate query.
      expect((await get(`/collections/pipe_segments/items?limit=1&${p}`, ownerToken)).status, p).toBe(200);
    }
    // The diameter the public filters on is the rounded one: the exact value cannot be probed.
    const exact = (await (await get(`/collections/pipe_segments/items?filter=${encodeURIComponent(`line_no = '${segment.line_no}' AND diameter_mm = ${segment.diameter_mm}`)}`)).json()) as { numberMatched: number };
    expect(exact.numberMatched).toBe(0);
    const own = (await (await get(`/collections/pipe_segments/items?filter=${encodeURIComponent(`line_no = '${segment.line_no}' AND diameter_mm = ${segment.diameter_mm}`)}`, ownerToken)).json()) as { numberMatched: number };
    expect(own.numberMatched).toBe(1);
  });

  it('serves the owner department every attribute and other departments their staff view', async () => {
    const own = (await (await get(`/collections/pipe_segments/items/${segment.id}`, ownerToken)).json()) as { properties: Record<string, unknown> };
    expect(own.properties).toMatchObject({ start_depth: segment.start_depth, diameter_mm: segment.diameter_mm });
    expect(own.properties['owner_unit']).toEqual(expect.any(String));
    const other = await (await get(`/collections/pipe_segments/items/${segment.id}`, otherToken)).text();
    expect(other).not.toMatch(HIDDEN_RE);
    const catalog = (await (await get('/catalog', otherToken)).json()) as { layers: { id: string; maxzoom: number }[] };
    expect(catalog.layers.find((l) => l.id === 'pipe_segments')!.maxzoom).toBe(15);
    expect(catalog.layers.some((l) => l.id === 'pipe_points')).toBe(true);
    const t15 = WEB_MERCATOR_QUAD.tileAt(at[0], at[1], 15);
    const staffTile = await get(`/tiles/pipe_segments/15/${t15.col}/${t15.row}.mvt`, otherToken);
    expect(staffTile.status).toBe(200);
    expect((await mvt(staffTile)).bytes.includes('owner_unit')).toBe(false);
    expect((await get(`/tiles/pipe_segments/15/${t15.col}/${t15.row}.mvt`)).status).toBe(404);
  });

  it('draws other departments\' pipe tiles on a 3-px grid (migration 0088), the owner\'s at survey precision', async () => {
    // 3 px = 48 of the 4096 tile units: ≈ 14 m at z15 for segments, ≈ 7 m at z16 for points.
    for (const [layer, z] of [['pipe_segments', 15], ['pipe_points', 16], ['pipe_segments', 14]] as const) {
      const t = WEB_MERCATOR_QUAD.tileAt(at[0], at[1], z);
      const path = `/tiles/${layer}/${z}/${t.col}/${t.row}.mvt`;
      const staff = await get(path, otherToken);
      expect(staff.status, path).toBe(200);
      const s = summary((await mvt(staff)).layers[layer]!);
      expect(s.points.length, path).toBeGreaterThan(10);
      expect(onGrid(s.points, 48), path).toBe(1);
      const own = summary((await mvt(await get(path, ownerToken))).layers[layer]!);
      expect(onGrid(own.points, 48), path).toBeLessThan(0.5);
    }
  });
});

describe('public analyses', () => {
  it('answers every pipeline analysis with 401 and a bilingual message, nothing about the network', async () => {
    const line = { type: 'LineString', coordinates: [[at[0] - 0.001, at[1]], [at[0] + 0.001, at[1]]] };
    const area = { type: 'Polygon', coordinates: [[[at[0], at[1]], [at[0] + 0.001, at[1]], [at[0] + 0.001, at[1] + 0.001], [at[0], at[1] + 0.001], [at[0], at[1]]]] };
    const calls: [string, RequestInit?][] = [
      [`/pipes/burst?segment=${segment.id}`],
      [`/pipes/trace?segment=${segment.id}&direction=down`],
      [`/pipes/profile?segments=${segment.id}`],
      [`/pipes/section?line=${line.coordinates.flat().join(',')}`],
      ['/pipes/section', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(line) }],
      [`/pipes/clearance?bbox=${at[0] - 0.005},${at[1] - 0.005},${at[0] + 0.005},${at[1] + 0.005}`],
      ['/pipes/excavation', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ area, depth_m: 2 }) }],
      [`/pipes/nearest?lon=${at[0]}&lat=${at[1]}`],
      ['/pipes/categories'],
      ['/pipes/survey?district=331002'],
    ];
    for (const [path, init] of calls) {
      const r = await fetch(`${platform.baseUrl}${path}`, init);
      expect(r.status, path).toBe(401);
      expect(r.headers.get('content-type')).toMatch(/problem\+json/);
      const text = await r.text();
      const body = JSON.parse(text) as { detail: string };
      expect(body.detail).toContain('管线分析需要登录');
      expect(body.detail).toContain('sign');
      expect(text).not.toMatch(/owner_unit|depth|elev|valve|isolated|line_no/);
      // Signed in, the owner department gets the analysis (the route exists and works).
      const owned = await fetch(`${platform.baseUrl}${path}`, { ...init, headers: { ...(init?.headers as Record<string, string> | undefined), Authorization: `Bearer ${ownerToken}` } });
      expect(owned.status, path).not.toBe(401);
      expect(owned.status, path).toBeLessThan(500);
    }
  });
});

describe('analyses for other departments', () => {
  it('answers every pipeline analysis and survey tool with 403 and nothing about the network; the owner department gets the result', async () => {
    const line = { type: 'LineString', coordinates: [[at[0] - 0.001, at[1]], [at[0] + 0.001, at[1]]] };
    const area = { type: 'Polygon', coordinates: [[[at[0], at[1]], [at[0] + 0.001, at[1]], [at[0] + 0.001, at[1] + 0.001], [at[0], at[1] + 0.001], [at[0], at[1]]]] };
    const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const calls: [string, RequestInit?][] = [
      [`/pipes/burst?segment=${segment.id}`],
      [`/pipes/trace?segment=${segment.id}&direction=down`],
      [`/pipes/profile?segments=${segment.id}`],
      [`/pipes/section?line=${line.coordinates.flat().join(',')}`],
      ['/pipes/section', json(line)],
      [`/pipes/clearance?bbox=${at[0] - 0.005},${at[1] - 0.005},${at[0] + 0.005},${at[1] + 0.005}`],
      ['/pipes/excavation', json({ area, depth_m: 30 })],
      [`/pipes/nearest?lon=${at[0]}&lat=${at[1]}&radius_m=500`],
      ['/pipes/survey?district=331002&f=csv&table=lines'],
      ['/pipes/import?crs=EPSG:4549&dryRun=true', json({ points: '', lines: '' })],
      ['/pipes/imports/1/report'],
      // Malformed requests too: refused before any parameter is read.
      ['/pipes/burst?segment=NOPE'],
      ['/pipes/nearest?lon=1'],
    ];
    for (const [path, init] of calls) {
      const headers = { ...(init?.headers as Record<string, string> | undefined) };
      const r = await fetch(`${platform.baseUrl}${path}`, { ...init, headers: { ...headers, Authorization: `Bearer ${otherToken}` } });
      expect(r.status, path).toBe(403);
      expect(r.headers.get('content-type')).toMatch(/problem\+json/);
      const text = await r.text();
      const body = JSON.parse(text) as { detail: string };
      expect(body.detail).toContain('仅限管线权属部门');
      expect(body.detail).toContain('pipeline departments');
      // No depth, owner, element, id or position: not even one digit of a coordinate.
      expect(text, path).not.toMatch(/owner_unit|depth|elev|valve|isolated|line_no|distance|offset|coordinates|\d+\.\d{4,}/);
      expect(text, path).not.toContain(segment.line_no);
    }
    // The owner department gets the results, depths and owners included.
    const section = await fetch(`${platform.baseUrl}/pipes/section`, { ...json(line), headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${ownerToken}` } });
    expect(section.status).toBe(200);
    const dig = await fetch(`${platform.baseUrl}/pipes/excavation`, { ...json({ area, depth_m: 30 }), headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${ownerToken}` } });
    expect(dig.status).toBe(200);
    const d = (await dig.json()) as { owners: unknown[]; segments: { features: { properties: Record<string, unknown> }[] } };
    expect(Array.isArray(d.owners)).toBe(true);
    for (const f of d.segments.features) expect(f.properties).toHaveProperty('owner_unit');
    // The category dictionary (names, codes, colours) stays open to every signed-in caller.
    const categories = await get('/pipes/categories', otherToken);
    expect(categories.status).toBe(200);
    const cats = await categories.text();
    expect(cats).toContain('JS');
    expect(cats).not.toMatch(/owner_unit|depth|coordinates/);
  });
});

describe('audit', () => {
  it('does not audit the public’s desensitised reads, and audits what signed-in callers see beyond them', async () => {
    await get(`/collections/pipe_segments/items/${segment.id}`);
    await get(`/collections/pipe_segments/items/${segment.id}`, ownerToken);
    const { rows } = await db.query<{ actor: string; path: string; layers: string[]; classification: string | null }>(
      `SELECT actor, path, layers, classification FROM audit.events WHERE action = 'read' AND path = $1 ORDER BY id`,
      [`/collections/pipe_segments/items/${segment.id}`],
    );
    expect(rows.some((r) => r.actor === 'anonymous')).toBe(false);
    expect(rows.find((r) => r.actor === 'zj_pipes')).toMatchObject({ layers: ['pipe_segments'], classification: 'internal' });
  });
});
