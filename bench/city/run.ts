/**
 * `npx tsx bench/city/run.ts`: 城管 figures against a running platform with the city sample
 * (DATABASE_URL, BENCH_CITY_URL; e.g. `npm start` and its database). In one run:
 *
 * - BeiDou fix ingest: one day of 12 vehicles at 10 s (103,680 fixes) in batches of 8,640 —
 *   through the HTTP API as JSON and as RMC lines, and straight into `city.ingest_fixes` over
 *   one connection (the baseline: same SQL, no HTTP, no parsing); fixes/s and API/baseline;
 * - read latency p50/p99: a vehicle's day track (~2,900 fixes with stops and distance) against
 *   the raw `SELECT` of the same rows, component counts by street, case statistics by
 *   department, parking at T and half a year of building energy.
 *
 * The written fixes go to a day far from the sample (2024-01-01, six days) and are deleted afterwards.
 * Prints the figures; exit 1 only when the harness fails.
 */
import { createPool } from '../../map-server/src/db.ts';
import { createApiToken } from '../../map-server/src/services/auth-tokens.ts';
import { formatRmcLine, type GnssFix } from '../../map-server/src/services/city/nmea.ts';

const url = process.env['BENCH_CITY_URL'] ?? 'http://127.0.0.1:8080';
const databaseUrl = process.env['DATABASE_URL'];
if (!databaseUrl) throw new Error('DATABASE_URL is required (the platform database with the city sample)');
const REPS = Number(process.env['BENCH_REPS'] ?? 30);
const DAY0 = Date.parse('2024-01-01T00:00:00+08:00');
const BATCH = 8640;

const pool = createPool({ databaseUrl, poolMax: 2, statementTimeoutMs: 120_000 });
const token = await createApiToken(pool, 'bench', 'editor', 1);
const vehicles = (await pool.query<{ id: string; x: number; y: number }>('SELECT id, ST_X(ST_PointOnSurface(assigned_area)) AS x, ST_Y(ST_PointOnSurface(assigned_area)) AS y FROM city.vehicles ORDER BY id')).rows;

function dayOfFixes(offsetMs: number): GnssFix[] {
  const out: GnssFix[] = [];
  for (let i = 0; i < 8640; i++)
    for (const v of vehicles) out.push({ vehicle: v.id, timeMs: DAY0 + offsetMs + i * 10_000, lon: v.x + 0.00005 * (i % 200), lat: v.y, speedKmh: 20, heading: 90 });
  return out;
}
const batches = (fixes: GnssFix[]) => Array.from({ length: Math.ceil(fixes.length / BATCH) }, (_, k) => fixes.slice(k * BATCH, (k + 1) * BATCH));

