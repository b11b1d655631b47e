-- 数字城管 (domain.md §3): 单元网格 (unit grids), 城市部件 (components) with their 16-digit
-- identifiers, status and status history. Code lists are data with a source and a verified flag
-- (domain.md §0): the component classes are CJ/T 214 as reproduced by a deployed system
-- [PRACTICE], not checked against the standard's text.

-- 部件大类 and 小类 (CJ/T 214 / GB/T 30428.2, 大类 2 digits + 小类 2 digits).
CREATE TABLE city.component_major (
  code char(2) PRIMARY KEY CHECK (code ~ '^[0-9]{2}$'),
  name_zh text NOT NULL,
  name_en text NOT NULL,
  source text NOT NULL,
  verified boolean NOT NULL DEFAULT false
);
INSERT INTO city.component_major VALUES
  ('01', '公用设施', 'Public utilities', 'CJ/T 214-2007 [STD?]', false),
  ('02', '道路交通', 'Roads and traffic', 'CJ/T 214-2007 [STD?]', false),
  ('03', '市容环境', 'Streetscape and sanitation', 'CJ/T 214-2007 [STD?]', false),
  ('04', '园林绿化', 'Parks and greenery', 'CJ/T 214-2007 [STD?]', false),
  ('05', '房屋土地', 'Buildings and land', 'CJ/T 214-2007 [STD?]', false),
  ('06', '其他设施', 'Other facilities', 'CJ/T 214-2007 [STD?]', false);

CREATE TABLE city.component_class (
  code char(4) PRIMARY KEY CHECK (code ~ '^[0-9]{4}$'),
  major char(2) NOT NULL REFERENCES city.component_major (code),
  name_zh text NOT NULL,
  source text NOT NULL,
  verified boolean NOT NULL DEFAULT false,
  CHECK (left(code, 2) = major)
);
INSERT INTO city.component_class (code, major, name_zh, source)
SELECT c.code, left(c.code, 2), c.name, 'CJ/T 214-2007 as used by a deployed 数字城管 client [PRACTICE]'
  FROM (VALUES
  ('0101', '上水井盖'), ('0102', '污水井盖'), ('0103', '雨水井盖'), ('0104', '雨水箅子'), ('0105', '电力井盖'),
  ('0106', '路灯井盖'), ('0107', '通信井盖'), ('0108', '电视井盖'), ('0109', '网络井盖'), ('0110', '热力井盖'),
  ('0111', '燃气井盖'), ('0112', '公安井盖'), ('0113', '消防设施'), ('0114', '无主井盖'), ('0115', '通信交接箱'),
  ('0116', '电力设施'), ('0117', '电杆'), ('0118', '路灯'), ('0119', '地灯'), ('0121', '报刊亭'),
  ('0122', '电话亭'), ('0123', '邮筒'), ('0126', '健身设施'), ('0127', '中水井盖'), ('0128', '输油(气)井盖'),
  ('0133', '燃气调压站(箱)'),
  ('0201', '停车场'), ('0202', '停车咪表'), ('0203', '公交站亭'), ('0204', '出租车站牌'), ('0205', '过街天桥'),
  ('0206', '地下通道'), ('0207', '高架立交桥'), ('0208', '跨河桥'), ('0209', '交通标志牌'), ('0210', '交通控制箱'),
  ('0211', '交通护栏'), ('0212', '存车支架'), ('0213', '路名牌'), ('0214', '交通信号灯'),
  ('0301', '公共厕所'), ('0304', '垃圾间'), ('0305', '垃圾箱'), ('0306', '灯箱霓虹灯'), ('0307', '广告牌匾'),
  ('0401', '古树名木'), ('0402', '行道树'), ('0403', '树池箅子'), ('0404', '花架花钵'), ('0405', '绿地'),
  ('0406', '雕塑'), ('0407', '街头座椅'),
  ('0501', '宣传栏'), ('0502', '人防工事'), ('0503', '公房地下室')
  ) AS c(code, name);

-- ObjState: 完好 / 破损 / 丢失 / 占用 (domain.md §3.2) plus 废弃 (retired, kept for history).
CREATE TABLE city.component_status (
  code text PRIMARY KEY CHECK (code ~ '^[a-z_]{1,20}$'),
  name_zh text NOT NULL,
  name_en text NOT NULL,
  color text NOT NULL,
  ord integer NOT NULL UNIQUE,
  source text NOT NULL,
  verified boolean NOT NULL DEFAULT false
);
INSERT INTO city.component_status VALUES
  ('intact', '完好', 'Intact', '#2e7d32', 1, 'domain.md §3.2 ObjState [PRACTICE]', true),
  ('damaged', '破损', 'Damaged', '#ef6c00', 2, 'domain.md §3.2 ObjState [PRACTICE]', true),
  ('missing', '丢失', 'Missing', '#c62828', 3, 'domain.md §3.2 ObjState [PRACTICE]', true),
  ('occupied', '占用', 'Occupied', '#6a1b9a', 4, 'domain.md §3.2 ObjState [PRACTICE]', true),
  ('retired', '废弃', 'Retired', '#757575', 5, 'local extension [PROPOSAL]', false);

