/**
 * Reads features: picks the compiled statement for a query's shape and binds its values.
 * No SQL text is built here (features-sql.ts compiles it at boot).
 */
import { compileFilter } from '../cql2/index.ts';
import type { Pool } from '../db.ts';
import { CRS84, type CrsDef } from './crs.ts';
import { asFilterError, type Bbox, type ItemsQuery, type TimeFilter } from './features-params.ts';
import { VALID_FROM, VALID_TO } from './features-queryables.ts';
import {
  compileItemSql,
  compileItemsSql,
  itemsKey,
  shapeParamCount,
  STORAGE_SRID,
  type BboxShape,
  type FeaturePlan,
  type ItemsExtra,
  type Statement,
  type TimeShape,
} from './features-sql.ts';

/** One page: counts and the features as a JSON array body without brackets ('' when empty). */
export interface ItemsPage {
  readonly numberMatched: number;
  readonly numberReturned: number;
  readonly featuresJson: string;
}

function bboxShape(bbox: Bbox | undefined): BboxShape {
  if (!bbox) return 'none';
  if (bbox.projectedSrid !== undefined) return 'projected';
  return bbox.minLon > bbox.maxLon ? 'split' : 'box';
}

/** Static layers ignore time (they have no temporal property: every feature matches). */
function timeShape(plan: FeaturePlan, time: TimeFilter | undefined): TimeShape {
  if (plan.layer.spec.temporal !== 'versioned') return 'all';
  return time ? time.kind : 'current';
}

function timeValues(shape: TimeShape, time: TimeFilter | undefined): unknown[] {
  if (shape === 'instant' && time?.kind === 'instant') return [new Date(time.atMs).toISOString()];
  if (shape === 'interval' && time?.kind === 'interval') {
    const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
    return [iso(time.startMs), iso(time.endMs), time.endInclusive ? '[]' : '[)'];
  }
  return [];
}

/** The statement-shape of a query, its extras (with the compiled filter) and its values after limit/offset. */
export interface BoundQuery {
  readonly bbox: BboxShape;
  readonly time: TimeShape;
  readonly extra: ItemsExtra;
  /** Values after `$1` limit and `$2` offset: bbox, time, then the filter's. */
  readonly values: readonly unknown[];
}

/**
 * Binds a parsed query to a layer: picks the shape, compiles the CQL2 filter against the
 * layer's queryables (its parameters numbered after the shape's), and lists the values. A
 * filter on the version times of a versioned layer searches every version unless `datetime`
 * narrows them (without one, only current versions would be candidates).
 */
export function bindQuery(plan: FeaturePlan, query: Omit<ItemsQuery, 'limit' | 'offset'>): BoundQuery {
  const b = bboxShape(query.bbox);
  let t = timeShape(plan, query.time);
  const parts = [query.filter?.ast, query.propertyFilter].filter((x) => x !== undefined);
  const ast = parts.length === 2 ? { kind: 'and' as const, args: parts, pos: 0 } : parts[0];
  const filter = ast
    ? asFilterError(() =>
        compileFilter(ast, {
          queryables: plan.queryables,
          firstParam: shapeParamCount(b, t) + 1,
          storageSrid: STORAGE_SRID,
          filterCrs: query.filter?.crs ?? CRS84,
          coerceTemporalStrings: query.filter?.lang === 'cql-text',
        }),
      )
    : undefined;
  // 'current' and 'all' bind no values, so the filter's numbering stays right.
  if (t === 'current' && filter && (filter.properties.has(VALID_FROM) || filter.properties.has(VALID_TO))) t = 'all';
  const extra: ItemsExtra = {
    ...(filter ? { filter: filter.sql } : {}),
    ...(query.crs ? { crs: query.crs } : {}),
    ...(query.properties ? { properties: query.properties } : {}),
    ...(query.sortby?.length ? { sortby: query.sortby } : {}),
    ...(query.bbox?.projectedSrid !== undefined ? { bboxSrid: query.bbox.projectedSrid } : {}),
    ...(plan.coarsening ? { coarse: plan.coarsening } : {}),
  };
  const bboxValues = query.bbox ? [query.bbox.minLon, query.bbox.minLat, query.bbox.maxLon, query.bbox.maxLat] : [];
  return { bbox: b, time: t, extra, values: [...bboxValues, ...timeValues(t, query.time), ...(filter?.values ?? [])] };
}

