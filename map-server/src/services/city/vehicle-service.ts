/**
 * 北斗 vehicles: fix ingest (JSON or vehicle-tagged RMC lines, validated whole-batch), positions
 * now or at an instant, and a track for a time range as a GeoJSON LineString with the time of
 * every vertex, its distance, stops and the fixes outside the vehicle's assigned area.
 */
import type { Pool } from '../../db.ts';
import { NotFoundError } from '../../errors.ts';
import type { GnssFix, LineProblem } from './nmea.ts';
import { detectStops, trackDistanceM } from './track-analysis.ts';

/** At most this many fixes per batch and per track. */
export const MAX_FIXES = 200_000;
/** A position older than this before T is not "the position at T". */
const POSITION_LOOKBACK = '30 minutes';

/** Validates fixes against the vehicle register and plausible ranges; lists every bad row. */
export function validateFixes(fixes: readonly GnssFix[], vehicles: ReadonlySet<string>, latestMs: number, rowOf: (i: number) => number = (i) => i + 1): LineProblem[] {
  const problems: LineProblem[] = [];
  fixes.forEach((f, i) => {
    const row = rowOf(i);
    if (!vehicles.has(f.vehicle)) problems.push({ row, field: 'vehicle', message: `未登记的车辆 ${f.vehicle} / unknown vehicle ${f.vehicle}` });
    if (!(f.lon >= 73 && f.lon <= 136 && f.lat >= 3 && f.lat <= 54)) problems.push({ row, field: 'lon/lat', message: '位置不在中国范围内 / position outside China' });
    if (!(f.timeMs <= latestMs)) problems.push({ row, field: 'time', message: '时间在未来 / time is in the future' });
    if (f.speedKmh !== null && !(f.speedKmh >= 0 && f.speedKmh <= 250)) problems.push({ row, field: 'speed', message: '速度应在 0–250 km/h / speed must be 0–250 km/h' });
    if (f.heading !== null && !(f.heading >= 0 && f.heading <= 360)) problems.push({ row, field: 'heading', message: '航向应在 0–360 / heading must be 0–360' });
  });
  return problems;
}

export async function vehicleIds(pool: Pool): Promise<Set<string>> {
  const { rows } = await pool.query<{ id: string }>('SELECT id FROM city.vehicles');
  return new Set(rows.map((r) => r.id));
}

export interface FixIngestResult {
  readonly received: number;
  readonly written: number;
  readonly outside: number;
  readonly skipped: number;
}

/** Writes a validated batch in one transaction (city.ingest_fixes: idempotent, latest forward only). */
export async function ingestFixes(pool: Pool, fixes: readonly GnssFix[], skipped: number): Promise<FixIngestResult> {
  const r = await pool.query<{ written: number; outside: number }>(
    'SELECT written, outside FROM city.ingest_fixes($1::text[], $2::timestamptz[], $3::float8[], $4::float8[], $5::real[], $6::real[])',
    [
      fixes.map((f) => f.vehicle),
      fixes.map((f) => new Date(f.timeMs).toISOString()),
      fixes.map((f) => f.lon),
      fixes.map((f) => f.lat),
      fixes.map((f) => f.speedKmh),
      fixes.map((f) => f.heading),
    ],
  );
  return { received: fixes.length, written: r.rows[0]!.written, outside: r.rows[0]!.outside, skipped };
}

const POSITIONS_NOW_SQL = `
SELECT json_build_object('type', 'FeatureCollection', 'datetime', NULL,
  'features', coalesce(json_agg(json_build_object('type', 'Feature', 'id', l.vehicle_id, 'geometry', ST_AsGeoJSON(l.geom, 7, 0)::json,
    'properties', json_strip_nulls(json_build_object('vehicle', l.vehicle_id, 'plate', l.plate, 'kind', l.kind, 'tm', l.tm, 'speed_kmh', l.speed_kmh,
      'heading', l.heading, 'outside', l.outside, 'assigned_street', v.assigned_street_code))) ORDER BY l.vehicle_id), '[]'::json))::text AS doc
  FROM city.vehicle_latest l JOIN city.vehicles v ON v.id = l.vehicle_id`;

