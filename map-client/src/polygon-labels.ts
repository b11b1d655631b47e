/**
 * One label per polygon feature, not one per tile. Vector tiles cut a district into as many
 * pieces as tiles it touches, and labelling each piece repeats "黄岩区" across the screen.
 * Instead, as tiles load, the largest piece of each feature (by id, else by its label text)
 * gives the feature's anchor: a point label in a companion layer. The anchor also records the
 * coarsest resolution at which the label still fits inside the piece, which stands in for
 * OpenLayers' `overflow: false` on polygons (small ponds stay unlabelled at city scale).
 */
import Feature from 'ol/Feature.js';
import Point from 'ol/geom/Point.js';
import VectorLayer from 'ol/layer/Vector.js';
import VectorSource from 'ol/source/Vector.js';
import type VectorTileSource from 'ol/source/VectorTile.js';
import type VectorTile from 'ol/VectorTile.js';
import type RenderFeature from 'ol/render/Feature.js';
import type { StyleFunction } from 'ol/style/Style.js';
import { getHeight, getWidth } from 'ol/extent.js';
import { unByKey } from 'ol/Observable.js';
import type { CatalogLayer } from './catalog-document.ts';
import { createLabelStyle, zoomForResolution } from './layer-style.ts';

/** Property of an anchor feature: the largest resolution (m/px) at which its label fits. */
const MAX_RESOLUTION = 'labelMaxResolution';

interface Anchor {
  readonly feature: Feature<Point>;
  size: number;
}

export interface PolygonLabels {
  readonly layer: VectorLayer<VectorSource<Feature<Point>>>;
  dispose(): void;
}

/** Creates the label layer of a polygon catalogue layer fed by `tiles`. */
export function createPolygonLabels(spec: CatalogLayer, tiles: VectorTileSource): PolygonLabels {
  const label = spec.style.label;
  if (!label) throw new Error(`layer ${spec.id} has no label hint`);
  const anchors = new Map<string, Anchor>();
  const source = new VectorSource<Feature<Point>>();

  const key = tiles.on('tileloadend', (event) => {
    const tile = event.tile as VectorTile<RenderFeature>;
    for (const piece of tile.getFeatures() ?? []) {
      const text: unknown = piece.get(label.property);
      if (text === undefined || text === null || text === '') continue;
      const id = String(piece.getId() ?? text);
      const extent = piece.getExtent();
      const size = getWidth(extent) * getHeight(extent);
      const anchor = anchors.get(id);
      if (anchor && anchor.size >= size) continue;
      const point = interiorPoint(piece);
      if (!point) continue;
      // The label fits when its width in pixels is below the piece's width at that resolution;
      // CJK glyphs are about one font size wide.
      const textWidthPx = String(text).length * label.sizePx + 8;
      const maxResolution = point.segmentLength / textWidthPx;
      if (anchor) {
        anchor.size = size;
        anchor.feature.getGeometry()?.setCoordinates([point.x, point.y]);
        anchor.feature.set(MAX_RESOLUTION, maxResolution);
      } else {
        const feature = new Feature({ geometry: new Point([point.x, point.y]), [label.property]: text, [MAX_RESOLUTION]: maxResolution });
        anchors.set(id, { feature, size });
        source.addFeature(feature);
      }
    }
  });

  const labelStyle = createLabelStyle(spec.style, 'polygon');
  const style: StyleFunction = (feature, resolution) => {
    if (zoomForResolution(resolution) < label.minZoom) return undefined;
    const maxResolution = feature.get(MAX_RESOLUTION) as number | undefined;
    if (maxResolution !== undefined && resolution > maxResolution) return undefined;
    labelStyle.getText()?.setText(String(feature.get(label.property)));
    return labelStyle;
  };

  const layer = new VectorLayer({
    source,
    style,
    declutter: true,
    // Just above its polygons, below any layer drawn later.
    zIndex: spec.drawOrder + 0.5,
    minZoom: spec.minzoom,
    visible: false,
    updateWhileAnimating: false,
  });

  return {
    layer,
    dispose() {
      unByKey(key);
      source.clear(true);
      source.dispose();
      layer.dispose();
    },
  };
}

/**
 * The widest horizontal interior point of a polygon piece, with that segment's length. MVT
 * polygons arrive as one RenderFeature that may hold several outer rings, so the rings are
 * grouped into polygons (getFlatInteriorPoints) and the widest one wins.
 */
function interiorPoint(piece: RenderFeature): { x: number; y: number; segmentLength: number } | undefined {
  if (piece.getType() !== 'Polygon') return undefined;
  const points = piece.getFlatInteriorPoints();
  let best: { x: number; y: number; segmentLength: number } | undefined;
  for (let i = 0; i + 2 < points.length; i += 3) {
    const candidate = { x: points[i] ?? 0, y: points[i + 1] ?? 0, segmentLength: points[i + 2] ?? 0 };
    if (!best || candidate.segmentLength > best.segmentLength) best = candidate;
  }
  return best;
}
