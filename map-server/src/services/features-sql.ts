/**
 * Compiles a catalogue layer into its OGC API – Features SQL, once, at boot (house style §2).
 * Every filter combination is its own statement, so each gets a plan that fits it (no
 * `$n IS NULL OR …` catch-alls that defeat the GiST and partial indexes).
 *
 * The GeoJSON text is built in PostgreSQL: the page statement returns the number matched, the
 * number returned and the features joined by commas in one row, so Node never parses or
 * re-serialises a feature (a 10 000-feature page is one string).
 */
import type { LayerSpec } from '@onemap/geodata/catalog';
import { quoteIdent, quoteQualified } from '@onemap/tiles';
import type { GeometryCoarsening } from './access-policy.ts';
import { shownIntersectsSql } from './coarse-geometry.ts';
import { CRS84, type CrsDef } from './crs.ts';
import type { Queryable } from '../cql2/index.ts';
import { queryablesOf } from './features-queryables.ts';
import type { LayerPlan } from './layer-plans.ts';

/**
 * none; one lon/lat box; two boxes split at the antimeridian (minLon > maxLon); a box in a
 * projected `bbox-crs`, transformed to storage (`projected`).
 */
export type BboxShape = 'none' | 'box' | 'split' | 'projected';
/**
 * Static layers: `all`. Versioned: `current` (open `valid`), `instant` (as of), `interval`
 * (valid during), or `all` versions (a filter on the version time decides).
 */
export type TimeShape = 'all' | 'current' | 'instant' | 'interval';

/** One `sortby` key: a published property, ascending unless `descending`. */
export interface SortKey {
  readonly property: string;
  readonly descending: boolean;
}

/**
 * What a request adds to the plain shapes: a compiled CQL2 fragment (its parameters numbered
 * after the shape's own, see shapeParamCount), the output CRS, a property subset, sort keys,
 * and the SRID of a projected bbox. All identifiers in it come from the catalogue.
 */
export interface ItemsExtra {
  readonly filter?: string;
  readonly crs?: CrsDef;
  readonly properties?: readonly string[];
  readonly sortby?: readonly SortKey[];
  readonly bboxSrid?: number;
  /** A coarsened variant: spatial filters test the geometry as shown (coarse-geometry.ts). */
  readonly coarse?: GeometryCoarsening;
}

export interface Statement {
  /**
   * Prepared-statement name (node-postgres prepares once per connection), or undefined for a
   * statement planned on every execution: after five runs PostgreSQL may switch a prepared
   * statement to a generic plan, which cannot see how selective a bbox or time value is
   * (measured: the whole-city box went from 55 to 150 ms on 150 000 buildings).
   */
  readonly name: string | undefined;
  readonly text: string;
}

/** Compiled feature statements of one layer. */
export interface FeaturePlan {
  readonly layer: LayerPlan;
  /** Items pages keyed by `${BboxShape}:${TimeShape}`; see itemsParams for the parameter order. */
  readonly items: ReadonlyMap<string, Statement>;
  /** Single feature keyed by TimeShape; `$1` = the id, then the time values. */
  readonly item: ReadonlyMap<TimeShape, Statement>;
  /** Versioned layers: earliest version start and whether a current version exists. */
  readonly temporalExtent: Statement | undefined;
  /** What a CQL2 filter may name, and the SQL reading each. */
  readonly queryables: ReadonlyMap<string, Queryable>;
  /** A coarsened variant's rounding: its bbox and CQL2 spatial tests read the shown geometry. */
  readonly coarsening?: GeometryCoarsening;
}

/** Storage SRID; CGCS2000 lon/lat coincides with CRS84 to centimetres, so no transform is run. */
export const STORAGE_SRID = 4490;
const VALID = quoteIdent('valid');
/** Upper-case aliases cannot collide with catalogue identifiers (validated ^[a-z_][a-z0-9_]*$). */
const VALID_FROM = quoteIdent('ValidFrom');

/** SQL string literal for catalogue-derived text. */
function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** Time shapes a layer supports. */
export function timeShapesOf(spec: LayerSpec): readonly TimeShape[] {
  return spec.temporal === 'versioned' ? ['current', 'instant', 'interval'] : ['all'];
}

