/**
 * 多源遥感影像 on the real server and PostGIS, with files made by GDAL: ingest of GeoTIFFs in
 * UTM 51N, CGCS2000 Gauss–Krüger, EPSG:4326 and a CRS we warp (World Mercator), with true
 * footprints; bad files rejected with nothing registered; the STAC API (search by bbox and
 * date, next links, strict datetime); tiles that put a UTM 51N scene where it belongs and never
 * show a scene before its acquisition; NDVI of the generated sample low on water, high on
 * forest; upload over HTTP for admins only.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lonLatToTile } from '@onemap/tiles';
import { createPool } from '../src/db.ts';
import { createApiToken } from '../src/services/auth-tokens.ts';
import { ingestScene } from '../src/services/imagery/ingest.ts';
import { smallSample } from '../src/services/imagery/sample-imagery.ts';
import { loadSampleImagery } from '../../scripts/lib/imagery-cli.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

/** 永安溪 valley near 仙居: river water and forested hills within a 2.5 km square. */
const RIVER_FOREST: readonly [number, number] = [120.873, 28.861];
/** A quiet place near 临海 for the UTM fixture (no sample scene there). */
const FIXTURE_CENTRE = { lon: 121.135, lat: 28.9 };

const execFileAsync = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'onemap-imagery-'));
const imageryDir = join(work, 'imagery');
let platform: TestPlatform;
let db: pg.Client;
let pool: pg.Pool;
let adminToken: string;
let editorToken: string;

function gdal(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8' });
}

/** A point transformed by GDAL's gdaltransform (an implementation independent of ours). */
function transform(src: string, dst: string, x: number, y: number): [number, number] {
  const out = execFileSync('gdaltransform', ['-s_srs', src, '-t_srs', dst, '-output_xy'], { input: `${x} ${y}\n`, encoding: 'utf8' });
  return out.trim().split(/\s+/).map(Number) as [number, number];
}

/**
 * A 2 km × 2 km GeoTIFF (10 m) in UTM 51N: B=50 G=100 R=200 NIR=150, nodata 0 over its east
 * half (so the true footprint is half the bbox).
 */
