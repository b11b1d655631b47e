import { departments } from '../departments.ts';
import type { LayerSpec } from '../types.ts';

/** Layers that exist to receive imports (POST /imports, `onemap import`). */
export const importLayers: readonly LayerSpec[] = [
  {
    id: 'user_points',
    title: { zh: '专题点位', en: 'Thematic points' },
    description: {
      zh: '用户导入的点位（CSV、KML、高德/百度 POI，导入时由 GCJ-02/BD-09 转为 CGCS2000），可编辑并保留历史',
      en: 'Points imported by users (CSV, KML, 高德/百度 POIs converted from GCJ-02/BD-09 to CGCS2000 on import), editable, with history',
    },
    group: 'base',
    owner: departments.naturalResources,
    classification: 'public',
    temporal: 'versioned',
    table: { schema: 'base', name: 'user_points', idColumn: 'fid', geometryColumn: 'geom', tileGeometryColumn: 'geom_3857', geometryType: 'Point', srid: 4490 },
    properties: [
      { name: 'name', type: 'string', title: { zh: '名称', en: 'Name' }, required: true },
      { name: 'category', type: 'string', title: { zh: '类别', en: 'Category' } },
      { name: 'address', type: 'string', title: { zh: '地址', en: 'Address' } },
      { name: 'remark', type: 'string', title: { zh: '备注', en: 'Remark' } },
    ],
    zoom: { min: 10, max: 20 },
    style: { fill: '#e67e22', stroke: '#ffffff', radiusPx: 4, label: { property: 'name', color: '#7a3e00', haloColor: '#ffffff', sizePx: 11, minZoom: 15 } },
    drawOrder: 95,
    visibleByDefault: false,
    editable: true,
  },
];
