-- 专题点位 (user_points): an editable, versioned point layer that imports fill — CSV and KML
-- points, POIs taken from 高德/百度 (GCJ-02/BD-09, converted on import). Same pattern as roads
-- and buildings: every version kept in `valid`, one current version per fid, tiles from the
-- generated geom_3857, changes captured for exact tile-cache invalidation.
CREATE TABLE base.user_points (
  gid bigserial PRIMARY KEY,
  fid bigint NOT NULL,
  valid tstzrange NOT NULL DEFAULT tstzrange(now(), NULL),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  category text CHECK (length(category) <= 100),
  address text CHECK (length(address) <= 300),
  remark text CHECK (length(remark) <= 2000),
  changed_by text NOT NULL DEFAULT 'system',
  change_note text,
  geom geometry(Point, 4490) NOT NULL,
  geom_3857 geometry(Point, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
  CONSTRAINT user_points_versions_disjoint EXCLUDE USING gist (fid WITH =, valid WITH &&)
);
CREATE SEQUENCE base.user_points_fid_seq OWNED BY base.user_points.fid;
ALTER TABLE base.user_points ALTER COLUMN fid SET DEFAULT nextval('base.user_points_fid_seq');
CREATE UNIQUE INDEX user_points_current_fid_idx ON base.user_points (fid) WHERE upper_inf(valid);
CREATE INDEX user_points_current_geom_3857_idx ON base.user_points USING gist (geom_3857) WHERE upper_inf(valid);
CREATE INDEX user_points_geom_3857_idx ON base.user_points USING gist (geom_3857);
CREATE INDEX user_points_current_geom_idx ON base.user_points USING gist (geom) WHERE upper_inf(valid);
CREATE INDEX user_points_geom_idx ON base.user_points USING gist (geom);
SELECT catalog.track_feature_changes('base.user_points');
