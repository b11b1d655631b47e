/**
 * The global time cursor: one instant (epoch ms) that every versioned layer is drawn "as of", or
 * null for "now" (the live state, tiles without `datetime=`). Pure rules for its range, steps and
 * playback; the store keeps the value (app-state.ts), the URL mirrors it (url-state.ts).
 */
import { formatRfc3339, instantOf, stepInstant, type StepUnit } from './shanghai-time.ts';

/** Start of the slider: 1980-01-01 00:00 Asia/Shanghai, before the oldest sample building. */
export const TIME_RANGE_START_MS = instantOf({ year: 1980, month: 1, day: 1, hour: 0, minute: 0, second: 0, millisecond: 0 });

/**
 * Playback steps a user can choose: a year per frame for the city's history, down to ten
 * minutes for replaying a rainstorm from the 5-minute hydrology data.
 */
export const PLAY_STEPS = {
  year: { unit: 'year', count: 1 },
  month: { unit: 'month', count: 1 },
  day: { unit: 'day', count: 1 },
  hour: { unit: 'hour', count: 1 },
  '10min': { unit: 'minute', count: 10 },
} as const satisfies Record<string, { readonly unit: StepUnit; readonly count: number }>;
export type PlayStep = keyof typeof PLAY_STEPS;
export const DEFAULT_PLAY_STEP: PlayStep = 'year';
/** Playing from "now" with a step shorter than a year starts this many steps back. */
export const PLAY_START_STEPS = 24;
/** One frame at most once per this many milliseconds, and never before the previous frame has drawn. */
export const PLAY_INTERVAL_MS = 1000;

export function isPlayStep(value: string): value is PlayStep {
  return Object.hasOwn(PLAY_STEPS, value);
}

/**
 * The cursor for a requested instant: clamped to the range start, and null (now) at or after
 * `nowMs`, so moving forward past the present returns to the live map.
 */
export function clampCursor(ms: number | null, nowMs: number): number | null {
  if (ms === null || !Number.isFinite(ms) || ms >= nowMs) return null;
  return Math.max(TIME_RANGE_START_MS, ms);
}

/** The cursor after one step button: from "now" a backward step starts at the present. */
export function stepCursor(cursor: number | null, unit: StepUnit, count: number, nowMs: number): number | null {
  if (cursor === null && count > 0) return null;
  return clampCursor(stepInstant(cursor ?? nowMs, unit, count), nowMs);
}

/**
 * The next playback frame. Playing from "now" restarts at the range start with yearly steps,
 * and 24 steps back with shorter ones (a day of hours, four hours of ten minutes).
 */
export function nextPlayFrame(cursor: number | null, nowMs: number, step: PlayStep = DEFAULT_PLAY_STEP): number | null {
  const { unit, count } = PLAY_STEPS[step];
  if (cursor === null) return step === 'year' ? TIME_RANGE_START_MS : clampCursor(stepInstant(nowMs, unit, -PLAY_START_STEPS * count), nowMs);
  return stepCursor(cursor, unit, count, nowMs);
}

/** The `datetime=` value of versioned tiles and feature requests; undefined for now. */
export function datetimeParam(cursor: number | null): string | undefined {
  return cursor === null ? undefined : formatRfc3339(cursor);
}
