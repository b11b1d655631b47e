/**
 * Small lookups for the pipeline workspace: the CJJ 61 category dictionary with its standard
 * colours (pipe.categories / pipe.subcategories, the data the map and charts colour by), and the
 * pipe segment nearest to a clicked position. SQL is fixed text; values are bound.
 */
import type { Pool } from '../db.ts';
import { NotFoundError } from '../errors.ts';

export interface PipeCategory {
  readonly code: string;
  readonly name_zh: string;
  readonly name_en: string;
  readonly color: string;
  readonly gravity: boolean;
  readonly subcategories: { code: string; name_zh: string; color: string }[];
}

const CATEGORIES_SQL = `SELECT c.code::text, c.name_zh, c.name_en, c.color, c.gravity,
  coalesce(json_agg(json_build_object('code', s.code, 'name_zh', s.name_zh, 'color', coalesce(s.color, c.color)) ORDER BY s.digits) FILTER (WHERE s.code IS NOT NULL), '[]') AS subcategories
  FROM pipe.categories c LEFT JOIN pipe.subcategories s ON s.category = c.code GROUP BY c.code ORDER BY c.digit`;

/** 管线种类、代号与颜色 (CJJ 61-2017 附录B) as stored. */
export async function pipeCategories(pool: Pool): Promise<PipeCategory[]> {
  return (await pool.query<PipeCategory>(CATEGORIES_SQL)).rows;
}

// K-nearest on the 4549 index, then the true distance in metres.
const NEAREST_SQL = `WITH p AS (SELECT ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4490), 4549) AS g)
  SELECT s.id::int, s.line_no, s.category::text, s.subcategory, ST_Distance(s.geom_4549, p.g) AS distance_m
    FROM pipe.segments s, p WHERE ($3::text IS NULL OR s.category = $3) AND s.status <> 1
   ORDER BY s.geom_4549 <-> p.g LIMIT 1`;

export interface NearestSegment { readonly id: number; readonly line_no: string; readonly category: string; readonly subcategory: string | null; readonly distance_m: number }

/** The segment nearest to lon/lat within `radiusM` metres (of one category if given); 404 if none. */
export async function nearestSegment(pool: Pool, lonLat: readonly [number, number], category: string | null, radiusM: number): Promise<NearestSegment> {
  const { rows } = await pool.query<NearestSegment>(NEAREST_SQL, [lonLat[0], lonLat[1], category]);
  const hit = rows[0];
  if (hit === undefined || hit.distance_m > radiusM) throw new NotFoundError('PipeSegmentNotFound', `${radiusM} 米内没有管线段 / no pipe segment within ${radiusM} m`);
  return { ...hit, distance_m: Math.round(hit.distance_m * 100) / 100 };
}
