-- Bulk ingest at the issue's rate (bench/observations: ≥ 100k observations/s through the API at
-- 105 M rows). Before this, a batch of 12,000 (an hour of 1,000 stations) spent ~170 ms in the
-- database and two concurrent batches ran one after the other: both upserted the same rainfall-
-- day rows early in their transactions, so the second waited for the whole alarm evaluation of
-- the first. And the evaluation computed every station's status twice (once for its alarm
-- conditions, once for the map state) and each rainfall window with three probes per gauge.
--
-- Here:
--   * hydro.rain_totals: totals of many windows ending at one instant for many gauges, set-based
--     (one index range per raw edge for all gauges, one range of the hourly rollup), the same
--     split as hydro.sum_between (whole hours from the rollup, partial hours from raw rows);
--   * hydro.station_status uses it for rain_1h and rain_day; alarm conditions are computed from
--     a status already computed (hydro.alarm_conditions_of), so evaluation computes it once;
--   * hydro.ingest_batch: the whole ingest in one call and in an order that keeps concurrent
--     batches apart until the end — raw rows (in key order, so two batches re-sending the same
--     keys cannot deadlock), hourly rollups, then the batch's stations locked in code order,
--     then rainfall-day rollups, alarms and the station map state. Holding the station rows
--     also means a batch evaluates only after an earlier batch of the same stations committed,
--     so its windows include that batch's rows; fresh data by a plain INSERT, an upsert only
--     when a key exists;
--   * alarms at the right instants: a station whose state is newer than the batch (late data)
--     is evaluated at that newer state too, so a window two batches only fill together still
--     raises; a stage crossing 警戒 and back inside one hourly upload is raised and cleared at
--     the observations that crossed (hydro.level_crossings), not missed; the map state never
--     moves back in time. Rainfall windows and rising-fast are evaluated at the latest time.
-- The functions these replace and nothing calls any more are dropped: hydro.ingest_observations
-- (0031), hydro.alarm_conditions (0032), hydro.alarm_conditions_many (0087), hydro.refresh_rollups.
-- Results are those of the definitions replaced (checked against them on the benchmark data),
-- apart from the added evaluation instants.

-- Hour buckets: 0031's definition converted every instant to Beijing wall time
-- (date_trunc in a zone), a seventh of the ingest statement's time at 12,000 rows. Since
-- 1901 Asia/Shanghai has only whole-hour offsets (+8, +9 in the summers of 1940–1991), so its
-- hour boundaries are whole UTC hours and binning on the epoch gives the same bucket (checked
-- at 3-minute steps from 1901 to 2040); earlier instants keep the zone arithmetic.
CREATE OR REPLACE FUNCTION hydro.hour_end(t timestamptz) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN t > timestamptz '1901-01-01 00:00+08'
    THEN date_bin('1 hour', t - interval '1 microsecond', timestamptz '1970-01-01 00:00+00') + interval '1 hour'
    ELSE date_trunc('hour', t - interval '1 microsecond', 'Asia/Shanghai') + interval '1 hour' END
$$;

