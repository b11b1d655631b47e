/**
 * The onemap layer catalogue: one declaration per layer, grouped by theme. Pure data and pure
 * functions; map-server compiles it at boot, the client learns it from /catalog.
 */
import { baseLayers } from './layers/base.ts';
import { waterLayers } from './layers/water.ts';
import { pipeLayers } from './layers/pipes.ts';
import { planningLayers } from './layers/planning.ts';
import { importLayers } from './layers/imports.ts';
import { cityLayers } from './layers/city.ts';
import type { Catalog } from './types.ts';

export type * from './types.ts';
export { validateCatalog, validateAgainstSchema, MAX_ZOOM, type LiveColumn } from './validate.ts';
export { departments } from './departments.ts';

export const catalog: Catalog = {
  title: { zh: '台州市时空信息云平台 · 一张图', en: 'Taizhou Spatiotemporal Information Cloud · One Map' },
  groups: [
    { id: 'base', title: { zh: '基础地理', en: 'Base geography' }, order: 1 },
    { id: 'planning', title: { zh: '规划', en: 'Planning' }, order: 3 },
    { id: 'pipes', title: { zh: '管线', en: 'Pipelines' }, order: 5 },
    { id: 'water', title: { zh: '水利', en: 'Water resources' }, order: 6 },
    { id: 'city', title: { zh: '城管', en: 'City management' }, order: 7 },
  ],
  layers: [...baseLayers, ...pipeLayers, ...waterLayers, ...planningLayers, ...importLayers, ...cityLayers],
};
