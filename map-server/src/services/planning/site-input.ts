/**
 * The site of a compliance review (合规性审查), parsed at the edge: a GeoJSON Polygon or
 * MultiPolygon (bare, a Feature, or a FeatureCollection of polygon features, merged), or a zipped
 * ESRI Shapefile converted by GDAL's ogr2ogr (Debian gdal-bin, as the exports use).
 *
 * Coordinates are x/y (east, north; longitude, latitude for the geographic CRSs) as GeoJSON and
 * Shapefile store them. The CRS is the `crs` parameter (the supported list of crs.ts), else a
 * legacy GeoJSON `crs` member, else CRS84; a Shapefile's own .prj wins over nothing but loses to
 * an explicit `crs`.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { AppError, BadRequestError } from '../../errors.ts';
import { CRS84, parseCrs, type CrsDef } from '../crs.ts';

const run = promisify(execFile);

/** At most this many positions in a site (a drawn or surveyed red line, not a dataset). */
export const MAX_SITE_POSITIONS = 20_000;

export interface SiteInput {
  /** GeoJSON MultiPolygon, coordinates in `srid`, x/y order. */
  readonly geometry: { readonly type: 'MultiPolygon'; readonly coordinates: number[][][][] };
  readonly srid: number;
  /** How the CRS was given, for the record (a URI, or `prj:` and the .prj's name). */
  readonly crsLabel: string;
  readonly format: 'geojson' | 'shapefile';
  /** `name` of the first feature, when it has one. */
  readonly name: string | undefined;
}

const bad = (zh: string, en: string, parameter = 'site') => new BadRequestError(`${zh} / ${en}`, { parameter });

function checkPosition(p: unknown): number[] {
  if (!Array.isArray(p) || p.length < 2 || p.length > 3 || !p.every((v) => typeof v === 'number' && Number.isFinite(v)))
    throw bad('坐标无效', 'a position is not 2 or 3 finite numbers');
  return [p[0] as number, p[1] as number];
}

function checkPolygon(rings: unknown, count: { n: number }): number[][][] {
  if (!Array.isArray(rings) || rings.length < 1 || rings.length > 500) throw bad('多边形需 1–500 个环', 'a polygon needs 1 to 500 rings');
  return rings.map((ring: unknown) => {
    if (!Array.isArray(ring) || ring.length < 4) throw bad('多边形的环至少 4 个顶点', 'each ring needs at least 4 positions');
    count.n += ring.length;
    if (count.n > MAX_SITE_POSITIONS) throw bad(`地块最多 ${MAX_SITE_POSITIONS} 个顶点`, `a site has at most ${MAX_SITE_POSITIONS} positions`);
    const pts = ring.map(checkPosition);
    const [f, l] = [pts[0]!, pts[pts.length - 1]!];
    if (f[0] !== l[0] || f[1] !== l[1]) throw bad('多边形的环未闭合', 'a ring is not closed');
    return pts;
  });
}

/** Polygons of a geometry, Feature or FeatureCollection; other geometry types are refused. */
function collectPolygons(value: unknown, out: number[][][][], count: { n: number }, names: string[]): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw bad('应为 GeoJSON 对象', 'expected a GeoJSON object');
  const v = value as Record<string, unknown>;
  switch (v['type']) {
    case 'FeatureCollection': {
      const features = v['features'];
      if (!Array.isArray(features) || features.length === 0) throw bad('FeatureCollection 为空', 'the FeatureCollection has no features');
      if (features.length > 1000) throw bad('最多 1000 个要素', 'at most 1000 features');
      for (const f of features) collectPolygons(f, out, count, names);
      return;
    }
    case 'Feature': {
      const props = v['properties'];
      if (props && typeof props === 'object' && typeof (props as Record<string, unknown>)['name'] === 'string') names.push((props as Record<string, string>)['name']!);
      collectPolygons(v['geometry'], out, count, names);
      return;
    }
    case 'Polygon':
      out.push(checkPolygon(v['coordinates'], count));
      return;
    case 'MultiPolygon': {
      const polys = v['coordinates'];
      if (!Array.isArray(polys) || polys.length === 0) throw bad('MultiPolygon 为空', 'the MultiPolygon is empty');
      for (const p of polys) out.push(checkPolygon(p, count));
      return;
    }
    default:
      throw bad('地块须为面 (Polygon/MultiPolygon)', `the site must be polygons, got ${String(v['type']).slice(0, 30)}`);
  }
}

