-- Threshold crossings inside a batch. A batch was evaluated only at each station's latest time
-- written, so an hourly upload in which a river rose above 警戒 at 10:15 and fell back by 10:40
-- raised nothing, and a level that stayed above was alarmed at the batch's end, not when it
-- crossed. Now, for stage and reservoir-level datastreams with thresholds, the batch's own rows
-- say where the station's level class (保证 / 警戒 / 汛限 / below) changes, and each such
-- instant is evaluated too, in time order: an alarm is raised at the observation that crossed
-- and cleared at the one that came back. The first row of a datastream in the batch counts as
-- a change when it is above a threshold (what came before it was evaluated by earlier batches).
-- Only batches written whole (fresh data) are scanned: in a batch that overlaps stored rows,
-- unchanged rows must not be evaluated again (a re-send would re-raise alarms cleared since).
-- Rainfall windows and rising-fast are still evaluated at the batch's latest time.

-- Evaluation (0094) at the latest time per station, the late-data instants, and any further
-- (datastream, instant) pairs given.
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
            SELECT s.stcd, s.status_tm FROM b JOIN hydro.st_stbprp_b s ON s.stcd = b.stcd
             WHERE s.status_tm > b.at AND s.status_tm < b.at + interval '1 day'
            UNION
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

-- Where the level class of a station's primary stage/level datastream changes within the given
-- rows (station_status's order: 保证, 警戒, 汛限): (datastream, instant) pairs.
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

-- 0092's ingest with the crossings of a batch written whole evaluated too.
CREATE OR REPLACE FUNCTION hydro.ingest_batch(p_ds integer[], p_tm timestamptz[], p_value real[], OUT written bigint, OUT events integer)
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
