-- Station status at an instant and alarms with a lifecycle (raised → acknowledged → cleared),
-- evaluated on ingest in the same transaction as the write, with an append-only event log
-- whose ids are the Server-Sent Events ids (a reconnecting client replays what it missed).

-- The flood-season limit (汛限水位) in force at p_at: the ST_RSVRFSR_B row whose [BGMD, EDMD]
-- contains p_at's month-day in Beijing time.
CREATE FUNCTION hydro.flood_limit_at(p_stcd text, p_at timestamptz) RETURNS double precision
LANGUAGE sql STABLE AS $$
  SELECT f.fsltdz FROM hydro.st_rsvrfsr_b f
   WHERE f.stcd = p_stcd AND to_char(p_at AT TIME ZONE 'Asia/Shanghai', 'MMDD') BETWEEN f.bgmd AND f.edmd
   ORDER BY f.bgmd DESC LIMIT 1
$$;

-- One row per station (all, or those listed) with its primary element at p_at: latest value
-- within the lookback, the change over the last hour, thresholds, rainfall totals for rain
-- gauges, and a state. Rain gauges' "value" is the 1 h total ending at p_at.
CREATE FUNCTION hydro.station_status(p_at timestamptz, p_stcd text[] DEFAULT NULL)
RETURNS TABLE (stcd text, stnm text, sttp text, element text, tm timestamptz, value double precision,
               change_1h double precision, wrz double precision, grz double precision, fsltdz double precision,
               rain_1h double precision, rain_day double precision, state text)
