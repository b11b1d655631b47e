import { departments } from '../departments.ts';
import type { GeometryType, LayerSpec, PropertySpec, StyleClass, TableSpec } from '../types.ts';

/** Tables of the `planning` schema: `geom` in 4490, a generated `geom_3857`, versioned by `fid`. */
function planningTable(name: string, geometryType: GeometryType = 'MultiPolygon'): TableSpec {
  return { schema: 'planning', name, idColumn: 'fid', geometryColumn: 'geom', tileGeometryColumn: 'geom_3857', geometryType, srid: 4490 };
}

const planVersion: PropertySpec = { name: 'plan_version', type: 'string', title: { zh: '规划版本', en: 'Plan version' }, required: true, bookkeeping: true };
const areaM2: PropertySpec = { name: 'area_m2', type: 'number', title: { zh: '面积(平方米)', en: 'Area (m²)' }, required: true, bookkeeping: true };

/**
 * 国土空间规划用地用海分类 (2023) first-level classes with their map colours: the legend of the
 * 控规 layer. The same codes and colours are data in `planning.landuse_codes` (migration 0071);
 * an integration test keeps the two equal.
 */
export const LANDUSE_CLASSES_2023: readonly StyleClass[] = [
  { value: '01', color: '#f5f8dc', title: { zh: '耕地', en: 'Cropland' } },
  { value: '02', color: '#bfe9aa', title: { zh: '园地', en: 'Garden land' } },
  { value: '03', color: '#68b167', title: { zh: '林地', en: 'Forest land' } },
  { value: '04', color: '#cdf57a', title: { zh: '草地', en: 'Grassland' } },
  { value: '05', color: '#65cdaa', title: { zh: '湿地', en: 'Wetland' } },
  { value: '06', color: '#d8d79f', title: { zh: '农业设施建设用地', en: 'Agricultural facility land' } },
  { value: '07', color: '#ffff2d', title: { zh: '居住用地', en: 'Residential' } },
  { value: '08', color: '#ff7fbf', title: { zh: '公共管理与公共服务用地', en: 'Public administration and services' } },
  { value: '09', color: '#ff3d3d', title: { zh: '商业服务业用地', en: 'Commercial and business' } },
  { value: '10', color: '#bb9674', title: { zh: '工矿用地', en: 'Industrial and mining' } },
  { value: '11', color: '#8761d3', title: { zh: '仓储用地', en: 'Warehousing' } },
  { value: '12', color: '#b4b4b4', title: { zh: '交通运输用地', en: 'Transport' } },
  { value: '13', color: '#2e8bd6', title: { zh: '公用设施用地', en: 'Public utilities' } },
  { value: '14', color: '#4fc24f', title: { zh: '绿地与开敞空间用地', en: 'Green and open space' } },
  { value: '15', color: '#877a4a', title: { zh: '特殊用地', en: 'Special use' } },
  { value: '16', color: '#f2f2f2', title: { zh: '留白用地', en: 'Reserved (white) land' } },
  { value: '17', color: '#91c8ff', title: { zh: '陆地水域', en: 'Inland water' } },
  { value: '23', color: '#d9d2c3', title: { zh: '其他土地', en: 'Other land' } },
];

/**
 * 规划: 三区三线 and 控规地块 (issue #9, domain.md §4). All versioned by plan edition: a
 * version's rows are valid from its approval, so `datetime=T` shows the plan in force at T.
 */
