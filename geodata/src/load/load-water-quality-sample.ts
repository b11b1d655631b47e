/**
 * Water-resource sample (domain.md §2.9), appended to the hydrology sample in its transaction:
 * 水功能区 as buffers of three sample rivers plus one reservoir, a year (2024) of monthly
 * GB 3838 samples with a few failures (the latest sample of one zone fails its target), and
 * ten 取水许可 with one meter each and monthly interval volumes; one holder is over its permit.
 * Deterministic; replaces any previous water-resource sample.
 */
import type pg from 'pg';

const ZONES_SQL = `
WITH river AS (
  SELECT name, geom, row_number() OVER (ORDER BY name) AS i
    FROM (SELECT DISTINCT ON (name) name, geom FROM base.rivers WHERE grade <= 2 ORDER BY name, length_km DESC, id) r
   ORDER BY name LIMIT 3
), rsv AS (
  SELECT name, geom FROM base.water_areas WHERE kind = 'reservoir' ORDER BY ST_Area(geom) DESC, id LIMIT 1
)
INSERT INTO hydro.wf_zone (code, name, river, level1, level2, water_body, target_class, geom)
SELECT 'TZ-WFZ-0' || r.i, r.name || CASE r.i WHEN 1 THEN '饮用水源区' WHEN 2 THEN '工业用水区' ELSE '农业用水区' END, r.name,
       '开发利用区', CASE r.i WHEN 1 THEN '饮用水源区' WHEN 2 THEN '工业用水区' ELSE '农业用水区' END, 'river',
       CASE r.i WHEN 1 THEN 2 WHEN 2 THEN 3 ELSE 4 END,
       ST_Multi(ST_Transform(ST_Buffer(ST_Transform(ST_GeometryN(r.geom, 1), 3857), 200), 4490))
  FROM river r
UNION ALL
SELECT 'TZ-WFZ-R1', w.name || '保护区', NULL, '保护区', NULL, 'lake', 2, w.geom FROM rsv w`;

// Base values per zone target class: comfortably inside the target; failures injected below.
const SAMPLES_SQL = `
WITH base(target, parameter, v) AS (VALUES
  (2, 'DO', 7.8), (2, 'CODMn', 3.0), (2, 'COD', 12), (2, 'BOD5', 2.5), (2, 'NH3-N', 0.3), (2, 'TP', 0.06), (2, 'TN', 0.4),
  (3, 'DO', 6.5), (3, 'CODMn', 4.5), (3, 'COD', 17), (3, 'BOD5', 3.5), (3, 'NH3-N', 0.8), (3, 'TP', 0.15), (3, 'TN', 0.8),
  (4, 'DO', 5.5), (4, 'CODMn', 8.0), (4, 'COD', 25), (4, 'BOD5', 5.0), (4, 'NH3-N', 1.2), (4, 'TP', 0.25), (4, 'TN', 1.2)
)
INSERT INTO hydro.wq_sample (zone_code, station, sampled_at, parameter, value)
SELECT z.code, z.code || '-S1', make_timestamptz(2024, m, 10, 9, 0, 0, 'Asia/Shanghai'), b.parameter,
       CASE
         -- failures: drinking-water reach NH3-N in July (IV), reservoir TP in August (IV for lakes),
         -- industrial reach DO in December (IV: the zone's latest sample misses target III)
         WHEN z.code = 'TZ-WFZ-01' AND m = 7 AND b.parameter = 'NH3-N' THEN 1.3
         WHEN z.code = 'TZ-WFZ-R1' AND m = 8 AND b.parameter = 'TP' THEN 0.08
         WHEN z.code = 'TZ-WFZ-02' AND m = 12 AND b.parameter = 'DO' THEN 4.2
         WHEN z.water_body = 'lake' AND b.parameter = 'TP' THEN 0.02
         WHEN b.parameter = 'DO' THEN round((b.v * (1 + 0.01 * (m % 4)))::numeric, 2)
         ELSE round((b.v * (0.9 + 0.02 * (m % 5)))::numeric, 3)
       END
  FROM hydro.wf_zone z
  JOIN base b ON b.target = z.target_class AND (b.parameter <> 'TN' OR z.water_body = 'lake')
 CROSS JOIN generate_series(1, 12) AS m
 WHERE z.code LIKE 'TZ-WFZ-%'`;

const PERMITS_SQL = `
WITH r AS (SELECT geom FROM base.rivers ORDER BY length_km DESC, id LIMIT 1)
INSERT INTO hydro.withdrawal_permit (permit_no, holder, water_source, source_name, use_type, annual_quota_m3, valid_from, valid_to, geom)
SELECT 'QS3310-2024-' || lpad(i::text, 3, '0'),
       (ARRAY['台州市自来水有限公司', '椒江化工园区管委会', '黄岩灌区管理所', '路桥金属制品厂', '临海水务集团', '温岭造纸厂', '玉环水产养殖场', '天台县供水公司', '仙居工业园供水站', '三门生态补水站'])[i],
       CASE WHEN i % 4 = 0 THEN '地下水' ELSE '地表水' END, CASE WHEN i % 4 = 0 THEN '浅层地下水' ELSE '椒江' END,
       (ARRAY['生活', '工业', '农业', '工业', '生活', '工业', '农业', '生活', '工业', '生态'])[i],
       i * 120000, date '2022-01-01', date '2026-12-31',
       ST_LineInterpolatePoint(ST_GeometryN(r.geom, 1), i / 11.0)
  FROM r CROSS JOIN generate_series(1, 10) AS i`;

const METERS_SQL = `
INSERT INTO hydro.withdrawal_meter (meter_id, permit_no, meter_type)
SELECT 'M-' || right(permit_no, 3), permit_no, CASE WHEN water_source = '地下水' THEN '电磁' ELSE '超声' END
  FROM hydro.withdrawal_permit WHERE permit_no LIKE 'QS3310-2024-%'`;

// Monthly volumes: 70–85 % of the pro-rata month; permit 004 (路桥金属制品厂) draws 130 %.
const READINGS_SQL = `
INSERT INTO hydro.withdrawal_reading (meter_id, period_start, period_end, volume_m3)
SELECT m.meter_id, make_timestamptz(2024, k, 1, 0, 0, 0, 'Asia/Shanghai'),
       make_timestamptz(2024, 1, 1, 0, 0, 0, 'Asia/Shanghai') + make_interval(months => k),
       round((p.annual_quota_m3 / 12 * CASE WHEN p.permit_no = 'QS3310-2024-004' THEN 1.3 ELSE 0.7 + 0.05 * (k % 4) END)::numeric)
  FROM hydro.withdrawal_meter m JOIN hydro.withdrawal_permit p USING (permit_no)
 CROSS JOIN generate_series(1, 12) AS k
 WHERE p.permit_no LIKE 'QS3310-2024-%'`;

/** Inserts the water-resource sample; call inside the hydrology sample's transaction. */
export async function loadWaterQualitySample(client: pg.ClientBase): Promise<void> {
  await client.query('TRUNCATE hydro.wf_zone, hydro.wq_sample, hydro.withdrawal_permit, hydro.withdrawal_meter, hydro.withdrawal_reading CASCADE');
  for (const sql of [ZONES_SQL, SAMPLES_SQL, PERMITS_SQL, METERS_SQL, READINGS_SQL]) await client.query(sql);
}
