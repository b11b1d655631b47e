/**
 * SensorThings API 1.1 (OGC 18-088) read-only facade over the SL 323 tables (domain.md §2.8):
 * Thing = station (id = numeric STCD), Location = its point (same id), Datastream = station ×
 * element (hydro.datastream.id), Sensor and ObservedProperty = one per element (ordinal of the
 * element code), Observation = one hydro.obs row (id = datastream_id × 10¹⁰ + epoch seconds).
 * Every entity set is fixed SQL text; user values only ever reach SQL as bound parameters.
 */

export type EntitySet = 'Things' | 'Locations' | 'Datastreams' | 'Sensors' | 'ObservedProperties' | 'Observations';

export interface Relation {
  /** Target entity set. */
  readonly target: EntitySet;
  /** True when the relation is a single entity (Datastream/Thing). */
  readonly single: boolean;
  /** Column of the TARGET set compared with `sourceKey` of the source row. */
  readonly targetKey: string;
  /** Column of the SOURCE set whose value selects the targets. */
  readonly sourceKey: string;
}

export interface EntityDef {
  /** SELECT producing `id`, `body` (json without control info) and key columns. */
  readonly from: string;
  /** $filter / $orderby property → SQL expression over the `from` row `e`. */
  readonly props: Readonly<Record<string, { readonly sql: string; readonly kind: 'number' | 'time' | 'text' }>>;
  /** $orderby id → these SQL expressions (index-friendly). */
  readonly idOrder: readonly string[];
  readonly relations: Readonly<Record<string, Relation>>;
  /** Decodes an @iot.id into a SQL condition over `e` with bound values. */
  readonly byId: (id: bigint) => { sql: string; values: unknown[] } | undefined;
}

export const OBS_ID_FACTOR = 10_000_000_000n;

const ELEMENTS = `(SELECT ce.*, row_number() OVER (ORDER BY ce.element)::bigint AS ord FROM hydro.code_element ce)`;
const NUMERIC_STCD = `s.stcd ~ '^[0-9]{1,15}$'`;
const simpleId = (col: string) => (id: bigint) => ({ sql: `${col} = $?`, values: [id.toString()] });

