/**
 * `npm run bench:imagery [-- --tiles N] [-- --rounds R]`: uncached 256 px imagery tiles from the
 * sample COGs at z12–z16 — our renderer (geotiff.js block reads of one overview, our
 * reprojection, sharp PNG) against GDAL rendering the same tiles from the same COG in the same
 * run (gdal.Warp of the same window into memory + gdal.Translate to PNG, one long-lived
 * python3-gdal process, bench/imagery/gdal_reference.py). Both are timed per tile inside their
 * process, interleaved by zoom and round; each (zoom, round) batch starts with empty block
 * caches on both sides (a fresh renderer; GDAL reopens the file), and within a batch both keep
 * the blocks they decoded (GDAL's block cache, our BlockCache). Prints tiles/s, p50/p99 and bytes/tile, and the ratio.
 *
 * Database: DATABASE_URL, or the embedded cluster of `npm start` (.data/pg, port 54329) with the
 * sample loaded; the sample imagery is generated when missing. Exit 0 whatever the figures.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { tileBounds3857, type TileCoord } from '@onemap/tiles';
import { createPool } from '../../map-server/src/db.ts';
import { ImageryTiles } from '../../map-server/src/services/imagery/tile-service.ts';
import { parseRasterStyle } from '@onemap/tiles/raster';
import { ensureCluster } from '../../scripts/lib/cluster.ts';
import { loadSampleImagery, sampleImageryIsLoaded } from '../../scripts/lib/imagery-cli.ts';

const HERE = fileURLToPath(new URL('./', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const SCENE = 'GF2_PMS_20230722_TZ';
const ZOOMS = [12, 13, 14, 15, 16];

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const TILES = arg('--tiles', 40);
const ROUNDS = arg('--rounds', 2);

interface Sample {
  ms: number;
  bytes: number;
}

function stats(samples: readonly Sample[]) {
  const ms = samples.map((s) => s.ms).sort((a, b) => a - b);
  const q = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!;
  const total = ms.reduce((a, b) => a + b, 0);
  return { tilesPerS: (samples.length * 1000) / total, p50: q(0.5), p99: q(0.99), bytes: samples.reduce((a, s) => a + s.bytes, 0) / samples.length };
}

/** Deterministic tiles fully inside the scene's footprint bbox (shrunk by a tile). */
function tileList(z: number, bbox: readonly number[], n: number): TileCoord[] {
  const [w, s, e, nn] = bbox as [number, number, number, number];
  const toTile = (lon: number, lat: number): [number, number] => {
    const k = 2 ** z;
    return [Math.floor(((lon + 180) / 360) * k), Math.floor(((1 - Math.asinh(Math.tan((lat * Math.PI) / 180)) / Math.PI) / 2) * k)];
  };
  const [x0, y0] = toTile(w, nn);
  const [x1, y1] = toTile(e, s);
  // Interior tiles (fully covered) when there are any; at z12 the 20 km scene may have none.
  const [ax, bx] = x1 - x0 >= 2 ? [x0 + 1, x1 - 1] : [x0, x1];
  const [ay, by] = y1 - y0 >= 2 ? [y0 + 1, y1 - 1] : [y0, y1];
  let seed = 12345 + z;
  const rnd = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 4294967296);
  const out: TileCoord[] = [];
  for (let i = 0; i < n; i++) out.push({ z, x: ax + Math.floor(rnd() * (bx - ax + 1)), y: ay + Math.floor(rnd() * (by - ay + 1)) });
  return out;
}

/** python3-gdal (Debian) for the reference; installed when missing and we are root. */
function ensurePythonGdal(): void {
  if (spawnSync('/usr/bin/python3', ['-c', 'import osgeo.gdal'], { stdio: 'ignore' }).status === 0) return;
  if (process.getuid?.() !== 0) throw new Error('the GDAL reference needs Debian python3-gdal: sudo apt-get install -y python3-gdal');
  console.log('[bench:imagery] installing python3-gdal (Debian) for the GDAL reference …');
  const r = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'python3-gdal'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.status !== 0) throw new Error('apt-get install python3-gdal failed');
}