const POSITIONS_AT_SQL = `
SELECT json_build_object('type', 'FeatureCollection', 'datetime', $1::timestamptz,
  'features', coalesce(json_agg(json_build_object('type', 'Feature', 'id', v.id, 'geometry', ST_AsGeoJSON(f.geom, 7, 0)::json,
    'properties', json_strip_nulls(json_build_object('vehicle', v.id, 'plate', v.plate, 'kind', v.kind, 'tm', f.tm, 'speed_kmh', f.speed_kmh,
      'heading', f.heading, 'outside', f.outside, 'assigned_street', v.assigned_street_code))) ORDER BY v.id), '[]'::json))::text AS doc
  FROM city.vehicles v
 CROSS JOIN LATERAL (SELECT * FROM city.vehicle_fixes f WHERE f.vehicle_id = v.id AND f.tm <= $1::timestamptz AND f.tm > $1::timestamptz - interval '${POSITION_LOOKBACK}'
                      ORDER BY f.tm DESC LIMIT 1) f`;

/** Positions now (the latest fix of each vehicle) or at T (the last fix ≤ T within 30 min). */
export async function vehiclePositions(pool: Pool, atIso: string | null): Promise<string> {
  const { rows } = atIso === null ? await pool.query<{ doc: string }>(POSITIONS_NOW_SQL) : await pool.query<{ doc: string }>(POSITIONS_AT_SQL, [atIso]);
  return rows[0]!.doc;
}

const VEHICLE_SQL = `SELECT id, plate, kind, department_code, assigned_street_code,
  (SELECT t.name FROM base.towns t WHERE t.code = v.assigned_street_code) AS street_name FROM city.vehicles v WHERE id = $1`;
const TRACK_SQL = `
SELECT (extract(epoch FROM tm) * 1000)::float8 AS t, ST_X(geom) AS lon, ST_Y(geom) AS lat, speed_kmh, heading, outside
  FROM city.vehicle_fixes WHERE vehicle_id = $1 AND tm >= $2::timestamptz AND tm <= $3::timestamptz ORDER BY tm LIMIT ${MAX_FIXES}`;

/** A vehicle's track in [from, to] as a GeoJSON Feature (LineString; Point for one fix; null geometry for none). */
export async function vehicleTrack(pool: Pool, id: string, fromIso: string, toIso: string): Promise<object> {
  const v = await pool.query<{ id: string; plate: string; kind: string; department_code: string | null; assigned_street_code: string | null; street_name: string | null }>(VEHICLE_SQL, [id]);
  if (!v.rows[0]) throw new NotFoundError('NotFound', `没有车辆 ${id} / no vehicle ${id}`);
  const { rows } = await pool.query<{ t: number; lon: number; lat: number; speed_kmh: number | null; heading: number | null; outside: boolean }>(TRACK_SQL, [id, fromIso, toIso]);
  const round7 = (x: number) => Math.round(x * 1e7) / 1e7;
  const coords = rows.map((r) => [round7(r.lon), round7(r.lat)]);
  const stops = detectStops(rows);
  const outsideIdx: number[] = [];
  rows.forEach((r, i) => r.outside && outsideIdx.push(i));
  const meta = v.rows[0];
  return {
    type: 'Feature',
    id,
    geometry: rows.length > 1 ? { type: 'LineString', coordinates: coords } : rows.length === 1 ? { type: 'Point', coordinates: coords[0] } : null,
    properties: {
      vehicle: id,
      plate: meta.plate,
      kind: meta.kind,
      department: meta.department_code,
      assignedStreet: meta.assigned_street_code,
      assignedStreetName: meta.street_name,
      from: fromIso,
      to: toIso,
      fixes: rows.length,
      /** Epoch milliseconds of every vertex, in order (GeoJSON has no M). */
      times: rows.map((r) => r.t),
      speedsKmh: rows.map((r) => r.speed_kmh),
      distanceM: Math.round(trackDistanceM(rows) * 10) / 10,
      stops: stops.map((s) => ({ from: new Date(s.from).toISOString(), to: new Date(s.to).toISOString(), durationS: Math.round(s.durationS), lon: round7(s.lon), lat: round7(s.lat) })),
      /** Vertex indexes of fixes outside the vehicle's assigned street (its unit grids). */
      outsideIndexes: outsideIdx,
      outsideCount: outsideIdx.length,
    },
  };
}
