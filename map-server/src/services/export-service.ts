/**
 * Open-data export of a layer (GeoJSON, CSV, GeoPackage), honouring the items filters, streamed
 * from PostgreSQL through a server-side cursor: Node holds one batch of rows at a time, never
 * the layer. A selection above the configured cap is refused before anything is sent.
 *
 * GeoPackage: the GeoJSON stream is written as GeoJSON Sequence to a private temporary folder
 * and converted by ogr2ogr there; the file is streamed and the folder removed. ogr2ogr gets no
 * database connection (the PostgreSQL driver's -sql cannot bind parameters, and filter values
 * are never spliced into SQL).
 */
import { execFile } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { Zip, ZipDeflate } from 'fflate';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { AppError } from '../errors.ts';
import type { Pool } from '../db.ts';
import { CRS84 } from './crs.ts';
import { compileExportCountSql, compileExportCsvSql, compileExportGeoJsonSql, type CsvGeometry, type ExportFormat } from './export-sql.ts';
import type { ItemsQuery } from './features-params.ts';
import { bindQuery } from './features-service.ts';
import type { FeaturePlan } from './features-sql.ts';

/** Rows fetched per round trip. */
const BATCH_ROWS = 2000;

export class ExportTooLargeError extends AppError {
  override readonly name = 'ExportTooLargeError';
  constructor(cap: number) {
    super(413, 'ExportTooLarge', `the selection holds more than ${cap} features, the most one export may hold; narrow it with bbox, datetime, filter or a property parameter, or export in parts`, {
      maxFeatures: cap,
    });
  }
}

export class ExportToolError extends AppError {
  override readonly name = 'ExportToolError';
  constructor(message: string) {
    super(503, 'ExportUnavailable', message);
  }
}

export interface ExportOptions {
  readonly format: ExportFormat;
  /** Shapefile attribute encoding: UTF-8, or GBK for Chinese desktop GIS that ignore .cpg UTF-8. */
  readonly shpEncoding?: 'utf-8' | 'gbk';
  readonly maxFeatures: number;
  readonly csvGeometry?: CsvGeometry;
  readonly timeStamp?: string;
}

export interface ExportResult {
  readonly body: Readable;
  readonly numberMatched: number;
  /** Known for GeoPackage (a file); streams have none. */
  readonly length?: number;
}

/**
 * Rows of a statement through `DECLARE … CURSOR` in a read-only transaction, a batch at a time.
 * Stopping early (the client went away) rolls back and returns the connection.
 */
async function* cursorRows(pool: Pool, text: string, values: readonly unknown[]): AsyncGenerator<unknown[][]> {
  const client = await pool.connect();
  let done = false;
  let broken: Error | undefined;
  try {
    await client.query('BEGIN READ ONLY');
    await client.query({ text: `DECLARE export_rows NO SCROLL CURSOR FOR ${text}`, values: [...values] });
    for (;;) {
      const r = await client.query<unknown[]>({ text: `FETCH ${BATCH_ROWS} FROM export_rows`, rowMode: 'array' });
      if (!r.rows.length) break;
      yield r.rows;
    }
    await client.query('COMMIT');
    done = true;
  } finally {
    if (!done) await client.query('ROLLBACK').catch((err: unknown) => (broken = err as Error));
    client.release(broken);
  }
}

/** RFC 4180 field: quoted when it holds a comma, quote or line break; NULL is empty. */
function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

async function* geoJsonChunks(rows: AsyncIterable<unknown[][]>, head: string): AsyncGenerator<string> {
  yield head;
  let first = true;
  for await (const batch of rows) {
    yield `${first ? '' : ','}${batch.map((r) => r[0] as string).join(',')}`;
    first = false;
  }
  yield ']}';
}

async function* csvChunks(rows: AsyncIterable<unknown[][]>, header: readonly string[]): AsyncGenerator<string> {
  // The BOM lets spreadsheet programs read UTF-8 Chinese text correctly.
  yield `\uFEFF${header.join(',')}\r\n`;
  for await (const batch of rows) yield batch.map((r) => `${r.map(csvField).join(',')}\r\n`).join('');
}

async function* lineChunks(rows: AsyncIterable<unknown[][]>): AsyncGenerator<string> {
  for await (const batch of rows) yield batch.map((r) => `${r[0] as string}\n`).join('');
}

const run = promisify(execFile);