function makeUtmFixture(): string {
  const [e, n] = transform('EPSG:4326', 'EPSG:32651', FIXTURE_CENTRE.lon, FIXTURE_CENTRE.lat);
  const x0 = Math.round(e - 1000), y1 = Math.round(n + 1000);
  const file = join(work, 'utm51.tif');
  gdal('gdal_create', ['-of', 'GTiff', '-outsize', '200', '200', '-bands', '4', '-ot', 'Byte', '-burn', '50', '-burn', '100', '-burn', '200', '-burn', '150', '-a_srs', 'EPSG:32651', '-a_ullr', String(x0), String(y1), String(x0 + 2000), String(y1 - 2000), '-a_nodata', '0', file]);
  const cut = join(work, 'east.geojson');
  writeFileSync(cut, JSON.stringify({ type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::32651' } }, features: [{ type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [[[x0 + 1000, y1], [x0 + 2100, y1], [x0 + 2100, y1 - 2100], [x0 + 1000, y1 - 2100], [x0 + 1000, y1]]] } }] }));
  gdal('gdal_rasterize', ['-q', '-b', '1', '-b', '2', '-b', '3', '-b', '4', '-burn', '0', '-burn', '0', '-burn', '0', '-burn', '0', cut, file]);
  return file;
}

async function pixel(path: string, px: number, py: number): Promise<{ status: number; rgba?: number[] }> {
  const res = await fetch(`${platform.baseUrl}${path}`);
  if (res.status !== 200) return { status: res.status };
  const { data, info } = await sharp(Buffer.from(await res.arrayBuffer())).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const o = (py * info.width + px) * 4;
  return { status: 200, rgba: [data[o]!, data[o + 1]!, data[o + 2]!, data[o + 3]!] };
}

/** Tile and pixel of a lon/lat at zoom z (256 px tiles). */
function tilePixel(lon: number, lat: number, z: number): { path: string; px: number; py: number } {
  const t = lonLatToTile(lon, lat, z);
  const n = 2 ** z;
  const fx = ((lon + 180) / 360) * n;
  const fy = ((1 - Math.asinh(Math.tan((lat * Math.PI) / 180)) / Math.PI) / 2) * n;
  return { path: `${t.z}/${t.x}/${t.y}`, px: Math.floor((fx - t.x) * 256), py: Math.floor((fy - t.y) * 256) };
}

async function getJson(path: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown>; type: string }> {
  const res = await fetch(path.startsWith('http') ? path : `${platform.baseUrl}${path}`, init);
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, type: res.headers.get('content-type') ?? '' };
}

beforeAll(async () => {
  platform = await startTestPlatform(
    { ONEMAP_IMAGERY_DIR: imageryDir, TILE_CACHE: 'memory' },
    {
      prepare: async (url) => {
        const p = createPool({ databaseUrl: url, poolMax: 2, statementTimeoutMs: 60_000 });
        try {
          await loadSampleImagery(p, url, imageryDir, { scenes: smallSample(2500, 10, RIVER_FOREST) });
        } finally {
          await p.end();
        }
      },
    },
  );
  db = new pg.Client({ connectionString: platform.databaseUrl });
  await db.connect();
  pool = createPool({ databaseUrl: platform.databaseUrl, poolMax: 2, statementTimeoutMs: 60_000 });
  adminToken = await createApiToken(pool, '影像管理员', 'admin', 1);
  editorToken = await createApiToken(pool, '编辑', 'editor', 1);
}, 240_000);

afterAll(async () => {
  await pool?.end();
  await db?.end();
  await platform?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('ingest', () => {
  it('registers a UTM 51N GeoTIFF as a COG with its true footprint, in the right place', async () => {
    const file = makeUtmFixture();
    const r = await ingestScene(pool, { file, collection: 'gf2-pms', id: 'utm51-fixture', datetime: '2022-06-01T03:00:00Z', cloudCover: 3, imageryDir });
    expect(r.epsg).toBe(32651);
    expect(r.converted).toBe('translated');
    // Half of the 4 km² bbox is nodata.
    expect(r.footprintAreaKm2).toBeGreaterThan(1.8);
    expect(r.footprintAreaKm2).toBeLessThan(2.2);
    const info = JSON.parse(gdal('gdalinfo', ['-json', join(imageryDir, r.cogPath)])) as { metadata: Record<string, Record<string, string>>; bands: { overviews?: unknown[] }[] };
    expect(info.metadata['IMAGE_STRUCTURE']!['LAYOUT']).toBe('COG');
    // The footprint's west edge is the fixture's west edge (GDAL computes where that is).
    const { rows } = await db.query<{ xmin: number; xmax: number; ymin: number; ymax: number }>(`SELECT ST_XMin(footprint) xmin, ST_XMax(footprint) xmax, ST_YMin(footprint) ymin, ST_YMax(footprint) ymax FROM imagery.items WHERE id = 'utm51-fixture'`);
    const [e, n] = transform('EPSG:4326', 'EPSG:32651', FIXTURE_CENTRE.lon, FIXTURE_CENTRE.lat);
    const west = transform('EPSG:32651', 'EPSG:4490', Math.round(e - 1000), Math.round(n));
    expect(Math.abs(rows[0]!.xmin - west[0]!)).toBeLessThan(0.0002);
    // East half is not part of the footprint: xmax is near the centre, not the east edge.
    expect(Math.abs(rows[0]!.xmax - FIXTURE_CENTRE.lon)).toBeLessThan(0.0003);
  });

  it('accepts CGCS2000 Gauss–Krüger, EPSG:4326 and a CRS it warps, all landing on the same place', async () => {
    const src = join(work, 'utm51.tif');
    const variants: [string, string, 'translated' | 'warped'][] = [
      ['EPSG:4549', 'gk-4549', 'translated'],
      ['EPSG:4326', 'geo-4326', 'translated'],
      ['EPSG:3395', 'world-mercator', 'warped'],
    ];
    for (const [srs, id, how] of variants) {
      const f = join(work, `${id}.tif`);
      gdal('gdalwarp', ['-q', '-overwrite', '-t_srs', srs, '-r', 'near', '-dstnodata', '0', src, f]);
      const r = await ingestScene(pool, { file: f, collection: 'gf2-pms', id, datetime: '2022-06-02T03:00:00Z', imageryDir });
      expect(r.converted, id).toBe(how);
      const { rows } = await db.query<{ diff: number; corner_m: number }>(
        `SELECT ST_Area(ST_SymDifference(a.footprint, b.footprint)::geography) / ST_Area(a.footprint::geography) AS diff,
                greatest(ST_Distance(ST_PointN(ST_ExteriorRing(ST_Envelope(a.footprint)), 1)::geography, ST_PointN(ST_ExteriorRing(ST_Envelope(b.footprint)), 1)::geography),
                         ST_Distance(ST_PointN(ST_ExteriorRing(ST_Envelope(a.footprint)), 3)::geography, ST_PointN(ST_ExteriorRing(ST_Envelope(b.footprint)), 3)::geography)) AS corner_m
           FROM imagery.items a, imagery.items b WHERE a.id = 'utm51-fixture' AND b.id = $1`,
        [id],
      );
      // The same area within a few percent (the warped edges are stair-stepped by the pixel
      // grid), and the same extent within a few pixels.
      expect(rows[0]!.diff, id).toBeLessThan(0.04);
      expect(rows[0]!.corner_m, id).toBeLessThan(40);
    }
  });

  it('rejects bad files with a clear error and registers nothing', async () => {
    const before = (await db.query<{ n: string }>('SELECT count(*) n FROM imagery.items')).rows[0]!.n;
    const filesBefore = readdirSync(join(imageryDir, 'gf2-pms')).length;
    const text = join(work, 'not-a-tiff.tif');
    writeFileSync(text, 'this is not an image\n');
    const plain = join(work, 'no-georef.tif');
    gdal('gdal_create', ['-of', 'GTiff', '-outsize', '20', '20', '-bands', '4', '-burn', '9', plain]);
    const custom = join(work, 'custom-crs.tif');
    gdal('gdal_create', ['-of', 'GTiff', '-outsize', '20', '20', '-bands', '4', '-burn', '9', '-a_srs', '+proj=tmerc +lon_0=121.1 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs', '-a_ullr', '500000', '3200000', '500200', '3199800', custom]);
    const png = join(work, 'image.png');
    gdal('gdal_create', ['-of', 'PNG', '-outsize', '8', '8', '-bands', '3', '-burn', '1', png]);
    const cases: [string, string][] = [
      [text, 'NotARaster'],
      [plain, 'NoGeoreferencing'],
      [custom, 'UnknownCrs'],
      [png, 'NotAGeoTiff'],
    ];
    for (const [file, code] of cases) {
      const err = (await ingestScene(pool, { file, collection: 'gf2-pms', datetime: '2022-01-01T00:00:00Z', imageryDir }).catch((e: unknown) => e)) as { status?: number; code?: string; message?: string };
      expect(err.code, file).toBe(code);
      expect(err.status).toBe(400);
      expect(err.message).toMatch(/\//); // bilingual: 中文 / English
    }
    await expect(ingestScene(pool, { file: join(work, 'utm51.tif'), collection: 'no-such', datetime: '2022-01-01T00:00:00Z', imageryDir })).rejects.toMatchObject({ status: 404 });
    expect((await db.query<{ n: string }>('SELECT count(*) n FROM imagery.items')).rows[0]!.n).toBe(before);
    expect(readdirSync(join(imageryDir, 'gf2-pms')).length).toBe(filesBefore);
  });
});

describe('STAC API', () => {
  it('has a landing page, conformance and collections', async () => {
    const landing = await getJson('/stac');
    expect(landing.body['type']).toBe('Catalog');
    expect((landing.body['conformsTo'] as string[])).toContain('https://api.stacspec.org/v1.0.0/item-search');
    const links = landing.body['links'] as { rel: string; href: string; method?: string }[];
    expect(links.filter((l) => l.rel === 'search').map((l) => l.method).sort()).toEqual(['GET', 'POST']);
    const cols = await getJson('/stac/collections');
    const ids = (cols.body['collections'] as { id: string }[]).map((c) => c.id);
    expect(ids).toEqual(expect.arrayContaining(['gf2-pms', 'sentinel-2-l2a', 'landsat-c2-l2', 'aerial-ortho']));
    const gf2 = await getJson('/stac/collections/gf2-pms');
    expect(gf2.body['type']).toBe('Collection');
    expect((gf2.body['summaries'] as { 'eo:bands': { common_name: string }[] })['eo:bands'].map((b) => b.common_name)).toEqual(['blue', 'green', 'red', 'nir']);
    expect((await getJson('/stac/collections/nope')).status).toBe(404);
  });

  it('finds the UTM scene by bbox and date, and pages with next links without duplicates', async () => {
    const { lon, lat } = FIXTURE_CENTRE;
    const bbox = `${lon - 0.005},${lat - 0.005},${lon + 0.005},${lat + 0.005}`;
    const hit = await getJson(`/stac/search?bbox=${bbox}&datetime=2022-05-01T00:00:00Z/2022-06-01T12:00:00Z`);
    expect(hit.status).toBe(200);
    expect(hit.type).toMatch(/application\/geo\+json/);
    const features = hit.body['features'] as { id: string; properties: Record<string, unknown>; assets: { cog: { href: string; type: string } } }[];
    expect(features.map((f) => f.id)).toEqual(['utm51-fixture']);
    expect(features[0]!.properties['proj:epsg']).toBe(32651);
    expect(features[0]!.properties['eo:cloud_cover']).toBe(3);
    expect(features[0]!.assets.cog.type).toBe('image/tiff; application=geotiff; profile=cloud-optimized');
    // The asset serves byte ranges (how GDAL /vsicurl/ reads a COG).
    const range = await fetch(features[0]!.assets.cog.href, { headers: { Range: 'bytes=0-3' } });
    expect(range.status).toBe(206);
    expect([...new Uint8Array(await range.arrayBuffer())]).toEqual([0x49, 0x49, 0x2a, 0x00]);
    // GDAL reads the served COG over HTTP (asynchronously: the server runs in this process).
    const remote = JSON.parse((await execFileAsync('gdalinfo', ['-json', `/vsicurl/${features[0]!.assets.cog.href}`])).stdout) as { size: number[] };
    expect(remote.size).toEqual([200, 200]);
    // Outside the date range: nothing.
    const miss = await getJson(`/stac/search?bbox=${bbox}&datetime=2022-06-01T04:00:00Z/..`);
    expect((miss.body['features'] as unknown[]).map((f) => (f as { id: string }).id)).not.toContain('utm51-fixture');

    // Paging through everything with limit=2 visits every item once.
    const total = Number((await db.query<{ n: string }>('SELECT count(*) n FROM imagery.items')).rows[0]!.n);
    const seen: string[] = [];
    let url: string | undefined = `${platform.baseUrl}/stac/search?limit=2`;
    let pages = 0;
    while (url && pages < 50) {
      const page = await getJson(url);
      seen.push(...(page.body['features'] as { id: string }[]).map((f) => f.id));
      const next = (page.body['links'] as { rel: string; href: string }[]).find((l) => l.rel === 'next');
      expect(next?.href).not.toBe(url);
      url = next?.href;
      pages++;
    }
    expect(seen.length).toBe(total);
    expect(new Set(seen).size).toBe(total);

    // POST search pages the same way, with a POST next link.
    const post = await getJson('/stac/search', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ collections: ['gf2-pms'], limit: 1 }) });
    const nextPost = (post.body['links'] as { rel: string; method?: string; body?: { token?: string } }[]).find((l) => l.rel === 'next');
    expect(nextPost?.method).toBe('POST');
    expect(nextPost?.body?.token).toBeDefined();
  });

  it('rejects malformed search parameters with 400', async () => {
    for (const q of ['datetime=2022-01-01', 'datetime=../..', 'datetime=2022-02-01T00:00:00Z/2022-01-01T00:00:00Z', 'bbox=1,2,3', 'bbox=0,50,1,40', 'limit=-1', 'limit=abc', 'unknown=1']) {
      const r = await getJson(`/stac/search?${q}`);
      expect(r.status, q).toBe(400);
    }
    const both = await getJson('/stac/search', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ bbox: [120, 28, 122, 29], intersects: { type: 'Point', coordinates: [121, 28.5] } }) });
    expect(both.status).toBe(400);
    expect((await getJson('/stac/search?datetime=2022-01-01T00:00:00z/')).status).toBe(200);
  });
});