-- Totals over (p_from[i], p_at] for every gauge datastream in p_ds: one row per (ds, i).
-- Windows whose whole hours exist are read as head (f, hour_end(f)] + whole hours from the
-- hourly rollup + tail (hour(p_at), p_at]; a window without a whole hour is read raw.
CREATE FUNCTION hydro.rain_totals(p_at timestamptz, p_ds integer[], p_from timestamptz[])
RETURNS TABLE (ds integer, i integer, total double precision)
LANGUAGE sql STABLE AS $$
  WITH w AS MATERIALIZED (
    SELECT u.i::integer AS i, u.f, hydro.hour_end(u.f) AS h1, date_trunc('hour', p_at, 'Asia/Shanghai') AS h2
      FROM unnest(p_from) WITH ORDINALITY AS u(f, i)
  ),
  rng AS (
    SELECT DISTINCT x.lo, x.hi FROM (
      SELECT w.f AS lo, p_at AS hi FROM w WHERE w.h1 >= w.h2
      UNION ALL SELECT w.f, w.h1 FROM w WHERE w.h1 < w.h2 AND w.f < w.h1
      UNION ALL SELECT w.h2, p_at FROM w WHERE w.h1 < w.h2 AND w.h2 < p_at
    ) x
  ),
  -- Ranges may overlap (an all-raw window and the shared tail): each row once.
  raw AS MATERIALIZED (
    SELECT DISTINCT o.datastream_id, o.tm, o.value
      FROM rng CROSS JOIN LATERAL (
        SELECT o.datastream_id, o.tm, o.value FROM hydro.obs o
         WHERE o.datastream_id = ANY (p_ds) AND o.tm > rng.lo AND o.tm <= rng.hi
        OFFSET 0) o  -- a scan per range (pulled up, it became one scan of every gauge's rows)
  ),
  hr AS MATERIALIZED (
    SELECT h.datastream_id, h.hour_end, h.sum FROM hydro.obs_hourly h
     WHERE h.datastream_id = ANY (p_ds)
       AND h.hour_end > (SELECT min(w.h1) FROM w WHERE w.h1 < w.h2)
       AND h.hour_end <= (SELECT max(w.h2) FROM w)
  ),
  rs AS (
    SELECT r.datastream_id AS ds, w.i, sum(r.value::double precision) AS s
      FROM raw r JOIN w ON r.tm > w.f AND r.tm <= p_at AND (w.h1 >= w.h2 OR r.tm <= w.h1 OR r.tm > w.h2)
     GROUP BY 1, 2
  ),
  hs AS (
    SELECT h.datastream_id AS ds, w.i, sum(h.sum) AS s
      FROM hr h JOIN w ON w.h1 < w.h2 AND h.hour_end > w.h1 AND h.hour_end <= w.h2
     GROUP BY 1, 2
  )
  SELECT d.ds, w.i, (coalesce(rs.s, 0) + coalesce(hs.s, 0))::double precision
    FROM unnest(p_ds) AS d(ds) CROSS JOIN w
    LEFT JOIN rs ON rs.ds = d.ds AND rs.i = w.i
    LEFT JOIN hs ON hs.ds = d.ds AND hs.i = w.i
$$;

-- A station's state at an instant: the row hydro.station_status returns, as a type, so a
-- status computed once can be handed to the alarm conditions.
CREATE TYPE hydro.station_state AS (
  stcd text, stnm text, sttp text, element text, tm timestamptz, value double precision,
  change_1h double precision, wrz double precision, grz double precision, fsltdz double precision,
  rain_1h double precision, rain_day double precision, state text
);

-- 0087's definition with rain_1h and rain_day from hydro.rain_totals (two probes per station
-- per window before, one set-based read for all gauges now). Same rows, same values.
CREATE OR REPLACE FUNCTION hydro.station_status(p_at timestamptz, p_stcd text[] DEFAULT NULL)
RETURNS TABLE (stcd text, stnm text, sttp text, element text, tm timestamptz, value double precision,
               change_1h double precision, wrz double precision, grz double precision, fsltdz double precision,
               rain_1h double precision, rain_day double precision, state text)
