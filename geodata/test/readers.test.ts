import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { checkGeometry, coerceValue, inferFieldType, parseCsvRows, readDataset, ReadError, sniffFormat, sridOfCrsName } from '../src/readers/index.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const gbk = (s: string) => {
  // Node's TextEncoder only writes UTF-8; iconv (glibc) writes GBK for the fixture.
  return new Uint8Array(execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GBK'], { input: s }));
};
const limits = { maxFeatures: 1000 };

describe('property typing', () => {
  it('infers the narrowest type of a field', () => {
    expect(inferFieldType(['1', '2', ''])).toBe('integer');
    expect(inferFieldType(['1', '2.5'])).toBe('number');
    expect(inferFieldType(['是', '否', 'true'])).toBe('boolean');
    expect(inferFieldType(['2024-05-01', '2024/5/2'])).toBe('date');
    expect(inferFieldType(['2024-05-01', '2024-05-01T08:00:00Z'])).toBe('datetime');
    expect(inferFieldType(['331002', '0571'])).toBe('text'); // a leading zero is a code
    expect(inferFieldType(['1', 'abc'])).toBe('text');
    expect(inferFieldType([2024, 7])).toBe('integer');
    expect(inferFieldType(['2024-02-30'])).toBe('text'); // not a real date
  });

  it('coerces to catalogue types or says why not', () => {
    expect(coerceValue('12', 'integer')).toEqual({ ok: true, value: 12 });
    expect(coerceValue('12.5', 'integer').ok).toBe(false);
    expect(coerceValue(' 3.5 ', 'number')).toEqual({ ok: true, value: 3.5 });
    expect(coerceValue('是', 'boolean')).toEqual({ ok: true, value: true });
    expect(coerceValue('2024/5/1', 'date')).toEqual({ ok: true, value: '2024-05-01' });
    expect(coerceValue('2024-05-01 08:00', 'datetime')).toEqual({ ok: true, value: '2024-05-01T00:00:00.000Z' });
    expect(coerceValue('', 'integer')).toEqual({ ok: true, value: null });
    expect(coerceValue(7, 'string')).toEqual({ ok: true, value: '7' });
    const bad = coerceValue('abc', 'number');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.reason).toMatch(/not a number/);
  });
});

describe('geometry checks', () => {
  it('closes unclosed rings and rejects broken structures', () => {
    const r = checkGeometry({ type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1]]] });
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.repairs).toEqual(['ring closed']);
      expect((r.geometry.coordinates as number[][][])[0]).toHaveLength(4);
    }
    expect(checkGeometry({ type: 'LineString', coordinates: [[0, 0]] }).ok).toBe(false);
    expect(checkGeometry({ type: 'Point', coordinates: [0, 'x'] }).ok).toBe(false);
    expect(checkGeometry({ type: 'Point', coordinates: [0, Infinity] }).ok).toBe(false);
    expect(checkGeometry({ type: 'Circle', coordinates: [0, 0] }).ok).toBe(false);
    expect(checkGeometry({ type: 'MultiPolygon', coordinates: [] }).ok).toBe(false);
    expect(checkGeometry({ type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [1, 2] }] }).ok).toBe(true);
  });
});

describe('CSV', () => {
  it('parses quotes, embedded newlines and CRLF', () => {
    expect(parseCsvRows('a,b\r\n"x, ""y""","line1\nline2"\r\n', ',')).toEqual([['a', 'b'], ['x, "y"', 'line1\nline2']]);
  });

  it('finds 经度/纬度 columns, types the other columns and reads GBK', async () => {
    const d = await readDataset(gbk('名称,经度,纬度,层数,建成\n椒江大楼,121.42,28.65,5,2019-05-01\n路桥,121.37,28.58,,2020-01-02\n'), limits);
    expect(d.format).toBe('csv');
    expect(d.encoding).toBe('gbk');
    expect(d.fields).toEqual([{ name: '名称', type: 'text' }, { name: '层数', type: 'integer' }, { name: '建成', type: 'date' }]);
    expect(d.features[0]).toMatchObject({ row: 1, geometry: { type: 'Point', coordinates: [121.42, 28.65] }, properties: { 名称: '椒江大楼', 层数: 5 } });
    expect(d.features[1]!.properties['层数']).toBeNull();
  });

  it('swaps survey X (north) / Y (east) and names the swap', async () => {
    const d = await readDataset(enc('id;X;Y\n1;3171302.8;638834.5\n'), limits);
    expect(d.features[0]!.geometry).toEqual({ type: 'Point', coordinates: [638834.5, 3171302.8] });
    expect(d.notes.join(' ')).toMatch(/X = north/);
  });

  it('marks rows without coordinates and refuses files without coordinate columns', async () => {
    const d = await readDataset(enc('lon,lat,name\n121.4,28.6,a\n,28.6,b\n'), limits);
    expect(d.features[1]!.geometry).toBeNull();
    expect(d.features[1]!.problem).toMatch(/missing/);
    await expect(readDataset(enc('a,b\n1,2\n'), limits)).rejects.toMatchObject({ code: 'CsvNoCoordinates', status: 400 });
  });

  it('refuses more rows than the limit with 413', async () => {
    const rows = Array.from({ length: 11 }, (_, i) => `121.${i},28.6`).join('\n');
    await expect(readDataset(enc(`lon,lat\n${rows}\n`), { maxFeatures: 10 })).rejects.toMatchObject({ code: 'TooManyFeatures', status: 413 });
  });
});

