/**
 * The platform's civil time: Asia/Shanghai wall time (北京时间). Pure functions on epoch
 * milliseconds, with a fixed UTC+08:00 offset: Asia/Shanghai has kept UTC+8 without summer time
 * since 1991, and the server reads a bare date the same way (`00:00+08:00`, query-params.ts), so
 * one wall time always names one instant and the round trip through the URL is exact. (The
 * 1986–1991 summer-time months are deliberately not modelled: the data is dated in UTC+8.)
 *
 * Calendar arithmetic runs on the shifted clock: a wall time is a UTC date whose fields are the
 * Shanghai fields, so `Date.UTC` does the month lengths and leap years.
 */

/** UTC+08:00 in milliseconds. */
export const SHANGHAI_OFFSET_MS = 8 * 3_600_000;

export interface WallTime {
  readonly year: number;
  /** 1–12. */
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
}

/** The Shanghai wall-clock fields of an instant. */
export function wallTimeOf(ms: number): WallTime {
  const d = new Date(ms + SHANGHAI_OFFSET_MS);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    millisecond: d.getUTCMilliseconds(),
  };
}

/** The instant of a Shanghai wall time (fields out of range roll over, as in `Date.UTC`). */
export function instantOf(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second, wall.millisecond) - SHANGHAI_OFFSET_MS;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `2015-06-01` */
export function formatDate(ms: number): string {
  const w = wallTimeOf(ms);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
}

/**
 * The shortest exact wall-time text: `2015-06-01T08:00`, with `:ss` and `.SSS` only when needed
 * (a version's `validFrom` can fall on any millisecond, and the cursor must land exactly on it).
 * This is the URL's `t=` and the value of a `datetime-local` input.
 */
export function formatWallTime(ms: number): string {
  const w = wallTimeOf(ms);
  let text = `${formatDate(ms)}T${pad(w.hour)}:${pad(w.minute)}`;
  if (w.second !== 0 || w.millisecond !== 0) text += `:${pad(w.second)}`;
  if (w.millisecond !== 0) text += `.${pad(w.millisecond, 3)}`;
  return text;
}

/** `2015-06-01 08:00` for display (seconds shown only when not zero). */
export function formatDisplay(ms: number): string {
  const w = wallTimeOf(ms);
  const seconds = w.second !== 0 || w.millisecond !== 0 ? `:${pad(w.second)}` : '';
  return `${formatDate(ms)} ${pad(w.hour)}:${pad(w.minute)}${seconds}`;
}

/** RFC 3339 with the Shanghai offset, for `datetime=` and `from`/`to`: `2015-06-01T08:00:00+08:00`. */
export function formatRfc3339(ms: number): string {
  const w = wallTimeOf(ms);
  const fraction = w.millisecond !== 0 ? `.${pad(w.millisecond, 3)}` : '';
  return `${formatDate(ms)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${fraction}+08:00`;
}

const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?$/;

/**
 * Parses a wall time as written by `formatWallTime` (or a bare date, meaning its midnight);
 * null for anything else, including impossible dates such as 2023-02-30.
 */
export function parseWallTime(text: string | null | undefined): number | null {
  const m = WALL_TIME.exec(text ?? '');
  if (!m) return null;
  const wall: WallTime = {
    year: Number(m[1]),
    month: Number(m[2]),
    day: Number(m[3]),
    hour: Number(m[4] ?? 0),
    minute: Number(m[5] ?? 0),
    second: Number(m[6] ?? 0),
    millisecond: Number((m[7] ?? '0').padEnd(3, '0')),
  };
  if (wall.month < 1 || wall.month > 12 || wall.hour > 23 || wall.minute > 59 || wall.second > 59) return null;
  const ms = instantOf(wall);
  return wallTimeOf(ms).day === wall.day ? ms : null;
}

export type StepUnit = 'year' | 'month' | 'day' | 'hour' | 'minute';

const FIXED_UNIT_MS: Partial<Record<StepUnit, number>> = { day: 86_400_000, hour: 3_600_000, minute: 60_000 };

/**
 * Moves an instant by `count` calendar units in Shanghai wall time, keeping the time of day.
 * A day that does not exist in the target month is clamped (31 Jan + 1 month = 28/29 Feb,
 * 29 Feb 2024 + 1 year = 28 Feb 2025), so stepping never skips a month. Days, hours and minutes
 * are fixed lengths (Beijing time has had no daylight saving since 1991).
 */
export function stepInstant(ms: number, unit: StepUnit, count: number): number {
  const fixed = FIXED_UNIT_MS[unit];
  if (fixed !== undefined) return ms + count * fixed;
  const w = wallTimeOf(ms);
  const months = w.year * 12 + (w.month - 1) + (unit === 'year' ? count * 12 : count);
  const year = Math.floor(months / 12);
  const month = (months % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return instantOf({ ...w, year, month, day: Math.min(w.day, lastDay) });
}
