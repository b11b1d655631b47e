/**
 * The one `ol/Map` of the client, owned outside React (client.md §3.6). React talks to it through
 * three calls: `attach` (give it a DOM target), `sync` (make OpenLayers match the app state; the
 * only place OL layers, view, overlay and interactions are changed) and `detach`. What happens on
 * the map (moves, pointer, clicks, drawing, tile failures, render completion) is reported through
 * the `MapEvents` callbacks, which write to the store; nothing here throws for a failed tile.
 *
 * The state slices it draws: catalogue → one tile layer per layer; visible/opacity; view; the
 * selection's popup; `time` → the tiles of versioned layers (tile-layer.ts); `dataRevision` →
 * reloads after edits; `edit` → Draw/Modify/Snap (map-editing.ts, loaded on first use);
 * `changes.report` → the change layer (change-layer.ts, loaded on first use).
 */
import OlMap from 'ol/Map.js';
import View from 'ol/View.js';
import Overlay from 'ol/Overlay.js';
import Zoom from 'ol/control/Zoom.js';
import ScaleLine from 'ol/control/ScaleLine.js';
import VectorTileLayer from 'ol/layer/VectorTile.js';
import { fromLonLat, toLonLat, transformExtent } from 'ol/proj.js';
import { unByKey } from 'ol/Observable.js';
import type { EventsKey } from 'ol/events.js';
import type MapBrowserEvent from 'ol/MapBrowserEvent.js';
import type { AppState, Bbox4326, Selection, ViewState } from './app-state.ts';
import type { CatalogDocument } from './catalog-document.ts';
import type { ChangeReport } from './change-api.ts';
import type { ChangeLayer } from './change-layer.ts';
import type * as ChangeLayerModule from './change-layer.ts';
import { currentEditLayer, type EditMode } from './edit-state.ts';
import type { Geometry } from './feature-api.ts';
import { geometryKind } from './layer-style.ts';
import type { MapEditing } from './map-editing.ts';
import { createPolygonLabels, type PolygonLabels } from './polygon-labels.ts';
import { translate, type Lang } from './i18n.ts';
import { createTileLayer, LAYER_ID, type CatalogTileLayer } from './tile-layer.ts';
import { datetimeParam } from './time-cursor.ts';

/** What the map reports back; each callback writes to the store. */
export interface MapEvents {
  onViewChange(view: ViewState, extent: Bbox4326): void;
  onPointer(lonLat: readonly [number, number] | null): void;
  onSelect(selection: Selection | null): void;
  onLayerError(layerId: string, message: string): void;
  /** A frame with every tile loaded; `time` is the cursor it was drawn for. */
  onRenderComplete(info: { readonly layersReady: boolean; readonly time: number | null }): void;
  /** A new feature's geometry was drawn (lon/lat). */
  onDrawEnd(geometry: Geometry): void;
  /** The draft's vertices were moved (lon/lat). */
  onGeometryEdited(geometry: Geometry): void;
  /** The editing interactions now on the map match this mode (they load on first use). */
  onEditingSynced(mode: EditMode): void;
}

export interface MapController {
  /** Renders into `target`, with the scale bar drawn into `scaleTarget`. Idempotent. */
  attach(target: HTMLElement, scaleTarget: HTMLElement): void;
  detach(): void;
  /** Makes OpenLayers match `state`: layers, visibility, opacity, view, popup, control labels. */
  sync(state: AppState): void;
  /** The element the identify popup is rendered into (an OL overlay placed at the click). */
  readonly popupElement: HTMLElement;
  /** The OpenLayers map itself, for workspaces that add their own layers and tools. */
  readonly map: OlMap;
  dispose(): void;
}

/** Distance tolerance for "the view already matches the state" (degrees and zoom levels). */
const VIEW_EPSILON = 1e-9;
/** Pixels of slack when clicking thin lines and small points. */
const HIT_TOLERANCE_PX = 4;

