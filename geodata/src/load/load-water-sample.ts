/**
 * The hydrology sample (domain.md §6.5), generated inside PostGIS from the loaded base
 * geography so stations sit where they would: rain gauges spread over the land of every
 * district, river stations on the sample rivers (upstream → mouth), reservoir stations at the
 * sample reservoirs, sluice stations at the plain's outlets. Data:
 *
 * - a typhoon window (2024-09-10 08:00 → 2024-09-20 08:00 Beijing time) at full 5-minute
 *   resolution in `hydro.obs` for every datastream (rain gauges: a typhoon crossing the city
 *   NW-ward on 15 September, 24 h totals ≈ 100–300 mm; rivers above 警戒 and some above 保证;
 *   reservoirs above 汛限), with rollups rebuilt from it;
 * - the rest of 2024 as daily rollups only (as if raw rows outside the window had been retired
 *   by retention), so a year-long daily series exists without 37 M raw rows.
 *
 * Deterministic: every "random" number is a hash of the station code. Runs in one transaction;
 * replaces any previous hydrology sample.
 */
import type pg from 'pg';
import { loadWaterQualitySample } from './load-water-quality-sample.ts';

/** The typhoon window at full resolution, [start, end] as instants. */
export const WATER_SAMPLE_WINDOW = { start: '2024-09-10T08:00:00+08:00', end: '2024-09-20T08:00:00+08:00' } as const;
/** The typhoon day (rainfall day 2024-09-15: 09-15 08:00 → 09-16 08:00 Beijing time). */
export const WATER_SAMPLE_TYPHOON_DAY = '2024-09-15';

export interface WaterLoadReport {
  readonly stations: number;
  readonly datastreams: number;
  readonly observations: number;
  readonly hourlyRollups: number;
  readonly totalMs: number;
}

// 0..1 from a station code and a salt.
const H = (salt: string) => `((hashtext(p.stcd || '${salt}') & 2147483647)::float8 / 2147483647)`;

const STATIONS_SQL = `
WITH total AS (SELECT sum(area_km2) AS a FROM base.districts),
-- the sample stores some rivers in several rows; one station line per river: its longest row
river AS (SELECT DISTINCT ON (name) name, grade, geom FROM base.rivers WHERE grade <= 3 ORDER BY name, length_km DESC, id),
pp AS (
  SELECT 'PP'::text AS sttp, g.pt, NULL::text AS rvnm, NULL::float8 AS f, NULL::text AS label
    FROM base.districts d, total,
         LATERAL (SELECT (ST_Dump(ST_GeneratePoints(d.geom, greatest(8, round(215 * d.area_km2 / total.a))::int, 20240915))).geom AS pt) g
),
rv AS (
  SELECT CASE WHEN f.f IN (0.55, 0.97) OR (r.grade = 3 AND f.f = 0.9) THEN 'ZQ' ELSE 'ZZ' END AS sttp,
         ST_LineInterpolatePoint(ST_GeometryN(r.geom, 1), f.f) AS pt, r.name AS rvnm, f.f, NULL::text AS label
    FROM river r
    JOIN LATERAL unnest(CASE WHEN r.grade <= 2 THEN ARRAY[0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 0.97] ELSE ARRAY[0.4, 0.9] END::float8[]) AS f(f) ON true
),
rr AS (
  SELECT 'RR', ST_PointOnSurface(w.geom), NULL, NULL::float8, w.name FROM base.water_areas w WHERE w.kind = 'reservoir'
),
dd AS (
  SELECT 'DD', ST_EndPoint(ST_GeometryN(r.geom, 1)), r.name, 1.0::float8, r.name || '闸'
    FROM river r WHERE r.name IN ('金清港', '南官河', '东官河', '西江')
),
allst AS (SELECT * FROM pp UNION ALL SELECT * FROM rv UNION ALL SELECT * FROM rr UNION ALL SELECT * FROM dd),
coded AS (
  SELECT a.*, '704' || lpad(row_number() OVER (ORDER BY array_position(ARRAY['RR','ZQ','ZZ','DD','PP'], a.sttp), ST_X(a.pt), ST_Y(a.pt))::text, 5, '0') AS stcd
    FROM allst a
)
INSERT INTO hydro.st_stbprp_b (stcd, stnm, rvnm, hnnm, bsnm, lgtd, lttd, stlc, addvcd, dtmnm, sttp, comments)
SELECT c.stcd,
       left(coalesce(c.label, coalesce(c.rvnm, '') || t.name || CASE c.sttp WHEN 'PP' THEN '雨量' ELSE '' END) || '(' || right(c.stcd, 3) || ')', 30),
       coalesce(c.rvnm, (SELECT r.name FROM base.rivers r ORDER BY r.geom <-> c.pt LIMIT 1)),
       '椒江水系', '东南诸河',
       round(ST_X(c.pt)::numeric, 6), round(ST_Y(c.pt)::numeric, 6),
       t.name, (SELECT d.adcode FROM base.districts d WHERE ST_Intersects(d.geom, c.pt) ORDER BY d.adcode LIMIT 1),
       '1985国家高程', c.sttp, '样例数据 sample data'
  FROM coded c
  CROSS JOIN LATERAL (SELECT t.name FROM base.towns t ORDER BY t.geom <-> c.pt LIMIT 1) t`;

