/**
 * Our map-server as shipped, started from its own entry point as a child process (so the
 * benchmark measures the real process: its pool size, middleware and cache settings), on a
 * loopback port, once uncached and once with the in-memory tile cache.
 */
import { resolve } from 'node:path';
import { httpGet } from './http.ts';
import { sleep, startService, type Service } from './proc.ts';

export interface OurServer {
  readonly name: string;
  readonly baseUrl: string;
  readonly service: Service;
}

export async function startOurServer(opts: {
  name: string;
  databaseUrl: string;
  port: number;
  cache: 'off' | 'memory';
  logFile: string;
  repoRoot: string;
}): Promise<OurServer> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: opts.databaseUrl,
    PORT: String(opts.port),
    HOST: '127.0.0.1',
    TILE_CACHE: opts.cache,
    // Every tile of the list at every zoom fits easily; no eviction during the run.
    TILE_CACHE_MAX_MB: '1024',
    // warn: one log line per request would be part of what we measure.
    LOG_LEVEL: 'warn',
  };
  // `node --import tsx` runs the server in this one process (npx tsx would add two wrappers).
  const service = startService(opts.name, process.execPath, ['--import', 'tsx', resolve(opts.repoRoot, 'map-server/src/main.ts')], {
    env,
    logFile: opts.logFile,
    cwd: opts.repoRoot,
  });
  const baseUrl = `http://127.0.0.1:${opts.port}`;
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null) throw new Error(`${opts.name} exited (${service.child.exitCode}) while starting: see ${opts.logFile}`);
    const r = await httpGet(`${baseUrl}/tiles/buildings.json`, 2_000).catch(() => undefined);
    if (r?.status === 200) return { name: opts.name, baseUrl, service };
    await sleep(300);
  }
  await service.stop();
  throw new Error(`${opts.name} did not answer within 90 s: see ${opts.logFile}`);
}

export const ourTilePath = (z: number, x: number, y: number) => `/tiles/buildings/${z}/${x}/${y}.mvt`;
