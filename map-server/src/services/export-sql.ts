/**
 * SQL of the open-data export: the same WHERE as the items page (bbox, datetime, CQL2,
 * queryable parameters; features-sql.ts) without paging, one row per feature, ordered like the
 * items. `$1` is the cap + 1 and `$2` a zero offset, so the numbering of the bbox, time and
 * filter values is the items statement's own.
 */
import type { LayerSpec } from '@onemap/geodata/catalog';
import { quoteIdent, quoteQualified } from '@onemap/tiles';
import { CRS84, type CrsDef } from './crs.ts';
import { featureText, orderKeys, selectedProperties, whereClauses, type BboxShape, type ItemsExtra, type TimeShape } from './features-sql.ts';

export type ExportFormat = 'geojson' | 'csv' | 'gpkg' | 'shp';
/** CSV geometry: WKT in one column, or a point's coordinates in two (point on surface for lines and areas). */
export type CsvGeometry = 'wkt' | 'lonlat';

function fromWhere(spec: LayerSpec, bbox: BboxShape, time: TimeShape, extra: ItemsExtra): string {
  const where = whereClauses(spec, bbox, time, 3, extra);
  return `FROM ${quoteQualified(spec.table.schema, spec.table.name)} AS t${where.length ? `\nWHERE ${where.join('\n  AND ')}` : ''}`;
}

/** How many features match, counting at most `$1` (the cap + 1): the cap check stops early. */
export function compileExportCountSql(spec: LayerSpec, bbox: BboxShape, time: TimeShape, extra: ItemsExtra): string {
  return `SELECT count(*)::int AS n FROM (SELECT 1 ${fromWhere(spec, bbox, time, extra)}\nLIMIT $1::bigint OFFSET $2::bigint) AS s`;
}

/**
 * GeoJSON Feature texts, one per row. For a GeoPackage the geometry stays in the CRS's
 * traditional x/y order (GeoPackage stores x = longitude whatever the EPSG axis order).
 */
export function compileExportGeoJsonSql(spec: LayerSpec, bbox: BboxShape, time: TimeShape, extra: ItemsExtra, gisOrder = false): string {
  const crs = extra.crs ?? CRS84;
  const out: ItemsExtra = { ...extra, crs: gisOrder && crs.latLon ? { ...crs, latLon: false } : crs };
  return [`SELECT ${featureText(spec, 't', out)} AS f`, fromWhere(spec, bbox, time, extra), `ORDER BY ${orderKeys(spec, time, 't', extra.sortby).join(', ')}`, 'LIMIT $1::bigint OFFSET $2::bigint'].join('\n');
}

/** Header and SQL of a CSV export: id, the properties, then the geometry as WKT or two coordinates. */
export function compileExportCsvSql(spec: LayerSpec, bbox: BboxShape, time: TimeShape, extra: ItemsExtra, geometry: CsvGeometry): { header: string[]; sql: string } {
  const crs: CrsDef = extra.crs ?? CRS84;
  const g = `t.${quoteIdent(spec.table.geometryColumn)}`;
  const inCrs = crs.sameAsStorage ? g : `ST_Transform(${g}, ${Math.trunc(crs.srid)})`;
  const asText = (x: string) => `to_json(${x}) #>> '{}'`;
  const props = selectedProperties(spec, extra.properties);
  const cols = [asText(`t.${quoteIdent(spec.table.idColumn)}`), ...props.map((p) => asText(`t.${quoteIdent(p.name)}`))];
  const header = ['id', ...props.map((p) => p.name)];
  if (geometry === 'wkt') {
    cols.push(`ST_AsText(${crs.latLon ? `ST_FlipCoordinates(${inCrs})` : inCrs}, ${crs.decimals})`);
    header.push('wkt');
  } else {
    const p = `ST_PointOnSurface(${inCrs})`;
    const [a, b] = crs.latLon ? [`ST_Y(${p})`, `ST_X(${p})`] : [`ST_X(${p})`, `ST_Y(${p})`];
    cols.push(`round(${a}::numeric, ${crs.decimals})::text`, `round(${b}::numeric, ${crs.decimals})::text`);
    header.push(...(crs.geographic ? (crs.latLon ? ['lat', 'lon'] : ['lon', 'lat']) : ['x', 'y']));
  }
  return {
    header,
    sql: [`SELECT ${cols.join(',\n  ')}`, fromWhere(spec, bbox, time, extra), `ORDER BY ${orderKeys(spec, time, 't', extra.sortby).join(', ')}`, 'LIMIT $1::bigint OFFSET $2::bigint'].join('\n'),
  };
}
