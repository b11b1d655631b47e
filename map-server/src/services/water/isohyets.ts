/**
 * 等雨量面 isohyet bands: accumulated rainfall at the rain stations, interpolated by inverse
 * distance weighting (power 2, every station) onto a regular lon/lat grid over the city, each
 * cell classified by the rainfall classes held as data (hydro.rain_class, plus a "no rain" band
 * below the first class), cells unioned per band and clipped to the city outline (union of
 * base.districts). Class table window: 1 h for hours = 1, 12 h for hours ≤ 12, else (and for a
 * rainfall day) 24 h.
 *
 * Two fixed SQL statements with bound values around a loop in JS: the first reads the station
 * values, the class table and the grid cells inside the city; the interpolation (cells ×
 * stations, ~3 M terms at 0.01°) runs here, where it costs milliseconds instead of seconds as
 * SQL rows; cells of a row in the same band are merged into rectangles; the second statement
 * unions them per band, clips to the city and writes the document. Answers are cached under a
 * hash of everything they depend on (FINGERPRINT_SQL).
 */
import type { Pool } from '../../db.ts';

export const IDW_POWER = 2;

export interface IsohyetRequest {
  /** Either a window of `hours` ending at `atIso`, or a rainfall day. */
  readonly atIso?: string;
  readonly hours?: number;
  readonly day?: string;
  /** Grid step in degrees. */
  readonly cellDeg: number;
}

const ST_CTE = `st AS (
  SELECT p.stcd, ST_X(p.geom) AS x, ST_Y(p.geom) AS y,
         CASE WHEN $3::date IS NOT NULL
              THEN coalesce((SELECT dd.sum FROM hydro.obs_daily dd WHERE dd.datastream_id = d.id AND dd.day = $3::date), 0)
              ELSE coalesce(hydro.sum_between(d.id, $1::timestamptz - make_interval(hours => $2::int), $1::timestamptz), 0) END::float8 AS v
    FROM hydro.st_stbprp_b p JOIN hydro.datastream d ON d.stcd = p.stcd AND d.element = 'DRP'
   WHERE p.usfl
)`;
const CLS_CTE = `cls AS (
  SELECT 'none' AS class_code, 0::float8 AS min_mm, min(min_mm) AS max_mm, '无雨' AS name_zh, 'No rain' AS name_en, '#ffffff' AS color
    FROM hydro.rain_class WHERE window_h = $5::int
  UNION ALL
  SELECT class_code, min_mm, max_mm, name_zh, name_en, color FROM hydro.rain_class WHERE window_h = $5::int
)`;
const CITY_CTE = `city AS (
  SELECT ST_Union(geom) AS g FROM base.districts
), ext AS (
  SELECT floor(ST_XMin(g) / $4::float8)::int AS i0, ceil(ST_XMax(g) / $4::float8)::int AS i1,
         floor(ST_YMin(g) / $4::float8)::int AS j0, ceil(ST_YMax(g) / $4::float8)::int AS j1, g FROM city
)`;

// $1 at, $2 hours, $3 day, $4 cell size (deg), $5 class window (h).
const INPUT_SQL = `
WITH ${CITY_CTE}, ${ST_CTE}, ${CLS_CTE}, cells AS (
  SELECT i, j, ST_MakeEnvelope(i * $4::float8, j * $4::float8, (i + 1) * $4::float8, (j + 1) * $4::float8, 4490) AS sq
    FROM ext, generate_series(ext.i0, ext.i1 - 1) AS i, generate_series(ext.j0, ext.j1 - 1) AS j
), inside AS (
  SELECT c.i, c.j FROM cells c, ext WHERE ST_Intersects(c.sq, ext.g)
)
SELECT (SELECT coalesce(array_agg(stcd ORDER BY stcd), '{}') FROM st) AS stcd,
       (SELECT coalesce(array_agg(x ORDER BY stcd), '{}') FROM st) AS x,
       (SELECT coalesce(array_agg(y ORDER BY stcd), '{}') FROM st) AS y,
       (SELECT coalesce(array_agg(v ORDER BY stcd), '{}') FROM st) AS v,
       (SELECT coalesce(array_agg(class_code ORDER BY min_mm), '{}') FROM cls) AS class_code,
       (SELECT coalesce(array_agg(min_mm ORDER BY min_mm), '{}') FROM cls) AS min_mm,
       (SELECT coalesce(array_agg(max_mm ORDER BY min_mm), '{}') FROM cls) AS max_mm,
       (SELECT coalesce(array_agg(i ORDER BY j, i), '{}') FROM inside) AS ci,
       (SELECT coalesce(array_agg(j ORDER BY j, i), '{}') FROM inside) AS cj`;

