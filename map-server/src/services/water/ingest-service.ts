/**
 * Writes a validated observation batch: one transaction, idempotent on (datastream, time),
 * rollups refreshed and alarms evaluated inside the same transaction (hydro.ingest_observations,
 * hydro.evaluate_alarms in migrations 0011/0012), so a batch is applied whole or not at all.
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
  now: `SELECT (extract(epoch FROM now()) * 1000 + 60000 * (SELECT value FROM hydro.setting WHERE key = 'future_tolerance_min'))::float8 AS latest`,
} as const;

const INGEST_SQL = 'SELECT written, ds, latest FROM hydro.ingest_observations($1::int[], $2::timestamptz[], $3::real[])';
const EVALUATE_SQL = 'SELECT hydro.evaluate_alarms($1::int[], $2::timestamptz[]) AS events';

/** Reads the reference data a batch is validated against (a few hundred rows). */
export async function loadIngestReference(pool: Pool): Promise<IngestReference> {
  const [st, ds, el, now] = await Promise.all([
    pool.query<{ stcd: string; sttp: string }>(REFERENCE_SQL.stations),
    pool.query<{ id: number; stcd: string; element: string; intv_min: number }>(REFERENCE_SQL.datastreams),
    pool.query<{ element: string; min_value: number; max_value: number }>(REFERENCE_SQL.elements),
    pool.query<{ latest: number }>(REFERENCE_SQL.now),
  ]);
  return {
    stations: new Map(st.rows.map((r) => [r.stcd, r.sttp])),
    datastreams: new Map(ds.rows.map((r) => [`${r.stcd}/${r.element}`, { id: r.id, intvMin: r.intv_min }])),
    elements: new Map(el.rows.map((r) => [r.element, { minValue: r.min_value, maxValue: r.max_value }])),
    latestAcceptableMs: now.rows[0]!.latest,
  };
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

export async function ingestBatch(pool: Pool, batch: ObservationBatch): Promise<IngestResult> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const w = await client.query<{ written: number; ds: number[] | null; latest: Date[] | null }>(INGEST_SQL, [batch.datastreamIds, batch.times, batch.values]);
    const { written, ds, latest } = w.rows[0]!;
    let alarmEvents = 0;
    if (ds && latest && ds.length) alarmEvents = (await client.query<{ events: number }>(EVALUATE_SQL, [ds, latest])).rows[0]!.events;
    await client.query('COMMIT');
    const received = batch.datastreamIds.length;
    return { received, written, unchanged: received - written, alarmEvents };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
