import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bd09ToGcj02, bd09ToWgs84, gcj02ToBd09, gcj02ToWgs84, isOutsideChina, wgs84ToBd09, wgs84ToGcj02 } from '../src/readers/chinese-offsets.ts';

/** Metres between two lon/lat positions (spherical; enough for sub-metre checks). */
function metres(a: readonly number[], b: readonly number[]): number {
  const r = 6371008.8;
  const rad = Math.PI / 180;
  const dLat = (b[1]! - a[1]!) * rad;
  const dLon = (b[0]! - a[0]!) * rad * Math.cos(((a[1]! + b[1]!) / 2) * rad);
  return r * Math.hypot(dLat, dLon);
}

// Published reference pairs (WGS84 → GCJ-02) from the test suites of googollee/eviltransform
// and its ports: [wgsLat, wgsLon, gcjLat, gcjLon].
const GCJ_REFERENCE = [
  [31.1774276, 121.5272106, 31.17530398364597, 121.531541859215], // 上海
  [22.543847, 113.912316, 22.540796131694766, 113.9171764808363], // 深圳
  [39.911954, 116.377817, 39.91334545536069, 116.38404722455657], // 北京
] as const;

// Published GCJ-02 / BD-09 pair, 5 decimals (≈ 1 m): 北京站 in the documentation of the R
// package of the public formulas (bd2gcj example): [gcjLon, gcjLat, bdLon, bdLat].
const BD_REFERENCE = [[116.42703, 39.90245, 116.43351, 39.90851]] as const;

describe('GCJ-02', () => {
  it('matches the published forward examples to 1e-9°', () => {
    for (const [wLat, wLon, gLat, gLon] of GCJ_REFERENCE) {
      const [lon, lat] = wgs84ToGcj02([wLon, wLat]);
      expect(lon).toBeCloseTo(gLon, 9);
      expect(lat).toBeCloseTo(gLat, 9);
    }
  });

  it('inverts the published examples to within a centimetre', () => {
    for (const [wLat, wLon, gLat, gLon] of GCJ_REFERENCE) {
      expect(metres(gcj02ToWgs84([gLon, gLat]), [wLon, wLat])).toBeLessThan(0.01);
    }
  });

  it('shifts Taizhou about 430 m east and 330 m south (domain.md §5.4)', () => {
    const jiaojiang = [121.42, 28.65] as const;
    const [lon, lat] = wgs84ToGcj02(jiaojiang);
    expect(lon - jiaojiang[0]).toBeGreaterThan(0.0038);
    expect(lon - jiaojiang[0]).toBeLessThan(0.005);
    expect(lat - jiaojiang[1]).toBeLessThan(-0.0024);
    expect(lat - jiaojiang[1]).toBeGreaterThan(-0.0036);
    expect(metres([lon, lat], jiaojiang)).toBeGreaterThan(450);
  });

  it('round-trips a grid over China to sub-millimetre accuracy', () => {
    let worst = 0;
    for (let lon = 74; lon <= 135; lon += 1.7) {
      for (let lat = 4; lat <= 53; lat += 1.3) {
        worst = Math.max(worst, metres(gcj02ToWgs84(wgs84ToGcj02([lon, lat])), [lon, lat]));
      }
    }
    expect(worst).toBeLessThan(0.001);
  });

  it('agrees with an independent conversion of real GCJ-02 data to 0.25 m (3,841 vertices)', () => {
    // shared/data: the DataV (GCJ-02) Taizhou districts and their WGS84 twin converted with the
    // npm package gcoord 1.0.7 and rounded to 1e-6° (≈ 0.1 m) — see shared/data/SOURCE.md.
    const read = (f: string) => JSON.parse(readFileSync(new URL(`../../../shared/data/${f}`, import.meta.url), 'utf8')) as { features: { geometry: { coordinates: number[][][][] } }[] };
    const raw = read('taizhou_331000_districts.geojson');
    const wgs = read('taizhou_331000_districts_wgs84.geojson');
    let worst = 0;
    let n = 0;
    raw.features.forEach((f, i) => {
      const b = wgs.features[i]!.geometry.coordinates.flat(2);
      f.geometry.coordinates.flat(2).forEach((p, j) => {
        worst = Math.max(worst, metres(gcj02ToWgs84([p[0]!, p[1]!]), b[j]!));
        n++;
      });
    });
    expect(n).toBe(3841);
    expect(worst).toBeLessThan(0.25);
  });

  it('leaves positions outside China alone', () => {
    expect(isOutsideChina([2.35, 48.85])).toBe(true);
    expect(wgs84ToGcj02([2.35, 48.85])).toEqual([2.35, 48.85]);
    expect(gcj02ToWgs84([2.35, 48.85])).toEqual([2.35, 48.85]);
  });
});

describe('BD-09', () => {
  it('matches the published 北京站 example to its rounding (5 decimals), both ways', () => {
    for (const [gLon, gLat, bLon, bLat] of BD_REFERENCE) {
      expect(metres(gcj02ToBd09([gLon, gLat]), [bLon, bLat])).toBeLessThan(1.2);
      expect(metres(bd09ToGcj02([bLon, bLat]), [gLon, gLat])).toBeLessThan(1.2);
    }
  });

  it('is GCJ-02 shifted by about (0.0065°, 0.006°) near the origin offset', () => {
    const [lon, lat] = gcj02ToBd09([121.42, 28.65]);
    expect(lon - 121.42).toBeGreaterThan(0.006);
    expect(lon - 121.42).toBeLessThan(0.0075);
    expect(lat - 28.65).toBeGreaterThan(0.005);
    expect(lat - 28.65).toBeLessThan(0.007);
  });

  it('round-trips exactly in both directions', () => {
    let worst = 0;
    for (let lon = 118; lon <= 124; lon += 0.37) {
      for (let lat = 26; lat <= 32; lat += 0.41) {
        worst = Math.max(worst, metres(bd09ToGcj02(gcj02ToBd09([lon, lat])), [lon, lat]));
        worst = Math.max(worst, metres(bd09ToWgs84(wgs84ToBd09([lon, lat])), [lon, lat]));
      }
    }
    expect(worst).toBeLessThan(0.001);
  });
});
