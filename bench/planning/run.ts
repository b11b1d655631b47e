/**
 * bench/planning: the compliance review (合规性审查) on the sample plan. Prints figures; not a
 * test, exits 0 whatever they are.
 *   - review of square sites of 300 m, 1 km and 3 km centred on sample parcels (deterministic
 *     order), through the real service (validation, per-piece sliver test, outside-boundary
 *     difference, classes, plan editions, SVG map, storing the result): p50/p99;
 *   - baseline measured in the same run on the same sites: one SQL statement computing only the
 *     ellipsoidal overlap areas with the four layers (the database's floor for the question);
 *   - the ratio review / baseline at p50.
 * Reviews made here are deleted afterwards.
 * Usage: DATABASE_URL=postgres://… npx tsx bench/planning/run.ts [sitesPerSize]
 */
import { catalog } from '../../geodata/src/catalog/index.ts';
import { createPool } from '../../map-server/src/db.ts';
import type { Plans } from '../../map-server/src/services/layer-plans.ts';
import { runReview } from '../../map-server/src/services/planning/compliance-review.ts';

const url = process.env['DATABASE_URL'];
if (!url) throw new Error('DATABASE_URL is required');
const perSize = Number(process.argv[2] ?? 20);
const pool = createPool({ databaseUrl: url, poolMax: 2, statementTimeoutMs: 300_000 });
const plans = { layers: new Map(catalog.layers.map((spec) => [spec.id, { spec }])) } as unknown as Plans;
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

const BASELINE_SQL = `
WITH s AS (SELECT ST_Transform(ST_SetSRID(ST_GeomFromGeoJSON($1), 4549), 4490) AS g)
SELECT
  (SELECT sum(ST_Area(ST_Intersection(t.geom, s.g)::geography)) FROM planning.eco_redline t, s WHERE upper_inf(t.valid) AND ST_Intersects(t.geom, s.g)) AS red,
  (SELECT sum(ST_Area(ST_Intersection(t.geom, s.g)::geography)) FROM planning.basic_farmland t, s WHERE upper_inf(t.valid) AND ST_Intersects(t.geom, s.g)) AS farm,
  (SELECT ST_Area(ST_Difference(s.g, COALESCE((SELECT ST_Union(t.geom) FROM planning.urban_boundary t WHERE upper_inf(t.valid) AND ST_Intersects(t.geom, s.g)), 'SRID=4490;POLYGON EMPTY'))::geography) FROM s) AS outside,
  (SELECT json_object_agg(code, a) FROM (SELECT t.landuse_code AS code, sum(ST_Area(ST_Intersection(t.geom, s.g)::geography)) AS a
     FROM planning.parcels t, s WHERE upper_inf(t.valid) AND ST_Intersects(t.geom, s.g) GROUP BY 1) x) AS classes`;

const { rows: centres } = await pool.query<{ x: number; y: number }>(
  `SELECT ST_X(c) AS x, ST_Y(c) AS y FROM (SELECT ST_Transform(ST_PointOnSurface(geom), 4549) AS c FROM planning.parcels WHERE upper_inf(valid) ORDER BY md5(fid::text) LIMIT $1) p`,
  [perSize],
);
console.log(`planning: ${centres.length} sites per size; sample parcels ${(await pool.query('SELECT count(*) FROM planning.parcels')).rows[0].count}`);
const results: Record<string, unknown>[] = [];
for (const sizeM of [300, 1000, 3000]) {
  const sites = centres.map(({ x, y }) => {
    const h = sizeM / 2;
    return { type: 'MultiPolygon' as const, coordinates: [[[[x - h, y - h], [x + h, y - h], [x + h, y + h], [x - h, y + h], [x - h, y - h]]]] };
  });
  const reviewMs: number[] = [];
  const baseMs: number[] = [];
  // Interleaved: each site is reviewed and then measured by the baseline, so load drifts hit both.
  for (const geometry of sites) {
    let t0 = performance.now();
    await runReview(pool, plans, { geometry, srid: 4549, crsLabel: 'EPSG:4549', format: 'geojson', name: 'bench' }, { asOfMs: Date.now(), toleranceM2: 1, tolerancePct: 0.1, actor: 'bench' });
    reviewMs.push(performance.now() - t0);
    t0 = performance.now();
    await pool.query(BASELINE_SQL, [JSON.stringify(geometry)]);
    baseMs.push(performance.now() - t0);
  }
  const row = { sizeM, reviewP50: pct(reviewMs, 50), reviewP99: pct(reviewMs, 99), baselineP50: pct(baseMs, 50), baselineP99: pct(baseMs, 99), ratioP50: pct(reviewMs, 50) / pct(baseMs, 50) };
  results.push(row);
  console.log(
    `${String(sizeM).padStart(5)} m site: review p50 ${row.reviewP50.toFixed(1)} ms p99 ${row.reviewP99.toFixed(1)} ms | baseline SQL p50 ${row.baselineP50.toFixed(1)} ms p99 ${row.baselineP99.toFixed(1)} ms | review/baseline ${row.ratioP50.toFixed(2)}`,
  );
}
await pool.query(`DELETE FROM planning.reviews WHERE created_by = 'bench'`);
await pool.end();
