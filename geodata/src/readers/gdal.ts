/**
 * Zipped Shapefile, GeoPackage and KML/KMZ through GDAL (Debian `gdal-bin`, ≥ 3.6): ogr2ogr
 * turns the source into GeoJSON in its own coordinates (no reprojection: the loader decides
 * the CRS and reports it), and says which CRS the file declares (.prj, gpkg_spatial_ref_sys).
 *
 * Why GDAL and not JavaScript readers: it is what QGIS and ArcGIS-to-open pipelines use; it
 * reads every Shapefile variant (.prj in ESRI WKT identified to EPSG, .cpg, DBF language
 * driver ids, multipatch, 3D), GeoPackage with any number of layers and KML/KMZ with folders,
 * and it is already a system dependency (exports, the OGC client tests).
 *
 * Shapefile text: a .cpg (or the DBF language driver id) wins. Without either — the usual
 * state of Chinese data from older desktop GIS — the DBF records are tried as UTF-8 and read as
 * GBK (CP936) when they are not valid UTF-8. The caller may force either.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { ReadError, type Dataset, type ImportFormat, type ReadLimits, type SourceFeature } from './dataset.ts';
import { fieldsOf, readGeoJsonText } from './geojson.ts';
import { isUtf8, type TextEncoding } from './text-encoding.ts';

const run = promisify(execFile);
const MAX_OUTPUT_BYTES = 2 * 1024 * 1024 * 1024 - 1;
const TOOL_TIMEOUT_MS = 10 * 60_000;

export interface GdalOptions {
  /** Layer to read from a multi-layer source (GeoPackage, zip with several .shp). */
  readonly layer?: string;
  /** Shapefile attribute encoding, overriding .cpg and detection. */
  readonly encoding?: TextEncoding;
}

/** Layers listed by `ogrinfo -so -q`: "1: name (Geometry Type)". */
export function parseLayerList(out: string): string[] {
  return out
    .split('\n')
    .map((l) => /^\d+: (.+?)(?: \([^()]*\))?$/.exec(l.trim())?.[1])
    .filter((n): n is string => n !== undefined);
}