/** Streams a layer's selected features in the requested format, or throws ExportTooLargeError. */
export async function exportFeatures(pool: Pool, plan: FeaturePlan, query: Omit<ItemsQuery, 'limit' | 'offset'>, options: ExportOptions): Promise<ExportResult> {
  const spec = plan.layer.spec;
  const bound = bindQuery(plan, query);
  const values = [options.maxFeatures + 1, 0, ...bound.values];
  const { rows } = await pool.query<{ n: number }>({ text: compileExportCountSql(spec, bound.bbox, bound.time, bound.extra), values });
  const numberMatched = rows[0]!.n;
  if (numberMatched > options.maxFeatures) throw new ExportTooLargeError(options.maxFeatures);
  const crs = bound.extra.crs ?? CRS84;

  if (options.format === 'csv') {
    const { header, sql } = compileExportCsvSql(spec, bound.bbox, bound.time, bound.extra, options.csvGeometry ?? 'wkt');
    return { body: Readable.from(csvChunks(cursorRows(pool, sql, values), header)), numberMatched };
  }
  if (options.format === 'geojson') {
    const sql = compileExportGeoJsonSql(spec, bound.bbox, bound.time, bound.extra);
    const head = `{"type":"FeatureCollection","name":${JSON.stringify(spec.id)},"numberMatched":${numberMatched},"numberReturned":${numberMatched},"timeStamp":"${options.timeStamp ?? new Date().toISOString()}","features":[`;
    return { body: Readable.from(geoJsonChunks(cursorRows(pool, sql, values), head)), numberMatched };
  }

  const dir = await mkdtemp(join(tmpdir(), 'onemap-export-'));
  const cleanup = () => rm(dir, { recursive: true, force: true });
  try {
    // GDAL cannot open an empty GeoJSON Sequence: an empty selection is an empty collection.
    const source = join(dir, numberMatched ? 'features.geojsonl' : 'features.geojson');
    const sql = compileExportGeoJsonSql(spec, bound.bbox, bound.time, bound.extra, true);
    const lines = numberMatched ? lineChunks(cursorRows(pool, sql, values)) : ['{"type":"FeatureCollection","features":[]}'];
    await pipeline(Readable.from(lines), createWriteStream(source));
    const srs = crs.uri === CRS84.uri ? 'OGC:CRS84' : `EPSG:${crs.srid}`;
    const geometryType = numberMatched ? [] : ['-nlt', spec.table.geometryType.toUpperCase()];
    const shp = options.format === 'shp';
    const target = shp ? join(dir, 'shp') : join(dir, `${spec.id}.gpkg`);
    // Shapefile field names are at most 10 characters; GDAL shortens longer ones.
    const driver = shp ? ['-f', 'ESRI Shapefile', '-lco', `ENCODING=${options.shpEncoding === 'gbk' ? 'GBK' : 'UTF-8'}`] : ['-f', 'GPKG'];
    try {
      await run('ogr2ogr', [...driver, target, source, '-nln', spec.id, '-a_srs', srs, ...geometryType], { timeout: 600_000 });
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { stderr?: string };
      if (e.code === 'ENOENT') throw new ExportToolError(`${shp ? 'Shapefile' : 'GeoPackage'} export needs ogr2ogr (Debian gdal-bin), which is not installed`);
      throw new ExportToolError(`${shp ? 'Shapefile' : 'GeoPackage'} conversion failed: ${(e.stderr ?? e.message).slice(0, 300)}`);
    }
    if (shp) {
      const body = zipFolder(target);
      body.once('close', () => void cleanup());
      return { body, numberMatched };
    }
    const { size } = await stat(target);
    const body = createReadStream(target);
    body.once('close', () => void cleanup());
    return { body, numberMatched, length: size };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/**
 * Streams the files of a folder as one zip (fflate's streaming deflate), so a large Shapefile
 * is never held in memory whole.
 */
function zipFolder(dir: string): Readable {
  const out = new PassThrough();
  const zip = new Zip((err, chunk, final) => {
    if (err) {
      out.destroy(err);
      return;
    }
    out.write(Buffer.from(chunk));
    if (final) out.end();
  });
  void (async () => {
    try {
      for (const name of (await readdir(dir)).sort()) {
        const entry = new ZipDeflate(name, { level: 6 });
        zip.add(entry);
        for await (const chunk of createReadStream(join(dir, name))) entry.push(chunk as Buffer);
        entry.push(new Uint8Array(0), true);
      }
      zip.end();
    } catch (err) {
      out.destroy(err as Error);
    }
  })();
  return out;
}
