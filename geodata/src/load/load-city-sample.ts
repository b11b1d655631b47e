/**
 * The 城管 (city management) sample (domain.md §6.5), generated inside PostGIS from the loaded
 * base geography and pipe networks, so everything sits where it would:
 *
 * - 单元网格: 100 m cells (CGCS2000 / 3° GK CM 120°E metres) over the 椒江 urban core, cut by
 *   street (街道) boundaries and the river, coded county + street + community (5 × 5 cells) +
 *   serial, numbered west→east, north→south;
 * - 城市部件: a manhole cover on every manhole/valve of the sample pipe networks (linked to the
 *   pipe point) and street furniture along the sample roads; a few percent 破损/丢失/占用 with
 *   their history;
 * - 案件: a month of cases (events and components) moved through the workflow as far as
 *   their age allows, some over their time limits, some reworked or rejected;
 * - 北斗 vehicles driving sample roads for a day (fixes every 10–30 s, stops, some outside
 *   their assigned street);
 * - parking lots with two days of 5-minute occupancy, and energy meters on large buildings with
 *   daily kWh since 1 January (a few outliers).
 *
 * Deterministic: every "random" number is a hash of a stable key. Runs in one transaction and
 * replaces any previous city sample.
 */
import type pg from 'pg';

/** The sample's "today": vehicles drive, parking is observed, the case month ends then. */
export const CITY_SAMPLE_DAY = '2025-06-18';
/** The managed area of the sample (unit grids cover the land of this box, CGCS2000 lon/lat). */
export const CITY_SAMPLE_BBOX = [121.37, 28.62, 121.47, 28.71] as const;
const DAY_START = `timestamptz '${CITY_SAMPLE_DAY} 00:00+08'`;
/** Sample "now": the end of the sample day's working hours. */
const SAMPLE_NOW = `timestamptz '${CITY_SAMPLE_DAY} 20:00+08'`;

export interface CityLoadReport {
  readonly grids: number;
  readonly components: number;
  readonly cases: number;
  readonly vehicles: number;
  readonly fixes: number;
  readonly parkingLots: number;
  readonly meters: number;
  readonly observations: number;
  readonly totalMs: number;
}

// 0..1 from a text key.
const u = (key: string) => `((hashtext(${key}) & 2147483647)::float8 / 2147483647)`;

const GRIDS_SQL = `
WITH area AS (
  SELECT ST_Transform(ST_MakeEnvelope(${CITY_SAMPLE_BBOX.join(', ')}, 4490), 4549) AS g
), cells AS (
  SELECT i, j, ST_MakeEnvelope(x0 + i * 100, y0 + j * 100, x0 + (i + 1) * 100, y0 + (j + 1) * 100, 4549) AS cell
    FROM (SELECT floor(ST_XMin(g) / 100) * 100 AS x0, floor(ST_YMin(g) / 100) * 100 AS y0,
                 ceil((ST_XMax(g) - ST_XMin(g)) / 100)::int AS nx, ceil((ST_YMax(g) - ST_YMin(g)) / 100)::int AS ny FROM area) b,
         generate_series(0, b.nx - 1) i, generate_series(0, b.ny - 1) j
), water AS (
  SELECT coalesce(ST_Union(ST_Transform(w.geom, 4549)), 'POLYGON EMPTY'::geometry) AS g
    FROM base.water_areas w, area WHERE ST_Intersects(ST_Transform(w.geom, 4549), area.g)
), towns AS (
  SELECT t.code, t.district_adcode, ST_Transform(t.geom, 4549) AS g FROM base.towns t, area WHERE ST_Intersects(ST_Transform(t.geom, 4549), area.g)
), pieces AS (
  SELECT c.i, c.j, t.code AS street, t.district_adcode,
         CASE WHEN NOT ST_Intersects(x.g, w.g) THEN x.g ELSE ST_CollectionExtract(ST_Difference(x.g, w.g), 3) END AS g
    FROM cells c JOIN towns t ON ST_Intersects(c.cell, t.g)
   CROSS JOIN LATERAL (SELECT CASE WHEN ST_Within(c.cell, t.g) THEN c.cell ELSE ST_CollectionExtract(ST_Intersection(c.cell, t.g), 3) END AS g) x
   CROSS JOIN water w
), numbered AS (
  SELECT p.*, (p.i / 5) AS ci, (p.j / 5) AS cj FROM pieces p WHERE ST_Area(p.g) >= 1
), comm AS (
  SELECT street, ci, cj, row_number() OVER (PARTITION BY street ORDER BY cj DESC, ci) AS cno FROM (SELECT DISTINCT street, ci, cj FROM numbered) d
)
INSERT INTO city.unit_grids (code, street_code, community_code, district_adcode, area_m2, responsible_unit, geom)
SELECT n.street || lpad(c.cno::text, 3, '0') || lpad(row_number() OVER (PARTITION BY n.street, c.cno ORDER BY n.j DESC, n.i)::text, 2, '0'),
       n.street, n.street || lpad(c.cno::text, 3, '0'), n.district_adcode, ST_Area(n.g), t.name || '网格监督员',
       ST_Multi(ST_Transform(n.g, 4490))
  FROM numbered n JOIN comm c USING (street, ci, cj) JOIN base.towns t ON t.code = n.street`;

