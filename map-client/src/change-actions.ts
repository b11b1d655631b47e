/**
 * The request behind the change panel: the report of a versioned layer between two dates, and
 * for a classified polygon layer (land cover) its transition matrix, fetched together. The
 * outcome is a transition (change-report-state.ts); a late answer to a superseded request is
 * dropped there.
 */
import type { AppState } from './app-state.ts';
import { fetchChangeReport, fetchTransitions, type ChangeQuery } from './change-api.ts';
import { changeReportFailed, changeReportLoaded, changeReportRequested } from './change-report-state.ts';
import { findLayer } from './catalog-document.ts';
import { geometryKind } from './layer-style.ts';
import type { Store } from './store.ts';

export async function runChangeReport(store: Store<AppState>, query: ChangeQuery): Promise<void> {
  const catalog = store.getState().catalog;
  const layer = catalog ? findLayer(catalog, query.layerId) : undefined;
  if (!layer) return;
  store.update((s) => changeReportRequested(s, query));
  const requestId = store.getState().changes.requestId;
  // A transition matrix needs classes of areas: a classified polygon layer.
  const wantsTransitions = layer.style.classify !== undefined && geometryKind(layer.geometryType) === 'polygon' && !layer.editable;
  const [report, transitions] = await Promise.all([fetchChangeReport(query), wantsTransitions ? fetchTransitions(query) : Promise.resolve(null)]);
  if (!report.ok) {
    store.update((s) => changeReportFailed(s, requestId, report.problem));
    return;
  }
  if (transitions && !transitions.ok) {
    store.update((s) => changeReportFailed(s, requestId, transitions.problem));
    return;
  }
  store.update((s) => changeReportLoaded(s, requestId, report.value, transitions?.value ?? null));
}
