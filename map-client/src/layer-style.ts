/**
 * OpenLayers styles derived from a catalogue layer's StyleHint — the client never hard-codes a
 * per-layer look (house style §1). Styles are built once per distinct (colour, width) and reused:
 * allocating a Style inside the style function is what makes vector tiles crawl
 * (openlayers/openlayers#8392, client.md §3.2).
 *
 * Conventions read from the hint, for every layer alike:
 * - `classify` colours the fill of polygons and points and the stroke of lines; for a classified
 *   line layer a plain `stroke` becomes the casing drawn under all class colours (roads).
 * - `widthByClass` is keyed by the values of the class property: `classify.property` when present,
 *   otherwise the first published integer/string property that is not the label (rivers: `grade`).
 * - A layer that publishes an integer `rank` (1 most important) is thinned by zoom, so that
 *   place names appear progressively instead of all at once.
 */
import type { FeatureLike } from 'ol/Feature.js';
import type { StyleFunction } from 'ol/style/Style.js';
import Style from 'ol/style/Style.js';
import Fill from 'ol/style/Fill.js';
import Stroke from 'ol/style/Stroke.js';
import Text from 'ol/style/Text.js';
import CircleStyle from 'ol/style/Circle.js';
import type { CatalogLayer, StyleHint } from './catalog-document.ts';

/** Web Mercator resolution at zoom 0 for 256 px tiles (the OpenLayers view zoom scale). */
const RESOLUTION_Z0 = 156543.03392804097;

/** Font stack that renders Chinese on Windows, macOS, Android and Debian (fonts-wqy-microhei). */
const FONT_FAMILY = '"Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif';

/** Colour of an outline drawn around point symbols when the hint gives none, so they stand out. */
const POINT_OUTLINE = '#ffffff';

export type GeometryKind = 'polygon' | 'line' | 'point';

/** The view zoom (256 px scale) for a resolution in metres per pixel. */
export function zoomForResolution(resolution: number): number {
  return Math.log2(RESOLUTION_Z0 / resolution);
}

/** Polygon, line or point, from the catalogue geometry type. */
export function geometryKind(geometryType: string): GeometryKind {
  if (geometryType.includes('Polygon')) return 'polygon';
  if (geometryType.includes('Line')) return 'line';
  return 'point';
}

/**
 * The most important rank shown at a view zoom: 1 at city scale, all ranks from street scale on.
 * The breaks follow the district → town → village → POI hierarchy of the place-name data.
 */
export function maxRankAtZoom(zoom: number): number {
  if (zoom < 10) return 1;
  if (zoom < 11.5) return 2;
  if (zoom < 13) return 3;
  if (zoom < 14.5) return 4;
  return Number.POSITIVE_INFINITY;
}

/** The property whose values key `widthByClass`, or undefined when the hint has none. */
export function widthClassProperty(layer: CatalogLayer): string | undefined {
  const hint = layer.style;
  if (!hint.widthByClass) return undefined;
  if (hint.classify) return hint.classify.property;
  return layer.properties.find(
    (p) => (p.type === 'integer' || p.type === 'string') && p.name !== hint.label?.property,
  )?.name;
}

/**
 * Builds the style function of one catalogue layer. Polygon labels are drawn by a companion
 * layer (polygon-labels.ts), so the tile style of a polygon layer draws no text.
 */
