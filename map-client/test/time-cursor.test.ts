import { describe, expect, it } from 'vitest';
import { parseWallTime } from '../src/shanghai-time.ts';
import { clampCursor, datetimeParam, isPlayStep, nextPlayFrame, stepCursor, TIME_RANGE_START_MS } from '../src/time-cursor.ts';

const t = (text: string) => parseWallTime(text)!;
const NOW = t('2026-11-29T23:50');

describe('time cursor', () => {
  it('starts its range on 1980-01-01 in Beijing time', () => {
    expect(TIME_RANGE_START_MS).toBe(Date.parse('1980-01-01T00:00:00+08:00'));
  });

  it('clamps to the range and turns into "now" at the present', () => {
    expect(clampCursor(t('1970-01-01'), NOW)).toBe(TIME_RANGE_START_MS);
    expect(clampCursor(NOW, NOW)).toBeNull();
    expect(clampCursor(NOW + 1, NOW)).toBeNull();
    expect(clampCursor(null, NOW)).toBeNull();
    expect(clampCursor(Number.NaN, NOW)).toBeNull();
    expect(clampCursor(t('2015-06-01T08:00'), NOW)).toBe(t('2015-06-01T08:00'));
  });

  it('steps back from now, and forward past now returns to now', () => {
    expect(stepCursor(null, 'year', -1, NOW)).toBe(t('2025-11-29T23:50'));
    expect(stepCursor(null, 'day', 1, NOW)).toBeNull();
    expect(stepCursor(t('2026-11-01T00:00'), 'month', 1, NOW)).toBeNull();
    expect(stepCursor(t('2026-10-01T00:00'), 'month', 1, NOW)).toBe(t('2026-11-01T00:00'));
    expect(stepCursor(t('1980-06-01T00:00'), 'year', -1, NOW)).toBe(TIME_RANGE_START_MS);
  });

  it('plays a year per frame from the range start and stops at now', () => {
    expect(nextPlayFrame(null, NOW)).toBe(TIME_RANGE_START_MS);
    expect(nextPlayFrame(TIME_RANGE_START_MS, NOW)).toBe(t('1981-01-01T00:00'));
    expect(nextPlayFrame(t('2026-01-01T00:00'), NOW)).toBeNull();
  });

  it('plays in the chosen step: from now a day of hours or four hours of ten minutes back, then forward to now', () => {
    expect(nextPlayFrame(null, NOW, 'hour')).toBe(t('2026-11-28T23:50'));
    expect(nextPlayFrame(t('2024-09-15T08:00'), NOW, 'hour')).toBe(t('2024-09-15T09:00'));
    expect(nextPlayFrame(null, NOW, '10min')).toBe(t('2026-11-29T19:50'));
    expect(nextPlayFrame(t('2024-09-15T08:00'), NOW, '10min')).toBe(t('2024-09-15T08:10'));
    expect(nextPlayFrame(t('2024-01-31T08:00'), NOW, 'month')).toBe(t('2024-02-29T08:00'));
    expect(nextPlayFrame(null, NOW, 'day')).toBe(t('2026-11-05T23:50'));
    expect(nextPlayFrame(t('2026-11-29T23:45'), NOW, '10min')).toBeNull();
    expect(isPlayStep('hour')).toBe(true);
    expect(isPlayStep('toString')).toBe(false);
  });

  it('gives versioned tiles an RFC 3339 datetime with +08:00, none for now', () => {
    expect(datetimeParam(null)).toBeUndefined();
    expect(datetimeParam(t('2015-06-01T08:00'))).toBe('2015-06-01T08:00:00+08:00');
  });
});
