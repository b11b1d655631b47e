import type { Catalog, CatalogProblem, LayerSpec, PropertyType } from './types.ts';

const ID_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;
const IDENT_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;
/** Web Mercator pyramids above z24 are beyond any survey precision we hold. */
export const MAX_ZOOM = 24;

/**
 * Checks the catalogue's own consistency (no database needed) and returns every problem at
 * once, each with a path, so a broken catalogue is fixed in one round (house style §4).
 */
export function validateCatalog(catalog: Catalog): CatalogProblem[] {
  const problems: CatalogProblem[] = [];
  const groupIds = new Set<string>();
  catalog.groups.forEach((g, i) => {
    if (!ID_PATTERN.test(g.id)) problems.push({ path: `groups[${i}].id`, message: `invalid id "${g.id}"` });
    if (groupIds.has(g.id)) problems.push({ path: `groups[${i}].id`, message: `duplicate group "${g.id}"` });
    groupIds.add(g.id);
  });
  const layerIds = new Set<string>();
  for (const layer of catalog.layers) {
    const at = `layers.${layer.id}`;
    if (!ID_PATTERN.test(layer.id)) problems.push({ path: `${at}.id`, message: `invalid id "${layer.id}" (lower case, digits, _)` });
    if (layerIds.has(layer.id)) problems.push({ path: `${at}.id`, message: 'duplicate layer id' });
    layerIds.add(layer.id);
    if (!groupIds.has(layer.group)) problems.push({ path: `${at}.group`, message: `unknown group "${layer.group}"` });
    problems.push(...validateLayer(layer, at));
  }
  return problems;
}

function validateLayer(layer: LayerSpec, at: string): CatalogProblem[] {
  const problems: CatalogProblem[] = [];
  const { table, zoom, style } = layer;
  for (const [key, value] of [
    ['schema', table.schema],
    ['name', table.name],
    ['idColumn', table.idColumn],
    ['geometryColumn', table.geometryColumn],
    ['tileGeometryColumn', table.tileGeometryColumn],
  ] as const) {
    if (!IDENT_PATTERN.test(value)) problems.push({ path: `${at}.table.${key}`, message: `not a plain identifier: "${value}"` });
  }
  if (!Number.isInteger(zoom.min) || zoom.min < 0 || zoom.min > MAX_ZOOM)
    problems.push({ path: `${at}.zoom.min`, message: `${zoom.min} outside 0..${MAX_ZOOM}` });
  if (!Number.isInteger(zoom.max) || zoom.max < 0 || zoom.max > MAX_ZOOM)
    problems.push({ path: `${at}.zoom.max`, message: `${zoom.max} outside 0..${MAX_ZOOM}` });
  if (zoom.min > zoom.max) problems.push({ path: `${at}.zoom`, message: `min ${zoom.min} > max ${zoom.max}` });
  const names = new Set<string>();
  layer.properties.forEach((p, i) => {
    if (!IDENT_PATTERN.test(p.name)) problems.push({ path: `${at}.properties[${i}].name`, message: `not a plain identifier: "${p.name}"` });
    if (names.has(p.name)) problems.push({ path: `${at}.properties[${i}].name`, message: `duplicate property "${p.name}"` });
    if (p.name === table.geometryColumn || p.name === table.tileGeometryColumn)
      problems.push({ path: `${at}.properties[${i}].name`, message: 'geometry columns are not properties' });
    names.add(p.name);
  });
  if (style.classify && !names.has(style.classify.property))
    problems.push({ path: `${at}.style.classify.property`, message: `"${style.classify.property}" is not a published property` });
  if (style.label && !names.has(style.label.property))
    problems.push({ path: `${at}.style.label.property`, message: `"${style.label.property}" is not a published property` });
  if (layer.editable && layer.temporal !== 'versioned')
    problems.push({ path: `${at}.editable`, message: 'only versioned layers can be editable (edits must keep history)' });
  const g = layer.generalization;
  if (g) {
    if (g.fullDetailZoom < zoom.min || g.fullDetailZoom > zoom.max + 1)
      problems.push({ path: `${at}.generalization.fullDetailZoom`, message: `${g.fullDetailZoom} outside the layer's zooms ${zoom.min}..${zoom.max}` });
    if (g.minZoomByValue && !names.has(g.minZoomByValue.property))
      problems.push({ path: `${at}.generalization.minZoomByValue.property`, message: `"${g.minZoomByValue.property}" is not a published property` });
    for (const [value, z] of Object.entries(g.minZoomByValue?.zooms ?? {})) {
      if (!Number.isInteger(z) || z < 0 || z > MAX_ZOOM) problems.push({ path: `${at}.generalization.minZoomByValue.zooms.${value}`, message: `${z} outside 0..${MAX_ZOOM}` });
    }
    if (g.overview) {
      if (!IDENT_PATTERN.test(g.overview.table)) problems.push({ path: `${at}.generalization.overview.table`, message: `not a plain identifier: "${g.overview.table}"` });
      if (g.overview.maxZoom < zoom.min || g.overview.maxZoom >= g.fullDetailZoom)
        problems.push({ path: `${at}.generalization.overview.maxZoom`, message: `${g.overview.maxZoom} must be within ${zoom.min}..${g.fullDetailZoom - 1}` });
      g.overview.properties.forEach((p, i) => {
        if (!IDENT_PATTERN.test(p.name)) problems.push({ path: `${at}.generalization.overview.properties[${i}].name`, message: `not a plain identifier: "${p.name}"` });
      });
    }
    for (const [key, v] of [['minAreaPx', g.minAreaPx], ['simplifyPx', g.simplifyPx]] as const) {
      if (v !== undefined && !(v >= 0 && v <= 64)) problems.push({ path: `${at}.generalization.${key}`, message: `${v} outside 0..64 px` });
    }
  }
  return problems;
}

