/**
 * 水利 workspace, pure logic: status colours, rainfall windows and URL parameters, the live alarm
 * list (merging SSE events), chart data with threshold lines, and withdrawal ratios. No DOM, no
 * fetch — unit-tested in map-client/test/water-logic.test.ts.
 */
import type { Lang } from '../../i18n.ts';

/** Station states of hydro.station_status, most severe first. */
export const STATION_STATES = ['over_guarantee', 'over_warning', 'over_flood_limit', 'raining', 'normal', 'no_data'] as const;
export type StationState = (typeof STATION_STATES)[number];

export const STATE_COLOURS: Readonly<Record<StationState, string>> = {
  over_guarantee: '#b2182b',
  over_warning: '#f46d43',
  over_flood_limit: '#fdae61',
  raining: '#4393c3',
  normal: '#1a9850',
  no_data: '#9e9e9e',
};

export const STATE_NAMES: Readonly<Record<StationState, Readonly<Record<Lang, string>>>> = {
  over_guarantee: { zh: '超保证', en: 'Above guarantee' },
  over_warning: { zh: '超警戒', en: 'Above warning' },
  over_flood_limit: { zh: '超汛限', en: 'Above flood limit' },
  raining: { zh: '降雨中', en: 'Raining' },
  normal: { zh: '正常', en: 'Normal' },
  no_data: { zh: '无数据', en: 'No data' },
};

export function stateColour(state: string | undefined): string {
  return STATE_COLOURS[(STATION_STATES as readonly string[]).includes(state ?? '') ? (state as StationState) : 'no_data'];
}

/** Rainfall windows: hours ending at T, or the 08:00 rainfall day containing T. */
export const RAIN_WINDOWS = ['1', '3', '6', '12', '24', 'day'] as const;
export type RainWindow = (typeof RAIN_WINDOWS)[number];

export function parseRainWindow(text: string | undefined): RainWindow {
  return (RAIN_WINDOWS as readonly string[]).includes(text ?? '') ? (text as RainWindow) : '24';
}

export function rainWindowLabel(w: RainWindow, lang: Lang): string {
  if (w === 'day') return lang === 'zh' ? '日雨量 (08–08)' : 'Rainfall day (08–08)';
  return lang === 'zh' ? `${w} 小时` : `${w} h`;
}

/** What the map shows, stored as `water.layer`. */
export const MAP_MODES = ['status', 'rain', 'zones'] as const;
export type MapMode = (typeof MAP_MODES)[number];

export function parseMapMode(text: string | undefined): MapMode {
  return (MAP_MODES as readonly string[]).includes(text ?? '') ? (text as MapMode) : 'status';
}

/** The rainfall day (SL 21: (D 08:00, D+1 08:00] Beijing time) containing the instant, YYYY-MM-DD. */
export function rainDayOf(ms: number): string {
  // Beijing time (UTC+8) minus the 8 h day start is UTC; the 08:00 record itself belongs to
  // the day before, hence the millisecond.
  return new Date(ms - 1).toISOString().slice(0, 10);
}

/** Query string of the rainfall/isohyet request for a window at T. */
export function rainQuery(w: RainWindow, atMs: number): string {
  if (w === 'day') return `day=${rainDayOf(atMs)}`;
  return `datetime=${encodeURIComponent(new Date(atMs).toISOString())}&hours=${w}`;
}

/** The total of a station's rainfall feature for a window (from /water/rainfall). */
export function rainTotal(props: { totals?: Record<string, number | null>; rain_day?: number | null }, w: RainWindow): number | null {
  if (w === 'day') return props.rain_day ?? null;
  return props.totals?.[`${w}h`] ?? null;
}

/** A rainfall class (hydro.rain_class, as the isohyet bands carry it). */
export interface RainClass {
  readonly code: string;
  readonly min: number;
  readonly max: number | null;
  readonly colour: string;
  readonly name: Readonly<Record<Lang, string>>;
}

export function classOf(value: number | null, classes: readonly RainClass[]): RainClass | undefined {
  if (value === null) return undefined;
  return classes.find((c) => value >= c.min && (c.max === null || value < c.max));
}

/** A row of GET /water/rain-classes. */
export interface RainClassRow {
  readonly windowH: number;
  readonly code: string;
  readonly minMm: number;
  readonly maxMm: number | null;
  readonly nameZh: string;
  readonly nameEn: string;
  readonly color: string;
}

/** The class table for a window (as the server's isohyets pick it): 1 h, ≤ 12 h → 12 h, else 24 h. */
export function classWindowOf(w: RainWindow): number {
  if (w === 'day') return 24;
  const h = Number(w);
  return h <= 1 ? 1 : h <= 12 ? 12 : 24;
}

export function rainClassesFor(rows: readonly RainClassRow[], w: RainWindow): RainClass[] {
  const win = classWindowOf(w);
  return rows
    .filter((r) => r.windowH === win)
    .map((r) => ({ code: r.code, min: r.minMm, max: r.maxMm, colour: r.color, name: { zh: r.nameZh, en: r.nameEn } }))
    .sort((a, b) => a.min - b.min);
}

export function classRange(c: RainClass): string {
  return c.max === null ? `≥ ${c.min} mm` : `${c.min}–${c.max} mm`;
}

