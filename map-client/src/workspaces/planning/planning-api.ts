/**
 * 规划 workspace: the server's /planning endpoints (map-server/src/routes/planning.ts). Failures
 * come back as ApiProblems with the server's bilingual message (errors are state).
 */
import { problemOf, type ApiResult } from '../../api-problem.ts';
import type { ReviewDoc } from './planning-logic.ts';

async function asResult<T>(request: Promise<Response>): Promise<ApiResult<T>> {
  let res: Response;
  try {
    res = await request;
  } catch (err) {
    return { ok: false, problem: { status: 0, code: 'NetworkError', detail: (err as Error).message } };
  }
  if (!res.ok) return { ok: false, problem: await problemOf(res) };
  return { ok: true, value: (await res.json()) as T };
}

/** Runs a review of a GeoJSON site or a zipped Shapefile (`body` as the file's bytes). */
export function postReview(body: string | Blob, kind: 'geojson' | 'shapefile', query: string, token: string): Promise<ApiResult<ReviewDoc>> {
  return asResult(
    fetch(`/planning/reviews${query}`, {
      method: 'POST',
      headers: { 'Content-Type': kind === 'shapefile' ? 'application/zip' : 'application/geo+json', Accept: 'application/json', Authorization: `Bearer ${token}` },
      body,
    }),
  );
}

export function fetchReview(id: number, signal?: AbortSignal): Promise<ApiResult<ReviewDoc>> {
  return asResult(fetch(`/planning/reviews/${id}`, { headers: { Accept: 'application/json' }, ...(signal ? { signal } : {}) }));
}
