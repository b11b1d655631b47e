/**
 * Change-report SQL for versioned layers, compiled at boot: the state as of T1 and as of T2
 * joined by feature id. Same version id on both sides = unchanged; otherwise added, removed or
 * changed (which properties, whether the geometry moved). `$1` T1, `$2` T2, `$3` limit,
 * `$4` the study area (GeoJSON text, CRS84) in the `area` variant.
 */
import type { LayerSpec } from '@onemap/geodata/catalog';
import { quoteIdent, quoteQualified } from '@onemap/tiles';

const AREA = 'ST_SetSRID(ST_GeomFromGeoJSON($4::text), 4490)';

export interface ChangeStatements {
  readonly everywhere: string;
  readonly area: string;
}

export interface TransitionStatements {
  readonly everywhere: string;
  readonly area: string;
  /** The class property the matrix is built on. */
  readonly classProperty: string;
}

export function compileChangeSql(spec: LayerSpec): ChangeStatements {
  const t = spec.table;
  const table = quoteQualified(t.schema, t.name);
  const id = quoteIdent(t.idColumn);
  const geom = quoteIdent(t.geometryColumn);
  const props = `jsonb_build_object(${spec.properties.map((p) => `'${p.name}', ${quoteIdent(p.name)}`).join(', ')})`;
  // Bookkeeping properties (the survey a patch was recorded in) do not make a change by themselves.
  const ignored = spec.properties.filter((p) => p.bookkeeping).map((p) => `'${p.name}'`);
  const keyFilter = ignored.length ? ` AND e.key NOT IN (${ignored.join(', ')})` : '';
  const build = (areaCond: string) => `
WITH a AS (SELECT ${id} AS fid, gid, ${props} AS props, ${geom} AS geom FROM ${table} WHERE valid @> $1::timestamptz${areaCond}),
     b AS (SELECT ${id} AS fid, gid, ${props} AS props, ${geom} AS geom FROM ${table} WHERE valid @> $2::timestamptz${areaCond}),
     d AS (
       SELECT coalesce(b.fid, a.fid) AS fid,
              CASE WHEN a.fid IS NULL THEN 'added' WHEN b.fid IS NULL THEN 'removed' ELSE 'changed' END AS change,
              coalesce(b.props, a.props) AS props,
              coalesce(b.geom, a.geom) AS geom,
              CASE WHEN a.fid IS NOT NULL AND b.fid IS NOT NULL
                   THEN ARRAY(SELECT e.key FROM jsonb_each(b.props) e WHERE e.value IS DISTINCT FROM a.props -> e.key${keyFilter} ORDER BY e.key) END AS changed_properties,
              CASE WHEN a.fid IS NOT NULL AND b.fid IS NOT NULL THEN ST_AsBinary(a.geom) <> ST_AsBinary(b.geom) END AS geometry_changed
         FROM a FULL JOIN b ON a.fid = b.fid
        WHERE a.fid IS NULL OR b.fid IS NULL OR a.gid <> b.gid
     ),
     real AS (SELECT * FROM d WHERE change <> 'changed' OR geometry_changed OR cardinality(changed_properties) > 0)
SELECT (SELECT count(*) FILTER (WHERE change = 'added') FROM real)::int AS added,
       (SELECT count(*) FILTER (WHERE change = 'removed') FROM real)::int AS removed,
       (SELECT count(*) FILTER (WHERE change = 'changed') FROM real)::int AS changed,
       (SELECT count(*) FILTER (WHERE geometry_changed) FROM real)::int AS geometry_changed,
       (SELECT coalesce(string_agg(f, ','), '') FROM (
          SELECT json_build_object('type', 'Feature', 'id', fid, 'geometry', ST_AsGeoJSON(geom, 7, 0)::json,
                   'properties', props || jsonb_build_object('change', change, 'changedProperties', to_jsonb(changed_properties), 'geometryChanged', geometry_changed))::text AS f
            FROM real ORDER BY change, fid LIMIT $3) p) AS features`;
  return {
    everywhere: build(''),
    area: build(` AND ST_Intersects(${geom}, ${AREA})`),
  };
}

/** Land-cover-style transitions between two instants, on the layer's classified property. */
export function compileTransitionSql(spec: LayerSpec): TransitionStatements | undefined {
  const cls = spec.style.classify?.property;
  if (spec.temporal !== 'versioned' || !cls || !spec.table.geometryType.endsWith('Polygon')) return undefined;
  const t = spec.table;
  const table = quoteQualified(t.schema, t.name);
  const geom = quoteIdent(t.geometryColumn);
  const c = quoteIdent(cls);
  // Areas on the CGCS2000 ellipsoid (geography over a geographic SRID uses its spheroid).
  const build = (clip: (g: string) => string, areaCond: string) => `
WITH a AS (SELECT ${c}::text AS cls, ${geom} AS geom FROM ${table} WHERE valid @> $1::timestamptz${areaCond}),
     b AS (SELECT ${c}::text AS cls, ${geom} AS geom FROM ${table} WHERE valid @> $2::timestamptz${areaCond}),
     x AS (
       SELECT a.cls AS from_cls, b.cls AS to_cls, ${clip('ST_Intersection(a.geom, b.geom)')} AS g
         FROM a JOIN b ON ST_Intersects(a.geom, b.geom)
     ),
     m AS (SELECT from_cls, to_cls, g, ST_Area(g::geography) / 10000.0 AS ha FROM x WHERE NOT ST_IsEmpty(g))
SELECT (SELECT coalesce(json_agg(json_build_object('from', from_cls, 'to', to_cls, 'hectares', ha) ORDER BY from_cls, to_cls), '[]'::json)
          FROM (SELECT from_cls, to_cls, sum(ha) AS ha FROM m GROUP BY 1, 2) s)::text AS matrix,
       (SELECT coalesce(string_agg(f, ','), '') FROM (
          SELECT json_build_object('type', 'Feature', 'geometry', ST_AsGeoJSON(ST_CollectionExtract(g, 3), 7, 0)::json,
                   'properties', json_build_object('from', from_cls, 'to', to_cls, 'hectares', ha))::text AS f
            FROM m WHERE from_cls <> to_cls ORDER BY ha DESC LIMIT $3) p) AS patches`;
  return {
    everywhere: build((g) => g, ''),
    area: build((g) => `ST_Intersection(${g}, ${AREA})`, ` AND ST_Intersects(${geom}, ${AREA})`),
    classProperty: cls,
  };
}
