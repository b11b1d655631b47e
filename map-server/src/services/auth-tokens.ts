/**
 * API tokens for writers: 32 random bytes shown once, stored as a SHA-256 hash, revocable and
 * expiring. Deliberately the simplest real mechanism; user accounts and roles (the security
 * issue) replace the lookup, not the callers: routes only see an `Actor`.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Pool } from '../db.ts';
import { AppError } from '../errors.ts';

export type Role = 'editor' | 'admin';

export interface Actor {
  readonly name: string;
  readonly role: Role;
}

export class AuthError extends AppError {
  override readonly name = 'AuthError';
  constructor(status: 401 | 403, message: string) {
    super(status, status === 401 ? 'Unauthorized' : 'Forbidden', message);
  }
}

const hash = (token: string) => createHash('sha256').update(token, 'utf8').digest();

/** Creates a token and returns it in clear text: the only time it exists outside the caller. */
export async function createApiToken(pool: Pool, name: string, role: Role, days: number): Promise<string> {
  const token = `om_${randomBytes(32).toString('base64url')}`;
  await pool.query(`INSERT INTO auth.api_tokens (token_sha256, name, role, expires_at) VALUES ($1, $2, $3, now() + make_interval(days => $4))`, [
    hash(token),
    name,
    role,
    days,
  ]);
  return token;
}

export async function revokeApiToken(pool: Pool, token: string): Promise<boolean> {
  const r = await pool.query(`UPDATE auth.api_tokens SET revoked_at = now() WHERE token_sha256 = $1 AND revoked_at IS NULL`, [hash(token)]);
  return (r.rowCount ?? 0) > 0;
}

/** The actor behind an `Authorization: Bearer …` header; 401 when absent, unknown, expired or revoked. */
export async function authenticate(pool: Pool, authorization: string | undefined): Promise<Actor> {
  const m = /^Bearer\s+(om_[A-Za-z0-9_-]{43})$/.exec(authorization ?? '');
  if (!m) throw new AuthError(401, '需要编辑令牌 / an editor token is required: Authorization: Bearer om_…');
  const { rows } = await pool.query<{ name: string; role: Role }>(
    `SELECT name, role FROM auth.api_tokens WHERE token_sha256 = $1 AND revoked_at IS NULL AND expires_at > now()`,
    [hash(m[1]!)],
  );
  if (!rows[0]) throw new AuthError(401, '令牌无效、过期或已撤销 / the token is unknown, expired or revoked');
  return rows[0];
}