// Per-station model parameters for the synthetic series (kept for this transaction only).
const PARAMS_SQL = `
CREATE TEMP TABLE water_sample_param ON COMMIT DROP AS
WITH s AS (
  SELECT p.stcd, p.sttp, p.lgtd::float8 AS lon, p.lttd::float8 AS lat,
         ${H('oro')} AS h_oro, ${H('amp')} AS h_amp, ${H('warn')} AS h_warn, ${H('grz')} AS h_grz, ${H('ph')} AS h_ph,
         (SELECT ST_LineLocatePoint(ST_GeometryN(r.geom, 1), p.geom) FROM base.rivers r WHERE r.name = p.rvnm ORDER BY r.length_km DESC, r.id LIMIT 1) AS f,
         (SELECT r.grade FROM base.rivers r WHERE r.name = p.rvnm LIMIT 1) AS grade
    FROM hydro.st_stbprp_b p
),
-- Typhoon track: centre moves linearly from A (122.6E, 27.5N) at 09-14 14:00 to B (120.3E,
-- 29.8N) at 09-16 14:00 (+08). s = where along the track the station is closest (0..1).
tr AS (
  SELECT s.*, (((s.lon - 122.6) * 97.6 * (-2.3 * 97.6) + (s.lat - 27.5) * 110.6 * (2.3 * 110.6))
               / ((2.3 * 97.6) ^ 2 + (2.3 * 110.6) ^ 2)) AS track_s
    FROM s
)
SELECT tr.*,
       0.7 + 0.6 * h_oro AS oro,
       -- river base stage: high upstream on the main stems, near sea level on the plain
       CASE WHEN sttp IN ('ZZ', 'ZQ', 'DD') THEN
         CASE WHEN grade <= 2 THEN 2.5 + 55 * (1 - coalesce(f, 1)) ^ 2 ELSE 2.8 + 8 * (1 - coalesce(f, 1)) END
       END AS base_z,
       CASE WHEN sttp IN ('ZZ', 'ZQ', 'DD') THEN 1.5 + 3.5 * h_amp END AS amp,
       timestamptz '2024-09-14 14:00+08' + (48 * greatest(0, least(1, track_s)) + 3 + 8 * coalesce(f, 0.5)) * interval '1 hour' AS peak_at,
       CASE WHEN sttp = 'RR' THEN CASE WHEN stcd = (SELECT min(x.stcd) FROM hydro.st_stbprp_b x WHERE x.stnm LIKE '长潭水库%') THEN 36.05 ELSE 30 + round((150 * h_amp)::numeric, 1)::float8 END END AS normz
  FROM tr`;

const THRESHOLDS_SQL = [
  // 警戒 below the typhoon peak at about two thirds of the river stations; 保证 below it at a few.
  `INSERT INTO hydro.st_rvfcch_b (stcd, wrz, grz, source, verified)
   SELECT stcd, round((base_z + amp * CASE WHEN h_warn < 0.66 THEN 0.55 + 0.3 * h_warn ELSE 1.15 END)::numeric, 2),
          round((base_z + amp * CASE WHEN h_grz < 0.25 AND h_warn < 0.66 THEN 0.93 ELSE 1.3 END)::numeric, 2), '样例数据 sample data', false
     FROM water_sample_param WHERE sttp IN ('ZZ', 'ZQ', 'DD')`,
  `INSERT INTO hydro.st_rsvrfcch_b (stcd, normz, ddz, dsflz, ckflz, source, verified)
   SELECT stcd, normz, normz - 20, normz + 3, normz + 4.5, '样例数据 sample data', false FROM water_sample_param WHERE sttp = 'RR'`,
  // 梅汛期 and 台汛期 limits (domain.md §2.4); the typhoon lifts every reservoir above 台汛 limit.
  `INSERT INTO hydro.st_rsvrfsr_b (stcd, bgmd, edmd, fsltdz, fstp, source, verified)
   SELECT stcd, '0415', '0715', normz - 1.0, '1', '样例数据 sample data', false FROM water_sample_param WHERE sttp = 'RR'
   UNION ALL
   SELECT stcd, '0716', '1015', normz - 1.5, '2', '样例数据 sample data', false FROM water_sample_param WHERE sttp = 'RR'`,
];

