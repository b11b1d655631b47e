-- Change capture for exact tile-cache invalidation, including writes made directly in SQL
-- (which GeoWebCache and Martin miss). Statement-level triggers with transition tables record
-- the EPSG:3857 bounds of every old and new row; a NOTIFY at commit carries the id range so
-- each server process reads exactly the changes of that statement.

CREATE TABLE catalog.feature_changes (
  id bigserial PRIMARY KEY,
  table_name text NOT NULL,
  -- NULL bounds: the whole table changed (TRUNCATE, bulk load).
  min_x double precision,
  min_y double precision,
  max_x double precision,
  max_y double precision,
  changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX feature_changes_changed_at_idx ON catalog.feature_changes USING brin (changed_at);

-- Above this many rows in one statement a single whole-extent entry is cheaper than per-row
-- boxes (a bulk load) and invalidates at most what the rows cover anyway.
CREATE FUNCTION catalog.capture_feature_changes() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  tbl text := TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME;
  n bigint;
  first_id bigint;
  last_id bigint;
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    INSERT INTO catalog.feature_changes (table_name) VALUES (tbl) RETURNING id INTO first_id;
    last_id := first_id;
  ELSIF TG_OP = 'INSERT' THEN
    SELECT count(*) INTO n FROM new_rows;
    IF n > 1000 THEN
      INSERT INTO catalog.feature_changes (table_name, min_x, min_y, max_x, max_y)
      SELECT tbl, ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom_3857) AS e FROM new_rows) x
      RETURNING id INTO first_id;
      last_id := first_id;
    ELSE
      WITH ins AS (
        INSERT INTO catalog.feature_changes (table_name, min_x, min_y, max_x, max_y)
        SELECT tbl, ST_XMin(geom_3857), ST_YMin(geom_3857), ST_XMax(geom_3857), ST_YMax(geom_3857) FROM new_rows
        RETURNING id)
      SELECT min(id), max(id) INTO first_id, last_id FROM ins;
    END IF;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT count(*) INTO n FROM old_rows;
    IF n > 1000 THEN
      INSERT INTO catalog.feature_changes (table_name, min_x, min_y, max_x, max_y)
      SELECT tbl, ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom_3857) AS e FROM old_rows) x
      RETURNING id INTO first_id;
      last_id := first_id;
    ELSE
      WITH ins AS (
        INSERT INTO catalog.feature_changes (table_name, min_x, min_y, max_x, max_y)
        SELECT tbl, ST_XMin(geom_3857), ST_YMin(geom_3857), ST_XMax(geom_3857), ST_YMax(geom_3857) FROM old_rows
        RETURNING id)
      SELECT min(id), max(id) INTO first_id, last_id FROM ins;
    END IF;
  ELSE -- UPDATE: the old and the new bounds both matter (a moved feature leaves and arrives)
    SELECT count(*) INTO n FROM new_rows;
    IF n > 500 THEN
      INSERT INTO catalog.feature_changes (table_name, min_x, min_y, max_x, max_y)
      SELECT tbl, ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e)
        FROM (SELECT ST_Extent(g) AS e FROM (SELECT geom_3857 AS g FROM old_rows UNION ALL SELECT geom_3857 FROM new_rows) u) x
      RETURNING id INTO first_id;
      last_id := first_id;
    ELSE
      WITH ins AS (
        INSERT INTO catalog.feature_changes (table_name, min_x, min_y, max_x, max_y)
        SELECT DISTINCT tbl, ST_XMin(g), ST_YMin(g), ST_XMax(g), ST_YMax(g)
          FROM (SELECT geom_3857 AS g FROM old_rows UNION ALL SELECT geom_3857 FROM new_rows) u
        RETURNING id)
      SELECT min(id), max(id) INTO first_id, last_id FROM ins;
    END IF;
  END IF;
  IF first_id IS NULL THEN
    RETURN NULL; -- no rows affected
  END IF;
  -- Delivered at commit, never for a rolled-back statement.
  PERFORM pg_notify('onemap_feature_changes', tbl || ' ' || first_id || ' ' || last_id);
  RETURN NULL;
END;
$$;

-- Attaches change capture to a table with a geom_3857 column (used by later migrations too).
CREATE FUNCTION catalog.track_feature_changes(t regclass) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  name text := replace(t::text, '.', '_');
BEGIN
  EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %s REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog.capture_feature_changes()', name || '_changes_ins', t);
  EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %s REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog.capture_feature_changes()', name || '_changes_upd', t);
  EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %s REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION catalog.capture_feature_changes()', name || '_changes_del', t);
  EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION catalog.capture_feature_changes()', name || '_changes_trunc', t);
END;
$$;

SELECT catalog.track_feature_changes(t)
  FROM unnest(ARRAY['base.districts', 'base.towns', 'base.coastline', 'base.water_areas', 'base.rivers',
                    'base.place_names', 'base.roads', 'base.buildings', 'base.land_cover']::regclass[]) AS t;
