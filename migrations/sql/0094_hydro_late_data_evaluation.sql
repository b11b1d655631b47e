-- Alarm evaluation (0090) for late data. A batch is evaluated at each station's latest time it
-- wrote. When a batch of later data was evaluated first — a concurrent batch that reached the
-- station locks before this one, or a station uploading what it buffered during an outage —
-- that evaluation could not see these rows, and a window the two batches only fill together
-- (30 mm in each of two hours against the 3-hour 50 mm rule) raised nothing. Now a batch whose
-- station shows a newer state (status_tm) also evaluates that newer instant, after its own.

CREATE OR REPLACE FUNCTION hydro.evaluate_alarms(p_ds integer[], p_latest timestamptz[]) RETURNS integer
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
             WHERE s.status_tm > b.at AND s.status_tm < b.at + interval '1 day') x
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
       -- The map state only moves forward: a late batch of older data (a backfill, or a
       -- concurrent batch that reached its station locks last) leaves the newer state alone.
       AND (s.status_tm IS NULL OR x.tm >= s.status_tm);
  END LOOP;
  RETURN events;
END;
$$;