// One expression per element giving the value at instant t (a timestamptz column `t`) for the
// station parameters `p`; `hrs` = hours since the track start.
const RAIN_RATE = `(
  14 * p.oro * exp(-(((p.lon - (122.6 - 2.3 * greatest(0, least(1, hrs / 48)))) * 97.6) ^ 2
                  + ((p.lat - (27.5 + 2.3 * greatest(0, least(1, hrs / 48)))) * 110.6) ^ 2) / (110.0 ^ 2))
     * CASE WHEN hrs BETWEEN -12 AND 60 THEN 0.4 + 1.2 * greatest(0, sin(2 * pi() * hrs / 3 + 6.28 * p.h_ph)) ^ 2 ELSE 0 END
  + 2.5 * greatest(0, sin(2 * pi() * hrs / 31 + 5 * p.lon) - 0.8) * (0.5 + p.h_oro))`;
const HYDRO_PULSE = `(CASE WHEN t <= p.peak_at THEN exp(-((extract(epoch FROM t - p.peak_at) / 3600 / 8) ^ 2))
                      ELSE exp(-((extract(epoch FROM t - p.peak_at) / 3600 / 22) ^ 2)) END)`;
const RES_RISE = `(1 / (1 + exp(-(extract(epoch FROM t - p.peak_at) / 3600 / 6))))`;

function valueSql(element: string): string {
  switch (element) {
    case 'DRP':
      return `round((${RAIN_RATE} / 12)::numeric, 1)::real`;
    case 'Z':
      return `round((p.base_z + p.amp * ${HYDRO_PULSE} + 0.02 * sin(extract(epoch FROM t) / 3600 + 10 * p.h_ph))::numeric, 2)::real`;
    case 'Q':
      return `round((15 * (1 + p.amp * ${HYDRO_PULSE}) ^ 1.8)::numeric, 1)::real`;
    case 'RZ':
      return `round((p.normz - 2 + 2.8 * ${RES_RISE} - 0.3 * greatest(0, extract(epoch FROM t - p.peak_at) / 3600 / 120))::numeric, 2)::real`;
    case 'W':
      return `round((8 * (p.normz - 2 + 2.8 * ${RES_RISE} - 10) + 40)::numeric, 2)::real`;
    case 'INQ':
      return `round((20 + 900 * (1 + p.h_amp) * ${HYDRO_PULSE})::numeric, 1)::real`;
    case 'OTQ':
      return `round((15 + 300 * ${RES_RISE} * (1 + p.h_amp))::numeric, 1)::real`;
    default:
      throw new Error(`no sample model for element ${element}`);
  }
}

const ELEMENTS = ['DRP', 'Z', 'Q', 'RZ', 'W', 'INQ', 'OTQ'] as const;

function rawInsertSql(element: string): string {
  return `INSERT INTO hydro.obs (tm, datastream_id, value)
  SELECT t, d.id, ${valueSql(element)}
    FROM hydro.datastream d JOIN water_sample_param p ON p.stcd = d.stcd
   CROSS JOIN generate_series(timestamptz '${WATER_SAMPLE_WINDOW.start}' + interval '5 minutes', timestamptz '${WATER_SAMPLE_WINDOW.end}', interval '5 minutes') AS t
   CROSS JOIN LATERAL (SELECT extract(epoch FROM t - timestamptz '2024-09-14 14:00+08') / 3600 AS hrs) h
   WHERE d.element = '${element}'`;
}