-- 单元网格 (CJ/T 213): code = county adcode (6) + 街道/乡镇 (3) + 社区 (3) + serial (2) = 14 digits.
-- A grid lies in exactly one street (town); grids partition the managed area (no overlap).
CREATE TABLE city.unit_grids (
  code char(14) PRIMARY KEY CHECK (code ~ '^[0-9]{14}$'),
  street_code char(9) NOT NULL REFERENCES base.towns (code),
  community_code char(12) NOT NULL,
  district_adcode char(6) NOT NULL REFERENCES base.districts (adcode),
  area_m2 double precision NOT NULL CHECK (area_m2 > 0),
  responsible_unit text,
  geom geometry(MultiPolygon, 4490) NOT NULL,
  geom_3857 geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
  CHECK (left(code, 9) = street_code AND left(code, 12) = community_code AND left(code, 6) = district_adcode)
);
CREATE INDEX unit_grids_geom_idx ON city.unit_grids USING gist (geom);
CREATE INDEX unit_grids_geom_3857_idx ON city.unit_grids USING gist (geom_3857);
CREATE INDEX unit_grids_street_idx ON city.unit_grids (street_code);
SELECT catalog.track_feature_changes('city.unit_grids');

-- 城市部件. code (标识码) = county adcode (6) + 大类 (2) + 小类 (2) + serial (6) = 16 digits.
-- grid/street/district are where the component stands (set from the geometry on write).
CREATE TABLE city.components (
  id bigserial PRIMARY KEY,
  code char(16) NOT NULL UNIQUE CHECK (code ~ '^[0-9]{16}$'),
  class_code char(4) NOT NULL REFERENCES city.component_class (code),
  status text NOT NULL DEFAULT 'intact' REFERENCES city.component_status (code),
  status_changed_at timestamptz NOT NULL DEFAULT now(),
  grid_code char(14) REFERENCES city.unit_grids (code),
  street_code char(9),
  district_adcode char(6) NOT NULL,
  owner_unit text,
  maintainer_unit text,
  road_name text,
  -- A 井盖 references the manhole/valve of the same place (domain.md §3.2: link to pipelines).
  pipe_point_id bigint REFERENCES pipe.points (id),
  installed_on date,
  data_source text NOT NULL DEFAULT '实测',
  geom geometry(Point, 4490) NOT NULL,
  geom_3857 geometry(Point, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
  CHECK (substr(code, 7, 4) = class_code AND left(code, 6) = district_adcode)
);
CREATE INDEX components_geom_idx ON city.components USING gist (geom);
CREATE INDEX components_geom_3857_idx ON city.components USING gist (geom_3857);
CREATE INDEX components_grid_idx ON city.components (grid_code);
SELECT catalog.track_feature_changes('city.components');

-- Every status change of a component: who, when, why (a case number when a case caused it).
CREATE TABLE city.component_status_history (
  id bigserial PRIMARY KEY,
  component_id bigint NOT NULL REFERENCES city.components (id) ON DELETE CASCADE,
  from_status text REFERENCES city.component_status (code),
  to_status text NOT NULL REFERENCES city.component_status (code),
  changed_at timestamptz NOT NULL,
  changed_by text NOT NULL,
  note text,
  case_no text
);
CREATE INDEX component_status_history_idx ON city.component_status_history (component_id, changed_at);

-- Changes the status of one component and records it; returns the history row id (NULL when
-- the status is already that one). One function so the HTTP path and case closing agree.
CREATE FUNCTION city.set_component_status(p_id bigint, p_status text, p_at timestamptz, p_by text, p_note text, p_case_no text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  old_status text;
  hid bigint;
BEGIN
  SELECT status INTO old_status FROM city.components WHERE id = p_id FOR UPDATE;
  IF NOT FOUND OR old_status = p_status THEN
    RETURN NULL;
  END IF;
  UPDATE city.components SET status = p_status, status_changed_at = p_at WHERE id = p_id;
  INSERT INTO city.component_status_history (component_id, from_status, to_status, changed_at, changed_by, note, case_no)
  VALUES (p_id, old_status, p_status, p_at, p_by, p_note, p_case_no) RETURNING id INTO hid;
  RETURN hid;
END;
$$;
