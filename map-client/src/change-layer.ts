/**
 * The change report on the map: one vector layer above every catalogue layer, features coloured
 * by `properties.change` (added green, removed red, changed orange). Loaded on first use; the
 * map controller creates it for a report and disposes it when the report is cleared.
 */
import VectorLayer from 'ol/layer/Vector.js';
import VectorSource from 'ol/source/Vector.js';
import GeoJSON from 'ol/format/GeoJSON.js';
import Style from 'ol/style/Style.js';
import Fill from 'ol/style/Fill.js';
import Stroke from 'ol/style/Stroke.js';
import CircleStyle from 'ol/style/Circle.js';
import type { FeatureLike } from 'ol/Feature.js';
import type { ChangeKind, ChangeReport } from './change-api.ts';
import { CHANGE_COLOURS } from './change-colours.ts';

/** Above the catalogue layers (draw orders are below 1000), below the editing draft. */
const CHANGE_Z_INDEX = 1000;

export interface ChangeLayer {
  readonly layer: VectorLayer;
  dispose(): void;
}

function buildStyles(kind: ChangeKind): Style[] {
  const colour = CHANGE_COLOURS[kind];
  return [
    new Style({
      fill: new Fill({ color: `${colour}66` }),
      stroke: new Stroke({ color: colour, width: 2.5 }),
      image: new CircleStyle({ radius: 5, fill: new Fill({ color: colour }), stroke: new Stroke({ color: '#ffffff', width: 1 }) }),
    }),
  ];
}

const STYLES: Readonly<Record<ChangeKind, Style[]>> = {
  added: buildStyles('added'),
  removed: buildStyles('removed'),
  changed: buildStyles('changed'),
};

function styleOf(feature: FeatureLike): Style[] {
  const kind = feature.get('change') as ChangeKind | undefined;
  return STYLES[kind ?? 'changed'] ?? STYLES.changed;
}

export function createChangeLayer(report: ChangeReport): ChangeLayer {
  const features = new GeoJSON({ dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857' }).readFeatures(report.features);
  const source = new VectorSource({ features });
  const layer = new VectorLayer({ source, style: styleOf, zIndex: CHANGE_Z_INDEX, properties: { onemapChangeReport: true } });
  return {
    layer,
    dispose() {
      source.clear(true);
      source.dispose();
      layer.dispose();
    },
  };
}
