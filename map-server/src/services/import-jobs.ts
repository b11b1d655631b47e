/**
 * Import jobs, shared by `POST /imports` and `onemap import`: read and check the file up front
 * (every problem a caller can fix is a 4xx before any job exists), then a job row in
 * audit.imports that moves queued → running → done | failed with counts, while
 * `loadFeatures` writes the data in one transaction.
 */
import type { LayerSpec } from '@onemap/geodata/catalog';
import { extentOf, readDataset, ReadError, type CoordinateOffset, type Dataset, type ReadOptions, type SourceGeometry } from '@onemap/geodata/readers';
import type { Logger } from 'pino';
import type { Pool } from '../db.ts';
import { AppError, BadRequestError } from '../errors.ts';
import { GEOGRAPHIC_SRIDS, resolveImportCrs, type ResolvedCrs } from './import-crs.ts';
import { IMPORT_LOCK_CLASS, loadFeatures, type FieldMapping, type LoadCounts, type LoadResult } from './import-load.ts';

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

export interface ImportOptions {
  readonly crs?: number;
  readonly offset?: CoordinateOffset;
  /** target property → source field. */
  readonly map?: Readonly<Record<string, string>>;
  readonly dryRun: boolean;
  readonly strict: boolean;
  readonly comment?: string;
  readonly read: Omit<ReadOptions, 'maxFeatures'>;
}

/** A file read, its CRS decided and its fields mapped: ready to load. */
export interface PreparedImport {
  readonly layer: LayerSpec;
  readonly dataset: Dataset;
  readonly crs: ResolvedCrs;
  readonly mapping: readonly FieldMapping[];
  readonly ignoredFields: readonly string[];
  readonly options: ImportOptions;
}

/** 400/413/415 for a file we cannot read (ReadError from the readers). */
export function readErrorToApp(err: ReadError): AppError {
  return new AppError(err.status, err.code, err.message, err.details);
}

const norm = (s: string) => s.trim().toLowerCase();

/** Target property ← source field: explicit `map`, else the same name or the property's zh/en title. */
export function mapFields(layer: LayerSpec, dataset: Dataset, explicit: Readonly<Record<string, string>> = {}): { mapping: FieldMapping[]; ignored: string[] } {
  const names = dataset.fields.map((f) => f.name);
  for (const [target, source] of Object.entries(explicit)) {
    if (!layer.properties.some((p) => p.name === target))
      throw new BadRequestError(`map: 图层 ${layer.id} 没有属性 ${target} / layer ${layer.id} has no property "${target.slice(0, 40)}"; it has ${layer.properties.map((p) => p.name).join(', ')}`, { parameter: 'map' });
    if (!names.includes(source))
      throw new BadRequestError(`map: 文件中没有字段 ${source} / the file has no field "${source.slice(0, 40)}"; it has ${names.join(', ').slice(0, 300)}`, { parameter: 'map' });
  }
  const used = new Set<string>();
  const mapping = layer.properties.map((p) => {
    const source = explicit[p.name] ?? names.find((n) => !used.has(n) && [p.name, p.title.zh, p.title.en].some((k) => norm(k) === norm(n)));
    if (source !== undefined) used.add(source);
    return { target: p, source };
  });
  const missing = mapping.filter((m) => m.target.required && m.source === undefined).map((m) => m.target.name);
  if (missing.length)
    throw new BadRequestError(
      `必填属性无对应字段 / required propert${missing.length > 1 ? 'ies' : 'y'} ${missing.join(', ')} of layer ${layer.id} ha${missing.length > 1 ? 've' : 's'} no source field; map with map=${missing[0]}:FIELD. File fields: ${names.join(', ').slice(0, 300) || '(none)'}`,
      { parameter: 'map', missing, fields: names },
    );
  return { mapping, ignored: names.filter((n) => !used.has(n)) };
}

