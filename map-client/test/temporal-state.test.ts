import { describe, expect, it } from 'vitest';
import { catalogLoaded, initialState, setLayerVisible, setPlaying, setSelection, setTime, type AppState } from '../src/app-state.ts';
import type { CatalogDocument, CatalogLayer } from '../src/catalog-document.ts';
import { changeForm, changeQueryOf, changeReportFailed, changeReportLoaded, changeReportRequested, clearChangeReport } from '../src/change-report-state.ts';
import { cancelEdit, currentEditLayer, drawFinished, editFailed, editSucceeded, geometryEdited, setDraftValue, startDrawing } from '../src/edit-state.ts';
import { parseWallTime } from '../src/shanghai-time.ts';

function layer(id: string, extra: Partial<CatalogLayer>): CatalogLayer {
  return {
    id,
    title: { zh: id, en: id },
    description: { zh: '', en: '' },
    group: 'base',
    owner: { code: 'x', title: { zh: '', en: '' } },
    classification: 'public',
    temporal: 'static',
    geometryType: 'MultiPolygon',
    properties: [
      { name: 'use', type: 'string', title: { zh: '用途', en: 'Use' } },
      { name: 'floors', type: 'integer', title: { zh: '层数', en: 'Floors' } },
    ],
    minzoom: 0,
    maxzoom: 20,
    style: { fill: '#ffffff' },
    drawOrder: 1,
    visibleByDefault: true,
    editable: false,
    legend: [],
    links: { tiles: `/tiles/${id}/{z}/{x}/{y}.mvt` },
    ...extra,
  };
}

const catalog: CatalogDocument = {
  title: { zh: '一张图', en: 'One map' },
  bounds: [120, 28, 122, 29],
  center: [121.42, 28.66, 10],
  groups: [],
  layers: [
    layer('land_cover', { temporal: 'versioned', visibleByDefault: false }),
    layer('roads', { temporal: 'versioned', editable: true, geometryType: 'MultiLineString' }),
    layer('buildings', { temporal: 'versioned', editable: true }),
    layer('water', {}),
  ],
};

const t = (text: string) => parseWallTime(text)!;
const NOW = t('2026-11-29T23:50');
const SQUARE = { type: 'Polygon', coordinates: [[[121, 28], [121.001, 28], [121.001, 28.001], [121, 28]]] };

function loaded(): AppState {
  return catalogLoaded(initialState({ lang: 'zh', view: null, visibleIds: null, opacity: {}, time: null, workspace: null, workspaceParams: {} }, { panelOpen: true, editToken: 'om_x' }), catalog);
}

describe('time cursor state', () => {
  it('moves, clamps at now and stops playback there', () => {
    let state = setPlaying(setTime(loaded(), t('2025-01-01T00:00'), NOW), true);
    expect(state.time).toBe(t('2025-01-01T00:00'));
    expect(state.playing).toBe(true);
    state = setTime(state, NOW + 1000, NOW);
    expect(state.time).toBeNull();
    expect(state.playing).toBe(false);
    expect(setTime(state, null, NOW)).toBe(state);
  });
});

