/**
 * `npm run bench:load [-- --minutes 10 | --quick]`: a realistic mixed workload against one
 * map-server instance on its own cluster (issue 10 item 10). Closed-loop clients draw requests
 * by weight — vector tiles (cache hits and misses), feature pages, CQL2 searches, hydrology
 * observations, and edits (create then patch, with If-Match) — for the whole run, while the
 * server's resident memory is sampled. Prints throughput, p50/p99 and errors per kind, memory
 * over time with a flatness check, and the ratio of the last window's throughput to the first
 * (the baseline measured in the same run). Writes JSON to bench/out/. Exit 0 whatever the
 * figures; 1 only when the harness could not run.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableParallelism, loadavg } from 'node:os';
import pg from 'pg';
import { lonLatToTile } from '@onemap/tiles';
import { createApiToken } from '../../map-server/src/services/auth-tokens.ts';
import { startService, stopAllServices, sleep } from '../tiles/proc.ts';
import { percentile } from '../tiles/stats.ts';
import { prepareDatabase } from './database.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

interface Options {
  minutes: number;
  clients: number;
  workers: number;
  pgDir: string;
  pgPort: number;
  httpPort: number;
  sampleS: number;
}

function parseOptions(argv: readonly string[]): Options {
  const o: Options = { minutes: 10, clients: 8, workers: 1, pgDir: '.data/load-pg', pgPort: 54372, httpPort: 18472, sampleS: 10 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const num = () => {
      const v = Number(argv[++i]);
      if (!Number.isFinite(v) || v <= 0) throw new Error(`${a} needs a positive number`);
      return v;
    };
    if (a === '--quick') Object.assign(o, { minutes: 1, sampleS: 5 });
    else if (a === '--minutes') o.minutes = num();
    else if (a === '--clients') o.clients = num();
    else if (a === '--workers') o.workers = num();
    else if (a === '--pg-port') o.pgPort = num();
    else if (a === '--http-port') o.httpPort = num();
    else if (a === '--pg-dir') o.pgDir = argv[++i]!;
    else if (a === '--help') {
      console.log('npm run bench:load -- [--minutes 10] [--quick] [--clients 8] [--workers 1] [--pg-dir .data/load-pg] [--pg-port 54372] [--http-port 18472]');
      process.exit(0);
    } else throw new Error(`unknown flag ${a} (see --help)`);
  }
  return o;
}

/** Resident memory of a process and its children (Node cluster workers), in bytes. */
function rssOf(pid: number): number {
  const kb = (p: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, 'utf8'))?.[1] ?? 0);
  let total = 0;
  try {
    total += kb(pid);
  } catch {
    return 0;
  }
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) total += kb(Number(d));
    } catch {
      // gone
    }
  }
  return total * 1024;
}

type Kind = 'tile' | 'features' | 'search' | 'observations' | 'edit';
interface Sample {
  readonly kind: Kind;
  readonly ms: number;
  readonly status: number;
  readonly at: number;
}