describe('GeoJSON', () => {
  it('honours the legacy crs member and reports features without geometry', async () => {
    const d = await readDataset(
      enc(JSON.stringify({ type: 'FeatureCollection', crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::4549' } }, features: [{ type: 'Feature', properties: { a: 1 }, geometry: null }] })),
      limits,
    );
    expect(d.declaredSrid).toBe(4549);
    expect(d.features[0]!.problem).toMatch(/no geometry/);
    expect(sridOfCrsName('http://www.opengis.net/def/crs/OGC/1.3/CRS84')).toBe(4326);
    expect(sridOfCrsName('EPSG:4490')).toBe(4490);
  });

  it('refuses malformed JSON with a 400 ReadError', async () => {
    const err = await readDataset(enc('{"type":"FeatureCollection",'), limits).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReadError);
    expect(err).toMatchObject({ code: 'MalformedJson', status: 400 });
  });
});

describe('GDAL formats', () => {
  const dir = mkdtempSync(join(tmpdir(), 'readers-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const src = join(dir, 'src.geojson');
  writeFileSync(
    src,
    JSON.stringify({
      type: 'FeatureCollection',
      crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::4549' } },
      features: [{ type: 'Feature', properties: { 名称: '椒江大楼', floors: 5 }, geometry: { type: 'Point', coordinates: [638834.5, 3171302.8] } }],
    }),
  );
  const shapefileZip = (encoding: string, keepCpg: boolean) => {
    const out = join(dir, `shp-${encoding}-${keepCpg}`);
    execFileSync('ogr2ogr', ['-f', 'ESRI Shapefile', '-lco', `ENCODING=${encoding}`, out, src, '-nln', 'pts']);
    const files: Record<string, Uint8Array> = {};
    for (const f of readdirSync(out)) if (keepCpg || !f.endsWith('.cpg')) files[`data/${f}`] = readFileSync(join(out, f));
    return zipSync(files);
  };

  it('reads a GBK Shapefile without .cpg as GBK, with its .prj CRS', async () => {
    const bytes = shapefileZip('CP936', false);
    expect(sniffFormat(bytes)).toBe('shapefile');
    const d = await readDataset(bytes, limits);
    expect(d.format).toBe('shapefile');
    expect(d.encoding).toBe('gbk');
    expect(d.declaredSrid).toBe(4549);
    expect(d.features[0]!.properties).toEqual({ 名称: '椒江大楼', floors: 5 });
  });

  it('reads a UTF-8 Shapefile without .cpg as UTF-8, and one with .cpg by its .cpg', async () => {
    expect((await readDataset(shapefileZip('UTF-8', false), limits)).features[0]!.properties['名称']).toBe('椒江大楼');
    const withCpg = await readDataset(shapefileZip('CP936', true), limits);
    expect(withCpg.features[0]!.properties['名称']).toBe('椒江大楼');
    expect(withCpg.notes.join(' ')).toMatch(/\.cpg/);
  });

  it('reads GeoPackage and KML', async () => {
    const gpkg = join(dir, 'x.gpkg');
    execFileSync('ogr2ogr', ['-f', 'GPKG', gpkg, src]);
    const g = await readDataset(readFileSync(gpkg), limits);
    expect(g.format).toBe('geopackage');
    expect(g.declaredSrid).toBe(4549);
    expect(g.features).toHaveLength(1);
    const kml = join(dir, 'x.kml');
    execFileSync('ogr2ogr', ['-f', 'KML', kml, src]);
    const k = await readDataset(readFileSync(kml), limits);
    expect(k.format).toBe('kml');
    expect(k.declaredSrid).toBe(4326);
    const [lon, lat] = (k.features[0]!.geometry!.coordinates as number[]);
    expect(lon).toBeCloseTo(121.42, 3);
    expect(lat).toBeCloseTo(28.65, 3);
  });

  it('refuses a zip without a Shapefile', async () => {
    await expect(readDataset(zipSync({ 'a.txt': enc('hi') }), limits)).rejects.toMatchObject({ code: 'NoShapefile' });
  });
});
