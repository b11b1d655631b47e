/**
 * 合规性审查 (compliance review) on the real server and PostGIS. Fixture planning features are
 * built in EPSG:4549 near 椒江 after clearing the sample there: a 300 m × 100 m site whose west
 * third lies in the ecological red line (and outside the development boundary), the middle
 * third on a housing parcel, the east third on a parcel that was industrial under the 2021 plan
 * and commercial since the 2024 revision, and a neighbouring park that overlaps the site by a
 * 0.5 m² sliver. Also: the sample itself (versions, crosswalk, plausibility), uploads as GeoJSON
 * in another CRS and as a zipped Shapefile, stored results, HTML and PDF reports, and refusals.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { zipSync } from 'fflate';
import { beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '@onemap/geodata/catalog';
import { createPool } from '../src/db.ts';
import { createApiToken } from '../src/services/auth-tokens.ts';
import { M2_PER_MU } from '../src/services/planning/compliance-review.ts';
import { usePlatform } from './support/platform.ts';

const run = promisify(execFile);
const ctx = usePlatform();
let token = '';

// EPSG:4549 rectangles [xmin, ymin, xmax, ymax] (metres), near 椒江 (domain.md §5.1 example point).
const X0 = 638_000;
const Y0 = 3_170_000;
const SITE = [X0, Y0, X0 + 300, Y0 + 100] as const;
const rect4549 = ([a, b, c, d]: readonly number[]) => `ST_Transform(ST_MakeEnvelope(${a}, ${b}, ${c}, ${d}, 4549), 4490)`;
const ring = ([a, b, c, d]: readonly number[]) => [[a, b], [c, b], [c, d], [a, d], [a, b]];

async function prepareFixtures(): Promise<void> {
  const db = ctx.db;
  const area = rect4549([X0 - 500, Y0 - 500, X0 + 800, Y0 + 600]);
  // Cut the fixture area out of the sample (whole features would take the central boundary with them).
  for (const t of ['eco_redline', 'basic_farmland', 'urban_boundary', 'parcels']) {
    await db.query(`UPDATE planning.${t} SET geom = ST_Multi(ST_CollectionExtract(ST_Difference(geom, ${area}), 3)) WHERE ST_Intersects(geom, ${area})`);
    await db.query(`DELETE FROM planning.${t} WHERE ST_IsEmpty(geom)`);
  }
  const since = `tstzrange('2020-01-01T00:00:00+08:00', NULL)`;
  await db.query(`INSERT INTO planning.eco_redline (valid, code, name, kind, plan_version, area_m2, geom)
    VALUES (${since}, 'TEST-RL-1', '测试红线', '水源涵养', 'sqsx-2022', 60000, ST_Multi(${rect4549([X0 - 100, Y0 - 100, X0 + 100, Y0 + 200])}))`);
  await db.query(`INSERT INTO planning.urban_boundary (valid, code, name, zone, plan_version, area_m2, geom)
    VALUES (${since}, 'TEST-UDB-1', '测试城镇开发边界', '集中建设区', 'sqsx-2022', 200000, ST_Multi(${rect4549([X0 + 100, Y0 - 200, X0 + 600, Y0 + 300])}))`);
  const parcel = (no: string, code: string, valid: string, version: string, r: readonly number[]) =>
    db.query(`INSERT INTO planning.parcels (fid, valid, parcel_no, landuse_code, landuse_class, landuse_name, plan_version, area_m2, geom)
      SELECT $1, ${valid}, $2, $3, left($3, 2), name, $4, 1, ST_Multi(${rect4549(r)}) FROM planning.landuse_codes WHERE system = 'ydyh2023' AND code = $3`, [900_000 + Number(no.slice(-1)), no, code, version]);
  await parcel('TEST-KG-1', '070102', since, 'kg-2021', [X0 + 100, Y0 - 50, X0 + 200, Y0 + 150]);
  await parcel('TEST-KG-2', '100102', `tstzrange('2020-01-01T00:00:00+08:00', '2024-09-26T00:00:00+08:00')`, 'kg-2021', [X0 + 200, Y0 - 50, X0 + 400, Y0 + 150]);
  await parcel('TEST-KG-2', '0901', `tstzrange('2024-09-26T00:00:00+08:00', NULL)`, 'kg-2024', [X0 + 200, Y0 - 50, X0 + 400, Y0 + 150]);
  // 5 mm × 100 m = 0.5 m² inside the site: below 1 m² and below 0.1 % of 30 000 m².
  await parcel('TEST-KG-3', '1401', since, 'kg-2021', [X0 - 300, Y0, X0 + 0.005, Y0 + 100]);
}

async function review(body: unknown, query = '', headers: Record<string, string> = {}) {
  const res = await fetch(`${ctx.platform.baseUrl}/planning/reviews${query}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/geo+json', Authorization: `Bearer ${token}`, ...headers },
    body: body instanceof Uint8Array ? new Blob([body as Uint8Array<ArrayBuffer>]) : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined, headers: res.headers };
}

/** The fixture site in CRS84 (transformed by PostGIS, not by us). */
let siteLonLat: number[][][] = [];
/** Its ellipsoidal area, computed independently of the service. */
let siteGeodesicM2 = 0;

