-- Water resources (domain.md §2.9): 水功能区 with GB 3838-2002 single-factor evaluation, and
-- 取水许可 with metered withdrawals checked against the permitted annual quantity.
-- Limits are data with a `source` and a `verified` flag, never constants in code.

-- GB 3838-2002 class ranks: 1..5 = I..V, 6 = 劣V (worse than V).
CREATE FUNCTION hydro.gb3838_class_name(rank smallint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (ARRAY['I', 'II', 'III', 'IV', 'V', '劣V'])[rank]
$$;

-- Class limits per parameter, water body and class. higher_is_better: DO is "≥ limit", the
-- others "≤ limit". TP differs for lakes/reservoirs; TN is evaluated for lakes/reservoirs only.
CREATE TABLE hydro.gb3838_limits (
  parameter text NOT NULL CHECK (parameter ~ '^[A-Za-z0-9-]{1,12}$'),
  water_body text NOT NULL CHECK (water_body IN ('river', 'lake')),
  class_rank smallint NOT NULL CHECK (class_rank BETWEEN 1 AND 5),
  limit_value double precision NOT NULL CHECK (limit_value >= 0),
  higher_is_better boolean NOT NULL,
  name_zh text NOT NULL,
  unit text NOT NULL DEFAULT 'mg/L',
  source text NOT NULL,
  verified boolean NOT NULL DEFAULT false,
  PRIMARY KEY (parameter, water_body, class_rank)
);
INSERT INTO hydro.gb3838_limits (parameter, water_body, class_rank, limit_value, higher_is_better, name_zh, source, verified)
SELECT p.parameter, b.water_body, c.rank::smallint,
       CASE WHEN p.parameter = 'TP' AND b.water_body = 'lake' THEN p.lake_limits[c.rank] ELSE p.limits[c.rank] END,
       p.parameter = 'DO', p.name_zh, 'GB 3838-2002 表1 基本项目', true
  FROM (VALUES
    ('DO', '溶解氧', ARRAY[7.5, 6, 5, 3, 2]::float8[], NULL::float8[]),
    ('CODMn', '高锰酸盐指数', ARRAY[2, 4, 6, 10, 15]::float8[], NULL),
    ('COD', '化学需氧量', ARRAY[15, 15, 20, 30, 40]::float8[], NULL),
    ('BOD5', '五日生化需氧量', ARRAY[3, 3, 4, 6, 10]::float8[], NULL),
    ('NH3-N', '氨氮', ARRAY[0.15, 0.5, 1.0, 1.5, 2.0]::float8[], NULL),
    ('TP', '总磷', ARRAY[0.02, 0.1, 0.2, 0.3, 0.4]::float8[], ARRAY[0.01, 0.025, 0.05, 0.1, 0.2]::float8[]),
    ('TN', '总氮', ARRAY[0.2, 0.5, 1.0, 1.5, 2.0]::float8[], NULL)
  ) AS p(parameter, name_zh, limits, lake_limits)
  CROSS JOIN (VALUES ('river'), ('lake')) AS b(water_body)
  CROSS JOIN generate_series(1, 5) AS c(rank)
 WHERE NOT (p.parameter = 'TN' AND b.water_body = 'river');

-- The class of one value: the best class whose limit it satisfies, 6 (劣V) if none; NULL when
-- the parameter is not evaluated for that water body.
CREATE FUNCTION hydro.gb3838_class(p_parameter text, p_water_body text, p_value double precision) RETURNS smallint
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN count(*) = 0 THEN NULL
              ELSE coalesce(min(l.class_rank) FILTER (WHERE CASE WHEN l.higher_is_better THEN p_value >= l.limit_value ELSE p_value <= l.limit_value END), 6)::smallint END
    FROM hydro.gb3838_limits l
   WHERE l.parameter = p_parameter AND l.water_body = p_water_body
$$;

-- 水功能区 (GB/T 50594-2010): river reaches (buffers) and reservoirs with a target class.
CREATE TABLE hydro.wf_zone (
  code text PRIMARY KEY CHECK (code ~ '^[A-Z0-9-]{2,32}$'),
  name text NOT NULL,
  river text,
  level1 text NOT NULL CHECK (level1 IN ('保护区', '保留区', '开发利用区', '缓冲区')),
  level2 text CHECK (level2 IN ('饮用水源区', '工业用水区', '农业用水区', '渔业用水区', '景观娱乐用水区', '过渡区', '排污控制区')),
  water_body text NOT NULL CHECK (water_body IN ('river', 'lake')),
  target_class smallint NOT NULL CHECK (target_class BETWEEN 1 AND 5),
  geom geometry(MultiPolygon, 4490) NOT NULL,
  geom_3857 geometry(MultiPolygon, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
  CHECK (level2 IS NULL OR level1 = '开发利用区')
);
CREATE INDEX wf_zone_geom_idx ON hydro.wf_zone USING gist (geom);
CREATE INDEX wf_zone_geom_3857_idx ON hydro.wf_zone USING gist (geom_3857);

-- One measured parameter of one sample (long form).
CREATE TABLE hydro.wq_sample (
  id bigserial PRIMARY KEY,
  zone_code text NOT NULL REFERENCES hydro.wf_zone (code) ON DELETE CASCADE,
  station text NOT NULL CHECK (length(station) BETWEEN 1 AND 64),
  sampled_at timestamptz NOT NULL,
  parameter text NOT NULL,
  value double precision NOT NULL CHECK (value >= 0 AND value < 100000),
  UNIQUE (zone_code, station, sampled_at, parameter)
);
CREATE INDEX wq_sample_zone_time_idx ON hydro.wq_sample (zone_code, sampled_at DESC);

-- Each sample parameter with its class (NULL class: not evaluated for this water body).
CREATE VIEW hydro.wq_sample_class AS
SELECT s.id, s.zone_code, s.station, s.sampled_at, s.parameter, s.value,
       hydro.gb3838_class(s.parameter, z.water_body, s.value) AS class_rank
  FROM hydro.wq_sample s JOIN hydro.wf_zone z ON z.code = s.zone_code;

-- Each sample (zone × station × time): overall class = worst evaluated parameter, vs target.
CREATE VIEW hydro.wq_sample_overall AS
SELECT c.zone_code, c.station, c.sampled_at,
       max(c.class_rank)::smallint AS class_rank,
       hydro.gb3838_class_name(max(c.class_rank)::smallint) AS class_name,
       z.target_class,
       max(c.class_rank) <= z.target_class AS meets,
       array_agg(c.parameter ORDER BY c.parameter) FILTER (WHERE c.class_rank > z.target_class) AS exceeding
  FROM hydro.wq_sample_class c JOIN hydro.wf_zone z ON z.code = c.zone_code
 WHERE c.class_rank IS NOT NULL
 GROUP BY c.zone_code, c.station, c.sampled_at, z.target_class;

-- 取水许可 (取水许可和水资源费征收管理条例).
CREATE TABLE hydro.withdrawal_permit (
  permit_no text PRIMARY KEY CHECK (permit_no ~ '^[A-Za-z0-9-]{4,40}$'),
  holder text NOT NULL,
  water_source text NOT NULL CHECK (water_source IN ('地表水', '地下水')),
  source_name text,
  use_type text NOT NULL CHECK (use_type IN ('生活', '工业', '农业', '生态', '其他')),
  annual_quota_m3 double precision NOT NULL CHECK (annual_quota_m3 > 0),
  valid_from date NOT NULL,
  valid_to date NOT NULL,
  geom geometry(Point, 4490) NOT NULL,
  geom_3857 geometry(Point, 3857) GENERATED ALWAYS AS (ST_Transform(geom, 3857)) STORED,
  CHECK (valid_to >= valid_from)
);
CREATE INDEX withdrawal_permit_geom_3857_idx ON hydro.withdrawal_permit USING gist (geom_3857);

CREATE TABLE hydro.withdrawal_meter (
  meter_id text PRIMARY KEY CHECK (meter_id ~ '^[A-Za-z0-9-]{2,40}$'),
  permit_no text NOT NULL REFERENCES hydro.withdrawal_permit (permit_no) ON DELETE CASCADE,
  meter_type text NOT NULL CHECK (meter_type IN ('电磁', '超声', '明渠', '其他'))
);

-- Readings are INTERVAL volumes (m³ withdrawn in [period_start, period_end)), not cumulative
-- totals: no rollover/replacement handling needed and periods sum directly.
CREATE TABLE hydro.withdrawal_reading (
  meter_id text NOT NULL REFERENCES hydro.withdrawal_meter (meter_id) ON DELETE CASCADE,
  period_start timestamptz NOT NULL,
  period_end timestamptz NOT NULL,
  volume_m3 double precision NOT NULL CHECK (volume_m3 >= 0 AND volume_m3 < 1e10),
  PRIMARY KEY (meter_id, period_start),
  CHECK (period_end > period_start)
);

-- Year-to-date withdrawal per permit valid in p_year, as of p_as_of (exclusive; Beijing time
-- calendar). Counts intervals wholly inside [Jan 1, p_as_of). Pro-rata quota = annual quota ×
-- elapsed days / days in the year.
CREATE FUNCTION hydro.withdrawal_status(p_year integer, p_as_of timestamptz)
RETURNS TABLE (permit_no text, holder text, annual_quota_m3 double precision, prorata_quota_m3 double precision,
               withdrawn_m3 double precision, ratio double precision, over_prorata boolean, over_annual boolean)
LANGUAGE sql STABLE AS $$
  WITH y AS (
    SELECT make_timestamptz(p_year, 1, 1, 0, 0, 0, 'Asia/Shanghai') AS y0,
           make_timestamptz(p_year + 1, 1, 1, 0, 0, 0, 'Asia/Shanghai') AS y1
  ), w AS (
    SELECT y.*, least(greatest(p_as_of, y0), y1) AS asof FROM y
  )
  SELECT p.permit_no, p.holder, p.annual_quota_m3,
         p.annual_quota_m3 * extract(epoch FROM w.asof - w.y0) / extract(epoch FROM w.y1 - w.y0),
         coalesce(v.vol, 0),
         coalesce(v.vol, 0) / p.annual_quota_m3,
         coalesce(v.vol, 0) > p.annual_quota_m3 * extract(epoch FROM w.asof - w.y0) / extract(epoch FROM w.y1 - w.y0),
         coalesce(v.vol, 0) > p.annual_quota_m3
    FROM hydro.withdrawal_permit p CROSS JOIN w
    LEFT JOIN LATERAL (
      SELECT sum(r.volume_m3) AS vol
        FROM hydro.withdrawal_meter m JOIN hydro.withdrawal_reading r ON r.meter_id = m.meter_id
       WHERE m.permit_no = p.permit_no AND r.period_start >= w.y0 AND r.period_end <= w.asof
    ) v ON true
   WHERE p.valid_from < (w.y1 AT TIME ZONE 'Asia/Shanghai')::date AND p.valid_to >= (w.y0 AT TIME ZONE 'Asia/Shanghai')::date
$$;

-- Holders over their pro-rata or annual permitted quantity.
CREATE FUNCTION hydro.over_permit_holders(p_year integer, p_as_of timestamptz)
RETURNS TABLE (holder text, permit_no text, withdrawn_m3 double precision, prorata_quota_m3 double precision,
               annual_quota_m3 double precision, over_annual boolean)
LANGUAGE sql STABLE AS $$
  SELECT s.holder, s.permit_no, s.withdrawn_m3, s.prorata_quota_m3, s.annual_quota_m3, s.over_annual
    FROM hydro.withdrawal_status(p_year, p_as_of) s
   WHERE s.over_prorata OR s.over_annual
   ORDER BY s.ratio DESC, s.permit_no
$$;