export const ENTITIES: Readonly<Record<EntitySet, EntityDef>> = {
  Things: {
    from: `SELECT s.stcd::bigint AS id, s.stnm AS name, json_build_object('name', s.stnm, 'description', concat_ws(' ', s.stnm, '(' || t.name_en || ')'),
             'properties', json_strip_nulls(json_build_object('stcd', s.stcd, 'sttp', s.sttp, 'addvcd', s.addvcd, 'rvnm', s.rvnm, 'hnnm', s.hnnm, 'bsnm', s.bsnm))) AS body
             FROM hydro.st_stbprp_b s JOIN hydro.code_station_type t ON t.sttp = s.sttp WHERE ${NUMERIC_STCD}`,
    props: { id: { sql: 'e.id', kind: 'number' }, name: { sql: 'e.name', kind: 'text' } },
    idOrder: ['e.id'],
    relations: {
      Datastreams: { target: 'Datastreams', single: false, targetKey: 'thing_id', sourceKey: 'id' },
      Locations: { target: 'Locations', single: false, targetKey: 'id', sourceKey: 'id' },
    },
    byId: simpleId('e.id'),
  },
  Locations: {
    from: `SELECT s.stcd::bigint AS id, s.stnm AS name, json_build_object('name', s.stnm, 'description', coalesce(s.stlc, s.stnm), 'encodingType', 'application/geo+json',
             'location', ST_AsGeoJSON(s.geom, 6)::json) AS body FROM hydro.st_stbprp_b s WHERE ${NUMERIC_STCD}`,
    props: { id: { sql: 'e.id', kind: 'number' }, name: { sql: 'e.name', kind: 'text' } },
    idOrder: ['e.id'],
    relations: { Things: { target: 'Things', single: false, targetKey: 'id', sourceKey: 'id' } },
    byId: simpleId('e.id'),
  },
  Datastreams: {
    from: `SELECT d.id::bigint AS id, s.stcd::bigint AS thing_id, e.ord AS element_id, s.stnm || ' ' || e.name_en AS name,
             json_build_object('name', s.stnm || ' ' || e.name_zh || ' / ' || e.name_en, 'description', e.name_en || ' (' || e.element || ') at ' || s.stcd || ', every ' || d.intv_min || ' min',
               'unitOfMeasurement', json_build_object('name', e.unit, 'symbol', e.unit, 'definition', 'SL 323-2011 ' || e.sl323_table || '.' || e.element),
               'observationType', 'http://www.opengis.net/def/observationType/OGC-OM/2.0/OM_Measurement',
               'observedArea', ST_AsGeoJSON(s.geom, 6)::json,
               'properties', json_build_object('stcd', s.stcd, 'element', e.element, 'intv_min', d.intv_min, 'aggregation', e.aggregation)) AS body
             FROM hydro.datastream d JOIN hydro.st_stbprp_b s ON s.stcd = d.stcd JOIN ${ELEMENTS} e ON e.element = d.element WHERE ${NUMERIC_STCD}`,
    props: { id: { sql: 'e.id', kind: 'number' }, name: { sql: 'e.name', kind: 'text' } },
    idOrder: ['e.id'],
    relations: {
      Thing: { target: 'Things', single: true, targetKey: 'id', sourceKey: 'thing_id' },
      Sensor: { target: 'Sensors', single: true, targetKey: 'id', sourceKey: 'element_id' },
      ObservedProperty: { target: 'ObservedProperties', single: true, targetKey: 'id', sourceKey: 'element_id' },
      Observations: { target: 'Observations', single: false, targetKey: 'datastream_id', sourceKey: 'id' },
    },
    byId: simpleId('e.id'),
  },
  Sensors: {
    from: `SELECT e.ord AS id, e.element AS name, json_build_object('name', e.name_zh || '传感器 / ' || e.name_en || ' sensor', 'description', 'Telemetry sensor reporting ' || e.element || ' (SL 651 RTU)',
             'encodingType', 'text/html', 'metadata', 'https://www.mwr.gov.cn/ (SL 323-2011 ' || e.sl323_table || ')') AS body FROM ${ELEMENTS} e`,
    props: { id: { sql: 'e.id', kind: 'number' }, name: { sql: 'e.name', kind: 'text' } },
    idOrder: ['e.id'],
    relations: { Datastreams: { target: 'Datastreams', single: false, targetKey: 'element_id', sourceKey: 'id' } },
    byId: simpleId('e.id'),
  },
  ObservedProperties: {
    from: `SELECT e.ord AS id, e.element AS name, json_build_object('name', e.name_en, 'definition', 'SL 323-2011 ' || e.sl323_table || '.' || e.element,
             'description', e.name_zh || ' / ' || e.name_en || ' (' || e.unit || ')') AS body FROM ${ELEMENTS} e`,
    props: { id: { sql: 'e.id', kind: 'number' }, name: { sql: 'e.name', kind: 'text' } },
    idOrder: ['e.id'],
    relations: { Datastreams: { target: 'Datastreams', single: false, targetKey: 'element_id', sourceKey: 'id' } },
    byId: simpleId('e.id'),
  },
  Observations: {
    // Period totals (DRP) carry phenomenonTime = [TM − INTV, TM]; instants carry TM.
    from: `SELECT o.datastream_id::bigint * ${OBS_ID_FACTOR} + extract(epoch FROM o.tm)::bigint AS id, o.datastream_id::bigint AS datastream_id, o.tm, o.value,
             json_build_object('phenomenonTime', CASE WHEN ce.aggregation = 'total'
                   THEN to_char((o.tm - make_interval(mins => d.intv_min)) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || '/' || to_char(o.tm AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                   ELSE to_char(o.tm AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') END,
               'resultTime', NULL, 'result', o.value::float8, 'resultQuality', NULL, 'validTime', NULL,
               'parameters', CASE WHEN ce.aggregation = 'total' THEN json_build_object('intv_min', d.intv_min) END) AS body
             FROM hydro.obs o JOIN hydro.datastream d ON d.id = o.datastream_id JOIN hydro.code_element ce ON ce.element = d.element`,
    props: { id: { sql: 'e.id', kind: 'number' }, phenomenonTime: { sql: 'e.tm', kind: 'time' }, resultTime: { sql: 'e.tm', kind: 'time' }, result: { sql: 'e.value', kind: 'number' } },
    idOrder: ['e.datastream_id', 'e.tm'],
    relations: { Datastream: { target: 'Datastreams', single: true, targetKey: 'id', sourceKey: 'datastream_id' } },
    byId: (id) => {
      if (id < 0n) return undefined;
      return { sql: `e.datastream_id = $? AND e.tm = to_timestamp($?::bigint)`, values: [(id / OBS_ID_FACTOR).toString(), (id % OBS_ID_FACTOR).toString()] };
    },
  },
};

export const ENTITY_SETS = Object.keys(ENTITIES) as EntitySet[];