describe('tiles', () => {
  it('puts the UTM 51N scene where it belongs and never before its acquisition', async () => {
    // A point in the fixture's west (valid) half, 500 m west of its centre.
    const lon = FIXTURE_CENTRE.lon - 0.005, lat = FIXTURE_CENTRE.lat;
    const t = tilePixel(lon, lat, 16);
    const after = await pixel(`/imagery/tiles/${t.path}.png?datetime=2022-06-01T12:00:00Z&collections=gf2-pms`, t.px, t.py);
    expect(after.status).toBe(200);
    expect(after.rgba).toEqual([200, 100, 50, 255]); // true colour R=band 3, G=band 2, B=band 1
    // The day before acquisition: that scene does not exist yet.
    const before = await pixel(`/imagery/tiles/${t.path}.png?datetime=2022-05-31T12:00:00Z&collections=gf2-pms`, t.px, t.py);
    expect(before.status).toBe(204);
    // False colour (NIR, R, G) of the same pixel, as WebP (lossy: approximately).
    const fc = await pixel(`/imagery/tiles/${t.path}.webp?datetime=2022-06-01T12:00:00Z&collections=gf2-pms&style=false-color`, t.px, t.py);
    expect(fc.rgba![0]).toBeGreaterThan(135);
    expect(fc.rgba![0]).toBeLessThan(165);
    // The east half of the fixture is nodata: transparent.
    const east = tilePixel(FIXTURE_CENTRE.lon + 0.005, lat, 16);
    const ePix = await pixel(`/imagery/tiles/${east.path}.png?datetime=2022-06-01T12:00:00Z&collections=gf2-pms`, east.px, east.py);
    expect(ePix.status === 204 || ePix.rgba![3] === 0).toBe(true);
    // Per-scene tile and 512 px tile.
    const scene = await fetch(`${platform.baseUrl}/imagery/scenes/gf2-pms/utm51-fixture/tiles/${t.path}@2x.png`);
    expect(scene.status).toBe(200);
    const meta = await sharp(Buffer.from(await scene.arrayBuffer())).metadata();
    expect(meta.width).toBe(512);
  });

  it('mosaics by time: the newest scene on or before the datetime wins, within the cloud limit', async () => {
    const lon = FIXTURE_CENTRE.lon - 0.005, lat = FIXTURE_CENTRE.lat;
    // Scenes at the same place: utm51-fixture (06-01) and the reprojected copies (06-02).
    const p = await getJson(`/imagery/point?lon=${lon}&lat=${lat}&datetime=2022-06-03T00:00:00Z`);
    expect(p.body['datetime']).toBe('2022-06-02T03:00:00.000Z');
    const q = await getJson(`/imagery/point?lon=${lon}&lat=${lat}&datetime=2022-06-01T12:00:00Z`);
    expect(q.body['id']).toBe('utm51-fixture');
    // A cloud limit below the fixture's 3 % hides it (the 06-02 copies have no cloud value and pass).
    const r = await getJson(`/imagery/point?lon=${lon}&lat=${lat}&datetime=2022-06-01T12:00:00Z&cloud_cover=2`);
    expect(r.status).toBe(404);
    expect((await getJson('/imagery/tiles/16/1/1.png?cloud_cover=101')).status).toBe(400);
    expect((await getJson('/imagery/tiles/16/1/1.png?style=sepia')).status).toBe(400);
    expect((await getJson('/imagery/tiles/3/9/9.png')).status).toBe(400);
  });

  it('NDVI of the sample: water low, forest high — in values and in the ramp colours', async () => {
    const { rows } = await db.query<{ kind: string; lon: number; lat: number }>(
      `WITH fp AS (SELECT footprint FROM imagery.items WHERE id = 'GF2_PMS_20230722_TZ'),
            water AS (SELECT ST_PointOnSurface(ST_Buffer(ST_Intersection(w.geom, fp.footprint)::geography, -15)::geometry) p FROM base.water_areas w, fp
                       WHERE w.kind IN ('river', 'reservoir') AND ST_Intersects(w.geom, fp.footprint) ORDER BY ST_Area(ST_Intersection(w.geom, fp.footprint)) DESC LIMIT 1),
            forest AS (SELECT ST_PointOnSurface(ST_Buffer(ST_Intersection(l.geom, fp.footprint)::geography, -40)::geometry) p FROM base.land_cover l, fp
                       WHERE l.class_code = '0300' AND l.valid @> '2023-07-22T00:00:00Z'::timestamptz AND ST_Intersects(l.geom, fp.footprint)
                         AND NOT EXISTS (SELECT 1 FROM base.water_areas w WHERE ST_Intersects(w.geom, ST_Intersection(l.geom, fp.footprint)))
                       ORDER BY ST_Area(ST_Intersection(l.geom, fp.footprint)) DESC LIMIT 1)
       SELECT 'water' kind, ST_X(p) lon, ST_Y(p) lat FROM water UNION ALL SELECT 'forest', ST_X(p), ST_Y(p) FROM forest`,
    );
    const at = (k: string) => rows.find((r) => r.kind === k)!;
    expect(rows.map((r) => r.kind).sort()).toEqual(['forest', 'water']);
    const ndviAt = async (k: string) => (await getJson(`/imagery/point?lon=${at(k).lon}&lat=${at(k).lat}&datetime=2023-08-01T00:00:00Z`)).body as { ndvi: number; id: string };
    const water = await ndviAt('water');
    const forest = await ndviAt('forest');
    console.log(`[imagery] NDVI water ${water.ndvi}, forest ${forest.ndvi}`);
    expect(water.id).toBe('GF2_PMS_20230722_TZ');
    expect(water.ndvi).toBeLessThan(0);
    expect(forest.ndvi).toBeGreaterThan(0.5);
    // The NDVI ramp: water bluish, forest green.
    const w = tilePixel(at('water').lon, at('water').lat, 15);
    const f = tilePixel(at('forest').lon, at('forest').lat, 15);
    const wp = (await pixel(`/imagery/tiles/${w.path}.png?datetime=2023-08-01T00:00:00Z&style=ndvi`, w.px, w.py)).rgba!;
    const fp = (await pixel(`/imagery/tiles/${f.path}.png?datetime=2023-08-01T00:00:00Z&style=ndvi`, f.px, f.py)).rgba!;
    expect(wp[2]).toBeGreaterThan(wp[1]!); // blue over green
    expect(fp[1]).toBeGreaterThan(fp[0]! + 40); // green over red
  });

  it('shows seasonal change between sample dates at the same place', async () => {
    const { rows } = await db.query<{ lon: number; lat: number }>(`SELECT ST_X(ST_Centroid(footprint)) lon, ST_Y(ST_Centroid(footprint)) lat FROM imagery.items WHERE id = 'GF2_PMS_20190418_TZ'`);
    const { lon, lat } = rows[0]!;
    const at = async (dt: string) => (await getJson(`/imagery/point?lon=${lon}&lat=${lat}&datetime=${dt}&collections=gf2-pms`)).body as { id: string; bands: Record<string, number> };
    const spring = await at('2019-05-01T00:00:00Z');
    const autumn = await at('2021-12-01T00:00:00Z');
    const summer = await at('2023-08-01T00:00:00Z');
    expect([spring.id, autumn.id, summer.id]).toEqual(['GF2_PMS_20190418_TZ', 'GF2_PMS_20211105_TZ', 'GF2_PMS_20230722_TZ']);
    // Three dates, three different pixels at one place.
    expect(new Set([spring, autumn, summer].map((p) => JSON.stringify(p.bands))).size).toBe(3);
    // The autumn scene is the cloudy one.
    const { rows: cc } = await db.query<{ id: string; cloud_cover: number }>(`SELECT id, cloud_cover FROM imagery.items WHERE collection = 'gf2-pms' AND id LIKE 'GF2_%' ORDER BY id`);
    expect(cc.find((r) => r.id === 'GF2_PMS_20211105_TZ')!.cloud_cover).toBeGreaterThanOrEqual(0);
  });
});

