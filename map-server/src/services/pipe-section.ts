/**
 * 横断面分析 (domain.md §1.6): every segment crossing a cut line, with its horizontal offset along
 * the cut (metres, EPSG:4549), category, size and the depth/elevations interpolated linearly at
 * the crossing (ST_LineLocatePoint on the segment). SQL is fixed text; the cut is bound.
 */
import type { Pool } from '../db.ts';
import { BadRequestError } from '../errors.ts';
import { invertTop, pipeHeight } from './pipe-profile.ts';

/** Longest cut accepted (m): a 横断面 is drawn across a street, not across the city. */
export const MAX_CUT_M = 2000;

const SECTION_SQL = `WITH cut AS (SELECT ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON($1), 4490), 4549) AS g),
x AS (SELECT s.*, ST_ClosestPoint(cut.g, s.geom_4549) AS p, cut.g AS cg FROM pipe.segments s, cut WHERE ST_Intersects(s.geom_4549, cut.g))
SELECT id::int, line_no, category, subcategory, status, shape, diameter_mm, width_mm, height_mm, material, elev_ref, owner_unit,
  ST_LineLocatePoint(cg, p) * ST_Length(cg) AS offset_m, ST_LineLocatePoint(geom_4549, p) AS f,
  start_depth::float8, end_depth::float8, start_elev::float8, end_elev::float8,
  ST_AsGeoJSON(ST_Transform(p, 4490), 7)::json AS geometry
FROM x ORDER BY offset_m, id LIMIT 2000`;
const LENGTH_SQL = `SELECT ST_Length(ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON($1), 4490), 4549)) AS m`;

export interface SectionCrossing {
  readonly id: number; readonly line_no: string; readonly category: string; readonly subcategory: string | null; readonly offset_m: number;
  readonly diameter_mm: number | null; readonly width_mm: number | null; readonly height_mm: number | null; readonly material: string | null;
  readonly depth: number | null; readonly invert_elev: number | null; readonly top_elev: number | null; readonly owner_unit: string | null;
  readonly geometry: unknown;
}

const lerp = (a: number | null, b: number | null, f: number): number | null => (a === null || b === null ? null : Math.round((a + (b - a) * f) * 1000) / 1000);

/**
 * `cut` is a GeoJSON LineString in CGCS2000 lon/lat (validated by the route). Pipeline
 * departments only (routes/pipes.ts answers every other caller 403).
 */
export async function sectionAnalysis(pool: Pool, cut: { type: 'LineString'; coordinates: number[][] }): Promise<{ length_m: number; count: number; crossings: SectionCrossing[] }> {
  const text = JSON.stringify(cut);
  const len = await pool.query<{ m: number }>(LENGTH_SQL, [text]);
  const length = len.rows[0]!.m;
  if (!(length > 0)) throw new BadRequestError('剖切线长度为零 / the cut line has no length', { parameter: 'line' });
  if (length > MAX_CUT_M) throw new BadRequestError(`剖切线过长 / the cut line is ${Math.round(length)} m, at most ${MAX_CUT_M} m`, { parameter: 'line' });
  const { rows } = await pool.query<Record<string, unknown> & { f: number; offset_m: number }>(SECTION_SQL, [text]);
  const crossings = rows.map((r): SectionCrossing => {
    const f = r.f;
    const elev = lerp(r['start_elev'] as number | null, r['end_elev'] as number | null, f);
    const it = invertTop(elev, String(r['elev_ref']), pipeHeight(r as unknown as { shape: string; diameter_mm: number | null; height_mm: number | null }));
    return {
      id: r['id'] as number, line_no: r['line_no'] as string, category: r['category'] as string, subcategory: (r['subcategory'] as string | null) ?? null,
      offset_m: Math.round(r.offset_m * 100) / 100, diameter_mm: r['diameter_mm'] as number | null, width_mm: r['width_mm'] as number | null,
      height_mm: r['height_mm'] as number | null, material: (r['material'] as string | null) ?? null,
      depth: lerp(r['start_depth'] as number | null, r['end_depth'] as number | null, f), invert_elev: it.invert, top_elev: it.top, owner_unit: (r['owner_unit'] as string | null) ?? null,
      geometry: r['geometry'],
    };
  });
  return { length_m: Math.round(length * 100) / 100, count: crossings.length, crossings };
}
