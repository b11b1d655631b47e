-- Set-based alarm evaluation on ingest. 0032's hydro.evaluate_alarms looped over the batch's
-- stations and planned hydro.alarm_conditions + hydro.station_status once per station (9–30 ms
-- each at 105 M rows, bench/observations: 1,000 stations per batch ≈ 10 s of a 12 s batch).
-- Here the stations are grouped by the instant they are evaluated at (each station's latest
-- time written, as before) and each instant is one statement for all its stations.
-- Semantics are unchanged: instants in time order; within one, stations by code and their
-- conditions by (level, kind) — the order alarm and event ids are given, as before; a holding
-- condition raises unless an alarm of that kind is open; a condition not holding (or
-- undefined) clears the open one at the evaluation instant; the station's map state is kept.
-- The read side's per-station functions are rewritten the same way (below): window totals
-- (hydro.sum_between) read only the partial hours' raw rows, and hydro.station_status does
-- its lookups inline; and hydro.refresh_rollups takes its keys in order (a deadlock that fast
-- concurrent ingest exposed). Every rewrite returns what the definition it replaces returned.

-- The alarm conditions of the listed stations at p_at (0032's hydro.alarm_conditions for many).
CREATE FUNCTION hydro.alarm_conditions_many(p_stcd text[], p_at timestamptz)
RETURNS TABLE (stcd text, kind text, level smallint, active boolean, value double precision, threshold double precision, message_zh text, message_en text)
LANGUAGE sql STABLE AS $$
  WITH s AS MATERIALIZED (SELECT * FROM hydro.station_status(p_at, p_stcd)),
  rise AS (SELECT value FROM hydro.setting WHERE key = 'rise_fast_m_per_h'),
  -- Rainfall totals of the rules' windows ending at p_at: hydro.sum_between written inline
  -- (index probes of this one plan instead of a function call per gauge × rule), same rows.
  wb AS (
    SELECT w.h, w.f, hydro.hour_end(w.f) AS h1, date_trunc('hour', p_at, 'Asia/Shanghai') AS h2
      FROM (SELECT DISTINCT r.window_h AS h, p_at - make_interval(hours => r.window_h) AS f FROM hydro.rain_alarm_rule r) w
  ),
  tot AS MATERIALIZED (
    SELECT s.stcd, wb.h, (CASE WHEN wb.h1 >= wb.h2 THEN
             (SELECT coalesce(sum(o.value), 0) FROM hydro.obs o WHERE o.datastream_id = d.id AND o.tm > wb.f AND o.tm <= p_at)
           ELSE
             (SELECT coalesce(sum(o.value), 0) FROM hydro.obs o
               WHERE o.datastream_id = d.id AND ((o.tm > wb.f AND o.tm <= wb.h1) OR (o.tm > wb.h2 AND o.tm <= p_at)))
           + (SELECT coalesce(sum(h.sum), 0) FROM hydro.obs_hourly h WHERE h.datastream_id = d.id AND h.hour_end > wb.h1 AND h.hour_end <= wb.h2)
           END)::double precision AS total
      FROM s JOIN hydro.datastream d ON d.stcd = s.stcd AND d.element = 'DRP' CROSS JOIN wb
     WHERE s.tm IS NOT NULL
  )
  SELECT s.stcd, 'over_warning', 2::smallint, s.value >= s.wrz, s.value, s.wrz,
         format('%s 水位 %s 米，超警戒水位 %s 米', s.stnm, round(s.value::numeric, 2), round(s.wrz::numeric, 2)),
         format('%s stage %s m above warning level %s m', s.stcd, round(s.value::numeric, 2), round(s.wrz::numeric, 2))
    FROM s WHERE s.wrz IS NOT NULL AND s.tm IS NOT NULL
  UNION ALL
  SELECT s.stcd, 'over_guarantee', 3::smallint, s.value >= s.grz, s.value, s.grz,
         format('%s 水位 %s 米，超保证水位 %s 米', s.stnm, round(s.value::numeric, 2), round(s.grz::numeric, 2)),
         format('%s stage %s m above guaranteed level %s m', s.stcd, round(s.value::numeric, 2), round(s.grz::numeric, 2))
    FROM s WHERE s.grz IS NOT NULL AND s.tm IS NOT NULL
  UNION ALL
  SELECT s.stcd, 'over_flood_limit', 2::smallint, s.value > s.fsltdz, s.value, s.fsltdz,
         format('%s 库水位 %s 米，超汛限水位 %s 米', s.stnm, round(s.value::numeric, 2), round(s.fsltdz::numeric, 2)),
         format('%s reservoir level %s m above flood-season limit %s m', s.stcd, round(s.value::numeric, 2), round(s.fsltdz::numeric, 2))
    FROM s WHERE s.fsltdz IS NOT NULL AND s.tm IS NOT NULL
  UNION ALL
  SELECT s.stcd, 'rising_fast', 1::smallint, s.change_1h >= rise.value, s.change_1h, rise.value,
         format('%s 水位1小时上涨 %s 米', s.stnm, round(s.change_1h::numeric, 2)),
         format('%s stage rose %s m in one hour', s.stcd, round(s.change_1h::numeric, 2))
    FROM s, rise WHERE s.element <> 'DRP' AND s.change_1h IS NOT NULL
  UNION ALL
  SELECT s.stcd, r.code, r.level, t.total >= r.min_mm, t.total, r.min_mm,
         format('%s %s：%s毫米', s.stnm, r.name_zh, round(t.total::numeric, 1)),
         format('%s %s: %s mm', s.stcd, r.name_en, round(t.total::numeric, 1))
    FROM s
    JOIN tot t ON t.stcd = s.stcd
    JOIN hydro.rain_alarm_rule r ON r.window_h = t.h
$$;

CREATE OR REPLACE FUNCTION hydro.evaluate_alarms(p_ds integer[], p_latest timestamptz[]) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  g record;
  events integer := 0;
  n integer;
BEGIN
  FOR g IN
    SELECT x.at, array_agg(x.stcd ORDER BY x.stcd) AS stcds
      FROM (SELECT d.stcd, max(u.t) AS at
              FROM unnest(p_ds, p_latest) AS u(ds, t) JOIN hydro.datastream d ON d.id = u.ds
             GROUP BY d.stcd) x
     GROUP BY x.at ORDER BY x.at
  LOOP
    -- Raises (ids in (stcd, level, kind) order), then events for raises and clears together
    -- in the same order, as the per-station loop produced them.
    WITH c AS MATERIALIZED (SELECT * FROM hydro.alarm_conditions_many(g.stcds, g.at)),
    ins AS (
      INSERT INTO hydro.alarm (stcd, kind, level, raised_at, value, threshold, message_zh, message_en)
      SELECT c.stcd, c.kind, c.level, g.at, c.value, c.threshold, c.message_zh, c.message_en
        FROM c WHERE c.active ORDER BY c.stcd, c.level, c.kind
      ON CONFLICT (stcd, kind) WHERE cleared_at IS NULL DO NOTHING
      RETURNING id, stcd, level, kind
    ), clr AS (
      UPDATE hydro.alarm a SET state = 'cleared', cleared_at = g.at
        FROM c
       WHERE c.active IS NOT TRUE AND a.stcd = c.stcd AND a.kind = c.kind AND a.cleared_at IS NULL
      RETURNING a.id, a.stcd, c.level, a.kind
    ), ev AS (
      INSERT INTO hydro.alarm_event (alarm_id, event)
      SELECT e.id, e.event FROM (
        SELECT ins.id, 'raised' AS event, ins.stcd, ins.level, ins.kind FROM ins
        UNION ALL
        SELECT clr.id, 'cleared', clr.stcd, clr.level, clr.kind FROM clr
      ) e ORDER BY e.stcd, e.level, e.kind, e.id
      RETURNING 1
    )
    SELECT count(*) INTO n FROM ev;
    events := events + n;

    UPDATE hydro.st_stbprp_b s
       SET status = x.state, status_value = x.value, status_tm = x.tm
      FROM hydro.station_status(g.at, g.stcds) x
     WHERE s.stcd = x.stcd AND (s.status, s.status_value, s.status_tm) IS DISTINCT FROM (x.state, x.value, x.tm);
  END LOOP;
  RETURN events;
END;
$$;

-- Window totals: 0031's hydro.sum_between read the partial hours at either end of a window
-- with one index range over the WHOLE window (tm in (from, to], the whole hours then filtered
-- away): 288 raw rows for a 24 h window of 5-minute data instead of ≤ 22. The two edge ranges
-- are now index conditions of their own (a BitmapOr per partition, partitions pruned on the
-- bounds); the rows summed, and so the result, are the same.
CREATE OR REPLACE FUNCTION hydro.sum_between(p_ds integer, p_from timestamptz, p_to timestamptz) RETURNS double precision
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN b.h1 >= b.h2 THEN
           (SELECT coalesce(sum(o.value), 0) FROM hydro.obs o WHERE o.datastream_id = p_ds AND o.tm > p_from AND o.tm <= p_to)
         ELSE
           (SELECT coalesce(sum(o.value), 0) FROM hydro.obs o
             WHERE o.datastream_id = p_ds
               AND ((o.tm > p_from AND o.tm <= b.h1) OR (o.tm > b.h2 AND o.tm <= p_to)))
         + (SELECT coalesce(sum(h.sum), 0) FROM hydro.obs_hourly h
             WHERE h.datastream_id = p_ds AND h.hour_end > b.h1 AND h.hour_end <= b.h2)
         END
    FROM (SELECT hydro.hour_end(p_from) AS h1, date_trunc('hour', p_to, 'Asia/Shanghai') AS h2) b
$$;

-- Station status: 0032's definition with its per-station lookups written inline, so a status
-- of all stations is one plan of index probes (hydro.latest_at and hydro.sum_between were a
-- function call each, 4,000+ per call, every one starting an executor over every partition),
-- and with the per-station values computed once (without the MATERIALIZED fence the planner
-- copied the rain_1h expression into every place the outer SELECT uses it). Same rows, same
-- values: latest_at's raw-then-rollup rule and sum_between's split, unchanged.
CREATE OR REPLACE FUNCTION hydro.station_status(p_at timestamptz, p_stcd text[] DEFAULT NULL)
RETURNS TABLE (stcd text, stnm text, sttp text, element text, tm timestamptz, value double precision,
               change_1h double precision, wrz double precision, grz double precision, fsltdz double precision,
               rain_1h double precision, rain_day double precision, state text)
LANGUAGE sql STABLE AS $$
  WITH cfg AS MATERIALIZED (
    SELECT c.lookback, c.h2, c.f1, hydro.hour_end(c.f1) AS h1_1, c.fd, hydro.hour_end(c.fd) AS h1_d
      FROM (SELECT make_interval(hours => (SELECT value FROM hydro.setting WHERE key = 'status_lookback_h')::int) AS lookback,
                   date_trunc('hour', p_at, 'Asia/Shanghai') AS h2, p_at - interval '1 hour' AS f1,
                   hydro.rain_day_start(hydro.rain_day(p_at)) AS fd) c
  ),
  st AS (
    SELECT s.stcd, s.stnm, s.sttp, d.id AS ds, d.element
      FROM hydro.st_stbprp_b s
      JOIN hydro.code_station_element ce ON ce.sttp = s.sttp AND ce.is_primary
      JOIN hydro.datastream d ON d.stcd = s.stcd AND d.element = ce.element
     WHERE s.usfl AND (p_stcd IS NULL OR s.stcd = ANY (p_stcd))
  ),
  v AS MATERIALIZED (
    SELECT st.*, l.tm, l.value, l1.value AS value_1h_ago,
           CASE WHEN st.element = 'DRP' THEN (CASE WHEN cfg.h1_1 >= cfg.h2 THEN
               (SELECT coalesce(sum(o.value), 0) FROM hydro.obs o WHERE o.datastream_id = st.ds AND o.tm > cfg.f1 AND o.tm <= p_at)
             ELSE
               (SELECT coalesce(sum(o.value), 0) FROM hydro.obs o
                 WHERE o.datastream_id = st.ds AND ((o.tm > cfg.f1 AND o.tm <= cfg.h1_1) OR (o.tm > cfg.h2 AND o.tm <= p_at)))
             + (SELECT coalesce(sum(h.sum), 0) FROM hydro.obs_hourly h WHERE h.datastream_id = st.ds AND h.hour_end > cfg.h1_1 AND h.hour_end <= cfg.h2)
             END)::double precision END AS rain_1h,
           CASE WHEN st.element = 'DRP' THEN (CASE WHEN cfg.h1_d >= cfg.h2 THEN
               (SELECT coalesce(sum(o.value), 0) FROM hydro.obs o WHERE o.datastream_id = st.ds AND o.tm > cfg.fd AND o.tm <= p_at)
             ELSE
               (SELECT coalesce(sum(o.value), 0) FROM hydro.obs o
                 WHERE o.datastream_id = st.ds AND ((o.tm > cfg.fd AND o.tm <= cfg.h1_d) OR (o.tm > cfg.h2 AND o.tm <= p_at)))
             + (SELECT coalesce(sum(h.sum), 0) FROM hydro.obs_hourly h WHERE h.datastream_id = st.ds AND h.hour_end > cfg.h1_d AND h.hour_end <= cfg.h2)
             END)::double precision END AS rain_day,
           rv.wrz, rv.grz, hydro.flood_limit_at(st.stcd, p_at) AS fsltdz
      FROM st CROSS JOIN cfg
      LEFT JOIN LATERAL (
        SELECT x.tm, x.value FROM (
          (SELECT o.tm, o.value::double precision AS value, 0 AS pri FROM hydro.obs o
            WHERE o.datastream_id = st.ds AND o.tm <= p_at AND o.tm > p_at - cfg.lookback
            ORDER BY o.tm DESC LIMIT 1)
          UNION ALL
          (SELECT h.hour_end, h.last::double precision, 1 FROM hydro.obs_hourly h
            WHERE h.datastream_id = st.ds AND h.hour_end <= p_at AND h.hour_end > p_at - cfg.lookback
            ORDER BY h.hour_end DESC LIMIT 1)
        ) x ORDER BY x.tm DESC, x.pri LIMIT 1) l ON true
      LEFT JOIN LATERAL (
        SELECT x.tm, x.value FROM (
          (SELECT o.tm, o.value::double precision AS value, 0 AS pri FROM hydro.obs o
            WHERE o.datastream_id = st.ds AND o.tm <= cfg.f1 AND o.tm > cfg.f1 - interval '1 hour'
            ORDER BY o.tm DESC LIMIT 1)
          UNION ALL
          (SELECT h.hour_end, h.last::double precision, 1 FROM hydro.obs_hourly h
            WHERE h.datastream_id = st.ds AND h.hour_end <= cfg.f1 AND h.hour_end > cfg.f1 - interval '1 hour'
            ORDER BY h.hour_end DESC LIMIT 1)
        ) x ORDER BY x.tm DESC, x.pri LIMIT 1) l1 ON st.element <> 'DRP'
      LEFT JOIN hydro.st_rvfcch_b rv ON rv.stcd = st.stcd
  )
  SELECT v.stcd, v.stnm, v.sttp, v.element, v.tm,
         CASE WHEN v.element = 'DRP' THEN CASE WHEN v.tm IS NOT NULL THEN round(v.rain_1h::numeric, 1)::double precision END ELSE v.value END,
         CASE WHEN v.element <> 'DRP' THEN round((v.value - v.value_1h_ago)::numeric, 3)::double precision END,
         v.wrz, v.grz, v.fsltdz,
         round(v.rain_1h::numeric, 1)::double precision, round(v.rain_day::numeric, 1)::double precision,
         CASE
           WHEN v.tm IS NULL THEN 'no_data'
           WHEN v.grz IS NOT NULL AND v.value >= v.grz THEN 'over_guarantee'
           WHEN v.wrz IS NOT NULL AND v.value >= v.wrz THEN 'over_warning'
           WHEN v.fsltdz IS NOT NULL AND v.value > v.fsltdz THEN 'over_flood_limit'
           WHEN v.element = 'DRP' AND v.rain_1h >= 0.1 THEN 'raining'
           ELSE 'normal'
         END
    FROM v
$$;

-- Rollup refresh: 0051's definition with the keys taken in (datastream, period) order. Two
-- batches of the same rainfall day (bench/observations, two clients, once ingest got fast)
-- upserted the same hydro.obs_daily keys in hash order and deadlocked; in one order the
-- second waits for the first instead. Same rows written.
CREATE OR REPLACE FUNCTION hydro.refresh_rollups(k_ds integer[], k_hr timestamptz[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO hydro.obs_hourly AS h (datastream_id, hour_end, n, sum, min, max, last)
  SELECT k.ds, k.hr, a.n, a.sum, a.min, a.max, a.last
    FROM (SELECT DISTINCT u.ds, u.hr FROM unnest(k_ds, k_hr) AS u(ds, hr)) k
    CROSS JOIN LATERAL (
      SELECT count(*) AS n, sum(o.value) AS sum, min(o.value) AS min, max(o.value) AS max, (array_agg(o.value ORDER BY o.tm DESC))[1] AS last
        FROM hydro.obs o WHERE o.datastream_id = k.ds AND o.tm > k.hr - interval '1 hour' AND o.tm <= k.hr) a
   WHERE a.n > 0
   ORDER BY k.ds, k.hr
  ON CONFLICT (datastream_id, hour_end) DO UPDATE
    SET n = EXCLUDED.n, sum = EXCLUDED.sum, min = EXCLUDED.min, max = EXCLUDED.max, last = EXCLUDED.last;

  INSERT INTO hydro.obs_daily AS d (datastream_id, day, n, sum, min, max, last)
  SELECT k.ds, k.day, a.n, a.sum, a.min, a.max, a.last
    FROM (SELECT DISTINCT u.ds, hydro.rain_day(u.hr) AS day FROM unnest(k_ds, k_hr) AS u(ds, hr)) k
    CROSS JOIN LATERAL (
      SELECT sum(h.n) AS n, sum(h.sum) AS sum, min(h.min) AS min, max(h.max) AS max, (array_agg(h.last ORDER BY h.hour_end DESC))[1] AS last
        FROM hydro.obs_hourly h
       WHERE h.datastream_id = k.ds AND h.hour_end > hydro.rain_day_start(k.day) AND h.hour_end <= hydro.rain_day_start(k.day + 1)) a
   WHERE a.n IS NOT NULL
   ORDER BY k.ds, k.day
  ON CONFLICT (datastream_id, day) DO UPDATE
    SET n = EXCLUDED.n, sum = EXCLUDED.sum, min = EXCLUDED.min, max = EXCLUDED.max, last = EXCLUDED.last;
END;
$$;
