/**
 * 城管 workspace: the server's /city endpoints (map-server/src/routes/city.ts). Failures become
 * CityApiErrors carrying the server's bilingual problem detail.
 */
import { problemOf, type ApiProblem } from '../../api-problem.ts';
import { sessionHeaders } from '../../auth-session.ts';
import type { TrackDoc } from './city-logic.ts';

export interface FeatureDoc {
  readonly type: 'Feature';
  readonly id?: string | number;
  readonly geometry: unknown;
  readonly properties: Record<string, unknown>;
}

export interface FeatureCollectionDoc {
  readonly type: 'FeatureCollection';
  readonly features: FeatureDoc[];
  readonly [key: string]: unknown;
}

export interface Workflow {
  readonly states: { code: string; zh: string; en: string; terminal: boolean; color: string }[];
  readonly transitions: { action: string; from: string; to: string; zh: string; en: string; requiresDepartment: boolean }[];
  readonly departments: { code: string; zh: string; en: string }[];
}

export interface StatusCounts {
  readonly statuses: { code: string; zh: string; en: string; color: string }[];
  readonly rows: { key: string; name: string; total: number; counts: Record<string, number> }[];
}

export interface CaseStats {
  readonly totals: { total: number; closed: number; open: number; overdue: number; openOverdue: number; overdueRate: number | null };
  readonly rows: { key: string; name: string; total: number; open: number; overdue: number; overdueRate?: number }[];
}

export interface EnergyDoc {
  readonly from: string;
  readonly to: string;
  readonly byUse: { use: string; buildings: number; floorAreaM2: number; kwh: number; kwhPerM2: number; medianKwhPerM2: number; outliers: number }[];
  readonly buildings: FeatureCollectionDoc;
}

export class CityApiError extends Error {
  constructor(readonly problem: ApiProblem) {
    super(problem.detail);
  }
}

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  // Cases and vehicles are internal layers: the signed-in session (or the editor token) goes along.
  const res = await fetch(path, { headers: { Accept: 'application/json', ...sessionHeaders() }, ...(signal ? { signal } : {}) });
  if (!res.ok) throw new CityApiError(await problemOf(res));
  return (await res.json()) as T;
}

const iso = (ms: number) => encodeURIComponent(new Date(ms).toISOString());

export const fetchWorkflow = (signal?: AbortSignal) => getJson<Workflow>('/city/workflow', signal);
export const fetchComponentCounts = (atMs: number | null, signal?: AbortSignal) =>
  getJson<StatusCounts>(`/city/components/stats?by=street${atMs === null ? '' : `&datetime=${iso(atMs)}`}`, signal);
export const fetchCases = (atMs: number, openOnly: boolean, signal?: AbortSignal) =>
  getJson<FeatureCollectionDoc>(`/city/cases?datetime=${iso(atMs)}&limit=300${openOnly ? '&open=true' : ''}`, signal);
export const fetchCase = (no: string, atMs: number, signal?: AbortSignal) => getJson<FeatureDoc>(`/city/cases/${encodeURIComponent(no)}?datetime=${iso(atMs)}`, signal);
export const fetchCaseStats = (atMs: number, signal?: AbortSignal) =>
  getJson<CaseStats>(`/city/cases/stats?by=department&from=${iso(atMs - 30 * 86_400_000)}&to=${iso(atMs)}&datetime=${iso(atMs)}`, signal);
export const fetchVehicles = (atMs: number | null, signal?: AbortSignal) => getJson<FeatureCollectionDoc>(`/city/vehicles${atMs === null ? '' : `?datetime=${iso(atMs)}`}`, signal);
export const fetchTrack = (id: string, fromMs: number, toMs: number, signal?: AbortSignal) =>
  getJson<TrackDoc>(`/city/vehicles/${encodeURIComponent(id)}/track?from=${iso(fromMs)}&to=${iso(toMs)}`, signal);
export const fetchParking = (atMs: number, signal?: AbortSignal) => getJson<FeatureCollectionDoc>(`/city/parking?datetime=${iso(atMs)}`, signal);
export const fetchEnergy = (from: string, to: string, signal?: AbortSignal) => getJson<EnergyDoc>(`/city/energy?from=${from}&to=${to}`, signal);

export async function postTransition(no: string, action: string, token: string, department: string | null): Promise<FeatureDoc> {
  const res = await fetch(`/city/cases/${encodeURIComponent(no)}/transitions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify({ action, ...(department ? { department } : {}) }),
  });
  if (!res.ok) throw new CityApiError(await problemOf(res));
  return (await res.json()) as FeatureDoc;
}
