/**
 * User accounts and login sessions. Passwords are kept only as scrypt hashes (passwords.ts);
 * a session token (`os_…`, 32 random bytes) is returned once at login and stored as SHA-256.
 * Disabling a user revokes every session and API token of theirs at once.
 */
import { randomBytes } from 'node:crypto';
import type { Pool } from '../db.ts';
import { BadRequestError, ServiceUnavailableError } from '../errors.ts';
import { hashPassword, passwordProblem, verifyPassword } from './passwords.ts';
import { tokenHash, type PrincipalRole } from './principal.ts';

export type UserRole = Exclude<PrincipalRole, 'public'>;

export interface UserInfo {
  readonly id: number;
  readonly username: string;
  readonly displayName: string;
  readonly role: UserRole;
  readonly department: string | null;
}

export const SESSION_HOURS = 12;

export async function createUser(pool: Pool, u: { username: string; displayName: string; role: UserRole; department: string | null; password: string }): Promise<UserInfo> {
  const problem = passwordProblem(u.password);
  if (problem) throw new BadRequestError(problem);
  if (u.role !== 'admin' && !u.department) throw new BadRequestError('部门员工和编辑须属于一个部门 / staff and editors need a department (--department)');
  if (u.department) {
    const d = await pool.query(`SELECT 1 FROM auth.departments WHERE code = $1`, [u.department]);
    if (!d.rowCount) throw new BadRequestError(`没有部门 / no department "${u.department}"`);
  }
  const hash = await hashPassword(u.password);
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO auth.users (username, display_name, role, department_code, password_hash) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [u.username, u.displayName, u.role, u.department, hash],
  );
  return { id: rows[0]!.id, username: u.username, displayName: u.displayName, role: u.role, department: u.department };
}

/** Sets a new password and ends the user's sessions; false when there is no such user. */
export async function setPassword(pool: Pool, username: string, password: string): Promise<boolean> {
  const problem = passwordProblem(password);
  if (problem) throw new BadRequestError(problem);
  const hash = await hashPassword(password);
  const r = await pool.query(
    `WITH u AS (UPDATE auth.users SET password_hash = $2, password_changed_at = now() WHERE username = $1 RETURNING id)
     UPDATE auth.sessions s SET revoked_at = now() FROM u WHERE s.user_id = u.id AND s.revoked_at IS NULL RETURNING u.id`,
    [username, hash],
  );
  if (r.rowCount) return true;
  const exists = await pool.query(`SELECT 1 FROM auth.users WHERE username = $1`, [username]);
  return (exists.rowCount ?? 0) > 0;
}

/** Disables the user and revokes their sessions and API tokens; false when there is no such active user. */
export async function disableUser(pool: Pool, username: string): Promise<boolean> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ id: number }>(`UPDATE auth.users SET disabled_at = now() WHERE username = $1 AND disabled_at IS NULL RETURNING id`, [username]);
    const id = rows[0]?.id;
    if (id !== undefined) {
      await client.query(`UPDATE auth.sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, [id]);
      await client.query(`UPDATE auth.api_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`, [id]);
    }
    await client.query('COMMIT');
    return id !== undefined;
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  } finally {
    client.release();
  }
}

// A well-formed hash of a random password: unknown users cost the same scrypt work as known
// ones, so response times do not tell which user names exist.
let decoy: Promise<string> | undefined;

// scrypt runs on libuv's small thread pool, which also compresses tiles: at most two
// password checks at a time, and a short queue; beyond it, sign-in is busy (503).
const MAX_HASHING = 2;
const MAX_WAITING = 32;
let hashing = 0;
const waiting: (() => void)[] = [];

async function withHashSlot<T>(work: () => Promise<T>): Promise<T> {
  if (hashing >= MAX_HASHING) {
    if (waiting.length >= MAX_WAITING) throw new ServiceUnavailableError('登录繁忙,请稍后再试 / sign-in is busy; try again shortly');
    await new Promise<void>((resolve) => waiting.push(resolve));
  } else hashing++;
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else hashing--;
  }
}

/** Checks the credentials and opens a session: the token (shown once) and the user, or undefined. */
export async function login(pool: Pool, username: string, password: string, clientIp: string | undefined): Promise<{ token: string; expiresAt: string; user: UserInfo } | undefined> {
  const { rows } = await pool.query<{ id: number; username: string; display_name: string; role: UserRole; department_code: string | null; password_hash: string; disabled: boolean }>(
    `SELECT id, username, display_name, role, department_code, password_hash, disabled_at IS NOT NULL AS disabled FROM auth.users WHERE username = $1`,
    [username],
  );
  const u = rows[0];
  const ok = await withHashSlot(async () => verifyPassword(password, u ? u.password_hash : await (decoy ??= hashPassword(randomBytes(16).toString('hex')))));
  if (!u || !ok || u.disabled) return undefined;
  const token = `os_${randomBytes(32).toString('base64url')}`;
  const s = await pool.query<{ expires_at: Date }>(
    `INSERT INTO auth.sessions (token_sha256, user_id, expires_at, client_ip) VALUES ($1, $2, now() + make_interval(hours => $3), $4) RETURNING expires_at`,
    [tokenHash(token), u.id, SESSION_HOURS, clientIp ?? null],
  );
  return {
    token,
    expiresAt: s.rows[0]!.expires_at.toISOString(),
    user: { id: u.id, username: u.username, displayName: u.display_name, role: u.role, department: u.department_code },
  };
}

/** Ends the session of this token; false when it was not an open session. */
export async function logout(pool: Pool, token: string): Promise<boolean> {
  const r = await pool.query(`UPDATE auth.sessions SET revoked_at = now() WHERE token_sha256 = $1 AND revoked_at IS NULL`, [tokenHash(token)]);
  return (r.rowCount ?? 0) > 0;
}

export async function userInfo(pool: Pool, id: number): Promise<UserInfo | undefined> {
  const { rows } = await pool.query<{ id: number; username: string; display_name: string; role: UserRole; department_code: string | null }>(
    `SELECT id, username, display_name, role, department_code FROM auth.users WHERE id = $1`,
    [id],
  );
  const u = rows[0];
  return u ? { id: u.id, username: u.username, displayName: u.display_name, role: u.role, department: u.department_code } : undefined;
}
