/**
 * `npm run bench:load -- --scale [--quick]` (or `tsx bench/load/scale.ts`): tiles/s of one
 * server process against a Node cluster of two (WORKERS=2), interleaved in one run so the
 * shared machine's drift hits both alike. Two regimes: uncached (TILE_CACHE=off: PostgreSQL
 * renders every tile) and cached in the shared disk cache (TILE_CACHE=disk, warmed first). wrk
 * with 8 keep-alive connections cycles through 600 z14–z16 tiles of the Taizhou sample. Prints
 * the medians and the ratio 2 workers / 1 worker.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableParallelism, loadavg } from 'node:os';
import { lonLatToTile } from '@onemap/tiles';
import { startService, stopAllServices, sleep } from '../tiles/proc.ts';
import { median } from '../tiles/stats.ts';
import { runWrk } from '../tiles/wrk.ts';
import { prepareDatabase } from './database.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const reps = quick ? 1 : 3;
  const seconds = quick ? 4 : 10;
  const databaseUrl = await prepareDatabase(resolve(REPO, '.data/load-pg'), 54372);
  const outDir = resolve(REPO, 'bench/out');
  const workDir = join(outDir, 'tmp-scale');
  const cacheDir = join(workDir, 'tile-cache');
  mkdirSync(workDir, { recursive: true });

  const tiles: string[] = [];
  for (const z of [14, 15, 16]) {
    const a = lonLatToTile(121.40, 28.70, z);
    const b = lonLatToTile(121.46, 28.64, z);
    for (let x = a.x; x <= b.x && tiles.length < 200 * (z - 13); x++) for (let y = a.y; y <= b.y && tiles.length < 200 * (z - 13); y++) tiles.push(`/tiles/buildings/${z}/${x}/${y}.mvt`);
  }

  const start = async (workers: number, cache: 'off' | 'disk', port: number) => {
    const svc = startService(`w${workers}-${cache}`, process.execPath, ['--import', 'tsx', resolve(REPO, 'map-server/src/main.ts')], {
      env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', WORKERS: String(workers), TILE_CACHE: cache, TILE_CACHE_DIR: cacheDir, PG_POOL_MAX: '4' },
      logFile: join(outDir, `scale-w${workers}-${cache}.log`),
      cwd: REPO,
    });
    for (let i = 0; i < 600; i++) {
      if (await fetch(`http://127.0.0.1:${port}/ready`).then((r) => r.status === 200).catch(() => false)) return svc;
      await sleep(200);
    }
    throw new Error(`server w${workers}/${cache} did not start`);
  };

  console.log(`[scale] ${tiles.length} tiles, ${reps} × ${seconds} s per cell, ${availableParallelism()} cores, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const results: Record<string, number[]> = {};
  const p99: Record<string, number[]> = {};
  for (const cache of ['off', 'disk'] as const) {
    rmSync(cacheDir, { recursive: true, force: true });
    for (let rep = 0; rep < reps; rep++) {
      for (const workers of [1, 2]) {
        const port = 18480 + workers;
        const svc = await start(workers, cache, port);
        const base = `http://127.0.0.1:${port}`;
        if (cache === 'disk') for (const t of tiles) await fetch(`${base}${t}`).then((r) => r.arrayBuffer());
        const r = await runWrk(base, tiles, 8, seconds, workDir, `w${workers}-${cache}`);
        await svc.stop();
        const key = `${cache === 'off' ? 'uncached' : 'cached (disk)'} · ${workers} worker${workers > 1 ? 's' : ''}`;
        (results[key] ??= []).push(r.tilesPerS);
        (p99[key] ??= []).push(r.p99Ms);
        console.log(`[scale] ${key}: ${r.tilesPerS.toFixed(0)} tiles/s, p99 ${r.p99Ms.toFixed(1)} ms, errors ${r.errors}`);
      }
    }
  }
  await stopAllServices();
  console.log('\n| regime | 1 worker tiles/s | 2 workers tiles/s | ratio | p99 1 → 2 (ms) |');
  console.log('|---|---:|---:|---:|---|');
  for (const regime of ['uncached', 'cached (disk)']) {
    const one = median(results[`${regime} · 1 worker`]!);
    const two = median(results[`${regime} · 2 workers`]!);
    console.log(`| ${regime} | ${one.toFixed(0)} | ${two.toFixed(0)} | ${(two / one).toFixed(2)} | ${median(p99[`${regime} · 1 worker`]!).toFixed(1)} → ${median(p99[`${regime} · 2 workers`]!).toFixed(1)} |`);
  }
  console.log(`load average at the end ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

main().catch(async (err: unknown) => {
  console.error(err);
  await stopAllServices();
  process.exit(1);
});
