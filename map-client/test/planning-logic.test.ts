import { describe, expect, it } from 'vitest';
import type { CatalogDocument } from '../src/catalog-document.ts';
import {
  areaCells,
  beijingTime,
  landUseLegend,
  parseReviewParam,
  reviewQuery,
  uploadKind,
} from '../src/workspaces/planning/planning-logic.ts';

describe('规划 workspace logic', () => {
  it('formats areas in m² (2 decimals), 公顷 (4) and 亩 (2) with grouped digits', () => {
    expect(areaCells({ m2: 30012.345, ha: 3.0012, mu: 45.02 })).toEqual(['30,012.35', '3.0012', '45.02']);
    expect(areaCells({ m2: 0, ha: 0, mu: 0 })).toEqual(['0.00', '0.0000', '0.00']);
  });

  it('tells GeoJSON from zipped Shapefiles by name and refuses the rest', () => {
    expect(uploadKind('选址.geojson')).toBe('geojson');
    expect(uploadKind('site.JSON')).toBe('geojson');
    expect(uploadKind('红线.zip')).toBe('shapefile');
    expect(uploadKind('site.shp')).toBeUndefined();
    expect(uploadKind('site.dxf')).toBeUndefined();
  });

  it('asks for the plan as of the time cursor, and passes the chosen CRS', () => {
    expect(reviewQuery(null, '')).toBe('');
    expect(reviewQuery(Date.UTC(2023, 0, 1), '')).toBe('?datetime=2023-01-01T00%3A00%3A00.000Z');
    expect(reviewQuery(null, 'EPSG:4549')).toBe('?crs=EPSG%3A4549');
  });

  it('reads the review id of the URL strictly', () => {
    expect(parseReviewParam('42')).toBe(42);
    expect(parseReviewParam(undefined)).toBeUndefined();
    expect(parseReviewParam('4x')).toBeUndefined();
    expect(parseReviewParam('')).toBeUndefined();
  });

  it('derives the land-use legend from the catalogue, in its order', () => {
    const catalog = {
      layers: [
        { id: 'roads', style: {} },
        { id: 'plan_parcels', style: { classify: { property: 'landuse_class', otherColor: '#ddd', classes: [{ value: '07', color: '#ffff2d', title: { zh: '居住用地', en: 'Residential' } }, { value: '09', color: '#ff3d3d', title: { zh: '商业服务业用地', en: 'Commercial' } }] } } },
      ],
    } as unknown as CatalogDocument;
    expect(landUseLegend(catalog).map((c) => `${c.code} ${c.color}`)).toEqual(['07 #ffff2d', '09 #ff3d3d']);
    expect(landUseLegend(null)).toEqual([]);
  });

  it('shows instants in Beijing time', () => {
    expect(beijingTime('2026-11-29T17:30:00Z')).toBe('2026-11-30 01:30');
  });
});