export const planningLayers: readonly LayerSpec[] = [
  {
    id: 'plan_eco_redline',
    title: { zh: '生态保护红线', en: 'Ecological protection red line' },
    description: { zh: '三区三线: 生态保护红线斑块(水源涵养、生物多样性维护等)', en: 'Three zones and three lines: ecological protection red-line patches' },
    group: 'planning',
    owner: departments.naturalResources,
    classification: 'public',
    temporal: 'versioned',
    table: planningTable('eco_redline'),
    properties: [
      { name: 'code', type: 'string', title: { zh: '斑块编号', en: 'Patch code' }, required: true },
      { name: 'name', type: 'string', title: { zh: '名称', en: 'Name' }, required: true },
      { name: 'kind', type: 'string', title: { zh: '生态功能', en: 'Function' }, required: true },
      planVersion,
      areaM2,
    ],
    zoom: { min: 7, max: 20 },
    style: { fill: 'rgba(46, 125, 50, 0.35)', stroke: '#c62828', strokeWidthPx: 1.5 },
    drawOrder: 14,
    visibleByDefault: false,
    editable: false,
    generalization: { fullDetailZoom: 13, minAreaPx: 2, simplifyPx: 0.5 },
  },
  {
    id: 'plan_basic_farmland',
    title: { zh: '永久基本农田', en: 'Permanent basic farmland' },
    description: { zh: '三区三线: 永久基本农田保护图斑', en: 'Three zones and three lines: permanent basic farmland patches' },
    group: 'planning',
    owner: departments.naturalResources,
    classification: 'public',
    temporal: 'versioned',
    table: planningTable('basic_farmland'),
    properties: [
      { name: 'code', type: 'string', title: { zh: '图斑编号', en: 'Patch code' }, required: true },
      { name: 'quality_grade', type: 'integer', title: { zh: '耕地质量等别', en: 'Quality grade' }, required: true },
      planVersion,
      areaM2,
    ],
    zoom: { min: 8, max: 20 },
    style: { fill: 'rgba(240, 220, 90, 0.45)', stroke: '#b59a00', strokeWidthPx: 0.8 },
    drawOrder: 13,
    visibleByDefault: false,
    editable: false,
    generalization: { fullDetailZoom: 14, minAreaPx: 4, simplifyPx: 0.5 },
  },
  {
    id: 'plan_urban_boundary',
    title: { zh: '城镇开发边界', en: 'Urban development boundary' },
    description: { zh: '三区三线: 城镇开发边界(集中建设区)', en: 'Three zones and three lines: urban development boundary' },
    group: 'planning',
    owner: departments.naturalResources,
    classification: 'public',
    temporal: 'versioned',
    table: planningTable('urban_boundary'),
    properties: [
      { name: 'code', type: 'string', title: { zh: '编号', en: 'Code' }, required: true },
      { name: 'name', type: 'string', title: { zh: '名称', en: 'Name' }, required: true },
      { name: 'zone', type: 'string', title: { zh: '分区', en: 'Zone' }, required: true },
      planVersion,
      areaM2,
    ],
    zoom: { min: 6, max: 20 },
    style: { stroke: '#8e24aa', strokeWidthPx: 2.5, label: { property: 'name', color: '#6a1b9a', haloColor: '#ffffff', sizePx: 12, minZoom: 10 } },
    drawOrder: 16,
    visibleByDefault: false,
    editable: false,
    generalization: { fullDetailZoom: 12, simplifyPx: 0.5 },
  },
  {
    id: 'plan_parcels',
    title: { zh: '控规地块', en: 'Regulatory plan parcels' },
    description: {
      zh: '控制性详细规划地块: 用地用海分类(2023)用地性质、GB 50137 旧代码及容积率、建筑密度、绿地率、限高',
      en: 'Regulatory detailed-plan parcels: 2023 land-use code (with the GB 50137 code), FAR, coverage, green ratio, height limit',
    },
    group: 'planning',
    owner: departments.naturalResources,
    classification: 'public',
    temporal: 'versioned',
    table: planningTable('parcels'),
    properties: [
      { name: 'parcel_no', type: 'string', title: { zh: '地块编号', en: 'Parcel no.' }, required: true },
      { name: 'landuse_code', type: 'string', title: { zh: '用地代码', en: 'Land-use code' }, required: true },
      { name: 'landuse_class', type: 'string', title: { zh: '用地大类', en: 'Land-use class' }, required: true },
      { name: 'landuse_name', type: 'string', title: { zh: '用地性质', en: 'Land use' }, required: true },
      { name: 'gb50137_code', type: 'string', title: { zh: 'GB 50137 代码', en: 'GB 50137 code' } },
      { name: 'far_max', type: 'number', title: { zh: '容积率上限', en: 'Max FAR' } },
      { name: 'density_max_pct', type: 'number', title: { zh: '建筑密度上限(%)', en: 'Max coverage (%)' } },
      { name: 'green_min_pct', type: 'number', title: { zh: '绿地率下限(%)', en: 'Min green ratio (%)' } },
      { name: 'height_max_m', type: 'number', title: { zh: '建筑限高(米)', en: 'Height limit (m)' } },
      planVersion,
      areaM2,
    ],
    zoom: { min: 11, max: 20 },
    style: {
      stroke: '#7a7a7a',
      strokeWidthPx: 0.5,
      classify: { property: 'landuse_class', otherColor: '#dddddd', classes: LANDUSE_CLASSES_2023 },
      label: { property: 'landuse_code', color: '#333333', haloColor: '#ffffff', sizePx: 10, minZoom: 16 },
    },
    drawOrder: 12,
    visibleByDefault: false,
    editable: false,
    generalization: { fullDetailZoom: 14, minAreaPx: 4, simplifyPx: 0.5 },
  },
];
