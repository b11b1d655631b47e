-- Planning "one map" (issue #9 part A, domain.md §4): 三区三线, 控规地块, plan versions, the
-- 用地用海 code lists with their GB 50137 crosswalk, and stored compliance reviews.
-- Layers are versioned like base.land_cover: `fid` is the feature, `gid` the version, `valid`
-- = [from, to). A plan version's approval date opens the validity of the rows it introduced and
-- closes those it superseded, so "the plan as of T" is `valid @> T` (tiles, features, reviews).

COMMENT ON SCHEMA planning IS '国土空间规划: 三区三线, 控规地块, 规划版本, 用地用海分类, 合规性审查';

-- Plan versions (规划成果版本): one row per approved edition of a plan family.
CREATE TABLE planning.plan_versions (
  id text PRIMARY KEY CHECK (id ~ '^[a-z0-9_-]{1,40}$'),
  family text NOT NULL CHECK (family IN ('sqsx', 'kg')),  -- sqsx 三区三线, kg 控制性详细规划
  name text NOT NULL,
  name_en text NOT NULL,
  approval_no text NOT NULL,      -- 批复文号
  approved_on date NOT NULL,      -- 批复日期
  -- In force from this instant (00:00 Beijing time of the approval date).
  effective_from timestamptz NOT NULL,
  note text
);
CREATE UNIQUE INDEX plan_versions_family_from_idx ON planning.plan_versions (family, effective_from);

-- Code lists are data (architecture.md §3): 用地用海分类 (2023) and GB 50137-2011.
CREATE TABLE planning.landuse_codes (
  system text NOT NULL CHECK (system IN ('ydyh2023', 'gb50137')),
  code text NOT NULL,
  name text NOT NULL,
  name_en text NOT NULL,
  parent text,
  level smallint NOT NULL CHECK (level BETWEEN 1 AND 3),
  color text CHECK (color ~ '^#[0-9a-f]{6}$'),
  source text NOT NULL,
  verified boolean NOT NULL DEFAULT false,
  PRIMARY KEY (system, code)
);

-- GB 50137-2011 → 2023 用地用海分类. Not 1:1 below the first level: `exact` says whether the
-- older class maps wholly into the newer one.
CREATE TABLE planning.landuse_crosswalk (
  gb50137_code text NOT NULL,
  ydyh2023_code text NOT NULL,
  exact boolean NOT NULL,
  note text,
  source text NOT NULL,
  verified boolean NOT NULL DEFAULT false,
  PRIMARY KEY (gb50137_code, ydyh2023_code)
);

-- Constraint rules of the compliance review (domain.md §4.3), as data: which layer, which rule,
-- which severity. `layer_id` names a catalogue layer; the server maps it to its table.
CREATE TABLE planning.review_rules (
  layer_id text PRIMARY KEY,
  rule text NOT NULL CHECK (rule IN ('inside_forbidden', 'outside_warning', 'classes')),
  severity text NOT NULL CHECK (severity IN ('conflict', 'warning', 'info')),
  plan_family text NOT NULL CHECK (plan_family IN ('sqsx', 'kg')),  -- whose edition the layer belongs to
  message_zh text NOT NULL,
  message_en text NOT NULL,
  ord smallint NOT NULL,
  source text NOT NULL,
  verified boolean NOT NULL DEFAULT false
);

-- 三区三线 ---------------------------------------------------------------------------------

CREATE TABLE planning.eco_redline (
  gid bigserial PRIMARY KEY,
  fid bigint NOT NULL,
  valid tstzrange NOT NULL,
  code text NOT NULL,               -- 红线斑块编号
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('水源涵养', '生物多样性维护', '水土保持', '海岸生态稳定', '其他')),
  plan_version text NOT NULL REFERENCES planning.plan_versions (id),
  area_m2 double precision NOT NULL,
  changed_by text NOT NULL DEFAULT 'system',
  change_note text,
  geom geometry(MultiPolygon, 4490) NOT NULL,
  geom_3857 geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
  CONSTRAINT eco_redline_versions_disjoint EXCLUDE USING gist (fid WITH =, valid WITH &&)
);

CREATE TABLE planning.basic_farmland (
  gid bigserial PRIMARY KEY,
  fid bigint NOT NULL,
  valid tstzrange NOT NULL,
  code text NOT NULL,               -- 保护图斑编号
  quality_grade smallint NOT NULL CHECK (quality_grade BETWEEN 1 AND 10),  -- 耕地质量等别
  plan_version text NOT NULL REFERENCES planning.plan_versions (id),
  area_m2 double precision NOT NULL,
  changed_by text NOT NULL DEFAULT 'system',
  change_note text,
  geom geometry(MultiPolygon, 4490) NOT NULL,
  geom_3857 geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
  CONSTRAINT basic_farmland_versions_disjoint EXCLUDE USING gist (fid WITH =, valid WITH &&)
);

