/**
 * The client's application state and its transitions. Data flows one way (house style §20):
 * catalogue → state → layer tree and OpenLayers layers. UI events call these transitions; one
 * effect syncs the state to OpenLayers (map-controller.ts) and another mirrors it in the URL
 * (url-state.ts). Every transition is a pure function returning a new state.
 */
import type { CatalogDocument } from './catalog-document.ts';
import type { Lang } from './i18n.ts';
import { initialChangeReport, type ChangeReportState } from './change-report-state.ts';
import { cancelEditFor, initialEditState, type EditState } from './edit-state.ts';
import { clampCursor, DEFAULT_PLAY_STEP, type PlayStep } from './time-cursor.ts';
import { isWorkspaceId, isWorkspaceParamKey, type WorkspaceId } from './workspaces/workspace-ids.ts';

/** The map view in lon/lat degrees (CGCS2000 ≈ WGS 84 at map precision) and view zoom. */
export interface ViewState {
  readonly center: readonly [number, number];
  readonly zoom: number;
}

/** The feature shown in the identify popup. */
export interface Selection {
  readonly layerId: string;
  /** The feature id from the tile (absent for generalised overview features). */
  readonly featureId?: string | number;
  readonly properties: Readonly<Record<string, unknown>>;
  /** Where the user clicked, EPSG:3857, for placing the popup. */
  readonly coordinate3857: readonly [number, number];
  /** The time cursor when the feature was clicked: its properties are as of then. */
  readonly time?: number | null;
}

/** The feature whose versions the history panel lists. */
export interface HistoryTarget {
  readonly layerId: string;
  readonly featureId: string | number;
}

/** The panel docked at the right edge: a feature's history or the change report. */
export type SidePanel = 'none' | 'history' | 'changes';

/** [west, south, east, north] in degrees. */
export type Bbox4326 = readonly [number, number, number, number];

export interface AppState {
  readonly catalog: CatalogDocument | null;
  readonly catalogError: string | null;
  readonly lang: Lang;
  /** Null until the URL or the catalogue provides a view. */
  readonly view: ViewState | null;
  /** Layer id → visible. Null until the URL or the catalogue's defaults decide. */
  readonly visible: Readonly<Record<string, boolean>> | null;
  /** Layer id → opacity in [0, 1]; absent means 1. */
  readonly opacity: Readonly<Record<string, number>>;
  /** Layer id → last tile-load failure; the tree shows it as a badge. */
  readonly layerErrors: Readonly<Record<string, string>>;
  readonly selection: Selection | null;
  /** Lon/lat under the pointer, or null when the pointer is off the map. */
  readonly pointer: readonly [number, number] | null;
  readonly panelOpen: boolean;
  /**
   * The global time cursor (epoch ms): versioned layers are drawn as of this instant. Null is
   * "now", the live state (time-cursor.ts).
   */
  readonly time: number | null;
  /** Playback advancing the cursor (playback.ts); never restored from the URL. */
  readonly playing: boolean;
  /** How far each playback frame moves the cursor (time-cursor.ts PLAY_STEPS); in the URL as `tstep`. */
  readonly playStep: PlayStep;
  /** The cursor of the last completely drawn frame; undefined before the first one. */
  readonly drawnTime: number | null | undefined;
  /** The visible map area, for "current view" queries; null before the first frame. */
  readonly viewExtent: Bbox4326 | null;
  /**
   * Layer id → count of writes made from this client. The map reloads a layer's tiles when it
   * changes, and panels showing the layer's data re-fetch.
   */
  readonly dataRevision: Readonly<Record<string, number>>;
  readonly sidePanel: SidePanel;
  readonly history: HistoryTarget | null;
  readonly edit: EditState;
  readonly changes: ChangeReportState;
  /** The thematic workspace shown beside the map (影像, 水利, …); null is the plain one map. */
  readonly workspace: WorkspaceId | null;
  /**
   * Workspace URL state, `<workspace>.<name>` → value (e.g. `water.station`). Kept when switching
   * workspaces so a return finds its state again.
   */
  readonly workspaceParams: Readonly<Record<string, string>>;
}