// Street furniture along roads: class, spacing (m), side of the road, first offset (m).
const FURNITURE = `(VALUES ('0118', 80.0, 1, 0.0), ('0305', 200.0, 1, 7.0), ('0209', 400.0, 1, 55.0), ('0203', 600.0, -1, 150.0),
  ('0213', 500.0, 1, 90.0), ('0402', 200.0, -1, 35.0), ('0115', 800.0, 1, 260.0), ('0214', 700.0, 1, 5.0), ('0301', 1500.0, -1, 700.0)) AS s(class_code, step, side, off0)`;

const COMPONENTS_SQL = `
WITH box AS (SELECT ST_SetSRID(ST_Extent(geom)::geometry, 4490) AS box FROM city.unit_grids),
src AS (
  -- 井盖 on every manhole / valve of the sample pipe networks (linked to the pipe point)
  SELECT CASE p.category || p.subcategory WHEN 'PSYS' THEN '0103' WHEN 'PSWS' THEN '0102' WHEN 'DLGD' THEN '0105'
                    WHEN 'TXXX' THEN '0107' WHEN 'JSJP' THEN '0101' WHEN 'RQTR' THEN '0111' END AS class_code,
         p.id AS pipe_point_id, p.road_name, p.owner_unit, p.geom
    FROM pipe.points p, box
   WHERE p.geom && box.box AND p.appurtenance IN ('检修井', '阀门') AND p.category || p.subcategory IN ('PSYS', 'PSWS', 'DLGD', 'TXXX', 'JSJP', 'RQTR')
  UNION ALL
  -- street furniture, 8 m to the side of the road centre line
  SELECT s.class_code, NULL, r.name, NULL, ST_Transform(ST_Translate(p.pt, s.side * 8 * -sin(p.az), s.side * 8 * cos(p.az)), 4490)
    FROM (SELECT r.name, r.class, ST_Transform((ST_Dump(ST_Intersection(r.geom, box.box))).geom, 4549) AS line
            FROM base.roads r, box WHERE upper_inf(r.valid) AND r.geom && box.box AND r.class IN ('arterial', 'secondary', 'branch')) r
    JOIN ${FURNITURE} ON (s.class_code IN ('0305', '0213') OR r.class <> 'branch')
   CROSS JOIN LATERAL generate_series(0, floor((ST_Length(r.line) - s.off0) / s.step)::int) k
   CROSS JOIN LATERAL (SELECT ST_LineInterpolatePoint(r.line, least(1, (s.off0 + k * s.step) / ST_Length(r.line))) AS pt,
                              ST_Azimuth(ST_LineInterpolatePoint(r.line, greatest(0, (s.off0 + k * s.step - 1) / ST_Length(r.line))),
                                         ST_LineInterpolatePoint(r.line, least(1, (s.off0 + k * s.step + 1) / ST_Length(r.line)))) AS az) p
   WHERE ST_Length(r.line) > s.off0
)
INSERT INTO city.components (code, class_code, status, status_changed_at, grid_code, street_code, district_adcode, owner_unit, maintainer_unit, road_name, pipe_point_id, installed_on, geom)
SELECT g.district_adcode || c.class_code || lpad(row_number() OVER (PARTITION BY g.district_adcode, c.class_code ORDER BY ST_Y(c.geom) DESC, ST_X(c.geom))::text, 6, '0'),
       c.class_code, 'intact', timestamptz '2025-01-01 00:00+08', g.code, g.street_code, g.district_adcode,
       coalesce(c.owner_unit, d.name_zh), d.name_zh, c.road_name, c.pipe_point_id,
       date '2000-01-01' + (abs(hashtext(ST_AsText(c.geom))) % 8000), c.geom
  FROM src c
  JOIN LATERAL (SELECT u.code, u.street_code, u.district_adcode FROM city.unit_grids u WHERE ST_Intersects(u.geom, c.geom) ORDER BY u.code LIMIT 1) g ON true
  JOIN city.case_class cc ON cc.kind = 'component' AND cc.code = c.class_code
  LEFT JOIN city.departments d ON d.code = cc.default_department`;

