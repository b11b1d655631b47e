/**
 * `onemap tiles seed <layer> --zoom 8-14 [--bbox w,s,e,n] [--server URL] [--concurrency N] [--restart]`
 *
 * Walks the layer's pyramid inside its data extent (or the bbox) by requesting every tile from
 * the running server, so the server's own cache (memory or shared disk) is filled exactly as
 * real requests would fill it. Ctrl-C stops cleanly; running the same command again resumes.
 * Internal layers and desensitised views are seeded as a principal: ONEMAP_TOKEN (an API token,
 * never on the command line) is sent as the bearer, so the tiles land in that audience's cache.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatProgress } from './progress-bar.ts';
import { initialSeedState, seedPyramid, type SeedState } from './seeder.ts';
import { plannedTileCount, type BBoxLonLat, type SeedPlan } from './seed-plan.ts';

export class SeedUsageError extends Error {
  override readonly name = 'SeedUsageError';
}

export interface SeedArgs {
  readonly layer: string;
  readonly minZoom: number;
  readonly maxZoom: number;
  readonly bbox?: BBoxLonLat;
  readonly server: string;
  readonly concurrency: number;
  readonly restart: boolean;
  readonly stateDir: string;
  /** Bearer token to seed as (ONEMAP_TOKEN); anonymous when absent. */
  readonly token?: string;
}

export function parseSeedArgs(argv: readonly string[], defaults: { server: string; stateDir: string; token?: string }): SeedArgs {
  const [layer, ...rest] = argv;
  if (!layer || layer.startsWith('-')) throw new SeedUsageError('usage: onemap tiles seed <layer> --zoom 8-14 [--bbox w,s,e,n] [--server URL] [--concurrency N] [--restart]');
  const opts = new Map<string, string>();
  let restart = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--restart') restart = true;
    else if (['--zoom', '--bbox', '--server', '--concurrency'].includes(a) && rest[i + 1] !== undefined) opts.set(a, rest[++i]!);
    else throw new SeedUsageError(`unknown or incomplete option ${a}`);
  }
  const zm = /^(\d{1,2})(?:-(\d{1,2}))?$/.exec(opts.get('--zoom') ?? '');
  if (!zm) throw new SeedUsageError('--zoom is required, e.g. --zoom 8-14');
  const minZoom = Number(zm[1]);
  const maxZoom = Number(zm[2] ?? zm[1]);
  if (minZoom > maxZoom || maxZoom > 24) throw new SeedUsageError(`bad zoom range ${minZoom}-${maxZoom}`);
  let bbox: BBoxLonLat | undefined;
  if (opts.has('--bbox')) {
    const n = opts.get('--bbox')!.split(',').map(Number);
    if (n.length !== 4 || n.some((v) => !Number.isFinite(v)) || n[0]! >= n[2]! || n[1]! >= n[3]!) throw new SeedUsageError('--bbox must be west,south,east,north in degrees');
    bbox = [n[0]!, n[1]!, n[2]!, n[3]!];
  }
  const concurrency = Number(opts.get('--concurrency') ?? 2);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32) throw new SeedUsageError('--concurrency must be 1..32');
  return {
    layer,
    minZoom,
    maxZoom,
    ...(bbox ? { bbox } : {}),
    server: (opts.get('--server') ?? defaults.server).replace(/\/+$/, ''),
    concurrency,
    restart,
    stateDir: defaults.stateDir,
    ...(defaults.token ? { token: defaults.token } : {}),
  };
}

interface CatalogLayer {
  id: string;
  bounds?: [number, number, number, number];
  minzoom: number;
  maxzoom: number;
  fullDetailZoom?: number;
}

export async function runSeed(args: SeedArgs, io: { write: (s: string) => void; signal?: AbortSignal }): Promise<SeedState> {
  const auth: Record<string, string> = args.token ? { Authorization: `Bearer ${args.token}` } : {};
  const res = await fetch(`${args.server}/catalog`, { headers: auth });
  if (!res.ok) throw new Error(`cannot read ${args.server}/catalog: HTTP ${res.status}`);
  const layer = ((await res.json()) as { layers: CatalogLayer[] }).layers.find((l) => l.id === args.layer);
  if (!layer) throw new SeedUsageError(`unknown layer ${args.layer}`);
  const bbox = args.bbox ?? layer.bounds;
  if (!bbox) throw new SeedUsageError(`layer ${args.layer} has no data extent; give --bbox`);
  const plan: SeedPlan = {
    bbox,
    minZoom: Math.max(args.minZoom, layer.minzoom),
    maxZoom: Math.min(args.maxZoom, layer.maxzoom),
    hereditaryFromZoom: layer.fullDetailZoom ?? layer.minzoom,
  };
  if (plan.minZoom > plan.maxZoom) throw new SeedUsageError(`zooms ${args.minZoom}-${args.maxZoom} are outside ${args.layer}'s ${layer.minzoom}-${layer.maxzoom}`);
  // Each principal seeds its own audience's cache, so its progress is its own (the token only
  // enters through a truncated hash).
  const id = createHash('sha1').update(JSON.stringify([args.server, args.layer, plan, ...(args.token ? [args.token] : [])])).digest('hex').slice(0, 12);
  const stateFile = join(args.stateDir, `${args.layer}-${id}.json`);
  await mkdir(args.stateDir, { recursive: true });
  let state = initialSeedState(plan);
  if (!args.restart) {
    try {
      state = JSON.parse(await readFile(stateFile, 'utf8')) as SeedState;
      if (state.finished) {
        io.write(`已完成 / already seeded (${stateFile}); use --restart to seed again\n`);
        return state;
      }
      io.write(`继续 / resuming at z${state.zoom} tile #${state.nextIndex}\n`);
    } catch {
      /* no state: fresh run */
    }
  }
  io.write(`seeding ${args.layer} z${plan.minZoom}-${plan.maxZoom} in [${bbox.map((v) => v.toFixed(3)).join(', ')}]: up to ${plannedTileCount(plan)} tiles\n`);
  const started = performance.now();
  let lastDraw = 0;
  const final = await seedPyramid({
    plan,
    state,
    concurrency: args.concurrency,
    ...(io.signal ? { signal: io.signal } : {}),
    fetchTile: async ({ z, x, y }) => {
      const r = await fetch(`${args.server}/tiles/${args.layer}/${z}/${x}/${y}.mvt`, { headers: { 'Accept-Encoding': 'gzip', ...auth } });
      await r.arrayBuffer();
      if (r.status === 204) return 'empty';
      if (r.status === 200) return 'content';
      throw new Error(`tile ${z}/${x}/${y}: HTTP ${r.status}`);
    },
    onProgress: (p) => {
      const now = performance.now();
      if (now - lastDraw > 200 || p.done === p.planned) {
        lastDraw = now;
        io.write(`\r${formatProgress(p, now - started)}`);
      }
    },
    onCheckpoint: (s) => writeFile(stateFile, JSON.stringify(s)),
  });
  io.write('\n');
  if (final.finished) io.write(`完成 / done: ${final.counts.content} tiles with content, ${final.counts.empty} empty, ${final.counts.skipped} skipped under empty parents\n`);
  else io.write(`中断 / interrupted: progress saved; run the same command to resume\n`);
  return final;
}

/** Removes saved progress (tests). */
export async function clearSeedState(stateDir: string): Promise<void> {
  await rm(stateDir, { recursive: true, force: true });
}
