/**
 * Queryables of a collection (OGC API – Features Part 3, /req/queryables): what a CQL2 filter
 * may name, the SQL that reads each, and the JSON Schema document served at
 * `/collections/{id}/queryables`. Derived from the catalogue only.
 */
import type { LayerSpec, PropertyType } from '@onemap/geodata/catalog';
import { quoteIdent } from '@onemap/tiles';
import type { Queryable } from '../cql2/index.ts';
import type { GeometryCoarsening } from './access-policy.ts';
import { cellSql, shownGeometrySql } from './coarse-geometry.ts';

/** Versioned layers: the version's validity as two date-time queryables. */
export const VALID_FROM = 'valid_from';
export const VALID_TO = 'valid_to';

const GEOMETRY_FORMAT: Record<LayerSpec['table']['geometryType'], string> = {
  Point: 'geometry-point',
  MultiPoint: 'geometry-multipoint',
  LineString: 'geometry-linestring',
  MultiLineString: 'geometry-multilinestring',
  Polygon: 'geometry-polygon',
  MultiPolygon: 'geometry-multipolygon',
};

/**
 * The queryables of a layer, keyed by name: geometry, published properties, version times. For
 * a coarsened variant the geometry reads as shown to the caller (coarse-geometry.ts), with the
 * exact column as its index cut.
 */
export function queryablesOf(spec: LayerSpec, coarse?: GeometryCoarsening, storageSrid = 4490): ReadonlyMap<string, Queryable> {
  const col = (name: string) => `t.${quoteIdent(name)}`;
  const out = new Map<string, Queryable>();
  const g = col(spec.table.geometryColumn);
  out.set(
    spec.table.geometryColumn,
    coarse
      ? { name: spec.table.geometryColumn, type: 'geometry', sql: shownGeometrySql(g, coarse, storageSrid), indexed: { sql: g, within: cellSql(coarse) } }
      : { name: spec.table.geometryColumn, type: 'geometry', sql: g },
  );
  for (const p of spec.properties) out.set(p.name, { name: p.name, type: p.type, sql: col(p.name) });
  if (spec.temporal === 'versioned') {
    const valid = col('valid');
    if (!out.has(VALID_FROM)) out.set(VALID_FROM, { name: VALID_FROM, type: 'datetime', sql: `lower(${valid})` });
    // upper() of the current version's open range is NULL: unknown as a value, open as an interval end.
    if (!out.has(VALID_TO)) out.set(VALID_TO, { name: VALID_TO, type: 'datetime', sql: `upper(${valid})`, intervalEndSql: `COALESCE(upper(${valid}), 'infinity'::timestamptz)` });
  }
  return out;
}

function propertySchema(type: PropertyType) {
  if (type === 'date') return { type: 'string', format: 'date' };
  if (type === 'datetime') return { type: 'string', format: 'date-time' };
  return { type };
}

/**
 * The queryables document: JSON Schema 2020-12, `additionalProperties: false` (unknown names in
 * a filter are a 400), spatial queryables with a `format` and no `type` (standards.md §3).
 */
export function queryablesDocument(spec: LayerSpec, base: string) {
  const properties: Record<string, object> = {
    [spec.table.geometryColumn]: { title: '几何 / Geometry', format: GEOMETRY_FORMAT[spec.table.geometryType], 'x-ogc-role': 'primary-geometry' },
  };
  for (const p of spec.properties) properties[p.name] = { title: p.title.zh, description: p.title.en, ...propertySchema(p.type) };
  if (spec.temporal === 'versioned') {
    properties[VALID_FROM] ??= { title: '版本生效时间', description: 'Start of the version\'s validity (inclusive); filtering on it searches every version', type: 'string', format: 'date-time' };
    properties[VALID_TO] ??= {
      title: '版本失效时间',
      description: 'End of the version\'s validity (exclusive); null for the current version, open-ended inside INTERVAL(valid_from, valid_to)',
      type: 'string',
      format: 'date-time',
    };
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: `${base}/collections/${spec.id}/queryables`,
    type: 'object',
    title: spec.title.zh,
    description: `Queryables of ${spec.title.en}: the names a CQL2 filter may use`,
    properties,
    additionalProperties: false,
  };
}
