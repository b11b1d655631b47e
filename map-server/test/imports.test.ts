/**
 * Data imports on the real server and PostGIS (issue #10 item 5): tokens and limits as
 * problem+json, a GCJ-02 (and a BD-09) CSV landing within a metre of where it belongs, a GBK
 * Shapefile without .cpg in EPSG:4549 with repairs and rejections reported, CRS guessing and
 * refusal, strict and dry-run imports that leave the table as it was.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { wgs84ToBd09, wgs84ToGcj02 } from '@onemap/geodata/readers';
import { createPool } from '../src/db.ts';
import { createApiToken } from '../src/services/auth-tokens.ts';
import { usePlatform } from './support/platform.ts';

const ctx = usePlatform({ IMPORT_MAX_MB: '1', IMPORT_MAX_FEATURES: '3000' });
const tokens: Record<string, string> = {};

async function auth(name = '数据员'): Promise<Record<string, string>> {
  if (tokens[name] === undefined) {
    const pool = createPool({ databaseUrl: ctx.platform.databaseUrl, poolMax: 1, statementTimeoutMs: 5000 });
    tokens[name] = await createApiToken(pool, name, 'editor', 1);
    await pool.end();
  }
  return { Authorization: `Bearer ${tokens[name]}` };
}

interface Res {
  status: number;
  type: string;
  json: Record<string, unknown> & { counts?: Record<string, number>; report?: Record<string, unknown>; error?: { code: string; message: string } };
}

async function post(query: string, body: string | Uint8Array, contentType: string, withAuth = true): Promise<Res> {
  const headers: Record<string, string> = { 'Content-Type': contentType, ...(withAuth ? await auth() : {}) };
  const res = await fetch(`${ctx.platform.baseUrl}/imports?${query}`, { method: 'POST', headers, body: typeof body === 'string' ? body : new Blob([body as Uint8Array<ArrayBuffer>]) });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', json: text ? JSON.parse(text) : {} };
}

/** Polls the job until it ends (no timing assertion: the test's own timeout bounds it). */
async function finished(id: unknown): Promise<Res['json']> {
  for (;;) {
    const res = await fetch(`${ctx.platform.baseUrl}/imports/${String(id)}`, { headers: await auth() });
    expect(res.status).toBe(200);
    const job = (await res.json()) as Res['json'];
    if (job['status'] === 'done' || job['status'] === 'failed') return job;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function count(table: string): Promise<number> {
  const { rows } = await ctx.db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
  return Number(rows[0]!.n);
}

describe('POST /imports: access, parameters and limits', () => {
  it('needs a writer token, an importable layer and known parameters', async () => {
    const csv = 'name,lon,lat\na,121.42,28.65\n';
    expect((await post('layer=user_points', csv, 'text/csv', false)).status).toBe(401);
    const ro = await post('layer=rivers', csv, 'text/csv');
    expect(ro.status).toBe(400);
    expect(ro.json['code']).toBe('LayerNotImportable');
    expect((await post('layer=nope', csv, 'text/csv')).status).toBe(404);
    const unknown = await post('layer=user_points&colour=red', csv, 'text/csv');
    expect(unknown.status).toBe(400);
    expect(unknown.json['code']).toBe('UnknownParameter');
    const coords = await post('layer=user_points&coords=mars', csv, 'text/csv');
    expect(coords.status).toBe(400);
    expect(coords.json['detail']).toMatch(/gcj02, bd09/);
    expect((await post('layer=user_points', csv, 'multipart/form-data; boundary=x')).status).toBe(415);
  });

  it('answers 413 problem+json beyond IMPORT_MAX_MB and IMPORT_MAX_FEATURES, writing nothing', async () => {
    const before = await count('base.user_points');
    const big = `name,lon,lat,remark\n${Array.from({ length: 12_000 }, (_, i) => `p${i},121.4,28.6,${'x'.repeat(80)}`).join('\n')}\n`;
    expect(big.length).toBeGreaterThan(1024 * 1024);
    const tooBig = await post('layer=user_points', big, 'text/csv');
    expect(tooBig.status).toBe(413);
    expect(tooBig.type).toContain('application/problem+json');
    expect(tooBig.json['code']).toBe('ImportTooLarge');
    const many = `name,lon,lat\n${Array.from({ length: 3001 }, (_, i) => `p${i},121.4,28.6`).join('\n')}\n`;
    const tooMany = await post('layer=user_points', many, 'text/csv');
    expect(tooMany.status).toBe(413);
    expect(tooMany.json['code']).toBe('TooManyFeatures');
    expect(await count('base.user_points')).toBe(before);
  });

  it('says which required property has no field, and which fields exist', async () => {
    const res = await post('layer=user_points', '标题,lon,lat\na,121.42,28.65\n', 'text/csv');
    expect(res.status).toBe(400);
    expect(res.json['detail']).toMatch(/required property name .*map=name:FIELD.*标题/);
    const ok = await post('layer=user_points&map=name:标题&dryRun=true', '标题,lon,lat\na,121.42,28.65\n', 'text/csv');
    expect(ok.status).toBe(202);
    expect((await finished(ok.json['id']))['status']).toBe('done');
  });
});

describe('GCJ-02 and BD-09 CSV from Chinese web maps', () => {
  it('lands within a metre of where it belongs (and ~500 m off when the offset is ignored)', async () => {
    // Truth: 40 place names already stored in CGCS2000; the CSV carries them as 高德 (GCJ-02) would.
    const { rows: truth } = await ctx.db.query<{ id: number; name: string; lon: number; lat: number }>(
      `SELECT id, name, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM base.place_names ORDER BY id LIMIT 40`,
    );
    expect(truth).toHaveLength(40);
    const csv = `名称,经度,纬度,类别\n${truth.map((t) => {
      const [lon, lat] = wgs84ToGcj02([t.lon, t.lat]);
      return `${t.name}-${t.id},${lon.toFixed(7)},${lat.toFixed(7)},高德POI`;
    }).join('\n')}\n`;
    const res = await post('layer=user_points&coords=gcj02&comment=高德导出', csv, 'text/csv; charset=utf-8');
    expect(res.status).toBe(202);
    expect(res.json['status']).toMatch(/queued|running|done/);
    const job = await finished(res.json['id']);
    expect(job['status']).toBe('done');
    expect(job.counts).toMatchObject({ total: 40, processed: 40, inserted: 40, rejected: 0 });
    expect(job.report).toMatchObject({ crs: { srid: 4490, source: 'guessed' }, coords: 'gcj02', committed: true });
    const { rows } = await ctx.db.query<{ worst: number; n: string }>(
      `SELECT max(ST_Distance(u.geom::geography, p.geom::geography)) AS worst, count(*) AS n
         FROM base.user_points u JOIN base.place_names p ON u.name = p.name || '-' || p.id
        WHERE u.change_note = $1 AND upper_inf(u.valid)`,
      [`import #${String(job['id'])}: 高德导出`],
    );
    expect(Number(rows[0]!.n)).toBe(40);
    expect(rows[0]!.worst).toBeLessThan(1);

    // The same file declared as plain WGS84 lands the GCJ offset away: the conversion is what moved it.
    const plain = await finished((await post('layer=user_points&coords=wgs84', csv.replaceAll('高德POI', 'raw'), 'text/csv')).json['id']);
    const { rows: off } = await ctx.db.query<{ least: number }>(
      `SELECT min(ST_Distance(u.geom::geography, p.geom::geography)) AS least
         FROM base.user_points u JOIN base.place_names p ON u.name = p.name || '-' || p.id WHERE u.change_note = $1`,
      [`import #${String(plain['id'])}`],
    );
    expect(off[0]!.least).toBeGreaterThan(300);
  });

  it('removes the BD-09 offset (百度) as well', async () => {
    const pts: [number, number][] = [[121.4286, 28.6562], [121.2731, 28.6461], [121.3755, 28.3847]];
    const csv = `name;lng;lat\n${pts.map(([lon, lat], i) => {
      const [b, c] = wgs84ToBd09([lon, lat]);
      return `百度点${i};${b};${c}`;
    }).join('\n')}\n`;
    const job = await finished((await post('layer=user_points&coords=bd09', csv, 'text/csv')).json['id']);
    expect(job['status']).toBe('done');
    const { rows } = await ctx.db.query<{ name: string; d: number }>(
      `SELECT name, ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint($2, $3), 4490)::geography) AS d FROM base.user_points WHERE change_note = $1 AND name = '百度点0'`,
      [`import #${String(job['id'])}`, pts[0]![0], pts[0]![1]],
    );
    expect(rows[0]!.d).toBeLessThan(1);
  });
});

describe('Shapefile (GBK, no .cpg, EPSG:4549) into buildings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'imports-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // 椒江 (121.42°E, 28.65°N) is E 638 834.5, N 3 171 302.8 in EPSG:4549 (domain.md §5.3).
  const [E, N] = [638834.5, 3171302.8];
  const square = (dx: number, dy: number, s = 20) => [[[E + dx, N + dy], [E + dx + s, N + dy], [E + dx + s, N + dy + s], [E + dx, N + dy + s], [E + dx, N + dy]]];
  const bowtie = [[[E + 100, N], [E + 120, N + 20], [E + 120, N], [E + 100, N + 20], [E + 100, N]]];
  const features = [
    { props: { 名称: '椒江大楼', 用途: 'commercial', 层数: 12, 高度: 45.5, 所属县区: '331002' }, coords: square(0, 0) },
    { props: { 名称: '蝴蝶楼', 用途: 'residential', 层数: 3, 高度: 9, 所属县区: '331002' }, coords: bowtie },
    { props: { 名称: '层数错', 用途: 'residential', 层数: 'abc', 高度: 9, 所属县区: '331002' }, coords: square(200, 0) },
    { props: { 名称: '太高了', 用途: 'residential', 层数: 500, 高度: 9, 所属县区: '331002' }, coords: square(300, 0) },
  ];

  let made = 0;
  function shapefileZip(): Uint8Array {
    const src = join(dir, 'src.geojson');
    writeFileSync(
      src,
      JSON.stringify({
        type: 'FeatureCollection',
        crs: { type: 'name', properties: { name: 'urn:ogc:def:crs:EPSG::4549' } },
        features: features.map((f) => ({ type: 'Feature', properties: { ...f.props, 层数: String(f.props.层数) }, geometry: { type: 'Polygon', coordinates: f.coords } })),
      }),
    );
    const out = join(dir, `shp-${++made}`);
    execFileSync('ogr2ogr', ['-f', 'ESRI Shapefile', '-lco', 'ENCODING=CP936', out, src, '-nln', '建筑']);
    const files: Record<string, Uint8Array> = {};
    for (const f of readdirSync(out)) if (!f.endsWith('.cpg')) files[`成果/${f}`] = readFileSync(join(out, f));
    return zipSync(files);
  }

  it('decodes GBK, maps fields by their Chinese titles, repairs, rejects and reports', async () => {
    const before = await count('base.buildings');
    const res = await post('layer=buildings&map=height_m:高度&filename=建筑.zip', shapefileZip(), 'application/zip');
    expect(res.status).toBe(202);
    const job = await finished(res.json['id']);
    expect(job['status']).toBe('done');
    expect(job.counts).toMatchObject({ total: 4, inserted: 2, repaired: 1, rejected: 2 });
    const report = job.report as { encoding: string; crs: { srid: number; source: string }; fields: { name: string; target: string | null }[]; repairs: { row: number; reason: string }[]; rejections: { row: number; reason: string }[]; ignoredFields: string[] };
    expect(report.encoding).toBe('gbk');
    expect(report.crs).toMatchObject({ srid: 4549, source: 'declared' });
    expect(report.fields.find((f) => f.name === '层数')?.target).toBe('floors');
    expect(report.fields.find((f) => f.name === '名称')?.target).toBe('name');
    expect(report.ignoredFields).toEqual([]);
    expect(report.repairs).toEqual([{ row: 2, reason: expect.stringMatching(/Self-intersection/i) }]);
    expect(report.rejections).toEqual([
      { row: 3, reason: expect.stringMatching(/floors ← 层数: "abc" .*not an integer/) },
      { row: 4, reason: expect.stringMatching(/buildings_floors_check/) },
    ]);
    expect(await count('base.buildings')).toBe(before + 2);
    const { rows } = await ctx.db.query<{ name: string; use: string; floors: number; changed_by: string; d: number; area: number }>(
      `SELECT name, use, floors, changed_by, ST_Area(geom::geography) AS area,
              ST_Distance(ST_PointN(ST_ExteriorRing(ST_GeometryN(geom, 1)), 1)::geography, ST_SetSRID(ST_MakePoint(121.42, 28.65), 4490)::geography) AS d
         FROM base.buildings WHERE change_note = $1 ORDER BY floors DESC`,
      [`import #${String(job['id'])}`],
    );
    expect(rows.map((r) => [r.name, r.use, r.floors, r.changed_by])).toEqual([['椒江大楼', 'commercial', 12, '数据员'], ['蝴蝶楼', 'residential', 3, '数据员']]);
    // The first corner of the 20 m square is the published 椒江 point: PostGIS put it back within 1 m.
    expect(rows[0]!.d).toBeLessThan(1);
    expect(rows[0]!.area).toBeGreaterThan(390);
    expect(rows[0]!.area).toBeLessThan(410);
    // The bow-tie became two valid triangles (MultiPolygon), not dropped.
    expect(rows[1]!.area).toBeGreaterThan(150);
    const audit = await ctx.db.query(`SELECT count(*)::int AS n FROM audit.edits WHERE comment = $1 AND action = 'create' AND layer_id = 'buildings'`, [`import #${String(job['id'])}`]);
    expect(audit.rows[0]!.n).toBe(2);
  });

  it('strict mode and dry runs leave the table exactly as it was', async () => {
    const before = await count('base.buildings');
    const strict = await finished((await post('layer=buildings&map=height_m:高度&strict=true', shapefileZip(), 'application/zip')).json['id']);
    expect(strict['status']).toBe('failed');
    expect(strict.error?.code).toBe('ImportRejected');
    expect(strict.counts?.['inserted']).toBe(0);
    const dry = await finished((await post('layer=buildings&map=height_m:高度&dryRun=true', shapefileZip(), 'application/zip')).json['id']);
    expect(dry['status']).toBe('done');
    expect(dry.report).toMatchObject({ committed: false, counts: { inserted: 2, rejected: 2 } });
    expect(await count('base.buildings')).toBe(before);
  });
});

describe('CRS detection and override', () => {
  const gk = (x: number, y: number) => JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { name: '界桩' }, geometry: { type: 'Point', coordinates: [x, y] } }] });

  it('guesses zone-prefixed Gauss-Krüger (EPSG:4528, zone 40) and lands it right', async () => {
    const job = await finished((await post('layer=user_points', gk(40638834.5, 3171302.8), 'application/geo+json')).json['id']);
    expect(job['status']).toBe('done');
    expect(job.report).toMatchObject({ crs: { srid: 4528, source: 'guessed' } });
    const { rows } = await ctx.db.query<{ d: number }>(
      `SELECT ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint(121.42, 28.65), 4490)::geography) AS d FROM base.user_points WHERE change_note = $1`,
      [`import #${String(job['id'])}`],
    );
    expect(rows[0]!.d).toBeLessThan(1);
  });

  it('refuses a declared or given CRS under which the data is not in China, and coordinates it cannot place', async () => {
    const declared = JSON.parse(gk(638834.5, 3171302.8)) as Record<string, unknown>;
    declared['crs'] = { type: 'name', properties: { name: 'EPSG:4490' } };
    const bad = await post('layer=user_points', JSON.stringify(declared), 'application/geo+json');
    expect(bad.status).toBe(400);
    expect(bad.json['detail']).toMatch(/EPSG:4490.*does not fall in China.*crs=/);
    const fixed = await post('layer=user_points&crs=EPSG:4549&dryRun=true', JSON.stringify(declared), 'application/geo+json');
    expect(fixed.status).toBe(202);
    const nowhere = await post('layer=user_points', gk(5e9, 5e9), 'application/geo+json');
    expect(nowhere.status).toBe(400);
    expect(nowhere.json['detail']).toMatch(/cannot tell the CRS/);
    const unsupported = await post('layer=user_points&crs=EPSG:27700', gk(1, 1), 'application/geo+json');
    expect(unsupported.status).toBe(400);
    expect(unsupported.json['detail']).toMatch(/4549/);
    const offsetProjected = await post('layer=user_points&coords=gcj02', gk(638834.5, 3171302.8), 'application/geo+json');
    expect(offsetProjected.status).toBe(400);
    expect(offsetProjected.json['detail']).toMatch(/lon\/lat only/);
  });

  it('keeps one user from reading another user\'s import job', async () => {
    const res = await post('layer=user_points&dryRun=true', gk(121.42, 28.65), 'application/geo+json');
    const other = await fetch(`${ctx.platform.baseUrl}/imports/${String(res.json['id'])}`, { headers: await auth('另一个人') });
    expect(other.status).toBe(404);
    await finished(res.json['id']);
  });
});

