-- Hydrology (domain.md §2): SL 323 stations, their flood-control indicators, and the code
-- lists and thresholds the platform evaluates against. Code lists and thresholds are data with
-- a `source` and a `verified` flag (architecture.md §3), never constants in code.
-- Table and column names follow SL 323-2011 in lower case (domain.md §2.3).

-- 站类 STTP (SL 323; domain.md §2.2).
CREATE TABLE hydro.code_station_type (
  sttp text PRIMARY KEY CHECK (sttp ~ '^[A-Z]{2}$'),
  name_zh text NOT NULL,
  name_en text NOT NULL,
  source text NOT NULL,
  verified boolean NOT NULL DEFAULT false
);
INSERT INTO hydro.code_station_type (sttp, name_zh, name_en, source, verified) VALUES
  ('PP', '雨量站', 'Rain gauge', 'SL 323-2011', true),
  ('ZZ', '河道水位站', 'River stage station', 'SL 323-2011', true),
  ('ZQ', '河道水文站', 'River gauging station (stage + discharge)', 'SL 323-2011', true),
  ('RR', '水库水文站', 'Reservoir station', 'SL 323-2011', true),
  ('DD', '堰闸水文站', 'Weir/sluice station', 'SL 323-2011', true),
  ('TT', '潮位站', 'Tide station', 'SL 323-2011', true),
  ('DP', '泵站', 'Pumping station', 'SL 323-2011', true),
  ('SS', '墒情站', 'Soil-moisture station', 'SL 323-2011', true),
  ('BB', '蒸发站', 'Evaporation station', 'SL 323-2011', true),
  ('MM', '气象站', 'Weather station', 'SL 323-2011', true),
  ('ZG', '地下水站', 'Groundwater station', 'SL 323-2011', true),
  ('ZB', '分洪水位站', 'Flood-diversion stage station', 'SL 323-2011', true);

-- Observed elements (SL 323 column names of ST_PPTN_R / ST_RIVER_R / ST_RSVR_R). `aggregation`
-- says how rollups combine values: rainfall is a period total (summed), levels and flows are
-- instantaneous (min/max/last). min_value/max_value bound what is physically possible for one
-- record at the element's base interval (a plausibility gate at ingest, not a QC threshold).
CREATE TABLE hydro.code_element (
  element text PRIMARY KEY CHECK (element ~ '^[A-Z]{1,6}$'),
  name_zh text NOT NULL,
  name_en text NOT NULL,
  unit text NOT NULL,
  aggregation text NOT NULL CHECK (aggregation IN ('total', 'instant')),
  min_value double precision NOT NULL,
  max_value double precision NOT NULL,
  sl323_table text NOT NULL,
  source text NOT NULL,
  verified boolean NOT NULL DEFAULT false,
  CHECK (min_value < max_value)
);
INSERT INTO hydro.code_element VALUES
  ('DRP', '时段降水量', 'Period rainfall', 'mm', 'total', 0, 60, 'ST_PPTN_R', 'SL 323-2011 (DRP); bound: > world 5-min record ≈ 40 mm [PROPOSAL]', false),
  ('Z', '水位', 'River stage', 'm', 'instant', -10, 1500, 'ST_RIVER_R', 'SL 323-2011 (Z)', true),
  ('Q', '流量', 'Discharge', 'm³/s', 'instant', 0, 60000, 'ST_RIVER_R', 'SL 323-2011 (Q)', true),
  ('RZ', '库上水位', 'Reservoir level', 'm', 'instant', -10, 1500, 'ST_RSVR_R', 'SL 323-2011 (RZ)', true),
  ('INQ', '入库流量', 'Inflow', 'm³/s', 'instant', 0, 60000, 'ST_RSVR_R', 'SL 323-2011 (INQ)', true),
  ('OTQ', '出库流量', 'Outflow', 'm³/s', 'instant', 0, 60000, 'ST_RSVR_R', 'SL 323-2011 (OTQ)', true),
  ('W', '蓄水量', 'Storage', '10⁶ m³', 'instant', 0, 100000, 'ST_RSVR_R', 'SL 323-2011 (W, 10⁶ m³)', true);

