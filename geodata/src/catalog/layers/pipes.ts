import { departments } from '../departments.ts';
import type { LayerSpec, StyleClass, TableSpec, GeometryType } from '../types.ts';

function pipeTable(name: string, geometryType: GeometryType): TableSpec {
  return { schema: 'pipe', name, idColumn: 'id', geometryColumn: 'geom', tileGeometryColumn: 'geom_3857', geometryType, srid: 4490 };
}

/**
 * CJJ 61-2017 附录B colours by 大类 (the same values as `pipe.categories`, domain.md §1.2);
 * 排水 褐 (76,57,38).
 */
const CATEGORY_CLASSES: readonly StyleClass[] = [
  { value: 'JS', color: '#00ffff', title: { zh: '给水', en: 'Water supply' } },
  { value: 'PS', color: '#4c3926', title: { zh: '排水', en: 'Drainage' } },
  { value: 'RQ', color: '#ff00ff', title: { zh: '燃气', en: 'Gas' } },
  { value: 'RL', color: '#ff8000', title: { zh: '热力', en: 'Heating' } },
  { value: 'DL', color: '#ff0000', title: { zh: '电力', en: 'Power' } },
  { value: 'TX', color: '#00ff00', title: { zh: '通信', en: 'Telecom' } },
  { value: 'GY', color: '#000000', title: { zh: '工业', en: 'Industrial' } },
  { value: 'QT', color: '#6600cc', title: { zh: '其他', en: 'Other' } },
];

/**
 * 管线: pipe segments and points, owned by the pipeline department. Depth, pressure and owner
 * unit are published for the owner department; everyone else gets the desensitised set (脱敏)
 * that the rules in `auth.desensitisation_rules` derive (staff: migrations 0081/0083).
 * Segments are public (公开) only through those rules (migration 0088): anonymous callers see
 * generalised lines at z14 and below without depth, pressure or owner. Points — manholes,
 * valves, hydrants, where the network can be opened or shut — stay internal (内部).
 */
export const pipeLayers: readonly LayerSpec[] = [
  {
    id: 'pipe_segments',
    title: { zh: '地下管线', en: 'Underground pipes' },
    description: { zh: '给水、排水、燃气、电力、通信管线段(CJJ 61-2017)', en: 'Water, drainage, gas, power and telecom pipe segments (CJJ 61-2017)' },
    group: 'pipes',
    owner: departments.housing,
    classification: 'public',
    temporal: 'static',
    table: pipeTable('segments', 'LineString'),
    properties: [
      { name: 'line_no', type: 'string', title: { zh: '管线编号', en: 'Line no.' }, required: true },
      { name: 'category', type: 'string', title: { zh: '大类', en: 'Category' }, required: true },
      { name: 'subcategory', type: 'string', title: { zh: '小类', en: 'Subcategory' } },
      { name: 'diameter_mm', type: 'integer', title: { zh: '管径(毫米)', en: 'Diameter (mm)' } },
      { name: 'material', type: 'string', title: { zh: '材质', en: 'Material' } },
      { name: 'status', type: 'integer', title: { zh: '状态', en: 'Status' } },
      { name: 'start_depth', type: 'number', title: { zh: '起点埋深(米)', en: 'Start depth (m)' } },
      { name: 'end_depth', type: 'number', title: { zh: '终点埋深(米)', en: 'End depth (m)' } },
      { name: 'pressure_mpa', type: 'number', title: { zh: '压力(兆帕)', en: 'Pressure (MPa)' } },
      { name: 'owner_unit', type: 'string', title: { zh: '权属单位', en: 'Owner unit' } },
    ],
    zoom: { min: 12, max: 20 },
    style: { strokeWidthPx: 1.5, classify: { property: 'category', otherColor: '#6600cc', classes: CATEGORY_CLASSES } },
    drawOrder: 60,
    visibleByDefault: false,
    editable: false,
    generalization: { fullDetailZoom: 15, simplifyPx: 1 },
  },
  {
    id: 'pipe_points',
    title: { zh: '管线点', en: 'Pipe points' },
    description: { zh: '管线特征点与附属物(阀门、消防栓、水表、检修井…)', en: 'Pipe feature points and appurtenances (valves, hydrants, meters, manholes…)' },
    group: 'pipes',
    owner: departments.housing,
    classification: 'internal',
    temporal: 'static',
    table: pipeTable('points', 'Point'),
    properties: [
      { name: 'point_no', type: 'string', title: { zh: '点号', en: 'Point no.' }, required: true },
      { name: 'category', type: 'string', title: { zh: '大类', en: 'Category' }, required: true },
      { name: 'feature', type: 'string', title: { zh: '特征', en: 'Feature' } },
      { name: 'appurtenance', type: 'string', title: { zh: '附属物', en: 'Appurtenance' } },
      { name: 'depth', type: 'number', title: { zh: '埋深(米)', en: 'Depth (m)' } },
      { name: 'owner_unit', type: 'string', title: { zh: '权属单位', en: 'Owner unit' } },
    ],
    zoom: { min: 16, max: 20 },
    style: { radiusPx: 3, classify: { property: 'category', otherColor: '#6600cc', classes: CATEGORY_CLASSES } },
    drawOrder: 61,
    visibleByDefault: false,
    editable: false,
  },
];