async function main(): Promise<void> {
  ensurePythonGdal();
  let databaseUrl = process.env['DATABASE_URL'];
  if (!databaseUrl) {
    const dataDir = process.env['ONEMAP_DATA_DIR'] ?? '.data';
    databaseUrl = ensureCluster({ dir: `${dataDir}/pg`, port: Number(process.env['ONEMAP_PG_PORT'] ?? 54329) }).urlFor('onemap');
  }
  const imageryDir = resolve(process.env['ONEMAP_IMAGERY_DIR'] ?? `${process.env['ONEMAP_DATA_DIR'] ?? '.data'}/imagery`);
  const pool = createPool({ databaseUrl, poolMax: 2, statementTimeoutMs: 120_000 }, 'onemap-bench-imagery');
  try {
    if (!(await sampleImageryIsLoaded(pool))) {
      console.log('[bench:imagery] generating the sample imagery first …');
      await loadSampleImagery(pool, databaseUrl, imageryDir, { log: (s) => console.log(`  ${s}`) });
    }
    const { rows } = await pool.query<{ cog_path: string; bbox: number[]; bands: { display_min: number; display_max: number }[] }>(
      `SELECT i.cog_path, ARRAY[ST_XMin(footprint), ST_YMin(footprint), ST_XMax(footprint), ST_YMax(footprint)] AS bbox, c.bands
         FROM imagery.items i JOIN imagery.collections c ON c.id = i.collection WHERE i.id = $1`,
      [SCENE],
    );
    if (!rows[0]) throw new Error(`scene ${SCENE} is not registered (run npm start or onemap imagery sample)`);
    const cog = join(imageryDir, rows[0].cog_path);
    const lo = rows[0].bands[2]!.display_min, hi = rows[0].bands[2]!.display_max;

    const gdalProc = spawn('/usr/bin/python3', [join(HERE, 'gdal_reference.py'), cog, String(lo), String(hi)], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: gdalProc.stdout })[Symbol.asyncIterator]();
    const gdalTile = async (c: TileCoord): Promise<Sample> => {
      const [minx, miny, maxx, maxy] = tileBounds3857(c);
      gdalProc.stdin.write(`${c.z} ${c.x} ${c.y} ${minx} ${miny} ${maxx} ${maxy}\n`);
      const { value } = await lines.next();
      const [ms, bytes] = String(value).split(' ').map(Number) as [number, number];
      return { ms, bytes };
    };
    const style = parseRasterStyle(undefined, undefined);
    const results: Record<string, { ours: Sample[]; gdal: Sample[] }> = {};
    for (let round = 0; round < ROUNDS; round++) {
      for (const z of ZOOMS) {
        const tiles = tileList(z, rows[0].bbox, TILES);
        const r = (results[z] ??= { ours: [], gdal: [] });
        // A fresh renderer per zoom and round: no tile cache, an empty block cache.
        const ours = new ImageryTiles(pool, imageryDir, undefined);
        const order = round % 2 === 0 ? (['ours', 'gdal'] as const) : (['gdal', 'ours'] as const);
        gdalProc.stdin.write('reopen\n');
        await lines.next();
        for (const who of order) {
          for (const c of tiles) {
            if (who === 'gdal') r.gdal.push(await gdalTile(c));
            else {
              const t0 = performance.now();
              const stack = await ours.mosaicStack(c, { datetime: '2024-01-01T00:00:00Z', cloudMax: 100, collections: ['gf2-pms'] });
              const t = await ours.tile(c, stack, { size: 256, format: 'png', style });
              r.ours.push({ ms: performance.now() - t0, bytes: t.bytes.length });
            }
          }
        }
      }
    }
    gdalProc.stdin.end();
    const table: Record<string, unknown>[] = [];
    console.log(`\nbench:imagery — ${SCENE} (GF-2 sample, UTM 51N COG, 4 m), ${TILES} tiles × ${ROUNDS} rounds per zoom, uncached 256 px PNG, true colour`);
    console.log('  z | ours tiles/s | p50 ms | p99 ms | bytes | GDAL tiles/s | p50 ms | p99 ms | bytes | ours/GDAL');
    for (const z of ZOOMS) {
      const o = stats(results[z]!.ours), g = stats(results[z]!.gdal);
      const row = { z, ours: o, gdal: g, ratio: o.tilesPerS / g.tilesPerS };
      table.push(row);
      console.log(
        `${String(z).padStart(3)} | ${o.tilesPerS.toFixed(1).padStart(12)} | ${o.p50.toFixed(1).padStart(6)} | ${o.p99.toFixed(1).padStart(6)} | ${o.bytes.toFixed(0).padStart(5)} | ` +
          `${g.tilesPerS.toFixed(1).padStart(12)} | ${g.p50.toFixed(1).padStart(6)} | ${g.p99.toFixed(1).padStart(6)} | ${g.bytes.toFixed(0).padStart(5)} | ${row.ratio.toFixed(2).padStart(9)}`,
      );
    }
    const outDir = join(REPO, 'bench/out');
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, `imagery-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(file, JSON.stringify({ scene: SCENE, tiles: TILES, rounds: ROUNDS, table }, null, 2));
    console.log(`\nwritten ${file}`);
  } finally {
    await pool.end();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
