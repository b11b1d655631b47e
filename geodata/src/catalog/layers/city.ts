import type { DepartmentRef, GeometryType, LayerSpec, StyleClass, TableSpec } from '../types.ts';

/** 城市管理 owner (数字城管 监督指挥中心). */
const cityManagement: DepartmentRef = {
  code: 'tz-cg',
  title: { zh: '台州市综合行政执法局(城市管理)', en: 'Taizhou Comprehensive Law Enforcement Bureau (city management)' },
};

function cityTable(name: string, idColumn: string, geometryType: GeometryType): TableSpec {
  return { schema: 'city', name, idColumn, geometryColumn: 'geom', tileGeometryColumn: 'geom_3857', geometryType, srid: 4490 };
}

/** ObjState colours; the same values as city.component_status (migration 0075). */
const COMPONENT_STATUS: readonly StyleClass[] = [
  { value: 'intact', color: '#2e7d32', title: { zh: '完好', en: 'Intact' } },
  { value: 'damaged', color: '#ef6c00', title: { zh: '破损', en: 'Damaged' } },
  { value: 'missing', color: '#c62828', title: { zh: '丢失', en: 'Missing' } },
  { value: 'occupied', color: '#6a1b9a', title: { zh: '占用', en: 'Occupied' } },
  { value: 'retired', color: '#757575', title: { zh: '废弃', en: 'Retired' } },
];

/** Case state colours; the same values as city.case_state (migration 0076). */
const CASE_STATE: readonly StyleClass[] = [
  { value: 'reported', color: '#1565c0', title: { zh: '已上报', en: 'Reported' } },
  { value: 'filed', color: '#00838f', title: { zh: '已立案', en: 'Filed' } },
  { value: 'dispatched', color: '#f9a825', title: { zh: '已派遣', en: 'Dispatched' } },
  { value: 'in_progress', color: '#ef6c00', title: { zh: '处置中', en: 'In progress' } },
  { value: 'deferred', color: '#8d6e63', title: { zh: '延期', en: 'Deferred' } },
  { value: 'awaiting_check', color: '#6a1b9a', title: { zh: '待核查', en: 'Awaiting check' } },
  { value: 'closed', color: '#2e7d32', title: { zh: '已结案', en: 'Closed' } },
  { value: 'void', color: '#9e9e9e', title: { zh: '作废', en: 'Void' } },
];

/**
 * 城管: unit grids (CJ/T 213), city components by status (CJ/T 214), cases by workflow state and
 * the latest BeiDou vehicle positions. Status, state and position change through the /city API;
 * tiles follow through the tile-invalidating triggers. Time-dependent views (status as of T,
 * tracks, parking, energy) are served by /city endpoints.
 */
