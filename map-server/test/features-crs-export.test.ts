/**
 * OGC API – Features Part 2 (CRS), sortby/properties/queryable parameters, content
 * negotiation and the open-data export, on the real server with the full Taizhou sample.
 * The CRS facts are domain.md §5.1's test point: 椒江 121.42°E 28.65°N is EPSG:4549
 * E 638 834.5 N 3 171 302.8 and EPSG:4550 E 345 520.1.
 */
import { unzipSync } from 'fflate';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

const EPSG = 'http://www.opengis.net/def/crs/EPSG/0/';
const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
const EXPORT_CAP = 6000;

let platform: TestPlatform;
let db: pg.Client;
let base: string;
let pointId: number;

beforeAll(async () => {
  platform = await startTestPlatform({ EXPORT_MAX_FEATURES: String(EXPORT_CAP) });
  base = platform.baseUrl;
  db = new pg.Client({ connectionString: platform.databaseUrl });
  await db.connect();
  const { rows } = await db.query<{ id: number }>(
    `INSERT INTO base.place_names (name, class, rank, adcode, geom) VALUES ('椒江测试点', 'poi', 5, '331002', ST_SetSRID(ST_MakePoint(121.42, 28.65), 4490)) RETURNING id`,
  );
  pointId = rows[0]!.id;
});
afterAll(async () => {
  await db?.end();
  await platform?.close();
});

interface Feature {
  id: number | string;
  geometry: { type: string; coordinates: number[] };
  properties: Record<string, unknown>;
}
interface Page {
  numberMatched: number;
  features: Feature[];
  links: { rel: string; href: string }[];
}