/** What the URL can restore (see url-state.ts). */
export interface RestorableState {
  readonly lang: Lang;
  readonly view: ViewState | null;
  readonly visibleIds: readonly string[] | null;
  readonly opacity: Readonly<Record<string, number>>;
  /** The time cursor; null is now. */
  readonly time: number | null;
  /** The playback step; absent is the default (a year). */
  readonly playStep?: PlayStep;
  readonly workspace: WorkspaceId | null;
  readonly workspaceParams: Readonly<Record<string, string>>;
}

/** Where the restorable state comes from besides the URL. */
export interface StartOptions {
  readonly panelOpen: boolean;
  /** The editor token kept in sessionStorage (never in the URL). */
  readonly editToken: string;
}

/** The state before the catalogue arrives. */
export function initialState(restored: RestorableState, options: StartOptions): AppState {
  return {
    catalog: null,
    catalogError: null,
    lang: restored.lang,
    view: restored.view,
    visible: restored.visibleIds ? Object.fromEntries(restored.visibleIds.map((id) => [id, true])) : null,
    opacity: restored.opacity,
    layerErrors: {},
    selection: null,
    pointer: null,
    panelOpen: options.panelOpen,
    time: restored.time,
    playing: false,
    playStep: restored.playStep ?? DEFAULT_PLAY_STEP,
    drawnTime: undefined,
    viewExtent: null,
    dataRevision: {},
    sidePanel: 'none',
    history: null,
    edit: initialEditState(options.editToken),
    changes: initialChangeReport(),
    workspace: restored.workspace,
    workspaceParams: restored.workspaceParams,
  };
}

/**
 * Installs the catalogue. Without a layer list from the URL, visibility comes from each layer's
 * `visibleByDefault`; ids the URL named that the catalogue does not know are dropped.
 */
export function catalogLoaded(state: AppState, catalog: CatalogDocument): AppState {
  const visible: Record<string, boolean> = {};
  for (const layer of catalog.layers) {
    visible[layer.id] = state.visible ? state.visible[layer.id] === true : layer.visibleByDefault;
  }
  const opacity: Record<string, number> = {};
  for (const layer of catalog.layers) {
    const value = state.opacity[layer.id];
    if (value !== undefined) opacity[layer.id] = value;
  }
  const [lon, lat, zoom] = catalog.center;
  return {
    ...state,
    catalog,
    catalogError: null,
    visible,
    opacity,
    view: state.view ?? { center: [lon, lat], zoom },
  };
}

export function catalogFailed(state: AppState, message: string): AppState {
  return { ...state, catalogError: message };
}

/** Shows or hides a layer; showing it again clears its error badge so a retry starts clean. */
export function setLayerVisible(state: AppState, id: string, visible: boolean): AppState {
  if (!state.visible || state.visible[id] === visible) return state;
  const layerErrors = visible ? withoutKey(state.layerErrors, id) : state.layerErrors;
  const selection = !visible && state.selection?.layerId === id ? null : state.selection;
  const hidden = { ...state, visible: { ...state.visible, [id]: visible }, layerErrors, selection };
  // Editing a layer that is no longer drawn would edit blind.
  return visible ? hidden : cancelEditFor(hidden, id);
}

/** Sets a layer's opacity, clamped to [0, 1]; 1 is stored as absent so the URL stays short. */
export function setLayerOpacity(state: AppState, id: string, opacity: number): AppState {
  const clamped = Math.min(1, Math.max(0, opacity));
  if ((state.opacity[id] ?? 1) === clamped) return state;
  const rest = withoutKey(state.opacity, id);
  return { ...state, opacity: clamped === 1 ? rest : { ...rest, [id]: clamped } };
}

export function setLang(state: AppState, lang: Lang): AppState {
  return state.lang === lang ? state : { ...state, lang };
}

export function setView(state: AppState, view: ViewState): AppState {
  const old = state.view;
  if (old && old.zoom === view.zoom && old.center[0] === view.center[0] && old.center[1] === view.center[1]) {
    return state;
  }
  return { ...state, view };
}

export function setSelection(state: AppState, selection: Selection | null): AppState {
  return state.selection === selection ? state : { ...state, selection };
}

