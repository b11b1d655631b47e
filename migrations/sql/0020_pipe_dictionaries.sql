-- Underground pipelines (domain.md §1): code lists and thresholds are data with a `source` and a
-- `verified` flag (architecture.md §3), never constants in code.
COMMENT ON SCHEMA pipe IS '地下管线: CJJ 61-2017 管线点/管线段, 拓扑, 字典 (GB 50289 净距, 最小覆土)';

-- 管线种类、代号、代码与颜色 — CJJ 61-2017 附录B (domain.md §1.2).
CREATE TABLE pipe.categories (
  code char(2) PRIMARY KEY CHECK (code ~ '^[A-Z]{2}$'),
  digit smallint NOT NULL UNIQUE CHECK (digit BETWEEN 1 AND 8),
  name_zh text NOT NULL,
  name_en text NOT NULL,
  color text NOT NULL CHECK (color ~ '^#[0-9a-f]{6}$'),
  -- Gravity networks flow by inverts (排水); pressure networks do not.
  gravity boolean NOT NULL DEFAULT false,
  source text NOT NULL,
  verified boolean NOT NULL
);

CREATE TABLE pipe.subcategories (
  category char(2) NOT NULL REFERENCES pipe.categories (code),
  code varchar(4) NOT NULL,
  digits char(2) NOT NULL,
  name_zh text NOT NULL,
  color text CHECK (color ~ '^#[0-9a-f]{6}$'),
  source text NOT NULL,
  verified boolean NOT NULL,
  PRIMARY KEY (category, code)
);

INSERT INTO pipe.categories (code, digit, name_zh, name_en, color, gravity, source, verified) VALUES
  ('JS', 1, '给水', 'Water supply', '#00ffff', false, 'CJJ 61-2017 附录B', true),
  ('PS', 2, '排水', 'Drainage', '#4c3926', true, 'CJJ 61-2017 附录B', true),
  ('RQ', 3, '燃气', 'Gas', '#ff00ff', false, 'CJJ 61-2017 附录B', true),
  ('RL', 4, '热力', 'Heating', '#ff8000', false, 'CJJ 61-2017 附录B', true),
  ('DL', 5, '电力', 'Power', '#ff0000', false, 'CJJ 61-2017 附录B', true),
  ('TX', 6, '通信', 'Telecom', '#00ff00', false, 'CJJ 61-2017 附录B', true),
  ('GY', 7, '工业', 'Industrial', '#000000', false, 'CJJ 61-2017 附录B', true),
  ('QT', 8, '其他', 'Other', '#000000', false, 'CJJ 61-2017 附录B', true);

INSERT INTO pipe.subcategories (category, code, digits, name_zh, color, source, verified)
SELECT c, s, d, n, col, 'CJJ 61-2017 附录B', true FROM (VALUES
  ('JS', 'JY', '01', '原水', NULL), ('JS', 'SS', '02', '输水', NULL), ('JS', 'ZS', '03', '中水', NULL),
  ('JS', 'JP', '04', '配水', NULL), ('JS', 'JZ', '05', '直饮水', NULL), ('JS', 'XS', '06', '消防水', NULL),
  ('JS', 'LS', '07', '绿化水', NULL), ('JS', 'JH', '08', '循环水', NULL),
  ('PS', 'YS', '01', '雨水', NULL), ('PS', 'WS', '02', '污水', NULL), ('PS', 'HS', '03', '雨污合流', NULL),
  ('RQ', 'MQ', '01', '煤气', NULL), ('RQ', 'YH', '02', '液化气', NULL), ('RQ', 'TR', '03', '天然气', NULL),
  ('RL', 'RS', '01', '热水', NULL), ('RL', 'ZQ', '02', '蒸汽', NULL),
  ('DL', 'GD', '01', '供电', NULL), ('DL', 'LD', '02', '路灯', NULL), ('DL', 'XH', '03', '交通信号', NULL),
  ('DL', 'DC', '04', '电车', NULL), ('DL', 'GG', '05', '广告', NULL),
  ('TX', 'DH', '01', '电话', NULL), ('TX', 'DS', '02', '有线电视', NULL), ('TX', 'XX', '03', '信息网络', NULL), ('TX', 'GB', '04', '广播', NULL),
  ('GY', 'QQ', '01', '氢气', NULL), ('GY', 'YQ', '02', '氧气', NULL), ('GY', 'GQ', '03', '乙炔', NULL), ('GY', 'YX', '04', '乙烯', NULL),
  ('GY', 'BQ', '05', '苯', NULL), ('GY', 'LQ', '06', '氯气', NULL), ('GY', 'DQ', '07', '氮气', NULL), ('GY', 'EY', '08', '二氧化碳', NULL),
  ('GY', 'AQ', '09', '氨气', NULL), ('GY', 'JB', '10', '甲苯', NULL),
  ('QT', 'ZH', '01', '综合管沟', '#000000'), ('QT', 'BM', '02', '不明管线', '#6600cc')
) AS v (c, s, d, n, col);