// ~6 % of components not intact, with the history row that made them so.
const COMPONENT_STATUS_SQL = [
  `CREATE TEMP TABLE city_sample_status ON COMMIT DROP AS
   SELECT id, CASE WHEN h < 0.035 THEN 'damaged' WHEN h < 0.045 THEN 'missing' WHEN h < 0.06 THEN 'occupied' END AS status,
          timestamptz '2025-03-01 08:00+08' + (h2 * 100 * 86400) * interval '1 second' AS at
     FROM (SELECT id, ${u("code || 'st'")} AS h, ${u("code || 'at'")} AS h2 FROM city.components) c WHERE h < 0.06`,
  `INSERT INTO city.component_status_history (component_id, from_status, to_status, changed_at, changed_by, note)
   SELECT c.id, NULL, 'intact', timestamptz '2025-01-01 00:00+08', '普查', '部件普查入库' FROM city.components c`,
  `INSERT INTO city.component_status_history (component_id, from_status, to_status, changed_at, changed_by, note)
   SELECT s.id, 'intact', s.status, s.at, '监督员巡查', '巡查发现' FROM city_sample_status s`,
  `UPDATE city.components c SET status = s.status, status_changed_at = s.at FROM city_sample_status s WHERE s.id = c.id`,
];

// A month of cases. Per case: class by the event shares of domain.md §6.5 (05 街面秩序 and 01
// 市容 most, 04 突发 rare) or a non-intact component; stage times drawn around the limits so
// some run over; the state is as far as the sample "now" allows.
const CASES_SQL = [
  `CREATE TEMP TABLE city_sample_ev ON COMMIT DROP AS
   SELECT (row_number() OVER (ORDER BY code) - 1)::int AS k, code FROM city.case_class WHERE kind = 'event'`,
  `CREATE TEMP TABLE city_sample_broken ON COMMIT DROP AS
   SELECT (row_number() OVER (ORDER BY id) - 1)::int AS k, id, class_code, geom FROM city.components WHERE status <> 'intact'`,
  `CREATE TEMP TABLE city_sample_grid ON COMMIT DROP AS
   SELECT (row_number() OVER (ORDER BY code) - 1)::int AS k, ST_PointOnSurface(geom) AS pt FROM city.unit_grids`,
  `CREATE TEMP TABLE city_sample_case ON COMMIT DROP AS
   WITH n AS (SELECT i, ${u("i::text || 'a'")} AS a, ${u("i::text || 'b'")} AS b, ${u("i::text || 'c'")} AS c, ${u("i::text || 'd'")} AS d,
                     ${u("i::text || 'e'")} AS e, ${u("i::text || 'f'")} AS f, ${u("i::text || 'g'")} AS g
                FROM generate_series(1, 2400) i),
   cnt AS (SELECT (SELECT count(*) FROM city_sample_ev) AS ev, (SELECT count(*) FROM city_sample_broken) AS br, (SELECT count(*) FROM city_sample_grid) AS gr)
   SELECT n.i, n.b, n.c, n.d, n.e, n.f, n.g, CASE WHEN br.id IS NOT NULL THEN 'component' ELSE 'event' END AS kind,
          coalesce(br.class_code, ev.code) AS class_code, br.id AS component_id,
          coalesce(br.geom, ST_Translate(gr.pt, (n.d - 0.5) * 0.0004, (n.e - 0.5) * 0.0004)) AS geom,
          ${DAY_START} - interval '30 days' + (n.d * 30.8 * 86400) * interval '1 second' AS reported_at,
          CASE WHEN n.e < 0.15 THEN 'urgent' ELSE 'normal' END AS urgency
     FROM n CROSS JOIN cnt
     LEFT JOIN city_sample_broken br ON n.a < 0.3 AND br.k = floor(n.b * cnt.br)
     JOIN city_sample_ev ev ON ev.k = floor(n.b * cnt.ev)
     JOIN city_sample_grid gr ON gr.k = floor(n.c * cnt.gr)`,
  // Skew event classes towards 05/01 (the common ones): re-draw 04 cases mostly as 05.
  `UPDATE city_sample_case SET class_code = '0505' WHERE kind = 'event' AND class_code LIKE '04%' AND f < 0.8`,
  `UPDATE city_sample_case SET class_code = '0102' WHERE kind = 'event' AND class_code LIKE '03%' AND f < 0.5`,
  `ALTER TABLE city_sample_case ADD COLUMN filed_at timestamptz, ADD COLUMN dispatched_at timestamptz, ADD COLUMN accepted_at timestamptz,
     ADD COLUMN handled_at timestamptz, ADD COLUMN checked_at timestamptz, ADD COLUMN rework boolean, ADD COLUMN rejected boolean`,
  `UPDATE city_sample_case s SET
     rejected = s.g < 0.04,
     rework = s.g > 0.93,
     filed_at = s.reported_at + (0.2 + 1.1 * s.b) * city.case_limit_minutes(s.kind, s.class_code, s.urgency, 'file') * interval '1 minute',
     dispatched_at = s.reported_at + (0.2 + 1.1 * s.b) * city.case_limit_minutes(s.kind, s.class_code, s.urgency, 'file') * interval '1 minute'
                     + (0.2 + 1.0 * s.c) * city.case_limit_minutes(s.kind, s.class_code, s.urgency, 'dispatch') * interval '1 minute'`,
  `UPDATE city_sample_case s SET
     accepted_at = s.dispatched_at + (5 + 50 * s.d) * interval '1 minute',
     handled_at = s.dispatched_at + (0.15 + 1.15 * s.e) * city.case_limit_minutes(s.kind, s.class_code, s.urgency, 'handle') * interval '1 minute'`,
  `UPDATE city_sample_case s SET checked_at = s.handled_at + (0.1 + 1.0 * s.f) * city.case_limit_minutes(s.kind, s.class_code, s.urgency, 'check') * interval '1 minute'`,
  `INSERT INTO city.cases (case_no, kind, class_code, urgency, state, source, description, address, reporter, component_id, grid_code, street_code,
                           district_adcode, department_code, reported_at, filed_at, dispatched_at, handled_at, closed_at, stage_deadline, handle_deadline,
                           rework_count, photos, geom)
   SELECT to_char(s.reported_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') || lpad(nextval('city.case_no_seq')::text, 6, '0'),
          s.kind, s.class_code, s.urgency, st.state,
          CASE WHEN s.kind = 'component' THEN 'inspector' WHEN s.g < 0.2 THEN 'public' WHEN s.g < 0.3 THEN 'hotline' ELSE 'inspector' END,
          cc.name_zh || CASE WHEN s.kind = 'component' THEN '(部件' || (SELECT cs.name_zh FROM city.component_status cs JOIN city.components c ON c.status = cs.code WHERE c.id = s.component_id) || ')' ELSE '' END,
          coalesce(t.name, '') || coalesce((SELECT r.name FROM base.roads r WHERE upper_inf(r.valid) AND r.name IS NOT NULL ORDER BY r.geom <-> s.geom LIMIT 1), '') || '附近',
          '监督员' || lpad((1 + floor(s.c * 40))::text, 3, '0'),
          s.component_id, g.code, g.street_code, g.district_adcode,
          CASE WHEN st.state NOT IN ('reported', 'filed', 'void') THEN cc.default_department END,
          s.reported_at,
          CASE WHEN st.state NOT IN ('reported', 'void') THEN s.filed_at END,
          CASE WHEN st.state NOT IN ('reported', 'filed', 'void') THEN s.dispatched_at END,
          CASE WHEN st.state IN ('awaiting_check', 'closed') THEN s.handled_at END,
          CASE WHEN st.state = 'closed' THEN s.checked_at END,
          CASE st.state
            WHEN 'reported' THEN s.reported_at + city.case_limit_minutes(s.kind, s.class_code, s.urgency, 'file') * interval '1 minute'
            WHEN 'filed' THEN s.filed_at + city.case_limit_minutes(s.kind, s.class_code, s.urgency, 'dispatch') * interval '1 minute'
            WHEN 'dispatched' THEN s.dispatched_at + city.case_limit_minutes(s.kind, s.class_code, s.urgency, 'handle') * interval '1 minute'
            WHEN 'in_progress' THEN s.dispatched_at + city.case_limit_minutes(s.kind, s.class_code, s.urgency, 'handle') * interval '1 minute'
            WHEN 'awaiting_check' THEN s.handled_at + city.case_limit_minutes(s.kind, s.class_code, s.urgency, 'check') * interval '1 minute'
          END,
          CASE WHEN st.state NOT IN ('reported', 'filed', 'void') THEN s.dispatched_at + city.case_limit_minutes(s.kind, s.class_code, s.urgency, 'handle') * interval '1 minute' END,
          CASE WHEN s.rework AND st.state IN ('awaiting_check', 'closed') THEN 1 ELSE 0 END,
          jsonb_build_array(jsonb_build_object('name', 'report-' || s.i || '.jpg', 'stage', 'report', 'takenAt', s.reported_at,
                            'lon', round(ST_X(s.geom)::numeric, 6), 'lat', round(ST_Y(s.geom)::numeric, 6), 'bytes', 180000 + floor(s.d * 900000)::int))
          || CASE WHEN st.state IN ('awaiting_check', 'closed') THEN jsonb_build_array(jsonb_build_object('name', 'done-' || s.i || '.jpg', 'stage', 'complete',
                            'takenAt', s.handled_at, 'lon', round(ST_X(s.geom)::numeric, 6), 'lat', round(ST_Y(s.geom)::numeric, 6), 'bytes', 150000 + floor(s.e * 900000)::int))
                  ELSE '[]'::jsonb END,
          s.geom
     FROM city_sample_case s
     JOIN city.case_class cc ON cc.kind = s.kind AND cc.code = s.class_code
     JOIN LATERAL (SELECT u.code, u.street_code, u.district_adcode FROM city.unit_grids u WHERE ST_Intersects(u.geom, s.geom) ORDER BY u.code LIMIT 1) g ON true
     LEFT JOIN base.towns t ON t.code = g.street_code
    CROSS JOIN LATERAL (SELECT CASE
            WHEN s.rejected AND s.filed_at <= ${SAMPLE_NOW} THEN 'void'
            WHEN s.filed_at > ${SAMPLE_NOW} THEN 'reported'
            WHEN s.dispatched_at > ${SAMPLE_NOW} THEN 'filed'
            WHEN s.accepted_at > ${SAMPLE_NOW} THEN 'dispatched'
            WHEN s.handled_at > ${SAMPLE_NOW} THEN 'in_progress'
            WHEN s.checked_at > ${SAMPLE_NOW} THEN 'awaiting_check'
            ELSE 'closed' END AS state) st
    ORDER BY s.reported_at`,
];