/** Deterministic PRNG (mulberry32) so two runs draw the same request sequence. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CENTRES: readonly [number, number][] = [
  [121.43, 28.68], // 椒江
  [121.26, 28.65], // 黄岩
  [121.37, 28.58], // 路桥
  [121.14, 28.86], // 临海
  [121.38, 28.37], // 温岭
];

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  const outDir = resolve(REPO, 'bench/out');
  mkdirSync(outDir, { recursive: true });
  const databaseUrl = await prepareDatabase(resolve(REPO, o.pgDir), o.pgPort);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  const token = await createApiToken(pool, '负载测试', 'editor', 1);
  const stations = (await pool.query<{ stcd: string; element: string }>(`SELECT DISTINCT ON (stcd) stcd, element FROM hydro.datastream ORDER BY stcd, element LIMIT 200`)).rows;
  const obsEnd = (await pool.query<{ t: Date }>(`SELECT max(tm) AS t FROM hydro.obs`)).rows[0]!.t ?? new Date();
  await pool.end();

  const baseUrl = `http://127.0.0.1:${o.httpPort}`;
  const logFile = join(outDir, 'load-server.log');
  const server = startService('map-server', process.execPath, ['--import', 'tsx', resolve(REPO, 'map-server/src/main.ts')], {
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(o.httpPort), HOST: '127.0.0.1', LOG_LEVEL: 'warn', TILE_CACHE: 'memory', TILE_CACHE_MAX_MB: '256', WORKERS: String(o.workers) },
    logFile,
    cwd: REPO,
  });
  for (let i = 0; ; i++) {
    const ok = await fetch(`${baseUrl}/ready`).then((r) => r.status === 200).catch(() => false);
    if (ok) break;
    if (i > 600 || server.exited()) throw new Error(`map-server did not become ready (${server.exited() ?? 'timeout'}); see ${logFile}`);
    await sleep(200);
  }
  const pid = server.child.pid!;

  // A fixed pool of 3,000 tiles, drawn with a skew (popular tiles repeat), so the cache sees
  // a realistic mix of hits and misses rather than all of one.
  const r0 = rng(42);
  const tilePool: string[] = [];
  for (let i = 0; i < 3000; i++) {
    const [lon, lat] = CENTRES[Math.floor(r0() * CENTRES.length)]!;
    const z = [12, 13, 14, 14, 15, 15, 16][Math.floor(r0() * 7)]!;
    const t = lonLatToTile(lon + (r0() - 0.5) * 0.08, lat + (r0() - 0.5) * 0.06, z);
    const layers = ['buildings', 'roads', 'buildings,roads', 'land_cover'][Math.floor(r0() * 4)]!;
    tilePool.push(`/tiles/${layers}/${z}/${t.x}/${t.y}.mvt`);
  }
  const bboxNear = (r: () => number, size: number) => {
    const [lon, lat] = CENTRES[Math.floor(r() * CENTRES.length)]!;
    const x = lon + (r() - 0.5) * 0.06;
    const y = lat + (r() - 0.5) * 0.05;
    return `${x.toFixed(5)},${y.toFixed(5)},${(x + size).toFixed(5)},${(y + size).toFixed(5)}`;
  };
  const searches = ["floors>=10", "use='commercial' AND floors>3", "name LIKE '%路%'", "height_m BETWEEN 20 AND 60"];

  const samples: Sample[] = [];
  const errors: string[] = [];
  /** RSS of the server's process tree; tile-cache bytes and V8 heap in use from its /metrics. */
  const memory: { s: number; rssMb: number; cacheMb: number; heapMb: number }[] = [];
  const metric = (text: string, name: string) => Number(new RegExp(`^${name} ([0-9.e+]+)`, 'm').exec(text)?.[1] ?? NaN);
  const sampleMemory = async () => {
    const text = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(10_000) }).then((r) => r.text()).catch(() => '');
    memory.push({
      s: Math.round((performance.now() - started) / 1000),
      rssMb: rssOf(pid) / 1048576,
      cacheMb: metric(text, 'onemap_tile_cache_bytes') / 1048576,
      heapMb: metric(text, 'onemap_nodejs_heap_size_used_bytes') / 1048576,
    });
  };
  const started = performance.now();
  const endAt = started + o.minutes * 60_000;
  const timed = async (kind: Kind, path: string, init?: RequestInit): Promise<Response | undefined> => {
    const t0 = performance.now();
    try {
      const res = await fetch(`${baseUrl}${path}`, { ...init, signal: AbortSignal.timeout(60_000), headers: { 'Accept-Encoding': 'gzip', ...(init?.headers ?? {}) } });
      await res.arrayBuffer();
      samples.push({ kind, ms: performance.now() - t0, status: res.status, at: t0 - started });
      if (res.status >= 400 && errors.length < 20) errors.push(`${res.status} ${init?.method ?? 'GET'} ${path.slice(0, 120)}`);
      return res;
    } catch (err) {
      samples.push({ kind, ms: performance.now() - t0, status: 0, at: t0 - started });
      if (errors.length < 20) errors.push(`${(err as Error).name} ${path.slice(0, 120)}`);
      return undefined;
    }
  };
  const client = async (id: number) => {
    const r = rng(1000 + id);
    let n = 0;
    while (performance.now() < endAt) {
      const p = r();
      n++;
      if (p < 0.55) {
        // Skewed: a third of the pool gets two thirds of the requests.
        const i = r() < 0.66 ? Math.floor(r() * 1000) : Math.floor(r() * tilePool.length);
        await timed('tile', tilePool[i]!);
      } else if (p < 0.73) {
        const layer = ['buildings', 'roads', 'place_names'][Math.floor(r() * 3)]!;
        await timed('features', `/collections/${layer}/items?bbox=${bboxNear(r, 0.01)}&limit=50`);
      } else if (p < 0.85) {
        const f = searches[Math.floor(r() * searches.length)]!;
        await timed('search', `/collections/buildings/items?filter=${encodeURIComponent(f)}&bbox=${bboxNear(r, 0.03)}&limit=20`);
      } else if (p < 0.97) {
        const q = Math.floor(r() * 3);
        const at = new Date(obsEnd.getTime() - Math.floor(r() * 72) * 3_600_000).toISOString();
        if (q === 0) await timed('observations', `/water/status?datetime=${encodeURIComponent(at)}`);
        else if (q === 1) await timed('observations', `/water/rainfall?datetime=${encodeURIComponent(at)}`);
        else {
          const s = stations[Math.floor(r() * stations.length)]!;
          await timed('observations', `/water/stations/${s.stcd}/series?element=${s.element}&to=${encodeURIComponent(at)}&resolution=hourly`);
        }
      } else {
        const [lon, lat] = CENTRES[Math.floor(r() * CENTRES.length)]!;
        const x = lon + (r() - 0.5) * 0.05;
        const y = lat + (r() - 0.5) * 0.04;
        const d = 0.0002;
        const created = await timed('edit', '/collections/buildings/items?comment=load', {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/geo+json' },
          body: JSON.stringify({
            type: 'Feature',
            geometry: { type: 'Polygon', coordinates: [[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]] },
            properties: { use: 'residential', floors: 2, height_m: 6, year_built: 2025, district_adcode: '331002', name: `负载 ${id}-${n}` },
          }),
        });
        const etag = created?.headers.get('etag');
        const location = created?.headers.get('location');
        if (created?.status === 201 && etag && location)
          await timed('edit', `${new URL(location).pathname}?comment=load`, {
            method: 'PATCH',
            headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/merge-patch+json', 'If-Match': etag },
            body: JSON.stringify({ properties: { floors: 3 } }),
          });
      }
    }
  };
  const sampler = setInterval(() => {
    void sampleMemory().then(() => {
      const m = memory.at(-1)!;
      process.stdout.write(`\r[load] ${m.s} s, ${samples.length} requests, RSS ${m.rssMb.toFixed(0)} MB (tile cache ${m.cacheMb.toFixed(0)} MB, heap ${m.heapMb.toFixed(0)} MB)   `);
    });
  }, o.sampleS * 1000);
  await sampleMemory();
  console.log(`[load] ${o.minutes} min, ${o.clients} clients, ${o.workers} worker(s) on ${availableParallelism()} cores, load average at start ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  await Promise.all(Array.from({ length: o.clients }, (_, i) => client(i)));
  clearInterval(sampler);
  await sampleMemory();
  const loadEnd = loadavg();
  await server.stop();
  await stopAllServices();
  process.stdout.write('\n');

  // Figures.
  const seconds = (performance.now() - started) / 1000;
  const kinds: Kind[] = ['tile', 'features', 'search', 'observations', 'edit'];
  const rows = kinds.map((k) => {
    const s = samples.filter((x) => x.kind === k);
    const ms = s.map((x) => x.ms).sort((a, b) => a - b);
    return { kind: k, requests: s.length, perS: s.length / seconds, p50: percentile(ms, 50), p99: percentile(ms, 99), errors5xx: s.filter((x) => x.status >= 500 || x.status === 0).length, errors4xx: s.filter((x) => x.status >= 400 && x.status < 500).length };
  });
  const all = samples.map((x) => x.ms).sort((a, b) => a - b);
  const windowMs = Math.min(60_000, (o.minutes * 60_000) / 5);
  const rate = (from: number) => samples.filter((x) => x.at >= from && x.at < from + windowMs).length / (windowMs / 1000);
  const firstRate = rate(windowMs * 0.5); // after a half-window warm-up
  const lastRate = rate(o.minutes * 60_000 - windowMs);
  // Memory flatness: least-squares slope (MB/min) over the second half (after warm-up). The
  // tile cache legitimately grows until its cap, so the verdict is on RSS minus the cache's bytes.
  const half = memory.filter((m) => m.s >= (o.minutes * 60) / 2);
  const slopeOf = (value: (m: (typeof memory)[number]) => number) => {
    const pts = half.filter((m) => Number.isFinite(value(m)));
    const n = pts.length;
    if (n < 3) return NaN;
    const mx = pts.reduce((a, m) => a + m.s, 0) / n;
    const my = pts.reduce((a, m) => a + value(m), 0) / n;
    const num = pts.reduce((a, m) => a + (m.s - mx) * (value(m) - my), 0);
    const den = pts.reduce((a, m) => a + (m.s - mx) ** 2, 0);
    return (num / den) * 60;
  };
  const slope = slopeOf((m) => m.rssMb);
  const slopeNonCache = slopeOf((m) => m.rssMb - (Number.isFinite(m.cacheMb) ? m.cacheMb : 0));
  const slopeHeap = slopeOf((m) => m.heapMb);
  const peak = Math.max(...memory.map((m) => m.rssMb));
  const flat = Number.isFinite(slopeNonCache) && Math.abs(slopeNonCache) < Math.max(2, peak * 0.01);

  console.log(`\n== bench:load — ${seconds.toFixed(0)} s, ${o.clients} clients, ${o.workers} worker(s); load average ${loadEnd.map((l) => l.toFixed(2)).join(' ')} at the end ==`);
  console.log('| kind | requests | req/s | p50 ms | p99 ms | 5xx/failed | 4xx |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.kind} | ${r.requests} | ${r.perS.toFixed(1)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.errors5xx} | ${r.errors4xx} |`);
  console.log(`| all | ${samples.length} | ${(samples.length / seconds).toFixed(1)} | ${percentile(all, 50).toFixed(1)} | ${percentile(all, 99).toFixed(1)} | ${rows.reduce((a, r) => a + r.errors5xx, 0)} | ${rows.reduce((a, r) => a + r.errors4xx, 0)} |`);
  console.log(`throughput first window ${firstRate.toFixed(1)} req/s, last window ${lastRate.toFixed(1)} req/s: ratio last/first ${(lastRate / firstRate).toFixed(2)}`);
  console.log(`RSS (MB) every ${o.sampleS} s: ${memory.map((m) => m.rssMb.toFixed(0)).join(' ')}`);
  console.log(`tile cache (MB):     ${memory.map((m) => m.cacheMb.toFixed(0)).join(' ')}`);
  console.log(`V8 heap used (MB):   ${memory.map((m) => m.heapMb.toFixed(0)).join(' ')}`);
  console.log(`RSS peak ${peak.toFixed(0)} MB; second-half slopes (MB/min): RSS ${slope.toFixed(2)}, RSS − tile cache ${slopeNonCache.toFixed(2)}, heap ${slopeHeap.toFixed(2)} → ${flat ? 'flat' : 'NOT flat'}`);
  if (errors.length) console.log(`first errors:\n  ${errors.join('\n  ')}`);
  const file = join(outDir, `load-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ options: o, seconds, rows, firstRate, lastRate, memory, slopeMbPerMin: slope, slopeNonCacheMbPerMin: slopeNonCache, slopeHeapMbPerMin: slopeHeap, flat, errors, loadAverageEnd: loadEnd }, null, 2));
  console.log(`results: ${file}`);
}

main().catch(async (err: unknown) => {
  console.error(err);
  await stopAllServices();
  process.exit(1);
});