async function get<T>(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${base}${path}`, { headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as T, text };
}

describe('crs: the 椒江 test point in every supported CRS', () => {
  it.each([
    [CRS84, [121.42, 28.65], 1e-7],
    [`${EPSG}4326`, [28.65, 121.42], 1e-7],
    [`${EPSG}4490`, [28.65, 121.42], 1e-7],
    [`${EPSG}4549`, [638834.5, 3171302.8], 0.1],
    [`${EPSG}4550`, [345520.1, 3171499.2], 0.1],
    [`${EPSG}3857`, [13516412.6, 3331173.9], 0.1], // x = 121.42 × 111319.49; y = R·ln(tan(45° + φ/2)),
  ] as const)('%s → %j', async (crs, expected, tolerance) => {
    const { status, headers, body } = await get<Feature>(`/collections/place_names/items/${pointId}?crs=${encodeURIComponent(crs)}`);
    expect(status).toBe(200);
    expect(headers.get('content-crs')).toBe(`<${crs}>`);
    const [a, b] = body.geometry.coordinates;
    expect(Math.abs(a! - expected[0])).toBeLessThanOrEqual(tolerance);
    expect(Math.abs(b! - expected[1])).toBeLessThanOrEqual(tolerance);
  });

  it('sends Content-Crs on items too, CRS84 by default', async () => {
    const plain = await get<Page>('/collections/place_names/items?limit=1');
    expect(plain.headers.get('content-crs')).toBe(`<${CRS84}>`);
    const metres = await get<Page>(`/collections/place_names/items?limit=3&crs=${encodeURIComponent(`${EPSG}4549`)}`);
    expect(metres.headers.get('content-crs')).toBe(`<${EPSG}4549>`);
    for (const f of metres.body.features) {
      expect(f.geometry.coordinates[0]).toBeGreaterThan(400_000);
      expect(f.geometry.coordinates[1]).toBeGreaterThan(3_000_000);
    }
    expect(metres.body.links.find((l) => l.rel === 'next')?.href).toContain(`crs=${EPSG}4549`);
  });

  it('reads bbox in bbox-crs: metres in EPSG:4549, latitude first in EPSG:4326', async () => {
    const m = await get<Page>(`/collections/place_names/items?bbox=638800,3171250,638900,3171350&bbox-crs=${encodeURIComponent(`${EPSG}4549`)}`);
    expect(m.status).toBe(200);
    expect(m.body.features.map((f) => f.id)).toContain(pointId);
    const ll = await get<Page>(`/collections/place_names/items?bbox=28.6499,121.4199,28.6501,121.4201&bbox-crs=${encodeURIComponent(`${EPSG}4326`)}`);
    expect(ll.body.features.map((f) => f.id)).toContain(pointId);
    const sql = await db.query<{ n: number }>(`SELECT count(*)::int n FROM base.place_names WHERE ST_Intersects(geom, ST_Transform(ST_Segmentize(ST_MakeEnvelope(630000, 3160000, 650000, 3180000, 4549), 312.5), 4490))`);
    const big = await get<Page>(`/collections/place_names/items?limit=1&bbox=630000,3160000,650000,3180000&bbox-crs=${encodeURIComponent(`${EPSG}4549`)}`);
    expect(big.body.numberMatched).toBe(sql.rows[0]!.n);
  });

  it('lists CRS84 first, then the others, and the storage CRS', async () => {
    const c = (await get<{ crs: string[]; storageCrs: string }>('/collections/roads')).body;
    expect(c.crs).toEqual([CRS84, `${EPSG}4326`, `${EPSG}4490`, `${EPSG}3857`, `${EPSG}4549`, `${EPSG}4550`]);
    expect(c.storageCrs).toBe(`${EPSG}4490`);
  });

  it.each(['crs=EPSG:9999', 'crs=http://www.opengis.net/def/crs/EPSG/0/2385', 'bbox=1,2,3,4&bbox-crs=urn:nope'])('rejects %s with 400', async (q) => {
    const { status, body } = await get<{ code: string }>(`/collections/place_names/items?${q}`);
    expect(status).toBe(400);
    expect(body.code).toBe('InvalidParameterValue');
  });
});

describe('filter, sortby, properties and queryable parameters on the Taizhou layers', () => {
  it('filters with CQL2 and with ?property=value exactly as SQL does', async () => {
    const sql = await db.query<{ n: number }>(`SELECT count(*)::int n FROM base.roads WHERE upper_inf(valid) AND class = 'arterial' AND lanes >= 4`);
    const cql = await get<Page>(`/collections/roads/items?limit=1&filter=${encodeURIComponent("class='arterial' AND lanes>=4")}`);
    expect(cql.body.numberMatched).toBe(sql.rows[0]!.n);
    const qp = await get<Page>(`/collections/roads/items?limit=1&class=arterial&filter=${encodeURIComponent('lanes>=4')}`);
    expect(qp.body.numberMatched).toBe(sql.rows[0]!.n);
    expect((await get<{ code: string }>('/collections/roads/items?lanes=four')).status).toBe(400);
    expect((await get<{ code: string }>('/collections/districts/items?lanes=4')).body.code).toBe('UnknownParameter');
  });

  it('searches version history through valid_from/valid_to on versioned layers', async () => {
    const sql = await db.query<{ n: number }>(`SELECT count(*)::int n FROM base.roads WHERE lower(valid) < '2020-01-01'`);
    const all = await get<Page>(`/collections/roads/items?limit=1&filter=${encodeURIComponent("valid_from < TIMESTAMP('2020-01-01T00:00:00Z')")}`);
    expect(all.body.numberMatched).toBe(sql.rows[0]!.n);
    const closed = await db.query<{ n: number }>(`SELECT count(*)::int n FROM base.roads WHERE NOT upper_inf(valid)`);
    const ended = await get<Page>(`/collections/roads/items?limit=1&filter=${encodeURIComponent('valid_to IS NOT NULL')}`);
    expect(ended.body.numberMatched).toBe(closed.rows[0]!.n);
    const during = await db.query<{ n: number }>(`SELECT count(*)::int n FROM base.roads WHERE valid && tstzrange('2023-01-01', '2023-12-31', '[]')`);
    const t = await get<Page>(`/collections/roads/items?limit=1&filter=${encodeURIComponent("T_INTERSECTS(INTERVAL(valid_from, valid_to), INTERVAL('2023-01-01T00:00:00Z','2023-12-31T00:00:00Z'))")}`);
    expect(t.body.numberMatched).toBe(during.rows[0]!.n);
  });

  it('sorts by sortby (ties by id) and returns only the requested properties', async () => {
    const { body } = await get<Page>('/collections/place_names/items?limit=50&sortby=-rank,name&properties=name,rank');
    const { rows } = await db.query<{ id: number }>(`SELECT id FROM base.place_names ORDER BY rank DESC, name, id LIMIT 50`);
    expect(body.features.map((f) => f.id)).toEqual(rows.map((r) => r.id));
    for (const f of body.features) expect(Object.keys(f.properties)).toEqual(['name', 'rank']);
    expect((await get('/collections/place_names/items?sortby=nosuch')).status).toBe(400);
    expect((await get('/collections/place_names/items?properties=nosuch')).status).toBe(400);
  });

  it('negotiates by Accept: JSON for JSON and */*, 406 for an Accept without JSON unless f=json', async () => {
    expect((await get('/collections', { Accept: 'application/json' })).status).toBe(200);
    expect((await get('/collections/roads/items?limit=1', { Accept: 'application/geo+json' })).status).toBe(200);
    expect((await get('/collections', { Accept: 'text/html' })).status).toBe(406);
    expect((await get('/collections?f=json', { Accept: 'text/html' })).status).toBe(200);
  });
});

describe('open-data export', () => {
  const run = promisify(execFile);

  it('streams GeoJSON with the same selection as the items endpoint', async () => {
    const filter = encodeURIComponent("class='town'");
    const items = (await get<Page>(`/collections/place_names/items?limit=10000&filter=${filter}`)).body;
    const res = await fetch(`${base}/collections/place_names/export?f=geojson&filter=${filter}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/geo\+json/);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="place_names.geojson"');
    const doc = (await res.json()) as Page;
    expect(doc.features.map((f) => f.id)).toEqual(items.features.map((f) => f.id));
    expect(doc.features[0]).toEqual(items.features[0]);
  });

  it('writes CSV with WKT or lon/lat, honouring bbox, crs and properties', async () => {
    const res = await fetch(`${base}/collections/place_names/export?f=csv&bbox=121.4,28.6,121.5,28.7&properties=name,class`);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await res.text()).replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('id,name,class,wkt');
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int n FROM base.place_names WHERE ST_Intersects(geom, ST_MakeEnvelope(121.4, 28.6, 121.5, 28.7, 4490))`);
    expect(lines.length - 1).toBe(rows[0]!.n);
    expect(lines.find((l) => l.startsWith(`${pointId},`))).toBe(`${pointId},椒江测试点,poi,POINT(121.42 28.65)`);
    const m = await (await fetch(`${base}/collections/place_names/export?f=csv&geometry=lonlat&crs=${encodeURIComponent(`${EPSG}4549`)}&filter=${encodeURIComponent(`name='椒江测试点'`)}`)).text();
    expect(m.replace(/^\uFEFF/, '').trim().split('\r\n')).toEqual(['id,name,class,rank,adcode,x,y', `${pointId},椒江测试点,poi,5,331002,638834.507,3171302.789`]);
  });

  it('converts to a GeoPackage that GDAL reads back with every selected feature', async () => {
    const res = await fetch(`${base}/collections/districts/export?f=gpkg`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/geopackage+sqlite3');
    const dir = await mkdtemp(join(tmpdir(), 'onemap-export-test-'));
    try {
      const file = join(dir, 'districts.gpkg');
      await writeFile(file, Buffer.from(await res.arrayBuffer()));
      const { stdout } = await run('ogrinfo', ['-ro', '-so', file, 'districts'], { encoding: 'utf8' });
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int n FROM base.districts');
      expect(stdout).toMatch(new RegExp(`Feature Count: ${rows[0]!.n}`));
      expect(stdout).toMatch(/Geometry: Multi Polygon/);
      expect(stdout).toMatch(/name: String/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each(['utf-8', 'gbk'])('exports a zipped Shapefile (%s) that GDAL reads with the same features and Chinese names', async (encoding) => {
    const res = await fetch(`${base}/collections/districts/export?f=shp&encoding=${encoding}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toContain('districts.shp.zip');
    const dir = await mkdtemp(join(tmpdir(), 'onemap-export-test-'));
    try {
      const file = join(dir, 'districts.shp.zip');
      const bytes = Buffer.from(await res.arrayBuffer());
      await writeFile(file, bytes);
      const entries = unzipSync(bytes);
      expect(Object.keys(entries).sort()).toEqual(['districts.cpg', 'districts.dbf', 'districts.prj', 'districts.shp', 'districts.shx']);
      expect(Buffer.from(entries['districts.cpg']!).toString('latin1').trim().toUpperCase()).toBe(encoding === 'gbk' ? 'GBK' : 'UTF-8');
      const { stdout } = await run('ogrinfo', ['-ro', '-al', `/vsizip/${file}`], { encoding: 'utf8' });
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int n FROM base.districts');
      expect(stdout).toMatch(new RegExp(`Feature Count: ${rows[0]!.n}`));
      expect(stdout).toMatch(/Geometry: (Multi )?Polygon/);
      // GDAL honours the .cpg, so either encoding comes back as the same Chinese text.
      expect(stdout).toContain('椒江区');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects an encoding for formats other than Shapefile', async () => {
    expect((await fetch(`${base}/collections/districts/export?f=csv&encoding=gbk`)).status).toBe(400);
    expect((await fetch(`${base}/collections/districts/export?f=shp&encoding=latin1`)).status).toBe(400);
  });

  it(`refuses more than the cap (${EXPORT_CAP}) with 413 before sending anything`, async () => {
    const { status, body } = await get<{ code: string; description: string; maxFeatures: number }>('/collections/buildings/export?f=geojson');
    expect(status).toBe(413);
    expect(body.code).toBe('ExportTooLarge');
    expect(body.maxFeatures).toBe(EXPORT_CAP);
    expect(body.description).toMatch(/narrow it/);
  });

  it('streams the largest layer under the cap in many chunks (rows come from a cursor, a batch at a time)', async () => {
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int n FROM base.place_names');
    expect(rows[0]!.n).toBeLessThanOrEqual(EXPORT_CAP);
    const started = performance.now();
    const res = await fetch(`${base}/collections/place_names/export?f=geojson`, { headers: { 'Accept-Encoding': 'identity' } });
    expect(res.headers.get('content-length')).toBeNull(); // streamed, not sent as one buffer
    const chunks: Buffer[] = [];
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
    const body = Buffer.concat(chunks);
    const doc = JSON.parse(body.toString('utf8')) as Page;
    console.log(`[export] place_names: ${doc.features.length} features, ${(body.length / 1e6).toFixed(2)} MB in ${chunks.length} chunks, ${(performance.now() - started).toFixed(0)} ms`);
    expect(doc.features.length).toBe(rows[0]!.n);
    expect(doc.numberMatched).toBe(rows[0]!.n);
    expect(chunks.length).toBeGreaterThan(1);
  });
});
