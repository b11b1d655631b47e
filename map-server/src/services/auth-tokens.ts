/**
 * API tokens: 32 random bytes shown once, stored as a SHA-256 hash, revocable and expiring.
 * A token stands alone (a name, a role, optionally a department) or belongs to a user and then
 * carries the user's role and department. Writers call `authenticate()`, which maps any bearer
 * (API token or login session, principal.ts) to an `Actor` allowed to write.
 */
import { randomBytes } from 'node:crypto';
import type { Pool } from '../db.ts';
import { AppError } from '../errors.ts';
import { BEARER, principalOfToken, tokenHash as hash } from './principal.ts';

/** Roles that may write. */
export type Role = 'editor' | 'admin';
/** Roles an API token may carry ('staff' reads its department's layers, never writes). */
export type TokenRole = 'staff' | Role;

export interface Actor {
  readonly name: string;
  readonly role: Role;
  /** Department (责任单位) code of the writer, when it has one. */
  readonly department?: string | null;
}

export class AuthError extends AppError {
  override readonly name = 'AuthError';
  constructor(status: 401 | 403, message: string) {
    super(status, status === 401 ? 'Unauthorized' : 'Forbidden', message);
  }
}

/**
 * Creates a token and returns it in clear text: the only time it exists outside the caller.
 * `owner` ties it to a user (role and department then come from the user) or gives a department.
 */
export async function createApiToken(pool: Pool, name: string, role: TokenRole, days: number, owner: { userId?: number; department?: string } = {}): Promise<string> {
  const token = `om_${randomBytes(32).toString('base64url')}`;
  await pool.query(
    `INSERT INTO auth.api_tokens (token_sha256, name, role, expires_at, user_id, department_code) VALUES ($1, $2, $3, now() + make_interval(days => $4), $5, $6)`,
    [hash(token), name, role, days, owner.userId ?? null, owner.department ?? null],
  );
  return token;
}

export async function revokeApiToken(pool: Pool, token: string): Promise<boolean> {
  const r = await pool.query(`UPDATE auth.api_tokens SET revoked_at = now() WHERE token_sha256 = $1 AND revoked_at IS NULL`, [hash(token)]);
  return (r.rowCount ?? 0) > 0;
}

/**
 * The writer behind an `Authorization: Bearer …` header (API token or login session): 401 when
 * absent, unknown, expired, revoked or of a disabled user; 403 for department staff (read-only).
 */
export async function authenticate(pool: Pool, authorization: string | undefined): Promise<Actor> {
  const m = BEARER.exec(authorization ?? '');
  if (!m) throw new AuthError(401, '需要编辑令牌 / an editor token is required: Authorization: Bearer om_…');
  const principal = await principalOfToken(pool, m[1]!);
  if (!principal) throw new AuthError(401, '令牌无效、过期或已撤销 / the token is unknown, expired or revoked');
  if (principal.role !== 'editor' && principal.role !== 'admin') throw new AuthError(403, '该账号只读,不能写入 / this account may read but not write');
  return { name: principal.name, role: principal.role, department: principal.department };
}