describe('upload over HTTP', () => {
  it('lets admins upload a GeoTIFF (201 + STAC item), refuses editors, anonymous callers and bad files', async () => {
    const bytes = readFileSync(join(work, 'utm51.tif'));
    const url = `${platform.baseUrl}/stac/collections/aerial-ortho/items?id=uploaded-1&datetime=2024-03-01T02:00:00Z`;
    const anon = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'image/tiff' }, body: bytes });
    expect(anon.status).toBe(401);
    const editor = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'image/tiff', Authorization: `Bearer ${editorToken}` }, body: bytes });
    expect(editor.status).toBe(403);
    const bad = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'image/tiff', Authorization: `Bearer ${adminToken}` }, body: Buffer.from('nope') });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { code: string }).code).toBe('NotARaster');
    const ok = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'image/tiff', Authorization: `Bearer ${adminToken}` }, body: bytes });
    expect(ok.status).toBe(201);
    expect(ok.headers.get('location')).toMatch(/\/stac\/collections\/aerial-ortho\/items\/uploaded-1$/);
    const item = (await ok.json()) as { id: string; properties: { 'proj:epsg': number } };
    expect(item.id).toBe('uploaded-1');
    expect(item.properties['proj:epsg']).toBe(32651);
    expect((await getJson('/stac/collections/aerial-ortho/items/uploaded-1')).status).toBe(200);
    // No upload leftovers.
    expect(readdirSync(join(imageryDir, '.uploads'))).toEqual([]);
  });
});