// Outside the window: daily rollups only (rainfall days of 2024 not covered by the window).
// Levels sit near base with a seasonal swing; rain falls on some days, more in the 梅雨 season
// (mid-June). Hourly rollups for these days would be 3 M rows and a minute of loading.
function archiveInsertSql(element: string): string {
  const seasonal = `(1 + 2 * exp(-(((extract(doy FROM day) - 170) / 20) ^ 2)))`;
  const value = (() => {
    switch (element) {
      case 'DRP':
        return `round((12 * ${seasonal} * greatest(0, sin(2 * pi() * extract(doy FROM day) / 7.3 + 5 * p.lon) - 0.4) * (0.5 + p.h_oro))::numeric, 1)`;
      case 'Z':
        return `round((p.base_z + 0.15 * p.amp * ${seasonal} / 3)::numeric, 2)`;
      case 'Q':
        return `round((15 * (1 + 0.15 * p.amp * ${seasonal} / 3) ^ 1.8)::numeric, 1)`;
      case 'RZ':
        return `round((p.normz - 2.5 + 0.5 * sin(2 * pi() * extract(doy FROM day) / 366))::numeric, 2)`;
      case 'W':
        return `round((8 * (p.normz - 2.5 + 0.5 * sin(2 * pi() * extract(doy FROM day) / 366) - 10) + 40)::numeric, 2)`;
      case 'INQ':
        return `round((20 * ${seasonal})::numeric, 1)`;
      default:
        return `15::numeric`;
    }
  })();
  const total = element === 'DRP';
  return `INSERT INTO hydro.obs_daily (datastream_id, day, n, sum, min, max, last)
  SELECT d.id, g.day, 288, v.v, ${total ? '0' : 'v.v'}, ${total ? 'round((v.v / 30)::numeric, 1)' : 'v.v'}, ${total ? '0' : 'v.v'}
    FROM hydro.datastream d JOIN water_sample_param p ON p.stcd = d.stcd
   CROSS JOIN (SELECT generate_series(date '2024-01-01', date '2024-12-31', interval '1 day')::date AS day) g
   CROSS JOIN LATERAL (SELECT ${value}::float8 AS v) v
   WHERE d.element = '${element}'
     AND (hydro.rain_day_start(g.day + 1) <= timestamptz '${WATER_SAMPLE_WINDOW.start}' OR hydro.rain_day_start(g.day) >= timestamptz '${WATER_SAMPLE_WINDOW.end}')`;
}

/**
 * Replaces the hydrology sample (stations, thresholds, datastreams, observations, rollups,
 * alarms) in one transaction. Needs the base sample (districts, towns, rivers, water areas).
 */
export async function loadWaterSample(client: pg.ClientBase): Promise<WaterLoadReport> {
  const started = performance.now();
  await client.query('BEGIN');
  try {
    await client.query('TRUNCATE hydro.st_stbprp_b, hydro.datastream, hydro.obs, hydro.obs_hourly, hydro.obs_daily, hydro.alarm, hydro.alarm_event CASCADE');
    await client.query(STATIONS_SQL);
    await client.query(PARAMS_SQL);
    for (const sql of THRESHOLDS_SQL) await client.query(sql);
    await client.query('SELECT hydro.ensure_datastreams()');
    await client.query('SELECT hydro.ensure_obs_partitions($1, $2)', [WATER_SAMPLE_WINDOW.start, WATER_SAMPLE_WINDOW.end]);
    let observations = 0;
    for (const element of ELEMENTS) observations += (await client.query(rawInsertSql(element))).rowCount ?? 0;
    await client.query('SELECT hydro.rebuild_rollups($1, $2)', [WATER_SAMPLE_WINDOW.start, WATER_SAMPLE_WINDOW.end]);
    for (const element of ELEMENTS) await client.query(archiveInsertSql(element));
    const hourlyRollups = (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM hydro.obs_hourly')).rows[0]!.n;
    // Station states (and any alarm open) at the end of the window, as the live system would have them.
    await client.query(`SELECT hydro.evaluate_alarms(array_agg(id), array_agg(timestamptz '${WATER_SAMPLE_WINDOW.end}')) FROM hydro.datastream`);
    const counts = await client.query<{ stations: number; datastreams: number }>(
      'SELECT (SELECT count(*) FROM hydro.st_stbprp_b)::int AS stations, (SELECT count(*) FROM hydro.datastream)::int AS datastreams',
    );
    await loadWaterQualitySample(client);
    await client.query('ANALYZE hydro.st_stbprp_b, hydro.datastream, hydro.obs, hydro.obs_hourly, hydro.obs_daily');
    await client.query('COMMIT');
    const { stations, datastreams } = counts.rows[0]!;
    return { stations, datastreams, observations, hourlyRollups, totalMs: Math.round(performance.now() - started) };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** True when any hydrology station exists (the water sample or real data). */
export async function waterSampleIsLoaded(client: pg.ClientBase): Promise<boolean> {
  const { rows } = await client.query<{ loaded: boolean }>('SELECT EXISTS (SELECT 1 FROM hydro.st_stbprp_b) AS loaded');
  return rows[0]?.loaded === true;
}
