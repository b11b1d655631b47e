/**
 * The editing interactions of the map, owned by the map controller and loaded on first use
 * (Draw, Modify and Snap are not needed for the first paint). `sync` makes them match the edit
 * state: Draw while drawing, Modify on the draft while editing, Snap in both, nothing when idle.
 * What the user does comes back through callbacks as GeoJSON (lon/lat) for the store; nothing
 * here talks to React or to the server except the neighbour source's own loader.
 *
 * Snapping to vector *tiles* is not possible (OpenLayers' Snap needs a vector source), so the
 * features around the view are loaded from `/collections/{id}/items?bbox=…&limit=500` into a
 * hidden vector source while editing (bbox strategy: more are fetched as the view moves).
 */
import type OlMap from 'ol/Map.js';
import Feature from 'ol/Feature.js';
import VectorLayer from 'ol/layer/Vector.js';
import VectorSource from 'ol/source/Vector.js';
import GeoJSON from 'ol/format/GeoJSON.js';
import Draw from 'ol/interaction/Draw.js';
import Modify from 'ol/interaction/Modify.js';
import Snap from 'ol/interaction/Snap.js';
import Point from 'ol/geom/Point.js';
import type Geometry from 'ol/geom/Geometry.js';
import { bbox as bboxStrategy } from 'ol/loadingstrategy.js';
import { fromLonLat, transformExtent } from 'ol/proj.js';
import Style from 'ol/style/Style.js';
import Fill from 'ol/style/Fill.js';
import Stroke from 'ol/style/Stroke.js';
import CircleStyle from 'ol/style/Circle.js';
import RegularShape from 'ol/style/RegularShape.js';
import { MultiPoint } from 'ol/geom.js';
import type { CatalogLayer } from './catalog-document.ts';
import type { EditState } from './edit-state.ts';
import type { Geometry as GeoJsonGeometry } from './feature-api.ts';
import { itemsInBboxUrl } from './feature-api.ts';
import { geometryKind } from './layer-style.ts';
import { parseWktPoint } from './wkt-point.ts';

export interface EditingEvents {
  onDrawEnd(geometry: GeoJsonGeometry): void;
  onGeometryEdited(geometry: GeoJsonGeometry): void;
}

export interface MapEditing {
  /** Makes the interactions match `edit`; `layer` is the layer drawn into or edited. */
  sync(edit: EditState, layer: CatalogLayer | undefined, revision: number): void;
  dispose(): void;
}

/** Neighbours fetched per request, as the brief of the snapping source says. */
const NEIGHBOUR_LIMIT = 500;
/** Above every catalogue layer and the change report. */
const DRAFT_Z_INDEX = 2000;
const SNAP_TOLERANCE_PX = 10;

