import { describe, expect, it } from 'vitest';
import { formatGeographic, formatMetres, loadCgcs2000Converter } from '../src/cgcs2000.ts';

describe('CGCS2000 coordinates', () => {
  it('projects 121.42°E 28.65°N to EPSG:4549 E 638834.5 N 3171302.8', async () => {
    const position = (await loadCgcs2000Converter())(121.42, 28.65);
    expect(formatMetres(position.easting)).toBe('638834.5');
    expect(formatMetres(position.northing)).toBe('3171302.8');
    expect(formatGeographic(position)).toBe('121.420000°E, 28.650000°N');
  });

  it('puts the central meridian 120°E at the false easting 500 km', async () => {
    const position = (await loadCgcs2000Converter())(120, 28);
    expect(position.easting).toBeCloseTo(500000, 3);
  });
});