-- Which elements a station of each type reports (one datastream per station × element).
CREATE TABLE hydro.code_station_element (
  sttp text NOT NULL REFERENCES hydro.code_station_type (sttp),
  element text NOT NULL REFERENCES hydro.code_element (element),
  -- The one base interval this datastream is stored at (domain.md §2.4 INTV trap: rows of
  -- other intervals for the same station would double-count).
  intv_min integer NOT NULL CHECK (intv_min > 0),
  is_primary boolean NOT NULL DEFAULT false,
  source text NOT NULL,
  verified boolean NOT NULL DEFAULT false,
  PRIMARY KEY (sttp, element)
);
INSERT INTO hydro.code_station_element VALUES
  ('PP', 'DRP', 5, true, 'SL 323-2011 ST_PPTN_R', true),
  ('ZZ', 'Z', 5, true, 'SL 323-2011 ST_RIVER_R', true),
  ('ZQ', 'Z', 5, true, 'SL 323-2011 ST_RIVER_R', true),
  ('ZQ', 'Q', 5, false, 'SL 323-2011 ST_RIVER_R', true),
  ('DD', 'Z', 5, true, 'SL 323-2011 ST_WAS_R (UPZ as Z) [PROPOSAL]', false),
  ('TT', 'Z', 5, true, 'SL 323-2011 ST_TIDE_R (TDZ as Z) [PROPOSAL]', false),
  ('RR', 'RZ', 5, true, 'SL 323-2011 ST_RSVR_R', true),
  ('RR', 'INQ', 5, false, 'SL 323-2011 ST_RSVR_R', true),
  ('RR', 'OTQ', 5, false, 'SL 323-2011 ST_RSVR_R', true),
  ('RR', 'W', 5, false, 'SL 323-2011 ST_RSVR_R', true);

-- ST_STBPRP_B 测站基本属性表. STCD is an opaque 8-character code (SL 502); never derive meaning
-- from its digits, use STTP. geom is derived from LGTD/LTTD (CGCS2000 ≈ WGS84 at this scale).
CREATE TABLE hydro.st_stbprp_b (
  stcd text PRIMARY KEY CHECK (stcd ~ '^[0-9A-Z]{8}$'),
  stnm text NOT NULL CHECK (length(stnm) <= 30),
  rvnm text,
  hnnm text,
  bsnm text,
  lgtd numeric(10, 6) NOT NULL CHECK (lgtd BETWEEN -180 AND 180),
  lttd numeric(10, 6) NOT NULL CHECK (lttd BETWEEN -90 AND 90),
  stlc text,
  addvcd text CHECK (addvcd ~ '^[0-9]{6}$'),
  dtmnm text,
  dtpr numeric(7, 3),
  sttp text NOT NULL REFERENCES hydro.code_station_type (sttp),
  usfl boolean NOT NULL DEFAULT true,
  comments text,
  moditime timestamptz NOT NULL DEFAULT now(),
  -- Current state for the map (kept by hydro.evaluate_alarms on ingest, so tiles follow live
  -- data through the tile-invalidating triggers): normal / over_warning / over_guarantee /
  -- over_flood_limit / rain (a rainfall alarm is open) / no_data.
  status text NOT NULL DEFAULT 'no_data',
  status_value double precision,
  status_tm timestamptz,
  geom geometry(Point, 4490) GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(lgtd::float8, lttd::float8), 4490)) STORED,
  geom_3857 geometry(Point, 3857) GENERATED ALWAYS AS (ST_Transform(ST_SetSRID(ST_MakePoint(lgtd::float8, lttd::float8), 4490), 3857)) STORED
);
CREATE INDEX st_stbprp_b_geom_idx ON hydro.st_stbprp_b USING gist (geom);
CREATE INDEX st_stbprp_b_geom_3857_idx ON hydro.st_stbprp_b USING gist (geom_3857);
SELECT catalog.track_feature_changes('hydro.st_stbprp_b');

-- ST_RVFCCH_B 河道站防洪指标表 (subset): 警戒水位 WRZ, 保证水位 GRZ.
CREATE TABLE hydro.st_rvfcch_b (
  stcd text PRIMARY KEY REFERENCES hydro.st_stbprp_b (stcd) ON DELETE CASCADE,
  wrz double precision,
  wrq double precision,
  grz double precision,
  grq double precision,
  source text NOT NULL,
  verified boolean NOT NULL DEFAULT false,
  CHECK (grz IS NULL OR wrz IS NULL OR grz >= wrz)
);

