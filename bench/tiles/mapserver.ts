/**
 * MapServer 8 (Debian) as the peer: mapserv FastCGI × 4 behind lighttpd on a loopback port,
 * reading the same base.buildings rows through bench/tiles/mapserver/buildings.map.in.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { httpGet } from './http.ts';
import { sleep, startService, type Service } from './proc.ts';
import { MAPSERV_BIN } from './system.ts';

const TEMPLATES = fileURLToPath(new URL('./mapserver/', import.meta.url));

export interface MapServerPeer {
  readonly baseUrl: string;
  readonly service: Service;
}

/** Tile mode on the Google/OSM XYZ grid (tilemode=gmap): the same z/x/y as ours. */
export const mapserverTilePath = (z: number, x: number, y: number) => `/mapserv?mode=tile&tilemode=gmap&tile=${x}+${y}+${z}&layers=buildings`;

function render(name: string, values: Record<string, string>): string {
  return readFileSync(join(TEMPLATES, `${name}.in`), 'utf8').replace(/@([A-Z_]+)@/g, (m, key: string) => {
    const v = values[key];
    if (v === undefined) throw new Error(`${name}.in: no value for ${m}`);
    return v;
  });
}

export async function startMapServer(opts: { pgPort: number; database: string; httpPort: number; outDir: string; probePath: string }): Promise<MapServerPeer> {
  const dir = resolve(opts.outDir, 'mapserver');
  mkdirSync(dir, { recursive: true });
  const values = { PG_PORT: String(opts.pgPort), PG_DATABASE: opts.database, OUT_DIR: dir, HTTP_PORT: String(opts.httpPort), MAPSERV: MAPSERV_BIN };
  for (const f of ['buildings.map', 'mapserver.conf', 'lighttpd.conf']) writeFileSync(join(dir, f), render(f, values));
  // -D: stay in the foreground so the process group (lighttpd + its mapserv workers) is ours to stop.
  const service = startService('mapserver', 'lighttpd', ['-D', '-f', join(dir, 'lighttpd.conf')], { env: process.env, logFile: join(dir, 'lighttpd.log') });
  const baseUrl = `http://127.0.0.1:${opts.httpPort}`;
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null) throw new Error(`lighttpd exited (${service.child.exitCode}): see ${dir}/lighttpd.log and lighttpd-error.log`);
    const r = await httpGet(`${baseUrl}${opts.probePath}`, 5_000).catch(() => undefined);
    if (r?.status === 200) return { baseUrl, service };
    await sleep(300);
  }
  await service.stop();
  throw new Error(`MapServer did not serve ${opts.probePath} within 30 s: see ${dir}/lighttpd-error.log and mapserver-error.log`);
}
