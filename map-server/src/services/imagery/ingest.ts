/**
 * Scene ingest: validate a GeoTIFF with GDAL (`gdalinfo -json`), convert it to a
 * Cloud-Optimized GeoTIFF with internal overviews (`gdal_translate -of COG`; `gdalwarp` first
 * when the CRS is not one the renderer transforms natively, or the grid is rotated), compute
 * the true data footprint from the valid pixels, and register the item — or fail with a clear
 * error and register nothing (the COG is written under a temporary name and only renamed into
 * place once the database row is committed).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { basename, extname, join, relative } from 'node:path';
import { promisify } from 'node:util';
import { crsForEpsg, openCog, readBlock } from '@onemap/tiles/raster';
import { AppError, BadRequestError, NotFoundError } from '../../errors.ts';
import type { Pool } from '../../db.ts';

const run = promisify(execFile);

export class ImageryIngestError extends AppError {
  override readonly name = 'ImageryIngestError';
  constructor(code: string, message: string) {
    super(400, code, message);
  }
}

export interface IngestRequest {
  /** The GeoTIFF to ingest (left untouched). */
  readonly file: string;
  readonly collection: string;
  /** Item id; default: the file name without extension. */
  readonly id?: string;
  /** Acquisition instant (ISO 8601); default: the file's TIFFTAG_DATETIME or ACQUISITION_DATETIME. */
  readonly datetime?: string;
  /** Scene cloud cover in percent; default: the file's CLOUD_COVER metadata. */
  readonly cloudCover?: number;
  /** Folder where COGs live (items store paths relative to it). */
  readonly imageryDir: string;
  readonly properties?: Readonly<Record<string, unknown>>;
  /** Move an input that is already a COG instead of copying it (a file we generated). */
  readonly move?: boolean;
}

export interface IngestResult {
  readonly collection: string;
  readonly id: string;
  readonly epsg: number;
  readonly converted: 'copied' | 'translated' | 'warped';
  readonly cogPath: string;
  readonly footprintAreaKm2: number;
}

interface GdalInfo {
  driverShortName: string;
  size: [number, number];
  geoTransform?: number[];
  coordinateSystem?: { wkt?: string };
  metadata?: Record<string, Record<string, string>>;
  bands: { band: number; type: string; noDataValue?: number }[];
  stac?: { 'proj:epsg'?: number | null };
}

async function gdalInfo(file: string): Promise<GdalInfo> {
  try {
    const { stdout } = await run('gdalinfo', ['-json', file], { maxBuffer: 64 << 20 });
    return JSON.parse(stdout) as GdalInfo;
  } catch {
    throw new ImageryIngestError('NotARaster', `不是可读的 GeoTIFF / not a readable GeoTIFF: ${basename(file)}`);
  }
}

const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

function parseDatetime(text: string): string {
  // TIFF's own "YYYY:MM:DD HH:MM:SS" (no zone: taken as UTC, as GDAL writes it).
  const tiff = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  const iso = tiff ? `${tiff[1]}-${tiff[2]}-${tiff[3]}T${tiff[4]}:${tiff[5]}:${tiff[6]}Z` : text;
  const ms = /^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/.test(iso) ? Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(iso) ? `${iso}T00:00:00+08:00` : iso) : NaN;
  if (!Number.isFinite(ms)) throw new BadRequestError(`datetime 须为 ISO 8601 时间 / datetime must be an ISO 8601 date-time, got "${text.slice(0, 40)}"`);
  return new Date(ms).toISOString();
}

