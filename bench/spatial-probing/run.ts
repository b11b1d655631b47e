/**
 * bench/spatial-probing: what evaluating spatial filters on the geometry a coarsened variant
 * shows (map-server/src/services/coarse-geometry.ts) costs. Boots the real server on a database
 * with the sample and times `GET /collections/pipe_segments/items?bbox=…` over HTTP: the public
 * (coarsened: shown-geometry test) against the owner department (exact geometry, as before) in
 * the same run, for a small (≈ 1 km) and a city-wide box, p50 of `runs` requests each after a
 * warm-up. Prints figures and the public/owner ratio; not a test, exits 0 whatever they are.
 * Usage: DATABASE_URL=postgres://… npx tsx bench/spatial-probing/run.ts [runs]
 *   (creates a staff user `bench_zj` of 住建局 if missing)
 */
import { createServer } from 'node:net';
import { pino } from 'pino';
import { loadConfig } from '../../map-server/src/config.ts';
import { createPool } from '../../map-server/src/db.ts';
import { startServer } from '../../map-server/src/server.ts';
import { createUser } from '../../map-server/src/services/users.ts';

const url = process.env['DATABASE_URL'];
if (!url) throw new Error('DATABASE_URL is required');
const runs = Number(process.argv[2] ?? 20);
const PASSWORD = 'Bench-Horse-9';

const port = await new Promise<number>((resolve, reject) => {
  const srv = createServer();
  srv.once('error', reject);
  srv.listen(0, '127.0.0.1', () => {
    const a = srv.address();
    srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
  });
});
const pool = createPool({ databaseUrl: url, poolMax: 2, statementTimeoutMs: 60_000 });
const exists = await pool.query(`SELECT 1 FROM auth.users WHERE username = 'bench_zj'`);
if (!exists.rowCount) await createUser(pool, { username: 'bench_zj', displayName: '住建基准', role: 'staff', department: 'tz-zj', password: PASSWORD });
const running = await startServer(loadConfig({ DATABASE_URL: url, PORT: String(port), LOG_LEVEL: 'warn', TILE_CACHE: 'memory' }), pino({ level: 'warn' }));
try {
  const login = await fetch(`${running.url}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'bench_zj', password: PASSWORD }) });
  const token = ((await login.json()) as { token: string }).token;
  const ext = await pool.query<{ x0: number; y0: number; x1: number; y1: number; cx: number; cy: number }>(
    `SELECT ST_XMin(e) AS x0, ST_YMin(e) AS y0, ST_XMax(e) AS x1, ST_YMax(e) AS y1, ST_X(c) AS cx, ST_Y(c) AS cy
       FROM (SELECT ST_Extent(geom)::geometry AS e, (SELECT ST_LineInterpolatePoint(geom, 0.5) FROM pipe.segments ORDER BY id LIMIT 1 OFFSET 5000) AS c FROM pipe.segments) s`,
  );
  const e = ext.rows[0]!;
  const boxes: [string, number[]][] = [
    ['small box (≈1 km)', [e.cx - 0.005, e.cy - 0.0045, e.cx + 0.005, e.cy + 0.0045]],
    ['city-wide box', [e.x0, e.y0, e.x1, e.y1]],
  ];
  const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
  for (const [name, box] of boxes) {
    const path = `/collections/pipe_segments/items?limit=100&bbox=${box.map((v) => v.toFixed(6)).join(',')}`;
    const figures: Record<string, { p50: number; matched: number }> = {};
    for (const [who, headers] of [
      ['owner (exact)', { Authorization: `Bearer ${token}` }],
      ['public (shown geometry)', {}],
    ] as const) {
      const ms: number[] = [];
      let matched = 0;
      for (let i = 0; i < runs + 3; i++) {
        const t0 = performance.now();
        const r = await fetch(`${running.url}${path}`, { headers });
        const body = (await r.json()) as { numberMatched: number };
        if (i >= 3) ms.push(performance.now() - t0);
        matched = body.numberMatched;
      }
      figures[who] = { p50: pct(ms, 50), matched };
      console.log(`${name}, ${who}: p50 ${pct(ms, 50).toFixed(1)} ms, p90 ${pct(ms, 90).toFixed(1)} ms, numberMatched ${matched} (n=${runs})`);
    }
    console.log(`${name}: public/owner p50 ratio ${(figures['public (shown geometry)']!.p50 / figures['owner (exact)']!.p50).toFixed(2)}`);
  }
} finally {
  await running.close();
  await pool.end();
}
