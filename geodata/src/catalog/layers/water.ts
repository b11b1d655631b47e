import { departments } from '../departments.ts';
import type { LayerSpec } from '../types.ts';

/**
 * 水利: SL 323 stations (hydro.st_stbprp_b) coloured by their current state, which the ingest
 * path keeps up to date (hydro.evaluate_alarms), so tiles follow live data through the
 * tile-invalidating triggers. Status at any other instant: GET /water/status?datetime=.
 */
export const waterLayers: readonly LayerSpec[] = [
  {
    id: 'hydro_stations',
    title: { zh: '水雨情测站', en: 'Hydrological stations' },
    description: {
      zh: '雨量站、河道水位/水文站、水库站、堰闸站(SL 323 测站基本属性)，按当前水情状态着色',
      en: 'Rain gauges, river, reservoir and sluice stations (SL 323 ST_STBPRP_B), coloured by current state',
    },
    group: 'water',
    owner: departments.water,
    classification: 'public',
    temporal: 'timeseries',
    table: { schema: 'hydro', name: 'st_stbprp_b', idColumn: 'stcd', geometryColumn: 'geom', tileGeometryColumn: 'geom_3857', geometryType: 'Point', srid: 4490 },
    properties: [
      { name: 'stcd', type: 'string', title: { zh: '测站编码', en: 'Station code' }, required: true },
      { name: 'stnm', type: 'string', title: { zh: '测站名称', en: 'Station name' }, required: true },
      { name: 'sttp', type: 'string', title: { zh: '站类', en: 'Station type' }, required: true },
      { name: 'rvnm', type: 'string', title: { zh: '河流名称', en: 'River' } },
      { name: 'addvcd', type: 'string', title: { zh: '行政区划码', en: 'Admin code' } },
      { name: 'status', type: 'string', title: { zh: '水情状态', en: 'State' }, bookkeeping: true },
      { name: 'status_value', type: 'number', title: { zh: '最新值', en: 'Latest value' }, bookkeeping: true },
      { name: 'status_tm', type: 'datetime', title: { zh: '最新时间', en: 'Latest time' }, bookkeeping: true },
    ],
    zoom: { min: 7, max: 20 },
    style: {
      radiusPx: 5,
      stroke: '#ffffff',
      strokeWidthPx: 1,
      classify: {
        property: 'status',
        otherColor: '#9e9e9e',
        classes: [
          { value: 'normal', color: '#2e7d32', title: { zh: '正常', en: 'Normal' } },
          { value: 'raining', color: '#29b6f6', title: { zh: '降雨中', en: 'Raining' } },
          { value: 'over_flood_limit', color: '#f9a825', title: { zh: '超汛限', en: 'Above flood-season limit' } },
          { value: 'over_warning', color: '#ef6c00', title: { zh: '超警戒', en: 'Above warning level' } },
          { value: 'over_guarantee', color: '#c62828', title: { zh: '超保证', en: 'Above guaranteed level' } },
          { value: 'no_data', color: '#9e9e9e', title: { zh: '无数据', en: 'No data' } },
        ],
      },
      label: { property: 'stnm', color: '#1f3f66', haloColor: '#ffffff', sizePx: 11, minZoom: 12 },
    },
    drawOrder: 60,
    visibleByDefault: false,
    editable: false,
  },
];
