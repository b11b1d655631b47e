import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatDisplay, formatRfc3339, formatWallTime, parseWallTime, stepInstant, wallTimeOf } from '../src/shanghai-time.ts';

/** Asia/Shanghai wall time as the browser's time-zone database writes it. */
function intlWallTime(ms: number): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Asia/Shanghai',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  return `${parts['year']}-${parts['month']}-${parts['day']}T${parts['hour']}:${parts['minute']}`;
}

describe('Asia/Shanghai wall time', () => {
  it('writes the URL form of an instant: minutes, seconds and milliseconds only when needed', () => {
    expect(formatWallTime(Date.parse('2015-06-01T00:00:00Z'))).toBe('2015-06-01T08:00');
    expect(formatWallTime(Date.parse('2015-05-31T16:00:00Z'))).toBe('2015-06-01T00:00');
    expect(formatWallTime(Date.parse('2026-11-29T15:51:21Z'))).toBe('2026-11-29T23:51:21');
    expect(formatWallTime(Date.parse('2026-11-29T15:51:21.042Z'))).toBe('2026-11-29T23:51:21.042');
    expect(formatDisplay(Date.parse('1990-06-30T16:00:00Z'))).toBe('1990-07-01 00:00');
  });

  it('sends +08:00 instants to the server', () => {
    expect(formatRfc3339(Date.parse('2015-06-01T00:00:00Z'))).toBe('2015-06-01T08:00:00+08:00');
    expect(formatRfc3339(Date.parse('2015-06-01T00:00:00.5Z'))).toBe('2015-06-01T08:00:00.500+08:00');
    expect(Date.parse(formatRfc3339(1_433_116_800_123))).toBe(1_433_116_800_123);
  });

  it('round-trips every millisecond exactly', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('1900-01-01T00:00:00Z'), max: Date.parse('2200-01-01T00:00:00Z') }), (ms) => {
        expect(parseWallTime(formatWallTime(ms))).toBe(ms);
      }),
    );
  });

  it('agrees with the Asia/Shanghai time zone since 1991 (no summer time)', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('1991-09-16T00:00:00Z'), max: Date.parse('2100-01-01T00:00:00Z') }), (ms) => {
        expect(formatWallTime(ms - (ms % 60_000))).toBe(intlWallTime(ms));
      }),
    );
  });

  it('reads bare dates as midnight and rejects impossible or malformed times', () => {
    expect(parseWallTime('2019-06-30')).toBe(Date.parse('2019-06-30T00:00:00+08:00'));
    expect(parseWallTime('2019-06-30T08:30')).toBe(Date.parse('2019-06-30T08:30:00+08:00'));
    expect(parseWallTime('2023-02-30T00:00')).toBeNull();
    expect(parseWallTime('2023-13-01')).toBeNull();
    expect(parseWallTime('2023-01-01T24:00')).toBeNull();
    expect(parseWallTime('2023-01-01T08:00+08:00')).toBeNull();
    expect(parseWallTime('yesterday')).toBeNull();
    expect(parseWallTime(null)).toBeNull();
  });

  it('steps by calendar units in wall time, clamping the day', () => {
    const t = (text: string) => parseWallTime(text)!;
    expect(formatWallTime(stepInstant(t('2024-01-31T10:00'), 'month', 1))).toBe('2024-02-29T10:00');
    expect(formatWallTime(stepInstant(t('2024-02-29T10:00'), 'year', 1))).toBe('2025-02-28T10:00');
    expect(formatWallTime(stepInstant(t('2024-03-31T00:00'), 'month', -1))).toBe('2024-02-29T00:00');
    expect(formatWallTime(stepInstant(t('2024-01-15T00:00'), 'month', -1))).toBe('2023-12-15T00:00');
    expect(formatWallTime(stepInstant(t('2000-12-31T23:30'), 'day', 1))).toBe('2001-01-01T23:30');
    expect(formatWallTime(stepInstant(t('2015-06-01T08:00'), 'year', -25))).toBe('1990-06-01T08:00');
    // The wall clock is read in Shanghai, not UTC: 00:30 on 1 March is still 28 Feb in UTC.
    expect(wallTimeOf(stepInstant(t('2023-03-01T00:30'), 'month', -1))).toMatchObject({ year: 2023, month: 2, day: 1, hour: 0, minute: 30 });
  });
});
