/**
 * The change report (变化检测): its form (layer, two dates, "current view only"), the request
 * status and the result the map draws as a coloured layer above the others. Pure transitions;
 * change-actions.ts fetches, the map controller draws `report`, the change panel shows the
 * summary and (land cover) the transition table.
 */
import type { ApiProblem } from './api-problem.ts';
import type { AppState } from './app-state.ts';
import type { Bbox4326 } from './app-state.ts';
import type { ChangeQuery, ChangeReport, TransitionReport } from './change-api.ts';
import { formatDate, parseWallTime, stepInstant } from './shanghai-time.ts';

export interface ChangeReportState {
  /** Form: null fields fall back to defaults (see `changeForm`). */
  readonly layerId: string | null;
  /** Dates `YYYY-MM-DD` (Asia/Shanghai): from the start of `fromDate` to the end of `toDate`. */
  readonly fromDate: string | null;
  readonly toDate: string | null;
  readonly inView: boolean;
  readonly status: 'idle' | 'loading' | 'ready' | 'error';
  /** Increases with every request; a late answer to an older one is dropped. */
  readonly requestId: number;
  /** The query the result answers. */
  readonly query: ChangeQuery | null;
  readonly report: ChangeReport | null;
  /** For classified polygon layers (land cover): the class transition matrix. */
  readonly transitions: TransitionReport | null;
  readonly problem: ApiProblem | null;
}

export function initialChangeReport(): ChangeReportState {
  return { layerId: null, fromDate: null, toDate: null, inView: false, status: 'idle', requestId: 0, query: null, report: null, transitions: null, problem: null };
}

function withChanges(state: AppState, changes: Partial<ChangeReportState>): AppState {
  return { ...state, changes: { ...state.changes, ...changes } };
}

export function setChangeForm(state: AppState, form: Partial<Pick<ChangeReportState, 'layerId' | 'fromDate' | 'toDate' | 'inView'>>): AppState {
  return withChanges(state, form);
}

export function changeReportRequested(state: AppState, query: ChangeQuery): AppState {
  return withChanges(state, { status: 'loading', requestId: state.changes.requestId + 1, query, problem: null });
}

export function changeReportLoaded(state: AppState, requestId: number, report: ChangeReport, transitions: TransitionReport | null): AppState {
  if (requestId !== state.changes.requestId) return state;
  return withChanges(state, { status: 'ready', report, transitions, problem: null });
}

export function changeReportFailed(state: AppState, requestId: number, problem: ApiProblem): AppState {
  if (requestId !== state.changes.requestId) return state;
  return withChanges(state, { status: 'error', report: null, transitions: null, problem });
}

/** Clears the result (the map layer goes away) but keeps the form. */
export function clearChangeReport(state: AppState): AppState {
  return withChanges(state, { status: 'idle', requestId: state.changes.requestId + 1, query: null, report: null, transitions: null, problem: null });
}

/** The versioned layers a report can be made for. */
export function reportableLayers(state: AppState) {
  return state.catalog?.layers.filter((l) => l.temporal === 'versioned') ?? [];
}

export interface ChangeForm {
  readonly layerId: string | null;
  readonly fromDate: string;
  readonly toDate: string;
  readonly inView: boolean;
}

/**
 * The form with its defaults filled in: the first visible versioned layer (else the first
 * versioned one); from the time cursor's day, or five years ago; to today.
 */
export function changeForm(state: AppState, nowMs: number): ChangeForm {
  const layers = reportableLayers(state);
  const layerId = state.changes.layerId ?? (layers.find((l) => state.visible?.[l.id]) ?? layers[0])?.id ?? null;
  return {
    layerId,
    fromDate: state.changes.fromDate ?? formatDate(state.time ?? stepInstant(nowMs, 'year', -5)),
    toDate: state.changes.toDate ?? formatDate(nowMs),
    inView: state.changes.inView,
  };
}

/**
 * The request for a form, or null when it is incomplete: from the start of the first day to the
 * end of the last (so today's edits are in), optionally limited to the visible area.
 */
export function changeQueryOf(form: ChangeForm, viewExtent: Bbox4326 | null): ChangeQuery | null {
  const fromMs = parseWallTime(form.fromDate);
  const toDay = parseWallTime(form.toDate);
  if (!form.layerId || fromMs === null || toDay === null) return null;
  const toMs = stepInstant(toDay, 'day', 1);
  if (fromMs >= toMs) return null;
  return { layerId: form.layerId, fromMs, toMs, bbox4326: form.inView ? viewExtent : null };
}
