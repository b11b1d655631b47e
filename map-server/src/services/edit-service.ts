/**
 * Creates, replaces, updates and deletes features of versioned layers, keeping every version,
 * with optimistic concurrency (ETag = version id; a stale If-Match is 412) and an audit row per
 * write. Each operation is one transaction; on any error nothing is written.
 */
import type { Box3857, TileCache } from '@onemap/tiles';
import type { PoolClient } from 'pg';
import type { Pool } from '../db.ts';
import { AppError, BadRequestError, NotFoundError } from '../errors.ts';
import type { Actor } from './auth-tokens.ts';
import type { FeatureInput, FeaturePatch } from './edit-input.ts';
import type { EditStatements } from './edit-sql.ts';
import type { LayerPlan } from './layer-plans.ts';

export interface EditContext {
  readonly pool: Pool;
  readonly cache: TileCache | undefined;
  readonly plan: LayerPlan;
  readonly sql: EditStatements;
  readonly actor: Actor;
  readonly comment: string | undefined;
  readonly requestId: string;
  readonly clientIp: string | undefined;
}

export interface EditResult {
  readonly fid: number;
  /** The new version's id (the ETag), absent after a delete. */
  readonly gid?: number;
}

export class PreconditionError extends AppError {
  override readonly name = 'PreconditionError';
  constructor(status: 412 | 428, message: string, details?: Record<string, unknown>) {
    super(status, status === 412 ? 'PreconditionFailed' : 'PreconditionRequired', message, details);
  }
}

interface Current {
  gid: number;
  properties: Record<string, unknown>;
  geometry: string;
  min_x: number;
  min_y: number;
  max_x: number;
  max_y: number;
}

/** `"123"` → 123; anything else is not one of our ETags. */
export function parseEtag(header: string | undefined): number | undefined {
  const m = /^\s*(?:W\/)?"(\d{1,18})"\s*$/.exec(header ?? '');
  return m ? Number(m[1]) : undefined;
}

/** SQLSTATEs after which the whole transaction may simply run again: deadlock, serialization failure. */
const TRANSIENT = new Set(['40P01', '40001']);

/**
 * Runs `fn` in a transaction; retried (up to 3 runs, short jittered pause) when PostgreSQL
 * aborted it as a deadlock victim. Seen under concurrent edits of nearby buildings: the
 * overview triggers of two transactions lock the same urban-area blobs in opposite orders.
 * `fn` only talks to the database, so running it again is safe; If-Match is re-checked.
 */
async function inTransaction<T>(pool: Pool, fn: (c: PoolClient) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await inTransactionOnce(pool, fn);
    } catch (err) {
      const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
      if (attempt >= 3 || !TRANSIENT.has(code)) throw err;
      await new Promise((r) => setTimeout(r, 10 * attempt + Math.random() * 40));
    }
  }
}