-- 材质 — CJJ 61-2017 表C.0.1 (domain.md §1.4).
CREATE TABLE pipe.materials (
  code varchar(4) PRIMARY KEY,
  name_zh text NOT NULL,
  -- Gravity-pipe roughness is not modelled; `plastic` drives the GB 50014 minimum slope (0.002 vs 0.003).
  plastic boolean NOT NULL DEFAULT false,
  source text NOT NULL,
  verified boolean NOT NULL
);
INSERT INTO pipe.materials (code, name_zh, plastic, source, verified)
SELECT c, n, p, 'CJJ 61-2017 表C.0.1', true FROM (VALUES
  ('ZT', '铸铁', false), ('G', '钢', false), ('T', '混凝土', false), ('PE', '聚乙烯', true), ('PVC', '聚氯乙烯', true),
  ('BLG', '玻璃钢', true), ('QM', '球墨铸铁', false), ('ZS', '砖石', false), ('Z', '砖', false), ('S', '石', false),
  ('SM', '石棉', false), ('TC', '陶瓷', false), ('TZ', '铜', false), ('VL', '钢芯铝绞线', false), ('GX', '光纤', false)
) AS v (c, n, p);

-- 埋设方式 — CJJ 61-2017 表C.0.2.
CREATE TABLE pipe.embeddings (
  code varchar(4) PRIMARY KEY,
  name_zh text NOT NULL,
  -- 直埋 vs 管道/管块/管沟: the clearance tables distinguish the two.
  direct_buried boolean NOT NULL,
  source text NOT NULL,
  verified boolean NOT NULL
);
INSERT INTO pipe.embeddings (code, name_zh, direct_buried, source, verified)
SELECT c, n, d, 'CJJ 61-2017 表C.0.2', true FROM (VALUES
  ('ZM', '直埋', true), ('GM', '管埋', false), ('GK', '管块', false), ('GG', '管沟', false), ('JK', '架空', false),
  ('DM', '地面', false), ('SJ', '上架', false), ('XTD', '小通道', false), ('ZH', '综合管廊(沟)', false), ('RF', '人防', false),
  ('JN', '井内连线', false), ('DG', '顶管', false), ('SX', '水下', false)
) AS v (c, n, d);

-- 燃气压力级制 — GB 50028 (domain.md §1.4); `rank` orders the classes for clearance lookups.
CREATE TABLE pipe.gas_pressure_classes (
  code text PRIMARY KEY,
  rank smallint NOT NULL UNIQUE,
  min_mpa numeric NOT NULL,
  max_mpa numeric NOT NULL,
  source text NOT NULL,
  verified boolean NOT NULL
);
INSERT INTO pipe.gas_pressure_classes VALUES
  ('低压', 1, 0, 0.01, 'GB 50028', false), ('中压B', 2, 0.01, 0.2, 'GB 50028', false), ('中压A', 3, 0.2, 0.4, 'GB 50028', false),
  ('次高压B', 4, 0.4, 0.8, 'GB 50028', false), ('次高压A', 5, 0.8, 1.6, 'GB 50028', false),
  ('高压B', 6, 1.6, 2.5, 'GB 50028', false), ('高压A', 7, 2.5, 4.0, 'GB 50028', false);

-- 最小覆土深度 (domain.md §1.8). `location`: carriageway 车行道 | sidewalk 非机动车道/人行道.
-- `direct_buried` NULL: applies to any embedding.
CREATE TABLE pipe.min_cover (
  category char(2) NOT NULL REFERENCES pipe.categories (code),
  location text NOT NULL CHECK (location IN ('carriageway', 'sidewalk')),
  direct_buried boolean,
  min_m numeric(4, 2) NOT NULL,
  source text NOT NULL,
  verified boolean NOT NULL,
  UNIQUE NULLS NOT DISTINCT (category, location, direct_buried)
);
INSERT INTO pipe.min_cover VALUES
  ('PS', 'carriageway', NULL, 0.70, 'GB 50014-2021 §5.3.7', true), ('PS', 'sidewalk', NULL, 0.60, 'GB 50014-2021 §5.3.7', true),
  ('JS', 'carriageway', NULL, 0.70, 'GB 50289-2016 表4.1.1', false), ('JS', 'sidewalk', NULL, 0.60, 'GB 50289-2016 表4.1.1', false),
  ('RQ', 'carriageway', NULL, 0.90, 'GB 50289-2016 表4.1.1', false), ('RQ', 'sidewalk', NULL, 0.60, 'GB 50289-2016 表4.1.1', false),
  ('RL', 'carriageway', NULL, 1.00, 'GB 50289-2016 表4.1.1', false), ('RL', 'sidewalk', NULL, 0.70, 'GB 50289-2016 表4.1.1', false),
  ('DL', 'carriageway', true, 1.00, 'GB 50289-2016 表4.1.1', false), ('DL', 'sidewalk', true, 0.70, 'GB 50289-2016 表4.1.1', false),
  ('DL', 'carriageway', false, 0.50, 'GB 50289-2016 表4.1.1', false), ('DL', 'sidewalk', false, 0.50, 'GB 50289-2016 表4.1.1', false),
  ('TX', 'carriageway', true, 0.90, 'GB 50289-2016 表4.1.1', false), ('TX', 'sidewalk', true, 0.60, 'GB 50289-2016 表4.1.1', false),
  ('TX', 'carriageway', false, 0.60, 'GB 50289-2016 表4.1.1', false), ('TX', 'sidewalk', false, 0.50, 'GB 50289-2016 表4.1.1', false);

