/**
 * Editing state and its transitions (pure, like app-state.ts). The edit toolbar dispatches them,
 * the map controller turns `mode` and `draft` into OpenLayers interactions (Draw, Modify, Snap),
 * and edit-actions.ts runs the requests and reports their outcome here.
 *
 *   idle ──draw──▶ drawing ──drawend──▶ editing (new feature: form + Modify) ──save──▶ idle
 *   idle ──edit a selected feature──▶ editing (existing: form + Modify) ──save/delete──▶ idle
 */
import type { ApiProblem } from './api-problem.ts';
import type { AppState } from './app-state.ts';
import type { CatalogLayer } from './catalog-document.ts';
import type { Geometry, GeoJsonFeature } from './feature-api.ts';
import type { MessageKey } from './i18n.ts';
import { formValuesOf, type FormValue } from './property-form.ts';

export type EditMode = 'idle' | 'drawing' | 'editing';

export interface EditDraft {
  readonly layerId: string;
  /** Null for a feature not yet saved. */
  readonly featureId: string | number | null;
  /** The ETag of the version being edited (sent as If-Match); null for a new feature. */
  readonly version: string | null;
  /** The geometry as edited, lon/lat. */
  readonly geometry: Geometry;
  readonly geometryEdited: boolean;
  /** The stored properties (empty for a new feature), to send only what changed. */
  readonly original: Readonly<Record<string, unknown>>;
  readonly values: Readonly<Record<string, FormValue>>;
  readonly comment: string;
  /** Property name → message of a value that does not parse. */
  readonly formErrors: Readonly<Record<string, MessageKey>>;
}

export interface EditNotice {
  readonly message: 'editCreated' | 'editSaved' | 'editDeleted';
  readonly featureId: string | number;
}

export interface EditState {
  /** The edit toolbar is expanded (collapsed it is one button, so viewers are not in the way). */
  readonly toolbarOpen: boolean;
  /** The layer drawn into or being edited; null lets the toolbar pick the first editable visible one. */
  readonly layerId: string | null;
  /** Editor token (sessionStorage, never the URL). */
  readonly token: string;
  readonly mode: EditMode;
  readonly draft: EditDraft | null;
  readonly busy: 'loading' | 'saving' | 'deleting' | null;
  readonly confirmingDelete: boolean;
  readonly problem: ApiProblem | null;
  readonly notice: EditNotice | null;
}

export function initialEditState(token: string): EditState {
  return { toolbarOpen: false, layerId: null, token, mode: 'idle', draft: null, busy: null, confirmingDelete: false, problem: null, notice: null };
}

/** Editable layers currently shown, in catalogue order: the toolbar's choices. */
export function editableVisibleLayers(state: AppState): CatalogLayer[] {
  return state.catalog?.layers.filter((l) => l.editable && state.visible?.[l.id] === true) ?? [];
}

/** The layer the toolbar works on: the chosen one while it is shown, else the first shown. */
export function currentEditLayer(state: AppState): CatalogLayer | undefined {
  const layers = editableVisibleLayers(state);
  return layers.find((l) => l.id === state.edit.layerId) ?? layers[0];
}

function withEdit(state: AppState, edit: Partial<EditState>): AppState {
  return { ...state, edit: { ...state.edit, ...edit } };
}

/** Collapsing the toolbar ends any edit in progress. */
export function setEditToolbarOpen(state: AppState, open: boolean): AppState {
  if (state.edit.toolbarOpen === open) return state;
  const next = withEdit(state, { toolbarOpen: open });
  return open ? next : withEdit(cancelEdit(next), { notice: null });
}

export function setEditToken(state: AppState, token: string): AppState {
  return state.edit.token === token ? state : withEdit(state, { token, problem: state.edit.problem?.status === 401 ? null : state.edit.problem });
}

export function chooseEditLayer(state: AppState, layerId: string): AppState {
  if (state.edit.mode !== 'idle' || state.edit.layerId === layerId) return state;
  return withEdit(state, { layerId });
}

/**
 * Edits always apply to the current version, so starting one returns the map to "now" (and
 * stops playback); the identify popup closes so it does not cover the drawing.
 */
function atNow(state: AppState): AppState {
  return { ...state, time: null, playing: false, selection: null };
}

export function startDrawing(state: AppState, layerId: string): AppState {
  return withEdit(atNow(state), { toolbarOpen: true, layerId, mode: 'drawing', draft: null, busy: null, confirmingDelete: false, problem: null, notice: null });
}