/** Reads the bytes, decides the CRS and maps the fields; throws 4xx AppErrors for what the caller must fix. */
export async function prepareImport(pool: Pool, layer: LayerSpec, bytes: Uint8Array, options: ImportOptions, maxFeatures: number): Promise<PreparedImport> {
  if (!layer.editable || layer.temporal !== 'versioned')
    throw new AppError(400, 'LayerNotImportable', `图层 ${layer.id} 不可导入（只读）/ layer ${layer.id} is read-only: imports go into editable layers`, { parameter: 'layer' });
  let dataset: Dataset;
  try {
    dataset = await readDataset(bytes, { ...options.read, maxFeatures });
  } catch (err) {
    throw err instanceof ReadError ? readErrorToApp(err) : err;
  }
  if (dataset.features.length === 0) throw new AppError(400, 'NoFeatures', '文件中没有要素 / the file holds no features');
  const geometries = dataset.features.map((f) => f.geometry).filter((g): g is SourceGeometry => g !== null);
  const extent = extentOf(geometries);
  if (!extent) throw new AppError(400, 'NoGeometry', '没有可读的坐标 / no feature has readable coordinates');
  const crs = await resolveImportCrs(pool, extent, dataset.declaredSrid, options.crs);
  if (options.offset && !GEOGRAPHIC_SRIDS.has(crs.srid))
    throw new BadRequestError(`coords=${options.offset} 只用于经纬度 / coords=${options.offset} applies to lon/lat only, but the data is in EPSG:${crs.srid}`, { parameter: 'coords' });
  const { mapping, ignored } = mapFields(layer, dataset, options.map);
  return { layer, dataset, crs, mapping, ignoredFields: ignored, options };
}

export interface JobCounts extends LoadCounts {
  readonly total: number;
}

export interface ImportJob {
  readonly id: number;
  readonly status: JobStatus;
  readonly layer: string;
  readonly actor: string;
  readonly via: 'api' | 'cli';
  readonly fileName: string | null;
  readonly format: string;
  readonly sizeBytes: number;
  readonly dryRun: boolean;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  readonly counts: JobCounts;
  readonly error?: { code: string; message: string };
  readonly report?: ImportReport;
}

export interface ImportReport {
  readonly layer: string;
  readonly format: string;
  readonly encoding?: string;
  readonly crs: { readonly srid: number; readonly source: ResolvedCrs['source']; readonly extent4490: readonly number[] };
  readonly coords: CoordinateOffset | 'none';
  readonly fields: readonly { name: string; type: string; target: string | null }[];
  readonly ignoredFields: readonly string[];
  readonly unmappedProperties: readonly string[];
  readonly notes: readonly string[];
  readonly committed: boolean;
  readonly counts: JobCounts;
  readonly repairs: LoadResult['repairs'];
  readonly rejections: LoadResult['rejections'];
}

export function buildReport(p: PreparedImport, result: LoadResult): ImportReport {
  const targetOf = new Map(p.mapping.filter((m) => m.source !== undefined).map((m) => [m.source!, m.target.name]));
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  return {
    layer: p.layer.id,
    format: p.dataset.format,
    ...(p.dataset.encoding ? { encoding: p.dataset.encoding } : {}),
    crs: { srid: p.crs.srid, source: p.crs.source, extent4490: p.crs.extent4490.map(round) },
    coords: p.options.offset ?? 'none',
    fields: p.dataset.fields.map((f) => ({ name: f.name, type: f.type, target: targetOf.get(f.name) ?? null })),
    ignoredFields: p.ignoredFields,
    unmappedProperties: p.mapping.filter((m) => m.source === undefined).map((m) => m.target.name),
    notes: p.dataset.notes,
    committed: result.committed,
    counts: { total: p.dataset.features.length, ...result.counts },
    repairs: result.repairs,
    rejections: result.rejections,
  };
}

/** Creates the job row (queued). */
export async function createJob(pool: Pool, p: PreparedImport, meta: { actor: string; via: 'api' | 'cli'; fileName: string | undefined; sizeBytes: number }): Promise<number> {
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO audit.imports (actor, via, layer_id, file_name, format, size_bytes, options, dry_run, total)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
    [meta.actor, meta.via, p.layer.id, meta.fileName ?? null, p.dataset.format, meta.sizeBytes, JSON.stringify({ ...p.options, srid: p.crs.srid }), p.options.dryRun, p.dataset.features.length],
  );
  return rows[0]!.id;
}

/**
 * Runs a queued job to its end: running (once the transaction holds the job's lock), progress
 * per chunk, done inside the data's transaction, failed (with the error) otherwise.
 */
