/**
 * Change reports between two instants (地理国情监测): `/changes/{layer}` lists the features
 * added, removed and changed; `/changes/{layer}/transitions` gives the class-to-class area matrix
 * of a classified polygon layer (land cover). Instants are sent as RFC 3339 with +08:00.
 */
import { apiUrl, requestJson, type ApiResult } from './api-problem.ts';
import type { GeoJsonFeature } from './feature-api.ts';
import type { Localized } from './catalog-document.ts';
import { formatRfc3339 } from './shanghai-time.ts';

export type ChangeKind = 'added' | 'removed' | 'changed';

export interface ChangeSummary {
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
}

/** Each feature carries `change`, and for changed ones `changedProperties` and `geometryChanged`. */
export interface ChangeReport {
  readonly layer: string;
  readonly from: string;
  readonly to: string;
  readonly summary: ChangeSummary;
  readonly truncated: boolean;
  readonly features: { readonly type: 'FeatureCollection'; readonly features: readonly GeoJsonFeature[] };
}

export interface TransitionReport {
  readonly from: string;
  readonly to: string;
  readonly areaMethod: string;
  readonly totalHectares: number;
  readonly changedHectares: number;
  /** Class names arrive localised ({zh, en}); a plain string is accepted too. */
  readonly classes: readonly { readonly code: string; readonly name: Localized | string }[];
  readonly matrix: readonly { readonly from: string; readonly to: string; readonly hectares: number }[];
}

export interface ChangeQuery {
  readonly layerId: string;
  readonly fromMs: number;
  readonly toMs: number;
  /** [west, south, east, north] in degrees, or null for the whole layer. */
  readonly bbox4326: readonly [number, number, number, number] | null;
}

function queryString(q: ChangeQuery): string {
  const parts = [`from=${encodeURIComponent(formatRfc3339(q.fromMs))}`, `to=${encodeURIComponent(formatRfc3339(q.toMs))}`];
  if (q.bbox4326) parts.push(`bbox=${q.bbox4326.map((v) => v.toFixed(6)).join(',')}`);
  return parts.join('&');
}

export function fetchChangeReport(q: ChangeQuery, signal?: AbortSignal): Promise<ApiResult<ChangeReport>> {
  return requestJson<ChangeReport>(apiUrl(`/changes/${encodeURIComponent(q.layerId)}?${queryString(q)}`), signal ? { signal } : {});
}

export function fetchTransitions(q: ChangeQuery, signal?: AbortSignal): Promise<ApiResult<TransitionReport>> {
  return requestJson<TransitionReport>(apiUrl(`/changes/${encodeURIComponent(q.layerId)}/transitions?${queryString(q)}`), signal ? { signal } : {});
}
