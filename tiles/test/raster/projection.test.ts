/**
 * Our point transforms against GDAL/PROJ (gdaltransform, an independent implementation) for
 * the CRSs imagery arrives in, and round trips as properties.
 */
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crsForEpsg, lonLatToMercator, mercatorToLonLat } from '../../src/raster/projection.ts';

/** Many points through one gdaltransform call. */
function gdalTransform(dst: number, points: readonly (readonly [number, number])[]): [number, number][] {
  const out = execFileSync('gdaltransform', ['-s_srs', 'EPSG:4326', '-t_srs', `EPSG:${dst}`, '-output_xy'], { input: points.map((p) => `${p[0]} ${p[1]}`).join('\n') + '\n', encoding: 'utf8' });
  return out.trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
}

const TAIZHOU: [number, number][] = [
  [120.17, 28.0],
  [121.345, 28.625],
  [121.95, 29.4],
  [120.6, 28.9],
  [121.5, 28.1],
];

describe('transverse Mercator against GDAL', () => {
  for (const epsg of [32650, 32651, 4549, 4550, 4527, 4528, 4502]) {
    it(`EPSG:${epsg} forward within a millimetre over Taizhou`, () => {
      const crs = crsForEpsg(epsg)!;
      expect(crs).toBeDefined();
      const want = gdalTransform(epsg, TAIZHOU);
      TAIZHOU.forEach(([lon, lat], i) => {
        const [x, y] = crs.fromLonLat(lon, lat);
        expect(Math.abs(x - want[i]![0])).toBeLessThan(0.001);
        expect(Math.abs(y - want[i]![1])).toBeLessThan(0.001);
      });
    });
  }

  it('Web Mercator matches GDAL', () => {
    const want = gdalTransform(3857, TAIZHOU);
    TAIZHOU.forEach(([lon, lat], i) => {
      const [x, y] = lonLatToMercator(lon, lat);
      expect(Math.abs(x - want[i]![0])).toBeLessThan(0.001);
      expect(Math.abs(y - want[i]![1])).toBeLessThan(0.001);
    });
  });
});

describe('round trips (property)', () => {
  it('UTM 51N and GK CM 120°E invert to within 1e-9 degrees inside their zones', () => {
    for (const [epsg, lon0] of [[32651, 123], [4549, 120]] as const) {
      const crs = crsForEpsg(epsg)!;
      fc.assert(
        fc.property(fc.double({ min: lon0 - 3, max: lon0 + 3, noNaN: true }), fc.double({ min: 0, max: 60, noNaN: true }), (lon, lat) => {
          const [x, y] = crs.fromLonLat(lon, lat);
          const [lon2, lat2] = crs.toLonLat(x, y);
          return Math.abs(lon2 - lon) < 1e-9 && Math.abs(lat2 - lat) < 1e-9;
        }),
      );
    }
  });

  it('Web Mercator inverts', () => {
    fc.assert(
      fc.property(fc.double({ min: -180, max: 180, noNaN: true }), fc.double({ min: -85, max: 85, noNaN: true }), (lon, lat) => {
        const [x, y] = lonLatToMercator(lon, lat);
        const [lon2, lat2] = mercatorToLonLat(x, y);
        return Math.abs(lon2 - lon) < 1e-9 && Math.abs(lat2 - lat) < 1e-9;
      }),
    );
  });

  it('knows which EPSG codes it transforms natively', () => {
    expect(crsForEpsg(4326)).toBeDefined();
    expect(crsForEpsg(4490)).toBeDefined();
    expect(crsForEpsg(32750)).toBeDefined();
    expect(crsForEpsg(3395)).toBeUndefined();
    expect(crsForEpsg(2385)).toBeUndefined();
  });
});