export function setPointer(state: AppState, pointer: readonly [number, number] | null): AppState {
  return state.pointer === pointer ? state : { ...state, pointer };
}

export function reportLayerError(state: AppState, id: string, message: string): AppState {
  return state.layerErrors[id] === message ? state : { ...state, layerErrors: { ...state.layerErrors, [id]: message } };
}

export function setPanelOpen(state: AppState, panelOpen: boolean): AppState {
  return state.panelOpen === panelOpen ? state : { ...state, panelOpen };
}

/**
 * Moves the time cursor (clamped to the slider's range; at or past `nowMs` it becomes "now").
 * Reaching now stops playback. While a feature is drawn or edited the map stays at now: edits
 * apply to the current version, and drawing over the past would mislead.
 */
export function setTime(state: AppState, time: number | null, nowMs: number): AppState {
  if (state.edit.mode !== 'idle') return state;
  const next = clampCursor(time, nowMs);
  const playing = state.playing && next !== null;
  if (next === state.time && playing === state.playing) return state;
  return { ...state, time: next, playing };
}

export function setPlayStep(state: AppState, playStep: PlayStep): AppState {
  return state.playStep === playStep ? state : { ...state, playStep };
}

export function setPlaying(state: AppState, playing: boolean): AppState {
  if (playing && state.edit.mode !== 'idle') return state;
  return state.playing === playing ? state : { ...state, playing };
}

/** Records that the map finished drawing the cursor `time`. */
export function setDrawnTime(state: AppState, time: number | null): AppState {
  return state.drawnTime === time ? state : { ...state, drawnTime: time };
}

export function setViewExtent(state: AppState, extent: Bbox4326): AppState {
  const old = state.viewExtent;
  if (old && old.every((v, i) => v === extent[i])) return state;
  return { ...state, viewExtent: extent };
}

/** Marks a layer's data as changed by a write: its tiles are reloaded, its panels re-fetch. */
export function bumpDataRevision(state: AppState, layerId: string): AppState {
  return { ...state, dataRevision: { ...state.dataRevision, [layerId]: (state.dataRevision[layerId] ?? 0) + 1 } };
}

export function openHistory(state: AppState, target: HistoryTarget): AppState {
  return { ...state, sidePanel: 'history', history: target };
}

export function setSidePanel(state: AppState, sidePanel: SidePanel): AppState {
  return state.sidePanel === sidePanel ? state : { ...state, sidePanel };
}

/** The part of the state that the URL mirrors. */
export function restorableOf(state: AppState): RestorableState {
  const visibleIds = state.visible && state.catalog
    ? state.catalog.layers.filter((layer) => state.visible?.[layer.id] === true).map((layer) => layer.id)
    : null;
  return {
    lang: state.lang,
    view: state.view,
    visibleIds,
    opacity: state.opacity,
    time: state.time,
    playStep: state.playStep,
    workspace: state.workspace,
    workspaceParams: state.workspaceParams,
  };
}

/** Opens a workspace (null closes it); an unknown id is ignored. */
export function setWorkspace(state: AppState, workspace: WorkspaceId | null): AppState {
  if (state.workspace === workspace || (workspace !== null && !isWorkspaceId(workspace))) return state;
  return { ...state, workspace };
}

/**
 * Sets one workspace URL parameter (`<workspace>.<name>`); null or '' removes it. A key of any
 * other shape is a programming error, so it throws rather than silently losing state.
 */
export function setWorkspaceParam(state: AppState, key: string, value: string | null): AppState {
  if (!isWorkspaceParamKey(key)) throw new Error(`workspace parameter keys look like "water.station", not "${key}"`);
  const current = state.workspaceParams[key];
  if (value === null || value === '') {
    return current === undefined ? state : { ...state, workspaceParams: withoutKey(state.workspaceParams, key) };
  }
  return current === value ? state : { ...state, workspaceParams: { ...state.workspaceParams, [key]: value } };
}

function withoutKey<T>(record: Readonly<Record<string, T>>, key: string): Readonly<Record<string, T>> {
  if (!(key in record)) return record;
  const copy = { ...record };
  delete copy[key];
  return copy;
}
