/**
 * 水利 workspace: the server's /water endpoints (map-server/src/routes/water.ts,
 * water-quality.ts). Failures become ApiProblems with the server's bilingual message.
 */
import { problemOf, type ApiProblem } from '../../api-problem.ts';
import type { Alarm, Permit, RainClassRow, RainWindow, SeriesDoc } from './water-logic.ts';
import { rainQuery } from './water-logic.ts';

export interface FeatureCollectionDoc {
  readonly type: 'FeatureCollection';
  readonly features: { type: 'Feature'; id?: string; geometry: unknown; properties: Record<string, unknown> }[];
  readonly [key: string]: unknown;
}

export class WaterApiError extends Error {
  constructor(readonly problem: ApiProblem) {
    super(problem.detail);
  }
}

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(path, { headers: { Accept: 'application/json' }, ...(signal ? { signal } : {}) });
  if (!res.ok) throw new WaterApiError(await problemOf(res));
  return (await res.json()) as T;
}

const iso = (ms: number) => encodeURIComponent(new Date(ms).toISOString());

export const fetchStatus = (atMs: number, signal?: AbortSignal) => getJson<FeatureCollectionDoc>(`/water/status?datetime=${iso(atMs)}`, signal);

export const fetchRainfall = (w: RainWindow, atMs: number, signal?: AbortSignal) =>
  getJson<FeatureCollectionDoc>(w === 'day' ? `/water/rainfall?${rainQuery('day', atMs)}` : `/water/rainfall?datetime=${iso(atMs)}`, signal);

/** Isohyet bands at a 0.02° grid: a quarter of the cells of the default, still smooth at city scale. */
export const fetchIsohyets = (w: RainWindow, atMs: number, signal?: AbortSignal) => getJson<FeatureCollectionDoc>(`/water/isohyets?${rainQuery(w, atMs)}&cell=0.02`, signal);

export const fetchSeries = (stcd: string, element: string, from: string, to: string, signal?: AbortSignal) =>
  getJson<SeriesDoc>(`/water/stations/${encodeURIComponent(stcd)}/series?element=${element}&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}&maxPoints=600`, signal);

export const fetchAlarms = (signal?: AbortSignal) => getJson<{ alarms: Alarm[] }>('/water/alarms?state=all&limit=200', signal);

export const fetchRainClasses = (signal?: AbortSignal) => getJson<{ classes: RainClassRow[] }>('/water/rain-classes', signal);

export const fetchZones = (signal?: AbortSignal) => getJson<FeatureCollectionDoc>('/water/zones', signal);

export const fetchPermits = (year: number, signal?: AbortSignal) => getJson<{ year: number; permits: Permit[] }>(`/water/permits?year=${year}`, signal);

export async function acknowledgeAlarm(id: number, token: string): Promise<void> {
  const res = await fetch(`/water/alarms/${id}/acknowledge`, { method: 'POST', headers: { Authorization: `Bearer ${token}` } });
  if (!res.ok) throw new WaterApiError(await problemOf(res));
}
