/**
 * The generator's building blocks: PRNG, ellipsoidal measures (against values PostGIS 3.3
 * computed with GeographicLib), Voronoi partitions (properties), EWKB and COPY encoding.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Rng } from '../src/sample/core/prng.ts';
import { ringAreaM2, segmentLengthM } from '../src/sample/core/geodesy.ts';
import { voronoiCells, nearestSite, type XY } from '../src/sample/core/voronoi.ts';
import { pointEwkbHex, multiLineEwkbHex, multiPolygonEwkbHex } from '../src/load/ewkb.ts';
import { copyLine } from '../src/load/copy-text.ts';

describe('Rng', () => {
  it('repeats for a seed and differs between seeds', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(xs);
  });

  it('forks independent streams by label', () => {
    const r = new Rng(7);
    expect(r.fork('x').next()).toBe(new Rng(7).fork('x').next());
    expect(r.fork('x').next()).not.toBe(r.fork('y').next());
  });

  it('int stays within its inclusive bounds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 0, max: 1000 }), (seed, min, span) => {
        const r = new Rng(seed);
        for (let i = 0; i < 20; i++) {
          const v = r.int(min, min + span);
          if (v < min || v > min + span || !Number.isInteger(v)) return false;
        }
        return true;
      }),
    );
  });
});

describe('ellipsoidal measures (GRS80) agree with PostGIS geography', () => {
  it('lengths: one degree of meridian and a short diagonal', () => {
    // ST_Length('SRID=4490;LINESTRING(121 28,121 29)'::geography) = 110827.57649328321
    expect(segmentLengthM([121, 28], [121, 29])).toBeCloseTo(110827.576, 1);
    // ST_Length('SRID=4490;LINESTRING(121.4 28.6,121.5 28.65)'::geography) = 11239.83590955479
    expect(segmentLengthM([121.4, 28.6], [121.5, 28.65])).toBeCloseTo(11239.836, 2);
  });

  it('area of a 0.004° × 0.0036° survey cell, signed by orientation', () => {
    const ring: [number, number][] = [[121, 28.7], [121.004, 28.7], [121.004, 28.7036], [121, 28.7036], [121, 28.7]];
    // ST_Area(ST_MakeEnvelope(121.0, 28.7, 121.004, 28.7036, 4490)::geography) = 155953.25443291664
    expect(ringAreaM2(ring)).toBeCloseTo(155953.2544, 2);
    expect(ringAreaM2([...ring].reverse())).toBeCloseTo(-155953.2544, 2);
  });
});

describe('voronoiCells', () => {
  const bounds: [number, number, number, number] = [0, 0, 1000, 800];
  const area = (cell: XY[]) => Math.abs(cell.reduce((s, p, i) => {
    const q = cell[(i + 1) % cell.length] as XY;
    return s + p[0] * q[1] - q[0] * p[1];
  }, 0)) / 2;

  it('partitions the bounds, and each site lies in its own cell', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: 999 }), fc.integer({ min: 1, max: 799 })), { minLength: 1, maxLength: 40, selector: (p) => `${p[0]},${p[1]}` }),
        (points) => {
          const sites = points.map(([x, y]) => [x, y] as XY);
          const cells = voronoiCells(sites, bounds);
          const total = cells.reduce((s, c) => s + area(c), 0);
          if (Math.abs(total - 800_000) > 1e-3) return false;
          // The centroid of every cell is nearest to that cell's site.
          return cells.every((cell, i) => {
            const cx = cell.reduce((s, p) => s + p[0], 0) / cell.length;
            const cy = cell.reduce((s, p) => s + p[1], 0) / cell.length;
            const j = nearestSite(sites, cx, cy);
            const d = (k: number) => Math.hypot((sites[k] as XY)[0] - cx, (sites[k] as XY)[1] - cy);
            return j === i || Math.abs(d(j) - d(i)) < 1e-9;
          });
        },
      ),
    );
  });
});

describe('hex EWKB (byte-identical to PostGIS ST_AsEWKB(…, NDR))', () => {
  it('point', () => {
    expect(pointEwkbHex([121.5, 28.5], 4490)).toBe('01010000208a1100000000000000605e400000000000803c40');
  });
  it('multipolygon', () => {
    expect(multiPolygonEwkbHex([[[[0, 0], [1, 0], [1, 1], [0, 0]]]], 4490)).toBe(
      '01060000208a110000010000000103000000010000000400000000000000000000000000000000000000000000000000f03f0000000000000000000000000000f03f000000000000f03f00000000000000000000000000000000',
    );
  });
  it('multilinestring', () => {
    expect(multiLineEwkbHex([[[0, 0], [1, 1]], [[2, 2], [3, 3]]], 4490)).toBe(
      '01050000208a1100000200000001020000000200000000000000000000000000000000000000000000000000f03f000000000000f03f0102000000020000000000000000000040000000000000004000000000000008400000000000000840',
    );
  });
});

describe('COPY text lines', () => {
  it('escapes backslash, tab, newline and carriage return; NULL is \\N', () => {
    expect(copyLine(['a\\b', 'c\td', 'e\nf', 'g\rh', null, 3.5])).toBe('a\\\\b\tc\\td\te\\nf\tg\\rh\t\\N\t3.5\n');
  });
  it('refuses non-finite numbers', () => {
    expect(() => copyLine([Number.NaN])).toThrow(RangeError);
  });
});
