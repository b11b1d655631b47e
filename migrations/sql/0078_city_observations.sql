-- 停车诱导 (parking guidance) and 能耗监测 (building energy) on one generic observation store
-- keyed by (object type, object id, metric) (domain.md §3.5 "City facility monitoring"), laid
-- out like hydro.obs (migration 0031): a narrow month-partitioned table, BRIN on time, the key
-- (datastream, tm), and a daily rollup (Beijing calendar day) maintained on ingest.

CREATE TABLE city.parking_lots (
  id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{1,32}$'),
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('surface', 'underground', 'multistorey', 'roadside')),
  capacity integer NOT NULL CHECK (capacity > 0),
  street_code char(9) REFERENCES base.towns (code),
  geom geometry(Point, 4490) NOT NULL,
  geom_3857 geometry(Point, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED
);
CREATE INDEX parking_lots_geom_idx ON city.parking_lots USING gist (geom);
CREATE INDEX parking_lots_geom_3857_idx ON city.parking_lots USING gist (geom_3857);
SELECT catalog.track_feature_changes('city.parking_lots');

-- Energy meters on buildings (building = base.buildings feature id, any version).
CREATE TABLE city.energy_meters (
  id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{1,32}$'),
  building_fid bigint NOT NULL,
  kind text NOT NULL CHECK (kind IN ('electricity', 'gas', 'water')),
  installed_on date
);
CREATE INDEX energy_meters_building_idx ON city.energy_meters (building_fid);

CREATE TABLE city.metric (
  object_type text NOT NULL CHECK (object_type IN ('parking_lot', 'energy_meter')),
  metric text NOT NULL CHECK (metric ~ '^[a-z_]{1,32}$'),
  unit text NOT NULL,
  -- instant (a level, e.g. occupied spaces) or total (a quantity over the period ending at tm).
  kind text NOT NULL CHECK (kind IN ('instant', 'total')),
  min_value real NOT NULL,
  max_value real NOT NULL,
  PRIMARY KEY (object_type, metric)
);
INSERT INTO city.metric VALUES
  ('parking_lot', 'occupied', 'spaces', 'instant', 0, 100000),
  ('energy_meter', 'energy_kwh', 'kWh', 'total', 0, 1e9);

CREATE TABLE city.datastream (
  id serial PRIMARY KEY,
  object_type text NOT NULL,
  object_id text NOT NULL,
  metric text NOT NULL,
  UNIQUE (object_type, object_id, metric),
  FOREIGN KEY (object_type, metric) REFERENCES city.metric (object_type, metric)
);

CREATE TABLE city.obs (
  tm timestamptz NOT NULL,
  datastream_id integer NOT NULL,
  value real NOT NULL,
  PRIMARY KEY (datastream_id, tm)
) PARTITION BY RANGE (tm);
CREATE INDEX city_obs_tm_brin ON city.obs USING brin (tm);

-- Daily rollup per Beijing calendar day: totals summed, instants min/max/last.
CREATE TABLE city.obs_daily (
  datastream_id integer NOT NULL,
  day date NOT NULL,
  n integer NOT NULL,
  sum double precision NOT NULL,
  min real NOT NULL,
  max real NOT NULL,
  last real NOT NULL,
  PRIMARY KEY (datastream_id, day)
);

CREATE FUNCTION city.obs_day(t timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (t AT TIME ZONE 'Asia/Shanghai')::date
$$;

-- Recomputes the daily rollup of the (datastream, day) keys given from raw rows.
CREATE FUNCTION city.refresh_obs_daily(k_ds integer[], k_day date[]) RETURNS void
LANGUAGE sql AS $$
  INSERT INTO city.obs_daily AS d (datastream_id, day, n, sum, min, max, last)
  SELECT k.ds, k.day, count(*), sum(o.value), min(o.value), max(o.value), (array_agg(o.value ORDER BY o.tm DESC))[1]
    FROM (SELECT DISTINCT * FROM unnest(k_ds, k_day) AS u(ds, day)) k
    JOIN city.obs o ON o.datastream_id = k.ds
     AND o.tm >= (k.day::timestamp AT TIME ZONE 'Asia/Shanghai') AND o.tm < ((k.day + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
   GROUP BY k.ds, k.day
  ON CONFLICT (datastream_id, day) DO UPDATE
    SET n = EXCLUDED.n, sum = EXCLUDED.sum, min = EXCLUDED.min, max = EXCLUDED.max, last = EXCLUDED.last
$$;

-- The ingest write: idempotent on (datastream, tm); only the days written are re-aggregated.
CREATE FUNCTION city.ingest_obs(p_ds integer[], p_tm timestamptz[], p_value real[], OUT written bigint)
LANGUAGE plpgsql AS $$
DECLARE
  k_ds integer[];
  k_day date[];
BEGIN
  PERFORM city.ensure_partitions('obs', min(t), max(t)) FROM unnest(p_tm) AS t;
  WITH w AS (
    INSERT INTO city.obs AS o (tm, datastream_id, value)
    SELECT u.t, u.d, u.v FROM unnest(p_tm, p_ds, p_value) AS u(t, d, v)
    ON CONFLICT (datastream_id, tm) DO UPDATE SET value = EXCLUDED.value
      WHERE o.value IS DISTINCT FROM EXCLUDED.value
    RETURNING o.datastream_id, o.tm
  ), k AS (SELECT DISTINCT w.datastream_id, city.obs_day(w.tm) AS day FROM w)
  SELECT (SELECT count(*) FROM w), (SELECT array_agg(k.datastream_id) FROM k), (SELECT array_agg(k.day) FROM k)
    INTO written, k_ds, k_day;
  IF written > 0 THEN
    PERFORM city.refresh_obs_daily(k_ds, k_day);
  END IF;
END;
$$;