async function inTransactionOnce<T>(pool: Pool, fn: (c: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const out = await fn(client);
    await client.query('COMMIT');
    return out;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

async function checkValidity(c: PoolClient, e: EditContext, geometry: string): Promise<void> {
  const { rows } = await c.query<{ valid: boolean; reason: string | null; location: string | null }>(e.sql.validity, [geometry]);
  const r = rows[0];
  if (r && !r.valid)
    throw new BadRequestError(`invalid geometry: ${r.reason ?? 'unknown reason'}${r.location ? ` at ${r.location}` : ''}`, {
      property: 'geometry',
      reason: r.reason,
      location: r.location,
    });
}

/** Locks the current version and checks If-Match against it. */
async function lockForWrite(c: PoolClient, e: EditContext, fid: number, ifMatch: string | undefined): Promise<Current> {
  const expected = parseEtag(ifMatch);
  if (ifMatch === undefined) throw new PreconditionError(428, 'If-Match is required: send the ETag of the version you edited, so concurrent edits are never silently overwritten');
  let { rows } = await c.query<Current>(e.sql.lockCurrent, [fid]);
  // Under READ COMMITTED a version closed by a concurrent edit while we waited for its lock
  // drops out of the locked statement; the next statement sees the new current version.
  if (!rows[0]) ({ rows } = await c.query<Current>(e.sql.lockCurrent, [fid]));
  const current = rows[0];
  if (!current) throw new NotFoundError('NotFound', `collection "${e.plan.spec.id}" has no current feature ${fid}`);
  if (ifMatch.trim() !== '*' && expected !== current.gid)
    throw new PreconditionError(412, `the feature was changed since you read it (current version ${current.gid}); reload and edit again`, { currentVersion: current.gid });
  return current;
}

async function insertVersion(c: PoolClient, e: EditContext, fid: number | null, input: FeatureInput) {
  const values = e.plan.spec.properties.map((p) => input.properties[p.name] ?? null);
  const { rows } = await c.query<{ fid: number; gid: number } & Record<'min_x' | 'min_y' | 'max_x' | 'max_y', number>>(e.sql.insert, [
    fid,
    input.geometry,
    e.actor.name,
    e.comment ?? null,
    ...values,
  ]);
  return rows[0]!;
}

async function audit(c: PoolClient, e: EditContext, action: string, fid: number, oldGid: number | null, newGid: number | null): Promise<void> {
  await c.query(
    `INSERT INTO audit.edits (actor, action, layer_id, fid, old_gid, new_gid, comment, request_id, client_ip) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [e.actor.name, action, e.plan.spec.id, fid, oldGid, newGid, e.comment ?? null, e.requestId, e.clientIp ?? null],
  );
}

const box = (r: { min_x: number; min_y: number; max_x: number; max_y: number }): Box3857 => [r.min_x, r.min_y, r.max_x, r.max_y];

/**
 * The change-capture NOTIFY would invalidate too, a few ms after commit; doing it here before
 * answering guarantees the editor's next tile request sees the edit.
 */
async function invalidate(e: EditContext, boxes: Box3857[]): Promise<void> {
  await e.cache?.invalidate(e.plan.spec.id, boxes);
}

export async function createFeature(e: EditContext, input: FeatureInput): Promise<EditResult> {
  const row = await inTransaction(e.pool, async (c) => {
    await checkValidity(c, e, input.geometry);
    const r = await insertVersion(c, e, null, input);
    await audit(c, e, 'create', r.fid, null, r.gid);
    return r;
  });
  await invalidate(e, [box(row)]);
  return { fid: row.fid, gid: row.gid };
}

export async function replaceFeature(e: EditContext, fid: number, ifMatch: string | undefined, input: FeatureInput, action: 'replace' | 'update' = 'replace'): Promise<EditResult> {
  const [old, row] = await inTransaction(e.pool, async (c) => {
    const current = await lockForWrite(c, e, fid, ifMatch);
    await checkValidity(c, e, input.geometry);
    await c.query(e.sql.close, [current.gid]);
    const r = await insertVersion(c, e, fid, input);
    await audit(c, e, action, fid, current.gid, r.gid);
    return [current, r] as const;
  });
  await invalidate(e, [box(old), box(row)]);
  return { fid, gid: row.gid };
}

/** JSON merge patch: given members replace, `null` properties are cleared, absent ones kept. */
export async function updateFeature(e: EditContext, fid: number, ifMatch: string | undefined, patch: FeaturePatch): Promise<EditResult> {
  const [old, row] = await inTransaction(e.pool, async (c) => {
    const current = await lockForWrite(c, e, fid, ifMatch);
    const merged: FeatureInput = { geometry: patch.geometry ?? current.geometry, properties: { ...current.properties, ...patch.properties } };
    if (patch.geometry) await checkValidity(c, e, merged.geometry);
    await c.query(e.sql.close, [current.gid]);
    const r = await insertVersion(c, e, fid, merged);
    await audit(c, e, 'update', fid, current.gid, r.gid);
    return [current, r] as const;
  });
  await invalidate(e, [box(old), box(row)]);
  return { fid, gid: row.gid };
}

export async function deleteFeature(e: EditContext, fid: number, ifMatch: string | undefined): Promise<EditResult> {
  const old = await inTransaction(e.pool, async (c) => {
    const current = await lockForWrite(c, e, fid, ifMatch);
    await c.query(e.sql.close, [current.gid]);
    await audit(c, e, 'delete', fid, current.gid, null);
    return current;
  });
  await invalidate(e, [box(old)]);
  return { fid };
}

export interface Version {
  readonly version: number;
  readonly validFrom: string;
  readonly validTo: string | null;
  readonly changedBy: string;
  readonly comment: string | null;
  readonly properties: Record<string, unknown>;
  readonly geometry: unknown;
  /** Properties that differ from the previous version (all of them for the first). */
  readonly changedProperties: string[];
  readonly geometryChanged: boolean;
}

export async function featureHistory(pool: Pool, sql: EditStatements, fid: number): Promise<Version[]> {
  const { rows } = await pool.query<{
    gid: number;
    valid_from: Date;
    valid_to: Date | null;
    changed_by: string;
    change_note: string | null;
    properties: Record<string, unknown>;
    geometry: unknown;
  }>(sql.history, [fid]);
  return rows.map((r, i) => {
    const prev = rows[i - 1];
    const keys = Object.keys(r.properties);
    return {
      version: r.gid,
      validFrom: r.valid_from.toISOString(),
      validTo: r.valid_to ? r.valid_to.toISOString() : null,
      changedBy: r.changed_by,
      comment: r.change_note,
      properties: r.properties,
      geometry: r.geometry,
      changedProperties: prev ? keys.filter((k) => JSON.stringify(prev.properties[k]) !== JSON.stringify(r.properties[k])) : keys,
      geometryChanged: prev ? JSON.stringify(prev.geometry) !== JSON.stringify(r.geometry) : true,
    };
  });
}
