-- 案件 (cases) of 数字城管 (domain.md §3.3, §3.5): event and component classes, the workflow
-- 上报 → 立案 → 派遣 → 处置 → 核查 → 结案 as data (states, allowed transitions), time limits per
-- class and urgency as data, assignment to 专业部门, location and photo metadata, and every
-- transition recorded. The server refuses any transition that is not a row here.

-- 专业部门 / 处置单位 a case can be dispatched to (synthetic names for the sample city).
CREATE TABLE city.departments (
  code text PRIMARY KEY CHECK (code ~ '^[a-z0-9-]{2,32}$'),
  name_zh text NOT NULL,
  name_en text NOT NULL
);
INSERT INTO city.departments VALUES
  ('jj-szyl', '椒江区市政园林中心', 'Jiaojiang Municipal Works and Parks Centre'),
  ('jj-hw', '椒江区环境卫生管理处', 'Jiaojiang Sanitation Office'),
  ('jj-zf', '椒江区综合行政执法局', 'Jiaojiang Comprehensive Law Enforcement Bureau'),
  ('tz-water', '台州市自来水有限公司', 'Taizhou Water Supply Co.'),
  ('tz-gas', '台州市燃气有限公司', 'Taizhou Gas Co.'),
  ('tz-power', '国网台州供电公司', 'State Grid Taizhou Power Supply'),
  ('tz-telecom', '台州电信分公司', 'Taizhou Telecom'),
  ('tz-traffic', '台州市公安局交通警察支队', 'Taizhou Traffic Police'),
  ('jj-zj', '椒江区住房和城乡建设局', 'Jiaojiang Housing and Construction Bureau');