export async function runJob(pool: Pool, jobId: number, p: PreparedImport, actor: string, onProgress?: (c: JobCounts) => void, logger?: Logger): Promise<ImportJob> {
  const total = p.dataset.features.length;
  const progress = async (c: LoadCounts) => {
    await pool.query(`UPDATE audit.imports SET processed = $2, inserted = $3, repaired = $4, rejected = $5 WHERE id = $1`, [jobId, c.processed, c.inserted, c.repaired, c.rejected]);
    onProgress?.({ total, ...c });
  };
  const finish = async (db: Pick<Pool, 'query'>, result: LoadResult) => {
    const report = buildReport(p, result);
    await db.query(
      `UPDATE audit.imports SET status = 'done', finished_at = clock_timestamp(), processed = $2, inserted = $3, repaired = $4, rejected = $5, report = $6 WHERE id = $1`,
      [jobId, result.counts.processed, result.counts.inserted, result.counts.repaired, result.counts.rejected, JSON.stringify(report)],
    );
  };
  try {
    const result = await loadFeatures(
      pool,
      { jobId, layer: p.layer, srid: p.crs.srid, offset: p.options.offset, mapping: p.mapping, features: p.dataset.features, actor, comment: p.options.comment, dryRun: p.options.dryRun, strict: p.options.strict },
      {
        // 'running' only once the transaction holds the job's lock, so "running without the lock" means interrupted.
        onLocked: async () => void (await pool.query(`UPDATE audit.imports SET status = 'running', started_at = clock_timestamp() WHERE id = $1`, [jobId])),
        onProgress: progress,
        beforeCommit: (client, r) => finish(client, r),
      },
    );
    if (p.options.dryRun) await finish(pool, result);
  } catch (err) {
    const known = err instanceof AppError;
    if (!known) logger?.error({ err, jobId }, 'import failed');
    const error = known ? { code: err.code, message: err.message } : { code: 'ImportFailed', message: `导入失败，未写入任何要素 / the import failed and wrote nothing (${(err as { code?: string }).code ?? 'internal error'}; the server log has the details)` };
    const partial = (err as { result?: LoadResult }).result;
    await pool.query(`UPDATE audit.imports SET status = 'failed', finished_at = clock_timestamp(), inserted = 0, error = $2, report = $3 WHERE id = $1`, [
      jobId,
      JSON.stringify(error),
      partial ? JSON.stringify(buildReport(p, partial)) : null,
    ]);
  }
  return (await getJob(pool, jobId))!;
}

interface JobRow {
  id: number;
  status: JobStatus;
  layer_id: string;
  actor: string;
  via: 'api' | 'cli';
  file_name: string | null;
  format: string;
  size_bytes: number;
  dry_run: boolean;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  total: number;
  processed: number;
  inserted: number;
  repaired: number;
  rejected: number;
  error: { code: string; message: string } | null;
  report: ImportReport | null;
  locked: boolean;
}

const INTERRUPTED = { code: 'Interrupted', message: '导入进程中断（被终止或崩溃），未写入任何要素 / the importing process stopped (killed or crashed) before committing; nothing was written' };

/** A job as clients see it; a 'running' job whose transaction is gone is reported (and recorded) as failed. */
export async function getJob(pool: Pool, id: number): Promise<ImportJob | undefined> {
  const { rows } = await pool.query<JobRow>(
    `SELECT i.*, EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.classid = $2::bigint::oid AND l.objid = i.id::oid AND l.objsubid = 2 AND l.granted) AS locked
       FROM audit.imports i WHERE i.id = $1`,
    [id, IMPORT_LOCK_CLASS],
  );
  let r = rows[0];
  if (!r) return undefined;
  if (r.status === 'running' && !r.locked) {
    // Only if still running: a commit racing with this read has already set 'done'.
    const upd = await pool.query<JobRow>(
      `UPDATE audit.imports SET status = 'failed', finished_at = clock_timestamp(), inserted = 0, error = $2
        WHERE id = $1 AND status = 'running'
          AND NOT EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.classid = $3::bigint::oid AND l.objid = $1::bigint::oid AND l.objsubid = 2)
        RETURNING *, false AS locked`,
      [id, JSON.stringify(INTERRUPTED), IMPORT_LOCK_CLASS],
    );
    if (upd.rows[0]) r = upd.rows[0];
  }
  return {
    id: r.id,
    status: r.status,
    layer: r.layer_id,
    actor: r.actor,
    via: r.via,
    fileName: r.file_name,
    format: r.format,
    sizeBytes: r.size_bytes,
    dryRun: r.dry_run,
    createdAt: r.created_at.toISOString(),
    startedAt: r.started_at?.toISOString() ?? null,
    finishedAt: r.finished_at?.toISOString() ?? null,
    counts: { total: r.total, processed: r.processed, inserted: r.inserted, repaired: r.repaired, rejected: r.rejected },
    ...(r.error ? { error: r.error } : {}),
    ...(r.report ? { report: r.report } : {}),
  };
}

/** One import at a time per process (the rest wait as 'queued'): two cores, one PostGIS. */
export class ImportQueue {
  #tail: Promise<unknown> = Promise.resolve();
  enqueue(task: () => Promise<unknown>): void {
    this.#tail = this.#tail.then(task, task).catch(() => undefined);
  }
  /** Resolves when every queued job has finished (tests, graceful shutdown). */
  idle(): Promise<void> {
    return this.#tail.then(() => undefined);
  }
}