LANGUAGE sql STABLE AS $$
  WITH cfg AS MATERIALIZED (
    SELECT make_interval(hours => (SELECT value FROM hydro.setting WHERE key = 'status_lookback_h')::int) AS lookback,
           p_at - interval '1 hour' AS f1, hydro.rain_day_start(hydro.rain_day(p_at)) AS fd
  ),
  st AS MATERIALIZED (
    SELECT s.stcd, s.stnm, s.sttp, d.id AS ds, d.element
      FROM hydro.st_stbprp_b s
      JOIN hydro.code_station_element ce ON ce.sttp = s.sttp AND ce.is_primary
      JOIN hydro.datastream d ON d.stcd = s.stcd AND d.element = ce.element
     WHERE s.usfl AND (p_stcd IS NULL OR s.stcd = ANY (p_stcd))
  ),
  rain AS MATERIALIZED (
    SELECT r.ds, max(r.total) FILTER (WHERE r.i = 1) AS rain_1h, max(r.total) FILTER (WHERE r.i = 2) AS rain_day
      FROM cfg, hydro.rain_totals(p_at, ARRAY(SELECT st.ds FROM st WHERE st.element = 'DRP'), ARRAY[cfg.f1, cfg.fd]) r
     GROUP BY r.ds
  ),
  v AS MATERIALIZED (
    SELECT st.*, l.tm, l.value, l1.value AS value_1h_ago, rain.rain_1h, rain.rain_day,
           rv.wrz, rv.grz, hydro.flood_limit_at(st.stcd, p_at) AS fsltdz
      FROM st CROSS JOIN cfg
      LEFT JOIN rain ON rain.ds = st.ds
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

-- The alarm conditions of the stations whose state at p_at is given (0087's
-- hydro.alarm_conditions_many, minus computing that state, with the rule windows' totals from
-- hydro.rain_totals). Rows and messages as before.
CREATE FUNCTION hydro.alarm_conditions_of(p_at timestamptz, p_state hydro.station_state[])
RETURNS TABLE (stcd text, kind text, level smallint, active boolean, value double precision, threshold double precision, message_zh text, message_en text)
LANGUAGE sql STABLE AS $$
  WITH s AS MATERIALIZED (SELECT * FROM unnest(p_state)),
  rise AS (SELECT value FROM hydro.setting WHERE key = 'rise_fast_m_per_h'),
  wins AS MATERIALIZED (SELECT array_agg(DISTINCT r.window_h ORDER BY r.window_h) AS h FROM hydro.rain_alarm_rule r),
  g AS MATERIALIZED (
    SELECT s.stcd, d.id AS ds FROM s JOIN hydro.datastream d ON d.stcd = s.stcd AND d.element = 'DRP' WHERE s.tm IS NOT NULL
  ),
  tot AS MATERIALIZED (
    SELECT g.stcd, wins.h[t.i] AS h, t.total
      FROM wins,
           hydro.rain_totals(p_at, ARRAY(SELECT g.ds FROM g), ARRAY(SELECT p_at - make_interval(hours => x) FROM unnest(wins.h) AS x)) t
      JOIN g ON g.ds = t.ds
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

-- The batch's stations, locked in code order (two batches of overlapping stations queue on
-- the first station they share instead of deadlocking).
CREATE FUNCTION hydro.lock_stations(p_ds integer[]) RETURNS void
LANGUAGE sql AS $$
  SELECT 1 FROM hydro.st_stbprp_b s
   WHERE s.stcd IN (SELECT d.stcd FROM hydro.datastream d WHERE d.id = ANY (p_ds))
   ORDER BY s.stcd FOR NO KEY UPDATE
$$;

-- Evaluation as 0087, with each instant's station state computed once for the conditions and
-- the map state, the stations locked first, and the map state never moved back in time. A
-- station is evaluated at its latest time written, at its newer state when the batch is late
-- data, and at any further (datastream, instant) pairs given (the level crossings of a batch).
DROP FUNCTION hydro.evaluate_alarms(integer[], timestamptz[]);
CREATE FUNCTION hydro.evaluate_alarms(p_ds integer[], p_latest timestamptz[],
                                      p_at_ds integer[] DEFAULT '{}', p_at_tm timestamptz[] DEFAULT '{}') RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  g record;
  st hydro.station_state[];
  events integer := 0;
  n integer;
BEGIN
  PERFORM hydro.lock_stations(p_ds);
  FOR g IN
    WITH b AS (
      SELECT d.stcd, max(u.t) AS at
        FROM unnest(p_ds, p_latest) AS u(ds, t) JOIN hydro.datastream d ON d.id = u.ds
       GROUP BY d.stcd
    )
    SELECT x.at, array_agg(x.stcd ORDER BY x.stcd) AS stcds
      FROM (SELECT b.stcd, b.at FROM b
            UNION
            -- Late data (a backfill, or a batch that reached its station locks after a batch
            -- of later data): the station's newer state is evaluated again with it, so a window
            -- the two batches only fill together still raises its alarm. Older than a day, the
            -- late rows lie outside every window of the newer state.
            SELECT s.stcd, s.status_tm FROM b JOIN hydro.st_stbprp_b s ON s.stcd = b.stcd
             WHERE s.status_tm > b.at AND s.status_tm < b.at + interval '1 day'
            UNION
            -- Level crossings inside the batch (hydro.level_crossings).
            SELECT d.stcd, u.t FROM unnest(p_at_ds, p_at_tm) AS u(ds, t) JOIN hydro.datastream d ON d.id = u.ds) x
     GROUP BY x.at ORDER BY x.at
  LOOP
    st := ARRAY(SELECT s::hydro.station_state FROM hydro.station_status(g.at, g.stcds) s);
    WITH c AS MATERIALIZED (SELECT * FROM hydro.alarm_conditions_of(g.at, st)),
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
      FROM unnest(st) x
     WHERE s.stcd = x.stcd AND (s.status, s.status_value, s.status_tm) IS DISTINCT FROM (x.state, x.value, x.tm)
       AND (s.status_tm IS NULL OR x.tm >= s.status_tm);
  END LOOP;
  RETURN events;
END;
$$;

-- 0087's hydro.refresh_rollups in its two halves (it had no other caller, and is dropped), so the hourly half (keys no other batch of
-- another hour shares) can run before the station locks and the daily half after them.
CREATE FUNCTION hydro.refresh_hourly(k_ds integer[], k_hr timestamptz[]) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO hydro.obs_hourly AS h (datastream_id, hour_end, n, sum, min, max, last)
  SELECT k.ds, k.hr, a.n, a.sum, a.min, a.max, a.last
    FROM (SELECT DISTINCT u.ds, u.hr FROM unnest(k_ds, k_hr) AS u(ds, hr)) k
    CROSS JOIN LATERAL (
      SELECT count(*) AS n, sum(o.value) AS sum, min(o.value) AS min, max(o.value) AS max, (array_agg(o.value ORDER BY o.tm DESC))[1] AS last
        FROM hydro.obs o WHERE o.datastream_id = k.ds AND o.tm > k.hr - interval '1 hour' AND o.tm <= k.hr) a
   WHERE a.n > 0
   ORDER BY k.ds, k.hr
  ON CONFLICT (datastream_id, hour_end) DO UPDATE
    SET n = EXCLUDED.n, sum = EXCLUDED.sum, min = EXCLUDED.min, max = EXCLUDED.max, last = EXCLUDED.last