/** Creates the map (not yet attached to the page). */
export function createMapController(events: MapEvents): MapController {
  const popupElement = document.createElement('div');
  popupElement.className = 'identify-anchor';
  const popup = new Overlay({
    element: popupElement,
    positioning: 'bottom-center',
    offset: [0, -10],
    stopEvent: true,
  });
  // The popup's content is rendered by React after the overlay moves, so OL's own autoPan would
  // measure an empty element. Pan once the content has a size (and again if it changes size,
  // e.g. on a language switch).
  const popupResize = new ResizeObserver(() => {
    if (popup.getPosition() && popupElement.offsetHeight > 0) {
      popup.panIntoView({ animation: { duration: 200 }, margin: 12 });
    }
  });
  popupResize.observe(popupElement);
  const zoom = new Zoom();
  const scaleLine = new ScaleLine({ units: 'metric', minWidth: 80 });
  const view = new View({ enableRotation: false, constrainResolution: false, minZoom: 4, maxZoom: 21 });
  const map = new OlMap({ controls: [zoom], view, overlays: [popup], layers: [] });
  // The viewport exists from construction on; OL only types it as optional for disposed maps.
  const viewport = map.getViewport() as HTMLElement;

  const layers = new Map<string, CatalogTileLayer>();
  /** Companion label layers of labelled polygon layers, by catalogue id. */
  const polygonLabels = new Map<string, PolygonLabels>();
  const keys: EventsKey[] = [];
  let builtFor: CatalogDocument | null = null;
  let lang: Lang | null = null;
  /** The state last synced, to skip work when only unrelated slices (the pointer) changed. */
  let synced: AppState | null = null;
  let pointerFrame = 0;
  let lastPointerEvent: MapBrowserEvent | null = null;
  /** The revision of each layer's data its tiles were last loaded at. */
  const loadedRevision = new Map<string, number>();
  /** Lazily loaded editing interactions and change layer (not needed for the first paint). */
  let editing: MapEditing | null = null;
  let editingLoad: Promise<void> | null = null;
  let changeLayer: { report: ChangeReport; layer: ChangeLayer } | null = null;
  let changeLoad: Promise<typeof ChangeLayerModule> | null = null;
  let disposed = false;

  keys.push(
    map.on('moveend', reportView),
    // A side panel opening narrows the map without moving it: the visible area still changes.
    map.on('change:size', reportView),
    map.on('pointermove', (event) => {
      if (event.dragging) return;
      // One update per animation frame: pointermove can fire far more often than we can paint.
      lastPointerEvent = event;
      if (pointerFrame === 0) pointerFrame = requestAnimationFrame(reportPointer);
    }),
    map.on('singleclick', (event) => {
      // While drawing or reshaping, clicks place vertices: no identify popup.
      if (synced && synced.edit.mode !== 'idle') return;
      events.onSelect(identify(event.pixel));
    }),
    map.on('rendercomplete', () => events.onRenderComplete({ layersReady: builtFor !== null, time: synced?.time ?? null })),
  );
  const onPointerLeave = () => {
    lastPointerEvent = null;
    events.onPointer(null);
  };
  viewport.addEventListener('pointerleave', onPointerLeave);

  function reportView() {
    const center = view.getCenter();
    const z = view.getZoom();
    const size = map.getSize();
    if (!center || z === undefined || !size) return;
    const [lon = 0, lat = 0] = toLonLat(center);
    const [w = 0, s = 0, e = 0, n = 0] = transformExtent(view.calculateExtent(size), 'EPSG:3857', 'EPSG:4326');
    events.onViewChange({ center: [lon, lat], zoom: z }, [w, s, e, n]);
  }

  function reportPointer() {
    pointerFrame = 0;
    const event = lastPointerEvent;
    if (!event) return;
    const [lon = 0, lat = 0] = toLonLat(event.coordinate);
    events.onPointer([lon, lat]);
    const hit = map.hasFeatureAtPixel(event.pixel, { layerFilter: isIdentifiable, hitTolerance: HIT_TOLERANCE_PX });
    viewport.style.cursor = hit ? 'pointer' : '';
  }

  function isIdentifiable(layer: unknown): boolean {
    return layer instanceof VectorTileLayer && typeof layer.get(LAYER_ID) === 'string' && layer.getVisible();
  }

  /** The topmost feature of a visible layer under `pixel`, as a selection. */
  function identify(pixel: number[]): Selection | null {
    let selection: Selection | null = null;
    const coordinate = map.getCoordinateFromPixel(pixel);
    map.forEachFeatureAtPixel(
      pixel,
      (feature, layer) => {
        const layerId: unknown = layer.get(LAYER_ID);
        if (typeof layerId !== 'string' || !coordinate) return false;
        const properties = { ...feature.getProperties() };
        delete properties['geometry'];
        const featureId = feature.getId();
        selection = {
          layerId,
          ...(featureId !== undefined ? { featureId } : {}),
          properties,
          coordinate3857: [coordinate[0] ?? 0, coordinate[1] ?? 0],
          time: synced?.time ?? null,
        };
        return true;
      },
      { layerFilter: isIdentifiable, hitTolerance: HIT_TOLERANCE_PX },
    );
    return selection;
  }

  function buildLayers(catalog: CatalogDocument) {
    removeAllLayers();
    for (const spec of catalog.layers) {
      const tileLayer = createTileLayer(spec, catalog, (coord) => events.onLayerError(spec.id, coord));
      layers.set(spec.id, tileLayer);
      map.addLayer(tileLayer.layer);
      if (spec.style.label && geometryKind(spec.geometryType) === 'polygon') {
        const labels = createPolygonLabels(spec, tileLayer.source);
        polygonLabels.set(spec.id, labels);
        map.addLayer(labels.layer);
      }
    }
    loadedRevision.clear();
    builtFor = catalog;
  }

  /** Versioned layers follow the cursor; a layer written to since its tiles loaded reloads them. */
  function syncData(state: AppState, previous: AppState | null) {
    // A frame for every cursor move, even one no visible layer depends on: playback waits for it.
    if (previous && previous.time !== state.time) map.render();
    const datetime = datetimeParam(state.time);
    for (const [id, tileLayer] of layers) {
      tileLayer.setTime(datetime);
      const revision = state.dataRevision[id] ?? 0;
      if ((loadedRevision.get(id) ?? 0) !== revision) {
        loadedRevision.set(id, revision);
        tileLayer.reload();
      }
    }
  }

  function syncEditing(state: AppState) {
    if (!editing) {
      if (state.edit.mode === 'idle' && !state.edit.problem?.location) return;
      editingLoad ??= import('./map-editing.ts').then((module) => {
        if (disposed) return;
        editing = module.createMapEditing(map, { onDrawEnd: events.onDrawEnd, onGeometryEdited: events.onGeometryEdited });
        if (synced) syncEditing(synced);
      });
      return;
    }
    const layer = state.catalog ? currentEditLayer(state) : undefined;
    editing.sync(state.edit, layer, layer ? (state.dataRevision[layer.id] ?? 0) : 0);
    events.onEditingSynced(state.edit.mode);
  }

  function syncChangeReport(state: AppState) {
    const report = state.changes.report;
    if (changeLayer?.report === report) return;
    if (changeLayer) {
      map.removeLayer(changeLayer.layer.layer);
      changeLayer.layer.dispose();
      changeLayer = null;
    }
    if (!report) return;
    changeLoad ??= import('./change-layer.ts');
    void changeLoad.then((module) => {
      // The report may have been replaced or cleared while the module loaded.
      if (disposed || !synced || synced.changes.report !== report || changeLayer) return;
      changeLayer = { report, layer: module.createChangeLayer(report) };
      map.addLayer(changeLayer.layer.layer);
    });
  }

  function removeAllLayers() {
    for (const labels of polygonLabels.values()) {
      map.removeLayer(labels.layer);
      labels.dispose();
    }
    polygonLabels.clear();
    for (const tileLayer of layers.values()) {
      map.removeLayer(tileLayer.layer);
      tileLayer.dispose();
    }
    layers.clear();
  }

  function syncView(target: ViewState) {
    const center = view.getCenter();
    const z = view.getZoom();
    if (center && z !== undefined) {
      const [lon = 0, lat = 0] = toLonLat(center);
      const same =
        Math.abs(lon - target.center[0]) < VIEW_EPSILON &&
        Math.abs(lat - target.center[1]) < VIEW_EPSILON &&
        Math.abs(z - target.zoom) < VIEW_EPSILON;
      if (same) return;
    }
    view.setCenter(fromLonLat([target.center[0], target.center[1]]));
    view.setZoom(target.zoom);
  }

  function syncLanguage(next: Lang) {
    if (lang === next) return;
    lang = next;
    const label = (selector: string, text: string) => {
      const button = viewport.querySelector<HTMLButtonElement>(selector);
      if (!button) return;
      button.title = text;
      button.setAttribute('aria-label', text);
    };
    label('.ol-zoom-in', translate(next, 'zoomIn'));
    label('.ol-zoom-out', translate(next, 'zoomOut'));
  }

  return {
    popupElement,
    map,
    attach(target, scaleTarget) {
      if (map.getTarget() === target) return;
      scaleLine.setTarget(scaleTarget);
      if (!map.getControls().getArray().includes(scaleLine)) map.addControl(scaleLine);
      map.setTarget(target);
      // Force a full sync: the controls are in the page now and need their labels.
      lang = null;
      synced = null;
    },
    detach() {
      map.removeControl(scaleLine);
      map.setTarget(undefined);
    },
    sync(state) {
      const previous = synced;
      synced = state;
      if (
        previous &&
        previous.catalog === state.catalog &&
        previous.visible === state.visible &&
        previous.opacity === state.opacity &&
        previous.view === state.view &&
        previous.selection === state.selection &&
        previous.lang === state.lang &&
        previous.time === state.time &&
        previous.dataRevision === state.dataRevision &&
        previous.edit === state.edit &&
        previous.changes.report === state.changes.report
      ) {
        return;
      }
      if (state.catalog && state.catalog !== builtFor) buildLayers(state.catalog);
      for (const [id, { layer }] of layers) {
        const visible = state.visible?.[id] === true;
        const opacity = state.opacity[id] ?? 1;
        layer.setVisible(visible);
        layer.setOpacity(opacity);
        polygonLabels.get(id)?.layer.setVisible(visible);
        polygonLabels.get(id)?.layer.setOpacity(opacity);
      }
      syncData(state, previous);
      syncEditing(state);
      syncChangeReport(state);
      if (state.view && builtFor) syncView(state.view);
      if (previous?.selection !== state.selection) {
        popup.setPosition(state.selection ? [...state.selection.coordinate3857] : undefined);
      }
      syncLanguage(state.lang);
    },
    dispose() {
      disposed = true;
      editing?.dispose();
      editing = null;
      if (changeLayer) {
        map.removeLayer(changeLayer.layer.layer);
        changeLayer.layer.dispose();
        changeLayer = null;
      }
      unByKey(keys);
      popupResize.disconnect();
      if (pointerFrame !== 0) cancelAnimationFrame(pointerFrame);
      viewport.removeEventListener('pointerleave', onPointerLeave);
      removeAllLayers();
      map.setTarget(undefined);
      map.dispose();
    },
  };
}