beforeAll(async () => {
  const pool = createPool({ databaseUrl: ctx.platform.databaseUrl, poolMax: 1, statementTimeoutMs: 5000 });
  token = await createApiToken(pool, '规划科', 'editor', 1);
  await pool.end();
  await prepareFixtures();
  const { rows } = await ctx.db.query<{ g: string; a: number }>(`SELECT ST_AsGeoJSON(g, 9) AS g, ST_Area(g::geography) AS a FROM ${rect4549(SITE)} AS g`);
  siteLonLat = JSON.parse(rows[0]!.g).coordinates;
  siteGeodesicM2 = rows[0]!.a;
});

const siteFeature = () => ({ type: 'Feature', properties: { name: '测试项目选址' }, geometry: { type: 'Polygon', coordinates: siteLonLat } });
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test reads loosely-typed JSON
type Doc = Record<string, any>;
const layerOf = (r: { layers: { layer: string }[] }, id: string) => r.layers.find((l) => l.layer === id) as Doc;

describe('the planning sample', () => {
  it('has two editions per plan family, every layer versioned by them, and parcels on the street blocks inside the boundary', async () => {
    const versions = await (await fetch(`${ctx.platform.baseUrl}/planning/versions`)).json();
    expect(versions.versions.map((v: { id: string }) => v.id)).toEqual(['kg-2021', 'kg-2024', 'sqsx-2022', 'sqsx-2025']);
    const { rows } = await ctx.db.query<{ t: string; n: number; closed: number }>(`
      SELECT 'parcels' AS t, count(*)::int AS n, count(*) FILTER (WHERE NOT upper_inf(valid))::int AS closed FROM planning.parcels
      UNION ALL SELECT 'farmland', count(*), count(*) FILTER (WHERE NOT upper_inf(valid)) FROM planning.basic_farmland
      UNION ALL SELECT 'redline', count(*), 0 FROM planning.eco_redline
      UNION ALL SELECT 'udb', count(*), count(*) FILTER (WHERE NOT upper_inf(valid)) FROM planning.urban_boundary`);
    const by = Object.fromEntries(rows.map((r) => [r.t, r]));
    expect(by['parcels']!.n).toBeGreaterThan(2000);
    expect(by['parcels']!.closed).toBeGreaterThan(50); // the 2024 revision changed some
    expect(by['farmland']!.closed).toBeGreaterThan(0); // the 2025 boundary took some
    expect(by['redline']!.n).toBeGreaterThan(50);
    expect(by['udb']!.closed).toBe(1);
    // Parcels lie in the current development boundary (up to the 2022/2025 difference) and off the red line.
    const off = await ctx.db.query<{ outside: number; on_red: number }>(`
      SELECT count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM planning.urban_boundary u WHERE ST_Intersects(u.geom, ST_PointOnSurface(p.geom))))::int AS outside,
             count(*) FILTER (WHERE EXISTS (SELECT 1 FROM planning.eco_redline r WHERE ST_Contains(r.geom, ST_PointOnSurface(p.geom))))::int AS on_red
        FROM planning.parcels p WHERE upper_inf(p.valid) AND p.parcel_no NOT LIKE 'TEST%'`);
    expect(off.rows[0]).toEqual({ outside: 0, on_red: 0 });
    // Farmland sits on cropland, the red line on forest.
    const cover = await ctx.db.query<{ farm: number; red: number }>(`
      SELECT (SELECT avg((EXISTS (SELECT 1 FROM base.land_cover l WHERE upper_inf(l.valid) AND l.class_code = '0100' AND ST_Intersects(l.geom, ST_PointOnSurface(f.geom))))::int) FROM planning.basic_farmland f) AS farm,
             (SELECT avg((EXISTS (SELECT 1 FROM base.land_cover l WHERE upper_inf(l.valid) AND l.class_code = '0300' AND ST_Intersects(l.geom, ST_PointOnSurface(r.geom))))::int) FROM planning.eco_redline r WHERE r.code NOT LIKE 'TEST%') AS red`);
    expect(Number(cover.rows[0]!.farm)).toBeGreaterThan(0.95);
    expect(Number(cover.rows[0]!.red)).toBeGreaterThan(0.95);
  });

  it('keeps the code lists as data: legend colours equal the catalogue, every parcel code known, crosswalk to GB 50137', async () => {
    const doc = await (await fetch(`${ctx.platform.baseUrl}/planning/landuse-codes`)).json();
    const colour = new Map(doc.codes.filter((c: { system: string }) => c.system === 'ydyh2023').map((c: { code: string; color: string }) => [c.code, c.color]));
    const classes = catalog.layers.find((l) => l.id === 'plan_parcels')!.style.classify!.classes;
    for (const c of classes) expect(colour.get(String(c.value)), String(c.value)).toBe(c.color);
    expect(doc.crosswalk).toContainEqual(expect.objectContaining({ gb50137: 'R', ydyh2023: '07', exact: true }));
    const unknown = await ctx.db.query(`SELECT DISTINCT landuse_code FROM planning.parcels p WHERE NOT EXISTS (SELECT 1 FROM planning.landuse_codes c WHERE c.system = 'ydyh2023' AND c.code = p.landuse_code)`);
    expect(unknown.rows).toEqual([]);
    const gb = await ctx.db.query<{ code: string; gb: string }>(`SELECT landuse_code AS code, gb50137_code AS gb FROM planning.parcels WHERE landuse_code IN ('070102', '0901') AND parcel_no NOT LIKE 'TEST%' GROUP BY 1, 2`);
    expect(gb.rows).toEqual(expect.arrayContaining([{ code: '070102', gb: 'R2' }, { code: '0901', gb: 'B1' }]));
  });

  it('serves the plan as of a date through the features API (versioned layers)', async () => {
    const at = async (d: string) => (await (await fetch(`${ctx.platform.baseUrl}/collections/plan_parcels/items?datetime=${d}&filter=parcel_no%3D%27TEST-KG-2%27`)).json()).features.map((f: { properties: { landuse_code: string } }) => f.properties.landuse_code);
    expect(await at('2023-01-01T00:00:00Z')).toEqual(['100102']);
    expect(await at('2025-01-01T00:00:00Z')).toEqual(['0901']);
  });
});