$$;

CREATE FUNCTION hydro.refresh_daily(k_ds integer[], k_hr timestamptz[]) RETURNS void
LANGUAGE sql AS $$
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
    SET n = EXCLUDED.n, sum = EXCLUDED.sum, min = EXCLUDED.min, max = EXCLUDED.max, last = EXCLUDED.last
$$;

-- Where the level class of a station's primary stage/level datastream changes within the given
-- rows (station_status's order: 保证, 警戒, 汛限): (datastream, instant) pairs. The first row of
-- a datastream counts as a change when it is above a threshold (what came before it was
-- evaluated by earlier batches).
CREATE FUNCTION hydro.level_crossings(p_ds integer[], p_tm timestamptz[], p_value real[], OUT ds integer[], OUT tm timestamptz[])
LANGUAGE sql STABLE AS $$
  WITH lv AS MATERIALIZED (
    SELECT d.id, d.stcd, rv.wrz, rv.grz, EXISTS (SELECT 1 FROM hydro.st_rsvrfsr_b f WHERE f.stcd = d.stcd) AS has_flood_limit
      FROM hydro.datastream d
      JOIN hydro.st_stbprp_b s ON s.stcd = d.stcd
      JOIN hydro.code_station_element ce ON ce.sttp = s.sttp AND ce.is_primary AND ce.element = d.element
      LEFT JOIN hydro.st_rvfcch_b rv ON rv.stcd = d.stcd
     WHERE d.id IN (SELECT DISTINCT x FROM unnest(p_ds) AS x) AND d.element <> 'DRP'
  ),
  r AS (
    SELECT u.d, u.t,
           CASE WHEN u.v >= lv.grz THEN 3 WHEN u.v >= lv.wrz THEN 2
                WHEN lv.has_flood_limit AND u.v > hydro.flood_limit_at(lv.stcd, u.t) THEN 1 ELSE 0 END AS rank
      FROM unnest(p_ds, p_tm, p_value) AS u(d, t, v) JOIN lv ON lv.id = u.d
     WHERE lv.wrz IS NOT NULL OR lv.grz IS NOT NULL OR lv.has_flood_limit
  ),
  c AS (
    SELECT r.d, r.t, r.rank, lag(r.rank) OVER (PARTITION BY r.d ORDER BY r.t) AS prev FROM r
  )
  SELECT array_agg(c.d ORDER BY c.t, c.d), array_agg(c.t ORDER BY c.t, c.d) FROM c
   WHERE CASE WHEN c.prev IS NULL THEN c.rank > 0 ELSE c.rank <> c.prev END
$$;

-- The whole ingest of a validated batch, in one call (one statement, so one transaction even
-- without BEGIN): idempotent on (datastream, tm); returns the rows written and the alarm events
-- raised or cleared. Fresh data, the usual case of a live feed, goes in by a plain INSERT, a
-- quarter cheaper than the upsert (no speculative insertion per row, no RETURNING: every row is
-- written, so the keys to refresh are the batch's own). When any key is stored already — a
-- re-send, a correction, an overlap — the unique violation undoes that insert (its own
-- subtransaction) and the batch takes the upsert. Only a batch written whole is scanned for
-- level crossings: in one that overlaps stored rows, unchanged rows must not be evaluated again
-- (a re-send would re-raise alarms cleared since).
CREATE FUNCTION hydro.ingest_batch(p_ds integer[], p_tm timestamptz[], p_value real[], OUT written bigint, OUT events integer)
LANGUAGE plpgsql AS $$
DECLARE
  fresh boolean := true;
  k_ds integer[];
  k_hr timestamptz[];
  k_latest timestamptz[];
  l_ds integer[];
  l_tm timestamptz[];
  x_ds integer[] := '{}';
  x_tm timestamptz[] := '{}';
BEGIN
  PERFORM hydro.ensure_obs_partitions(min(t), max(t)) FROM unnest(p_tm) AS t;
  BEGIN
    INSERT INTO hydro.obs (tm, datastream_id, value)
    SELECT u.t, u.d, u.v FROM unnest(p_tm, p_ds, p_value) AS u(t, d, v) ORDER BY u.d, u.t;
    GET DIAGNOSTICS written = ROW_COUNT;
  EXCEPTION WHEN unique_violation THEN
    fresh := false;
  END;
  IF fresh THEN
    SELECT array_agg(k.ds ORDER BY k.ds, k.hr), array_agg(k.hr ORDER BY k.ds, k.hr), array_agg(k.latest ORDER BY k.ds, k.hr)
      INTO k_ds, k_hr, k_latest
      FROM (SELECT u.d AS ds, hydro.hour_end(u.t) AS hr, max(u.t) AS latest FROM unnest(p_ds, p_tm) AS u(d, t) GROUP BY 1, 2) k;
  ELSE
    WITH w AS (
      INSERT INTO hydro.obs AS o (tm, datastream_id, value)
      SELECT u.t, u.d, u.v FROM unnest(p_tm, p_ds, p_value) AS u(t, d, v) ORDER BY u.d, u.t
      ON CONFLICT (datastream_id, tm) DO UPDATE SET value = EXCLUDED.value
        WHERE o.value IS DISTINCT FROM EXCLUDED.value
      RETURNING o.datastream_id, o.tm
    ), k AS (
      SELECT w.datastream_id AS ds, hydro.hour_end(w.tm) AS hr, count(*) AS n, max(w.tm) AS latest FROM w GROUP BY 1, 2
    )
    SELECT coalesce(sum(k.n), 0), array_agg(k.ds ORDER BY k.ds, k.hr), array_agg(k.hr ORDER BY k.ds, k.hr), array_agg(k.latest ORDER BY k.ds, k.hr)
      INTO written, k_ds, k_hr, k_latest FROM k;
  END IF;
  events := 0;
  IF written = 0 THEN
    RETURN;
  END IF;
  PERFORM hydro.refresh_hourly(k_ds, k_hr);
  PERFORM hydro.lock_stations(k_ds);
  PERFORM hydro.refresh_daily(k_ds, k_hr);
  SELECT array_agg(x.ds ORDER BY x.ds), array_agg(x.m ORDER BY x.ds) INTO l_ds, l_tm
    FROM (SELECT u.ds, max(u.t) AS m FROM unnest(k_ds, k_latest) AS u(ds, t) GROUP BY u.ds) x;
  IF fresh THEN
    SELECT coalesce(c.ds, '{}'), coalesce(c.tm, '{}') INTO x_ds, x_tm FROM hydro.level_crossings(p_ds, p_tm, p_value) c;
  END IF;
  events := hydro.evaluate_alarms(l_ds, l_tm, x_ds, x_tm);
END;
$$;

-- Replaced above and called by nothing any more.
DROP FUNCTION hydro.ingest_observations(integer[], timestamptz[], real[]);
DROP FUNCTION hydro.refresh_rollups(integer[], timestamptz[]);
DROP FUNCTION hydro.alarm_conditions_many(text[], timestamptz);
DROP FUNCTION hydro.alarm_conditions(text, timestamptz);
