/** Band styles, NDVI and its ramp, and the tile → scene pixel map. */
import { describe, expect, it } from 'vitest';
import { crsForEpsg, lonLatToMercator } from '../../src/raster/projection.ts';
import { bandIndex, ndvi, ndviColour, parseRasterStyle, pixelColourer, StyleBandError, styleBands, type BandInfo } from '../../src/raster/styles.ts';
import { invertGeoTransform, tilePixelMap, type GeoTransform } from '../../src/raster/warp.ts';

const GF2: BandInfo[] = [
  { name: 'B1', common_name: 'blue', display_min: 0, display_max: 255 },
  { name: 'B2', common_name: 'green', display_min: 0, display_max: 255 },
  { name: 'B3', common_name: 'red', display_min: 0, display_max: 255 },
  { name: 'B4', common_name: 'nir', display_min: 0, display_max: 255 },
];
const LANDSAT: BandInfo[] = GF2.map((b) => ({ ...b, display_min: 7000, display_max: 16000, scale: 0.0000275, offset: -0.2 }));

describe('styles', () => {
  it('picks bands by common name or band name', () => {
    expect(styleBands(parseRasterStyle(undefined, undefined), GF2)).toEqual([2, 1, 0]);
    expect(styleBands(parseRasterStyle('false-color', undefined), GF2)).toEqual([3, 2, 1]);
    expect(styleBands(parseRasterStyle(undefined, 'B4,red,green'), GF2)).toEqual([3, 2, 1]);
    expect(() => bandIndex(GF2, 'swir16')).toThrow(StyleBandError);
    expect(() => parseRasterStyle('sepia', undefined)).toThrow(StyleBandError);
    expect(() => parseRasterStyle(undefined, 'red,green')).toThrow(StyleBandError);
    expect(() => parseRasterStyle('ndvi', 'red,green,blue')).toThrow(StyleBandError);
  });

  it('stretches each band over its display range', () => {
    const out = new Uint8ClampedArray(4);
    pixelColourer(parseRasterStyle(undefined, undefined), LANDSAT)([11500, 7000, 16000], out, 0);
    expect([...out]).toEqual([128, 0, 255, 255]);
  });

  it('computes NDVI on reflectance (scale and offset applied)', () => {
    // Landsat C2 L2: DN 7273 is reflectance 0; a DN pair that is NDVI 0.6 in reflectance.
    const red = (0.05 + 0.2) / 0.0000275, nir = (0.2 + 0.2) / 0.0000275;
    expect(ndvi(nir, red, LANDSAT[3]!, LANDSAT[2]!)).toBeCloseTo(0.6, 6);
    // On raw DN it would be far lower: the offset matters.
    expect((nir - red) / (nir + red)).toBeLessThan(0.3);
    expect(Number.isNaN(ndvi(0, 0, GF2[3]!, GF2[2]!))).toBe(true);
  });

  it('colours water blue-ish and forest green on the NDVI ramp', () => {
    const [wr, wg, wb] = ndviColour(-0.4);
    expect(wb).toBeGreaterThan(wg);
    expect(wb).toBeGreaterThan(wr);
    const [fr, fg] = ndviColour(0.7);
    expect(fg).toBeGreaterThan(fr + 40);
    expect(ndviColour(-5)).toEqual(ndviColour(-1));
    expect(ndviColour(5)).toEqual(ndviColour(1));
  });
});

describe('tile pixel map', () => {
  it('inverts a geotransform', () => {
    const gt: GeoTransform = [300000, 4, 0, 3200000, 0, -4];
    const inv = invertGeoTransform(gt);
    expect(inv[0] + 300400 * inv[1] + 3199600 * inv[2]).toBeCloseTo(100, 9);
    expect(inv[3] + 300400 * inv[4] + 3199600 * inv[5]).toBeCloseTo(100, 9);
  });

  it('maps a Web Mercator tile onto a UTM grid within a hundredth of a pixel of the exact transform', () => {
    const crs = crsForEpsg(32651)!;
    const gt: GeoTransform = [330000, 4, 0, 3180000, 0, -4];
    const [x0, y1] = lonLatToMercator(121.3, 28.7);
    const [x1, y0] = lonLatToMercator(121.32, 28.68);
    const bbox = [x0, y0, x1, y1] as const;
    const pm = tilePixelMap(bbox, 256, crs, gt);
    // Exact position of output pixel (37, 201)'s centre.
    const mx = x0 + ((x1 - x0) * 37.5) / 256, my = y1 - ((y1 - y0) * 201.5) / 256;
    const lon = (mx / 6378137) * (180 / Math.PI);
    const lat = (2 * Math.atan(Math.exp(my / 6378137)) - Math.PI / 2) * (180 / Math.PI);
    const [e, n] = crs.fromLonLat(lon, lat);
    const col = (e - gt[0]) / gt[1], row = (n - gt[3]) / gt[5];
    expect(Math.abs(pm.col[201 * 256 + 37]! - col)).toBeLessThan(0.01);
    expect(Math.abs(pm.row[201 * 256 + 37]! - row)).toBeLessThan(0.01);
    expect(pm.bounds[0]).toBeLessThan(pm.bounds[2]);
  });
});