// The events each sample case went through (reconstructed from its stage times).
const CASE_EVENTS_SQL = `
INSERT INTO city.case_events (case_id, action, from_state, to_state, actor, at, department_code, note)
SELECT c.id, e.action, e.from_state, e.to_state, e.actor, e.at, e.dept, e.note
  FROM city.cases c
 CROSS JOIN LATERAL (VALUES
   ('report', NULL, 'reported', c.reporter, c.reported_at, NULL, '上报', true),
   ('file', 'reported', 'filed', '受理员', c.filed_at, NULL, NULL, c.filed_at IS NOT NULL),
   ('reject', 'reported', 'void', '受理员', c.reported_at + interval '20 minutes', NULL, '不属于城管受理范围', c.state = 'void'),
   ('dispatch', 'filed', 'dispatched', '派遣员', c.dispatched_at, c.department_code, NULL, c.dispatched_at IS NOT NULL),
   ('accept', 'dispatched', 'in_progress', c.department_code, c.dispatched_at + interval '10 minutes', c.department_code, NULL,
    c.state IN ('in_progress', 'awaiting_check', 'closed')),
   ('complete', 'in_progress', 'awaiting_check', c.department_code, c.handled_at - CASE WHEN c.rework_count > 0 THEN interval '3 hours' ELSE interval '0' END,
    c.department_code, NULL, c.handled_at IS NOT NULL),
   ('rework', 'awaiting_check', 'in_progress', '监督员核查', c.handled_at - interval '2 hours', NULL, '现场核查未处置到位', c.rework_count > 0),
   ('complete', 'in_progress', 'awaiting_check', c.department_code, c.handled_at, c.department_code, '返工后反馈', c.rework_count > 0),
   ('approve', 'awaiting_check', 'closed', '监督员核查', c.closed_at, NULL, NULL, c.closed_at IS NOT NULL)
 ) AS e(action, from_state, to_state, actor, at, dept, note, happened)
 WHERE e.happened
 ORDER BY c.id, e.at`;

