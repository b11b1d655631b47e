/**
 * Entry point: builds the store from the URL, the map controller outside React, starts the
 * catalogue request before React renders (it is on the critical path to the first map paint),
 * and mounts the app.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import 'ol/ol.css';
import './styles.css';
import {
  catalogFailed,
  catalogLoaded,
  initialState,
  reportLayerError,
  setDrawnTime,
  setPointer,
  setSelection,
  setView,
  setViewExtent,
} from './app-state.ts';
import { fetchCatalog } from './catalog-document.ts';
import { drawFinished, geometryEdited } from './edit-state.ts';
import { createMapController } from './map-controller.ts';
import { controlPlayback } from './playback.ts';
import { createStore } from './store.ts';
import { installTestHooks, recordRenderComplete } from './test-hooks.ts';
import { readEditToken } from './token-storage.ts';
import { clampCursor } from './time-cursor.ts';
import { parseUrlState } from './url-state.ts';
import { mirrorStateInUrl } from './url-sync.ts';
import { App } from './components/app.tsx';

/** Below this width the layer panel is a drawer, closed at start (matches styles.css). */
const NARROW_QUERY = '(max-width: 640px)';

const catalogRequest = fetchCatalog();
const restored = parseUrlState(window.location.search);
const store = createStore(
  // A hand-edited t= in the future is now; one before the range starts at its start.
  initialState({ ...restored, time: clampCursor(restored.time, Date.now()) }, {
    panelOpen: !window.matchMedia(NARROW_QUERY).matches,
    editToken: readEditToken(),
  }),
);
const hooks = installTestHooks();

const controller = createMapController({
  onViewChange: (view, extent) => store.update((s) => setViewExtent(setView(s, view), extent)),
  onPointer: (lonLat) => store.update((s) => setPointer(s, lonLat)),
  onSelect: (selection) => store.update((s) => setSelection(s, selection)),
  onLayerError: (layerId, message) => {
    hooks.lastError = `tile ${layerId} ${message}`;
    store.update((s) => reportLayerError(s, layerId, message));
  },
  onRenderComplete: ({ layersReady, time }) => {
    recordRenderComplete(hooks, layersReady, time);
    if (layersReady) store.update((s) => setDrawnTime(s, time));
  },
  onDrawEnd: (geometry) => store.update((s) => drawFinished(s, geometry)),
  onGeometryEdited: (geometry) => store.update((s) => geometryEdited(s, geometry)),
  onEditingSynced: (mode) => {
    hooks.editMode = mode;
  },
});

mirrorStateInUrl(store);
controlPlayback(store);

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App store={store} controller={controller} />
  </StrictMode>,
);

catalogRequest.then(
  (catalog) => store.update((s) => catalogLoaded(s, catalog)),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    hooks.lastError = message;
    store.update((s) => catalogFailed(s, message));
  },
);
