/** 城管 workspace logic: replay on the time cursor, Beijing days, class breaks, parking colours. */
import { describe, expect, it } from 'vitest';
import { beijingDate, beijingDay, classIndex, parkingColour, parseCityMode, quantileBreaks, replayPosition, type TrackDoc } from '../src/workspaces/city/city-logic.ts';

const t0 = Date.parse('2025-06-18T09:00:00+08:00');
const track: TrackDoc = {
  geometry: { type: 'LineString', coordinates: [[121.4, 28.6], [121.41, 28.6], [121.41, 28.61], [121.42, 28.61]] },
  properties: { vehicle: 'BD001', plate: '浙J', times: [t0, t0 + 20_000, t0 + 40_000, t0 + 40_000 + 600_000], speedsKmh: [20, 20, 20, 20], distanceM: 0, stops: [], outsideIndexes: [2], outsideCount: 1 },
};

describe('track replay', () => {
  it('interpolates between the fixes around the cursor and follows it', () => {
    const a = replayPosition(track, t0 + 10_000)!;
    expect(a.lon).toBeCloseTo(121.405, 9);
    expect(a.lat).toBeCloseTo(28.6, 9);
    const b = replayPosition(track, t0 + 30_000)!;
    expect(b.lat).toBeCloseTo(28.605, 9);
    expect(b.lon).not.toBe(a.lon);
    expect(replayPosition(track, t0)!.lon).toBe(121.4);
  });

  it('has no position outside the track, nor across a reporting gap', () => {
    expect(replayPosition(track, t0 - 1)).toBeNull();
    expect(replayPosition(track, t0 + 700_000)).toBeNull();
    expect(replayPosition(track, t0 + 100_000)).toBeNull(); // inside the 10-minute gap
  });

  it('flags the leg starting at a fix outside the assigned area', () => {
    expect(replayPosition(track, t0 + 30_000)!.outside).toBe(false);
    expect(replayPosition(track, t0 + 40_000)!.outside).toBe(true);
  });
});

describe('helpers', () => {
  it('finds the Beijing calendar day of an instant', () => {
    const d = beijingDay(Date.parse('2025-06-18T23:30:00+08:00'));
    expect(new Date(d.from).toISOString()).toBe('2025-06-17T16:00:00.000Z');
    expect(d.to - d.from).toBe(86_400_000);
    expect(beijingDate(Date.parse('2025-06-18T00:10:00+08:00'))).toBe('2025-06-18');
  });

  it('breaks values into quantile classes', () => {
    const b = quantileBreaks([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5);
    expect(b).toEqual([3, 5, 7, 9]);
    expect(classIndex(1, b)).toBe(0);
    expect(classIndex(9, b)).toBe(4);
    expect(quantileBreaks([], 5)).toEqual([]);
  });

  it('colours lots by free share and reads the mode from the URL', () => {
    expect(parkingColour(0, 100)).toBe('#c62828');
    expect(parkingColour(80, 100)).toBe('#2e7d32');
    expect(parkingColour(undefined, 100)).toBe('#9e9e9e');
    expect(parseCityMode('energy')).toBe('energy');
    expect(parseCityMode('nonsense')).toBe('cases');
  });
});
