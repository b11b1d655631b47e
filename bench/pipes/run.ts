/**
 * bench/pipes: the pipeline analyses and the survey import on the sample network (≥ 100 000
 * segments). Prints figures; not a test, exits 0 whatever they are.
 *   - burst (valve isolation) and up/downstream trace: p50/p99 over random start segments
 *     (target p50 ≤ 200 ms), after one call on a cold graph (graphs are cached until the network
 *     changes, migration 0060);
 *   - clearance (GB 50289) over 1 km² boxes centred on random pipes: p50/p99 (target ≤ 1 s);
 *   - survey import of 50 000 points (+ the lines joining them) through the real import path
 *     (parse, QA, dictionary checks, one transaction), against a same-run baseline: the same
 *     rows COPYed into staging tables and inserted with the same transform in one statement
 *     each, i.e. the database's floor for landing the data. Both are rolled back or deleted.
 * Usage: DATABASE_URL=postgres://… npm run bench:pipes [-- runs [importPoints]]
 */
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { from as copyFrom } from 'pg-copy-streams';
import { createPool } from '../../map-server/src/db.ts';
import { burstAnalysis, traceAnalysis } from '../../map-server/src/services/pipe-analysis.ts';
import { clearanceAnalysis } from '../../map-server/src/services/pipe-clearance.ts';
import { importSurvey } from '../../map-server/src/services/pipe-import.ts';
import { copyChunks } from '../../geodata/src/load/copy-text.ts';

const url = process.env['DATABASE_URL'];
if (!url) throw new Error('DATABASE_URL is required');
const runs = Number(process.argv[2] ?? 50);
const importPoints = Number(process.argv[3] ?? 50_000);
const pool = createPool({ databaseUrl: url, poolMax: 4, statementTimeoutMs: 300_000 });
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const fmt = (ms: number[]) => `p50 ${pct(ms, 50).toFixed(1)} ms, p99 ${pct(ms, 99).toFixed(1)} ms, max ${Math.max(...ms).toFixed(1)} ms (n=${ms.length})`;

async function timeEach<T>(items: readonly T[], run: (item: T) => Promise<unknown>): Promise<number[]> {
  const ms: number[] = [];
  for (const item of items) {
    const t0 = performance.now();
    await run(item);
    ms.push(performance.now() - t0);
  }
  return ms;
}

const total = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM pipe.segments');
console.log(`segments: ${total.rows[0]!.n}`);

// 1. Burst and traces. Graphs are cached until the network changes: one cold call first.
for (const [name, category, run] of [
  ['burst (JS), cold graph', 'JS', (id: string) => burstAnalysis(pool, id, [])],
  ['trace down (PS), cold graph', 'PS', (id: string) => traceAnalysis(pool, { segment: id }, 'down')],
] as const) {
  await pool.query(`SELECT nextval('pipe.network_version')`);
  const { rows } = await pool.query<{ id: string }>('SELECT id::text FROM pipe.segments WHERE category = $1 ORDER BY md5(id::text) LIMIT 1', [category]);
  console.log(`${name}: ${fmt(await timeEach(rows.map((r) => r.id), run))}`);
}
for (const [name, category, run] of [
  ['burst (JS)', 'JS', (id: string) => burstAnalysis(pool, id, [])],
  ['trace down (PS)', 'PS', (id: string) => traceAnalysis(pool, { segment: id }, 'down')],
  ['trace up (PS)', 'PS', (id: string) => traceAnalysis(pool, { segment: id }, 'up')],
] as const) {
  const { rows } = await pool.query<{ id: string }>('SELECT id::text FROM pipe.segments WHERE category = $1 ORDER BY md5(id::text) LIMIT $2', [category, runs]);
  console.log(`${name}: ${fmt(await timeEach(rows.map((r) => r.id), run))}`);
}

// 2. Clearance over 1 km² (a 1000 m × 1000 m box in EPSG:4549 around a random pipe, as lon/lat).
{
  const { rows } = await pool.query<{ w: number; s: number; e: number; n: number }>(
    `WITH c AS (SELECT ST_Centroid(geom_4549) AS p FROM pipe.segments ORDER BY md5('c' || id::text) LIMIT $1),
          b AS (SELECT ST_Transform(ST_MakeEnvelope(ST_X(p) - 500, ST_Y(p) - 500, ST_X(p) + 500, ST_Y(p) + 500, 4549), 4490) AS g FROM c)
     SELECT ST_XMin(g) AS w, ST_YMin(g) AS s, ST_XMax(g) AS e, ST_YMax(g) AS n FROM b`,
    [Math.min(runs, 30)],
  );
  // The lon/lat envelope of the 1 km square (≈ 1.01 km², under the 1.05 km² the check allows).
  const boxes = rows.map((r) => [r.w, r.s, r.e, r.n] as const);
  let pairs = 0;
  const ms = await timeEach(boxes, async (b) => {
    pairs += (await clearanceAnalysis(pool, b)).pairs.length;
  });
  console.log(`clearance 1 km²: ${fmt(ms)}, ${(pairs / boxes.length).toFixed(0)} pairs per box`);
}

