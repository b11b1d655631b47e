/**
 * Read side of the water module: station status at T, rainfall accumulations, a station's
 * series at raw/hourly/daily resolution with server-side downsampling, alarms. All SQL is
 * fixed text with bound values; the heavy lifting is in SQL functions of migrations 0011/0012.
 */
import type { Pool } from '../../db.ts';

const STATUS_SQL = `
SELECT json_build_object('type', 'FeatureCollection', 'datetime', $1::timestamptz,
  'features', coalesce(json_agg(json_build_object(
    'type', 'Feature', 'id', s.stcd,
    'geometry', ST_AsGeoJSON(p.geom, 6)::json,
    'properties', json_strip_nulls(json_build_object(
      'stcd', s.stcd, 'stnm', s.stnm, 'sttp', s.sttp, 'rvnm', p.rvnm, 'element', s.element, 'tm', s.tm,
      'value', s.value, 'change_1h', s.change_1h, 'wrz', s.wrz, 'grz', s.grz, 'fsltdz', s.fsltdz,
      'above_wrz', round((s.value - s.wrz)::numeric, 3), 'above_grz', round((s.value - s.grz)::numeric, 3),
      'above_fsltdz', round((s.value - s.fsltdz)::numeric, 3),
      'rain_1h', s.rain_1h, 'rain_day', s.rain_day, 'state', s.state))
  ) ORDER BY s.stcd), '[]'::json))::text AS doc
  FROM hydro.station_status($1::timestamptz) s JOIN hydro.st_stbprp_b p ON p.stcd = s.stcd`;

// Window totals for all rain gauges at once, exactly hydro.sum_between's split for each (gauge,
// window) — whole hours from the hourly rollup, the partial hours at either end from raw rows,
// all raw when the window has no whole hour — but set-based: the raw edge rows of all gauges
// come from one time-range scan per edge (partitions pruned on the bounds, BRIN), the hourly
// part is one index probe per (gauge, window). Window -1 is the rainfall day so far.
const RAINFALL_SQL = `
WITH g AS (
  SELECT p.stcd, p.stnm, p.geom, d.id AS ds FROM hydro.st_stbprp_b p JOIN hydro.datastream d ON d.stcd = p.stcd AND d.element = 'DRP' WHERE p.usfl
), w AS MATERIALIZED (
  SELECT w.h, w.f, hydro.hour_end(w.f) AS h1, date_trunc('hour', $1::timestamptz, 'Asia/Shanghai') AS h2
    FROM (SELECT u.h, $1::timestamptz - make_interval(hours => u.h) AS f FROM unnest($2::int[]) AS u(h)
          UNION ALL SELECT -1, hydro.rain_day_start(hydro.rain_day($1::timestamptz))) w
), r AS (
  SELECT w.h, o.datastream_id AS ds, o.value FROM w CROSS JOIN LATERAL (
    SELECT o.datastream_id, o.value FROM hydro.obs o
     WHERE o.tm > w.f AND o.tm <= CASE WHEN w.h1 >= w.h2 THEN $1::timestamptz ELSE w.h1 END) o
  UNION ALL
  SELECT w.h, o.datastream_id, o.value FROM hydro.obs o CROSS JOIN w
   WHERE o.datastream_id IN (SELECT g.ds FROM g) AND o.tm > date_trunc('hour', $1::timestamptz, 'Asia/Shanghai') AND o.tm <= $1::timestamptz AND w.h1 < w.h2
), rs AS (
  SELECT r.ds, r.h, sum(r.value) AS s FROM r GROUP BY r.ds, r.h
), hs AS (
  SELECT g.ds, w.h, hh.s
    FROM g CROSS JOIN w
    CROSS JOIN LATERAL (SELECT sum(hh.sum) AS s FROM hydro.obs_hourly hh WHERE hh.datastream_id = g.ds AND hh.hour_end > w.h1 AND hh.hour_end <= w.h2) hh
), t AS (
  SELECT g.stcd, g.stnm, g.geom, w.h,
         round((coalesce(rs.s, 0) + CASE WHEN w.h1 >= w.h2 THEN 0 ELSE coalesce(hs.s, 0) END)::numeric, 1) AS total
    FROM g CROSS JOIN w LEFT JOIN rs ON rs.ds = g.ds AND rs.h = w.h LEFT JOIN hs ON hs.ds = g.ds AND hs.h = w.h
)
SELECT json_build_object('type', 'FeatureCollection', 'datetime', $1::timestamptz, 'windowsH', $2::int[],
  'rainDay', hydro.rain_day($1::timestamptz), 'rainDayStart', hydro.rain_day_start(hydro.rain_day($1::timestamptz)),
  'features', coalesce(json_agg(json_build_object(
    'type', 'Feature', 'id', x.stcd, 'geometry', ST_AsGeoJSON(x.geom, 6)::json,
    'properties', json_build_object('stcd', x.stcd, 'stnm', x.stnm, 'totals', x.totals, 'rain_day', x.rain_day)
  ) ORDER BY x.stcd), '[]'::json))::text AS doc
  FROM (SELECT stcd, stnm, geom, json_object_agg(h || 'h', total ORDER BY h) FILTER (WHERE h >= 0) AS totals, max(total) FILTER (WHERE h < 0) AS rain_day
          FROM t GROUP BY stcd, stnm, geom) x`;