-- ST_RSVRFCCH_B 库(湖)站防洪指标表 (subset).
CREATE TABLE hydro.st_rsvrfcch_b (
  stcd text PRIMARY KEY REFERENCES hydro.st_stbprp_b (stcd) ON DELETE CASCADE,
  normz double precision,
  ddz double precision,
  dsflz double precision,
  ckflz double precision,
  ttcp double precision,
  source text NOT NULL,
  verified boolean NOT NULL DEFAULT false
);

-- ST_RSVRFSR_B 库(湖)站汛限水位表: several periods per reservoir (梅汛期/台汛期), MMDD bounds
-- inclusive. The limit in force at T is the row whose [BGMD, EDMD] contains T's MMDD in Beijing time.
CREATE TABLE hydro.st_rsvrfsr_b (
  stcd text NOT NULL REFERENCES hydro.st_stbprp_b (stcd) ON DELETE CASCADE,
  bgmd text NOT NULL CHECK (bgmd ~ '^(0[1-9]|1[0-2])[0-3][0-9]$'),
  edmd text NOT NULL CHECK (edmd ~ '^(0[1-9]|1[0-2])[0-3][0-9]$'),
  fsltdz double precision NOT NULL,
  fstp text NOT NULL,
  source text NOT NULL,
  verified boolean NOT NULL DEFAULT false,
  PRIMARY KEY (stcd, bgmd),
  CHECK (bgmd <= edmd)
);

-- Rainfall alarm rules, configurable (domain.md §2.5): 暴雨预警信号 (中国气象局令第16号) and
-- QX/T 416-2018 短时强降水. A station raises one alarm per rule whose window total reaches min_mm.
CREATE TABLE hydro.rain_alarm_rule (
  code text PRIMARY KEY CHECK (code ~ '^[a-z0-9_]+$'),
  window_h integer NOT NULL CHECK (window_h IN (1, 3, 6, 12, 24)),
  min_mm double precision NOT NULL CHECK (min_mm > 0),
  level smallint NOT NULL CHECK (level BETWEEN 1 AND 4),
  name_zh text NOT NULL,
  name_en text NOT NULL,
  source text NOT NULL,
  verified boolean NOT NULL DEFAULT false
);
INSERT INTO hydro.rain_alarm_rule VALUES
  ('rain_1h_20', 1, 20, 2, '短时强降水(1小时≥20毫米)', 'Short-duration heavy rain (1 h ≥ 20 mm)', 'QX/T 416-2018 [STD?]', false),
  ('rain_12h_50', 12, 50, 1, '暴雨蓝色(12小时≥50毫米)', 'Rainstorm blue (12 h ≥ 50 mm)', '中国气象局令第16号 (2007) [STD?]', false),
  ('rain_6h_50', 6, 50, 2, '暴雨黄色(6小时≥50毫米)', 'Rainstorm yellow (6 h ≥ 50 mm)', '中国气象局令第16号 (2007) [STD?]', false),
  ('rain_3h_50', 3, 50, 3, '暴雨橙色(3小时≥50毫米)', 'Rainstorm orange (3 h ≥ 50 mm)', '中国气象局令第16号 (2007) [STD?]', false),
  ('rain_3h_100', 3, 100, 4, '暴雨红色(3小时≥100毫米)', 'Rainstorm red (3 h ≥ 100 mm)', '中国气象局令第16号 (2007) [STD?]', false);