export function createLayerStyle(layer: CatalogLayer): StyleFunction {
  const hint = layer.style;
  const kind = geometryKind(layer.geometryType);
  const classColor = classColorLookup(hint);
  const widthProperty = widthClassProperty(layer);
  const ranked = layer.properties.some((p) => p.name === 'rank' && p.type === 'integer');
  const labelStyle = hint.label && kind !== 'polygon' ? createLabelStyle(hint, kind) : undefined;
  const cache = new Map<string, Style[]>();

  const symbolFor = (feature: FeatureLike): Style[] => {
    const color = classColor(feature);
    const width = widthFor(hint, widthProperty === undefined ? undefined : feature.get(widthProperty));
    const key = `${color ?? ''}|${width}`;
    let styles = cache.get(key);
    if (!styles) {
      styles = buildSymbol(hint, kind, color, width);
      cache.set(key, styles);
    }
    return styles;
  };

  return (feature, resolution) => {
    const zoom = zoomForResolution(resolution);
    if (ranked) {
      const rank = Number(feature.get('rank'));
      if (Number.isFinite(rank) && rank > maxRankAtZoom(zoom)) return undefined;
    }
    const symbol = symbolFor(feature);
    if (!labelStyle || !hint.label || zoom < hint.label.minZoom) return symbol;
    const text = feature.get(hint.label.property);
    if (text === undefined || text === null || text === '') return symbol;
    // One shared label style whose text is swapped per feature: the renderer copies the text
    // into its instructions immediately, so sharing is safe and allocates nothing per feature.
    labelStyle.getText()?.setText(String(text));
    return [...symbol, labelStyle];
  };
}

/** A function from feature to its class colour (or the plain colour when unclassified). */
function classColorLookup(hint: StyleHint): (feature: FeatureLike) => string | undefined {
  const classify = hint.classify;
  if (!classify) return () => undefined;
  const colors = new Map(classify.classes.map((c) => [String(c.value), c.color]));
  return (feature) => {
    const value = feature.get(classify.property);
    return colors.get(String(value)) ?? classify.otherColor;
  };
}

function widthFor(hint: StyleHint, classValue: unknown): number {
  const byClass = classValue === undefined || classValue === null ? undefined : hint.widthByClass?.[String(classValue)];
  return byClass ?? hint.strokeWidthPx ?? 1;
}

/** The geometry styles for one (colour, width) combination. */
function buildSymbol(hint: StyleHint, kind: GeometryKind, classColor: string | undefined, width: number): Style[] {
  switch (kind) {
    case 'polygon': {
      const fillColor = classColor ?? hint.fill;
      return [
        new Style({
          ...(fillColor ? { fill: new Fill({ color: fillColor }) } : {}),
          ...(hint.stroke ? { stroke: new Stroke({ color: hint.stroke, width: hint.strokeWidthPx ?? 1 }) } : {}),
        }),
      ];
    }
    case 'line': {
      const color = classColor ?? hint.stroke ?? hint.fill ?? '#666666';
      const line = new Style({ stroke: new Stroke({ color, width, lineCap: 'round', lineJoin: 'round' }), zIndex: 1 });
      if (!classColor || !hint.stroke) return [line];
      // Casing under every class colour (zIndex 0 < 1), so light street colours read on light fills.
      const casing = new Style({
        stroke: new Stroke({ color: hint.stroke, width: width + 1.5, lineCap: 'round', lineJoin: 'round' }),
        zIndex: 0,
      });
      return [casing, line];
    }
    case 'point': {
      const color = classColor ?? hint.fill ?? hint.stroke ?? '#666666';
      return [
        new Style({
          image: new CircleStyle({
            radius: hint.radiusPx ?? 4,
            fill: new Fill({ color }),
            stroke: new Stroke({ color: classColor || hint.fill ? (hint.stroke ?? POINT_OUTLINE) : POINT_OUTLINE, width: 1 }),
          }),
          zIndex: 1,
        }),
      ];
    }
  }
}

/** The shared label style of a layer; its text is set per feature just before use. */
export function createLabelStyle(hint: StyleHint, kind: GeometryKind): Style {
  const label = hint.label;
  if (!label) throw new Error('createLabelStyle needs a label hint');
  const radius = hint.radiusPx ?? 4;
  return new Style({
    text: new Text({
      font: `${label.sizePx}px ${FONT_FAMILY}`,
      fill: new Fill({ color: label.color }),
      stroke: new Stroke({ color: label.haloColor, width: 3 }),
      placement: kind === 'line' ? 'line' : 'point',
      // Point labels sit to the right of their symbol, like a printed map, with a gap: the
      // label is decluttered at a higher priority, so touching its own symbol would hide it.
      ...(kind === 'point' ? { textAlign: 'left' as const, offsetX: radius + 5 } : {}),
      padding: kind === 'point' ? [2, 2, 2, 0] : [2, 2, 2, 2],
    }),
    zIndex: 2,
  });
}