/** A column as the live database reports it (information_schema + geometry_columns). */
export interface LiveColumn {
  readonly schema: string;
  readonly table: string;
  readonly column: string;
  /** information_schema udt_name, e.g. text, int4, float8, geometry, tstzrange. */
  readonly udtName: string;
  /** For geometry columns: geometry_columns.type (e.g. MULTIPOLYGON) and srid. */
  readonly geometryType?: string;
  readonly srid?: number;
}

const COMPATIBLE_UDT: Record<PropertyType, readonly string[]> = {
  string: ['text', 'varchar', 'bpchar'],
  integer: ['int2', 'int4', 'int8'],
  number: ['float4', 'float8', 'numeric', 'int2', 'int4', 'int8'],
  boolean: ['bool'],
  date: ['date'],
  datetime: ['timestamptz', 'timestamp'],
};

/**
 * Compares the catalogue with the live schema and returns every mismatch: missing tables or
 * columns, property types the column cannot carry, wrong geometry type or SRID, versioned
 * tables without `valid tstzrange`.
 */
export function validateAgainstSchema(catalog: Catalog, live: readonly LiveColumn[]): CatalogProblem[] {
  const problems: CatalogProblem[] = [];
  const byTable = new Map<string, Map<string, LiveColumn>>();
  for (const c of live) {
    const key = `${c.schema}.${c.table}`;
    let cols = byTable.get(key);
    if (!cols) byTable.set(key, (cols = new Map()));
    cols.set(c.column, c);
  }
  for (const layer of catalog.layers) {
    const at = `layers.${layer.id}`;
    const qualified = `${layer.table.schema}.${layer.table.name}`;
    const cols = byTable.get(qualified);
    if (!cols) {
      problems.push({ path: `${at}.table`, message: `table ${qualified} not found` });
      continue;
    }
    const need = (column: string, path: string): LiveColumn | undefined => {
      const c = cols.get(column);
      if (!c) problems.push({ path, message: `column ${column} not found in ${qualified}` });
      return c;
    };
    need(layer.table.idColumn, `${at}.table.idColumn`);
    const geom = need(layer.table.geometryColumn, `${at}.table.geometryColumn`);
    if (geom) {
      if (geom.udtName !== 'geometry') problems.push({ path: `${at}.table.geometryColumn`, message: `${geom.column} is ${geom.udtName}, not geometry` });
      else {
        if (geom.srid !== layer.table.srid) problems.push({ path: `${at}.table.srid`, message: `${geom.column} has SRID ${geom.srid ?? 'unknown'}, catalogue says ${layer.table.srid}` });
        if (geom.geometryType && geom.geometryType.toUpperCase() !== layer.table.geometryType.toUpperCase())
          problems.push({ path: `${at}.table.geometryType`, message: `${geom.column} is ${geom.geometryType}, catalogue says ${layer.table.geometryType}` });
      }
    }
    const tileGeom = need(layer.table.tileGeometryColumn, `${at}.table.tileGeometryColumn`);
    if (tileGeom && tileGeom.srid !== 3857)
      problems.push({ path: `${at}.table.tileGeometryColumn`, message: `${tileGeom.column} has SRID ${tileGeom.srid ?? 'unknown'}, tiles need 3857` });
    layer.properties.forEach((p, i) => {
      const c = need(p.name, `${at}.properties[${i}]`);
      if (c && !COMPATIBLE_UDT[p.type].includes(c.udtName))
        problems.push({ path: `${at}.properties[${i}].type`, message: `${p.name} is ${c.udtName} in the database, cannot publish as ${p.type}` });
    });
    const overview = layer.generalization?.overview;
    if (overview) {
      const oq = `${layer.table.schema}.${overview.table}`;
      const ocols = byTable.get(oq);
      if (!ocols) problems.push({ path: `${at}.generalization.overview.table`, message: `table ${oq} not found` });
      else {
        const og = ocols.get(layer.table.tileGeometryColumn);
        if (!og || og.srid !== 3857) problems.push({ path: `${at}.generalization.overview.table`, message: `${oq}.${layer.table.tileGeometryColumn} missing or not SRID 3857` });
        // The overview tile SQL drops parts by their stored area.
        if (!ocols.has('area_m2')) problems.push({ path: `${at}.generalization.overview.table`, message: `${oq}.area_m2 missing` });
        overview.properties.forEach((p, i) => {
          const c = ocols.get(p.name);
          if (!c) problems.push({ path: `${at}.generalization.overview.properties[${i}]`, message: `column ${p.name} not found in ${oq}` });
          else if (!COMPATIBLE_UDT[p.type].includes(c.udtName))
            problems.push({ path: `${at}.generalization.overview.properties[${i}].type`, message: `${p.name} is ${c.udtName} in the database, cannot publish as ${p.type}` });
        });
      }
    }
    if (layer.temporal === 'versioned') {
      const valid = need('valid', `${at}.temporal`);
      if (valid && valid.udtName !== 'tstzrange') problems.push({ path: `${at}.temporal`, message: `valid is ${valid.udtName}, versioned layers need tstzrange` });
    }
  }
  return problems;
}
