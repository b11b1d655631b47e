/**
 * 停车诱导 and 能耗监测 on the city observation store (migration 0078): parking availability at
 * an instant with its trend, building energy intensity per m² by building use with outliers,
 * and a generic observation ingest keyed by (object type, object id, metric).
 */
import type { Pool } from '../../db.ts';
import { modifiedZ, median, OUTLIER_Z } from './energy-outliers.ts';

/** Trend window: availability now against this long before. */
const TREND_MINUTES = 30;
/** A change of at least this share of capacity per hour is "filling" / "emptying". */
const TREND_THRESHOLD = 0.05;

const PARKING_SQL = `
SELECT json_build_object('type', 'FeatureCollection', 'datetime', $1::timestamptz, 'trendMinutes', ${TREND_MINUTES},
  'features', coalesce(json_agg(json_build_object('type', 'Feature', 'id', l.id, 'geometry', ST_AsGeoJSON(l.geom, 7, 0)::json,
    'properties', json_strip_nulls(json_build_object('id', l.id, 'name', l.name, 'kind', l.kind, 'capacity', l.capacity, 'street_code', l.street_code,
      'observed_at', cur.tm, 'occupied', cur.value, 'available', l.capacity - cur.value,
      'occupancy', round((cur.value / l.capacity)::numeric, 3),
      'available_change_per_h', round(((prev.value - cur.value) * 3600 / nullif(extract(epoch FROM cur.tm - prev.tm), 0))::numeric, 1),
      'trend', CASE WHEN cur.value IS NULL OR prev.value IS NULL THEN NULL
                    WHEN (cur.value - prev.value) * 3600 / nullif(extract(epoch FROM cur.tm - prev.tm), 0) > ${TREND_THRESHOLD} * l.capacity THEN 'filling'
                    WHEN (prev.value - cur.value) * 3600 / nullif(extract(epoch FROM cur.tm - prev.tm), 0) > ${TREND_THRESHOLD} * l.capacity THEN 'emptying'
                    ELSE 'steady' END))) ORDER BY l.id), '[]'::json))::text AS doc
  FROM city.parking_lots l
  LEFT JOIN city.datastream d ON d.object_type = 'parking_lot' AND d.object_id = l.id AND d.metric = 'occupied'
  LEFT JOIN LATERAL (SELECT o.tm, o.value FROM city.obs o WHERE o.datastream_id = d.id AND o.tm <= $1::timestamptz AND o.tm > $1::timestamptz - interval '1 hour'
                      ORDER BY o.tm DESC LIMIT 1) cur ON true
  LEFT JOIN LATERAL (SELECT o.tm, o.value FROM city.obs o WHERE o.datastream_id = d.id AND o.tm <= cur.tm - interval '${TREND_MINUTES} minutes'
                        AND o.tm > cur.tm - interval '${TREND_MINUTES * 3} minutes' ORDER BY o.tm DESC LIMIT 1) prev ON true`;

/** Every lot with available spaces at T (last observation ≤ T within an hour) and the trend. */
export async function parkingAvailability(pool: Pool, atIso: string): Promise<string> {
  return (await pool.query<{ doc: string }>(PARKING_SQL, [atIso])).rows[0]!.doc;
}

const PARKING_SERIES_SQL = `
SELECT l.capacity, coalesce(json_agg(json_build_array((extract(epoch FROM o.tm) * 1000)::bigint, l.capacity - o.value) ORDER BY o.tm) FILTER (WHERE o.tm IS NOT NULL), '[]') AS series
  FROM city.parking_lots l
  LEFT JOIN city.datastream d ON d.object_type = 'parking_lot' AND d.object_id = l.id AND d.metric = 'occupied'
  LEFT JOIN city.obs o ON o.datastream_id = d.id AND o.tm > $2::timestamptz AND o.tm <= $3::timestamptz
 WHERE l.id = $1 GROUP BY l.capacity`;

/** Available spaces of one lot over (from, to]: [[epoch ms, available], …]; null when no such lot. */
export async function parkingSeries(pool: Pool, id: string, fromIso: string, toIso: string): Promise<{ capacity: number; series: [number, number][] } | null> {
  const { rows } = await pool.query<{ capacity: number; series: [number, number][] }>(PARKING_SERIES_SQL, [id, fromIso, toIso]);
  return rows[0] ?? null;
}

// Meter totals over the Beijing days [$1, $2) from the daily rollup, per building (current
// version), with its floor area (footprint on the ellipsoid × floors).
const ENERGY_SQL = `
SELECT b.fid, b.name, b.use, b.floors, ST_AsGeoJSON(b.geom, 7, 0) AS geometry,
       ST_Area(b.geom::geography) * b.floors AS floor_m2, sum(dd.sum) AS kwh, count(DISTINCT dd.day) AS days
  FROM city.energy_meters m
  JOIN city.datastream d ON d.object_type = 'energy_meter' AND d.object_id = m.id AND d.metric = 'energy_kwh'
  JOIN base.buildings b ON b.fid = m.building_fid AND upper_inf(b.valid)
  LEFT JOIN city.obs_daily dd ON dd.datastream_id = d.id AND dd.day >= $1::date AND dd.day < $2::date
 GROUP BY b.fid, b.name, b.use, b.floors, b.geom
 ORDER BY b.fid`;

