import { describe, expect, it } from 'vitest';
import { formatWktPoint, parseWktPoint } from '../src/wkt-point.ts';

describe('invalid-geometry location', () => {
  it('reads the WKT point the server names', () => {
    expect(parseWktPoint('POINT(121.420429155 28.657778190000002)')).toEqual([121.420429155, 28.657778190000002]);
    expect(parseWktPoint('POINT (1e-7 -2.5)')).toEqual([1e-7, -2.5]);
    expect(parseWktPoint('LINESTRING(0 0,1 1)')).toBeUndefined();
    expect(parseWktPoint(undefined)).toBeUndefined();
  });

  it('shows it as degrees to about 0.1 m, or as given when it is not a point', () => {
    expect(formatWktPoint('POINT(121.420429155 28.657778190000002)')).toBe('121.420429°E, 28.657778°N');
    expect(formatWktPoint('somewhere')).toBe('somewhere');
  });
});