// Closed component cases repaired their component (as the live path does on approve).
const CASE_REPAIRS_SQL = `
WITH fixed AS (
  SELECT DISTINCT ON (c.component_id) c.component_id, c.closed_at, c.case_no FROM city.cases c
   WHERE c.kind = 'component' AND c.state = 'closed' ORDER BY c.component_id, c.closed_at DESC
), h AS (
  INSERT INTO city.component_status_history (component_id, from_status, to_status, changed_at, changed_by, note, case_no)
  SELECT f.component_id, p.status, 'intact', f.closed_at, '案件结案', '处置完毕', f.case_no
    FROM fixed f JOIN city.components p ON p.id = f.component_id
   WHERE f.closed_at > p.status_changed_at
  RETURNING component_id, changed_at
)
UPDATE city.components p SET status = 'intact', status_changed_at = h.changed_at FROM h WHERE h.component_id = p.id`;

// 12 vehicles, each on a long sample road through its assigned street, back and forth at
// ~25 km/h from 06:00 to 22:00, stopping 8 min every 50 min and for lunch (12:00–13:00).
const VEHICLES_SQL = [
  `WITH streets AS (
     SELECT street_code, row_number() OVER (ORDER BY count(*) DESC, street_code) AS k FROM city.unit_grids GROUP BY 1 ORDER BY count(*) DESC LIMIT 6
   ), v AS (
     SELECT i, (SELECT s.street_code FROM streets s WHERE s.k = 1 + (i - 1) % (SELECT count(*) FROM streets)) AS street,
            (ARRAY['patrol', 'sweeper', 'sprinkler', 'garbage', 'repair', 'patrol'])[1 + (i - 1) % 6] AS kind
       FROM generate_series(1, 12) i
   )
   INSERT INTO city.vehicles (id, plate, kind, department_code, assigned_street_code, assigned_area)
   SELECT 'BD' || lpad(v.i::text, 3, '0'), '浙J' || chr(65 + v.i) || lpad((1000 + v.i * 37)::text, 4, '0') || CASE WHEN v.i % 2 = 0 THEN '' ELSE '' END,
          v.kind, CASE v.kind WHEN 'patrol' THEN 'jj-zf' WHEN 'repair' THEN 'jj-szyl' ELSE 'jj-hw' END, v.street,
          ST_Multi(ST_CollectionExtract(ST_Intersection(t.geom, ST_MakeEnvelope(${CITY_SAMPLE_BBOX.join(', ')}, 4490)), 3))
     FROM v JOIN base.towns t ON t.code = v.street`,
  `CREATE TEMP TABLE city_sample_route ON COMMIT DROP AS
   SELECT v.id, r.line, ST_Length(r.line) AS len
     FROM city.vehicles v
    CROSS JOIN LATERAL (
      SELECT l.line FROM (
        -- the road inside the assigned street and up to ~300 m beyond it (so some fixes are outside)
        SELECT (ST_Dump(ST_LineMerge(ST_Transform(ST_Intersection(rd.geom, ST_Intersection(a.g, ST_MakeEnvelope(${CITY_SAMPLE_BBOX.join(', ')}, 4490))), 4549)))).geom AS line, rd.fid
          FROM base.roads rd, (SELECT ST_Buffer(v.assigned_area, 0.003) AS g) a
         WHERE upper_inf(rd.valid) AND rd.class IN ('arterial', 'secondary') AND ST_Intersects(rd.geom, v.assigned_area)) l
       WHERE ST_GeometryType(l.line) = 'ST_LineString'
       ORDER BY ST_Length(l.line) DESC, l.fid
      OFFSET (substr(v.id, 3)::int - 1) / 6 LIMIT 1) r`,
  `SELECT city.ensure_partitions('vehicle_fixes', ${DAY_START}, ${DAY_START} + interval '1 day')`,
  `INSERT INTO city.vehicle_fixes (vehicle_id, tm, speed_kmh, heading, outside, geom)
   WITH ticks AS (
     SELECT r.id, r.line, r.len, n,
            sum(10 + (abs(hashtext(r.id || n)) % 21)) OVER (PARTITION BY r.id ORDER BY n) AS e
       FROM city_sample_route r CROSS JOIN generate_series(0, 3200) n
   ), moved AS (
     SELECT t.*, (3000 * ${u('t.id')})::int AS o,
            least(greatest(t.e - 21600, 0), 3600) AS lunch
       FROM ticks t WHERE t.e < 57600
   ), m AS (
     SELECT x.*, x.e - floor(x.e / 3000) * 480 - least(greatest(mod(x.e, 3000) - x.o, 0), 480) - x.lunch AS moving,
            (mod(x.e, 3000) BETWEEN x.o AND x.o + 480) OR x.lunch BETWEEN 1 AND 3599 AS stopped
       FROM moved x
   ), p AS (
     SELECT m.*, m.moving * 6.94 - floor(m.moving * 6.94 / (2 * m.len)) * 2 * m.len AS w FROM m
   ), q AS (
     SELECT p.*, CASE WHEN p.w <= p.len THEN p.w ELSE 2 * p.len - p.w END AS d, p.w > p.len AS back FROM p
   )
   SELECT q.id, ${DAY_START} + interval '6 hours' + q.e * interval '1 second',
          CASE WHEN q.stopped THEN 0 ELSE round((22 + 6 * ${u("q.id || q.n")})::numeric, 1) END,
          round(degrees(ST_Azimuth(ST_LineInterpolatePoint(q.line, greatest(0, q.d - 1) / q.len), ST_LineInterpolatePoint(q.line, least(q.len, q.d + 1) / q.len)))::numeric
                + CASE WHEN q.back THEN 180 ELSE 0 END, 1)::numeric % 360,
          coalesce(NOT ST_Intersects(v.assigned_area, pt.g), false), pt.g
     FROM q JOIN city.vehicles v ON v.id = q.id
    CROSS JOIN LATERAL (SELECT ST_Transform(ST_LineInterpolatePoint(q.line, q.d / q.len), 4490) AS g) pt`,
  `INSERT INTO city.vehicle_latest (vehicle_id, plate, kind, tm, speed_kmh, heading, outside, geom)
   SELECT DISTINCT ON (f.vehicle_id) f.vehicle_id, v.plate, v.kind, f.tm, f.speed_kmh, f.heading, f.outside, f.geom
     FROM city.vehicle_fixes f JOIN city.vehicles v ON v.id = f.vehicle_id ORDER BY f.vehicle_id, f.tm DESC`,
];

