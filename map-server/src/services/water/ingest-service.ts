/**
 * Writes a validated observation batch with one call of hydro.ingest_batch (migration 0090):
 * one statement, so one transaction — idempotent on (datastream, time), rollups refreshed and
 * alarms evaluated inside it, so a batch is applied whole or not at all.
 */
import type { Pool } from '../../db.ts';
import { AppError } from '../../errors.ts';
import type { BatchProblem, IngestReference, ObservationBatch } from './ingest-parse.ts';

/** A batch with bad rows: rejected whole, every bad row listed. */
export class BatchRejectedError extends AppError {
  override readonly name = 'BatchRejectedError';
  constructor(problems: readonly BatchProblem[]) {
    const first = problems[0]!;
    super(
      400,
      'BatchRejected',
      `批次被整体拒绝，${problems.length} 行有误 / batch rejected whole: ${problems.length} bad row(s); first: ${first.pointer !== undefined ? first.pointer : `row ${first.row}`}, ${first.field}: ${first.message}`,
      { errors: problems.slice(0, 1000), errorCount: problems.length },
    );
  }
}

const REFERENCE_SQL = {
  stations: 'SELECT stcd, sttp FROM hydro.st_stbprp_b WHERE usfl',
  datastreams: 'SELECT id, stcd, element, intv_min FROM hydro.datastream',
  elements: 'SELECT element, min_value, max_value FROM hydro.code_element',
  // The clock is the database's (one clock for every server process); the version says whether
  // the rows above changed since they were read (migration 0091).
  version: `SELECT (SELECT version FROM hydro.reference_version)::text AS version,
                   (extract(epoch FROM now()) * 1000 + 60000 * (SELECT value FROM hydro.setting WHERE key = 'future_tolerance_min'))::float8 AS latest`,
} as const;

const INGEST_SQL = 'SELECT written, events FROM hydro.ingest_batch($1::int[], $2::timestamptz[], $3::real[])';

type ReferenceRows = Omit<IngestReference, 'latestAcceptableMs'>;
/** Per pool: the reference rows and the version they were read at. */
const cached = new WeakMap<Pool, { readonly version: string; readonly rows: ReferenceRows }>();

/**
 * The reference data a batch is validated against (a few thousand rows): read again only when
 * its version moved, so a batch normally costs one small query here. The version is read
 * before the rows, so rows newer than their version only cause one extra reload.
 */
export async function loadIngestReference(pool: Pool): Promise<IngestReference> {
  const head = (await pool.query<{ version: string; latest: number }>(REFERENCE_SQL.version)).rows[0]!;
  let entry = cached.get(pool);
  if (entry?.version !== head.version) {
    const [st, ds, el] = await Promise.all([
      pool.query<{ stcd: string; sttp: string }>(REFERENCE_SQL.stations),
      pool.query<{ id: number; stcd: string; element: string; intv_min: number }>(REFERENCE_SQL.datastreams),
      pool.query<{ element: string; min_value: number; max_value: number }>(REFERENCE_SQL.elements),
    ]);
    entry = {
      version: head.version,
      rows: {
        stations: new Map(st.rows.map((r) => [r.stcd, r.sttp])),
        datastreams: new Map(ds.rows.map((r) => [`${r.stcd}/${r.element}`, { id: r.id, intvMin: r.intv_min }])),
        elements: new Map(el.rows.map((r) => [r.element, { minValue: r.min_value, maxValue: r.max_value }])),
      },
    };
    cached.set(pool, entry);
  }
  return { ...entry.rows, latestAcceptableMs: head.latest };
}

export interface IngestResult {
  /** Observations in the batch. */
  readonly received: number;
  /** New or changed observations actually written. */
  readonly written: number;
  /** Identical to what was stored already (a re-sent batch is all unchanged). */
  readonly unchanged: number;
  /** Alarm events (raised or cleared) this batch caused. */
  readonly alarmEvents: number;
}

/**
 * Array literals written directly: the elements are integers, finite numbers and ISO 8601
 * instants (no character an array literal must quote), so node-postgres's per-element quoting
 * and escaping of 36,000 values per batch is skipped.
 */
const arrayLiteral = (xs: readonly (number | string)[]) => `{${xs.join(',')}}`;

export async function ingestBatch(pool: Pool, batch: ObservationBatch): Promise<IngestResult> {
  const r = await pool.query<{ written: string; events: number }>(INGEST_SQL, [arrayLiteral(batch.datastreamIds), arrayLiteral(batch.times), arrayLiteral(batch.values)]);
  const received = batch.datastreamIds.length;
  const written = Number(r.rows[0]!.written);
  return { received, written, unchanged: received - written, alarmEvents: r.rows[0]!.events };
}
