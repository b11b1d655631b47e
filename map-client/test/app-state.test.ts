import { describe, expect, it } from 'vitest';
import {
  catalogLoaded,
  initialState,
  restorableOf,
  setLayerOpacity,
  setLayerVisible,
  reportLayerError,
  setSelection,
  setWorkspace,
  setWorkspaceParam,
} from '../src/app-state.ts';
import type { CatalogDocument, CatalogLayer } from '../src/catalog-document.ts';

function layer(id: string, visibleByDefault: boolean): CatalogLayer {
  return {
    id,
    title: { zh: id, en: id },
    description: { zh: '', en: '' },
    group: 'base',
    owner: { code: 'x', title: { zh: '', en: '' } },
    classification: 'public',
    temporal: 'static',
    geometryType: 'MultiPolygon',
    properties: [],
    minzoom: 0,
    maxzoom: 20,
    style: { fill: '#ffffff' },
    drawOrder: 1,
    visibleByDefault,
    editable: false,
    legend: [],
    links: { tiles: `/tiles/${id}/{z}/{x}/{y}.mvt` },
  };
}

const catalog: CatalogDocument = {
  title: { zh: '一张图', en: 'One map' },
  bounds: [120, 28, 122, 29],
  center: [121.42, 28.66, 10],
  groups: [{ id: 'base', title: { zh: '基础', en: 'Base' }, layers: ['a', 'b', 'c'] }],
  layers: [layer('a', true), layer('b', false), layer('c', true)],
};

const START = { panelOpen: true, editToken: '' };

describe('app state', () => {
  it('takes visibility from visibleByDefault and the view from the catalogue without a URL', () => {
    const state = catalogLoaded(initialState({ lang: 'zh', view: null, visibleIds: null, opacity: {}, time: null, workspace: null, workspaceParams: {} }, START), catalog);
    expect(state.visible).toEqual({ a: true, b: false, c: true });
    expect(state.view).toEqual({ center: [121.42, 28.66], zoom: 10 });
    expect(restorableOf(state).visibleIds).toEqual(['a', 'c']);
  });

  it('keeps the URL layer list and view, dropping unknown ids', () => {
    const restored = { lang: 'en' as const, view: { center: [121, 28.5] as const, zoom: 14 }, visibleIds: ['b', 'zz'], opacity: { b: 0.5, zz: 0.2 }, time: null, workspace: null, workspaceParams: {} };
    const state = catalogLoaded(initialState(restored, { panelOpen: false, editToken: '' }), catalog);
    expect(state.visible).toEqual({ a: false, b: true, c: false });
    expect(state.opacity).toEqual({ b: 0.5 });
    expect(state.view).toEqual(restored.view);
  });

  it('clears a layer error badge when the layer is shown again, and its selection when hidden', () => {
    let state = catalogLoaded(initialState({ lang: 'zh', view: null, visibleIds: null, opacity: {}, time: null, workspace: null, workspaceParams: {} }, START), catalog);
    state = setSelection(state, { layerId: 'a', properties: {}, coordinate3857: [0, 0] });
    state = reportLayerError(state, 'a', '10/1/2');
    state = setLayerVisible(state, 'a', false);
    expect(state.selection).toBeNull();
    expect(state.layerErrors).toEqual({ a: '10/1/2' });
    state = setLayerVisible(state, 'a', true);
    expect(state.layerErrors).toEqual({});
  });

  it('stores opacity 1 as absent and clamps to [0, 1]', () => {
    let state = catalogLoaded(initialState({ lang: 'zh', view: null, visibleIds: null, opacity: {}, time: null, workspace: null, workspaceParams: {} }, START), catalog);
    const same = setLayerOpacity(state, 'a', 1);
    expect(same).toBe(state);
    state = setLayerOpacity(state, 'a', 1.7);
    expect(state.opacity).toEqual({});
    state = setLayerOpacity(state, 'a', -1);
    expect(state.opacity).toEqual({ a: 0 });
  });

  it('opens and closes workspaces and keeps their parameters namespaced', () => {
    let state = catalogLoaded(initialState({ lang: 'zh', view: null, visibleIds: null, opacity: {}, time: null, workspace: null, workspaceParams: {} }, START), catalog);
    state = setWorkspace(state, 'water');
    expect(state.workspace).toBe('water');
    state = setWorkspaceParam(state, 'water.station', '70100100');
    expect(restorableOf(state).workspaceParams).toEqual({ 'water.station': '70100100' });
    expect(setWorkspaceParam(state, 'water.station', '70100100')).toBe(state);
    state = setWorkspaceParam(state, 'water.station', null);
    expect(state.workspaceParams).toEqual({});
    expect(() => setWorkspaceParam(state, 'station', '1')).toThrow(/water\.station/);
    expect(setWorkspace(state, null).workspace).toBeNull();
  });
});