const RAIN_DAY_SQL = `
SELECT json_build_object('type', 'FeatureCollection', 'day', $1::date,
  'from', hydro.rain_day_start($1::date), 'to', hydro.rain_day_start($1::date + 1),
  'features', coalesce(json_agg(json_build_object(
    'type', 'Feature', 'id', p.stcd, 'geometry', ST_AsGeoJSON(p.geom, 6)::json,
    'properties', json_build_object('stcd', p.stcd, 'stnm', p.stnm, 'total', round(dd.sum::numeric, 1), 'n', dd.n)
  ) ORDER BY p.stcd), '[]'::json))::text AS doc
  FROM hydro.st_stbprp_b p JOIN hydro.datastream d ON d.stcd = p.stcd AND d.element = 'DRP'
  LEFT JOIN hydro.obs_daily dd ON dd.datastream_id = d.id AND dd.day = $1::date
 WHERE p.usfl`;

const DATASTREAM_SQL = `
SELECT d.id, d.element, e.aggregation, e.unit, s.stnm, s.sttp, rv.wrz, rv.grz,
       (SELECT json_agg(json_build_object('bgmd', f.bgmd, 'edmd', f.edmd, 'fsltdz', f.fsltdz) ORDER BY f.bgmd) FROM hydro.st_rsvrfsr_b f WHERE f.stcd = s.stcd) AS flood_limits
  FROM hydro.datastream d JOIN hydro.code_element e ON e.element = d.element JOIN hydro.st_stbprp_b s ON s.stcd = d.stcd
  LEFT JOIN hydro.st_rvfcch_b rv ON rv.stcd = s.stcd
 WHERE d.stcd = $1 AND d.element = $2`;

// Series: one source per resolution, then buckets of $4 seconds (date_bin, origin at a whole
// Beijing hour) when there are more points than asked for. Buckets keep min and max so peaks
// survive downsampling; value = sum for totals, last for instants.
const SERIES_SOURCE = {
  raw: `SELECT o.tm AS t, o.value::float8 AS v, o.value::float8 AS lo, o.value::float8 AS hi, 1 AS n FROM hydro.obs o WHERE o.datastream_id = $1 AND o.tm > $2 AND o.tm <= $3`,
  hourly: `SELECT h.hour_end AS t, CASE WHEN $5 THEN h.sum ELSE h.last END AS v, h.min::float8 AS lo, h.max::float8 AS hi, h.n FROM hydro.obs_hourly h WHERE h.datastream_id = $1 AND h.hour_end > $2 AND h.hour_end <= $3`,
  daily: `SELECT hydro.rain_day_start(dd.day + 1) AS t, CASE WHEN $5 THEN dd.sum ELSE dd.last END AS v, dd.min::float8 AS lo, dd.max::float8 AS hi, dd.n FROM hydro.obs_daily dd WHERE dd.datastream_id = $1 AND dd.day >= hydro.rain_day($2) AND dd.day <= hydro.rain_day($3)`,
} as const;
export type SeriesResolution = keyof typeof SERIES_SOURCE;