// Parking lots by the largest commercial and public buildings of the core, with two days of
// 5-minute occupancy (daytime peaks; some lots fill up).
const PARKING_SQL = [
  `INSERT INTO city.parking_lots (id, name, kind, capacity, street_code, geom)
   SELECT 'P' || lpad(row_number() OVER (ORDER BY b.fid)::text, 3, '0'),
          coalesce(t.name, '') || CASE b.use WHEN 'commercial' THEN '商业' ELSE '公共' END || '停车场' || row_number() OVER (PARTITION BY t.name ORDER BY b.fid),
          (ARRAY['surface', 'underground', 'multistorey', 'roadside'])[1 + abs(hashtext(b.fid::text)) % 4],
          50 + (abs(hashtext(b.fid::text || 'cap')) % 16) * 40, t.code, ST_PointOnSurface(b.geom)
     FROM (SELECT fid, use, geom FROM base.buildings
            WHERE upper_inf(valid) AND use IN ('commercial', 'public') AND geom && ST_MakeEnvelope(${CITY_SAMPLE_BBOX.join(', ')}, 4490)
            ORDER BY ST_Area(geom) * floors DESC, fid LIMIT 40) b
     LEFT JOIN LATERAL (SELECT t.code, t.name FROM base.towns t WHERE ST_Intersects(t.geom, b.geom) ORDER BY t.code LIMIT 1) t ON true`,
  `INSERT INTO city.datastream (object_type, object_id, metric) SELECT 'parking_lot', id, 'occupied' FROM city.parking_lots ORDER BY id`,
  `SELECT city.ensure_partitions('obs', ${DAY_START} - interval '1 day', ${DAY_START} + interval '1 day')`,
  `INSERT INTO city.obs (tm, datastream_id, value)
   SELECT tm, d.id,
          round(least(l.capacity, greatest(0, l.capacity * (0.12 + (0.55 + 0.5 * ${u("l.id || 'peak'")}) * prof.p + 0.04 * (${u("l.id || tm::text")} - 0.5)))))
     FROM city.parking_lots l JOIN city.datastream d ON d.object_type = 'parking_lot' AND d.object_id = l.id
    CROSS JOIN generate_series(${DAY_START} - interval '1 day', ${DAY_START} + interval '1 day' - interval '5 minutes', interval '5 minutes') tm
    CROSS JOIN LATERAL (SELECT extract(epoch FROM (tm AT TIME ZONE 'Asia/Shanghai')::time) / 3600 AS h) hh
    CROSS JOIN LATERAL (SELECT greatest(0, sin(pi() * (hh.h - 7) / 15)) ^ 0.7 AS p) prof`,
];

