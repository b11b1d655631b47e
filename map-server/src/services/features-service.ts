/**
 * Reads features: picks the compiled statement for a query's shape and binds its values.
 * No SQL text is built here (features-sql.ts compiles it at boot).
 */
import type { Pool } from '../db.ts';
import type { Bbox, ItemsQuery, TimeFilter } from './features-params.ts';
import { itemsKey, type BboxShape, type FeaturePlan, type TimeShape } from './features-sql.ts';

/** One page: counts and the features as a JSON array body without brackets ('' when empty). */
export interface ItemsPage {
  readonly numberMatched: number;
  readonly numberReturned: number;
  readonly featuresJson: string;
}

function bboxShape(bbox: Bbox | undefined): BboxShape {
  if (!bbox) return 'none';
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

/** A page of items with the exact number matched (same snapshot as the page). */
export async function readItems(pool: Pool, plan: FeaturePlan, query: ItemsQuery): Promise<ItemsPage> {
  const b = bboxShape(query.bbox);
  const t = timeShape(plan, query.time);
  const statement = plan.items.get(itemsKey(b, t))!;
  const bboxValues = query.bbox ? [query.bbox.minLon, query.bbox.minLat, query.bbox.maxLon, query.bbox.maxLat] : [];
  const { rows } = await pool.query<{ matched: number; returned: number; features: string | null }>({
    ...(statement.name ? { name: statement.name } : {}),
    text: statement.text,
    values: [query.limit, query.offset, ...bboxValues, ...timeValues(t, query.time)],
  });
  const row = rows[0]!;
  return { numberMatched: row.matched, numberReturned: row.returned, featuresJson: row.features ?? '' };
}

/**
 * One feature's GeoJSON text, or undefined when absent. `id` must already be valid for the id
 * column's type (the route turns a non-integer id of an integer layer into a 404).
 */
export async function readItem(pool: Pool, plan: FeaturePlan, id: string, time: TimeFilter | undefined): Promise<{ feature: string; version?: number } | undefined> {
  const t = timeShape(plan, time);
  const statement = plan.item.get(t)!;
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
        if (!r?.start) return;
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