-- 管线间最小净距 — GB 50289-2016 表4.1.9 (H) and 表4.1.14 (V) (domain.md §1.7). A rule holds for
-- the unordered pair (cat_a, cat_b); optional conditions on the pipes narrow it. A condition whose
-- attribute is missing on a pipe makes the pair 需人工复核 (fail closed), never 'pass'.
CREATE TABLE pipe.clearance_rules (
  id serial PRIMARY KEY,
  kind char(1) NOT NULL CHECK (kind IN ('H', 'V')),
  cat_a char(2) NOT NULL REFERENCES pipe.categories (code),
  sub_a varchar(4),
  cat_b char(2) NOT NULL REFERENCES pipe.categories (code),
  -- Conditions on the pipe of category cat_b (the one whose class matters in the table).
  b_max_diameter_mm int,
  b_min_diameter_mm int,
  b_pressure_class text REFERENCES pipe.gas_pressure_classes (code),
  b_direct_buried boolean,
  min_m numeric(4, 2) NOT NULL CHECK (min_m >= 0),
  source text NOT NULL,
  clause text NOT NULL,
  verified boolean NOT NULL
);
INSERT INTO pipe.clearance_rules (kind, cat_a, cat_b, b_max_diameter_mm, b_min_diameter_mm, b_pressure_class, b_direct_buried, min_m, source, clause, verified) VALUES
  -- 污水、雨水 row (verified against the standard's text).
  ('H', 'PS', 'JS', 200, NULL, NULL, NULL, 1.0, 'GB 50289-2016', '表4.1.9', true),
  ('H', 'PS', 'JS', NULL, 201, NULL, NULL, 1.5, 'GB 50289-2016', '表4.1.9', true),
  ('H', 'PS', 'RQ', NULL, NULL, '低压', NULL, 1.0, 'GB 50289-2016', '表4.1.9', true),
  ('H', 'PS', 'RQ', NULL, NULL, '中压B', NULL, 1.2, 'GB 50289-2016', '表4.1.9', true),
  ('H', 'PS', 'RQ', NULL, NULL, '中压A', NULL, 1.2, 'GB 50289-2016', '表4.1.9', true),
  ('H', 'PS', 'RQ', NULL, NULL, '次高压B', NULL, 1.5, 'GB 50289-2016', '表4.1.9', true),
  ('H', 'PS', 'RQ', NULL, NULL, '次高压A', NULL, 2.0, 'GB 50289-2016', '表4.1.9', true),
  ('H', 'PS', 'TX', NULL, NULL, NULL, NULL, 1.0, 'GB 50289-2016', '表4.1.9', true),
  ('H', 'PS', 'DL', NULL, NULL, NULL, NULL, 0.5, 'GB 50289-2016', '表4.1.9', true),
  -- Other pairs recalled from the same table [STD?]: kept, but verified = false.
  ('H', 'JS', 'RQ', NULL, NULL, '低压', NULL, 0.5, 'GB 50289-2016', '表4.1.9', false),
  ('H', 'JS', 'RQ', NULL, NULL, '中压B', NULL, 0.5, 'GB 50289-2016', '表4.1.9', false),
  ('H', 'JS', 'RQ', NULL, NULL, '中压A', NULL, 0.5, 'GB 50289-2016', '表4.1.9', false),
  ('H', 'JS', 'RQ', NULL, NULL, '次高压B', NULL, 1.0, 'GB 50289-2016', '表4.1.9', false),
  ('H', 'JS', 'RQ', NULL, NULL, '次高压A', NULL, 1.5, 'GB 50289-2016', '表4.1.9', false),
  ('H', 'JS', 'RL', NULL, NULL, NULL, NULL, 1.5, 'GB 50289-2016', '表4.1.9', false),
  ('H', 'JS', 'DL', NULL, NULL, NULL, NULL, 0.5, 'GB 50289-2016', '表4.1.9', false),
  ('H', 'JS', 'TX', NULL, NULL, NULL, NULL, 1.0, 'GB 50289-2016', '表4.1.9', false),
  ('H', 'RQ', 'RL', NULL, NULL, NULL, NULL, 1.0, 'GB 50289-2016', '表4.1.9', false),
  ('H', 'RQ', 'DL', NULL, NULL, NULL, true, 0.5, 'GB 50289-2016', '表4.1.9', false),
  ('H', 'RQ', 'DL', NULL, NULL, NULL, false, 1.0, 'GB 50289-2016', '表4.1.9', false),
  ('H', 'RQ', 'TX', NULL, NULL, NULL, true, 0.5, 'GB 50289-2016', '表4.1.9', false),
  ('H', 'RQ', 'TX', NULL, NULL, NULL, false, 1.0, 'GB 50289-2016', '表4.1.9', false),
  ('H', 'RL', 'DL', NULL, NULL, NULL, NULL, 2.0, 'GB 50289-2016', '表4.1.9', false),
  ('H', 'RL', 'TX', NULL, NULL, NULL, NULL, 1.0, 'GB 50289-2016', '表4.1.9', false),
  ('H', 'DL', 'TX', NULL, NULL, NULL, NULL, 0.5, 'GB 50289-2016', '表4.1.9', false),
  -- Vertical clearances at crossings (GB 50289-98 table as copied by a local rule; verify against 表4.1.14).
  ('V', 'JS', 'JS', NULL, NULL, NULL, NULL, 0.15, 'GB 50289', '表4.1.14 (旧版)', false),
  ('V', 'PS', 'JS', NULL, NULL, NULL, NULL, 0.40, 'GB 50289', '表4.1.14 (旧版)', false),
  ('V', 'PS', 'PS', NULL, NULL, NULL, NULL, 0.15, 'GB 50289', '表4.1.14 (旧版)', false),
  ('V', 'RL', 'JS', NULL, NULL, NULL, NULL, 0.15, 'GB 50289', '表4.1.14 (旧版)', false),
  ('V', 'RL', 'PS', NULL, NULL, NULL, NULL, 0.15, 'GB 50289', '表4.1.14 (旧版)', false),
  ('V', 'RQ', 'JS', NULL, NULL, NULL, NULL, 0.15, 'GB 50289', '表4.1.14 (旧版)', false),
  ('V', 'RQ', 'PS', NULL, NULL, NULL, NULL, 0.15, 'GB 50289', '表4.1.14 (旧版)', false),
  ('V', 'RQ', 'RL', NULL, NULL, NULL, NULL, 0.15, 'GB 50289', '表4.1.14 (旧版)', false),
  ('V', 'RQ', 'RQ', NULL, NULL, NULL, NULL, 0.15, 'GB 50289', '表4.1.14 (旧版)', false),
  ('V', 'TX', 'JS', NULL, NULL, NULL, NULL, 0.15, 'GB 50289', '表4.1.14 (旧版)', false),
  ('V', 'TX', 'PS', NULL, NULL, NULL, NULL, 0.15, 'GB 50289', '表4.1.14 (旧版)', false),
  ('V', 'TX', 'RL', NULL, NULL, NULL, NULL, 0.15, 'GB 50289', '表4.1.14 (旧版)', false),
  ('V', 'TX', 'RQ', NULL, NULL, NULL, NULL, 0.15, 'GB 50289', '表4.1.14 (旧版)', false),
  ('V', 'TX', 'TX', NULL, NULL, NULL, NULL, 0.25, 'GB 50289', '表4.1.14 (旧版)', false),
  ('V', 'DL', 'JS', NULL, NULL, NULL, NULL, 0.15, 'GB 50289', '表4.1.14 (旧版)', false),
  ('V', 'DL', 'PS', NULL, NULL, NULL, NULL, 0.50, 'GB 50289', '表4.1.14 (旧版)', false),
  ('V', 'DL', 'RL', NULL, NULL, NULL, NULL, 0.50, 'GB 50289', '表4.1.14 (旧版)', false),
  ('V', 'DL', 'RQ', NULL, NULL, NULL, NULL, 0.15, 'GB 50289', '表4.1.14 (旧版)', false),
  ('V', 'DL', 'TX', NULL, NULL, NULL, NULL, 0.50, 'GB 50289', '表4.1.14 (旧版)', false),
  ('V', 'DL', 'DL', NULL, NULL, NULL, NULL, 0.50, 'GB 50289', '表4.1.14 (旧版)', false);
