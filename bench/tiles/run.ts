/**
 * `npm run bench:tiles [-- flags]`: the tile benchmark of tiles-performance.md §5 for our server.
 * One interleaved run: for each repetition, for each zoom × clients, the raw SQL (pgbench),
 * our server uncached, our server cached and MapServer run back to back, so drift of a shared
 * machine hits every target alike. Prints medians, ratios and the issue's targets; writes JSON
 * to bench/out/. Exit 0 whatever the figures; 1 only when the harness itself failed.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuDelta, cpuSnapshot, waitQuiet } from './cpu.ts';
import { prepareDataset } from './dataset.ts';
import { assertPortFree, describeEnvironment } from './environment.ts';
import type { LoadResult } from './load-result.ts';
import { mapserverTilePath, startMapServer, type MapServerPeer } from './mapserver.ts';
import { parseOptions } from './options.ts';
import { ourTilePath, startOurServer, type OurServer } from './our-server.ts';
import { pgbenchScript, runPgbench } from './pgbench.ts';
import { sleep, stopAllServices } from './proc.ts';
import { printReport } from './report.ts';
import { summarise, type CellRun, type ZoomCheck } from './summary.ts';
import { ensureSystemTools } from './system.ts';
import { judge } from './targets.ts';
import { tileName, tilesForZoom } from './tile-list.ts';
import { layerSql } from './tile-sql.ts';
import { countMismatches, probeHttp, probeSql, type HttpSource, type Series, type TileProbe } from './verify.ts';
import { runWrk } from './wrk.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SERIES_ORDER: readonly Series[] = ['raw', 'naive', 'ours', 'cached', 'mapserver'];

async function main(): Promise<void> {
  const opts = parseOptions(process.argv.slice(2));
  const want = (t: string) => (opts.targets as readonly string[]).includes(t);
  const outDir = resolve(REPO, opts.outDir);
  const workDir = join(outDir, 'tmp');
  const logDir = join(outDir, 'logs');
  rmSync(workDir, { recursive: true, force: true });
  mkdirSync(logDir, { recursive: true });

  await ensureSystemTools(want('mapserver'));
  const ds = await prepareDataset({ dataset: opts.dataset, pgDir: resolve(REPO, opts.pgDir), pgPort: opts.pgPort, reload: opts.reload });
  console.log(`[bench] ${ds.database} on 127.0.0.1:${ds.port}: ${ds.buildings.toLocaleString('en-US')} current buildings`);
  const sql = await layerSql(ds.databaseUrl);
  const zoomTiles = opts.zooms.map(tilesForZoom);
  const env = await describeEnvironment(ds.databaseUrl);

  // Services: all three stay up for the whole run (idle while another target is measured).
  const ports = { ours: opts.httpPort, cached: opts.httpPort + 1, mapserver: opts.httpPort + 2 };
  for (const [name, port] of Object.entries(ports)) if (want(name)) await assertPortFree(port);
  const probe = zoomTiles.find((z) => z.z === 14)?.probe ?? zoomTiles[0]!.probe;
  type Started = OurServer | MapServerPeer;
  const starters: Partial<Record<Series, () => Promise<Started>>> = {};
  if (want('ours'))
    starters.ours = () => startOurServer({ name: 'ours-uncached', databaseUrl: ds.databaseUrl, port: ports.ours, cache: 'off', logFile: join(logDir, 'ours-uncached.log'), repoRoot: REPO });
  if (want('cached'))
    starters.cached = () => startOurServer({ name: 'ours-cached', databaseUrl: ds.databaseUrl, port: ports.cached, cache: 'memory', logFile: join(logDir, 'ours-cached.log'), repoRoot: REPO });
  if (want('mapserver'))
    starters.mapserver = () => startMapServer({ pgPort: ds.port, database: ds.database, httpPort: ports.mapserver, outDir, probePath: mapserverTilePath(probe.z, probe.x, probe.y) });
  const paths: Partial<Record<Series, HttpSource['path']>> = { ours: ourTilePath, cached: ourTilePath, mapserver: mapserverTilePath };
  const http: Partial<Record<Series, HttpSource & { pid: number; service: Started['service'] }>> = {};
  const start = async (s: Series) => {
    const svc = await starters[s]!();
    http[s] = { baseUrl: svc.baseUrl, path: paths[s]!, pid: svc.service.child.pid!, service: svc.service };
  };
  await Promise.all((Object.keys(starters) as Series[]).map(start));
  const restarts: string[] = [];
  /**
   * A service found dead before its cell is restarted (and the cache re-warmed) rather than
   * losing the run; the restart is reported. Seen here: both of our servers ended by a
   * stranger's signal mid-run on a shared machine.
   */
  const ensureAlive = async (s: Series, where: string) => {
    const how = http[s]?.service.exited();
    if (!how) return;
    restarts.push(`${s} found dead (${how}) before ${where}: restarted`);
    console.log(`[bench] ${s} found dead (${how}) before ${where}: restarting`);
    await start(s);
    if (s === 'cached') for (const zt of zoomTiles) await probeHttp(http[s]!, zt.tiles);
  };
  const postmaster = Number(readFileSync(join(ds.pgdata, 'postmaster.pid'), 'utf8').split('\n')[0]);

  // Verification pass (also warms the cached server).
  console.log('[bench] verifying every target on every listed tile …');
  const checks: ZoomCheck[] = [];
  const harnessProblems: string[] = [];
  for (const zt of zoomTiles) {
    const probes: Partial<Record<Series, TileProbe[]>> = {};
    const skipped: Partial<Record<Series, string>> = {};
    if (want('raw')) probes.raw = await probeSql(ds.databaseUrl, sql.oursAt(zt.z), zt.tiles);
    if (want('raw') && opts.naiveZooms.includes(zt.z) && sql.naive !== sql.oursAt(zt.z)) probes.naive = await probeSql(ds.databaseUrl, sql.naive, zt.tiles);
    for (const s of ['ours', 'cached', 'mapserver'] as const) {
      if (!http[s]) continue;
      try {
        probes[s] = await probeHttp(http[s]!, zt.tiles, s === 'cached');
      } catch (err) {
        // Killed under our feet (see ensureAlive)? Its exit event may trail the socket error.
        await sleep(1_000);
        if (!http[s]!.service.exited()) throw err;
        await ensureAlive(s, `verification of z${zt.z}`);
        probes[s] = await probeHttp(http[s]!, zt.tiles, s === 'cached');
      }
    }
    for (const s of ['ours', 'cached'] as const) {
      if (probes[s]?.every((p) => p.status === 404)) skipped[s] = `HTTP 404 for every tile (${probes[s]![0]!.invalid ?? ''})`;
    }
    const probeName = tileName(zt.probe);
    for (const [s, list] of Object.entries(probes) as [Series, TileProbe[]][]) {
      if (skipped[s]) continue;
      const bad = list.filter((p) => p.invalid);
      if (bad.length) harnessProblems.push(`z${zt.z} ${s}: ${bad.length} invalid tiles, e.g. ${bad[0]!.tile} ${bad[0]!.invalid}`);
      const p = list.find((x) => x.tile === probeName);
      if (p && !p.invalid && p.features === 0) console.log(`[bench] note: z${zt.z} ${s} probe tile ${probeName} is empty`);
    }
    const misses = probes.cached?.filter((p) => p.repeat && p.repeat !== 'hit') ?? [];
    if (misses.length && !skipped.cached) harnessProblems.push(`z${zt.z} cached: repeat request not a cache hit (${misses[0]!.tile}: ${misses[0]!.repeat})`);
    const mismatches = probes.ours && probes.raw && !skipped.ours ? countMismatches(probes.ours, probes.raw) : [];
    checks.push({ z: zt.z, tiles: zt.tiles.length, statement: sql.statementAt(zt.z), probes, mismatches, skipped });
    const feat = (s: Series) => (probes[s] ? probes[s]!.reduce((a, p) => a + p.features, 0).toLocaleString('en-US') : '–');
    console.log(`[bench]   z${zt.z}: ${zt.tiles.length} tiles, features raw ${feat('raw')} · ours ${feat('ours')} · MapServer ${feat('mapserver')}${mismatches.length ? ` · ${mismatches.length} ours≠raw` : ''}`);
  }
  if (harnessProblems.length) throw new Error(`verification failed:\n  - ${harnessProblems.join('\n  - ')}`);

  // The interleaved run.
  const plan: { z: number; clients: number; series: Series }[] = [];
  for (const zt of zoomTiles)
    for (const c of opts.clients)
      for (const s of SERIES_ORDER) {
        const check = checks.find((x) => x.z === zt.z)!;
        if (check.probes[s] && !check.skipped[s]) plan.push({ z: zt.z, clients: c, series: s });
      }
  const etaMin = (plan.length * opts.reps * (opts.durationS + 1.2)) / 60;
  console.log(`[bench] ${opts.reps} repetition(s) × ${plan.length} cells × ${opts.durationS} s ≈ ${etaMin.toFixed(1)} min`);
  const scripts = new Map<string, string>();
  const runs: CellRun[] = [];
  const measureCell = async (rep: number, z: number, clients: number, series: Series): Promise<CellRun> => {
    const zt = zoomTiles.find((x) => x.z === z)!;
    if (http[series]) await ensureAlive(series, `z${z} c${clients} rep ${rep}`);
    const groups = { server: http[series] ? [http[series]!.pid] : [], postgres: [postmaster] };
    const before = cpuSnapshot(groups, [postmaster]);
    const t0 = performance.now();
    const startedAt = new Date().toISOString();
    let result: LoadResult;
    if (series === 'raw' || series === 'naive') {
      const key = `${series}-z${z}`;
      if (!scripts.has(key)) scripts.set(key, pgbenchScript(series === 'raw' ? sql.oursAt(z) : sql.naive, zt.tiles));
      result = await runPgbench({ host: '127.0.0.1', port: ds.port, database: ds.database, workDir: join(workDir, 'pgbench') }, `${key}-c${clients}`, scripts.get(key)!, clients, opts.durationS);
    } else {
      const src = http[series]!;
      result = await runWrk(src.baseUrl, zt.tiles.map((t) => src.path(t.z, t.x, t.y)), clients, opts.durationS, join(workDir, 'wrk'), `${series}-z${z}`);
    }
    const cpuMs = cpuDelta(before, cpuSnapshot(groups, [postmaster]));
    const foreignPct = (100 * (cpuMs['foreign'] ?? NaN)) / (performance.now() - t0);
    await waitQuiet([...groups.server, postmaster]);
    return { rep, z, clients, series, startedAt, result, cpuMs, foreignPct };
  };
  for (let rep = 1; rep <= opts.reps; rep++) {
    for (const { z, clients, series } of plan) {
      let run = await measureCell(rep, z, clients, series);
      if (http[series]?.service.exited()) {
        // Died during the cell: the figures are not the server's; measure the cell once more.
        run = await measureCell(rep, z, clients, series);
      }
      runs.push(run);
      const { result, foreignPct } = run;
      const fig = result.failure
        ? `FAILED ${result.failure}`
        : `${result.tilesPerS.toFixed(1).padStart(8)} tiles/s  p50 ${result.p50Ms.toFixed(1)}  p99 ${result.p99Ms.toFixed(1)} ms${result.errors ? `  ${result.errors} errors` : ''}  (foreign CPU ${foreignPct.toFixed(0)} %)`;
      console.log(`[bench] rep ${rep}/${opts.reps}  z${z} c${clients}  ${series.padEnd(9)} ${fig}`);
    }
  }

  const cells = summarise(runs);
  const verdicts = judge(cells, checks, opts.zooms, opts.clients);
  const text = printReport({ cells, checks, verdicts, notes: restarts, zooms: opts.zooms, clients: opts.clients, series: SERIES_ORDER, reps: opts.reps, durationS: opts.durationS });
  console.log(`\n${text}\n`);

  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const json = {
    benchmark: 'bench/tiles',
    finishedAt: new Date().toISOString(),
    options: opts,
    environment: env,
    dataset: { name: ds.name, database: ds.database, buildings: ds.buildings },
    sql: { naive: sql.naive, byZoom: Object.fromEntries(opts.zooms.map((z) => [z, { statement: sql.statementAt(z), text: sql.oursAt(z) }])) },
    tiles: Object.fromEntries(zoomTiles.map((zt) => [zt.z, zt.tiles.map(tileName)])),
    verification: checks,
    summary: cells,
    targets: verdicts,
    restarts,
    runs,
    report: text,
  };
  const file = join(outDir, `tiles-${opts.dataset}-${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(json, null, 1)}\n`);
  writeFileSync(join(outDir, `tiles-${opts.dataset}-latest.json`), `${JSON.stringify(json, null, 1)}\n`);
  console.log(`[bench] results: ${file}`);
}

main()
  .then(async () => {
    await stopAllServices();
    process.exit(0);
  })
  .catch(async (err: unknown) => {
    console.error(`[bench] harness failed: ${err instanceof Error ? err.message : String(err)}`);
    await stopAllServices();
    process.exit(1);
  });
