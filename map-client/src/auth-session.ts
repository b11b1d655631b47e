/**
 * The signed-in user (issue 10): `POST /auth/login` gives a session token, kept like the editor
 * token in sessionStorage (survives a reload, not closing the tab; never in the URL or in
 * localStorage). Every API and tile request then carries it as `Authorization: Bearer os_…`
 * (without a session, a valid-looking editor API token is used the same way),
 * so the catalogue, tiles and features are those this user may see. Signing in or out reloads
 * the page: the catalogue and every tile source are built anew for the new principal.
 */
import { requestJson, type ApiResult } from './api-problem.ts';
import { readEditToken } from './token-storage.ts';

export interface SessionUser {
  readonly username: string;
  readonly displayName: string;
  readonly role: 'staff' | 'editor' | 'admin';
  readonly department: string | null;
}

export interface Session {
  readonly token: string;
  readonly expiresAt: string;
  readonly user: SessionUser;
}

const KEY = 'onemap.session';
const TOKEN = /^os_[A-Za-z0-9_-]{43}$/;

/** A stored session, or undefined when absent, malformed or expired at `nowMs`. */
export function parseStoredSession(text: string | null, nowMs: number): Session | undefined {
  if (!text) return undefined;
  try {
    const s = JSON.parse(text) as Partial<Session>;
    if (typeof s.token !== 'string' || !TOKEN.test(s.token) || typeof s.expiresAt !== 'string' || typeof s.user?.username !== 'string') return undefined;
    if (!(Date.parse(s.expiresAt) > nowMs)) return undefined;
    return s as Session;
  } catch {
    return undefined;
  }
}

export function readSession(nowMs = Date.now()): Session | undefined {
  try {
    return parseStoredSession(window.sessionStorage.getItem(KEY), nowMs);
  } catch {
    return undefined;
  }
}

function writeSession(session: Session | undefined): void {
  try {
    if (session) window.sessionStorage.setItem(KEY, JSON.stringify(session));
    else window.sessionStorage.removeItem(KEY);
  } catch {
    // Storage disabled: the session lasts until the reload that follows.
    return;
  }
}

const BEARER_TOKEN = /^o[ms]_[A-Za-z0-9_-]{43}$/;

/**
 * The Authorization header of the signed-in user; without a session, the API token entered as
 * the editor token (an API client's principal); empty for the public.
 */
export function sessionHeaders(session: Session | undefined = readSession(), apiToken: string = readEditToken().trim()): Record<string, string> {
  if (session) return { Authorization: `Bearer ${session.token}` };
  return BEARER_TOKEN.test(apiToken) ? { Authorization: `Bearer ${apiToken}` } : {};
}

/** Signs in; on success the session is stored (the caller reloads). */
export async function signIn(username: string, password: string): Promise<ApiResult<Session>> {
  const result = await requestJson<Session>('/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (result.ok) writeSession(result.value);
  return result;
}

/** Ends the session on the server (best effort) and forgets it here. */
export async function signOut(): Promise<void> {
  const session = readSession();
  writeSession(undefined);
  if (session) await requestJson<void>('/auth/logout', { method: 'POST', headers: sessionHeaders(session) });
}