/** What the zip holds, and which attribute encoding its Shapefile needs. */
export function inspectShapefileZip(bytes: Uint8Array, layer: string | undefined): { encoding: TextEncoding | 'declared'; note: string; shapes: string[]; folder: string } {
  // Only .cpg and .dbf are inflated; the filter sees every entry name first.
  const names: string[] = [];
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (f) => {
        if (/(^|\/)__MACOSX\//.test(f.name)) return false;
        names.push(f.name);
        return /\.(dbf|cpg)$/i.test(f.name);
      },
    });
  } catch (err) {
    throw new ReadError('BadZip', `zip 文件无法解开 / the zip file cannot be read: ${(err as Error).message.slice(0, 120)}`);
  }
  const shpPaths = names.filter((n) => /\.shp$/i.test(n));
  const shapes = shpPaths.map((n) => n.replace(/^.*\//, '').replace(/\.shp$/i, ''));
  if (shapes.length === 0) throw new ReadError('NoShapefile', 'zip 中没有 .shp 文件 / the zip holds no .shp file', 400);
  // Zips usually hold a folder; GDAL reads the Shapefiles of one folder (that of the chosen layer).
  const chosenShp = shpPaths.find((n) => layer === undefined || n.replace(/^.*\//, '').replace(/\.shp$/i, '') === layer) ?? shpPaths[0]!;
  const folder = chosenShp.includes('/') ? chosenShp.replace(/\/[^/]*$/, '') : '';
  const inFolder = (n: string) => (folder === '' ? !n.includes('/') : n.startsWith(`${folder}/`) && !n.slice(folder.length + 1).includes('/'));
  const base = { shapes, folder };
  const cpg = names.find((n) => /\.cpg$/i.test(n) && inFolder(n));
  if (cpg) return { ...base, encoding: 'declared', note: `encoding from ${cpg.replace(/^.*\//, '')}: ${new TextDecoder().decode(files[cpg]).trim().slice(0, 20)}` };
  const dbf = names.find((n) => /\.dbf$/i.test(n) && inFolder(n));
  if (!dbf) return { ...base, encoding: 'utf-8', note: 'no .dbf: no attributes' };
  const d = files[dbf]!;
  const ldid = d[29] ?? 0;
  if (ldid !== 0) return { ...base, encoding: 'declared', note: `encoding from the DBF language driver id 0x${ldid.toString(16)}` };
  const headerBytes = (d[8] ?? 0) | ((d[9] ?? 0) << 8);
  const records = d.subarray(headerBytes);
  return isUtf8(records)
    ? { ...base, encoding: 'utf-8', note: 'no .cpg: attributes are valid UTF-8, read as UTF-8' }
    : { ...base, encoding: 'gbk', note: 'no .cpg: attributes are not UTF-8, read as GBK (CP936)' };
}

async function ogr(args: string[]): Promise<string> {
  try {
    const { stdout } = await run(args[0]!, args.slice(1), { maxBuffer: MAX_OUTPUT_BYTES, timeout: TOOL_TIMEOUT_MS, encoding: 'utf8' });
    return stdout;
  } catch (err) {
    const e = err as { code?: unknown; stderr?: string };
    if (e.code === 'ENOENT') throw new ReadError('GdalMissing', 'GDAL (ogr2ogr) 未安装 / GDAL (ogr2ogr) is not installed: apt-get install gdal-bin', 400);
    const why = (e.stderr ?? '').split('\n').find((l) => /ERROR/.test(l)) ?? '';
    throw new ReadError('Unreadable', `GDAL 无法读取该文件 / GDAL cannot read the file${why ? `: ${why.replace(/\/tmp\/[^ ]*/g, '…').slice(0, 200)}` : ''}`);
  }
}

const EXT: Record<string, string> = { shapefile: 'zip', geopackage: 'gpkg', kml: 'kml', kmz: 'kmz' };

/** Reads a Shapefile zip, GeoPackage, KML or KMZ (bytes) via ogr2ogr. */
export async function readWithGdal(bytes: Uint8Array, kind: 'shapefile' | 'geopackage' | 'kml' | 'kmz', limits: ReadLimits, options: GdalOptions = {}): Promise<Dataset> {
  const dir = await mkdtemp(join(tmpdir(), 'onemap-import-'));
  try {
    const file = join(dir, `source.${EXT[kind]}`);
    await writeFile(file, bytes);
    let src = file;
    const notes: string[] = [];
    const open: string[] = [];
    let encoding: string | undefined;
    if (kind === 'shapefile') {
      const z = inspectShapefileZip(bytes, options.layer);
      src = `/vsizip/${file}${z.folder ? `/${z.folder}` : ''}`;
      const chosen = options.encoding ?? (z.encoding === 'declared' ? undefined : z.encoding);
      if (chosen) open.push('-oo', `ENCODING=${chosen === 'gbk' ? 'CP936' : 'UTF-8'}`);
      encoding = chosen ?? 'declared';
      notes.push(options.encoding ? `encoding forced: ${options.encoding}` : z.note);
    }
    const layers = parseLayerList(await ogr(['ogrinfo', '-ro', '-so', '-q', ...open, src]));
    if (layers.length === 0) throw new ReadError('NoLayers', '文件中没有矢量图层 / the file holds no vector layer');
    let chosen: string[];
    if (options.layer !== undefined) {
      if (!layers.includes(options.layer)) throw new ReadError('LayerNotInFile', `文件中没有图层 "${options.layer.slice(0, 60)}" / the file has no layer "${options.layer.slice(0, 60)}"; it has: ${layers.join(', ').slice(0, 300)}`, 400, { layers });
      chosen = [options.layer];
    } else if (layers.length === 1 || kind === 'kml' || kind === 'kmz') chosen = layers;
    else throw new ReadError('SeveralLayers', `文件有多个图层，请用 sourceLayer 指定 / the file has several layers; choose one with sourceLayer: ${layers.join(', ').slice(0, 300)}`, 400, { layers });
    const features: SourceFeature[] = [];
    let declaredSrid: number | undefined;
    for (const layer of chosen) {
      const out = await ogr(['ogr2ogr', '-f', 'GeoJSON', '/vsistdout/', ...open, src, layer, '-lco', 'RFC7946=NO', '-lco', 'WRITE_BBOX=NO']);
      const part = readGeoJsonText(out, { maxFeatures: limits.maxFeatures - features.length });
      if (declaredSrid === undefined) declaredSrid = part.declaredSrid;
      else if (part.declaredSrid !== undefined && part.declaredSrid !== declaredSrid) throw new ReadError('MixedCrs', '各图层坐标系不同 / the layers have different CRSs; import them one by one with sourceLayer');
      for (const f of part.features) features.push({ ...f, row: features.length + 1, properties: chosen.length > 1 ? { ...f.properties, layer } : f.properties });
    }
    if (chosen.length > 1) notes.push(`layers merged: ${chosen.join(', ')}`);
    else notes.push(`layer ${chosen[0]}`);
    if (declaredSrid !== undefined) notes.push(`crs declared in the file: EPSG:${declaredSrid}`);
    const format: ImportFormat = kind === 'kmz' ? 'kml' : kind;
    return { format, features, fields: fieldsOf(features), declaredSrid: kind === 'kml' || kind === 'kmz' ? 4326 : declaredSrid, ...(encoding ? { encoding } : {}), notes };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
