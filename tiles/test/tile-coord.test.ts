import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  lonLatToTile,
  parseTileCoord,
  tileBounds3857,
  tileBoundsLonLat,
  tileChildren,
  TileCoordError,
  tileParent,
  WEB_MERCATOR_HALF_M,
  type TileCoord,
} from '../src/index.ts';

const tileArb = fc.integer({ min: 0, max: 22 }).chain((z) =>
  fc.record({ z: fc.constant(z), x: fc.integer({ min: 0, max: 2 ** z - 1 }), y: fc.integer({ min: 0, max: 2 ** z - 1 }) }),
);

describe('tile math', () => {
  it('the four children exactly cover their parent', () => {
    fc.assert(
      fc.property(tileArb, (t) => {
        const [minX, minY, maxX, maxY] = tileBounds3857(t);
        const kids = tileChildren(t).map(tileBounds3857);
        const eps = 1e-6 * (maxX - minX);
        expect(Math.min(...kids.map((k) => k[0]))).toBeCloseTo(minX, 6);
        expect(Math.min(...kids.map((k) => k[1]))).toBeCloseTo(minY, 6);
        expect(Math.max(...kids.map((k) => k[2]))).toBeCloseTo(maxX, 6);
        expect(Math.max(...kids.map((k) => k[3]))).toBeCloseTo(maxY, 6);
        const area = (b: number[]) => (b[2]! - b[0]!) * (b[3]! - b[1]!);
        expect(Math.abs(kids.reduce((s, k) => s + area(k), 0) - area([minX, minY, maxX, maxY]))).toBeLessThan(eps * (maxY - minY) * 4);
      }),
    );
  });

  it('parent of a child is the tile itself', () => {
    fc.assert(fc.property(tileArb, (t) => tileChildren(t).every((c) => JSON.stringify(tileParent(c)) === JSON.stringify(t))));
  });

  it('a point maps to the tile whose bounds contain it', () => {
    fc.assert(
      fc.property(fc.double({ min: -179.999, max: 179.999, noNaN: true }), fc.double({ min: -85, max: 85, noNaN: true }), fc.integer({ min: 0, max: 22 }), (lon, lat, z) => {
        const t = lonLatToTile(lon, lat, z);
        const [w, s, e, n] = tileBoundsLonLat(t);
        return lon >= w - 1e-9 && lon <= e + 1e-9 && lat >= s - 1e-9 && lat <= n + 1e-9;
      }),
    );
  });

  it('z0 covers the whole Web Mercator square', () => {
    expect(tileBounds3857({ z: 0, x: 0, y: 0 })).toEqual([-WEB_MERCATOR_HALF_M, -WEB_MERCATOR_HALF_M, WEB_MERCATOR_HALF_M, WEB_MERCATOR_HALF_M]);
  });

  it('places 椒江 in the expected z14 tile (x grows east, y grows south)', () => {
    const t: TileCoord = lonLatToTile(121.42, 28.66, 14);
    expect(t).toEqual({ z: 14, x: 13717, y: 6829 });
  });
});

describe('parseTileCoord', () => {
  it('accepts every valid coordinate', () => {
    fc.assert(fc.property(tileArb, (t) => JSON.stringify(parseTileCoord(String(t.z), String(t.x), String(t.y))) === JSON.stringify(t)));
  });

  it.each([
    ['-1', '0', '0'],
    ['31', '0', '0'],
    ['3', '8', '0'],
    ['3', '0', '8'],
    ['a', '0', '0'],
    ['1.5', '0', '0'],
    ['01', '0', '0'],
    ['3', '', '0'],
    ['99999999999999999999', '0', '0'],
  ])('rejects z=%s x=%s y=%s', (z, x, y) => {
    expect(() => parseTileCoord(z, x, y)).toThrow(TileCoordError);
  });

  it('rejects x or y one past the edge at any zoom', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), (z) => {
        const n = String(2 ** z);
        expect(() => parseTileCoord(String(z), n, '0')).toThrow(TileCoordError);
        expect(() => parseTileCoord(String(z), '0', n)).toThrow(TileCoordError);
      }),
    );
  });
});
