import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CGCS2000_QUAD, inMatrixSet, tileMatrixSetDocument, tileMatrixSetLimits, WEB_MERCATOR_QUAD } from '../src/index.ts';

describe('WebMercatorQuad', () => {
  const doc = tileMatrixSetDocument(WEB_MERCATOR_QUAD);
  it('has the registered values (standards.md §5)', () => {
    expect(doc.uri).toBe('http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad');
    expect(doc.crs).toBe('http://www.opengis.net/def/crs/EPSG/0/3857');
    const z0 = doc.tileMatrices[0]!;
    expect(z0.scaleDenominator).toBeCloseTo(559082264.0287178, 6);
    expect(z0.cellSize).toBeCloseTo(156543.03392804097, 9);
    expect(z0.pointOfOrigin[0]).toBeCloseTo(-20037508.3427892, 6);
    expect(z0.pointOfOrigin[1]).toBeCloseTo(20037508.3427892, 6);
    for (const m of doc.tileMatrices) {
      const z = Number(m.id);
      expect(m.matrixWidth).toBe(2 ** z);
      expect(m.matrixHeight).toBe(2 ** z);
      expect(m.scaleDenominator).toBeCloseTo(559082264.0287178 / 2 ** z, 6);
    }
  });

  it('puts the 椒江 test point (121.42°E 28.65°N) in row 6830, column 13717 at z14', () => {
    // x = (121.42 + 180) / 360 × 2^14 = 13717.9; y from the Mercator latitude = 6830.4
    expect(WEB_MERCATOR_QUAD.tileAt(121.42, 28.65, 14)).toEqual({ col: 13717, row: 6830 });
  });
});

describe('CGCS2000Quad (天地图 c)', () => {
  const doc = tileMatrixSetDocument(CGCS2000_QUAD);
  it('level 1 is 2 × 1 tiles of 0.703125°/px from (−180, 90), lat/lon axis order', () => {
    const l1 = doc.tileMatrices[0]!;
    expect(l1).toMatchObject({ id: '1', matrixWidth: 2, matrixHeight: 1, cellSize: 0.703125, pointOfOrigin: [90, -180], cornerOfOrigin: 'topLeft' });
    // The same scale as the registered WorldCRS84Quad level 0.
    expect(l1.scaleDenominator).toBeCloseTo(279541132.0143589, 4);
    expect(doc.orderedAxes).toEqual(['Lat', 'Lon']);
    expect(doc.crs).toBe('http://www.opengis.net/def/crs/EPSG/0/4490');
    const l18 = doc.tileMatrices.find((m) => m.id === '18')!;
    expect(l18.cellSize).toBeCloseTo(0.703125 / 2 ** 17, 15);
  });

  it('tiles cover their point: bounds contain the point they were found from', () => {
    fc.assert(
      fc.property(fc.double({ min: -179.999, max: 179.999, noNaN: true }), fc.double({ min: -89.999, max: 89.999, noNaN: true }), fc.integer({ min: 1, max: 20 }), (lon, lat, z) => {
        const { col, row } = CGCS2000_QUAD.tileAt(lon, lat, z);
        expect(inMatrixSet(CGCS2000_QUAD, z, row, col)).toBe(true);
        const [w, s, e, n] = CGCS2000_QUAD.tileBounds(z, col, row);
        // 1e-9° tolerance: 90 − 5e-324 is 90 in floating point.
        expect(lon).toBeGreaterThanOrEqual(w - 1e-9);
        expect(lon).toBeLessThanOrEqual(e + 1e-9);
        expect(lat).toBeGreaterThanOrEqual(s - 1e-9);
        expect(lat).toBeLessThanOrEqual(n + 1e-9);
      }),
    );
  });

  it('limits span the bounds at every level', () => {
    const limits = tileMatrixSetLimits(CGCS2000_QUAD, [120.29, 28.01, 121.94, 29.34], 5, 8);
    expect(limits.map((l) => l.tileMatrix)).toEqual(['5', '6', '7', '8']);
    const l8 = limits.at(-1)!;
    expect(CGCS2000_QUAD.tileAt(121.42, 28.65, 8)).toEqual({ col: expect.any(Number), row: expect.any(Number) });
    const p = CGCS2000_QUAD.tileAt(121.42, 28.65, 8);
    expect(p.col).toBeGreaterThanOrEqual(l8.minTileCol);
    expect(p.col).toBeLessThanOrEqual(l8.maxTileCol);
    expect(p.row).toBeGreaterThanOrEqual(l8.minTileRow);
    expect(p.row).toBeLessThanOrEqual(l8.maxTileRow);
    expect(inMatrixSet(CGCS2000_QUAD, 0, 0, 0)).toBe(false);
    expect(inMatrixSet(CGCS2000_QUAD, 1, 1, 0)).toBe(false);
  });
});