/** The CRS a legacy GeoJSON `crs` member names (`EPSG:4549`, `urn:ogc:def:crs:EPSG::4549`, URIs). */
function legacyCrs(value: unknown): CrsDef | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const name = (value as { properties?: { name?: unknown } }).properties?.name;
  if (typeof name !== 'string') return undefined;
  const urn = /^urn:ogc:def:crs:(EPSG|OGC):[0-9.]*:(\w+)$/i.exec(name.trim());
  const text = urn ? (urn[1]!.toUpperCase() === 'OGC' ? 'OGC:CRS84' : `EPSG:${urn[2]}`) : name;
  return parseCrs(text, 'crs');
}

/** Parses a GeoJSON site. `crsParam` (already parsed) wins over the document's own `crs` member. */
export function parseGeoJsonSite(body: unknown, crsParam: CrsDef | undefined): SiteInput {
  const polygons: number[][][][] = [];
  const names: string[] = [];
  collectPolygons(body, polygons, { n: 0 }, names);
  const crs = crsParam ?? legacyCrs((body as Record<string, unknown>)['crs']) ?? CRS84;
  return { geometry: { type: 'MultiPolygon', coordinates: polygons }, srid: crs.srid, crsLabel: crs.uri, format: 'geojson', name: names[0] };
}

/**
 * Parses a zipped Shapefile: the archive must hold exactly one .shp (with its .shx and .dbf);
 * ogr2ogr reprojects it to CGCS2000 (EPSG:4490) from its .prj, or from `crsParam` when given
 * (which is also required when there is no .prj).
 */
export async function parseShapefileSite(zip: Uint8Array, crsParam: CrsDef | undefined): Promise<SiteInput> {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(zip);
  } catch {
    throw bad('不是有效的 zip 文件', 'the upload is not a valid zip archive');
  }
  const names = Object.keys(entries).filter((n) => !n.startsWith('__MACOSX/') && !n.endsWith('/'));
  const shp = names.filter((n) => /\.shp$/i.test(n));
  if (shp.length !== 1) throw bad(`zip 中应恰有一个 .shp (找到 ${shp.length} 个)`, `the zip must hold exactly one .shp (found ${shp.length})`);
  const stem = shp[0]!.slice(0, -4);
  for (const ext of ['shx', 'dbf']) if (!names.some((n) => n.toLowerCase() === `${stem}.${ext}`.toLowerCase())) throw bad(`缺少 .${ext} 文件`, `the .${ext} file is missing`);
  const prjName = names.find((n) => n.toLowerCase() === `${stem}.prj`.toLowerCase());
  if (!prjName && !crsParam) throw bad('Shapefile 无 .prj，请用 crs 参数指明坐标系', 'the Shapefile has no .prj; give its CRS with the crs parameter', 'crs');

  const dir = await mkdtemp(join(tmpdir(), 'onemap-site-'));
  try {
    // Only the members of this one dataset are written, under fixed names (no path from the zip).
    for (const n of names) {
      const m = /\.(shp|shx|dbf|prj|cpg)$/i.exec(n);
      if (m && n.slice(0, -4) === stem) await writeFile(join(dir, `site.${m[1]!.toLowerCase()}`), entries[n]!);
    }
    const args = ['-f', 'GeoJSON', '/vsistdout/', join(dir, 'site.shp'), '-t_srs', 'EPSG:4490', '-lco', 'RFC7946=NO', '-lco', 'COORDINATE_PRECISION=9'];
    if (crsParam) args.push('-s_srs', crsParam === CRS84 ? 'OGC:CRS84' : `EPSG:${crsParam.srid}`);
    let stdout: string;
    try {
      ({ stdout } = await run('ogr2ogr', args, { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }));
    } catch (err) {
      const e = err as { code?: string; stderr?: string; message: string };
      if (e.code === 'ENOENT') throw new AppError(503, 'ToolMissing', 'Shapefile 读取需要 ogr2ogr (gdal-bin) / reading Shapefiles needs ogr2ogr (Debian gdal-bin)');
      throw bad('Shapefile 无法读取', `the Shapefile could not be read: ${(e.stderr ?? e.message).slice(0, 200)}`);
    }
    const doc = JSON.parse(stdout) as unknown;
    const polygons: number[][][][] = [];
    const featureNames: string[] = [];
    collectPolygons(doc, polygons, { n: 0 }, featureNames);
    const prjText = prjName ? new TextDecoder().decode(entries[prjName]).slice(0, 200) : '';
    const prjLabel = /^(?:PROJCS|GEOGCS|PROJCRS|GEOGCRS)\["([^"]+)"/.exec(prjText)?.[1] ?? 'prj';
    return {
      geometry: { type: 'MultiPolygon', coordinates: polygons },
      srid: 4490,
      crsLabel: crsParam ? crsParam.uri : `prj:${prjLabel}`,
      format: 'shapefile',
      name: featureNames[0],
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