describe('edit state', () => {
  it('works on the first visible editable layer unless another is chosen', () => {
    const state = loaded();
    expect(currentEditLayer(state)?.id).toBe('roads');
    expect(currentEditLayer(setLayerVisible(state, 'roads', false))?.id).toBe('buildings');
  });

  it('draws at now: starting returns the cursor to now, stops playback and closes the popup', () => {
    let state = setPlaying(setTime(loaded(), t('2000-01-01T00:00'), NOW), true);
    state = setSelection(state, { layerId: 'buildings', properties: {}, coordinate3857: [0, 0] });
    state = startDrawing(state, 'buildings');
    expect(state).toMatchObject({ time: null, playing: false, selection: null });
    expect(state.edit).toMatchObject({ mode: 'drawing', layerId: 'buildings', toolbarOpen: true });
    // And it stays at now while the edit is in progress.
    expect(setTime(state, t('2000-01-01T00:00'), NOW)).toBe(state);
    expect(setPlaying(state, true)).toBe(state);
  });

  it('opens an empty form for a drawn geometry, keeps values through a failure, and bumps the revision on success', () => {
    let state = drawFinished(startDrawing(loaded(), 'buildings'), SQUARE);
    expect(state.edit.mode).toBe('editing');
    expect(state.edit.draft).toMatchObject({ layerId: 'buildings', featureId: null, version: null, geometry: SQUARE, values: { use: '', floors: '' } });
    state = setDraftValue(state, 'floors', '3');
    const moved = { ...SQUARE };
    state = geometryEdited(state, moved);
    expect(state.edit.draft?.geometry).toBe(moved);
    state = editFailed(state, { status: 412, code: 'PreconditionFailed', detail: 'changed' });
    expect(state.edit.draft?.values['floors']).toBe('3');
    expect(state.edit.problem?.status).toBe(412);
    state = editSucceeded(state, 'buildings', { message: 'editCreated', featureId: 7 });
    expect(state.edit).toMatchObject({ mode: 'idle', draft: null, problem: null, notice: { featureId: 7 } });
    expect(state.dataRevision).toEqual({ buildings: 1 });
  });

  it('ignores a drawn geometry when no longer drawing, and ends an edit when its layer is hidden', () => {
    expect(drawFinished(loaded(), SQUARE).edit.mode).toBe('idle');
    const drawing = startDrawing(loaded(), 'buildings');
    expect(setLayerVisible(drawing, 'buildings', false).edit.mode).toBe('idle');
    expect(setLayerVisible(drawing, 'roads', false).edit.mode).toBe('drawing');
    expect(cancelEdit(drawing).edit.mode).toBe('idle');
  });
});

describe('change report state', () => {
  it('defaults to the first visible versioned layer, five years ago (or the cursor) to today', () => {
    const state = loaded();
    expect(changeForm(state, NOW)).toEqual({ layerId: 'roads', fromDate: '2021-11-29', toDate: '2026-11-29', inView: false });
    expect(changeForm(setTime(state, t('2015-06-01T08:00'), NOW), NOW).fromDate).toBe('2015-06-01');
  });

  it('asks from the start of the first day to the end of the last, in Beijing time', () => {
    const query = changeQueryOf({ layerId: 'buildings', fromDate: '2015-01-01', toDate: '2020-12-31', inView: true }, [121, 28, 122, 29]);
    expect(query).toEqual({ layerId: 'buildings', fromMs: t('2015-01-01'), toMs: t('2021-01-01'), bbox4326: [121, 28, 122, 29] });
    expect(changeQueryOf({ layerId: 'buildings', fromDate: '2021-01-01', toDate: '2020-12-31', inView: false }, null)).toBeNull();
    expect(changeQueryOf({ layerId: 'buildings', fromDate: '', toDate: '2020-12-31', inView: false }, null)).toBeNull();
  });

  it('drops the answer of a superseded request and clears the map layer with the result', () => {
    const query = { layerId: 'buildings', fromMs: 0, toMs: 1, bbox4326: null };
    let state = changeReportRequested(loaded(), query);
    const first = state.changes.requestId;
    state = changeReportRequested(state, query);
    const report = { layer: 'buildings', from: '', to: '', summary: { added: 1, removed: 0, changed: 0 }, truncated: false, features: { type: 'FeatureCollection' as const, features: [] } };
    expect(changeReportLoaded(state, first, report, null)).toBe(state);
    expect(changeReportFailed(state, first, { status: 500, code: 'x', detail: 'x' })).toBe(state);
    state = changeReportLoaded(state, state.changes.requestId, report, null);
    expect(state.changes).toMatchObject({ status: 'ready', report });
    state = clearChangeReport(state);
    expect(state.changes).toMatchObject({ status: 'idle', report: null, transitions: null });
  });
});
