/**
 * Who is asking: the request-wide principal (`koa.state.principal`). Anonymous callers are the
 * `public` role. Department staff read their department's internal and restricted layers,
 * editors may also write, administrators see and do everything. Every surface asks
 * `audienceOf(principal, layer)` (access-policy.ts) rather than looking at roles itself.
 */
import { createHash } from 'node:crypto';
import type { Pool } from '../db.ts';

export type PrincipalRole = 'public' | 'staff' | 'editor' | 'admin';

export interface Principal {
  /** How the caller proved who it is. */
  readonly via: 'anonymous' | 'session' | 'api-token';
  /** User name (or token name); 'anonymous' for the public. */
  readonly name: string;
  readonly role: PrincipalRole;
  /** Department (责任单位) code, null for the public and department-less administrators. */
  readonly department: string | null;
  readonly userId: number | null;
}

export const ANONYMOUS: Principal = Object.freeze({ via: 'anonymous', name: 'anonymous', role: 'public', department: null, userId: null });

/** `om_…` API tokens and `os_…` login sessions: a prefix and 32 random bytes in base64url. */
export const BEARER = /^Bearer\s+(o[ms]_[A-Za-z0-9_-]{43})$/;

export const tokenHash = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

/**
 * The principal behind a bearer token, or undefined when the token is unknown, expired,
 * revoked or belongs to a disabled user. Only the hash is looked up.
 */
export async function principalOfToken(pool: Pool, token: string): Promise<Principal | undefined> {
  const hash = tokenHash(token);
  if (token.startsWith('os_')) {
    const { rows } = await pool.query<{ id: number; username: string; role: PrincipalRole; department_code: string | null }>(
      `SELECT u.id, u.username, u.role, u.department_code
         FROM auth.sessions s JOIN auth.users u ON u.id = s.user_id
        WHERE s.token_sha256 = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.disabled_at IS NULL`,
      [hash],
    );
    const r = rows[0];
    return r ? { via: 'session', name: r.username, role: r.role, department: r.department_code, userId: r.id } : undefined;
  }
  const { rows } = await pool.query<{ name: string; role: PrincipalRole; department_code: string | null; user_id: number | null }>(
    `SELECT COALESCE(u.username, t.name) AS name, COALESCE(u.role, t.role) AS role,
            CASE WHEN u.id IS NULL THEN t.department_code ELSE u.department_code END AS department_code, u.id AS user_id
       FROM auth.api_tokens t LEFT JOIN auth.users u ON u.id = t.user_id
      WHERE t.token_sha256 = $1 AND t.revoked_at IS NULL AND t.expires_at > now()
        AND (t.user_id IS NULL OR u.disabled_at IS NULL)`,
    [hash],
  );
  const r = rows[0];
  return r ? { via: 'api-token', name: r.name, role: r.role, department: r.department_code, userId: r.user_id } : undefined;
}