// Electricity meters on the largest buildings of each use in the core; daily kWh from
// 1 January to the sample day from a typical intensity per use (kWh/m²·a), a summer peak,
// weekends, a building's own level (0.7–1.3×), and ~3 % of buildings using 2.5× (the outliers to
// find).
const ENERGY_SQL = [
  `INSERT INTO city.energy_meters (id, building_fid, kind, installed_on)
   SELECT 'M' || lpad(row_number() OVER (ORDER BY b.use, b.fid)::text, 5, '0'), b.fid, 'electricity', date '2024-12-01'
     FROM (SELECT fid, use, row_number() OVER (PARTITION BY use ORDER BY ST_Area(geom::geography) * floors DESC, fid) AS k
             FROM base.buildings WHERE upper_inf(valid) AND geom && ST_MakeEnvelope(${CITY_SAMPLE_BBOX.join(', ')}, 4490)) b
    WHERE b.k <= CASE b.use WHEN 'residential' THEN 120 WHEN 'other' THEN 20 ELSE 60 END`,
  `INSERT INTO city.datastream (object_type, object_id, metric) SELECT 'energy_meter', id, 'energy_kwh' FROM city.energy_meters ORDER BY id`,
  `SELECT city.ensure_partitions('obs', timestamptz '2025-01-01 00:00+08', ${DAY_START})`,
  `INSERT INTO city.obs (tm, datastream_id, value)
   SELECT (day + 1)::timestamp AT TIME ZONE 'Asia/Shanghai' - interval '1 second', d.id,
          round((fa.m2 * ip.kwh_m2a / 365
                * (1 + 0.35 * cos(2 * pi() * (extract(doy FROM day) - 200) / 365))
                * CASE WHEN extract(isodow FROM day) >= 6 AND b.use IN ('commercial', 'public', 'education', 'industrial') THEN 0.6 ELSE 1 END
                * (0.7 + 0.6 * ${u("m.id || 'level'")})
                * (0.9 + 0.2 * ${u("m.id || day::text")})
                * CASE WHEN ${u("m.id || 'outlier'")} < 0.03 THEN 2.5 ELSE 1 END)::numeric, 1)
     FROM city.energy_meters m
     JOIN city.datastream d ON d.object_type = 'energy_meter' AND d.object_id = m.id
     JOIN base.buildings b ON b.fid = m.building_fid AND upper_inf(b.valid)
    CROSS JOIN LATERAL (SELECT ST_Area(b.geom::geography) * b.floors AS m2) fa
    CROSS JOIN LATERAL (SELECT CASE b.use WHEN 'commercial' THEN 160 WHEN 'public' THEN 110 WHEN 'education' THEN 65
                                          WHEN 'industrial' THEN 130 WHEN 'residential' THEN 32 ELSE 60 END AS kwh_m2a) ip
    CROSS JOIN (SELECT generate_series(date '2025-01-01', date '${CITY_SAMPLE_DAY}' - 1, interval '1 day')::date AS day) g`,
];