LANGUAGE sql STABLE AS $$
  WITH cfg AS (SELECT make_interval(hours => (SELECT value FROM hydro.setting WHERE key = 'status_lookback_h')::int) AS lookback),
  st AS (
    SELECT s.stcd, s.stnm, s.sttp, d.id AS ds, d.element
      FROM hydro.st_stbprp_b s
      JOIN hydro.code_station_element ce ON ce.sttp = s.sttp AND ce.is_primary
      JOIN hydro.datastream d ON d.stcd = s.stcd AND d.element = ce.element
     WHERE s.usfl AND (p_stcd IS NULL OR s.stcd = ANY (p_stcd))
  ),
  v AS (
    SELECT st.*, l.tm, l.value, l1.value AS value_1h_ago,
           CASE WHEN st.element = 'DRP' THEN hydro.sum_between(st.ds, p_at - interval '1 hour', p_at) END AS rain_1h,
           CASE WHEN st.element = 'DRP' THEN hydro.sum_between(st.ds, hydro.rain_day_start(hydro.rain_day(p_at)), p_at) END AS rain_day,
           rv.wrz, rv.grz, hydro.flood_limit_at(st.stcd, p_at) AS fsltdz
      FROM st CROSS JOIN cfg
      LEFT JOIN LATERAL hydro.latest_at(st.ds, p_at, cfg.lookback) l ON true
      LEFT JOIN LATERAL hydro.latest_at(st.ds, p_at - interval '1 hour', interval '1 hour') l1 ON st.element <> 'DRP'
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

CREATE TABLE hydro.alarm (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  stcd text NOT NULL REFERENCES hydro.st_stbprp_b (stcd) ON DELETE CASCADE,
  -- over_warning | over_guarantee | over_flood_limit | rising_fast | a hydro.rain_alarm_rule code
  kind text NOT NULL,
  level smallint NOT NULL,
  state text NOT NULL DEFAULT 'raised' CHECK (state IN ('raised', 'acknowledged', 'cleared')),
  -- Data time (the observation that met the condition) and system time.
  raised_at timestamptz NOT NULL,
  value double precision,
  threshold double precision,
  message_zh text NOT NULL,
  message_en text NOT NULL,
  acknowledged_at timestamptz,
  acknowledged_by text,
  cleared_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK ((state = 'cleared') = (cleared_at IS NOT NULL))
);
-- At most one open alarm per station and kind.
CREATE UNIQUE INDEX alarm_open_idx ON hydro.alarm (stcd, kind) WHERE cleared_at IS NULL;
CREATE INDEX alarm_raised_at_idx ON hydro.alarm (raised_at);

CREATE TABLE hydro.alarm_event (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  alarm_id bigint NOT NULL REFERENCES hydro.alarm (id) ON DELETE CASCADE,
  event text NOT NULL CHECK (event IN ('raised', 'acknowledged', 'cleared')),
  at timestamptz NOT NULL DEFAULT now()
);

-- Every event is announced at commit (never for a rolled-back batch); listeners read the rows.
CREATE FUNCTION hydro.notify_alarm_event() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('hydro_alarm_events', (SELECT max(id)::text FROM new_rows));
  RETURN NULL;
END;
$$;
CREATE TRIGGER alarm_event_notify AFTER INSERT ON hydro.alarm_event
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION hydro.notify_alarm_event();

-- The alarm conditions of one station at p_at: every kind that applies, whether it holds.
CREATE FUNCTION hydro.alarm_conditions(p_stcd text, p_at timestamptz)
RETURNS TABLE (kind text, level smallint, active boolean, value double precision, threshold double precision, message_zh text, message_en text)
LANGUAGE sql STABLE AS $$
  WITH s AS (SELECT * FROM hydro.station_status(p_at, ARRAY[p_stcd])),
  rise AS (SELECT value FROM hydro.setting WHERE key = 'rise_fast_m_per_h')
  SELECT 'over_warning', 2::smallint, s.value >= s.wrz, s.value, s.wrz,
         format('%s 水位 %s 米，超警戒水位 %s 米', s.stnm, round(s.value::numeric, 2), round(s.wrz::numeric, 2)),
         format('%s stage %s m above warning level %s m', s.stcd, round(s.value::numeric, 2), round(s.wrz::numeric, 2))
    FROM s WHERE s.wrz IS NOT NULL AND s.tm IS NOT NULL
  UNION ALL
  SELECT 'over_guarantee', 3::smallint, s.value >= s.grz, s.value, s.grz,
         format('%s 水位 %s 米，超保证水位 %s 米', s.stnm, round(s.value::numeric, 2), round(s.grz::numeric, 2)),
         format('%s stage %s m above guaranteed level %s m', s.stcd, round(s.value::numeric, 2), round(s.grz::numeric, 2))
    FROM s WHERE s.grz IS NOT NULL AND s.tm IS NOT NULL
  UNION ALL
  SELECT 'over_flood_limit', 2::smallint, s.value > s.fsltdz, s.value, s.fsltdz,
         format('%s 库水位 %s 米，超汛限水位 %s 米', s.stnm, round(s.value::numeric, 2), round(s.fsltdz::numeric, 2)),
         format('%s reservoir level %s m above flood-season limit %s m', s.stcd, round(s.value::numeric, 2), round(s.fsltdz::numeric, 2))
    FROM s WHERE s.fsltdz IS NOT NULL AND s.tm IS NOT NULL
  UNION ALL
  SELECT 'rising_fast', 1::smallint, s.change_1h >= rise.value, s.change_1h, rise.value,
         format('%s 水位1小时上涨 %s 米', s.stnm, round(s.change_1h::numeric, 2)),
         format('%s stage rose %s m in one hour', s.stcd, round(s.change_1h::numeric, 2))
    FROM s, rise WHERE s.element <> 'DRP' AND s.change_1h IS NOT NULL
  UNION ALL
  SELECT r.code, r.level, t.total >= r.min_mm, t.total, r.min_mm,
         format('%s %s：%s毫米', s.stnm, r.name_zh, round(t.total::numeric, 1)),
         format('%s %s: %s mm', s.stcd, r.name_en, round(t.total::numeric, 1))
    FROM s
    JOIN hydro.datastream d ON d.stcd = s.stcd AND d.element = 'DRP'
    CROSS JOIN hydro.rain_alarm_rule r
    CROSS JOIN LATERAL (SELECT hydro.sum_between(d.id, p_at - make_interval(hours => r.window_h), p_at) AS total) t
   WHERE s.tm IS NOT NULL
$$;

-- Evaluates the stations of a written batch, each at the latest time written for it: raises
-- alarms whose condition now holds and none is open, clears open ones whose condition no
-- longer holds, and stores the station's map state. Stations are taken in time order so a
-- replay raises alarms in the order the data describes. Returns the number of events.
CREATE FUNCTION hydro.evaluate_alarms(p_ds integer[], p_latest timestamptz[]) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  r record;
  c record;
  events integer := 0;
  new_id bigint;
BEGIN
  FOR r IN
    SELECT d.stcd, max(u.t) AS at
      FROM unnest(p_ds, p_latest) AS u(ds, t) JOIN hydro.datastream d ON d.id = u.ds
     GROUP BY d.stcd ORDER BY at, d.stcd
  LOOP
    FOR c IN SELECT * FROM hydro.alarm_conditions(r.stcd, r.at) ORDER BY level, kind LOOP
      IF c.active THEN
        INSERT INTO hydro.alarm (stcd, kind, level, raised_at, value, threshold, message_zh, message_en)
        VALUES (r.stcd, c.kind, c.level, r.at, c.value, c.threshold, c.message_zh, c.message_en)
        ON CONFLICT (stcd, kind) WHERE cleared_at IS NULL DO NOTHING
        RETURNING id INTO new_id;
        IF new_id IS NOT NULL THEN
          INSERT INTO hydro.alarm_event (alarm_id, event) VALUES (new_id, 'raised');
          events := events + 1;
        END IF;
        new_id := NULL;
      ELSE
        FOR new_id IN
          UPDATE hydro.alarm SET state = 'cleared', cleared_at = r.at
           WHERE stcd = r.stcd AND kind = c.kind AND cleared_at IS NULL RETURNING id
        LOOP
          INSERT INTO hydro.alarm_event (alarm_id, event) VALUES (new_id, 'cleared');
          events := events + 1;
        END LOOP;
        new_id := NULL;
      END IF;
    END LOOP;
    UPDATE hydro.st_stbprp_b s
       SET status = x.state, status_value = x.value, status_tm = x.tm
      FROM hydro.station_status(r.at, ARRAY[r.stcd]) x
     WHERE s.stcd = x.stcd AND (s.status, s.status_value, s.status_tm) IS DISTINCT FROM (x.state, x.value, x.tm);
  END LOOP;
  RETURN events;
END;
$$;