/**
 * "Geometry intersects the box" (OGC 17-069r4 §7.15.3: not merely its bounding box). `&&` is
 * the GiST cut; a geometry whose box lies inside the query box intersects it for sure, so the
 * exact test runs only on the edge cases. The CASE keeps the planner from turning the shortcut
 * into a second index scan (BitmapOr); measured 118 → 54 ms for 150 000 buildings in one box.
 */
function intersectsBox(g: string, box: string, coarse?: GeometryCoarsening): string {
  if (coarse) return shownIntersectsSql(g, box, coarse, STORAGE_SRID);
  return `${g} && ${box} AND CASE WHEN ${g} @ ${box} THEN true ELSE ST_Intersects(${g}, ${box}) END`;
}

const BBOX_VALUES: Record<BboxShape, number> = { none: 0, box: 4, split: 4, projected: 4 };
const TIME_VALUES: Record<TimeShape, number> = { all: 0, current: 0, instant: 1, interval: 3 };

/** How many parameters an items statement binds before a filter's: limit, offset, bbox, time. */
export function shapeParamCount(bbox: BboxShape, time: TimeShape): number {
  return 2 + BBOX_VALUES[bbox] + TIME_VALUES[time];
}

/** The WHERE conjuncts for a filter shape, with parameters numbered from `first`. */
export function whereClauses(spec: LayerSpec, bbox: BboxShape, time: TimeShape, first: number, extra: ItemsExtra = {}): string[] {
  const g = `t.${quoteIdent(spec.table.geometryColumn)}`;
  const out: string[] = [];
  let n = first;
  if (bbox === 'box') {
    out.push(intersectsBox(g, `ST_MakeEnvelope($${n}::float8, $${n + 1}::float8, $${n + 2}::float8, $${n + 3}::float8, ${STORAGE_SRID})`, extra.coarse));
    n += 4;
  } else if (bbox === 'split') {
    const west = intersectsBox(g, `ST_MakeEnvelope($${n}::float8, $${n + 1}::float8, 180, $${n + 3}::float8, ${STORAGE_SRID})`, extra.coarse);
    const east = intersectsBox(g, `ST_MakeEnvelope(-180, $${n + 1}::float8, $${n + 2}::float8, $${n + 3}::float8, ${STORAGE_SRID})`, extra.coarse);
    out.push(`((${west}) OR (${east}))`);
    n += 4;
  } else if (bbox === 'projected') {
    // A rectangle in metres is not one in degrees: densify its edges, then transform.
    const srid = Math.trunc(extra.bboxSrid ?? STORAGE_SRID);
    const env = `ST_MakeEnvelope($${n}::float8, $${n + 1}::float8, $${n + 2}::float8, $${n + 3}::float8, ${srid})`;
    const seg = `greatest($${n + 2}::float8 - $${n}::float8, $${n + 3}::float8 - $${n + 1}::float8, 1) / 64`;
    const area = `ST_Transform(ST_Segmentize(${env}, ${seg}), ${STORAGE_SRID})`;
    // Not a rectangle in degrees: no bounding-box shortcut for a coarsened variant.
    out.push(extra.coarse ? shownIntersectsSql(g, area, extra.coarse, STORAGE_SRID, false) : `ST_Intersects(${g}, ${area})`);
    n += 4;
  }
  // upper_inf(valid) matches the partial indexes on current rows (0002_base_geography.sql).
  if (time === 'current') out.push(`upper_inf(t.${VALID})`);
  else if (time === 'instant') out.push(`t.${VALID} @> $${n}::timestamptz`);
  else if (time === 'interval') out.push(`t.${VALID} && tstzrange($${n}::timestamptz, $${n + 1}::timestamptz, $${n + 2}::text)`);
  if (extra.filter) out.push(extra.filter);
  return out;
}

/** The published properties a response carries: all, or the requested subset in catalogue order. */
export function selectedProperties(spec: LayerSpec, subset: readonly string[] | undefined): LayerSpec['properties'] {
  return subset ? spec.properties.filter((p) => subset.includes(p.name)) : spec.properties;
}

