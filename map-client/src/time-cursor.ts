/**
 * The global time cursor: one instant (epoch ms) that every versioned layer is drawn "as of", or
 * null for "now" (the live state, tiles without `datetime=`). Pure rules for its range, steps and
 * playback; the store keeps the value (app-state.ts), the URL mirrors it (url-state.ts).
 */
import { formatRfc3339, instantOf, stepInstant, type StepUnit } from './shanghai-time.ts';

/** Start of the slider: 1980-01-01 00:00 Asia/Shanghai, before the oldest sample building. */
export const TIME_RANGE_START_MS = instantOf({ year: 1980, month: 1, day: 1, hour: 0, minute: 0, second: 0, millisecond: 0 });

/** Playback: one step of this size per frame… */
export const PLAY_STEP: { readonly unit: StepUnit; readonly count: number } = { unit: 'year', count: 1 };
/** …at most once per this many milliseconds, and never before the previous frame has drawn. */
export const PLAY_INTERVAL_MS = 1000;

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

/** The next playback frame; playing from "now" restarts at the range start. */
export function nextPlayFrame(cursor: number | null, nowMs: number): number | null {
  if (cursor === null) return TIME_RANGE_START_MS;
  return stepCursor(cursor, PLAY_STEP.unit, PLAY_STEP.count, nowMs);
}

/** The `datetime=` value of versioned tiles and feature requests; undefined for now. */
export function datetimeParam(cursor: number | null): string | undefined {
  return cursor === null ? undefined : formatRfc3339(cursor);
}