/** A new feature's geometry is complete: the property form opens with empty values. */
export function drawFinished(state: AppState, geometry: Geometry): AppState {
  const layer = state.catalog?.layers.find((l) => l.id === state.edit.layerId);
  if (state.edit.mode !== 'drawing' || !layer) return state;
  const draft: EditDraft = {
    layerId: layer.id,
    featureId: null,
    version: null,
    geometry,
    geometryEdited: true,
    original: {},
    values: formValuesOf({}, layer.properties),
    comment: '',
    formErrors: {},
  };
  return withEdit(state, { mode: 'editing', draft });
}

export function editLoading(state: AppState, layerId: string): AppState {
  // Editing from the identify popup expands the toolbar, where the form is.
  return withEdit(atNow(state), { toolbarOpen: true, layerId, busy: 'loading', problem: null, notice: null, confirmingDelete: false });
}

/** An existing feature was fetched for editing (with its version ETag). */
export function editFeatureLoaded(state: AppState, layer: CatalogLayer, feature: GeoJsonFeature, version: string): AppState {
  if (!feature.geometry || feature.id === undefined) return withEdit(state, { busy: null });
  const original = feature.properties ?? {};
  const draft: EditDraft = {
    layerId: layer.id,
    featureId: feature.id,
    version,
    geometry: feature.geometry,
    geometryEdited: false,
    original,
    values: formValuesOf(original, layer.properties),
    comment: '',
    formErrors: {},
  };
  return withEdit(state, { layerId: layer.id, mode: 'editing', draft, busy: null, problem: null, confirmingDelete: false });
}

/** The Modify interaction moved vertices of the draft. */
export function geometryEdited(state: AppState, geometry: Geometry): AppState {
  const draft = state.edit.draft;
  if (!draft) return state;
  return withEdit(state, { draft: { ...draft, geometry, geometryEdited: true } });
}

export function setDraftValue(state: AppState, name: string, value: FormValue): AppState {
  const draft = state.edit.draft;
  if (!draft || draft.values[name] === value) return state;
  const formErrors = { ...draft.formErrors };
  delete formErrors[name];
  return withEdit(state, { draft: { ...draft, values: { ...draft.values, [name]: value }, formErrors } });
}

export function setDraftComment(state: AppState, comment: string): AppState {
  const draft = state.edit.draft;
  return draft && draft.comment !== comment ? withEdit(state, { draft: { ...draft, comment } }) : state;
}

export function setFormErrors(state: AppState, formErrors: Readonly<Record<string, MessageKey>>): AppState {
  const draft = state.edit.draft;
  return draft ? withEdit(state, { draft: { ...draft, formErrors } }) : state;
}

export function editBusy(state: AppState, busy: 'saving' | 'deleting'): AppState {
  return withEdit(state, { busy, problem: null, notice: null });
}

/** A request failed: the problem is shown, the draft is kept so nothing typed is lost. */
export function editFailed(state: AppState, problem: ApiProblem): AppState {
  return withEdit(state, { busy: null, problem, confirmingDelete: false });
}

export function askDelete(state: AppState, confirming: boolean): AppState {
  return state.edit.confirmingDelete === confirming ? state : withEdit(state, { confirmingDelete: confirming, problem: null });
}

/**
 * A write succeeded: editing ends, and the layer's revision moves so its tiles reload and its
 * panels re-fetch.
 */
export function editSucceeded(state: AppState, layerId: string, notice: EditNotice): AppState {
  const next = withEdit(state, { mode: 'idle', draft: null, busy: null, confirmingDelete: false, problem: null, notice });
  return { ...next, dataRevision: { ...next.dataRevision, [layerId]: (next.dataRevision[layerId] ?? 0) + 1 } };
}

export function cancelEdit(state: AppState): AppState {
  if (state.edit.mode === 'idle' && !state.edit.busy && !state.edit.problem && !state.edit.confirmingDelete) return state;
  return withEdit(state, { mode: 'idle', draft: null, busy: null, confirmingDelete: false, problem: null });
}

/** Ends an edit of `layerId` (the layer was hidden). */
export function cancelEditFor(state: AppState, layerId: string): AppState {
  const active = state.edit.mode !== 'idle' || state.edit.busy !== null;
  return active && state.edit.layerId === layerId ? cancelEdit(state) : state;
}

export function dismissEditMessages(state: AppState): AppState {
  return state.edit.problem || state.edit.notice ? withEdit(state, { problem: null, notice: null }) : state;
}
