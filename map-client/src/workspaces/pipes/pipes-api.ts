/**
 * 管线 workspace: the server's /pipes analyses (map-server/src/routes/pipes.ts). They are for the
 * pipeline departments (with depths, elevations and owners); other signed-in callers get 403,
 * the public 401. Failures become ApiProblems with the server's bilingual message and status.
 */
import { problemOf, type ApiProblem } from '../../api-problem.ts';
import type { LonLat, ProfileNode, SectionCrossing } from './pipes-logic.ts';
import { sessionHeaders } from '../../auth-session.ts';

export class PipesApiError extends Error {
  constructor(readonly problem: ApiProblem) {
    super(problem.detail);
  }
}

export interface FeatureCollectionDoc {
  readonly type: 'FeatureCollection';
  readonly features: { type: 'Feature'; id?: number | string; geometry: unknown; properties: Record<string, unknown> }[];
}

export interface PipeCategory { readonly code: string; readonly name_zh: string; readonly name_en: string; readonly color: string; readonly gravity: boolean }
export interface NearestSegment { readonly id: number; readonly line_no: string; readonly category: string; readonly distance_m: number }
export interface BurstDoc {
  readonly segment: number;
  readonly summary: Record<string, number>;
  readonly valvesToClose: FeatureCollectionDoc;
  readonly failedValves: FeatureCollectionDoc;
  readonly isolatedSegments: FeatureCollectionDoc;
  readonly cutOffSegments: FeatureCollectionDoc;
  readonly affectedPoints: FeatureCollectionDoc;
  readonly affectedBuildings: FeatureCollectionDoc;
}
export interface SectionDoc { readonly length_m: number; readonly count: number; readonly crossings: (SectionCrossing & { geometry: unknown })[] }
export interface ProfileDoc {
  readonly length_m: number;
  readonly nodes: ProfileNode[];
  readonly segments: { id: number; line_no: string; length_m: number; slope_permille: number | null; diameter_mm: number | null; width_mm: number | null; height_mm: number | null; geometry: unknown }[];
}
export interface ClearancePair {
  readonly kind: 'horizontal' | 'vertical';
  readonly a: { id: number; line_no: string; category: string };
  readonly b: { id: number; line_no: string; category: string };
  readonly status: 'violation' | 'needs review';
  readonly clearance_m: number | null;
  readonly required_m: number;
  readonly clause: string;
  readonly clash: boolean;
  readonly missing?: string[];
  readonly geometry?: { type: 'Point'; coordinates: [number, number] };
}
export interface ClearanceDoc { readonly summary: Record<string, number>; readonly truncated: boolean; readonly pairs: ClearancePair[] }
export interface ExcavationDoc {
  readonly depth_m: number;
  readonly summary: Record<string, number>;
  readonly segments: FeatureCollectionDoc;
  readonly owners?: { owner_unit: string | null; categories: string[]; segments: number }[];
  readonly valvesToClose: FeatureCollectionDoc;
}

function headers(token: string, json = false): Record<string, string> {
  // Without an editor token, the signed-in user's session (the analyses need a signed-in caller).
  return { Accept: 'application/json', ...(json ? { 'Content-Type': 'application/json' } : {}), ...(token ? { Authorization: `Bearer ${token.trim()}` } : sessionHeaders()) };
}

async function call<T>(path: string, token: string, signal?: AbortSignal, body?: unknown): Promise<T> {
  const init: RequestInit = { headers: headers(token, body !== undefined), ...(signal ? { signal } : {}) };
  if (body !== undefined) Object.assign(init, { method: 'POST', body: JSON.stringify(body) });
  const res = await fetch(path, init);
  if (!res.ok) throw new PipesApiError(await problemOf(res));
  return (await res.json()) as T;
}

const q = encodeURIComponent;

export const fetchCategories = (token: string, signal?: AbortSignal) => call<PipeCategory[]>('/pipes/categories', token, signal);
export const fetchNearest = (at: LonLat, category: string | null, radiusM: number, token: string, signal?: AbortSignal) =>
  call<NearestSegment>(`/pipes/nearest?lon=${at[0].toFixed(7)}&lat=${at[1].toFixed(7)}&radius_m=${Math.round(radiusM)}${category ? `&category=${q(category)}` : ''}`, token, signal);
export const fetchBurst = (segment: string, token: string, signal?: AbortSignal) => call<BurstDoc>(`/pipes/burst?segment=${q(segment)}`, token, signal);
export const fetchSection = (line: readonly LonLat[], token: string, signal?: AbortSignal) =>
  call<SectionDoc>('/pipes/section', token, signal, { type: 'LineString', coordinates: line });
export const fetchProfile = (run: readonly number[], token: string, signal?: AbortSignal) => call<ProfileDoc>(`/pipes/profile?segments=${run.join(',')}`, token, signal);
export const fetchClearance = (bbox: readonly number[], token: string, signal?: AbortSignal) =>
  call<ClearanceDoc>(`/pipes/clearance?bbox=${bbox.map((v) => v.toFixed(6)).join(',')}`, token, signal);
export const fetchExcavation = (ring: readonly LonLat[], depthM: number, token: string, signal?: AbortSignal) =>
  call<ExcavationDoc>('/pipes/excavation', token, signal, { area: { type: 'Polygon', coordinates: [ring] }, depth_m: depthM });