describe('GeoPackage and KML through GDAL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'imports-gdal-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const fc = (name: string, lon: number, lat: number) =>
    JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { name, category: '测试' }, geometry: { type: 'Point', coordinates: [lon, lat] } }] });

  it('asks which layer of a multi-layer GeoPackage, then imports the one named', async () => {
    const gpkg = join(dir, 'two.gpkg');
    for (const [layer, name] of [['甲', '甲点'], ['乙', '乙点']] as const) {
      const src = join(dir, `${layer}.geojson`);
      writeFileSync(src, fc(name, 121.42, 28.65));
      execFileSync('ogr2ogr', ['-f', 'GPKG', ...(layer === '乙' ? ['-update'] : []), gpkg, src, '-nln', layer]);
    }
    const bytes = readFileSync(gpkg);
    const ask = await post('layer=user_points', bytes, 'application/geopackage+sqlite3');
    expect(ask.status).toBe(400);
    expect(ask.json['code']).toBe('SeveralLayers');
    expect(ask.json['layers']).toEqual(['甲', '乙']);
    const job = await finished((await post(`layer=user_points&sourceLayer=${encodeURIComponent('乙')}`, bytes, 'application/octet-stream')).json['id']);
    expect(job['status']).toBe('done');
    expect(job.report).toMatchObject({ format: 'geopackage', counts: { inserted: 1 } });
    const { rows } = await ctx.db.query(`SELECT name FROM base.user_points WHERE change_note = $1`, [`import #${String(job['id'])}`]);
    expect(rows).toEqual([{ name: '乙点' }]);
  });

  it('imports KML placemarks (always WGS84 lon/lat)', async () => {
    const src = join(dir, 'k.geojson');
    writeFileSync(src, fc('临海站', 121.1447, 28.8582));
    const kml = join(dir, 'k.kml');
    execFileSync('ogr2ogr', ['-f', 'KML', kml, src]);
    const job = await finished((await post('layer=user_points', readFileSync(kml), 'application/vnd.google-earth.kml+xml')).json['id']);
    expect(job['status']).toBe('done');
    expect(job.report).toMatchObject({ format: 'kml', crs: { srid: 4326, source: 'declared' } });
    const { rows } = await ctx.db.query<{ d: number }>(
      `SELECT ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint(121.1447, 28.8582), 4490)::geography) AS d FROM base.user_points WHERE change_note = $1 AND name = '临海站'`,
      [`import #${String(job['id'])}`],
    );
    expect(rows[0]!.d).toBeLessThan(0.1);
  });

  it('refuses a file GDAL cannot read with a 400, not a 500', async () => {
    const res = await post('layer=user_points', new TextEncoder().encode('SQLite format 3\0 this is not a database'), 'application/geopackage+sqlite3');
    expect(res.status).toBe(400);
    expect(res.json['code']).toBe('Unreadable');
  });
});
