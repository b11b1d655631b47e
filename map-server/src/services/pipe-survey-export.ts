/**
 * 管线探测成果表 export of one district (issue #8 §5): the point table and the line table in the
 * columns the survey import reads (SURVEY_POINT_COLUMNS, SURVEY_LINE_COLUMNS), with coordinates in
 * CGCS2000 3° Gauss-Krüger (EPSG:4549 or 4550, mm) and elevations in the 1985 height datum, as CSV
 * or one XLSX workbook. A segment belongs to the district of its start point; the table holds every
 * point of those segments and every other point inside the district (so unused points export too).
 */
import type { Pool } from '../db.ts';
import { NotFoundError } from '../errors.ts';
import { LOCATION_ZH, SURVEY_LINE_COLUMNS, SURVEY_POINT_COLUMNS } from './pipe-import-parse.ts';
import { writeSurveyWorkbook, type Cell } from './pipe-survey-xlsx.ts';

const DISTRICT_SQL = `SELECT adcode, name FROM base.districts WHERE adcode = $1`;

const LINES_SQL = `SELECT s.id, s.line_no, a.point_no AS start_no, b.point_no AS end_no, s.start_depth::float8, s.end_depth::float8, s.diameter_mm, s.width_mm, s.height_mm,
  s.material, s.embedding, s.pressure_class, s.pressure_mpa::float8, s.voltage_kv::float8, s.install_year, s.owner_unit, s.road_name, s.location, s.status
  FROM pipe.segments s JOIN pipe.points a ON a.id = s.start_point_id JOIN pipe.points b ON b.id = s.end_point_id
  JOIN base.districts d ON d.adcode = $1 AND ST_Intersects(d.geom, a.geom)
  ORDER BY s.id`;

const POINTS_SQL = `WITH segs AS (
    SELECT s.start_point_id, s.end_point_id FROM pipe.segments s JOIN pipe.points a ON a.id = s.start_point_id
      JOIN base.districts d ON d.adcode = $1 AND ST_Intersects(d.geom, a.geom)),
  ids AS (SELECT start_point_id AS id FROM segs UNION SELECT end_point_id FROM segs
          UNION SELECT p.id FROM pipe.points p JOIN base.districts d ON d.adcode = $1 AND ST_Intersects(d.geom, p.geom))
  SELECT p.point_no, round(ST_X(g)::numeric, 3)::float8 AS x, round(ST_Y(g)::numeric, 3)::float8 AS y, p.ground_elev::float8, coalesce(p.subcategory, p.category::text) AS code,
    p.feature, p.appurtenance, p.depth::float8, p.valve_state, p.road_name, p.owner_unit
  FROM ids JOIN pipe.points p ON p.id = ids.id, LATERAL ST_Transform(p.geom, $2::int) AS g
  ORDER BY p.id`;

export interface SurveyTables {
  readonly district: { adcode: string; name: string };
  readonly srid: 4549 | 4550;
  /** Header first. */
  readonly points: Cell[][];
  readonly lines: Cell[][];
}

/** The two survey tables of one district; 404 for an unknown adcode. */
export async function surveyTables(pool: Pool, adcode: string, srid: 4549 | 4550): Promise<SurveyTables> {
  const d = await pool.query<{ adcode: string; name: string }>(DISTRICT_SQL, [adcode]);
  if (!d.rows[0]) throw new NotFoundError('DistrictNotFound', `区县 ${adcode} 不存在 / no district with adcode ${adcode}`);
  const [pts, lns] = await Promise.all([pool.query<Record<string, Cell>>(POINTS_SQL, [adcode, srid]), pool.query<Record<string, Cell>>(LINES_SQL, [adcode])]);
  const points: Cell[][] = [[...SURVEY_POINT_COLUMNS]];
  for (const r of pts.rows) points.push([r['point_no']!, r['x']!, r['y']!, r['ground_elev']!, r['code']!, r['feature']!, r['appurtenance']!, r['depth']!, r['valve_state']!, r['road_name']!, r['owner_unit']!]);
  const lines: Cell[][] = [[...SURVEY_LINE_COLUMNS]];
  for (const r of lns.rows) {
    const section = r['width_mm'] !== null && r['height_mm'] !== null ? `${r['width_mm']}×${r['height_mm']}` : null;
    const location = r['location'] === 'carriageway' || r['location'] === 'sidewalk' ? LOCATION_ZH[r['location']] : null;
    lines.push([
      r['line_no']!, r['start_no']!, r['end_no']!, r['start_depth']!, r['end_depth']!, r['diameter_mm']!, section, r['material']!, r['embedding']!, r['pressure_class']!,
      r['pressure_mpa']!, r['voltage_kv']!, r['install_year']!, r['owner_unit']!, r['road_name']!, location, r['status']!,
    ]);
  }
  return { district: d.rows[0], srid, points, lines };
}

/** RFC 4180 CSV (CRLF, quoted when needed) with a UTF-8 BOM so spreadsheet programs read the Chinese. */
export function tableCsv(rows: readonly (readonly Cell[])[]): string {
  const q = (c: Cell): string => {
    if (c === null) return '';
    const s = String(c);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return '\ufeff' + rows.map((r) => r.map(q).join(',')).join('\r\n') + '\r\n';
}

/** Both tables as one XLSX workbook. */
export function tablesXlsx(t: SurveyTables): Promise<Buffer> {
  return writeSurveyWorkbook(t.points, t.lines);
}