-- Rainfall classes for display (GB/T 28592-2012 defines only 12 h and 24 h; 1 h bins are a
-- meteorological convention, domain.md §2.5). [min_mm, max_mm) with max NULL = open.
CREATE TABLE hydro.rain_class (
  window_h integer NOT NULL CHECK (window_h IN (1, 12, 24)),
  class_code text NOT NULL,
  min_mm double precision NOT NULL,
  max_mm double precision,
  name_zh text NOT NULL,
  name_en text NOT NULL,
  color text NOT NULL,
  source text NOT NULL,
  verified boolean NOT NULL DEFAULT false,
  PRIMARY KEY (window_h, class_code)
);
INSERT INTO hydro.rain_class VALUES
  (24, '0', 0.1, 10, '小雨', 'Light rain', '#a6f28f', 'GB/T 28592-2012', true),
  (24, '1', 10, 25, '中雨', 'Moderate rain', '#3dba3d', 'GB/T 28592-2012', true),
  (24, '2', 25, 50, '大雨', 'Heavy rain', '#61b8ff', 'GB/T 28592-2012', true),
  (24, '3', 50, 100, '暴雨', 'Rainstorm', '#0000ff', 'GB/T 28592-2012', true),
  (24, '4', 100, 250, '大暴雨', 'Heavy rainstorm', '#fa00fa', 'GB/T 28592-2012', true),
  (24, '5', 250, NULL, '特大暴雨', 'Extraordinary rainstorm', '#800040', 'GB/T 28592-2012', true),
  (12, '0', 0.1, 5, '小雨', 'Light rain', '#a6f28f', 'GB/T 28592-2012', true),
  (12, '1', 5, 15, '中雨', 'Moderate rain', '#3dba3d', 'GB/T 28592-2012', true),
  (12, '2', 15, 30, '大雨', 'Heavy rain', '#61b8ff', 'GB/T 28592-2012', true),
  (12, '3', 30, 70, '暴雨', 'Rainstorm', '#0000ff', 'GB/T 28592-2012', true),
  (12, '4', 70, 140, '大暴雨', 'Heavy rainstorm', '#fa00fa', 'GB/T 28592-2012', true),
  (12, '5', 140, NULL, '特大暴雨', 'Extraordinary rainstorm', '#800040', 'GB/T 28592-2012', true),
  (1, '0', 0.1, 2.6, '小雨', 'Light rain', '#a6f28f', 'operational convention [STD?]', false),
  (1, '1', 2.6, 8.1, '中雨', 'Moderate rain', '#3dba3d', 'operational convention [STD?]', false),
  (1, '2', 8.1, 16, '大雨', 'Heavy rain', '#61b8ff', 'operational convention [STD?]', false),
  (1, '3', 16, NULL, '暴雨', 'Rainstorm', '#0000ff', 'operational convention [STD?]', false);

-- Scalar settings of the hydrology module, as data.
CREATE TABLE hydro.setting (
  key text PRIMARY KEY,
  value double precision NOT NULL,
  unit text NOT NULL,
  description text NOT NULL,
  source text NOT NULL,
  verified boolean NOT NULL DEFAULT false
);
INSERT INTO hydro.setting VALUES
  ('future_tolerance_min', 10, 'min', '观测时间晚于当前时间超过此值的记录被拒绝 / records later than now + this are rejected', 'platform rule [PROPOSAL]', false),
  ('rise_fast_m_per_h', 0.5, 'm/h', '水位1小时涨幅达到此值报"涨势快" / a stage rise over one hour reaching this raises rising_fast', 'platform rule [PROPOSAL]', false),
  ('status_lookback_h', 6, 'h', '状态查询只取此时长内的最新值 / status uses the latest value within this many hours', 'platform rule [PROPOSAL]', false);

-- One datastream per station × element (SensorThings Datastream; domain.md §2.8).
CREATE TABLE hydro.datastream (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  stcd text NOT NULL REFERENCES hydro.st_stbprp_b (stcd) ON DELETE CASCADE,
  element text NOT NULL REFERENCES hydro.code_element (element),
  intv_min integer NOT NULL CHECK (intv_min > 0),
  UNIQUE (stcd, element)
);

-- Creates the datastreams a station's type implies (idempotent).
CREATE FUNCTION hydro.ensure_datastreams() RETURNS integer
LANGUAGE sql AS $$
  WITH ins AS (
    INSERT INTO hydro.datastream (stcd, element, intv_min)
    SELECT s.stcd, e.element, e.intv_min
      FROM hydro.st_stbprp_b s JOIN hydro.code_station_element e ON e.sttp = s.sttp
    ON CONFLICT (stcd, element) DO NOTHING
    RETURNING 1)
  SELECT count(*)::integer FROM ins;
$$;