// $1–$5 as above; $6–$9 the stations (stcd, x, y, v); $10–$13 the rectangles (class, i0, i1, j);
// $14–$17 per band (class, cells, interpolated min, max).
const OUTPUT_SQL = `
WITH ${CITY_CTE}, ${CLS_CTE}, st AS (
  SELECT * FROM unnest($6::text[], $7::float8[], $8::float8[], $9::float8[]) AS s(stcd, x, y, v)
), banded AS (
  SELECT r.class_code, ST_Union(ST_MakeEnvelope(r.i0 * $4::float8, r.j * $4::float8, (r.i1 + 1) * $4::float8, (r.j + 1) * $4::float8, 4490)) AS g
    FROM unnest($10::text[], $11::int[], $12::int[], $13::int[]) AS r(class_code, i0, i1, j)
   GROUP BY r.class_code
), stats AS (
  SELECT * FROM unnest($14::text[], $15::int[], $16::float8[], $17::float8[]) AS s(class_code, cells, lo, hi)
), clipped AS (
  SELECT b.class_code, ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Intersection(ST_SimplifyPreserveTopology(b.g, 1e-9), ext.g)), 3)) AS g, s.cells, s.lo, s.hi
    FROM banded b JOIN stats s ON s.class_code = b.class_code, ext
)
SELECT json_build_object('type', 'FeatureCollection',
  'datetime', CASE WHEN $3::date IS NULL THEN $1::timestamptz END, 'hours', CASE WHEN $3::date IS NULL THEN $2::int END,
  'day', $3::date, 'from', CASE WHEN $3::date IS NOT NULL THEN hydro.rain_day_start($3::date) ELSE $1::timestamptz - make_interval(hours => $2::int) END,
  'to', CASE WHEN $3::date IS NOT NULL THEN hydro.rain_day_start($3::date + 1) ELSE $1::timestamptz END,
  'interpolation', json_build_object('method', 'IDW', 'power', ${IDW_POWER}, 'cellDeg', $4::float8, 'stations', (SELECT count(*) FROM st), 'classWindowH', $5::int),
  'stations', (SELECT json_agg(json_build_object('stcd', st.stcd, 'lon', st.x, 'lat', st.y, 'total', round(st.v::numeric, 1)) ORDER BY st.stcd) FROM st),
  'features', coalesce((SELECT json_agg(json_build_object('type', 'Feature', 'id', cls.class_code,
      'geometry', ST_AsGeoJSON(c.g, 6)::json,
      'properties', json_build_object('class_code', cls.class_code, 'min_mm', cls.min_mm, 'max_mm', cls.max_mm, 'name_zh', cls.name_zh, 'name_en', cls.name_en,
        'color', cls.color, 'cells', c.cells, 'area_km2', round((ST_Area(c.g::geography) / 1e6)::numeric, 1),
        'interpolated_min_mm', round(c.lo::numeric, 1), 'interpolated_max_mm', round(c.hi::numeric, 1)))
    ORDER BY cls.min_mm) FROM clipped c JOIN cls ON cls.class_code = c.class_code WHERE NOT ST_IsEmpty(c.g)), '[]'::json))::text AS doc`;

interface Input {
  stcd: string[];
  x: number[];
  y: number[];
  v: number[];
  class_code: string[];
  min_mm: number[];
  max_mm: (number | null)[];
  ci: number[];
  cj: number[];
}