const ROLLUP_SQL = `
INSERT INTO city.obs_daily (datastream_id, day, n, sum, min, max, last)
SELECT datastream_id, city.obs_day(tm) AS day, count(*), sum(value), min(value), max(value), (array_agg(value ORDER BY tm DESC))[1]
  FROM city.obs GROUP BY datastream_id, day`;

/**
 * Replaces the city-management sample in one transaction. Needs the base sample (towns, roads,
 * buildings, water areas) and the pipe sample (manholes for the covers).
 */
export async function loadCitySample(client: pg.ClientBase): Promise<CityLoadReport> {
  const started = performance.now();
  await client.query('BEGIN');
  try {
    await client.query(
      `TRUNCATE city.case_events, city.cases, city.component_status_history, city.components, city.unit_grids, city.vehicle_latest,
                city.vehicle_fixes, city.vehicles, city.obs, city.obs_daily, city.datastream, city.parking_lots, city.energy_meters CASCADE`,
    );
    await client.query(`SELECT setval('city.case_no_seq', 1, false)`);
    await client.query(GRIDS_SQL);
    await client.query('ANALYZE city.unit_grids');
    await client.query(COMPONENTS_SQL);
    for (const sql of COMPONENT_STATUS_SQL) await client.query(sql);
    for (const sql of CASES_SQL) await client.query(sql);
    await client.query(CASE_EVENTS_SQL);
    await client.query(CASE_REPAIRS_SQL);
    for (const sql of VEHICLES_SQL) await client.query(sql);
    for (const sql of PARKING_SQL) await client.query(sql);
    for (const sql of ENERGY_SQL) await client.query(sql);
    await client.query(ROLLUP_SQL);
    await client.query('ANALYZE city.cases, city.vehicle_fixes, city.obs, city.obs_daily');
    const { rows } = await client.query<Omit<CityLoadReport, 'totalMs'>>(`SELECT
      (SELECT count(*) FROM city.unit_grids)::int AS grids, (SELECT count(*) FROM city.components)::int AS components,
      (SELECT count(*) FROM city.cases)::int AS cases, (SELECT count(*) FROM city.vehicles)::int AS vehicles,
      (SELECT count(*) FROM city.vehicle_fixes)::int AS fixes, (SELECT count(*) FROM city.parking_lots)::int AS "parkingLots",
      (SELECT count(*) FROM city.energy_meters)::int AS meters, (SELECT count(*) FROM city.obs)::int AS observations`);
    await client.query('COMMIT');
    return { ...rows[0]!, totalMs: Math.round(performance.now() - started) };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** True when any unit grid exists (the city sample or real data). */
export async function citySampleIsLoaded(client: pg.ClientBase): Promise<boolean> {
  const { rows } = await client.query<{ loaded: boolean }>('SELECT EXISTS (SELECT 1 FROM city.unit_grids) AS loaded');
  return rows[0]?.loaded === true;
}