export interface EnergyUseRow {
  readonly use: string;
  readonly buildings: number;
  readonly floorAreaM2: number;
  readonly kwh: number;
  readonly kwhPerM2: number;
  readonly medianKwhPerM2: number;
  readonly outliers: number;
}

/** Consumption per m² by building use over [fromDay, toDay), and every metered building with its intensity and outlier flag. */
export async function energyIntensity(pool: Pool, fromDay: string, toDay: string): Promise<object> {
  const { rows } = await pool.query<{ fid: number; name: string | null; use: string; floors: number; geometry: string; floor_m2: number; kwh: number | null; days: number }>(
    ENERGY_SQL,
    [fromDay, toDay],
  );
  const days = Math.max(1, Math.round((Date.parse(toDay) - Date.parse(fromDay)) / 86_400_000));
  const byUse = new Map<string, typeof rows>();
  for (const r of rows) byUse.set(r.use, [...(byUse.get(r.use) ?? []), r]);
  const z = new Map<number, number>();
  const uses: EnergyUseRow[] = [];
  for (const [use, list] of [...byUse].sort(([a], [b]) => a.localeCompare(b))) {
    const withData = list.filter((r) => r.kwh !== null && r.floor_m2 > 0);
    const intensity = withData.map((r) => r.kwh! / r.floor_m2);
    modifiedZ(intensity).forEach((v, i) => z.set(withData[i]!.fid, v));
    const floor = withData.reduce((s, r) => s + r.floor_m2, 0);
    const kwh = withData.reduce((s, r) => s + r.kwh!, 0);
    uses.push({
      use,
      buildings: list.length,
      floorAreaM2: Math.round(floor),
      kwh: Math.round(kwh),
      kwhPerM2: floor ? Math.round((kwh / floor) * 1000) / 1000 : 0,
      medianKwhPerM2: Math.round(median(intensity) * 1000) / 1000,
      outliers: withData.filter((r) => Math.abs(z.get(r.fid) ?? 0) > OUTLIER_Z).length,
    });
  }
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  return {
    from: fromDay,
    to: toDay,
    days,
    outlierRule: `|modified z| > ${OUTLIER_Z} within the building use (Iglewicz–Hoaglin)`,
    byUse: uses,
    buildings: {
      type: 'FeatureCollection',
      features: rows.map((r) => {
        const zi = z.get(r.fid);
        return {
          type: 'Feature',
          id: r.fid,
          geometry: JSON.parse(r.geometry) as object,
          properties: {
            fid: r.fid,
            ...(r.name ? { name: r.name } : {}),
            use: r.use,
            floors: r.floors,
            floor_area_m2: Math.round(r.floor_m2),
            ...(r.kwh === null ? {} : { kwh: Math.round(r.kwh), kwh_per_m2: r3(r.kwh / r.floor_m2), kwh_per_m2_year: r3(((r.kwh / r.floor_m2) * 365) / days) }),
            ...(zi === undefined ? {} : { z: Math.round(zi * 100) / 100, outlier: Math.abs(zi) > OUTLIER_Z }),
          },
        };
      }),
    },
  };
}

export interface ObservationInput {
  readonly objectType: string;
  readonly objectId: string;
  readonly metric: string;
  readonly timeMs: number;
  readonly value: number;
}

export interface ObservationReference {
  readonly datastreams: ReadonlyMap<string, number>;
  readonly ranges: ReadonlyMap<string, { min: number; max: number }>;
}

export async function loadObservationReference(pool: Pool): Promise<ObservationReference> {
  const [ds, m] = await Promise.all([
    pool.query<{ id: number; object_type: string; object_id: string; metric: string }>('SELECT id, object_type, object_id, metric FROM city.datastream'),
    pool.query<{ object_type: string; metric: string; min_value: number; max_value: number }>('SELECT object_type, metric, min_value, max_value FROM city.metric'),
  ]);
  return {
    datastreams: new Map(ds.rows.map((r) => [`${r.object_type}/${r.object_id}/${r.metric}`, r.id])),
    ranges: new Map(m.rows.map((r) => [`${r.object_type}/${r.metric}`, { min: r.min_value, max: r.max_value }])),
  };
}

/** Writes observations (idempotent on datastream and time; daily rollups refreshed). */
export async function ingestObservations(pool: Pool, ds: readonly number[], times: readonly string[], values: readonly number[]): Promise<number> {
  const { rows } = await pool.query<{ written: number }>('SELECT written FROM city.ingest_obs($1::int[], $2::timestamptz[], $3::real[])', [ds, times, values]);
  return rows[0]!.written;
}