CREATE TABLE planning.urban_boundary (
  gid bigserial PRIMARY KEY,
  fid bigint NOT NULL,
  valid tstzrange NOT NULL,
  code text NOT NULL,
  name text NOT NULL,
  zone text NOT NULL CHECK (zone IN ('集中建设区', '弹性发展区', '特别用途区')),
  plan_version text NOT NULL REFERENCES planning.plan_versions (id),
  area_m2 double precision NOT NULL,
  changed_by text NOT NULL DEFAULT 'system',
  change_note text,
  geom geometry(MultiPolygon, 4490) NOT NULL,
  geom_3857 geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
  CONSTRAINT urban_boundary_versions_disjoint EXCLUDE USING gist (fid WITH =, valid WITH &&)
);

-- 控规地块 -----------------------------------------------------------------------------------

CREATE TABLE planning.parcels (
  gid bigserial PRIMARY KEY,
  fid bigint NOT NULL,
  valid tstzrange NOT NULL,
  parcel_no text NOT NULL,          -- 地块编号
  landuse_code text NOT NULL,       -- 用地用海分类 (2023) 二级/三级 code
  landuse_class text NOT NULL CHECK (landuse_class ~ '^[0-9]{2}$'),  -- its 一级 class (style)
  landuse_name text NOT NULL,
  gb50137_code text,                -- the older code, through the crosswalk
  far_max double precision CHECK (far_max > 0),          -- 容积率上限
  density_max_pct double precision CHECK (density_max_pct BETWEEN 0 AND 100),  -- 建筑密度上限
  green_min_pct double precision CHECK (green_min_pct BETWEEN 0 AND 100),       -- 绿地率下限
  height_max_m double precision CHECK (height_max_m > 0),                       -- 建筑限高
  plan_version text NOT NULL REFERENCES planning.plan_versions (id),
  area_m2 double precision NOT NULL,
  changed_by text NOT NULL DEFAULT 'system',
  change_note text,
  geom geometry(MultiPolygon, 4490) NOT NULL,
  geom_3857 geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
  CONSTRAINT parcels_versions_disjoint EXCLUDE USING gist (fid WITH =, valid WITH &&)
);

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['eco_redline', 'basic_farmland', 'urban_boundary', 'parcels'] LOOP
    EXECUTE format('CREATE SEQUENCE planning.%I OWNED BY planning.%I.fid', t || '_fid_seq', t);
    EXECUTE format('ALTER TABLE planning.%I ALTER COLUMN fid SET DEFAULT nextval(%L)', t, 'planning.' || t || '_fid_seq');
    EXECUTE format('CREATE UNIQUE INDEX %I ON planning.%I (fid) WHERE upper_inf(valid)', t || '_current_fid_idx', t);
    EXECUTE format('CREATE INDEX %I ON planning.%I USING gist (geom_3857) WHERE upper_inf(valid)', t || '_current_geom_3857_idx', t);
    EXECUTE format('CREATE INDEX %I ON planning.%I USING gist (geom_3857)', t || '_geom_3857_idx', t);
    EXECUTE format('CREATE INDEX %I ON planning.%I USING gist (geom)', t || '_geom_idx', t);
    EXECUTE format('CREATE INDEX %I ON planning.%I USING gist (valid)', t || '_valid_idx', t);
    PERFORM catalog.track_feature_changes(('planning.' || t)::regclass);
  END LOOP;
END;
$$;

-- Compliance reviews (合规性审查): the request, the result and the data versions it used, so a
-- review stays reproducible after the layers change.
CREATE TABLE planning.reviews (
  id bigserial PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by text NOT NULL,
  as_of timestamptz NOT NULL,
  source_format text NOT NULL CHECK (source_format IN ('geojson', 'shapefile')),
  source_crs text NOT NULL,
  site_name text,
  tolerance_m2 double precision NOT NULL,
  tolerance_pct double precision NOT NULL,
  site_area_m2 double precision NOT NULL,
  verdict text NOT NULL CHECK (verdict IN ('pass', 'warning', 'conflict')),
  result jsonb NOT NULL,
  -- The report map (SVG of the site and the features it met), drawn once from the data as of
  -- `as_of`, so the printed report matches the table even after the layers change.
  map_svg text NOT NULL,
  site geometry(MultiPolygon, 4490) NOT NULL
);
CREATE INDEX reviews_created_at_idx ON planning.reviews (created_at);
