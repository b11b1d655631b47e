/**
 * `onemap imagery add <file> --collection ID [--datetime ISO] [--id ID] [--cloud-cover PCT]`
 * `onemap imagery sample [--if-empty] [--small]`  (generate the sample scenes from the sample geography and register them)
 * Environment: DATABASE_URL; ONEMAP_IMAGERY_DIR (default .data/imagery).
 */
import { join, resolve } from 'node:path';
import { createPool, type Pool } from '../../map-server/src/db.ts';
import { AppError } from '../../map-server/src/errors.ts';
import { ingestScene } from '../../map-server/src/services/imagery/ingest.ts';
import { FULL_SAMPLE, generateSampleImagery, smallSample, type SampleScene } from '../../map-server/src/services/imagery/sample-imagery.ts';

const USAGE = `usage:
  onemap imagery add <file.tif> --collection gf2-pms|sentinel-2-l2a|landsat-c2-l2|aerial-ortho [--datetime 2024-05-01T02:30:00Z] [--id ID] [--cloud-cover 12.5]
  onemap imagery sample [--if-empty] [--small]`;

/** Generates and registers the sample imagery; returns how many scenes were registered. */
export async function loadSampleImagery(pool: Pool, databaseUrl: string, imageryDir: string, opts: { small?: boolean; scenes?: readonly SampleScene[]; log?: (s: string) => void } = {}): Promise<number> {
  const scenes = opts.scenes ?? (opts.small ? smallSample() : FULL_SAMPLE);
  const work = join(imageryDir, '.sample');
  const generated = await generateSampleImagery(databaseUrl, work, scenes, opts.log);
  for (const g of generated) {
    await ingestScene(pool, { file: g.file, collection: g.scene.collection, id: g.scene.id, datetime: g.scene.datetime, cloudCover: g.cloudCover, imageryDir, move: true, properties: { 'onemap:sample': true } });
  }
  const { rm } = await import('node:fs/promises');
  await rm(work, { recursive: true, force: true });
  return generated.length;
}

export async function sampleImageryIsLoaded(pool: Pool): Promise<boolean> {
  const { rows } = await pool.query<{ n: string }>(`SELECT count(*) AS n FROM imagery.items WHERE properties ? 'onemap:sample'`);
  return Number(rows[0]!.n) > 0;
}

export async function runImageryCommand(command: string | undefined, args: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const databaseUrl = env['DATABASE_URL'];
  if (!databaseUrl) {
    console.error('DATABASE_URL is required (the embedded cluster: postgres://postgres@127.0.0.1:54329/onemap)');
    return 2;
  }
  const opt = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const imageryDir = resolve(env['ONEMAP_IMAGERY_DIR'] ?? '.data/imagery');
  const pool = createPool({ databaseUrl, poolMax: 2, statementTimeoutMs: 120_000 }, 'onemap-imagery-cli');
  try {
    if (command === 'add' && args[0] && !args[0].startsWith('--')) {
      const collection = opt('--collection');
      if (!collection) {
        console.error(USAGE);
        return 2;
      }
      const cloud = opt('--cloud-cover');
      const id = opt('--id');
      const datetime = opt('--datetime');
      const r = await ingestScene(pool, { file: resolve(args[0]), collection, imageryDir, ...(id ? { id } : {}), ...(datetime ? { datetime } : {}), ...(cloud !== undefined ? { cloudCover: Number(cloud) } : {}) });
      console.log(`registered ${r.collection}/${r.id}: EPSG:${r.epsg}, ${r.converted}, footprint ${r.footprintAreaKm2.toFixed(2)} km², ${r.cogPath}`);
      return 0;
    }
    if (command === 'sample') {
      if (args.includes('--if-empty') && (await sampleImageryIsLoaded(pool))) {
        console.error('sample imagery already registered');
        return 0;
      }
      const t0 = performance.now();
      const n = await loadSampleImagery(pool, databaseUrl, imageryDir, { small: args.includes('--small'), log: (s) => console.error(`[imagery] ${s}`) });
      console.error(`[imagery] ${n} sample scenes registered in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      return 0;
    }
    console.error(USAGE);
    return 2;
  } catch (err) {
    if (err instanceof AppError) {
      console.error(`error (${err.code}): ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    await pool.end();
  }
}
