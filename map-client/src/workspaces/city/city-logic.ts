/**
 * 城管 workspace logic (pure): modes, track replay on the time cursor, the Beijing day around
 * an instant, energy class breaks and colours, parking colours and trend arrows.
 */
import type { Lang } from '../../i18n.ts';

export const CITY_MODES = ['components', 'cases', 'vehicles', 'parking', 'energy'] as const;
export type CityMode = (typeof CITY_MODES)[number];

export function parseCityMode(text: string | undefined): CityMode {
  return (CITY_MODES as readonly string[]).includes(text ?? '') ? (text as CityMode) : 'cases';
}

/** The sample's day (geodata/src/load/load-city-sample.ts CITY_SAMPLE_DAY), 10:00 Beijing time. */
export const SAMPLE_INSTANT_MS = Date.parse('2025-06-18T10:00:00+08:00');

const BEIJING_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** The Beijing calendar day containing t: [00:00, next 00:00) as epoch ms. */
export function beijingDay(t: number): { from: number; to: number } {
  const from = Math.floor((t + BEIJING_MS) / DAY_MS) * DAY_MS - BEIJING_MS;
  return { from, to: from + DAY_MS };
}

/** YYYY-MM-DD of the Beijing day containing t. */
export function beijingDate(t: number): string {
  return new Date(t + BEIJING_MS).toISOString().slice(0, 10);
}

export interface TrackDoc {
  readonly geometry: { readonly type: string; readonly coordinates: number[][] | number[] } | null;
  readonly properties: {
    readonly vehicle: string;
    readonly plate: string;
    readonly times: readonly number[];
    readonly speedsKmh: readonly (number | null)[];
    readonly distanceM: number;
    readonly stops: readonly { from: string; to: string; durationS: number; lon: number; lat: number }[];
    readonly outsideIndexes: readonly number[];
    readonly outsideCount: number;
    readonly assignedStreetName?: string | null;
  };
}

/** Vertices of a track as [lon, lat] pairs (a one-fix track is a Point). */
export function trackVertices(doc: TrackDoc): number[][] {
  const g = doc.geometry;
  if (!g) return [];
  return g.type === 'Point' ? [g.coordinates as number[]] : (g.coordinates as number[][]);
}

/**
 * Where the vehicle is at t: linear interpolation between the fixes around it (the same rule as
 * the server's track-analysis.ts positionAt); null outside the track's time span, or when the
 * gap around t is longer than maxGapMs (the vehicle was not reporting).
 */
export function replayPosition(doc: TrackDoc, t: number, maxGapMs = 5 * 60_000): { lon: number; lat: number; index: number; outside: boolean } | null {
  const times = doc.properties.times;
  const xy = trackVertices(doc);
  if (!times.length || t < times[0]! || t > times[times.length - 1]!) return null;
  let lo = 0;
  let hi = times.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (times[mid]! <= t) lo = mid;
    else hi = mid;
  }
  const outside = new Set(doc.properties.outsideIndexes);
  // exactly at a fix: that fix, whatever the gaps around it
  if (times[lo] === t) return { lon: xy[lo]![0]!, lat: xy[lo]![1]!, index: lo, outside: outside.has(lo) };
  if (times[hi] === t) return { lon: xy[hi]![0]!, lat: xy[hi]![1]!, index: hi, outside: outside.has(hi) };
  if (times[hi]! - times[lo]! > maxGapMs) return null;
  const f = times[hi] === times[lo] ? 0 : (t - times[lo]!) / (times[hi]! - times[lo]!);
  const a = xy[lo]!;
  const b = xy[hi]!;
  return { lon: a[0]! + (b[0]! - a[0]!) * f, lat: a[1]! + (b[1]! - a[1]!) * f, index: lo, outside: outside.has(lo) };
}

/** Quantile class breaks (n classes → n − 1 breaks) of finite values. */
export function quantileBreaks(values: readonly number[], n: number): number[] {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (!s.length) return [];
  const breaks: number[] = [];
  for (let k = 1; k < n; k++) breaks.push(s[Math.min(s.length - 1, Math.floor((k * s.length) / n))]!);
  return breaks;
}

/** Sequential yellow → red (ColorBrewer YlOrRd 5). */
export const ENERGY_COLOURS = ['#ffffb2', '#fecc5c', '#fd8d3c', '#f03b20', '#bd0026'] as const;

export function classIndex(value: number, breaks: readonly number[]): number {
  let i = 0;
  while (i < breaks.length && value >= breaks[i]!) i++;
  return i;
}

/** Green (plenty free) → red (full) by the share of spaces available. */
export function parkingColour(available: number | undefined, capacity: number): string {
  if (available === undefined) return '#9e9e9e';
  const share = available / capacity;
  return share <= 0.05 ? '#c62828' : share <= 0.2 ? '#ef6c00' : share <= 0.5 ? '#f9a825' : '#2e7d32';
}

export function trendArrow(trend: string | undefined): string {
  return trend === 'filling' ? '↓' : trend === 'emptying' ? '↑' : trend === 'steady' ? '→' : '';
}

export const TREND_NAMES: Record<string, Readonly<Record<Lang, string>>> = {
  filling: { zh: '车位减少', en: 'filling up' },
  emptying: { zh: '车位增加', en: 'emptying' },
  steady: { zh: '平稳', en: 'steady' },
};

export const USE_NAMES: Record<string, Readonly<Record<Lang, string>>> = {
  residential: { zh: '住宅', en: 'Residential' },
  commercial: { zh: '商业', en: 'Commercial' },
  industrial: { zh: '工业', en: 'Industrial' },
  public: { zh: '公共', en: 'Public' },
  education: { zh: '教育', en: 'Education' },
  other: { zh: '其他', en: 'Other' },
};

export function formatKm(m: number, lang: Lang): string {
  return `${(m / 1000).toFixed(1)} ${lang === 'zh' ? '公里' : 'km'}`;
}
