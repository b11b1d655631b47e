/**
 * The requests behind the edit toolbar: load a feature for editing, save the draft (POST a new
 * feature, PATCH an existing one with If-Match), delete. Each reads the store, calls the API and
 * reports the outcome as a transition (edit-state.ts); failures become `edit.problem`, shown by
 * the toolbar, never exceptions.
 */
import type { AppState } from './app-state.ts';
import { findLayer } from './catalog-document.ts';
import { editBusy, editFailed, editFeatureLoaded, editLoading, editSucceeded, setFormErrors, cancelEdit } from './edit-state.ts';
import { createFeature, deleteFeature, fetchFeature, patchFeature } from './feature-api.ts';
import { changedProperties, parseFormValues } from './property-form.ts';
import type { Store } from './store.ts';

const NO_TOKEN = { status: 401, code: 'NoToken', detail: '' } as const;

/** Fetches the current version of a feature and opens it for editing. */
export async function beginEditFeature(store: Store<AppState>, layerId: string, featureId: string | number): Promise<void> {
  const catalog = store.getState().catalog;
  const layer = catalog ? findLayer(catalog, layerId) : undefined;
  if (!layer) return;
  store.update((s) => editLoading(s, layerId));
  const result = await fetchFeature(layer, featureId);
  if (!result.ok) {
    store.update((s) => editFailed(s, result.problem));
    return;
  }
  if (!result.etag) {
    store.update((s) => editFailed(s, { status: 0, code: 'NoETag', detail: 'the server sent no ETag for the feature' }));
    return;
  }
  const version = result.etag;
  store.update((s) => (s.edit.busy === 'loading' ? editFeatureLoaded(s, layer, { ...result.value, id: result.value.id ?? featureId }, version) : s));
}

/** Loads the draft's feature again (after "changed by someone else"); typed values are dropped. */
export async function reloadDraft(store: Store<AppState>): Promise<void> {
  const draft = store.getState().edit.draft;
  if (draft?.featureId === null || draft?.featureId === undefined) return;
  await beginEditFeature(store, draft.layerId, draft.featureId);
}

/** Saves the draft: POST for a new feature, PATCH of what changed for an existing one. */
export async function saveDraft(store: Store<AppState>): Promise<void> {
  const state = store.getState();
  const draft = state.edit.draft;
  const layer = draft && state.catalog ? findLayer(state.catalog, draft.layerId) : undefined;
  if (!draft || !layer || state.edit.busy) return;
  const parsed = parseFormValues(draft.values, layer.properties);
  if (!parsed.ok) {
    store.update((s) => setFormErrors(s, parsed.errors));
    return;
  }
  const token = state.edit.token.trim();
  if (!token) {
    store.update((s) => editFailed(s, NO_TOKEN));
    return;
  }
  if (draft.featureId === null) {
    store.update((s) => editBusy(s, 'saving'));
    const result = await createFeature(layer, token, draft.geometry, parsed.properties, draft.comment);
    if (!result.ok) store.update((s) => editFailed(s, result.problem));
    else store.update((s) => editSucceeded(s, layer.id, { message: 'editCreated', featureId: result.value.id ?? '?' }));
    return;
  }
  const properties = changedProperties(parsed.properties, draft.original);
  const patch = {
    ...(Object.keys(properties).length > 0 ? { properties } : {}),
    ...(draft.geometryEdited ? { geometry: draft.geometry } : {}),
  };
  if (Object.keys(patch).length === 0) {
    // Nothing changed: a new version identical to the old one would only clutter the history.
    store.update(cancelEdit);
    return;
  }
  const featureId = draft.featureId;
  store.update((s) => editBusy(s, 'saving'));
  const result = await patchFeature(layer, token, featureId, draft.version ?? '', patch, draft.comment);
  if (!result.ok) store.update((s) => editFailed(s, result.problem));
  else store.update((s) => editSucceeded(s, layer.id, { message: 'editSaved', featureId }));
}

/** Deletes the draft's feature (after the toolbar's confirmation). */
export async function deleteDraft(store: Store<AppState>): Promise<void> {
  const state = store.getState();
  const draft = state.edit.draft;
  const layer = draft && state.catalog ? findLayer(state.catalog, draft.layerId) : undefined;
  if (!draft || !layer || draft.featureId === null || state.edit.busy) return;
  const token = state.edit.token.trim();
  if (!token) {
    store.update((s) => editFailed(s, NO_TOKEN));
    return;
  }
  const featureId = draft.featureId;
  store.update((s) => editBusy(s, 'deleting'));
  const result = await deleteFeature(layer, token, featureId, draft.version ?? '', draft.comment);
  if (!result.ok) store.update((s) => editFailed(s, result.problem));
  else store.update((s) => editSucceeded(s, layer.id, { message: 'editDeleted', featureId }));
}