// ---- alarms ---------------------------------------------------------------------------------

export interface Alarm {
  readonly id: number;
  readonly stcd: string;
  readonly stnm: string;
  readonly kind: string;
  readonly level?: string | number | null;
  readonly state: 'raised' | 'acknowledged' | 'cleared';
  readonly raisedAt: string;
  readonly value?: number | null;
  readonly threshold?: number | null;
  readonly message?: { readonly zh: string; readonly en: string };
  readonly acknowledgedAt?: string | null;
  readonly acknowledgedBy?: string | null;
  readonly clearedAt?: string | null;
}

export interface AlarmEventData {
  readonly eventId: number;
  readonly event: string;
  readonly at: string;
  readonly alarm: Alarm;
}

/** The alarm list after one SSE event: the alarm replaced (or added), newest raised first. */
export function applyAlarmEvent(list: readonly Alarm[], e: AlarmEventData): Alarm[] {
  const rest = list.filter((a) => a.id !== e.alarm.id);
  const merged = { ...(list.find((a) => a.id === e.alarm.id) ?? {}), ...e.alarm };
  return sortAlarms([...rest, merged]);
}

export function sortAlarms(list: readonly Alarm[]): Alarm[] {
  return [...list].sort((a, b) => Date.parse(b.raisedAt) - Date.parse(a.raisedAt) || b.id - a.id);
}

export const ALARM_STATE_NAMES: Readonly<Record<Alarm['state'], Readonly<Record<Lang, string>>>> = {
  raised: { zh: '已发出', en: 'Raised' },
  acknowledged: { zh: '已确认', en: 'Acknowledged' },
  cleared: { zh: '已解除', en: 'Cleared' },
};

// ---- station chart --------------------------------------------------------------------------

export interface SeriesDoc {
  readonly stcd: string;
  readonly from: string;
  readonly to: string;
  readonly meta: { element: string; aggregation: 'total' | 'instant'; unit: string; stnm: string; sttp: string; thresholds: Record<string, unknown> };
  readonly series: { t: string[]; value: (number | null)[]; min: (number | null)[]; max: (number | null)[] };
}

export interface ThresholdLine {
  readonly key: 'wrz' | 'grz' | 'fsltdz';
  readonly value: number;
  readonly colour: string;
  readonly label: Readonly<Record<Lang, string>>;
}

const THRESHOLD_STYLE = {
  wrz: { colour: '#f46d43', label: { zh: '警戒水位', en: 'Warning level' } },
  grz: { colour: '#b2182b', label: { zh: '保证水位', en: 'Guarantee level' } },
  fsltdz: { colour: '#fdae61', label: { zh: '汛限水位', en: 'Flood-limit level' } },
} as const;

/** MMDD of an instant in Beijing time. */
function mmdd(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(5, 10).replace('-', '');
}

/**
 * The threshold lines of a series at T: 警戒/保证 as given, 汛限 from the period (bgmd…edmd,
 * MMDD) containing T.
 */
export function thresholdLines(thresholds: Record<string, unknown>, atMs: number): ThresholdLine[] {
  const out: ThresholdLine[] = [];
  for (const key of ['wrz', 'grz'] as const) {
    const v = thresholds[key];
    if (typeof v === 'number') out.push({ key, value: v, ...THRESHOLD_STYLE[key] });
  }
  const periods = thresholds['fsltdz'];
  if (Array.isArray(periods)) {
    const d = mmdd(atMs);
    const p = (periods as { bgmd: string; edmd: string; fsltdz: number }[]).filter((x) => d >= x.bgmd && d <= x.edmd).pop();
    if (p) out.push({ key: 'fsltdz', value: p.fsltdz, ...THRESHOLD_STYLE.fsltdz });
  }
  return out;
}

/** uPlot's columnar data: seconds, values, then one constant column per threshold line. */
export function chartData(doc: SeriesDoc, lines: readonly ThresholdLine[]): [number[], ...(number | null)[][]] {
  const xs = doc.series.t.map((t) => Date.parse(t) / 1000);
  return [xs, doc.series.value, ...lines.map((l) => xs.map(() => l.value))];
}

/** The series window for the chart: `days` ending at T (T = now when the cursor is null). */
export function seriesWindow(atMs: number, days: number): { from: string; to: string } {
  return { from: new Date(atMs - days * 86_400_000).toISOString(), to: new Date(atMs).toISOString() };
}

// ---- withdrawals ----------------------------------------------------------------------------

export interface Permit {
  readonly permitNo: string;
  readonly holder: string;
  readonly annualQuotaM3: number;
  readonly prorataQuotaM3: number;
  readonly withdrawnM3: number;
  readonly ratio: number;
  readonly over: boolean;
}

/** Bar width (0–100 %) of withdrawal against the annual quota, and the pro-rata mark. */
export function permitBar(p: Permit): { used: number; prorata: number } {
  const pct = (x: number) => Math.max(0, Math.min(100, (100 * x) / (p.annualQuotaM3 || 1)));
  return { used: pct(p.withdrawnM3), prorata: pct(p.prorataQuotaM3) };
}

export function formatM3(v: number, lang: Lang): string {
  return lang === 'zh' ? `${(v / 10_000).toFixed(1)} 万 m³` : `${(v / 1_000).toFixed(0)} k m³`;
}
