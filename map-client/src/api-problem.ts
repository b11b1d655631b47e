/**
 * Failed requests as values. The server answers errors with application/problem+json
 * (map-server/src/errors.ts): `{status, code, detail, property?, reason?, location?}`. The client
 * keeps that shape in its state and renders it (house style §20: errors are state), so nothing
 * here throws past the request functions.
 */
import { sessionHeaders } from './auth-session.ts';

export interface ApiProblem {
  /** HTTP status, or 0 when the request never got an answer (network down, aborted). */
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  /** The offending property (`geometry` for invalid geometries). */
  readonly property?: string;
  /** PostGIS's reason for an invalid geometry (ST_IsValidDetail). */
  readonly reason?: string;
  /** Where the geometry is invalid, as the server wrote it (WKT point). */
  readonly location?: string;
}

export type ApiResult<T> = { readonly ok: true; readonly value: T; readonly etag?: string } | { readonly ok: false; readonly problem: ApiProblem };

/** Reads a problem document from a failed response; a non-JSON body becomes its status text. */
export async function problemOf(response: Response): Promise<ApiProblem> {
  let body: Record<string, unknown> = {};
  try {
    const parsed: unknown = await response.json();
    if (typeof parsed === 'object' && parsed !== null) body = parsed as Record<string, unknown>;
  } catch {
    // An HTML error page from a proxy: keep the status line.
    body = {};
  }
  const text = (key: string) => (typeof body[key] === 'string' ? (body[key] as string) : undefined);
  const problem: { -readonly [K in keyof ApiProblem]: ApiProblem[K] } = {
    status: response.status,
    code: text('code') ?? `HTTP${response.status}`,
    detail: text('detail') ?? text('description') ?? (response.statusText || `HTTP ${response.status}`),
  };
  const property = text('property');
  const reason = text('reason');
  const location = text('location');
  if (property !== undefined) problem.property = property;
  if (reason !== undefined) problem.reason = reason;
  if (location !== undefined) problem.location = location;
  return problem;
}

/** A problem for a request that failed before any answer. */
export function networkProblem(error: unknown): ApiProblem {
  return { status: 0, code: 'NetworkError', detail: error instanceof Error ? error.message : String(error) };
}

/**
 * Fetches JSON; any failure becomes a problem. `etag` is the response's ETag header when present
 * (the version id of a feature).
 */
export async function requestJson<T>(url: string, init: RequestInit = {}): Promise<ApiResult<T>> {
  let response: Response;
  try {
    // The signed-in user's session goes with every request unless the caller names its own
    // credentials (the editor token): auth-session.ts.
    // Header names are case-insensitive: merging plain objects would send a caller's
    // `authorization` next to the session's `Authorization`, which fetch joins into one invalid
    // "Bearer a, Bearer b" value (401). A Headers object lets the caller's credentials replace it.
    const headers = new Headers({ accept: 'application/json, application/geo+json', ...sessionHeaders() });
    new Headers(init.headers).forEach((value, name) => headers.set(name, value));
    response = await fetch(url, { ...init, headers });
  } catch (error) {
    return { ok: false, problem: networkProblem(error) };
  }
  if (!response.ok) return { ok: false, problem: await problemOf(response) };
  const etag = response.headers.get('ETag') ?? undefined;
  if (response.status === 204) return { ok: true, value: undefined as T, ...(etag ? { etag } : {}) };
  try {
    const value = (await response.json()) as T;
    return { ok: true, value, ...(etag ? { etag } : {}) };
  } catch (error) {
    return { ok: false, problem: { status: response.status, code: 'BadResponse', detail: `${url}: ${error instanceof Error ? error.message : String(error)}` } };
  }
}

/**
 * The server publishes absolute links. In the Vite dev server the API lives on another port and
 * is reached through the dev proxy, so the origin is dropped there; in production the link is
 * used as given (same origin).
 */
export function apiUrl(link: string): string {
  return import.meta.env.DEV ? link.replace(/^https?:\/\/[^/]+/, '') : link;
}
