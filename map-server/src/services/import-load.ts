/**
 * Loads read features into an editable (versioned) catalogued layer in ONE transaction:
 * normalise in Node (GCJ-02/BD-09 removal, ring closing, property coercion), then per chunk
 * stage in a temporary table where PostGIS repairs (ST_MakeValid, keep the layer's dimension,
 * drop Z) and transforms to CGCS2000, then insert new feature versions with their audit rows.
 * A chunk the table's constraints refuse is retried row by row under savepoints, so one bad
 * row is rejected (and named) instead of failing the file.
 *
 * Atomicity: nothing is committed before the end; a failure rolls back; a killed process
 * (server or CLI, even SIGKILL) drops its connection and PostgreSQL rolls the transaction
 * back — the target table is exactly as before. The job row (import-jobs.ts) reaches 'done'
 * inside the same transaction, so "done" and "the data is there" are one fact.
 */
import type { LayerSpec, PropertySpec } from '@onemap/geodata/catalog';
import { checkGeometry, coerceValue, mapPositions, offsetRemover, type CoordinateOffset, type SourceFeature } from '@onemap/geodata/readers';
import { quoteIdent, quoteQualified } from '@onemap/tiles';
import type pg from 'pg';
import type { Pool } from '../db.ts';
import { AppError } from '../errors.ts';

/** One catalogue property and the source field that feeds it (undefined: left empty). */
export interface FieldMapping {
  readonly target: PropertySpec;
  readonly source: string | undefined;
}

export interface LoadPlan {
  readonly jobId: number;
  readonly layer: LayerSpec;
  readonly srid: number;
  readonly offset: CoordinateOffset | undefined;
  readonly mapping: readonly FieldMapping[];
  readonly features: readonly SourceFeature[];
  readonly actor: string;
  readonly comment: string | undefined;
  /** Run everything, report, and roll back. */
  readonly dryRun: boolean;
  /** Any rejected feature fails the whole import. */
  readonly strict: boolean;
}

export interface LoadCounts {
  readonly processed: number;
  readonly inserted: number;
  readonly repaired: number;
  readonly rejected: number;
}

export interface RowNote {
  readonly row: number;
  readonly reason: string;
}

export interface LoadResult {
  readonly counts: LoadCounts;
  readonly committed: boolean;
  /** First REPORT_ROWS of each; the counts hold the totals. */
  readonly repairs: readonly RowNote[];
  readonly rejections: readonly RowNote[];
}

/** Advisory lock key 1 ('IMPO'); key 2 is the job id. Held by the import transaction. */
export const IMPORT_LOCK_CLASS = 0x494d504f;
const CHUNK = 1000;
const STATEMENT_TIMEOUT_S = 300;
const REPORT_ROWS = 1000;

const CAST: Record<PropertySpec['type'], string> = { string: 'text', integer: 'bigint', number: 'double precision', boolean: 'boolean', date: 'date', datetime: 'timestamptz' };
const DIMENSION: Record<LayerSpec['table']['geometryType'], number> = { Point: 1, MultiPoint: 1, LineString: 2, MultiLineString: 2, Polygon: 3, MultiPolygon: 3 };
const TYPE_ZH: Record<number, string> = { 1: '点', 2: '线', 3: '面' };

