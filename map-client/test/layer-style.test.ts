import { describe, expect, it } from 'vitest';
import type Style from 'ol/style/Style.js';
import type { FeatureLike } from 'ol/Feature.js';
import { catalog } from '@onemap/geodata/catalog';
import type { CatalogLayer } from '../src/catalog-document.ts';
import { createLayerStyle, maxRankAtZoom, widthClassProperty, zoomForResolution } from '../src/layer-style.ts';

/** The catalogue layer as /catalog publishes it (only the fields the style reads matter). */
function published(id: string): CatalogLayer {
  const spec = catalog.layers.find((l) => l.id === id);
  if (!spec) throw new Error(id);
  return {
    ...spec,
    geometryType: spec.table.geometryType,
    minzoom: spec.zoom.min,
    maxzoom: spec.zoom.max,
    legend: [],
    links: { tiles: '' },
  };
}

function feature(properties: Record<string, unknown>): FeatureLike {
  return { get: (key: string) => properties[key] } as unknown as FeatureLike;
}

const resolutionAt = (zoom: number) => 156543.03392804097 / 2 ** zoom;

function styles(id: string, properties: Record<string, unknown>, zoom: number): Style[] {
  const result = createLayerStyle(published(id))(feature(properties), resolutionAt(zoom));
  if (result === undefined) return [];
  return (Array.isArray(result) ? result : [result]) as Style[];
}

describe('styles from the StyleHint', () => {
  it('colours buildings by use and outlines them', () => {
    const [style] = styles('buildings', { use: 'commercial' }, 16);
    expect(style?.getFill()?.getColor()).toBe('#f0a98c');
    expect(style?.getStroke()?.getColor()).toBe('#a08c78');
    const [other] = styles('buildings', { use: 'unknown' }, 16);
    expect(other?.getFill()?.getColor()).toBe('#d9d0c7');
  });

  it('draws classified roads over a casing, with the width of their class', () => {
    const [casing, line] = styles('roads', { class: 'arterial' }, 15);
    expect(line?.getStroke()?.getColor()).toBe('#ffffff');
    expect(line?.getStroke()?.getWidth()).toBe(2.5);
    expect(casing?.getStroke()?.getColor()).toBe('#999999');
    expect((casing?.getZIndex() ?? 0) < (line?.getZIndex() ?? 0)).toBe(true);
  });

  it('widens rivers by grade although they are not classified', () => {
    expect(widthClassProperty(published('rivers'))).toBe('grade');
    const [grade1] = styles('rivers', { grade: 1 }, 12);
    const [grade4] = styles('rivers', { grade: 4 }, 12);
    expect(grade1?.getStroke()?.getWidth()).toBe(3);
    expect(grade4?.getStroke()?.getWidth()).toBe(0.8);
  });

  it('reuses one Style object per class instead of allocating per feature', () => {
    const style = createLayerStyle(published('buildings'));
    const a = style(feature({ use: 'public' }), resolutionAt(16));
    const b = style(feature({ use: 'public' }), resolutionAt(16));
    expect((a as Style[])[0]).toBe((b as Style[])[0]);
  });

  it('labels lines only from the label hint zoom on', () => {
    expect(styles('roads', { class: 'branch', name: '市府大道' }, 12).some((s) => s.getText())).toBe(false);
    const labelled = styles('roads', { class: 'branch', name: '市府大道' }, 14);
    expect(labelled.find((s) => s.getText())?.getText()?.getText()).toBe('市府大道');
  });

  it('thins ranked place names by zoom', () => {
    expect(maxRankAtZoom(9)).toBe(1);
    expect(maxRankAtZoom(16)).toBe(Number.POSITIVE_INFINITY);
    expect(styles('place_names', { class: 'poi', rank: 5, name: '广场' }, 10)).toEqual([]);
  });

  it('maps resolutions to view zoom levels', () => {
    expect(zoomForResolution(resolutionAt(13.5))).toBeCloseTo(13.5, 9);
  });
});