/**
 * Whether a query needs more than the statements compiled at boot (CRS84 is their own output;
 * a coarsened variant's statements were compiled with its coarsening).
 */
const hasExtras = ({ crs, coarse: _coarse, ...rest }: ItemsExtra) => Object.keys(rest).length > 0 || (crs !== undefined && crs !== CRS84);

/** A page of items with the exact number matched (same snapshot as the page). */
export async function readItems(pool: Pool, plan: FeaturePlan, query: ItemsQuery): Promise<ItemsPage> {
  const bound = bindQuery(plan, query);
  // Plain shapes use the statements compiled at boot; anything else is compiled now, from the
  // catalogue and the filter's SQL (identifiers from the queryables, values bound).
  const statement: Statement = hasExtras(bound.extra)
    ? { name: undefined, text: compileItemsSql(plan.layer.spec, bound.bbox, bound.time, bound.extra) }
    : plan.items.get(itemsKey(bound.bbox, bound.time))!;
  const { rows } = await pool.query<{ matched: number; returned: number; features: string | null }>({
    ...(statement.name ? { name: statement.name } : {}),
    text: statement.text,
    values: [query.limit, query.offset, ...bound.values],
  });
  const row = rows[0]!;
  return { numberMatched: row.matched, numberReturned: row.returned, featuresJson: row.features ?? '' };
}

/**
 * One feature's GeoJSON text, or undefined when absent. `id` must already be valid for the id
 * column's type (the route turns a non-integer id of an integer layer into a 404).
 */
export async function readItem(
  pool: Pool,
  plan: FeaturePlan,
  id: string,
  time: TimeFilter | undefined,
  options: { readonly crs?: CrsDef; readonly properties?: readonly string[] } = {},
): Promise<{ feature: string; version?: number } | undefined> {
  const t = timeShape(plan, time);
  const statement: Statement =
    (options.crs && options.crs !== CRS84) || options.properties ? { name: undefined, text: compileItemSql(plan.layer.spec, plan.layer.idIsInteger, t, options) } : plan.item.get(t)!;
  const { rows } = await pool.query<{ feature: string; version?: number }>({ ...(statement.name ? { name: statement.name } : {}), text: statement.text, values: [id, ...timeValues(t, time)] });
  return rows[0];
}

/** `[start, end]` as RFC 3339 UTC strings, `null` for an open end (OGC 17-069r4 §7.14.1 extent). */
export type TemporalInterval = readonly [string | null, string | null];

/**
 * Temporal extents of the versioned layers, read once and shared, so `/collections` and
 * `/collections/{id}` always agree (the ETS deep-compares them). A failed read is retried on
 * the next request.
 */
export function temporalExtentReader(pool: Pool, plans: ReadonlyMap<string, FeaturePlan>): () => Promise<ReadonlyMap<string, TemporalInterval>> {
  let cached: Promise<ReadonlyMap<string, TemporalInterval>> | undefined;
  const read = async () => {
    const out = new Map<string, TemporalInterval>();
    await Promise.all(
      [...plans.values()].map(async (plan) => {
        const s = plan.temporalExtent;
        if (!s) return;
        const { rows } = await pool.query<{ start: Date | null; end: Date | null }>(s.text);
        const r = rows[0];
        // A versioned layer with no versions yet (an empty upload layer) is open at both ends:
        // clients still learn that it answers `datetime`.
        if (!r?.start) {
          out.set(plan.layer.spec.id, [null, null]);
          return;
        }
        out.set(plan.layer.spec.id, [isoSeconds(r.start), r.end ? isoSeconds(r.end) : null]);
      }),
    );
    return out;
  };
  return () => {
    cached ??= read().catch((err: unknown) => {
      cached = undefined;
      throw err;
    });
    return cached;
  };
}

function isoSeconds(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