/** Statements for one layer (identifiers from the catalogue only, values bound). */
function compileLoadSql(layer: LayerSpec) {
  const t = layer.table;
  const dim = DIMENSION[t.geometryType];
  const multi = t.geometryType.startsWith('Multi');
  // Multi layers take any count of parts; single layers exactly one.
  const shape = multi ? 'ST_Multi(g)' : 'CASE WHEN ST_NumGeometries(g) = 1 THEN ST_GeometryN(g, 1) END';
  // MATERIALIZED: inlined, every later mention of g0/g would re-run the parse/repair chain (12× slower).
  const stage = `
WITH src AS MATERIALIZED (
  SELECT r, p, ST_SetSRID(ST_GeomFromGeoJSON(g), $4::int) AS g0 FROM unnest($1::int[], $2::text[], $3::jsonb[]) AS t(r, g, p)
), chk AS MATERIALIZED (
  SELECT r, p, ST_CoordDim(g0) > 2 AS had_z, ST_Force2D(g0) AS g0 FROM src
), fix AS MATERIALIZED (
  SELECT r, p, had_z, v.ok, CASE WHEN v.ok THEN NULL ELSE ST_IsValidReason(g0) END AS why,
         ST_CollectionExtract(CASE WHEN v.ok THEN g0 ELSE ST_MakeValid(g0, 'method=structure') END, ${dim}) AS g
    FROM chk, LATERAL (SELECT ST_IsValid(g0) AS ok) v
), shaped AS MATERIALIZED (
  SELECT r, p, had_z, why, CASE WHEN ST_IsEmpty(g) THEN NULL ELSE ${shape} END AS g FROM fix
), placed AS MATERIALIZED (
  SELECT r, p, had_z, why, CASE WHEN g IS NULL THEN NULL ELSE ST_Transform(g, 4490) END AS g FROM shaped
)
INSERT INTO pg_temp.import_stage (row_no, geom, props, repair, reject)
SELECT r, CASE WHEN ok_geom THEN g END, p,
       NULLIF(concat_ws('; ', why, CASE WHEN had_z THEN 'Z dropped' END), ''),
       CASE WHEN g IS NULL THEN '几何不是${TYPE_ZH[dim]}，或修复后退化 / geometry is not a ${t.geometryType.replace('Multi', '').toLowerCase()} (or collapsed when repaired)'
            WHEN NOT ok_geom THEN '转换后不在中国境内（坐标系错误?）/ outside China after transformation (wrong CRS?)' END
  FROM (SELECT *, g IS NOT NULL AND ST_Intersects(g, ST_MakeEnvelope(73, 3, 136, 54, 4490)) AS ok_geom FROM placed) y
RETURNING row_no, repair, reject`;
  const cols = layer.properties.map((p) => quoteIdent(p.name));
  const vals = layer.properties.map((p) => `(s.props->>${literal(p.name)})::${CAST[p.type]}`);
  const seq = `nextval(pg_get_serial_sequence(${literal(`${t.schema}.${t.name}`)}, ${literal(t.idColumn)}))`;
  const insert = `
WITH ins AS (
  INSERT INTO ${quoteQualified(t.schema, t.name)} (${quoteIdent(t.idColumn)}, valid, changed_by, change_note, ${quoteIdent(t.geometryColumn)}${cols.map((c) => `, ${c}`).join('')})
  SELECT ${seq}, tstzrange(now(), NULL), $1, $2, s.geom${vals.map((v) => `, ${v}`).join('')}
    FROM pg_temp.import_stage s WHERE s.row_no = ANY($3::int[]) AND s.reject IS NULL ORDER BY s.row_no
  RETURNING ${quoteIdent(t.idColumn)} AS fid, gid
)
INSERT INTO audit.edits (actor, action, layer_id, fid, new_gid, comment) SELECT $1, 'create', $4, fid, gid, $2 FROM ins`;
  return { stage, insert };
}