/** Columns a feature needs: the id column, then properties and sort keys (deduplicated), then geometry. */
function columnsOf(spec: LayerSpec, extra: ItemsExtra = {}): string[] {
  return [
    ...new Set([
      spec.table.idColumn,
      ...selectedProperties(spec, extra.properties).map((p) => p.name),
      ...(extra.sortby ?? []).map((k) => k.property),
      spec.table.geometryColumn,
    ]),
  ];
}

/** Whether rows of several versions of one feature can match (they are then ordered by start). */
function manyVersions(spec: LayerSpec, time: TimeShape): boolean {
  return spec.temporal === 'versioned' && (time === 'interval' || time === 'all');
}

/** ORDER BY keys over alias `r`: sort keys, then the id, then the version start. */
export function orderKeys(spec: LayerSpec, time: TimeShape, r: string, sortby: readonly SortKey[] = [], versionStart = `lower(${r}.${VALID})`): string[] {
  return [
    ...sortby.map((k) => `${r}.${quoteIdent(k.property)}${k.descending ? ' DESC' : ''}`),
    `${r}.${quoteIdent(spec.table.idColumn)}`,
    ...(manyVersions(spec, time) ? [versionStart] : []),
  ];
}

/**
 * GeoJSON geometry text in the output CRS: CRS84 as stored; EPSG:4326/4490 with the axes
 * flipped to latitude, longitude (their EPSG order, standards.md §2); projected CRSs through
 * ST_Transform, in metres with 3 decimals.
 */
export function geometryJson(g: string, crs: CrsDef = CRS84): string {
  if (crs.sameAsStorage) return `ST_AsGeoJSON(${crs.latLon ? `ST_FlipCoordinates(${g})` : g}, ${crs.decimals}, 0)`;
  return `ST_AsGeoJSON(ST_Transform(${g}, ${Math.trunc(crs.srid)}), ${crs.decimals}, 0)`;
}

/**
 * The GeoJSON Feature text of row alias `r`. Keys are written from the catalogue so every
 * feature has the same key set and nulls are kept (GDAL builds its schema from the first page).
 * `ST_AsGeoJSON(g, 7, 0)`: 7 decimals (~1 cm) and option 0 so no `crs` member is written
 * (the default option 8 adds one for any SRID other than 4326).
 */
export function featureText(spec: LayerSpec, r: string, extra: ItemsExtra = {}): string {
  const selected = selectedProperties(spec, extra.properties);
  const props = selected
    .map((p, i) => `'${i ? ',' : ''}${sqlString(JSON.stringify(p.name)).slice(1, -1)}:' || COALESCE(to_json(${r}.${quoteIdent(p.name)})::text, 'null')`)
    .join(' || ');
  const geometry = `COALESCE(${geometryJson(`${r}.${quoteIdent(spec.table.geometryColumn)}`, extra.crs)}, 'null')`;
  return [
    `'{"type":"Feature","id":' || to_json(${r}.${quoteIdent(spec.table.idColumn)})::text`,
    `',"geometry":' || ${geometry}`,
    selected.length ? `',"properties":{' || ${props} || '}}'` : `',"properties":{}}'`,
  ].join('\n      || ');
}

/** Key for the items statement map. */
export function itemsKey(bbox: BboxShape, time: TimeShape): string {
  return `${bbox}:${time}`;
}

/**
 * One page of items plus the exact count, in one statement and so one snapshot (the count
 * always agrees with the page). `$1` limit, `$2` offset, then bbox values (4), then time values
 * (instant: 1; interval: start, end, bounds text), then the filter's values.
 */
