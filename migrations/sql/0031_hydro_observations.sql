-- Observations (architecture.md §3): one narrow table for every element, natively partitioned by
-- month on the observation time, monthly partitions created on demand by the ingest path;
-- hourly and daily (08:00 rainfall day) rollups maintained on ingest, never per request.
--
-- Row layout is chosen for bytes per observation: tm (8) · datastream_id (4) · value (4) =
-- 16 bytes of data, no padding. `value` is real: SL 323 values carry ≤ 7 significant digits
-- (Z numeric(7,3), DRP numeric(5,1)). TM is the END of the period for totals (SL 323 DRP).

CREATE TABLE hydro.obs (
  tm timestamptz NOT NULL,
  datastream_id integer NOT NULL,
  value real NOT NULL,
  PRIMARY KEY (datastream_id, tm)
) PARTITION BY RANGE (tm);
CREATE INDEX obs_tm_brin ON hydro.obs USING brin (tm);

-- Hour buckets end on the hour (period-ending, like SL 323 TM): (h − 1 h, h]. Explicitly in
-- Asia/Shanghai so the result never depends on the session time zone.
CREATE FUNCTION hydro.hour_end(t timestamptz) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT date_trunc('hour', t - interval '1 microsecond', 'Asia/Shanghai') + interval '1 hour'
$$;