const format = new GeoJSON({ dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857' });

function toGeoJson(geometry: Geometry): GeoJsonGeometry {
  return format.writeGeometryObject(geometry, { decimals: 8 }) as unknown as GeoJsonGeometry;
}

function fromGeoJson(geometry: GeoJsonGeometry): Geometry | undefined {
  return format.readGeometry(geometry) ?? undefined;
}

const DRAFT_STYLE = [
  new Style({
    fill: new Fill({ color: 'rgba(255, 214, 0, 0.35)' }),
    stroke: new Stroke({ color: '#d35400', width: 2.5 }),
  }),
  // Vertices, so the user sees what can be dragged.
  new Style({
    image: new CircleStyle({ radius: 4, fill: new Fill({ color: '#ffffff' }), stroke: new Stroke({ color: '#d35400', width: 1.5 }) }),
    geometry: (feature) => {
      const geometry = feature.getGeometry();
      if (!geometry) return undefined;
      const coordinates: number[][] = [];
      const walk = (c: unknown): void => {
        if (Array.isArray(c) && typeof c[0] === 'number') coordinates.push(c as number[]);
        else if (Array.isArray(c)) c.forEach(walk);
      };
      walk((geometry as unknown as { getCoordinates(): unknown }).getCoordinates());
      return new MultiPoint(coordinates);
    },
  }),
];

/** A red cross where the server found the geometry invalid. */
const PROBLEM_STYLE = new Style({
  image: new RegularShape({ points: 4, radius: 9, radius2: 0, angle: Math.PI / 4, stroke: new Stroke({ color: '#c0392b', width: 3 }) }),
});

export function createMapEditing(map: OlMap, events: EditingEvents): MapEditing {
  const draftSource = new VectorSource<Feature<Geometry>>();
  const draftLayer = new VectorLayer({ source: draftSource, style: DRAFT_STYLE, zIndex: DRAFT_Z_INDEX, updateWhileInteracting: true });
  const problemSource = new VectorSource<Feature<Point>>();
  const problemLayer = new VectorLayer({ source: problemSource, style: PROBLEM_STYLE, zIndex: DRAFT_Z_INDEX + 1 });
  map.addLayer(draftLayer);
  map.addLayer(problemLayer);

  let draw: Draw | null = null;
  let drawFor: string | null = null;
  let modify: Modify | null = null;
  let snaps: Snap[] = [];
  let neighbours: { layerId: string; source: VectorSource<Feature>; revision: number } | null = null;
  /** The draft geometry object last put on the map or reported from it. */
  let shownGeometry: GeoJsonGeometry | null = null;
  let shownProblem: string | undefined;

  function removeDraw() {
    if (!draw) return;
    map.removeInteraction(draw);
    draw.dispose();
    draw = null;
    drawFor = null;
  }

  function removeModify() {
    if (!modify) return;
    map.removeInteraction(modify);
    modify.dispose();
    modify = null;
  }

  function removeSnaps() {
    for (const snap of snaps) {
      map.removeInteraction(snap);
      snap.dispose();
    }
    snaps = [];
  }

  function removeNeighbours() {
    if (!neighbours) return;
    neighbours.source.clear(true);
    neighbours.source.dispose();
    neighbours = null;
  }

  function neighbourSource(layer: CatalogLayer, revision: number): VectorSource<Feature> {
    if (neighbours && neighbours.layerId === layer.id) {
      // The layer was written to: refetch so snapping sees the new state.
      if (neighbours.revision !== revision) {
        neighbours.revision = revision;
        neighbours.source.refresh();
      }
      return neighbours.source;
    }
    removeNeighbours();
    const source = new VectorSource<Feature>({
      format: new GeoJSON<Feature>(),
      strategy: bboxStrategy,
      url: (extent, _resolution, projection) => itemsInBboxUrl(layer, transformExtent(extent, projection, 'EPSG:4326'), NEIGHBOUR_LIMIT),
    });
    neighbours = { layerId: layer.id, source, revision };
    return source;
  }

  /** Snap goes last: interactions handle events in reverse order, and Snap must see them first. */
  function ensureSnaps(layer: CatalogLayer, revision: number) {
    removeSnaps();
    snaps = [new Snap({ source: neighbourSource(layer, revision), pixelTolerance: SNAP_TOLERANCE_PX }), new Snap({ source: draftSource, pixelTolerance: SNAP_TOLERANCE_PX })];
    for (const snap of snaps) map.addInteraction(snap);
  }

  function startDraw(layer: CatalogLayer, revision: number) {
    if (draw && drawFor === layer.id) return;
    removeDraw();
    removeModify();
    draftSource.clear();
    shownGeometry = null;
    const kind = geometryKind(layer.geometryType);
    draw = new Draw({ type: kind === 'polygon' ? 'Polygon' : kind === 'line' ? 'LineString' : 'Point', stopClick: true, snapTolerance: 12 });
    drawFor = layer.id;
    draw.on('drawend', (event) => {
      const geometry = event.feature.getGeometry();
      if (geometry) events.onDrawEnd(toGeoJson(geometry));
    });
    map.addInteraction(draw);
    ensureSnaps(layer, revision);
  }

  function showDraft(geometry: GeoJsonGeometry, layer: CatalogLayer, revision: number) {
    removeDraw();
    if (geometry !== shownGeometry) {
      draftSource.clear();
      const olGeometry = fromGeoJson(geometry);
      if (olGeometry) draftSource.addFeature(new Feature(olGeometry));
      shownGeometry = geometry;
    }
    if (!modify) {
      modify = new Modify({ source: draftSource });
      modify.on('modifyend', (event) => {
        const geometry = event.features.item(0)?.getGeometry();
        if (!geometry) return;
        const json = toGeoJson(geometry);
        // The store will hand this object back; it is already on the map.
        shownGeometry = json;
        events.onGeometryEdited(json);
      });
      map.addInteraction(modify);
      ensureSnaps(layer, revision);
    } else if (neighbours?.revision !== revision) {
      neighbourSource(layer, revision);
    }
  }

  function showProblem(location: string | undefined) {
    if (location === shownProblem) return;
    shownProblem = location;
    problemSource.clear();
    const lonLat = parseWktPoint(location);
    if (lonLat) problemSource.addFeature(new Feature(new Point(fromLonLat(lonLat))));
  }

  function clearAll() {
    removeDraw();
    removeModify();
    removeSnaps();
    removeNeighbours();
    draftSource.clear();
    shownGeometry = null;
  }

  return {
    sync(edit, layer, revision) {
      showProblem(edit.problem?.location);
      if (!layer || edit.mode === 'idle') {
        clearAll();
        return;
      }
      if (edit.mode === 'drawing') startDraw(layer, revision);
      else if (edit.mode === 'editing' && edit.draft) showDraft(edit.draft.geometry, layer, revision);
    },
    dispose() {
      clearAll();
      map.removeLayer(draftLayer);
      map.removeLayer(problemLayer);
      draftSource.dispose();
      problemSource.dispose();
      draftLayer.dispose();
      problemLayer.dispose();
    },
  };
}