export const cityLayers: readonly LayerSpec[] = [
  {
    id: 'unit_grids',
    title: { zh: '单元网格', en: 'Unit grids' },
    description: { zh: '数字城管单元网格(约100米×100米，按街道、社区编码)', en: 'City-management unit grids (~100 m × 100 m, coded by street and community)' },
    group: 'city',
    owner: cityManagement,
    classification: 'public',
    temporal: 'static',
    table: cityTable('unit_grids', 'code', 'MultiPolygon'),
    properties: [
      { name: 'code', type: 'string', title: { zh: '网格编码', en: 'Grid code' }, required: true },
      { name: 'street_code', type: 'string', title: { zh: '街道编码', en: 'Street code' }, required: true },
      { name: 'community_code', type: 'string', title: { zh: '社区编码', en: 'Community code' }, required: true },
      { name: 'area_m2', type: 'number', title: { zh: '面积(平方米)', en: 'Area (m²)' }, required: true },
    ],
    zoom: { min: 13, max: 20 },
    style: { fill: 'rgba(0,0,0,0)', stroke: '#5c6bc0', strokeWidthPx: 0.6, label: { property: 'code', color: '#3949ab', haloColor: '#ffffff', sizePx: 9, minZoom: 17 } },
    drawOrder: 70,
    visibleByDefault: false,
    editable: false,
  },
  {
    id: 'city_components',
    title: { zh: '城市部件', en: 'City components' },
    description: { zh: '井盖、路灯、垃圾箱、交通设施等城市部件(16位标识码)，按状态着色', en: 'Manhole covers, street lights, bins, traffic furniture (16-digit codes), coloured by status' },
    group: 'city',
    owner: cityManagement,
    classification: 'public',
    temporal: 'static',
    table: cityTable('components', 'code', 'Point'),
    properties: [
      { name: 'code', type: 'string', title: { zh: '部件标识码', en: 'Component code' }, required: true },
      { name: 'class_code', type: 'string', title: { zh: '部件小类', en: 'Class' }, required: true },
      { name: 'status', type: 'string', title: { zh: '状态', en: 'Status' }, required: true },
      { name: 'status_changed_at', type: 'datetime', title: { zh: '状态变更时间', en: 'Status changed' }, bookkeeping: true },
      { name: 'grid_code', type: 'string', title: { zh: '所在网格', en: 'Grid' } },
      { name: 'road_name', type: 'string', title: { zh: '所在道路', en: 'Road' } },
      { name: 'maintainer_unit', type: 'string', title: { zh: '养护单位', en: 'Maintainer' } },
    ],
    zoom: { min: 15, max: 20 },
    style: { radiusPx: 3, stroke: '#ffffff', strokeWidthPx: 0.5, classify: { property: 'status', otherColor: '#9e9e9e', classes: COMPONENT_STATUS } },
    drawOrder: 72,
    visibleByDefault: false,
    editable: false,
  },
  {
    id: 'city_cases',
    title: { zh: '城管案件', en: 'City-management cases' },
    description: { zh: '事件、部件案件，按办理状态着色', en: 'Event and component cases, coloured by workflow state' },
    group: 'city',
    owner: cityManagement,
    classification: 'internal',
    temporal: 'static',
    table: cityTable('cases', 'case_no', 'Point'),
    properties: [
      { name: 'case_no', type: 'string', title: { zh: '案卷号', en: 'Case no.' }, required: true },
      { name: 'kind', type: 'string', title: { zh: '类型', en: 'Kind' }, required: true },
      { name: 'class_code', type: 'string', title: { zh: '类别', en: 'Class' }, required: true },
      { name: 'state', type: 'string', title: { zh: '状态', en: 'State' }, required: true },
      { name: 'urgency', type: 'string', title: { zh: '紧急程度', en: 'Urgency' }, required: true },
      { name: 'reported_at', type: 'datetime', title: { zh: '上报时间', en: 'Reported' }, required: true },
      { name: 'department_code', type: 'string', title: { zh: '处置部门', en: 'Department' } },
    ],
    zoom: { min: 12, max: 20 },
    style: { radiusPx: 4, stroke: '#ffffff', strokeWidthPx: 1, classify: { property: 'state', otherColor: '#9e9e9e', classes: CASE_STATE } },
    drawOrder: 74,
    visibleByDefault: false,
    editable: false,
  },
  {
    id: 'city_vehicles',
    title: { zh: '北斗车辆(最新位置)', en: 'BeiDou vehicles (latest)' },
    description: { zh: '城管车辆最新北斗定位，越出责任区的标红', en: 'Latest BeiDou positions of city-management vehicles; red when outside the assigned area' },
    group: 'city',
    owner: cityManagement,
    classification: 'internal',
    temporal: 'timeseries',
    table: cityTable('vehicle_latest', 'vehicle_id', 'Point'),
    properties: [
      { name: 'vehicle_id', type: 'string', title: { zh: '车辆编号', en: 'Vehicle' }, required: true },
      { name: 'plate', type: 'string', title: { zh: '车牌', en: 'Plate' }, required: true },
      { name: 'kind', type: 'string', title: { zh: '车辆类型', en: 'Kind' }, required: true },
      { name: 'tm', type: 'datetime', title: { zh: '定位时间', en: 'Fix time' }, required: true, bookkeeping: true },
      { name: 'speed_kmh', type: 'number', title: { zh: '速度(km/h)', en: 'Speed (km/h)' }, bookkeeping: true },
      { name: 'outside', type: 'boolean', title: { zh: '越出责任区', en: 'Outside assigned area' }, required: true },
    ],
    zoom: { min: 10, max: 20 },
    style: {
      radiusPx: 6,
      stroke: '#ffffff',
      strokeWidthPx: 1.5,
      classify: {
        property: 'outside',
        otherColor: '#1565c0',
        classes: [
          { value: 'false', color: '#1565c0', title: { zh: '责任区内', en: 'Inside assigned area' } },
          { value: 'true', color: '#d32f2f', title: { zh: '越出责任区', en: 'Outside assigned area' } },
        ],
      },
      label: { property: 'plate', color: '#0d47a1', haloColor: '#ffffff', sizePx: 11, minZoom: 14 },
    },
    drawOrder: 76,
    visibleByDefault: false,
    editable: false,
  },
];