const seriesSql = (source: string) => `
WITH s AS (${source}),
b AS (
  SELECT CASE WHEN $4::int > 0 THEN date_bin(make_interval(secs => $4::int), s.t - interval '1 microsecond', timestamptz '2000-01-01 00:00+08') + make_interval(secs => $4::int) ELSE s.t END AS t,
         s.v, s.lo, s.hi, s.n, s.t AS raw_t
    FROM s
)
SELECT json_build_object('t', coalesce(json_agg(x.t ORDER BY x.t), '[]'), 'value', coalesce(json_agg(x.v ORDER BY x.t), '[]'),
                         'min', coalesce(json_agg(x.lo ORDER BY x.t), '[]'), 'max', coalesce(json_agg(x.hi ORDER BY x.t), '[]'),
                         'n', coalesce(sum(x.n), 0))::text AS doc
  FROM (SELECT b.t, CASE WHEN $5 THEN round(sum(b.v)::numeric, 3) ELSE round((array_agg(b.v ORDER BY b.raw_t DESC))[1]::numeric, 3) END AS v,
               round(min(b.lo)::numeric, 3) AS lo, round(max(b.hi)::numeric, 3) AS hi, sum(b.n) AS n
          FROM b GROUP BY b.t) x`;
const SERIES_SQL: Record<SeriesResolution, string> = {
  raw: seriesSql(SERIES_SOURCE.raw),
  hourly: seriesSql(SERIES_SOURCE.hourly),
  daily: seriesSql(SERIES_SOURCE.daily),
};
const SERIES_COUNT_SQL: Record<SeriesResolution, string> = {
  raw: `SELECT count(*)::int AS n FROM (${SERIES_SOURCE.raw}) s`,
  hourly: `SELECT count(*)::int AS n FROM (${SERIES_SOURCE.hourly}) s`,
  daily: `SELECT count(*)::int AS n FROM (${SERIES_SOURCE.daily}) s`,
};

const ALARMS_SQL = `
SELECT coalesce(json_agg(json_build_object('id', a.id, 'stcd', a.stcd, 'stnm', s.stnm, 'kind', a.kind, 'level', a.level, 'state', a.state,
  'raisedAt', a.raised_at, 'value', a.value, 'threshold', a.threshold, 'message', json_build_object('zh', a.message_zh, 'en', a.message_en),
  'acknowledgedAt', a.acknowledged_at, 'acknowledgedBy', a.acknowledged_by, 'clearedAt', a.cleared_at,
  'lon', ST_X(s.geom), 'lat', ST_Y(s.geom)) ORDER BY a.raised_at DESC, a.id DESC), '[]')::text AS doc
  FROM (SELECT * FROM hydro.alarm a WHERE ($1::boolean OR a.cleared_at IS NULL) ORDER BY a.raised_at DESC, a.id DESC LIMIT $2) a
  JOIN hydro.st_stbprp_b s ON s.stcd = a.stcd`;

const ACK_SQL = `
WITH u AS (
  UPDATE hydro.alarm SET state = 'acknowledged', acknowledged_at = now(), acknowledged_by = $2
   WHERE id = $1 AND state = 'raised' RETURNING id
), e AS (INSERT INTO hydro.alarm_event (alarm_id, event) SELECT id, 'acknowledged' FROM u RETURNING id)
SELECT (SELECT count(*) FROM u)::int AS changed, (SELECT state FROM hydro.alarm WHERE id = $1) AS state`;