// 3. Survey import of `importPoints` points: chains of 50 points (a drainage main falling east,
//    a water main) 40 m apart, well outside the sample's point numbers.
{
  const [x0, y0] = [640_000, 3_160_000];
  const pts: string[] = ['点号,X,Y,地面高程,类别,特征,附属物,埋深'];
  const lns: string[] = ['管线编号,起点号,终点号,起点埋深,终点埋深,管径,材质,权属单位'];
  for (let i = 0; i < importPoints; i++) {
    const chain = Math.floor(i / 50);
    const k = i % 50;
    const ys = chain % 2 === 0;
    const depth = ys ? 2 + k * 0.02 : 1.2;
    pts.push(`BP${i},${(x0 + k * 40).toFixed(3)},${(y0 + chain * 30).toFixed(3)},5.000,${ys ? 'YS' : 'JP'},,${ys ? '检修井' : k % 5 === 0 ? '阀门' : ''},${depth.toFixed(3)}`);
    if (k > 0) lns.push(`BL${i},BP${i - 1},BP${i},${(depth - 0.02 * (ys ? 1 : 0)).toFixed(3)},${depth.toFixed(3)},${ys ? 600 : 300},${ys ? 'T' : 'QM'},bench`);
  }
  const points = pts.join('\n');
  const lines = lns.join('\n');
  const lineCount = lns.length - 1;

  // Baseline: COPY into staging, then one INSERT … SELECT per table with the same transform and joins.
  const baseline = async (): Promise<number> => {
    const client = await pool.connect();
    try {
      const t0 = performance.now();
      await client.query('BEGIN');
      await client.query(`CREATE TEMP TABLE bp (no text, x float8, y float8, ground numeric, sub text, feat text, app text, depth numeric) ON COMMIT DROP`);
      await client.query(`CREATE TEMP TABLE bl (no text, s text, e text, sd numeric, ed numeric, dia int, mat text, owner text) ON COMMIT DROP`);
      const rows = (csv: string) => csv.split('\n').slice(1).map((l) => l.split(',').map((c) => (c === '' ? null : c)));
      await pipeline(Readable.from(copyChunks(rows(points))), client.query(copyFrom('COPY bp FROM STDIN')));
      await pipeline(Readable.from(copyChunks(rows(lines))), client.query(copyFrom('COPY bl FROM STDIN')));
      await client.query(
        `INSERT INTO pipe.points (point_no, category, subcategory, feature, appurtenance, ground_elev, depth, geom)
         SELECT bp.no, s.category, bp.sub, bp.feat, bp.app, bp.ground, bp.depth, ST_Transform(ST_SetSRID(ST_MakePoint(bp.x, bp.y), 4549), 4490)
           FROM bp JOIN pipe.subcategories s ON s.code = bp.sub`,
      );
      await client.query(
        `INSERT INTO pipe.segments (line_no, category, subcategory, start_point_id, end_point_id, start_depth, end_depth, diameter_mm, material, owner_unit, geom)
         SELECT bl.no, a.category, a.subcategory, a.id, b.id, bl.sd, bl.ed, bl.dia, bl.mat, bl.owner, ST_MakeLine(a.geom, b.geom)
           FROM bl JOIN pipe.points a ON a.point_no = bl.s JOIN pipe.points b ON b.point_no = bl.e`,
      );
      const ms = performance.now() - t0;
      await client.query('ROLLBACK');
      return ms;
    } finally {
      client.release();
    }
  };
  const ours = async (): Promise<number> => {
    const t0 = performance.now();
    const report = await importSurvey(pool, { points, lines, srid: 4549, dryRun: false, actor: 'bench' });
    const ms = performance.now() - t0;
    if (!report.committed) throw new Error(`bench import was refused: ${JSON.stringify(report.summary)} ${JSON.stringify(report.findings.slice(0, 3))}`);
    await pool.query('DELETE FROM pipe.segments WHERE import_id = $1', [report.importId]);
    await pool.query('DELETE FROM pipe.points WHERE import_id = $1', [report.importId]);
    await pool.query('DELETE FROM pipe.imports WHERE id = $1', [report.importId]);
    return ms;
  };
  // Interleaved, 3 rounds each; the median of each.
  const base: number[] = [];
  const imp: number[] = [];
  for (let r = 0; r < 3; r++) {
    base.push(await baseline());
    imp.push(await ours());
  }
  const mb = pct(base, 50);
  const mi = pct(imp, 50);
  const rate = (ms: number) => Math.round(importPoints / (ms / 1000)).toLocaleString('en');
  console.log(`import ${importPoints.toLocaleString('en')} points + ${lineCount.toLocaleString('en')} lines: ours ${(mi / 1000).toFixed(2)} s (${rate(mi)} points/s), ` +
    `COPY baseline ${(mb / 1000).toFixed(2)} s (${rate(mb)} points/s), ours/COPY time ${(mi / mb).toFixed(2)}× (medians of 3)`);
}
await pool.end();
