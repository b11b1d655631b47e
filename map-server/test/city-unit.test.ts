/**
 * Pure parts of 城管: the vehicle-tagged RMC line format (checksums, hemispheres, status V,
 * bad lines listed), track distance and stay-point stops, interpolation on the time cursor,
 * and the robust outlier rule for building energy.
 */
import { describe, expect, it } from 'vitest';
import { formatRmcLine, nmeaChecksum, nmeaDegrees, parseRmcLines } from '../src/services/city/nmea.ts';
import { detectStops, haversineM, positionAt, trackDistanceM, type TrackPoint } from '../src/services/city/track-analysis.ts';
import { median, modifiedZ } from '../src/services/city/energy-outliers.ts';

describe('RMC lines', () => {
  it('computes the NMEA checksum of a published sentence', () => {
    // NMEA 0183 example sentence (widely reproduced): $GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A
    expect(nmeaChecksum('GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W')).toBe('6A');
  });

  it('parses a tagged line into a UTC fix with km/h', () => {
    const r = parseRmcLines('BD001,$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A');
    expect(r.problems).toEqual([]);
    expect(r.fixes).toHaveLength(1);
    const f = r.fixes[0]!;
    expect(f.vehicle).toBe('BD001');
    expect(new Date(f.timeMs).toISOString()).toBe('1994-03-23T12:35:19.000Z');
    expect(f.lat).toBeCloseTo(48 + 7.038 / 60, 9);
    expect(f.lon).toBeCloseTo(11 + 31 / 60, 9);
    expect(f.speedKmh).toBeCloseTo(22.4 * 1.852, 1);
    expect(f.heading).toBe(84.4);
  });

  it('round-trips fixes through the line format, south and west included', () => {
    const fixes = [
      { vehicle: 'BD007', timeMs: Date.UTC(2025, 5, 18, 2, 3, 4, 500), lon: 121.4256789, lat: 28.6612345, speedKmh: 25.3, heading: 87.5 },
      { vehicle: 'x_1', timeMs: Date.UTC(2025, 0, 1, 0, 0, 0), lon: -70.5, lat: -33.25, speedKmh: null, heading: null },
    ];
    const r = parseRmcLines(fixes.map((f) => formatRmcLine(f, 'BD')).join('\r\n') + '\n');
    expect(r.problems).toEqual([]);
    r.fixes.forEach((g, i) => {
      const f = fixes[i]!;
      expect(g.vehicle).toBe(f.vehicle);
      expect(g.timeMs).toBe(f.timeMs);
      expect(g.lon).toBeCloseTo(f.lon, 6);
      expect(g.lat).toBeCloseTo(f.lat, 6);
      expect(g.heading).toBe(f.heading);
      if (f.speedKmh === null) expect(g.speedKmh).toBeNull();
      else expect(g.speedKmh).toBeCloseTo(f.speedKmh, 1);
    });
  });

  it('skips fixes without a position (status V) and lists every bad line with its number', () => {
    const good = formatRmcLine({ vehicle: 'BD001', timeMs: Date.UTC(2025, 5, 18), lon: 121.4, lat: 28.6, speedKmh: 0, heading: 0 });
    const noFix = 'BD001,$GNRMC,000000.00,V,,,,,,,180625,,,N*' + nmeaChecksum('GNRMC,000000.00,V,,,,,,,180625,,,N');
    const wrongSum = good.replace(/\*[0-9A-F]{2}$/, '*00');
    const gga = 'BD001,$GNGGA,000000.00,2836.0000,N,12124.0000,E,1,08,1.0,5.0,M,0,M,,*' + nmeaChecksum('GNGGA,000000.00,2836.0000,N,12124.0000,E,1,08,1.0,5.0,M,0,M,,');
    const badDate = 'BD001,$GNRMC,000000.00,A,2836.0000,N,12124.0000,E,0,0,310625,,,A*' + nmeaChecksum('GNRMC,000000.00,A,2836.0000,N,12124.0000,E,0,0,310625,,,A');
    const r = parseRmcLines([good, '# comment', '', noFix, wrongSum, gga, badDate, '$GNRMC,no,vehicle*00'].join('\n'));
    expect(r.fixes).toHaveLength(1);
    expect(r.skipped).toBe(1);
    expect(r.problems.map((p) => [p.row, p.field])).toEqual([
      [5, 'checksum'],
      [6, 'sentence'],
      [7, 'time'],
      [8, 'vehicle'],
    ]);
  });

  it('reads degrees and minutes and refuses impossible ones', () => {
    expect(nmeaDegrees('2839.6840', 'N', 2)).toBeCloseTo(28.66140, 5);
    expect(nmeaDegrees('12125.5400', 'E', 3)).toBeCloseTo(121.42567, 5);
    expect(nmeaDegrees('2860.0000', 'N', 2)).toBeNull();
    expect(nmeaDegrees('2839.6840', 'X', 2)).toBeNull();
    expect(nmeaDegrees('9100.0000', 'N', 2)).toBeNull();
  });
});

describe('tracks', () => {
  const t0 = Date.UTC(2025, 5, 18, 0, 0, 0);
  // east along 28.66°N at 20 s intervals, 100 m apart, with a 5-minute stop in the middle
  const lonStep = 100 / (111_320 * Math.cos((28.66 * Math.PI) / 180));
  const pts: TrackPoint[] = [];
  for (let i = 0; i < 10; i++) pts.push({ t: t0 + i * 20_000, lon: 121.4 + i * lonStep, lat: 28.66 });
  for (let k = 1; k <= 15; k++) pts.push({ t: t0 + 9 * 20_000 + k * 20_000, lon: 121.4 + 9 * lonStep + (k % 2) * 0.00002, lat: 28.66 });
  for (let i = 10; i < 15; i++) pts.push({ t: t0 + 24 * 20_000 + (i - 9) * 20_000, lon: 121.4 + i * lonStep, lat: 28.66 });

  it('measures great-circle distance (1° of latitude ≈ 111.2 km)', () => {
    expect(haversineM({ lon: 121, lat: 28 }, { lon: 121, lat: 29 })).toBeCloseTo(111_195, -1);
    expect(trackDistanceM(pts)).toBeGreaterThan(1390);
    expect(trackDistanceM(pts)).toBeLessThan(1450);
  });

  it('finds the one stop and its duration, and no stop while moving', () => {
    const stops = detectStops(pts);
    expect(stops).toHaveLength(1);
    expect(stops[0]!.from).toBe(t0 + 9 * 20_000);
    expect(stops[0]!.durationS).toBe(300);
    expect(detectStops(pts.slice(0, 10))).toEqual([]);
  });

  it('interpolates the position at any instant between fixes, none outside the track', () => {
    const mid = positionAt(pts, t0 + 10_000)!;
    expect(mid.lon).toBeCloseTo(121.4 + lonStep / 2, 9);
    expect(positionAt(pts, t0 - 1)).toBeNull();
    expect(positionAt(pts, pts[pts.length - 1]!.t + 1)).toBeNull();
    expect(positionAt(pts, t0)!.lon).toBe(121.4);
  });
});

describe('energy outliers', () => {
  it('flags the one building far from its peers and none in a tight group', () => {
    const v = [20, 21, 19, 22, 20.5, 19.5, 55];
    const z = modifiedZ(v);
    expect(z.filter((x) => Math.abs(x) > 3.5)).toHaveLength(1);
    expect(Math.abs(z[6]!)).toBeGreaterThan(3.5);
    expect(modifiedZ([5, 5, 5])).toEqual([0, 0, 0]);
    expect(median([3, 1, 2, 4])).toBe(2.5);
  });
});