export async function stationStatus(pool: Pool, atIso: string): Promise<string> {
  return (await pool.query<{ doc: string }>(STATUS_SQL, [atIso])).rows[0]!.doc;
}

export async function rainfallTotals(pool: Pool, atIso: string, windowsH: readonly number[]): Promise<string> {
  return (await pool.query<{ doc: string }>(RAINFALL_SQL, [atIso, windowsH])).rows[0]!.doc;
}

/** Totals of a rainfall day D = (D 08:00, D+1 08:00] Beijing time, from the daily rollup. */
export async function rainDayTotals(pool: Pool, day: string): Promise<string> {
  return (await pool.query<{ doc: string }>(RAIN_DAY_SQL, [day])).rows[0]!.doc;
}

export interface SeriesRequest {
  readonly stcd: string;
  readonly element: string;
  readonly fromIso: string;
  readonly toIso: string;
  readonly resolution: SeriesResolution;
  readonly maxPoints: number;
}

export interface SeriesMeta {
  readonly element: string;
  readonly aggregation: 'total' | 'instant';
  readonly unit: string;
  readonly stnm: string;
  readonly sttp: string;
  readonly thresholds: Record<string, unknown>;
}

/** Returns undefined when the station has no such element. */
export async function stationSeries(pool: Pool, req: SeriesRequest): Promise<{ meta: SeriesMeta; bucketSeconds: number; data: string } | undefined> {
  const ds = await pool.query<{ id: number; element: string; aggregation: 'total' | 'instant'; unit: string; stnm: string; sttp: string; wrz: number | null; grz: number | null; flood_limits: unknown }>(
    DATASTREAM_SQL,
    [req.stcd, req.element],
  );
  const d = ds.rows[0];
  if (!d) return undefined;
  const total = d.aggregation === 'total';
  const count = (await pool.query<{ n: number }>(SERIES_COUNT_SQL[req.resolution].replace(/\$5/g, 'false'), [d.id, req.fromIso, req.toIso])).rows[0]!.n;
  const native = req.resolution === 'raw' ? 300 : req.resolution === 'hourly' ? 3600 : 86400;
  // Bucket width: a whole multiple of the native step so buckets hold whole samples.
  const spanS = (Date.parse(req.toIso) - Date.parse(req.fromIso)) / 1000;
  const bucketSeconds = count > req.maxPoints ? Math.ceil(spanS / req.maxPoints / native) * native : 0;
  const data = (await pool.query<{ doc: string }>(SERIES_SQL[req.resolution], [d.id, req.fromIso, req.toIso, bucketSeconds, total])).rows[0]!.doc;
  const thresholds: Record<string, unknown> = {};
  if (d.wrz !== null) thresholds['wrz'] = d.wrz;
  if (d.grz !== null) thresholds['grz'] = d.grz;
  if (d.flood_limits) thresholds['fsltdz'] = d.flood_limits;
  return { meta: { element: d.element, aggregation: d.aggregation, unit: d.unit, stnm: d.stnm, sttp: d.sttp, thresholds }, bucketSeconds, data };
}

export async function listAlarms(pool: Pool, includeCleared: boolean, limit: number): Promise<string> {
  return (await pool.query<{ doc: string }>(ALARMS_SQL, [includeCleared, limit])).rows[0]!.doc;
}

/** raised → acknowledged. Returns the state after the call, undefined for an unknown alarm. */
export async function acknowledgeAlarm(pool: Pool, id: number, by: string): Promise<{ changed: boolean; state: string } | undefined> {
  const r = (await pool.query<{ changed: number; state: string | null }>(ACK_SQL, [id, by])).rows[0]!;
  // The statement's snapshot predates its own UPDATE, so `state` is the state before the call.
  return r.state === null ? undefined : { changed: r.changed > 0, state: r.changed > 0 ? 'acknowledged' : r.state };
}
