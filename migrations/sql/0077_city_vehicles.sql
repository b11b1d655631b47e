-- 北斗 (BeiDou) vehicles of 城管: GNSS fixes in a month-partitioned table (the partitioning
-- pattern of hydro.obs, migration 0031), the latest position per vehicle for the map, and the
-- "outside its assigned area" flag computed once, at ingest.

CREATE TABLE city.vehicles (
  id text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{1,32}$'),
  plate text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('patrol', 'sweeper', 'sprinkler', 'garbage', 'repair')),
  department_code text REFERENCES city.departments (code),
  -- Assigned street (its unit grids form the vehicle's responsibility area).
  assigned_street_code char(9) REFERENCES base.towns (code),
  assigned_area geometry(MultiPolygon, 4490)
);

CREATE TABLE city.vehicle_fixes (
  vehicle_id text NOT NULL,
  tm timestamptz NOT NULL,
  speed_kmh real,
  heading real,
  outside boolean NOT NULL,
  geom geometry(Point, 4490) NOT NULL,
  PRIMARY KEY (vehicle_id, tm)
) PARTITION BY RANGE (tm);
CREATE INDEX vehicle_fixes_tm_brin ON city.vehicle_fixes USING brin (tm);

-- Monthly partitions on demand (same rule as hydro.ensure_obs_partitions).
CREATE FUNCTION city.ensure_partitions(p_parent text, p_from timestamptz, p_to timestamptz) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  m timestamp;
  created integer := 0;
  part text;
BEGIN
  IF p_from IS NULL OR p_to IS NULL THEN
    RETURN 0;
  END IF;
  IF p_parent NOT IN ('vehicle_fixes', 'obs') THEN
    RAISE EXCEPTION 'unknown partitioned table %', p_parent;
  END IF;
  m := date_trunc('month', p_from AT TIME ZONE 'UTC');
  WHILE m <= p_to AT TIME ZONE 'UTC' LOOP
    part := p_parent || '_' || to_char(m, 'YYYY"m"MM');
    IF to_regclass('city.' || part) IS NULL THEN
      PERFORM pg_advisory_xact_lock(727100075);
      IF to_regclass('city.' || part) IS NULL THEN
        EXECUTE format('CREATE TABLE city.%I PARTITION OF city.%I FOR VALUES FROM (%L) TO (%L)',
                       part, p_parent, (m AT TIME ZONE 'UTC'), ((m + interval '1 month') AT TIME ZONE 'UTC'));
        created := created + 1;
      END IF;
    END IF;
    m := m + interval '1 month';
  END LOOP;
  RETURN created;
END;
$$;

-- Latest fix per vehicle (the map layer). Kept by city.ingest_fixes; a late, older fix never
-- moves a vehicle back.
CREATE TABLE city.vehicle_latest (
  vehicle_id text PRIMARY KEY REFERENCES city.vehicles (id) ON DELETE CASCADE,
  plate text NOT NULL,
  kind text NOT NULL,
  tm timestamptz NOT NULL,
  speed_kmh real,
  heading real,
  outside boolean NOT NULL,
  geom geometry(Point, 4490) NOT NULL,
  geom_3857 geometry(Point, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED
);
CREATE INDEX vehicle_latest_geom_idx ON city.vehicle_latest USING gist (geom);
CREATE INDEX vehicle_latest_geom_3857_idx ON city.vehicle_latest USING gist (geom_3857);
SELECT catalog.track_feature_changes('city.vehicle_latest');

-- Writes a batch of fixes: idempotent on (vehicle, tm) (a re-sent fix replaces the stored one),
-- `outside` from the vehicle's assigned area, latest positions moved forward only.
CREATE FUNCTION city.ingest_fixes(p_vehicle text[], p_tm timestamptz[], p_lon float8[], p_lat float8[], p_speed real[], p_heading real[],
                                  OUT written bigint, OUT outside bigint)
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM city.ensure_partitions('vehicle_fixes', min(t), max(t)) FROM unnest(p_tm) AS t;
  WITH u AS (
    SELECT DISTINCT ON (u.v, u.t) u.v, u.t, u.s, u.h, ST_SetSRID(ST_MakePoint(u.x, u.y), 4490) AS g
      FROM unnest(p_vehicle, p_tm, p_lon, p_lat, p_speed, p_heading) AS u(v, t, x, y, s, h)
     ORDER BY u.v, u.t
  ), w AS (
    INSERT INTO city.vehicle_fixes AS f (vehicle_id, tm, speed_kmh, heading, outside, geom)
    SELECT u.v, u.t, u.s, u.h, coalesce(NOT ST_Intersects(v.assigned_area, u.g), false), u.g
      FROM u JOIN city.vehicles v ON v.id = u.v
    ON CONFLICT (vehicle_id, tm) DO UPDATE
      SET speed_kmh = EXCLUDED.speed_kmh, heading = EXCLUDED.heading, outside = EXCLUDED.outside, geom = EXCLUDED.geom
    RETURNING f.vehicle_id, f.tm, f.speed_kmh, f.heading, f.outside, f.geom
  ), last AS (
    SELECT DISTINCT ON (w.vehicle_id) w.* FROM w ORDER BY w.vehicle_id, w.tm DESC
  ), up AS (
    INSERT INTO city.vehicle_latest AS l (vehicle_id, plate, kind, tm, speed_kmh, heading, outside, geom)
    SELECT last.vehicle_id, v.plate, v.kind, last.tm, last.speed_kmh, last.heading, last.outside, last.geom
      FROM last JOIN city.vehicles v ON v.id = last.vehicle_id
    ON CONFLICT (vehicle_id) DO UPDATE
      SET tm = EXCLUDED.tm, speed_kmh = EXCLUDED.speed_kmh, heading = EXCLUDED.heading, outside = EXCLUDED.outside, geom = EXCLUDED.geom
      WHERE l.tm <= EXCLUDED.tm
    RETURNING 1
  )
  -- (a data-modifying CTE runs whether or not it is referenced: `up` always runs)
  SELECT (SELECT count(*) FROM w), (SELECT count(*) FILTER (WHERE w.outside) FROM w) INTO written, outside;
END;
$$;