export function compileItemsSql(spec: LayerSpec, bbox: BboxShape, time: TimeShape, extra: ItemsExtra = {}): string {
  const table = `${quoteQualified(spec.table.schema, spec.table.name)} AS t`;
  const where = whereClauses(spec, bbox, time, 3, extra);
  const whereSql = where.length ? `\n  WHERE ${where.join('\n    AND ')}` : '';
  // Interval queries may return several versions of one feature: order them by start.
  const order = orderKeys(spec, time, 't', extra.sortby);
  const pageOrder = orderKeys(spec, time, 'p', extra.sortby, `p.${VALID_FROM}`).join(', ');
  const cols = columnsOf(spec, extra).map((c) => `t.${quoteIdent(c)}`);
  if (manyVersions(spec, time)) cols.push(`lower(t.${VALID}) AS ${VALID_FROM}`);
  return [
    // The page is cut first and only then turned into JSON, so skipped rows cost no encoding.
    'WITH page AS MATERIALIZED (',
    `  SELECT ${cols.join(', ')}`,
    `  FROM ${table}${whereSql}`,
    `  ORDER BY ${order.join(', ')}`,
    '  LIMIT $1::bigint OFFSET $2::bigint',
    ')',
    `SELECT (SELECT count(*) FROM ${table}${whereSql.replaceAll('\n', '\n  ')}) AS matched,`,
    '  (SELECT count(*) FROM page)::int AS returned,',
    `  (SELECT string_agg(${featureText(spec, 'p', extra)}, ',' ORDER BY ${pageOrder}) FROM page p) AS features`,
  ].join('\n');
}

/**
 * One feature by id: the current version, or the latest version valid at/during the time
 * filter. `$1` is the id (bigint for integer id columns, text otherwise), then time values.
 */
export function compileItemSql(spec: LayerSpec, idIsInteger: boolean, time: TimeShape, extra: Pick<ItemsExtra, 'crs' | 'properties'> = {}): string {
  const id = quoteIdent(spec.table.idColumn);
  const where = [`t.${id} = $1::${idIsInteger ? 'bigint' : 'text'}`, ...whereClauses(spec, 'none', time, 2)];
  return [
    // Versioned layers also return the version id: it is the feature's ETag for If-Match.
    `SELECT ${featureText(spec, 't', extra)} AS feature${spec.temporal === 'versioned' ? ', t.gid AS version' : ''}`,
    `FROM ${quoteQualified(spec.table.schema, spec.table.name)} AS t`,
    `WHERE ${where.join('\n  AND ')}`,
    ...(spec.temporal === 'versioned' ? [`ORDER BY lower(t.${VALID}) DESC`] : []),
    'LIMIT 1',
  ].join('\n');
}

/** Versioned layers: `[first version start, last version end or null while any is current]`. */
export function compileTemporalExtentSql(spec: LayerSpec): string {
  return [
    `SELECT min(lower(t.${VALID})) AS start,`,
    `  CASE WHEN bool_or(upper_inf(t.${VALID})) THEN NULL ELSE max(upper(t.${VALID})) END AS "end"`,
    `FROM ${quoteQualified(spec.table.schema, spec.table.name)} AS t`,
  ].join('\n');
}

/**
 * Compiles every statement of every layer; pure, so golden files can pin the SQL. `coarseningOf`
 * names the layers of coarsened variants (secure-plans.ts): their bbox and CQL2 spatial tests
 * read the geometry as shown; the others compile exactly as without it.
 */
export function compileFeaturePlans(layers: Iterable<LayerPlan>, coarseningOf: (layer: LayerPlan) => GeometryCoarsening | undefined = () => undefined): ReadonlyMap<string, FeaturePlan> {
  const out = new Map<string, FeaturePlan>();
  for (const layer of layers) {
    const spec = layer.spec;
    const coarsening = coarseningOf(layer);
    const coarse: ItemsExtra = coarsening ? { coarse: coarsening } : {};
    const items = new Map<string, Statement>();
    const item = new Map<TimeShape, Statement>();
    for (const time of timeShapesOf(spec)) {
      for (const bbox of ['none', 'box', 'split'] as const) {
        const valueFree = bbox === 'none' && (time === 'all' || time === 'current');
        items.set(itemsKey(bbox, time), { name: valueFree ? `features_${spec.id}_items_${time}` : undefined, text: compileItemsSql(spec, bbox, time, coarse) });
      }
      item.set(time, { name: `features_${spec.id}_item_${time}`, text: compileItemSql(spec, layer.idIsInteger, time) });
    }
    const temporalExtent =
      spec.temporal === 'versioned' ? { name: `features_${spec.id}_temporal_extent`, text: compileTemporalExtentSql(spec) } : undefined;
    out.set(spec.id, { layer, items, item, temporalExtent, queryables: queryablesOf(spec, coarsening, STORAGE_SRID), ...(coarsening ? { coarsening } : {}) });
  }
  return out;
}
