-- Base geography. Storage CRS is CGCS2000 (EPSG:4490); every tiled table carries a generated
-- Web Mercator twin so no tile request transforms geometry (architecture.md §3).
-- Versioned tables keep every version of a feature: `fid` is the feature, `gid` the version,
-- `valid` = [from, to) with `to` open for the current version.

CREATE TABLE base.districts (
  adcode text PRIMARY KEY CHECK (adcode ~ '^[0-9]{6}$'),
  name text NOT NULL,
  name_en text NOT NULL,
  area_km2 double precision NOT NULL,
  geom geometry(MultiPolygon, 4490) NOT NULL,
  geom_3857 geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED
);
CREATE INDEX districts_geom_idx ON base.districts USING gist (geom);
CREATE INDEX districts_geom_3857_idx ON base.districts USING gist (geom_3857);

CREATE TABLE base.towns (
  code text PRIMARY KEY CHECK (code ~ '^[0-9]{9}$'),
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('街道', '镇', '乡')),
  district_adcode text NOT NULL REFERENCES base.districts (adcode),
  geom geometry(MultiPolygon, 4490) NOT NULL,
  geom_3857 geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED
);
CREATE INDEX towns_geom_idx ON base.towns USING gist (geom);
CREATE INDEX towns_geom_3857_idx ON base.towns USING gist (geom_3857);

CREATE TABLE base.coastline (
  id serial PRIMARY KEY,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('mainland', 'island')),
  geom geometry(MultiLineString, 4490) NOT NULL,
  geom_3857 geometry(MultiLineString, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED
);
CREATE INDEX coastline_geom_idx ON base.coastline USING gist (geom);
CREATE INDEX coastline_geom_3857_idx ON base.coastline USING gist (geom_3857);

CREATE TABLE base.water_areas (
  id serial PRIMARY KEY,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('reservoir', 'lake', 'river', 'sea')),
  geom geometry(MultiPolygon, 4490) NOT NULL,
  geom_3857 geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED
);
CREATE INDEX water_areas_geom_idx ON base.water_areas USING gist (geom);
CREATE INDEX water_areas_geom_3857_idx ON base.water_areas USING gist (geom_3857);

