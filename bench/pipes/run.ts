/**
 * bench/pipes: burst (valve isolation) and downstream trace latency on the sample network
 * (≥ 100 000 segments), p50/p99 over random start segments. Prints figures; not a test.
 * Usage: DATABASE_URL=postgres://… npx tsx bench/pipes/run.ts [runs]
 */
import { createPool } from '../../map-server/src/db.ts';
import { burstAnalysis, traceAnalysis } from '../../map-server/src/services/pipe-analysis.ts';

const url = process.env['DATABASE_URL'];
if (!url) throw new Error('DATABASE_URL is required');
const runs = Number(process.argv[2] ?? 50);
const pool = createPool({ databaseUrl: url, poolMax: 4, statementTimeoutMs: 15000 });
const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const total = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM pipe.segments');
console.log(`segments: ${total.rows[0]!.n}`);
for (const [name, category, run] of [
  ['burst (JS)', 'JS', (id: string) => burstAnalysis(pool, id, [], true)],
  ['trace down (PS)', 'PS', (id: string) => traceAnalysis(pool, { segment: id }, 'down', true)],
  ['trace up (PS)', 'PS', (id: string) => traceAnalysis(pool, { segment: id }, 'up', true)],
] as const) {
  const { rows } = await pool.query<{ id: string }>('SELECT id::text FROM pipe.segments WHERE category = $1 ORDER BY md5(id::text) LIMIT $2', [category, runs]);
  const ms: number[] = [];
  for (const r of rows) {
    const t0 = performance.now();
    await run(r.id);
    ms.push(performance.now() - t0);
  }
  console.log(`${name}: p50 ${pct(ms, 50).toFixed(1)} ms, p99 ${pct(ms, 99).toFixed(1)} ms (n=${ms.length})`);
}
await pool.end();