-- 事件 classes (domain.md §3.3, a deployed system's list [PRACTICE]); 部件 cases use the
-- component classes of migration 0075. Case class = kind + 4-digit code.
CREATE TABLE city.event_major (
  code char(2) PRIMARY KEY CHECK (code ~ '^[0-9]{2}$'),
  name_zh text NOT NULL,
  name_en text NOT NULL
);
INSERT INTO city.event_major VALUES
  ('01', '市容环境', 'Streetscape'), ('02', '宣传广告', 'Advertising'), ('03', '施工管理', 'Construction'),
  ('04', '突发事件', 'Emergencies'), ('05', '街面秩序', 'Street order'), ('06', '扩展事件', 'Local extensions');

CREATE TABLE city.case_class (
  kind text NOT NULL CHECK (kind IN ('event', 'component')),
  code char(4) NOT NULL CHECK (code ~ '^[0-9]{4}$'),
  name_zh text NOT NULL,
  default_department text REFERENCES city.departments (code),
  source text NOT NULL,
  verified boolean NOT NULL DEFAULT false,
  PRIMARY KEY (kind, code)
);
INSERT INTO city.case_class (kind, code, name_zh, default_department, source)
SELECT 'event', e.code, e.name, e.dept, 'CJ/T 214 event list as used by a deployed system [PRACTICE]'
  FROM (VALUES
  ('0101', '私搭乱建', 'jj-zf'), ('0102', '暴露垃圾', 'jj-hw'), ('0103', '积存垃圾渣土', 'jj-hw'), ('0104', '道路不洁', 'jj-hw'),
  ('0105', '水域不洁', 'jj-hw'), ('0106', '绿地脏乱', 'jj-szyl'), ('0107', '废弃车辆', 'jj-zf'), ('0108', '废弃家具设备', 'jj-hw'),
  ('0111', '道路积水', 'jj-szyl'), ('0115', '乱倒污水', 'jj-zf'),
  ('0201', '非法小广告', 'jj-zf'), ('0202', '违章张贴悬挂广告牌匾', 'jj-zf'), ('0203', '占道广告牌', 'jj-zf'), ('0204', '街头散发小广告', 'jj-zf'),
  ('0301', '施工扰民', 'jj-zj'), ('0302', '工地扬尘', 'jj-zj'), ('0303', '无证消纳渣土', 'jj-zf'), ('0304', '道路遗撒', 'jj-hw'),
  ('0305', '施工废弃料', 'jj-zj'), ('0306', '道路破损', 'jj-szyl'), ('0307', '施工工地未围挡', 'jj-zj'),
  ('0401', '路面塌陷', 'jj-szyl'), ('0402', '自来水管破裂', 'tz-water'), ('0403', '燃气管道破裂', 'tz-gas'), ('0404', '下水道堵塞或破损', 'jj-szyl'),
  ('0411', '火灾', 'jj-zf'),
  ('0501', '无照经营游商', 'jj-zf'), ('0502', '流浪乞讨', 'jj-zf'), ('0503', '占道废品收购', 'jj-zf'), ('0504', '店外经营', 'jj-zf'),
  ('0505', '机动车乱停放', 'tz-traffic'), ('0506', '非机动车乱停放', 'jj-zf'), ('0507', '乱堆物堆料', 'jj-zf'), ('0509', '黑车拉客', 'tz-traffic'),
  ('0510', '露天烧烤', 'jj-zf')
  ) AS e(code, name, dept);
INSERT INTO city.case_class (kind, code, name_zh, default_department, source)
SELECT 'component', c.code, c.name_zh,
       CASE WHEN c.code IN ('0101', '0113', '0127') THEN 'tz-water' WHEN c.code IN ('0111', '0128', '0133') THEN 'tz-gas'
            WHEN c.code IN ('0105', '0116', '0117') THEN 'tz-power' WHEN c.code IN ('0107', '0108', '0109', '0115', '0122') THEN 'tz-telecom'
            WHEN c.major = '02' AND c.code IN ('0209', '0210', '0211', '0214') THEN 'tz-traffic'
            WHEN c.major = '03' THEN 'jj-hw' ELSE 'jj-szyl' END,
       c.source
  FROM city.component_class c;

-- Workflow states. limit_stage names the time limit that runs while a case is in the state
-- (NULL: no clock, e.g. 延期 or a closed case).
CREATE TABLE city.case_state (
  code text PRIMARY KEY CHECK (code ~ '^[a-z_]{1,20}$'),
  name_zh text NOT NULL,
  name_en text NOT NULL,
  terminal boolean NOT NULL,
  limit_stage text CHECK (limit_stage IN ('file', 'dispatch', 'handle', 'check')),
  color text NOT NULL,
  ord integer NOT NULL UNIQUE
);
INSERT INTO city.case_state VALUES
  ('reported', '已上报', 'Reported', false, 'file', '#1565c0', 1),
  ('filed', '已立案', 'Filed', false, 'dispatch', '#00838f', 2),
  ('dispatched', '已派遣', 'Dispatched', false, 'handle', '#f9a825', 3),
  ('in_progress', '处置中', 'In progress', false, 'handle', '#ef6c00', 4),
  ('deferred', '延期', 'Deferred', false, NULL, '#8d6e63', 5),
  ('awaiting_check', '待核查', 'Awaiting check', false, 'check', '#6a1b9a', 6),
  ('closed', '已结案', 'Closed', true, NULL, '#2e7d32', 7),
  ('void', '作废', 'Void', true, NULL, '#9e9e9e', 8);

-- The allowed transitions (domain.md §3.5 state machine). Anything else is refused.
CREATE TABLE city.case_transition (
  action text NOT NULL CHECK (action ~ '^[a-z_]{1,20}$'),
  from_state text NOT NULL REFERENCES city.case_state (code),
  to_state text NOT NULL REFERENCES city.case_state (code),
  name_zh text NOT NULL,
  name_en text NOT NULL,
  requires_department boolean NOT NULL DEFAULT false,
  source text NOT NULL,
  PRIMARY KEY (action, from_state)
);
INSERT INTO city.case_transition VALUES
  ('file', 'reported', 'filed', '立案', 'file', false, 'domain.md §3.5 [PROPOSAL]'),
  ('reject', 'reported', 'void', '不予立案', 'reject', false, 'domain.md §3.5 [PROPOSAL]'),
  ('dispatch', 'filed', 'dispatched', '派遣', 'dispatch', true, 'domain.md §3.5 [PROPOSAL]'),
  ('accept', 'dispatched', 'in_progress', '签收', 'accept', false, 'domain.md §3.5 [PROPOSAL]'),
  ('send_back', 'dispatched', 'filed', '退回(非本部门)', 'send back', false, 'domain.md §3.5 [PROPOSAL]'),
  ('send_back', 'in_progress', 'filed', '退回(非本部门)', 'send back', false, 'domain.md §3.5 [PROPOSAL]'),
  ('defer', 'in_progress', 'deferred', '申请延期', 'defer', false, 'domain.md §3.5 [PROPOSAL]'),
  ('resume', 'deferred', 'in_progress', '恢复处置', 'resume', false, 'domain.md §3.5 [PROPOSAL]'),
  ('complete', 'in_progress', 'awaiting_check', '处置反馈', 'report handling done', false, 'domain.md §3.5 [PROPOSAL]'),
  ('approve', 'awaiting_check', 'closed', '核查通过并结案', 'check passed, close', false, 'domain.md §3.5 [PROPOSAL]'),
  ('rework', 'awaiting_check', 'in_progress', '核查不通过(返工)', 'check failed, rework', false, 'domain.md §3.5 [PROPOSAL]');

-- Time limits (时限) per class and urgency, for each stage. class_prefix matches a case's
-- 4-digit class code by prefix: the longest matching prefix wins ('' is the default).
CREATE TABLE city.case_time_limit (
  kind text NOT NULL CHECK (kind IN ('event', 'component')),
  class_prefix text NOT NULL CHECK (class_prefix ~ '^([0-9]{2}|[0-9]{4})?$'),
  urgency text NOT NULL CHECK (urgency IN ('normal', 'urgent')),
  stage text NOT NULL CHECK (stage IN ('file', 'dispatch', 'handle', 'check')),
  limit_minutes integer NOT NULL CHECK (limit_minutes > 0),
  source text NOT NULL,
  verified boolean NOT NULL DEFAULT false,
  PRIMARY KEY (kind, class_prefix, urgency, stage)
);
INSERT INTO city.case_time_limit (kind, class_prefix, urgency, stage, limit_minutes, source)
SELECT k.kind, l.prefix, l.urgency, l.stage, l.minutes, 'sample limits in the spirit of CJ/T 315 时限 classes [PROPOSAL]'
  FROM (VALUES ('event'), ('component')) AS k(kind)
  CROSS JOIN (VALUES
    ('', 'normal', 'file', 60), ('', 'normal', 'dispatch', 30), ('', 'normal', 'handle', 2880), ('', 'normal', 'check', 240),
    ('', 'urgent', 'file', 15), ('', 'urgent', 'dispatch', 10), ('', 'urgent', 'handle', 240), ('', 'urgent', 'check', 60)
  ) AS l(prefix, urgency, stage, minutes);
INSERT INTO city.case_time_limit (kind, class_prefix, urgency, stage, limit_minutes, source) VALUES
  -- 突发事件: hours, not days.
  ('event', '04', 'normal', 'handle', 240, 'sample [PROPOSAL]'),
  ('event', '04', 'urgent', 'handle', 60, 'sample [PROPOSAL]'),
  -- 街面秩序 and 宣传广告: same day.
  ('event', '05', 'normal', 'handle', 480, 'sample [PROPOSAL]'),
  ('event', '02', 'normal', 'handle', 720, 'sample [PROPOSAL]'),
  -- a missing manhole cover is dangerous: 2 h.
  ('component', '01', 'normal', 'handle', 1440, 'sample [PROPOSAL]'),
  ('component', '0103', 'urgent', 'handle', 120, 'sample [PROPOSAL]'),
  ('component', '0102', 'urgent', 'handle', 120, 'sample [PROPOSAL]'),
  ('component', '0101', 'urgent', 'handle', 120, 'sample [PROPOSAL]');

-- The limit of one stage for a case class: longest matching prefix.
CREATE FUNCTION city.case_limit_minutes(p_kind text, p_code text, p_urgency text, p_stage text) RETURNS integer
LANGUAGE sql STABLE AS $$
  SELECT limit_minutes FROM city.case_time_limit
   WHERE kind = p_kind AND urgency = p_urgency AND stage = p_stage AND left(p_code, length(class_prefix)) = class_prefix
   ORDER BY length(class_prefix) DESC LIMIT 1
$$;

CREATE SEQUENCE city.case_no_seq;

CREATE TABLE city.cases (
  id bigserial PRIMARY KEY,
  -- 案卷号: yyyymmdd (Beijing date of the report) + 6-digit serial.
  case_no text NOT NULL UNIQUE CHECK (case_no ~ '^[0-9]{14}$'),
  kind text NOT NULL,
  class_code char(4) NOT NULL,
  urgency text NOT NULL DEFAULT 'normal' CHECK (urgency IN ('normal', 'urgent')),
  state text NOT NULL REFERENCES city.case_state (code),
  source text NOT NULL DEFAULT 'inspector' CHECK (source IN ('inspector', 'public', 'hotline', 'iot', 'vehicle')),
  description text NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
  address text,
  reporter text NOT NULL,
  component_id bigint REFERENCES city.components (id),
  grid_code char(14) REFERENCES city.unit_grids (code),
  street_code char(9),
  district_adcode char(6),
  department_code text REFERENCES city.departments (code),
  reported_at timestamptz NOT NULL,
  filed_at timestamptz,
  dispatched_at timestamptz,
  handled_at timestamptz,
  closed_at timestamptz,
  -- Deadline of the current stage (NULL when no clock runs), and of handling once dispatched.
  stage_deadline timestamptz,
  handle_deadline timestamptz,
  rework_count integer NOT NULL DEFAULT 0,
  -- Photo metadata (never the bytes): [{name, stage, takenAt, lon, lat, bytes, sha256}].
  photos jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(photos) = 'array'),
  geom geometry(Point, 4490) NOT NULL,
  geom_3857 geometry(Point, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
  FOREIGN KEY (kind, class_code) REFERENCES city.case_class (kind, code)
);
CREATE INDEX cases_geom_idx ON city.cases USING gist (geom);
CREATE INDEX cases_geom_3857_idx ON city.cases USING gist (geom_3857);
CREATE INDEX cases_state_idx ON city.cases (state);
CREATE INDEX cases_reported_idx ON city.cases (reported_at);
SELECT catalog.track_feature_changes('city.cases');

CREATE TABLE city.case_events (
  id bigserial PRIMARY KEY,
  case_id bigint NOT NULL REFERENCES city.cases (id) ON DELETE CASCADE,
  action text NOT NULL,
  from_state text REFERENCES city.case_state (code),
  to_state text NOT NULL REFERENCES city.case_state (code),
  actor text NOT NULL,
  at timestamptz NOT NULL,
  department_code text REFERENCES city.departments (code),
  note text,
  photos jsonb NOT NULL DEFAULT '[]'
);
CREATE INDEX case_events_case_idx ON city.case_events (case_id, at);
