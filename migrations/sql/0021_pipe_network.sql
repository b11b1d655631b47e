-- 管线点 and 管线段 after CJJ 61 (domain.md §1.5). Storage CRS is CGCS2000 (EPSG:4490) like every
-- tiled table, with the Web Mercator twin for tiles and a CGCS2000 3° Gauss-Krüger CM 120°E
-- (EPSG:4549) twin in metres for the analyses (one zone for the whole city, domain.md §5.1).
-- Heights: 1985国家高程基准, metres. The node-edge topology is the segments' start/end point ids
-- (never snapped by geometry at query time).

CREATE TABLE pipe.points (
  id bigserial PRIMARY KEY,
  point_no varchar(32) NOT NULL UNIQUE,
  category char(2) NOT NULL REFERENCES pipe.categories (code),
  subcategory varchar(4),
  feature text,
  appurtenance text,
  feature_code char(8) CHECK (feature_code ~ '^5[1-8][0-9]{6}$'),
  ground_elev numeric(8, 3),
  depth numeric(6, 3),
  -- 阀门 state: 开 / 关 / 故障 (a 故障 valve cannot be closed in a burst).
  valve_state text CHECK (valve_state IN ('开', '关', '故障')),
  -- 水厂/加压站 (water) feeding the network: a burst may never isolate them.
  is_source boolean NOT NULL DEFAULT false,
  road_name text,
  owner_unit text,
  status smallint NOT NULL DEFAULT 0 CHECK (status BETWEEN 0 AND 3),
  import_id bigint,
  properties jsonb NOT NULL DEFAULT '{}',
  geom geometry(Point, 4490) NOT NULL,
  geom_3857 geometry(Point, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
  geom_4549 geometry(Point, 4549) GENERATED ALWAYS AS (ST_Transform(geom, 4549)) STORED,
  FOREIGN KEY (category, subcategory) REFERENCES pipe.subcategories (category, code)
);
CREATE INDEX points_geom_idx ON pipe.points USING gist (geom);
CREATE INDEX points_geom_3857_idx ON pipe.points USING gist (geom_3857);
CREATE INDEX points_geom_4549_idx ON pipe.points USING gist (geom_4549);

CREATE TABLE pipe.segments (
  id bigserial PRIMARY KEY,
  line_no varchar(32) NOT NULL UNIQUE,
  category char(2) NOT NULL REFERENCES pipe.categories (code),
  subcategory varchar(4),
  -- Direction = survey start → end; for gravity drainage start must be upstream (QA checks it).
  start_point_id bigint NOT NULL REFERENCES pipe.points (id),
  end_point_id bigint NOT NULL REFERENCES pipe.points (id),
  start_depth numeric(6, 3),
  end_depth numeric(6, 3),
  start_elev numeric(8, 3),
  end_elev numeric(8, 3),
  -- T 管顶, B 管内底 (drainage), C 中心.
  elev_ref char(1) NOT NULL DEFAULT 'T' CHECK (elev_ref IN ('T', 'B', 'C')),
  shape char(1) NOT NULL DEFAULT 'C' CHECK (shape IN ('C', 'R')),
  diameter_mm integer CHECK (diameter_mm > 0),
  width_mm integer CHECK (width_mm > 0),
  height_mm integer CHECK (height_mm > 0),
  material varchar(4) REFERENCES pipe.materials (code),
  pressure_class text REFERENCES pipe.gas_pressure_classes (code),
  pressure_mpa numeric(6, 3),
  voltage_kv numeric(6, 1),
  embedding varchar(4) REFERENCES pipe.embeddings (code),
  install_year smallint CHECK (install_year BETWEEN 1900 AND 2100),
  owner_unit text,
  road_name text,
  -- Under the carriageway (车行道) or the sidewalk (人行道): selects the minimum cover.
  location text CHECK (location IN ('carriageway', 'sidewalk')),
  status smallint NOT NULL DEFAULT 0 CHECK (status BETWEEN 0 AND 3),
  import_id bigint,
  properties jsonb NOT NULL DEFAULT '{}',
  geom geometry(LineString, 4490) NOT NULL,
  geom_3857 geometry(LineString, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
  geom_4549 geometry(LineString, 4549) GENERATED ALWAYS AS (ST_Transform(geom, 4549)) STORED,
  length_m double precision GENERATED ALWAYS AS (ST_Length(ST_Transform(geom, 4549))) STORED,
  FOREIGN KEY (category, subcategory) REFERENCES pipe.subcategories (category, code),
  CHECK (start_point_id <> end_point_id)
);
CREATE INDEX segments_geom_idx ON pipe.segments USING gist (geom);
CREATE INDEX segments_geom_3857_idx ON pipe.segments USING gist (geom_3857);
CREATE INDEX segments_geom_4549_idx ON pipe.segments USING gist (geom_4549);
CREATE INDEX segments_start_idx ON pipe.segments (start_point_id);
CREATE INDEX segments_end_idx ON pipe.segments (end_point_id);

-- The node-edge graph in pgRouting's shape (source/target/cost/reverse_cost): gravity networks
-- are directed by their inverts (reverse_cost -1), pressure networks are undirected.
CREATE VIEW pipe.edges AS
SELECT s.id, s.category, s.subcategory, s.start_point_id AS source, s.end_point_id AS target, s.length_m AS cost,
       CASE WHEN c.gravity THEN -1 ELSE s.length_m END AS reverse_cost
  FROM pipe.segments s JOIN pipe.categories c ON c.code = s.category
 WHERE s.status <> 1;

SELECT catalog.track_feature_changes('pipe.points');
SELECT catalog.track_feature_changes('pipe.segments');