describe('compliance review', () => {
  let first: Doc;

  it('reports the red line, two land-use classes and the area outside the boundary, summing to the site area', async () => {
    const res = await review(siteFeature());
    expect(res.status).toBe(201);
    first = res.json;
    expect(res.headers.get('location')).toBe(`${ctx.platform.baseUrl}/planning/reviews/${first['id']}`);
    // Ellipsoidal area, not the Gauss-Krüger plane's 30 000 m² (scale error ~ 0.05 % here).
    expect(first['site'].area.m2).toBeCloseTo(siteGeodesicM2, 1);
    expect(Math.abs(first['site'].area.m2 - 30_000)).toBeGreaterThan(1);
    expect(first['site'].area.ha).toBeCloseTo(siteGeodesicM2 / 10_000, 3);
    expect(first['site'].area.mu).toBeCloseTo(siteGeodesicM2 / M2_PER_MU, 1);
    const third = siteGeodesicM2 / 3;

    const red = layerOf(first as never, 'plan_eco_redline');
    expect(red['fired']).toBe(true);
    expect(red['severity']).toBe('conflict');
    expect(red['area'].m2).toBeCloseTo(third, -1);
    expect(red['features'].map((f: { label: string }) => f.label)).toEqual(['TEST-RL-1']);
    const udb = layerOf(first as never, 'plan_urban_boundary');
    expect(udb['severity']).toBe('warning');
    expect(udb['area'].m2).toBeCloseTo(third, -1);
    expect(layerOf(first as never, 'plan_basic_farmland')['fired']).toBe(false);
    expect(first['verdict']).toBe('conflict');

    const parcels = layerOf(first as never, 'plan_parcels');
    const byCode = Object.fromEntries(parcels['classes'].map((c: { code: string }) => [c.code, c]));
    expect(Object.keys(byCode).sort()).toEqual(['070102', '0901']);
    expect(byCode['0901'].area.m2).toBeCloseTo(third, -1);
    expect(byCode['070102'].area.m2).toBeCloseTo(third, -1);
    expect(byCode['0901'].name).toBe('商业用地');
    expect(byCode['0901'].color).toBe('#ff3d3d'); // the 一级 class colour, through the code's parents
    // The sliver is ignored and reported, not counted as a class.
    expect(first['slivers']).toEqual([expect.objectContaining({ layer: 'plan_parcels', what: 'TEST-KG-3' })]);
    expect(first['slivers'][0].areaM2).toBeGreaterThan(0.3);
    expect(first['slivers'][0].areaM2).toBeLessThan(0.7);
    // Classes + uncovered (+ slivers) = the site, within the sliver tolerance.
    const sum = parcels['classes'].reduce((s: number, c: { area: { m2: number } }) => s + c.area.m2, 0) + parcels['uncovered'].m2;
    expect(Math.abs(sum - first['site'].area.m2)).toBeLessThan(first['tolerance'].effectiveM2);
    expect(Math.abs(first['balance'].differenceM2)).toBeLessThan(0.01);
    // Data versions in force, and the feature editions met.
    const dv = Object.fromEntries(first['dataVersions'].map((v: { layer: string }) => [v.layer, v]));
    expect(dv['plan_parcels'].inForce.id).toBe('kg-2024');
    expect(dv['plan_parcels'].featureVersions).toEqual(['kg-2021', 'kg-2024']);
    expect(dv['plan_eco_redline'].inForce.id).toBe('sqsx-2025');
    expect(dv['plan_eco_redline'].loadedAt).toMatch(/^\d{4}-/);
  });

  it('reviews against the plan as of an earlier date', async () => {
    const res = await review(siteFeature(), '?datetime=2023-01-01');
    expect(res.status).toBe(201);
    const parcels = layerOf(res.json, 'plan_parcels');
    expect(parcels['classes'].map((c: { code: string }) => c.code).sort()).toEqual(['070102', '100102']);
    const dv = Object.fromEntries(res.json.dataVersions.map((v: { layer: string }) => [v.layer, v]));
    expect(dv['plan_parcels'].inForce.id).toBe('kg-2021');
    expect(dv['plan_urban_boundary'].inForce.id).toBe('sqsx-2022');
  });

  it('takes the site in EPSG:4549 and as a zipped Shapefile with its .prj, with the same result', async () => {
    const gk = { type: 'Polygon', coordinates: [ring(SITE)] };
    const a = await review(gk, '?crs=EPSG:4549');
    expect(a.status).toBe(201);
    expect(a.json.site.area.m2).toBeCloseTo(first['site'].area.m2, 2);
    expect(a.json.source.crs).toBe('http://www.opengis.net/def/crs/EPSG/0/4549');

    const dir = await mkdtemp(join(tmpdir(), 'planning-shp-'));
    try {
      await writeFile(join(dir, 'site.geojson'), JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { name: '上传地块' }, geometry: gk }] }));
      await run('ogr2ogr', ['-f', 'ESRI Shapefile', join(dir, 'site.shp'), join(dir, 'site.geojson'), '-a_srs', 'EPSG:4549', '-lco', 'ENCODING=UTF-8']);
      const files: Record<string, Uint8Array> = {};
      for (const ext of ['shp', 'shx', 'dbf', 'prj', 'cpg']) files[`红线/site.${ext}`] = await readFile(join(dir, `site.${ext}`));
      const b = await review(zipSync(files), '', { 'Content-Type': 'application/zip' });
      expect(b.status).toBe(201);
      expect(b.json.source.format).toBe('shapefile');
      expect(b.json.name).toBe('上传地块');
      expect(b.json.site.area.m2).toBeCloseTo(first['site'].area.m2, 1);
      expect(layerOf(b.json, 'plan_eco_redline')['area'].m2).toBeCloseTo(red(first), 0);
      // Without .prj and without crs: refused with a clear message.
      delete files['红线/site.prj'];
      const c = await review(zipSync(files), '', { 'Content-Type': 'application/zip' });
      expect(c.status).toBe(400);
      expect(c.json.detail).toMatch(/\.prj/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stores the result, and serves the HTML and the PDF report with the map, the table and the date', async () => {
    const id = first['id'];
    const stored = await (await fetch(`${ctx.platform.baseUrl}/planning/reviews/${id}`)).json();
    expect(stored.layers).toEqual(first['layers']);
    expect(stored.siteGeometry.type).toBe('MultiPolygon');
    const htmlRes = await fetch(`${ctx.platform.baseUrl}/planning/reviews/${id}/report.html`);
    expect(htmlRes.headers.get('content-type')).toMatch(/text\/html/);
    const html = await htmlRes.text();
    expect(html).toContain('<svg');
    expect(html).toContain('data-layer="plan_eco_redline"');
    expect(html).toContain('生态保护红线');
    const date = first['createdAt'] as string;
    const beijing = new Date(Date.parse(date) + 8 * 3600_000).toISOString().slice(0, 10);
    expect(html).toContain(beijing);

    const pdfRes = await fetch(`${ctx.platform.baseUrl}/planning/reviews/${id}/report.pdf`);
    expect(pdfRes.status).toBe(200);
    expect(pdfRes.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await pdfRes.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const dir = await mkdtemp(join(tmpdir(), 'planning-pdf-'));
    try {
      await writeFile(join(dir, 'r.pdf'), pdf);
      const { stdout } = await run('pdftotext', ['-layout', join(dir, 'r.pdf'), '-']);
      expect(stdout).toContain('合规性审查报告');
      expect(stdout).toContain('生态保护红线');
      expect(stdout).toContain('商业用地');
      expect(stdout).toContain(beijing);
      expect(stdout).toContain(`No.${id}`);
      // The table's red-line area in m² as printed.
      const redM2 = red(first).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
      expect(stdout).toContain(redM2);
      // The map is vector drawing in the PDF (pdftotext sees its scale-bar label).
      expect(stdout).toMatch(/\b\d+ m\b/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses what it cannot review, with clear errors', async () => {
    const noAuth = await fetch(`${ctx.platform.baseUrl}/planning/reviews`, { method: 'POST', headers: { 'Content-Type': 'application/geo+json' }, body: JSON.stringify(siteFeature()) });
    expect(noAuth.status).toBe(401);
    const [a, b, c, d] = SITE;
    const bowtie = await review({ type: 'Polygon', coordinates: [[[a, b], [c, d], [c, b], [a, d], [a, b]]] }, '?crs=EPSG:4549');
    expect(bowtie.status).toBe(400);
    expect(bowtie.json.detail).toMatch(/invalid|无效/);
    const line = await review({ type: 'LineString', coordinates: [[121.4, 28.6], [121.5, 28.7]] });
    expect(line.status).toBe(400);
    expect(line.json.detail).toMatch(/polygons/);
    const crs = await review(siteFeature(), '?crs=EPSG:9999');
    expect(crs.status).toBe(400);
    const wrongCrs = await review({ type: 'Polygon', coordinates: [ring(SITE)] }); // metres read as degrees
    expect(wrongCrs.status).toBe(400);
    expect(wrongCrs.json.detail).toMatch(/CRS/);
    const far = await review({ type: 'Polygon', coordinates: [[[1e12, 1e12], [1e12 + 1, 1e12], [1e12 + 1, 1e12 + 1], [1e12, 1e12]]] }, '?crs=EPSG:4549');
    expect(far.status).toBe(400);
    const tol = await review(siteFeature(), '?tolerance_m2=-1');
    expect(tol.status).toBe(400);
    const type = await review('x', '', { 'Content-Type': 'text/plain' });
    expect(type.status).toBe(415);
    const zip = await review(new Uint8Array([1, 2, 3]), '', { 'Content-Type': 'application/zip' });
    expect(zip.status).toBe(400);
    expect((await fetch(`${ctx.platform.baseUrl}/planning/reviews/99999999`)).status).toBe(404);
    expect((await fetch(`${ctx.platform.baseUrl}/planning/reviews/abc`)).status).toBe(400);
  });
});

function red(r: Doc): number {
  return layerOf(r as never, 'plan_eco_redline')['area'].m2;
}
