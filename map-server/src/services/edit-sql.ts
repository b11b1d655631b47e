/**
 * Write statements of the editable (versioned) layers, compiled once at boot. An edit closes
 * the current version (`valid` upper bound = transaction time) and inserts the next one, so
 * every version stays queryable "as of" its time.
 */
import type { LayerSpec, PropertyType } from '@onemap/geodata/catalog';
import { quoteIdent, quoteQualified } from '@onemap/tiles';

export interface EditStatements {
  /** `$1` fid → the current version, locked. */
  readonly lockCurrent: string;
  /** `$1` GeoJSON → validity, reason and location (ST_IsValidDetail). */
  readonly validity: string;
  /** `$1` gid → closes that version now. */
  readonly close: string;
  /** `$1` fid or NULL (new feature), `$2` GeoJSON, `$3` actor, `$4` comment, then the properties in catalogue order. */
  readonly insert: string;
  /** `$1` fid → every version, oldest first. */
  readonly history: string;
}

const CAST: Record<PropertyType, string> = {
  string: 'text',
  integer: 'bigint',
  number: 'double precision',
  boolean: 'boolean',
  date: 'date',
  datetime: 'timestamptz',
};

const BOX = (g: string) => `ST_XMin(${g}) AS min_x, ST_YMin(${g}) AS min_y, ST_XMax(${g}) AS max_x, ST_YMax(${g}) AS max_y`;

export function compileEditSql(spec: LayerSpec): EditStatements {
  const t = spec.table;
  const table = quoteQualified(t.schema, t.name);
  const id = quoteIdent(t.idColumn);
  const geom = quoteIdent(t.geometryColumn);
  const tile = quoteIdent(t.tileGeometryColumn);
  const props = `jsonb_build_object(${spec.properties.map((p) => `'${p.name}', ${quoteIdent(p.name)}`).join(', ')})`;
  const multi = t.geometryType.startsWith('Multi');
  const input = (n: number) => `ST_SetSRID(ST_GeomFromGeoJSON($${n}), ${t.srid})`;
  const columns = spec.properties.map((p) => quoteIdent(p.name));
  const values = spec.properties.map((p, i) => `$${i + 5}::${CAST[p.type]}`);
  return {
    lockCurrent: `SELECT gid, ${props} AS properties, ST_AsGeoJSON(${geom}, 9, 0) AS geometry, ${BOX(tile)}
  FROM ${table} WHERE ${id} = $1 AND upper_inf(valid) FOR UPDATE`,
    validity: `SELECT (d).valid, (d).reason, ST_AsText((d).location) AS location FROM (SELECT ST_IsValidDetail(${input(1)}) AS d) x`,
    close: `UPDATE ${table} SET valid = tstzrange(lower(valid), greatest(lower(valid), now())) WHERE gid = $1`,
    insert: `INSERT INTO ${table} (${id}, valid, changed_by, change_note, ${geom}${columns.length ? ', ' + columns.join(', ') : ''})
VALUES (COALESCE($1::bigint, nextval(pg_get_serial_sequence('${t.schema}.${t.name}', '${t.idColumn}'))), tstzrange(now(), NULL), $3, $4, ${multi ? `ST_Multi(${input(2)})` : input(2)}${values.length ? ', ' + values.join(', ') : ''})
RETURNING ${id} AS fid, gid, ${BOX(tile)}`,
    history: `SELECT gid, lower(valid) AS valid_from, upper(valid) AS valid_to, changed_by, change_note, ${props} AS properties, ST_AsGeoJSON(${geom}, 7, 0)::json AS geometry
  FROM ${table} WHERE ${id} = $1 AND NOT isempty(valid) ORDER BY lower(valid), gid`,
  };
}