/** A SQL string literal of catalogue text (identifiers' names; never request input). */
function literal(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

interface Prepared {
  readonly row: number;
  readonly geometry: string;
  readonly props: string;
  readonly repairs: readonly string[];
}

/** Node-side normalisation of one feature: a staged row, or the reason it is rejected. */
function prepare(f: SourceFeature, plan: LoadPlan, unoffset: ((p: readonly [number, number]) => [number, number]) | undefined): Prepared | RowNote {
  if (f.geometry === null) return { row: f.row, reason: f.problem ?? '没有几何 / no geometry' };
  const checked = checkGeometry(f.geometry);
  if (!checked.ok) return { row: f.row, reason: checked.reason };
  const geometry = unoffset ? mapPositions(checked.geometry, unoffset) : checked.geometry;
  const props: Record<string, unknown> = {};
  for (const m of plan.mapping) {
    const raw = m.source === undefined ? null : f.properties[m.source];
    const c = coerceValue(raw, m.target.type);
    if (!c.ok) return { row: f.row, reason: `${m.target.name} ← ${m.source}: ${c.reason}` };
    if (c.value === null && m.target.required) return { row: f.row, reason: `${m.target.name} 必填但为空 / ${m.target.name} is required but empty${m.source ? ` (source field ${m.source})` : ''}` };
    props[m.target.name] = c.value;
  }
  return { row: f.row, geometry: JSON.stringify(geometry), props: JSON.stringify(props), repairs: checked.repairs };
}

const isDataError = (err: unknown) => /^(23|22)/.test(String((err as { code?: unknown })?.code ?? ''));

function describeDbError(err: unknown): string {
  const e = err as { code?: string; constraint?: string; column?: string; message?: string };
  if (e.constraint) return `违反约束 ${e.constraint} / violates constraint ${e.constraint}`;
  if (e.column) return `字段 ${e.column} 的值无效 / invalid value for ${e.column}`;
  return `数据库拒绝 / refused by the database (${e.code ?? 'error'})`;
}

export interface LoadHooks {
  /** Once the transaction holds the job's advisory lock (before any data is written). */
  readonly onLocked?: () => Promise<void>;
  /** After every chunk (outside the transaction: the caller records progress elsewhere). */
  readonly onProgress?: (counts: LoadCounts) => Promise<void> | void;
  /** Inside the transaction, just before COMMIT: the job's final state, atomically with the data. */
  readonly beforeCommit?: (client: pg.PoolClient, result: LoadResult) => Promise<void>;
}

/** Thrown when `strict` is set and features were rejected (nothing is written). */
export class ImportRejectedError extends AppError {
  override readonly name = 'ImportRejectedError';
  constructor(rejected: number) {
    super(400, 'ImportRejected', `${rejected} 个要素被拒绝，严格模式下不导入任何要素 / ${rejected} feature(s) were rejected; strict mode imports nothing (see the report)`, { rejected });
  }
}

/** Runs the load; resolves with the result (committed, or rolled back for a dry run). */
export async function loadFeatures(pool: Pool, plan: LoadPlan, hooks: LoadHooks = {}): Promise<LoadResult> {
  const sql = compileLoadSql(plan.layer);
  const unoffset = plan.offset ? offsetRemover(plan.offset) : undefined;
  const repairs: RowNote[] = [];
  const rejections: RowNote[] = [];
  let processed = 0;
  let inserted = 0;
  let repaired = 0;
  let rejected = 0;
  const reject = (n: RowNote) => {
    rejected++;
    if (rejections.length < REPORT_ROWS) rejections.push(n);
  };
  const note = `import #${plan.jobId}${plan.comment ? `: ${plan.comment}` : ''}`;
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    // A background job: one chunk of large polygons may repair for longer than a request may run.
    await client.query(`SET LOCAL statement_timeout = '${STATEMENT_TIMEOUT_S}s'`);
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [IMPORT_LOCK_CLASS, plan.jobId]);
    await hooks.onLocked?.();
    await client.query('CREATE TEMP TABLE import_stage (row_no int PRIMARY KEY, geom geometry, props jsonb, repair text, reject text) ON COMMIT DROP');
    for (let start = 0; start < plan.features.length; start += CHUNK) {
      const staged: Prepared[] = [];
      const nodeRepairs = new Map<number, readonly string[]>();
      for (const f of plan.features.slice(start, start + CHUNK)) {
        const p = prepare(f, plan, unoffset);
        if ('reason' in p) reject(p);
        else {
          staged.push(p);
          if (p.repairs.length) nodeRepairs.set(p.row, p.repairs);
        }
      }
      if (staged.length) {
        const { rows } = await client.query<{ row_no: number; repair: string | null; reject: string | null }>(sql.stage, [
          staged.map((s) => s.row),
          staged.map((s) => s.geometry),
          staged.map((s) => s.props),
          plan.srid,
        ]);
        const ok: number[] = [];
        for (const r of rows.sort((a, b) => a.row_no - b.row_no)) {
          if (r.reject !== null) {
            reject({ row: r.row_no, reason: r.reject });
            continue;
          }
          ok.push(r.row_no);
          const all = [...(nodeRepairs.get(r.row_no) ?? []), ...(r.repair ? [r.repair] : [])];
          if (all.length) {
            repaired++;
            if (repairs.length < REPORT_ROWS) repairs.push({ row: r.row_no, reason: all.join('; ') });
          }
        }
        inserted += await insertRows(client, sql.insert, ok, plan, note, reject);
      }
      processed += Math.min(CHUNK, plan.features.length - start);
      await hooks.onProgress?.({ processed, inserted, repaired, rejected });
    }
    const result: LoadResult = { counts: { processed, inserted, repaired, rejected }, committed: !plan.dryRun, repairs, rejections };
    if (plan.strict && rejected > 0) throw new ImportRejectedError(rejected);
    if (plan.dryRun) {
      await client.query('ROLLBACK');
      return result;
    }
    await hooks.beforeCommit?.(client, result);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    if (err instanceof ImportRejectedError) Object.assign(err, { result: { counts: { processed, inserted: 0, repaired, rejected }, committed: false, repairs, rejections } });
    throw err;
  } finally {
    client.release();
  }
}

/** Inserts staged rows; a chunk refused by a constraint is retried row by row under savepoints. */
async function insertRows(client: pg.PoolClient, sql: string, rows: number[], plan: LoadPlan, note: string, reject: (n: RowNote) => void): Promise<number> {
  if (rows.length === 0) return 0;
  const params = (r: number[]) => [plan.actor, note, r, plan.layer.id];
  await client.query('SAVEPOINT import_chunk');
  try {
    const res = await client.query(sql, params(rows));
    await client.query('RELEASE SAVEPOINT import_chunk');
    return res.rowCount ?? 0;
  } catch (err) {
    if (!isDataError(err)) throw err;
    await client.query('ROLLBACK TO SAVEPOINT import_chunk');
  }
  let n = 0;
  for (const r of rows) {
    try {
      const res = await client.query(sql, params([r]));
      await client.query('RELEASE SAVEPOINT import_chunk');
      await client.query('SAVEPOINT import_chunk');
      n += res.rowCount ?? 0;
    } catch (err) {
      if (!isDataError(err)) throw err;
      await client.query('ROLLBACK TO SAVEPOINT import_chunk');
      reject({ row: r, reason: describeDbError(err) });
    }
  }
  await client.query('RELEASE SAVEPOINT import_chunk');
  return n;
}
