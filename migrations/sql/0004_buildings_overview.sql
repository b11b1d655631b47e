-- Low-zoom overview of buildings (z10–z12 tiles). At z10 a pixel is ~150 m and every building
-- is sub-pixel: drawing them one by one ships 1–2 MB tiles that read as noise. Instead each
-- 1 km cell's current buildings are merged into urban-area blobs (closing: grow 60 m, union,
-- shrink 40 m, so gaps under ~120 m between buildings fill in), clipped to the cell, slightly
-- simplified, and split into parts so tiny isolated parts can be dropped by area per zoom.
-- Triggers keep it in step with every write to base.buildings, including direct SQL.

CREATE TABLE base.buildings_overview (
  id bigserial PRIMARY KEY,
  cell_x integer NOT NULL,
  cell_y integer NOT NULL,
  use text NOT NULL,
  building_count integer NOT NULL,
  floors_avg double precision NOT NULL,
  area_m2 double precision NOT NULL,
  geom_3857 geometry(Polygon, 3857) NOT NULL
);
CREATE INDEX buildings_overview_cell_idx ON base.buildings_overview (cell_x, cell_y);
CREATE INDEX buildings_overview_geom_3857_idx ON base.buildings_overview USING gist (geom_3857);

-- Cell size of the overview in EPSG:3857 metres.
CREATE FUNCTION base.buildings_overview_cell_m() RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT 1000.0::double precision $$;

-- Rebuilds the given cells (parallel arrays of cell x and y), or every cell when both are NULL.
CREATE FUNCTION base.refresh_buildings_overview(cxs integer[] DEFAULT NULL, cys integer[] DEFAULT NULL) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  s double precision := base.buildings_overview_cell_m();
BEGIN
  IF cxs IS NULL THEN
    DELETE FROM base.buildings_overview;
  ELSE
    DELETE FROM base.buildings_overview o
     USING unnest(cxs, cys) AS c(x, y)
     WHERE o.cell_x = c.x AND o.cell_y = c.y;
  END IF;
  INSERT INTO base.buildings_overview (cell_x, cell_y, use, building_count, floors_avg, area_m2, geom_3857)
  SELECT cx, cy, use, building_count, floors_avg, ST_Area((d).geom), (d).geom
    FROM (
      SELECT cx, cy,
             mode() WITHIN GROUP (ORDER BY use) AS use,
             count(*)::int AS building_count,
             avg(floors)::double precision AS floors_avg,
             ST_Dump(ST_SimplifyPreserveTopology(ST_CollectionExtract(ST_Intersection(
               ST_Buffer(ST_Union(ST_Buffer(geom_3857, 60, 'quad_segs=2')), -40, 'quad_segs=2'),
               ST_MakeEnvelope(cx * s, cy * s, (cx + 1) * s, (cy + 1) * s, 3857)), 3), 5)) AS d
        FROM (
          SELECT floor(ST_X(ST_Centroid(b.geom_3857)) / s)::int AS cx,
                 floor(ST_Y(ST_Centroid(b.geom_3857)) / s)::int AS cy,
                 b.use, b.floors, b.geom_3857
            FROM base.buildings b
           WHERE upper_inf(b.valid)
             AND (cxs IS NULL OR (floor(ST_X(ST_Centroid(b.geom_3857)) / s)::int, floor(ST_Y(ST_Centroid(b.geom_3857)) / s)::int)
                                 IN (SELECT x, y FROM unnest(cxs, cys) AS c(x, y)))
             AND (cxs IS NULL OR b.geom_3857 && (SELECT ST_MakeEnvelope(min(x) * s, min(y) * s, (max(x) + 1) * s, (max(y) + 1) * s, 3857) FROM unnest(cxs, cys) AS c(x, y)))
        ) cells
       GROUP BY cx, cy
    ) merged
   WHERE NOT ST_IsEmpty((d).geom);
END;
$$;

-- Statement-level: one refresh per statement, of the cells the old and new rows fall in.
CREATE FUNCTION base.buildings_overview_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  s double precision := base.buildings_overview_cell_m();
  n bigint;
  xs integer[];
  ys integer[];
BEGIN
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM base.buildings_overview;
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    SELECT count(*) INTO n FROM new_rows;
  ELSE
    SELECT count(*) INTO n FROM old_rows;
  END IF;
  IF n > 2000 THEN
    PERFORM base.refresh_buildings_overview();
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(x), array_agg(y) INTO xs, ys FROM (
      SELECT DISTINCT floor(ST_X(ST_Centroid(geom_3857)) / s)::int AS x, floor(ST_Y(ST_Centroid(geom_3857)) / s)::int AS y FROM new_rows) c;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(x), array_agg(y) INTO xs, ys FROM (
      SELECT DISTINCT floor(ST_X(ST_Centroid(geom_3857)) / s)::int AS x, floor(ST_Y(ST_Centroid(geom_3857)) / s)::int AS y FROM old_rows) c;
  ELSE
    SELECT array_agg(x), array_agg(y) INTO xs, ys FROM (
      SELECT DISTINCT floor(ST_X(ST_Centroid(g)) / s)::int AS x, floor(ST_Y(ST_Centroid(g)) / s)::int AS y
        FROM (SELECT geom_3857 AS g FROM old_rows UNION ALL SELECT geom_3857 FROM new_rows) u) c;
  END IF;
  IF xs IS NOT NULL THEN
    PERFORM base.refresh_buildings_overview(xs, ys);
  END IF;
  RETURN NULL;
END;
$$;

CREATE TRIGGER buildings_overview_ins AFTER INSERT ON base.buildings REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION base.buildings_overview_sync();
CREATE TRIGGER buildings_overview_upd AFTER UPDATE ON base.buildings REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION base.buildings_overview_sync();
CREATE TRIGGER buildings_overview_del AFTER DELETE ON base.buildings REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION base.buildings_overview_sync();
CREATE TRIGGER buildings_overview_trunc AFTER TRUNCATE ON base.buildings
  FOR EACH STATEMENT EXECUTE FUNCTION base.buildings_overview_sync();

-- Overview changes invalidate tiles like any other change (the server maps this table to
-- the buildings layer).
SELECT catalog.track_feature_changes('base.buildings_overview');

SELECT base.refresh_buildings_overview();