async function sha1File(path: string): Promise<string> {
  const h = createHash('sha1');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

/** Valid-pixel footprint as run rectangles in the COG's CRS, from a coarse level of the COG. */
async function footprintRings(cogPath: string): Promise<{ rings: number[][][]; epsg: number; cellSize: number }> {
  const cog = await openCog(cogPath);
  const crs = crsForEpsg(cog.epsg ?? 0);
  if (!crs || cog.epsg === undefined) throw new ImageryIngestError('UnknownCrs', 'COG 的坐标系无法识别 / the COG has no usable CRS');
  // Coarsest level still ≥ 256 px on its short side (or the full image if smaller).
  let li = 0;
  for (let i = 0; i < cog.levels.length; i++) if (Math.min(cog.levels[i]!.width, cog.levels[i]!.height) >= 256) li = i;
  const level = cog.levels[li]!;
  const { width: w, height: h } = level;
  const valid = new Uint8Array(w * h);
  for (let by = 0; by * level.blockHeight < h; by++) {
    for (let bx = 0; bx * level.blockWidth < w; bx++) {
      const b = await readBlock(cog, li, bx, by, undefined);
      for (let r = 0; r < b.height; r++) {
        for (let c = 0; c < b.width; c++) {
          const base = (r * b.width + c) * cog.bandCount;
          let ok = cog.nodata === null;
          if (!ok) for (let k = 0; k < cog.bandCount; k++) if (b.data[base + k] !== cog.nodata) ok = true;
          if (ok) valid[(by * level.blockHeight + r) * w + bx * level.blockWidth + c] = 1;
        }
      }
    }
  }
  await cog.tiff.close();
  const gt = cog.geoTransform;
  const f = level.factor;
  const toCrs = (c: number, r: number): number[] => [gt[0] + c * f * gt[1], gt[3] + r * f * gt[5]];
  // Row runs merged downwards while identical: a full scene is one rectangle.
  const rings: number[][][] = [];
  let open = new Map<string, { c0: number; c1: number; r0: number }>();
  const close = (run: { c0: number; c1: number; r0: number }, r1: number) => {
    rings.push([toCrs(run.c0, run.r0), toCrs(run.c1, run.r0), toCrs(run.c1, r1), toCrs(run.c0, r1), toCrs(run.c0, run.r0)]);
  };
  for (let r = 0; r <= h; r++) {
    const next = new Map<string, { c0: number; c1: number; r0: number }>();
    if (r < h) {
      let c = 0;
      while (c < w) {
        if (!valid[r * w + c]) {
          c++;
          continue;
        }
        const c0 = c;
        while (c < w && valid[r * w + c]) c++;
        const key = `${c0}:${c}`;
        next.set(key, open.get(key) ?? { c0, c1: c, r0: r });
      }
    }
    for (const [key, run] of open) if (!next.has(key)) close(run, r);
    open = next;
  }
  return { rings, epsg: cog.epsg, cellSize: Math.abs(gt[1]) * f };
}

/** Ingests one GeoTIFF; throws ImageryIngestError (400) for bad files, NotFoundError for an unknown collection. */
export async function ingestScene(pool: Pool, req: IngestRequest): Promise<IngestResult> {
  const { rows: cols } = await pool.query<{ bands: unknown[] }>('SELECT bands FROM imagery.collections WHERE id = $1', [req.collection]);
  if (!cols[0]) throw new NotFoundError('CollectionNotFound', `没有影像集合 / no imagery collection "${req.collection}"`);
  const id = req.id ?? basename(req.file, extname(req.file)).replace(/[^A-Za-z0-9_.-]/g, '_');
  if (!ID.test(id)) throw new BadRequestError(`影像编号只能含字母、数字、_ . - / item id must match ${ID.source}, got "${id.slice(0, 40)}"`);

  const info = await gdalInfo(req.file);
  if (info.driverShortName !== 'GTiff') throw new ImageryIngestError('NotAGeoTiff', `文件不是 GeoTIFF（GDAL 识别为 ${info.driverShortName}）/ the file is not a GeoTIFF (GDAL reads it as ${info.driverShortName})`);
  const gt = info.geoTransform;
  if (!gt || !info.coordinateSystem?.wkt || (gt[0] === 0 && gt[1] === 1 && gt[3] === 0 && gt[5] === 1)) {
    throw new ImageryIngestError('NoGeoreferencing', '文件没有地理参考（坐标系或仿射变换缺失）/ the file has no georeferencing (no CRS or geotransform)');
  }
  const epsg = info.stac?.['proj:epsg'];
  if (!epsg) throw new ImageryIngestError('UnknownCrs', '坐标系没有 EPSG 编号，无法识别 / the CRS has no EPSG code; reproject it to a known EPSG CRS first');
  const wantBands = cols[0].bands.length;
  if (info.bands.length < wantBands) throw new ImageryIngestError('BandMismatch', `集合 ${req.collection} 需要 ${wantBands} 个波段，文件只有 ${info.bands.length} 个 / collection ${req.collection} needs ${wantBands} bands, the file has ${info.bands.length}`);

  const md = info.metadata?.[''] ?? {};
  const datetimeText = req.datetime ?? md['ACQUISITION_DATETIME'] ?? md['TIFFTAG_DATETIME'];
  if (!datetimeText) throw new BadRequestError('缺少成像时间 / the acquisition datetime is required (--datetime or TIFFTAG_DATETIME)');
  const datetime = parseDatetime(datetimeText);
  const cloudText = req.cloudCover ?? (md['CLOUD_COVER'] !== undefined ? Number(md['CLOUD_COVER']) : undefined);
  if (cloudText !== undefined && !(Number(cloudText) >= 0 && Number(cloudText) <= 100)) throw new BadRequestError('云量须在 0–100 / cloud cover must be within 0–100 (%)');

  const dir = join(req.imageryDir, req.collection);
  await mkdir(dir, { recursive: true });
  const stamp = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  const tmp = join(dir, `.${id}.${stamp}.tmp.tif`);
  const warped = join(dir, `.${id}.${stamp}.warp.tif`);
  const native = crsForEpsg(epsg) !== undefined && gt[2] === 0 && gt[4] === 0;
  const isCog = info.metadata?.['IMAGE_STRUCTURE']?.['LAYOUT'] === 'COG';
  let converted: IngestResult['converted'];
  const bandArgs = Array.from({ length: wantBands }, (_, i) => ['-b', String(i + 1)]).flat();
  const cogArgs = ['-of', 'COG', '-co', 'COMPRESS=DEFLATE', '-co', 'PREDICTOR=2', '-co', 'BLOCKSIZE=512', '-co', 'OVERVIEWS=IGNORE_EXISTING', '-co', 'OVERVIEW_RESAMPLING=AVERAGE', '-co', 'NUM_THREADS=2'];
  try {
    if (native) {
      if (isCog && info.bands.length === wantBands) {
        if (req.move) await rename(req.file, tmp);
        else await run('cp', [req.file, tmp]);
        converted = 'copied';
      } else {
        await run('gdal_translate', ['-q', ...bandArgs, ...cogArgs, req.file, tmp], { maxBuffer: 16 << 20 });
        converted = 'translated';
      }
    } else {
      const nodata = info.bands[0]?.noDataValue;
      await run('gdalwarp', ['-q', '-t_srs', 'EPSG:4326', '-r', 'bilinear', '-of', 'GTiff', '-co', 'TILED=YES', '-dstnodata', String(nodata ?? 0), req.file, warped], { maxBuffer: 16 << 20 });
      await run('gdal_translate', ['-q', ...bandArgs, ...cogArgs, warped, tmp], { maxBuffer: 16 << 20 });
      converted = 'warped';
    }
  } catch (err) {
    await rm(tmp, { force: true });
    throw new ImageryIngestError('ConversionFailed', `GDAL 转换 COG 失败 / GDAL could not convert the file to a COG: ${String((err as { stderr?: string }).stderr ?? err).trim().slice(0, 300)}`);
  } finally {
    await rm(warped, { force: true });
  }

  try {
    const cog = await openCog(tmp);
    const cogEpsg = cog.epsg ?? 0;
    const gtOut = cog.geoTransform;
    const shape = [cog.height, cog.width];
    const nodata = cog.nodata;
    await cog.tiff.close();
    const { rings, cellSize } = await footprintRings(tmp);
    if (!rings.length) throw new ImageryIngestError('NoValidPixels', '影像没有有效像元 / the image has no valid (non-nodata) pixels');
    const finalName = `${id}-${stamp}.tif`;
    const finalPath = join(dir, finalName);
    const relPath = relative(req.imageryDir, finalPath);
    const bytes = (await stat(tmp)).size;
    const sha1 = await sha1File(tmp);
    const crs = crsForEpsg(cogEpsg)!;
    // GSD in metres: projected units are metres; geographic degrees scale by the local radius.
    const geographic = cogEpsg === 4326 || cogEpsg === 4490;
    const lat = geographic ? gtOut[3] : crs.toLonLat(gtOut[0], gtOut[3])[1];
    const gsd = geographic ? Math.abs(gtOut[1]) * 111_320 * Math.cos((lat * Math.PI) / 180) : Math.abs(gtOut[1]);
    const multipolygon = { type: 'MultiPolygon', coordinates: rings.map((r) => [r]) };
    const client = await pool.connect();
    let previous: string | undefined;
    try {
      await client.query('BEGIN');
      const old = await client.query<{ cog_path: string }>('SELECT cog_path FROM imagery.items WHERE collection = $1 AND id = $2 FOR UPDATE', [req.collection, id]);
      previous = old.rows[0]?.cog_path;
      const { rows } = await client.query<{ area_km2: number }>(
        `WITH fp AS (
           -- Union in the COG's own grid (exact shared edges), smooth the pixel stair-steps
           -- (one mask cell), densify so long edges follow the CRS's curvature, then CGCS2000.
           SELECT ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Transform(ST_Segmentize(
                    ST_SimplifyPreserveTopology(ST_UnaryUnion(ST_SetSRID(ST_GeomFromGeoJSON($3), $7)), $13), $13 * 16), 4490)), 3)) AS g
         )
         INSERT INTO imagery.items (collection, id, datetime, cloud_cover, gsd_m, epsg, proj_shape, proj_transform, band_count, nodata, footprint, cog_path, cog_bytes, cog_sha1, properties)
         SELECT $1, $2, $4, $5, $6, $7, $8, $9, $10, $11, fp.g, $12, $14, $15, $16 FROM fp
         ON CONFLICT (collection, id) DO UPDATE SET datetime = EXCLUDED.datetime, cloud_cover = EXCLUDED.cloud_cover, gsd_m = EXCLUDED.gsd_m,
           epsg = EXCLUDED.epsg, proj_shape = EXCLUDED.proj_shape, proj_transform = EXCLUDED.proj_transform, band_count = EXCLUDED.band_count,
           nodata = EXCLUDED.nodata, footprint = EXCLUDED.footprint, cog_path = EXCLUDED.cog_path, cog_bytes = EXCLUDED.cog_bytes,
           cog_sha1 = EXCLUDED.cog_sha1, properties = EXCLUDED.properties, updated = now()
         RETURNING ST_Area(footprint::geography) / 1e6 AS area_km2`,
        [
          req.collection, id, JSON.stringify(multipolygon), datetime, cloudText ?? null, gsd, cogEpsg, shape,
          [gtOut[0], gtOut[1], gtOut[2], gtOut[3], gtOut[4], gtOut[5]], wantBands, nodata, relPath,
          // Simplify by one mask cell, in the COG's units.
          cellSize, bytes, sha1, JSON.stringify(req.properties ?? {}),
        ],
      );
      await rename(tmp, finalPath);
      await client.query('COMMIT');
      if (previous && previous !== relPath) await rm(join(req.imageryDir, previous), { force: true });
      return { collection: req.collection, id, epsg: cogEpsg, converted, cogPath: relPath, footprintAreaKm2: rows[0]!.area_km2 };
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      await rm(finalPath, { force: true });
      throw err;
    } finally {
      client.release();
    }
  } finally {
    await rm(tmp, { force: true });
  }
}
