/**
 * The feature endpoints the client calls beyond tiles: one feature (with its version ETag), its
 * version history, and the OGC API – Features Part 4 writes (create, merge-patch, delete) with
 * a bearer token and `If-Match`. Paths derive from the catalogue's `links.items`.
 */
import { apiUrl, requestJson, type ApiResult } from './api-problem.ts';
import type { CatalogLayer } from './catalog-document.ts';

/** A GeoJSON geometry in lon/lat (CRS84, which CGCS2000 matches to centimetres). */
export interface Geometry {
  readonly type: string;
  readonly coordinates: unknown;
}

export interface GeoJsonFeature {
  readonly type: 'Feature';
  readonly id?: string | number;
  readonly geometry: Geometry | null;
  readonly properties: Readonly<Record<string, unknown>> | null;
}

/** One version of a feature, as `/items/{fid}/history` lists them (oldest first). */
export interface FeatureVersion {
  readonly version: number;
  readonly validFrom: string;
  readonly validTo: string | null;
  readonly changedBy: string;
  readonly comment: string | null;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly geometry: unknown;
  readonly changedProperties: readonly string[];
  readonly geometryChanged: boolean;
}

export interface FeatureHistory {
  readonly collection: string;
  readonly featureId: number | string;
  readonly versions: readonly FeatureVersion[];
}

function itemsUrl(layer: CatalogLayer): string {
  return apiUrl(layer.links.items ?? `/collections/${layer.id}/items`);
}

function featureUrl(layer: CatalogLayer, featureId: string | number): string {
  return `${itemsUrl(layer)}/${encodeURIComponent(String(featureId))}`;
}

/** The URL of neighbours for snapping: features of `layer` in a lon/lat box. */
export function itemsInBboxUrl(layer: CatalogLayer, bbox4326: readonly number[], limit: number): string {
  return `${itemsUrl(layer)}?bbox=${bbox4326.map((v) => v.toFixed(6)).join(',')}&limit=${limit}`;
}

export function fetchHistory(layer: CatalogLayer, featureId: string | number, signal?: AbortSignal): Promise<ApiResult<FeatureHistory>> {
  return requestJson<FeatureHistory>(`${featureUrl(layer, featureId)}/history`, signal ? { signal } : {});
}

/** The current feature; `etag` is its version, to send back as `If-Match`. */
export function fetchFeature(layer: CatalogLayer, featureId: string | number, datetime?: string, signal?: AbortSignal): Promise<ApiResult<GeoJsonFeature>> {
  const query = datetime ? `?datetime=${encodeURIComponent(datetime)}` : '';
  return requestJson<GeoJsonFeature>(`${featureUrl(layer, featureId)}${query}`, signal ? { signal } : {});
}

function writeHeaders(token: string, contentType: string | undefined, ifMatch: string | undefined): Record<string, string> {
  return {
    authorization: `Bearer ${token.trim()}`,
    ...(contentType ? { 'content-type': contentType } : {}),
    ...(ifMatch ? { 'if-match': ifMatch } : {}),
  };
}

function commentQuery(comment: string): string {
  const text = comment.trim();
  return text ? `?comment=${encodeURIComponent(text)}` : '';
}

/** POST a new feature; the answer is the stored feature with its id and version ETag. */
export function createFeature(layer: CatalogLayer, token: string, geometry: Geometry, properties: Readonly<Record<string, unknown>>, comment: string): Promise<ApiResult<GeoJsonFeature>> {
  return requestJson<GeoJsonFeature>(`${itemsUrl(layer)}${commentQuery(comment)}`, {
    method: 'POST',
    headers: writeHeaders(token, 'application/geo+json', undefined),
    body: JSON.stringify({ type: 'Feature', geometry, properties }),
  });
}

/** PATCH (JSON merge patch) the properties and/or the geometry of a feature at `version`. */
export function patchFeature(
  layer: CatalogLayer,
  token: string,
  featureId: string | number,
  version: string,
  patch: { readonly properties?: Readonly<Record<string, unknown>>; readonly geometry?: Geometry },
  comment: string,
): Promise<ApiResult<GeoJsonFeature>> {
  return requestJson<GeoJsonFeature>(`${featureUrl(layer, featureId)}${commentQuery(comment)}`, {
    method: 'PATCH',
    headers: writeHeaders(token, 'application/merge-patch+json', version),
    body: JSON.stringify(patch),
  });
}

/** DELETE a feature at `version` (its history is kept; it ends now). */
export function deleteFeature(layer: CatalogLayer, token: string, featureId: string | number, version: string, comment: string): Promise<ApiResult<undefined>> {
  return requestJson<undefined>(`${featureUrl(layer, featureId)}${commentQuery(comment)}`, {
    method: 'DELETE',
    headers: writeHeaders(token, undefined, version),
  });
}