-- The rainfall day (SL 21): day D is (D 08:00, D+1 08:00] Beijing time, so the 08:00 record
-- itself belongs to the previous day.
CREATE FUNCTION hydro.rain_day(t timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT ((t - interval '1 microsecond') AT TIME ZONE 'Asia/Shanghai' - interval '8 hours')::date
$$;

-- Start (exclusive) of rainfall day D as an instant: D 08:00 Beijing time.
CREATE FUNCTION hydro.rain_day_start(d date) RETURNS timestamptz
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (d + time '08:00') AT TIME ZONE 'Asia/Shanghai'
$$;

-- Creates the monthly partitions covering [p_from, p_to] that do not exist yet. Months are
-- calendar months in UTC (partition bounds are instants; any fixed rule works for pruning).
-- An advisory lock serialises concurrent creators of the same month.
CREATE FUNCTION hydro.ensure_obs_partitions(p_from timestamptz, p_to timestamptz) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  m timestamp;
  created integer := 0;
  part text;
BEGIN
  IF p_from IS NULL OR p_to IS NULL THEN
    RETURN 0;
  END IF;
  m := date_trunc('month', p_from AT TIME ZONE 'UTC');
  WHILE m <= p_to AT TIME ZONE 'UTC' LOOP
    part := 'obs_' || to_char(m, 'YYYY"m"MM');
    IF to_regclass('hydro.' || part) IS NULL THEN
      PERFORM pg_advisory_xact_lock(727100010);
      IF to_regclass('hydro.' || part) IS NULL THEN
        EXECUTE format('CREATE TABLE hydro.%I PARTITION OF hydro.obs FOR VALUES FROM (%L) TO (%L)',
                       part, (m AT TIME ZONE 'UTC'), ((m + interval '1 month') AT TIME ZONE 'UTC'));
        created := created + 1;
      END IF;
    END IF;
    m := m + interval '1 month';
  END LOOP;
  RETURN created;
END;
$$;

-- Hourly rollup: (hour_end − 1 h, hour_end]. sum for totals; min/max/last for instants.
CREATE TABLE hydro.obs_hourly (
  datastream_id integer NOT NULL,
  hour_end timestamptz NOT NULL,
  n integer NOT NULL,
  sum double precision NOT NULL,
  min real NOT NULL,
  max real NOT NULL,
  last real NOT NULL,
  PRIMARY KEY (datastream_id, hour_end)
);

-- Daily rollup on the 08:00 rainfall day (hydro.rain_day); built from the hourly rollup, whose
-- buckets nest exactly in rainfall days because Beijing time has a whole-hour offset.
CREATE TABLE hydro.obs_daily (
  datastream_id integer NOT NULL,
  day date NOT NULL,
  n integer NOT NULL,
  sum double precision NOT NULL,
  min real NOT NULL,
  max real NOT NULL,
  last real NOT NULL,
  PRIMARY KEY (datastream_id, day)
);

-- Recomputes the hourly buckets (ds, hour_end) given, from raw rows, then the rainfall days
-- they fall in from the hourly rollup. Recomputing (not incrementing) keeps rollups exact
-- when a re-sent row corrects a value.
CREATE FUNCTION hydro.refresh_rollups(k_ds integer[], k_hr timestamptz[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO hydro.obs_hourly AS h (datastream_id, hour_end, n, sum, min, max, last)
  SELECT k.ds, k.hr, count(*), sum(o.value), min(o.value), max(o.value), (array_agg(o.value ORDER BY o.tm DESC))[1]
    FROM unnest(k_ds, k_hr) AS k(ds, hr)
    JOIN hydro.obs o ON o.datastream_id = k.ds AND o.tm > k.hr - interval '1 hour' AND o.tm <= k.hr
   GROUP BY k.ds, k.hr
  ON CONFLICT (datastream_id, hour_end) DO UPDATE
    SET n = EXCLUDED.n, sum = EXCLUDED.sum, min = EXCLUDED.min, max = EXCLUDED.max, last = EXCLUDED.last;

  INSERT INTO hydro.obs_daily AS d (datastream_id, day, n, sum, min, max, last)
  SELECT k.ds, k.day, sum(h.n), sum(h.sum), min(h.min), max(h.max), (array_agg(h.last ORDER BY h.hour_end DESC))[1]
    FROM (SELECT DISTINCT u.ds, hydro.rain_day(u.hr) AS day FROM unnest(k_ds, k_hr) AS u(ds, hr)) k
    JOIN hydro.obs_hourly h ON h.datastream_id = k.ds
     AND h.hour_end > hydro.rain_day_start(k.day) AND h.hour_end <= hydro.rain_day_start(k.day + 1)
   GROUP BY k.ds, k.day
  ON CONFLICT (datastream_id, day) DO UPDATE
    SET n = EXCLUDED.n, sum = EXCLUDED.sum, min = EXCLUDED.min, max = EXCLUDED.max, last = EXCLUDED.last;
END;
$$;

-- Rebuilds every rollup touching [p_from, p_to] from raw rows in bulk (after a COPY load).
CREATE FUNCTION hydro.rebuild_rollups(p_from timestamptz, p_to timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  h0 timestamptz := hydro.hour_end(p_from);
  h1 timestamptz := hydro.hour_end(p_to);
BEGIN
  DELETE FROM hydro.obs_hourly WHERE hour_end >= h0 AND hour_end <= h1;
  INSERT INTO hydro.obs_hourly (datastream_id, hour_end, n, sum, min, max, last)
  SELECT datastream_id, hydro.hour_end(tm) AS hr, count(*), sum(value), min(value), max(value),
         (array_agg(value ORDER BY tm DESC))[1]
    FROM hydro.obs WHERE tm > h0 - interval '1 hour' AND tm <= h1
   GROUP BY datastream_id, hr;
  DELETE FROM hydro.obs_daily WHERE day >= hydro.rain_day(h0) AND day <= hydro.rain_day(h1);
  INSERT INTO hydro.obs_daily (datastream_id, day, n, sum, min, max, last)
  SELECT datastream_id, hydro.rain_day(hour_end) AS day, sum(n), sum(sum), min(min), max(max),
         (array_agg(last ORDER BY hour_end DESC))[1]
    FROM hydro.obs_hourly
   WHERE hour_end > hydro.rain_day_start(hydro.rain_day(h0)) AND hour_end <= hydro.rain_day_start(hydro.rain_day(h1) + 1)
   GROUP BY datastream_id, day;
END;
$$;

-- The ingest write: idempotent on (datastream, tm). A row equal to the stored one changes
-- nothing (not even a dead tuple); a different value for the same key replaces it (a
-- correction). Only the hour buckets actually written are re-aggregated. Returns the number
-- of rows written and, per datastream, the latest time written (for alarm evaluation).
CREATE FUNCTION hydro.ingest_observations(p_ds integer[], p_tm timestamptz[], p_value real[],
                                          OUT written bigint, OUT ds integer[], OUT latest timestamptz[])
LANGUAGE plpgsql AS $$
DECLARE
  k_ds integer[];
  k_hr timestamptz[];
BEGIN
  PERFORM hydro.ensure_obs_partitions(min(t), max(t)) FROM unnest(p_tm) AS t;
  WITH w AS (
    INSERT INTO hydro.obs AS o (tm, datastream_id, value)
    SELECT u.t, u.d, u.v FROM unnest(p_tm, p_ds, p_value) AS u(t, d, v)
    ON CONFLICT (datastream_id, tm) DO UPDATE SET value = EXCLUDED.value
      WHERE o.value IS DISTINCT FROM EXCLUDED.value
    RETURNING o.datastream_id, o.tm
  ), k AS (
    SELECT DISTINCT w.datastream_id, hydro.hour_end(w.tm) AS hr FROM w
  )
  SELECT (SELECT count(*) FROM w), (SELECT array_agg(k.datastream_id) FROM k), (SELECT array_agg(k.hr) FROM k),
         (SELECT array_agg(l.datastream_id ORDER BY l.datastream_id) FROM (SELECT w.datastream_id, max(w.tm) AS m FROM w GROUP BY 1) l),
         (SELECT array_agg(l.m ORDER BY l.datastream_id) FROM (SELECT w.datastream_id, max(w.tm) AS m FROM w GROUP BY 1) l)
    INTO written, k_ds, k_hr, ds, latest;
  IF written > 0 THEN
    PERFORM hydro.refresh_rollups(k_ds, k_hr);
  END IF;
END;
$$;

-- Total of a datastream over (p_from, p_to]: whole hours from the hourly rollup, the partial
-- hours at either end from raw rows. Exact, and reads ≤ 2 × 11 raw rows plus ≤ 24 rollup rows
-- for a 24 h window of 5-minute data.
CREATE FUNCTION hydro.sum_between(p_ds integer, p_from timestamptz, p_to timestamptz) RETURNS double precision
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN b.h1 >= b.h2 THEN
           (SELECT coalesce(sum(o.value), 0) FROM hydro.obs o WHERE o.datastream_id = p_ds AND o.tm > p_from AND o.tm <= p_to)
         ELSE
           (SELECT coalesce(sum(o.value), 0) FROM hydro.obs o
             WHERE o.datastream_id = p_ds AND o.tm > p_from AND o.tm <= p_to
               AND (o.tm <= b.h1 OR o.tm > b.h2))
         + (SELECT coalesce(sum(h.sum), 0) FROM hydro.obs_hourly h
             WHERE h.datastream_id = p_ds AND h.hour_end > b.h1 AND h.hour_end <= b.h2)
         END
    FROM (SELECT hydro.hour_end(p_from) AS h1, date_trunc('hour', p_to, 'Asia/Shanghai') AS h2) b
$$;

-- The latest value of a datastream at or before p_at, no older than p_lookback: raw rows
-- first, else the hourly rollup (periods kept only as rollups, e.g. after raw retention).
CREATE FUNCTION hydro.latest_at(p_ds integer, p_at timestamptz, p_lookback interval, OUT tm timestamptz, OUT value double precision)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT x.tm, x.value FROM (
    (SELECT o.tm, o.value::double precision AS value, 0 AS pri FROM hydro.obs o
      WHERE o.datastream_id = p_ds AND o.tm <= p_at AND o.tm > p_at - p_lookback
      ORDER BY o.tm DESC LIMIT 1)
    UNION ALL
    (SELECT h.hour_end, h.last::double precision, 1 FROM hydro.obs_hourly h
      WHERE h.datastream_id = p_ds AND h.hour_end <= p_at AND h.hour_end > p_at - p_lookback
      ORDER BY h.hour_end DESC LIMIT 1)
  ) x ORDER BY x.tm DESC, x.pri LIMIT 1
$$;

-- SL 323-shaped read views over the narrow table (for tools that expect ST_*_R).
CREATE VIEW hydro.st_pptn_r AS
SELECT d.stcd, o.tm, o.value::numeric(5, 1) AS drp, (d.intv_min / 60 + (d.intv_min % 60) / 100.0)::numeric(5, 2) AS intv
  FROM hydro.obs o JOIN hydro.datastream d ON d.id = o.datastream_id WHERE d.element = 'DRP';

CREATE VIEW hydro.st_river_r AS
SELECT d.stcd, o.tm,
       max(o.value) FILTER (WHERE d.element = 'Z')::numeric(7, 3) AS z,
       max(o.value) FILTER (WHERE d.element = 'Q')::numeric(9, 3) AS q
  FROM hydro.obs o JOIN hydro.datastream d ON d.id = o.datastream_id
  JOIN hydro.st_stbprp_b s ON s.stcd = d.stcd AND s.sttp IN ('ZZ', 'ZQ')
 WHERE d.element IN ('Z', 'Q') GROUP BY d.stcd, o.tm;

CREATE VIEW hydro.st_rsvr_r AS
SELECT d.stcd, o.tm,
       max(o.value) FILTER (WHERE d.element = 'RZ')::numeric(7, 3) AS rz,
       max(o.value) FILTER (WHERE d.element = 'INQ')::numeric(9, 3) AS inq,
       max(o.value) FILTER (WHERE d.element = 'OTQ')::numeric(9, 3) AS otq,
       max(o.value) FILTER (WHERE d.element = 'W')::numeric(9, 3) AS w
  FROM hydro.obs o JOIN hydro.datastream d ON d.id = o.datastream_id
 WHERE d.element IN ('RZ', 'INQ', 'OTQ', 'W') GROUP BY d.stcd, o.tm;