/** IDW at every cell centre, classified and merged into row runs, with per-band statistics. */
export function interpolate(input: Input, cellDeg: number) {
  const runs = { code: [] as string[], i0: [] as number[], i1: [] as number[], j: [] as number[] };
  const stats = new Map<string, { cells: number; lo: number; hi: number }>();
  const n = input.v.length;
  let open: { k: number; band: number; j: number; i1: number } | null = null;
  const close = () => {
    if (open) {
      runs.code.push(input.class_code[open.band]!);
      runs.i0.push(open.k);
      runs.i1.push(open.i1);
      runs.j.push(open.j);
      open = null;
    }
  };
  for (let c = 0; c < input.ci.length; c++) {
    const i = input.ci[c]!;
    const j = input.cj[c]!;
    const cx = (i + 0.5) * cellDeg;
    const cy = (j + 0.5) * cellDeg;
    let num = 0;
    let den = 0;
    let exact: number | null = null;
    for (let s = 0; s < n; s++) {
      const dx = cx - input.x[s]!;
      const dy = cy - input.y[s]!;
      const dp = Math.pow(dx * dx + dy * dy, IDW_POWER / 2);
      if (dp < 1e-14) exact = exact === null ? input.v[s]! : Math.min(exact, input.v[s]!);
      else {
        num += input.v[s]! / dp;
        den += 1 / dp;
      }
    }
    const v = exact ?? (den > 0 ? num / den : 0);
    const band = input.min_mm.findIndex((lo, b) => v >= lo && (input.max_mm[b] === null || v < input.max_mm[b]!));
    if (band < 0) {
      close();
      continue;
    }
    const code = input.class_code[band]!;
    const st = stats.get(code);
    if (st) {
      st.cells += 1;
      st.lo = Math.min(st.lo, v);
      st.hi = Math.max(st.hi, v);
    } else stats.set(code, { cells: 1, lo: v, hi: v });
    const cur = open as { k: number; band: number; j: number; i1: number } | null;
    if (cur && cur.band === band && cur.j === j && cur.i1 === i - 1) cur.i1 = i;
    else {
      close();
      open = { k: i, band, j, i1: i };
    }
  }
  close();
  return { runs, stats };
}

/**
 * Everything the bands are a function of, hashed: the station values of the window, the class
 * table of the window and the city outline. Cheap next to the interpolation (one rollup read per
 * station), so a repeated request (several users at the same T, a legend toggle) skips the IDW
 * and polygon work when nothing it depends on changed — and a late observation or a corrected
 * value changes the hash, so a cached answer is never stale.
 */
const FINGERPRINT_SQL = `
WITH st AS (
  SELECT p.stcd, ST_X(p.geom) AS x, ST_Y(p.geom) AS y,
         CASE WHEN $3::date IS NOT NULL
              THEN coalesce((SELECT dd.sum FROM hydro.obs_daily dd WHERE dd.datastream_id = d.id AND dd.day = $3::date), 0)
              ELSE coalesce(hydro.sum_between(d.id, $1::timestamptz - make_interval(hours => $2::int), $1::timestamptz), 0) END::float8 AS v
    FROM hydro.st_stbprp_b p JOIN hydro.datastream d ON d.stcd = p.stcd AND d.element = 'DRP'
   WHERE p.usfl
)
SELECT md5(concat_ws('|',
  (SELECT string_agg(concat_ws(':', stcd, x, y, v), ',' ORDER BY stcd) FROM st),
  (SELECT string_agg(concat_ws(':', class_code, min_mm, max_mm, name_zh, name_en, color), ',' ORDER BY min_mm) FROM hydro.rain_class WHERE window_h = $4::int),
  (SELECT string_agg(md5(ST_AsBinary(geom)), ',' ORDER BY md5(ST_AsBinary(geom))) FROM base.districts))) AS fp`;

const CACHE_MAX = 64;
/** fingerprint + request → document, least recently used first. */
const cache = new Map<string, string>();

export interface IsohyetResult {
  readonly doc: string;
  readonly cached: boolean;
}

export async function isohyets(pool: Pool, req: IsohyetRequest): Promise<IsohyetResult> {
  const classWindow = req.day !== undefined ? 24 : req.hours! <= 1 ? 1 : req.hours! <= 12 ? 12 : 24;
  const params = [req.atIso ?? null, req.hours ?? null, req.day ?? null, req.cellDeg, classWindow];
  const fp = (await pool.query<{ fp: string }>(FINGERPRINT_SQL, [params[0], params[1], params[2], classWindow])).rows[0]!.fp;
  const key = `${fp}/${JSON.stringify(params)}`;
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return { doc: hit, cached: true };
  }
  const input = (await pool.query<Input>(INPUT_SQL, params)).rows[0]!;
  const { runs, stats } = interpolate(input, req.cellDeg);
  const bands = [...stats.entries()];
  const r = await pool.query<{ doc: string }>(OUTPUT_SQL, [
    ...params,
    input.stcd,
    input.x,
    input.y,
    input.v,
    runs.code,
    runs.i0,
    runs.i1,
    runs.j,
    bands.map(([code]) => code),
    bands.map(([, b]) => b.cells),
    bands.map(([, b]) => b.lo),
    bands.map(([, b]) => b.hi),
  ]);
  const doc = r.rows[0]!.doc;
  cache.set(key, doc);
  if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value!);
  return { doc, cached: false };
}
