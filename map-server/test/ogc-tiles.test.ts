/**
 * OGC API – Tiles on the real server (standards.md §5, including the ETS's reading of the
 * tilesets list), TileJSON kept in step with the tilesets, the CGCS2000Quad (天地图 c) grid
 * checked against PostGIS, and GDAL's MVT driver placing one of our tiles in Taizhou.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '@onemap/geodata/catalog';
import { CGCS2000_QUAD, WEB_MERCATOR_QUAD } from '@onemap/tiles';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

// Anonymous requests see the public layers only (classification, security.test.ts covers the rest).
const publicLayers = catalog.layers.filter((l) => l.classification === 'public');

const MVT = 'application/vnd.mapbox-vector-tile';
const TEST_POINT = [121.42, 28.65] as const; // 椒江 (domain.md §5.1)

let platform: TestPlatform;
let db: pg.Client;
let base: string;

beforeAll(async () => {
  platform = await startTestPlatform();
  base = platform.baseUrl;
  db = new pg.Client({ connectionString: platform.databaseUrl });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await platform?.close();
});

interface Link {
  href: string;
  rel: string;
  type?: string;
  templated?: boolean;
}
interface Limits {
  tileMatrix: string;
  minTileRow: number;
  maxTileRow: number;
  minTileCol: number;
  maxTileCol: number;
}
interface TilesetEntry {
  dataType: string;
  crs: string;
  tileMatrixSetURI: string;
  tileMatrixSetId: string;
  tileMatrixSetLimits: Limits[];
  links: Link[];
  layers?: { id: string; minTileMatrix: string; maxTileMatrix: string; geometryDimension: number; propertiesSchema: { properties: Record<string, unknown> } }[];
}

async function getJson<T>(url: string) {
  const res = await fetch(url.startsWith('http') ? url : `${base}${url}`);
  expect(res.headers.get('content-type'), url).toMatch(/^application\/json/);
  return { status: res.status, body: (await res.json()) as T };
}
async function getTile(url: string) {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
}
const fill = (template: string, z: number, row: number, col: number) => template.replace('{tileMatrix}', String(z)).replace('{tileRow}', String(row)).replace('{tileCol}', String(col));
const link = (links: Link[], rel: string) => links.find((l) => l.rel === rel);

describe('discovery', () => {
  it('links the dataset tilesets from the landing page and each collection’s from the collection', async () => {
    const landing = (await getJson<{ links: Link[] }>('/')).body;
    expect(link(landing.links, 'http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector')).toEqual(expect.objectContaining({ href: `${base}/tiles`, type: 'application/json' }));
    for (const layer of publicLayers) {
      const c = (await getJson<{ links: Link[] }>(`/collections/${layer.id}`)).body;
      expect(link(c.links, 'http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector')?.href).toBe(`${base}/collections/${layer.id}/tiles`);
    }
  });

  it('declares exactly the Tiles classes it passes', async () => {
    const { conformsTo } = (await getJson<{ conformsTo: string[] }>('/conformance')).body;
    const tiles = conformsTo.filter((c) => c.includes('ogcapi-tiles')).map((c) => c.split('/').at(-1));
    expect(tiles.sort()).toEqual(['core', 'dataset-tilesets', 'geodata-tilesets', 'mvt', 'oas30', 'tileset', 'tilesets-list']);
  });
});

describe.each([
  ['dataset', '/tiles'],
  ['collection roads', '/collections/roads/tiles'],
  ['collection place_names', '/collections/place_names/tiles'],
])('%s tilesets (as the ETS reads them)', (_name, listPath) => {
  it('lists one tileset per matrix set with dataType, crs, tileMatrixSetURI, limits and a templated item link', async () => {
    const { status, body } = await getJson<{ links: Link[]; tilesets: TilesetEntry[] }>(listPath);
    expect(status).toBe(200);
    expect(link(body.links, 'self')?.href).toBe(`${base}${listPath}`);
    expect(body.tilesets.map((t) => t.tileMatrixSetId)).toEqual(['WebMercatorQuad', 'CGCS2000Quad']);
    for (const t of body.tilesets) {
      expect(t.dataType).toBe('vector');
      expect(t.crs).toMatch(/^http:\/\/www\.opengis\.net\/def\/crs\/EPSG\/0\/(3857|4490)$/);
      expect(t.tileMatrixSetURI).toBeTruthy();
      expect(t.tileMatrixSetLimits.length).toBeGreaterThan(0);
      const self = link(t.links, 'self')!;
      expect(self.type).toBe('application/json');
      expect(self.href).toContain('/tiles');
      const item = link(t.links, 'item')!;
      expect(item).toMatchObject({ type: MVT, templated: true });
      for (const v of ['{tileMatrix}', '{tileRow}', '{tileCol}']) expect(item.href).toContain(v);
      expect(item.href.startsWith(`${base}/`)).toBe(true);
    }
    expect(body.tilesets[0]!.tileMatrixSetURI).toBe('http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad');
  });

  it('answers (first limits, maxTileRow, minTileCol) with 200/204 and one row beyond with 404', async () => {
    const { body } = await getJson<{ tilesets: TilesetEntry[] }>(listPath);
    for (const t of body.tilesets) {
      const l = t.tileMatrixSetLimits[0]!;
      const item = link(t.links, 'item')!.href;
      const inside = await getTile(fill(item, Number(l.tileMatrix), l.maxTileRow, l.minTileCol));
      expect([200, 204], `${t.tileMatrixSetId} ${l.tileMatrix}`).toContain(inside.status);
      if (inside.status === 200) expect(inside.type).toBe(MVT);
      expect((await getTile(fill(item, Number(l.tileMatrix), l.maxTileRow + 1, l.minTileCol))).status).toBe(404);
      expect((await getTile(fill(item, Number(l.tileMatrix) - 1 < 0 ? 99 : Number(l.tileMatrix) - 1, 0, 0))).status).toBe(404);
    }
  });

  it('serves tileset metadata in step with the TileJSON (zooms, bounds, layers)', async () => {
    const { body: list } = await getJson<{ tilesets: TilesetEntry[] }>(listPath);
    for (const entry of list.tilesets) {
      const { status, body } = await getJson<TilesetEntry & { boundingBox: { lowerLeft: number[]; upperRight: number[] } }>(link(entry.links, 'self')!.href);
      expect(status).toBe(200);
      expect(body.tileMatrixSetLimits).toEqual(entry.tileMatrixSetLimits);
      expect(link(body.links, 'http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme')?.href).toBe(`${base}/tileMatrixSets/${entry.tileMatrixSetId}`);
      if (entry.tileMatrixSetId !== 'WebMercatorQuad') continue;
      const tj = (await getJson<{ minzoom: number; maxzoom: number; bounds: number[]; vector_layers: { id: string }[]; tiles: string[] }>(link(body.links, 'describedby')!.href)).body;
      expect(body.tileMatrixSetLimits[0]!.tileMatrix).toBe(String(tj.minzoom));
      expect(body.tileMatrixSetLimits.at(-1)!.tileMatrix).toBe(String(tj.maxzoom));
      expect([...body.boundingBox.lowerLeft, ...body.boundingBox.upperRight]).toEqual(tj.bounds);
      expect(body.layers!.map((l) => l.id)).toEqual(tj.vector_layers.map((l) => l.id));
      // Every limit is exactly the tile range of the TileJSON bounds.
      for (const l of body.tileMatrixSetLimits) {
        const z = Number(l.tileMatrix);
        const nw = WEB_MERCATOR_QUAD.tileAt(tj.bounds[0]!, tj.bounds[3]!, z);
        const se = WEB_MERCATOR_QUAD.tileAt(tj.bounds[2]!, tj.bounds[1]!, z);
        expect(l).toEqual({ tileMatrix: String(z), minTileRow: nw.row, maxTileRow: se.row, minTileCol: nw.col, maxTileCol: se.col });
      }
    }
  });
});

describe('tile matrix sets', () => {
  it('lists both and serves TMS 2.0 documents', async () => {
    const list = (await getJson<{ tileMatrixSets: { id: string }[] }>('/tileMatrixSets')).body;
    expect(list.tileMatrixSets.map((t) => t.id)).toEqual(['WebMercatorQuad', 'CGCS2000Quad']);
    const wmq = (await getJson<{ uri: string; crs: string; tileMatrices: { id: string; scaleDenominator: number; pointOfOrigin: number[]; matrixWidth: number }[] }>('/tileMatrixSets/WebMercatorQuad')).body;
    expect(wmq.uri).toBe('http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad');
    expect(wmq.tileMatrices[0]!.scaleDenominator).toBeCloseTo(559082264.0287178, 5);
    const c = (await getJson<{ crs: string; orderedAxes: string[]; tileMatrices: { id: string; cellSize: number; matrixWidth: number; matrixHeight: number; pointOfOrigin: number[] }[] }>('/tileMatrixSets/CGCS2000Quad')).body;
    expect(c.crs).toBe('http://www.opengis.net/def/crs/EPSG/0/4490');
    expect(c.tileMatrices[0]).toMatchObject({ id: '1', cellSize: 0.703125, matrixWidth: 2, matrixHeight: 1, pointOfOrigin: [90, -180] });
    const missing = await fetch(`${base}/tileMatrixSets/Nope`);
    expect(missing.status).toBe(404);
  });
});

describe('tiles', () => {
  it('WebMercatorQuad row/col are the XYZ y/x: the same bytes as /tiles/{layer}/{z}/{x}/{y}.mvt', async () => {
    const z = 12;
    const { col, row } = WEB_MERCATOR_QUAD.tileAt(TEST_POINT[0], TEST_POINT[1], z);
    const ogc = await getTile(`${base}/collections/roads/tiles/WebMercatorQuad/${z}/${row}/${col}`);
    const xyz = await getTile(`${base}/tiles/roads/${z}/${col}/${row}.mvt`);
    expect(ogc.status).toBe(200);
    expect(ogc.type).toBe(MVT);
    expect(ogc.bytes.equals(xyz.bytes)).toBe(true);
  });

  it('CGCS2000Quad tiles hold exactly the features PostGIS finds in the 4490 tile, at the right place', async () => {
    const z = 10;
    const { col, row } = CGCS2000_QUAD.tileAt(TEST_POINT[0], TEST_POINT[1], z);
    const [w, s, e, n] = CGCS2000_QUAD.tileBounds(z, col, row);
    const { status, bytes } = await getTile(`${base}/collections/districts/tiles/CGCS2000Quad/${z}/${row}/${col}`);
    expect(status).toBe(200);
    const layer = new VectorTile(new PbfReader(bytes)).layers['districts']!;
    const { rows } = await db.query<{ adcode: string }>('SELECT adcode FROM base.districts WHERE ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4490)) ORDER BY adcode', [w, s, e, n]);
    const adcodes = Array.from({ length: layer.length }, (_, i) => String(layer.feature(i).properties['adcode'])).sort();
    expect(adcodes).toEqual(rows.map((r) => r.adcode));
    expect(adcodes).toContain('331002'); // 椒江区 holds the test point
    // Tile pixels back to degrees: every vertex of 椒江区 falls inside its district's extent.
    const jiaojiang = Array.from({ length: layer.length }, (_, i) => layer.feature(i)).find((f) => f.properties['adcode'] === '331002')!;
    const span = e - w;
    const pts = jiaojiang.loadGeometry().flat().map((p) => [w + (p.x / layer.extent) * span, n - (p.y / layer.extent) * span] as const);
    const { rows: ext } = await db.query<{ xmin: number; ymin: number; xmax: number; ymax: number }>(
      `SELECT ST_XMin(b) xmin, ST_YMin(b) ymin, ST_XMax(b) xmax, ST_YMax(b) ymax FROM (SELECT ST_Extent(geom)::geometry b FROM base.districts WHERE adcode = '331002') x`,
    );
    const b = ext[0]!;
    const margin = (span * 64) / 4096; // the MVT buffer
    for (const [lon, lat] of pts) {
      expect(lon).toBeGreaterThanOrEqual(Math.max(b.xmin, w - margin) - 1e-3);
      expect(lon).toBeLessThanOrEqual(Math.min(b.xmax, e + margin) + 1e-3);
      expect(lat).toBeGreaterThanOrEqual(Math.max(b.ymin, s - margin) - 1e-3);
      expect(lat).toBeLessThanOrEqual(Math.min(b.ymax, n + margin) + 1e-3);
    }
  });

  it('serves the dataset tile with one MVT layer per layer in range, and 204 for empty tiles inside the limits', async () => {
    const z = 14;
    const { col, row } = WEB_MERCATOR_QUAD.tileAt(TEST_POINT[0], TEST_POINT[1], z);
    const { status, bytes } = await getTile(`${base}/tiles/WebMercatorQuad/${z}/${row}/${col}`);
    expect(status).toBe(200);
    const names = Object.keys(new VectorTile(new PbfReader(bytes)).layers);
    expect(names).toContain('districts');
    expect(names.length).toBeGreaterThan(2);
    const cg = CGCS2000_QUAD.tileAt(TEST_POINT[0], TEST_POINT[1], z);
    expect((await getTile(`${base}/tiles/CGCS2000Quad/${z}/${cg.row}/${cg.col}`)).status).toBe(200);
  });

  it.each([
    ['/tiles/Nope/1/0/0', 404],
    ['/tiles/WebMercatorQuad/x/0/0', 400],
    ['/collections/nope/tiles', 404],
    ['/tiles/WebMercatorQuad/10/0/0', 404],
    ['/tiles/WebMercatorQuad?f=xml', 400],
  ])('%s → %i', async (path, status) => {
    expect((await fetch(`${base}${path}`)).status).toBe(status);
  });
});

describe('GDAL MVT driver (a client we did not write) reads our OGC tile', () => {
  const run = promisify(execFile);
  it('places the features of an OGC WebMercatorQuad tile in Taizhou', async () => {
    const z = 12;
    const { col, row } = WEB_MERCATOR_QUAD.tileAt(TEST_POINT[0], TEST_POINT[1], z);
    // The `.mvt` suffix is only for GDAL, which opens single tiles by extension.
    const url = `${base}/collections/districts/tiles/WebMercatorQuad/${z}/${row}/${col}.mvt`;
    let out: string;
    try {
      // OGC paths are z/row/col; GDAL georeferences from -oo Z/X/Y (X = column, Y = row).
      ({ stdout: out } = await run('ogrinfo', ['-ro', '-al', '-so', '-oo', `Z=${z}`, '-oo', `X=${col}`, '-oo', `Y=${row}`, `MVT:${url}`], {
        encoding: 'utf8',
        env: { ...process.env, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' },
      }));
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { stderr?: string };
      if (e.code === 'ENOENT') throw new Error('ogrinfo is missing: install Debian gdal-bin', { cause: err });
      throw new Error(`ogrinfo failed: ${e.stderr ?? e.message}`, { cause: err });
    }
    const m = /Extent: \((-?[\d.]+), (-?[\d.]+)\) - \((-?[\d.]+), (-?[\d.]+)\)/.exec(out)!;
    expect(m, out).toBeTruthy();
    const R = 6378137;
    const lon = (x: number) => (x / R) * (180 / Math.PI);
    const lat = (y: number) => (2 * Math.atan(Math.exp(y / R)) - Math.PI / 2) * (180 / Math.PI);
    const [x0, y0, x1, y1] = m.slice(1).map(Number) as [number, number, number, number];
    console.log(`[gdal mvt] districts ${z}/${row}/${col}: lon ${lon(x0).toFixed(3)}–${lon(x1).toFixed(3)}, lat ${lat(y0).toFixed(3)}–${lat(y1).toFixed(3)}`);
    for (const v of [lon(x0), lon(x1)]) {
      expect(v).toBeGreaterThan(121.2);
      expect(v).toBeLessThan(121.6);
    }
    for (const v of [lat(y0), lat(y1)]) {
      expect(v).toBeGreaterThan(28.5);
      expect(v).toBeLessThan(28.8);
    }
    expect(out).toMatch(/Feature Count: [1-9]/);
  });
});
