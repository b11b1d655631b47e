/**
 * The audit log (`audit.events`, migration 0082): who, what, when, from where. Entries carry
 * the method, the path without its query string (a query may carry credentials), the layers
 * touched and a small detail object built by our own code — never a body, header or token.
 */
import type { Pool } from '../db.ts';
import { BadRequestError } from '../errors.ts';
import type { Principal } from './principal.ts';

export type AuditAction = 'write' | 'read' | 'login' | 'login_failed' | 'logout' | 'admin';

export interface AuditEntry {
  readonly principal: Principal;
  readonly action: AuditAction;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly layers?: readonly string[];
  readonly classification?: 'public' | 'internal' | 'restricted';
  readonly detail?: Readonly<Record<string, string | number | boolean | null>>;
  readonly requestId?: string;
  readonly clientIp?: string;
}

export async function writeAudit(pool: Pool, e: AuditEntry): Promise<void> {
  await pool.query(
    `INSERT INTO audit.events (actor, role, department_code, action, method, path, status, layers, classification, detail, request_id, client_ip)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      e.principal.name,
      e.principal.role,
      e.principal.department,
      e.action,
      e.method,
      e.path.slice(0, 500),
      e.status,
      e.layers ?? [],
      e.classification ?? null,
      JSON.stringify(e.detail ?? {}),
      e.requestId ?? null,
      e.clientIp || null,
    ],
  );
}

export interface AuditQuery {
  readonly actor?: string;
  readonly action?: AuditAction;
  readonly layer?: string;
  readonly from?: string;
  readonly to?: string;
  readonly limit: number;
}

const ACTIONS: readonly AuditAction[] = ['write', 'read', 'login', 'login_failed', 'logout', 'admin'];

/** Parses `actor`, `action`, `layer`, `from`, `to`, `limit` (newest first, at most 1000). */
export function parseAuditQuery(q: Readonly<Record<string, string | undefined>>): AuditQuery {
  const limit = q['limit'] === undefined ? 100 : Number(q['limit']);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new BadRequestError('limit 须为 1..1000 的整数 / limit must be an integer 1..1000', { parameter: 'limit' });
  const action = q['action'];
  if (action !== undefined && !ACTIONS.includes(action as AuditAction)) throw new BadRequestError(`action 须为 / action must be one of ${ACTIONS.join(', ')}`, { parameter: 'action' });
  for (const k of ['from', 'to'] as const) {
    const v = q[k];
    if (v !== undefined && (!/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(v) || Number.isNaN(Date.parse(v))))
      throw new BadRequestError(`${k} 须为 RFC 3339 时间 / ${k} must be an RFC 3339 date or date-time`, { parameter: k });
  }
  return {
    limit,
    ...(q['actor'] !== undefined ? { actor: q['actor'].slice(0, 100) } : {}),
    ...(action !== undefined ? { action: action as AuditAction } : {}),
    ...(q['layer'] !== undefined ? { layer: q['layer'].slice(0, 100) } : {}),
    ...(q['from'] !== undefined ? { from: q['from'] } : {}),
    ...(q['to'] !== undefined ? { to: q['to'] } : {}),
  };
}

export async function queryAudit(pool: Pool, q: AuditQuery): Promise<unknown[]> {
  const { rows } = await pool.query(
    `SELECT id, at, actor, role, department_code AS department, action, method, path, status, layers, classification, detail, request_id AS "requestId", host(client_ip) AS "clientIp"
       FROM audit.events
      WHERE ($1::text IS NULL OR actor = $1) AND ($2::text IS NULL OR action = $2) AND ($3::text IS NULL OR $3 = ANY(layers))
        AND ($4::timestamptz IS NULL OR at >= $4) AND ($5::timestamptz IS NULL OR at < $5)
      ORDER BY id DESC LIMIT $6`,
    [q.actor ?? null, q.action ?? null, q.layer ?? null, q.from ?? null, q.to ?? null, q.limit],
  );
  return rows;
}