CREATE TABLE base.rivers (
  id serial PRIMARY KEY,
  name text NOT NULL,
  grade integer NOT NULL CHECK (grade BETWEEN 1 AND 4),
  length_km double precision NOT NULL,
  geom geometry(MultiLineString, 4490) NOT NULL,
  geom_3857 geometry(MultiLineString, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED
);
CREATE INDEX rivers_geom_idx ON base.rivers USING gist (geom);
CREATE INDEX rivers_geom_3857_idx ON base.rivers USING gist (geom_3857);

CREATE TABLE base.place_names (
  id serial PRIMARY KEY,
  name text NOT NULL,
  class text NOT NULL CHECK (class IN ('seat', 'town', 'village', 'community', 'peak', 'water', 'poi')),
  rank integer NOT NULL CHECK (rank BETWEEN 1 AND 5),
  adcode text NOT NULL,
  geom geometry(Point, 4490) NOT NULL,
  geom_3857 geometry(Point, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED
);
CREATE INDEX place_names_geom_idx ON base.place_names USING gist (geom);
CREATE INDEX place_names_geom_3857_idx ON base.place_names USING gist (geom_3857);

-- Versioned tables -----------------------------------------------------------------------

CREATE TABLE base.roads (
  gid bigserial PRIMARY KEY,
  fid bigint NOT NULL,
  valid tstzrange NOT NULL DEFAULT tstzrange(now(), NULL),
  name text,
  class text NOT NULL CHECK (class IN ('expressway', 'national', 'provincial', 'arterial', 'secondary', 'branch')),
  lanes integer NOT NULL CHECK (lanes BETWEEN 1 AND 12),
  opened_year integer,
  changed_by text NOT NULL DEFAULT 'system',
  change_note text,
  geom geometry(MultiLineString, 4490) NOT NULL,
  geom_3857 geometry(MultiLineString, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
  CONSTRAINT roads_versions_disjoint EXCLUDE USING gist (fid WITH =, valid WITH &&)
);
CREATE SEQUENCE base.roads_fid_seq OWNED BY base.roads.fid;
ALTER TABLE base.roads ALTER COLUMN fid SET DEFAULT nextval('base.roads_fid_seq');
CREATE UNIQUE INDEX roads_current_fid_idx ON base.roads (fid) WHERE upper_inf(valid);
CREATE INDEX roads_current_geom_3857_idx ON base.roads USING gist (geom_3857) WHERE upper_inf(valid);
CREATE INDEX roads_geom_3857_idx ON base.roads USING gist (geom_3857);
CREATE INDEX roads_current_geom_idx ON base.roads USING gist (geom) WHERE upper_inf(valid);
CREATE INDEX roads_geom_idx ON base.roads USING gist (geom);

CREATE TABLE base.buildings (
  gid bigserial PRIMARY KEY,
  fid bigint NOT NULL,
  valid tstzrange NOT NULL DEFAULT tstzrange(now(), NULL),
  name text,
  use text NOT NULL CHECK (use IN ('residential', 'commercial', 'industrial', 'public', 'education', 'other')),
  floors integer NOT NULL CHECK (floors BETWEEN 1 AND 120),
  height_m double precision NOT NULL CHECK (height_m > 0 AND height_m < 600),
  year_built integer,
  district_adcode text NOT NULL,
  changed_by text NOT NULL DEFAULT 'system',
  change_note text,
  geom geometry(MultiPolygon, 4490) NOT NULL,
  geom_3857 geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
  CONSTRAINT buildings_versions_disjoint EXCLUDE USING gist (fid WITH =, valid WITH &&)
);
CREATE SEQUENCE base.buildings_fid_seq OWNED BY base.buildings.fid;
ALTER TABLE base.buildings ALTER COLUMN fid SET DEFAULT nextval('base.buildings_fid_seq');
CREATE UNIQUE INDEX buildings_current_fid_idx ON base.buildings (fid) WHERE upper_inf(valid);
CREATE INDEX buildings_current_geom_3857_idx ON base.buildings USING gist (geom_3857) WHERE upper_inf(valid);
CREATE INDEX buildings_geom_3857_idx ON base.buildings USING gist (geom_3857);
CREATE INDEX buildings_current_geom_idx ON base.buildings USING gist (geom) WHERE upper_inf(valid);
CREATE INDEX buildings_geom_idx ON base.buildings USING gist (geom);

CREATE TABLE base.land_cover (
  gid bigserial PRIMARY KEY,
  fid bigint NOT NULL,
  valid tstzrange NOT NULL,
  class_code text NOT NULL CHECK (class_code ~ '^[0-9]{4}$'),
  class_name text NOT NULL,
  survey_year integer NOT NULL,
  area_m2 double precision NOT NULL,
  changed_by text NOT NULL DEFAULT 'system',
  change_note text,
  geom geometry(MultiPolygon, 4490) NOT NULL,
  geom_3857 geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
  CONSTRAINT land_cover_versions_disjoint EXCLUDE USING gist (fid WITH =, valid WITH &&)
);
CREATE SEQUENCE base.land_cover_fid_seq OWNED BY base.land_cover.fid;
ALTER TABLE base.land_cover ALTER COLUMN fid SET DEFAULT nextval('base.land_cover_fid_seq');
CREATE INDEX land_cover_current_geom_3857_idx ON base.land_cover USING gist (geom_3857) WHERE upper_inf(valid);
CREATE INDEX land_cover_geom_3857_idx ON base.land_cover USING gist (geom_3857);
CREATE INDEX land_cover_geom_idx ON base.land_cover USING gist (geom);
CREATE INDEX land_cover_valid_idx ON base.land_cover USING gist (valid);