async function timed(fn: () => Promise<void>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function post(body: string, type: string): Promise<void> {
  const r = await fetch(`${url}/city/vehicles/fixes`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': type }, body });
  if (!r.ok) throw new Error(`ingest ${r.status}: ${(await r.text()).slice(0, 300)}`);
  await r.arrayBuffer();
}

const ingest: Record<string, number> = {};
// Three different days per path so every write is a new row (not an idempotent no-op).
const days = { json: 0, rmc: 2, sql: 4 } as const;
for (const [path, day] of Object.entries(days)) {
  const fixes = dayOfFixes(day * 86_400_000);
  const ms = await timed(async () => {
    for (const b of batches(fixes)) {
      if (path === 'json') await post(JSON.stringify({ fixes: b.map((f) => ({ vehicle: f.vehicle, time: new Date(f.timeMs).toISOString(), lon: f.lon, lat: f.lat, speedKmh: f.speedKmh, heading: f.heading })) }), 'application/json');
      else if (path === 'rmc') await post(b.map((f) => formatRmcLine(f)).join('\n'), 'text/plain');
      else
        await pool.query('SELECT city.ingest_fixes($1::text[], $2::timestamptz[], $3::float8[], $4::float8[], $5::real[], $6::real[])', [
          b.map((f) => f.vehicle), b.map((f) => new Date(f.timeMs).toISOString()), b.map((f) => f.lon), b.map((f) => f.lat), b.map((f) => f.speedKmh), b.map((f) => f.heading),
        ]);
    }
  });
  ingest[path] = fixes.length / (ms / 1000);
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
}
async function latency(fn: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  await fn();
  const xs: number[] = [];
  for (let i = 0; i < REPS; i++) xs.push(await timed(async () => void (await fn())));
  return { p50: pct(xs, 0.5), p99: pct(xs, 0.99) };
}
const get = (path: string) => async () => {
  const r = await fetch(`${url}${path}`);
  if (!r.ok) throw new Error(`${path}: ${r.status}`);
  await r.arrayBuffer();
};
const enc = encodeURIComponent;
const reads = {
  'track BD001, one day (HTTP)': await latency(get(`/city/vehicles/BD001/track?from=${enc('2025-06-18T00:00:00+08:00')}&to=${enc('2025-06-19T00:00:00+08:00')}`)),
  'same rows, raw SELECT (baseline)': await latency(() =>
    pool.query(`SELECT tm, ST_X(geom), ST_Y(geom), speed_kmh, heading, outside FROM city.vehicle_fixes WHERE vehicle_id = 'BD001' AND tm >= '2025-06-18T00:00:00+08:00' AND tm <= '2025-06-19T00:00:00+08:00' ORDER BY tm`),
  ),
  'component counts by street': await latency(get('/city/components/stats?by=street')),
  'component counts by street as of T': await latency(get('/city/components/stats?by=street&datetime=2025-04-01')),
  'case statistics by department': await latency(get(`/city/cases/stats?by=department&from=2025-05-01&to=2025-06-19&datetime=${enc('2025-06-18T20:00:00+08:00')}`)),
  'parking at T': await latency(get(`/city/parking?datetime=${enc('2025-06-18T18:00:00+08:00')}`)),
  'energy, half a year': await latency(get('/city/energy?from=2025-01-01&to=2025-06-18')),
};

await pool.query(`DELETE FROM city.vehicle_fixes WHERE tm >= $1 AND tm < $2`, [new Date(DAY0).toISOString(), new Date(DAY0 + 6 * 86_400_000).toISOString()]);
await pool.query(`INSERT INTO city.vehicle_latest (vehicle_id, plate, kind, tm, speed_kmh, heading, outside, geom)
  SELECT DISTINCT ON (f.vehicle_id) f.vehicle_id, v.plate, v.kind, f.tm, f.speed_kmh, f.heading, f.outside, f.geom
    FROM city.vehicle_fixes f JOIN city.vehicles v ON v.id = f.vehicle_id ORDER BY f.vehicle_id, f.tm DESC
  ON CONFLICT (vehicle_id) DO UPDATE SET tm = EXCLUDED.tm, speed_kmh = EXCLUDED.speed_kmh, heading = EXCLUDED.heading, outside = EXCLUDED.outside, geom = EXCLUDED.geom`);
await pool.end();

const f0 = (x: number) => Math.round(x).toLocaleString('en-US');
console.log(`\nBeiDou fix ingest (${vehicles.length} vehicles × 8,640 fixes, batches of ${BATCH}):`);
console.log(`  HTTP JSON        ${f0(ingest['json']!)} fixes/s   ratio to baseline ${(ingest['json']! / ingest['sql']!).toFixed(2)}`);
console.log(`  HTTP RMC lines   ${f0(ingest['rmc']!)} fixes/s   ratio to baseline ${(ingest['rmc']! / ingest['sql']!).toFixed(2)}`);
console.log(`  SQL function     ${f0(ingest['sql']!)} fixes/s   (baseline)`);
console.log(`\nRead latency (${REPS} sequential requests, ms):`);
for (const [name, r] of Object.entries(reads)) console.log(`  ${name.padEnd(38)} p50 ${r.p50.toFixed(1).padStart(7)}   p99 ${r.p99.toFixed(1).padStart(7)}`);
const tr = reads['track BD001, one day (HTTP)'];
const raw = reads['same rows, raw SELECT (baseline)'];
console.log(`  track / raw SELECT (p50)               ${(tr.p50 / raw.p50).toFixed(2)}`);
