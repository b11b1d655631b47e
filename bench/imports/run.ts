/**
 * `npx tsx bench/imports/run.ts [--features N] [--reps R]`: import throughput, interleaved in
 * one run on a cluster of its own (bench/out/imports-pg), for two files —
 *   buildings: N building squares as GeoJSON (CGCS2000) into base.buildings;
 *   points:    N POIs as a GCJ-02 CSV into base.user_points (offset removed on import);
 * each loaded three ways, back to back per repetition:
 *   raw     — parse in Node, then INSERT … SELECT FROM unnest in 1,000-row chunks in one
 *             transaction: the least any importer must do (no checks, no repair, no audit);
 *   ogr2ogr — GDAL's PostgreSQL driver (COPY) into a fresh table: what a GIS desk would use;
 *   ours    — prepareImport + loadFeatures: typing, CRS check, repair, audit rows, versions.
 * Prints median features/s and the ratios ours/raw and ours/ogr2ogr. Not a test.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { migrate, projectMigrations } from '@onemap/migrations';
import { catalog } from '@onemap/geodata/catalog';
import { wgs84ToGcj02 } from '@onemap/geodata/readers';
import { ensureCluster } from '../../scripts/lib/cluster.ts';
import { createTestDatabase } from '../../scripts/test/test-db.ts';
import { createPool } from '../../map-server/src/db.ts';
import { prepareImport, createJob, runJob } from '../../map-server/src/services/import-jobs.ts';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const N = arg('--features', 20_000);
const REPS = arg('--reps', 3);
const OUT = resolve(REPO, 'bench/out');

function buildingsGeoJson(n: number): Buffer {
  const features = Array.from({ length: n }, (_, i) => {
    const [lon, lat] = [121.3 + (i % 250) * 0.0005, 28.55 + Math.floor(i / 250) * 0.0005];
    const s = 0.0002;
    return {
      type: 'Feature',
      properties: { name: `b${i}`, use: 'residential', floors: 1 + (i % 30), height_m: 3 + (i % 30) * 3, district_adcode: '331002' },
      geometry: { type: 'Polygon', coordinates: [[[lon, lat], [lon + s, lat], [lon + s, lat + s], [lon, lat + s], [lon, lat]]] },
    };
  });
  return Buffer.from(JSON.stringify({ type: 'FeatureCollection', features }));
}

function pointsCsv(n: number): Buffer {
  const rows = Array.from({ length: n }, (_, i) => {
    const [lon, lat] = wgs84ToGcj02([121.2 + (i % 300) * 0.001, 28.4 + Math.floor(i / 300) * 0.001]);
    return `点${i},${lon.toFixed(7)},${lat.toFixed(7)},类别${i % 7}`;
  });
  return Buffer.from(`名称,经度,纬度,类别\n${rows.join('\n')}\n`);
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

async function rawLoad(url: string, kind: 'buildings' | 'points', bytes: Buffer): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    if (kind === 'buildings') {
      const fc = JSON.parse(bytes.toString('utf8')) as { features: { properties: Record<string, unknown>; geometry: unknown }[] };
      for (let i = 0; i < fc.features.length; i += 1000) {
        const c = fc.features.slice(i, i + 1000);
        await client.query(
          `INSERT INTO base.buildings (name, use, floors, height_m, district_adcode, geom)
           SELECT n, u, f, h, d, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(g), 4490)) FROM unnest($1::text[], $2::text[], $3::int[], $4::float8[], $5::text[], $6::text[]) AS t(n, u, f, h, d, g)`,
          [c.map((x) => x.properties['name']), c.map((x) => x.properties['use']), c.map((x) => x.properties['floors']), c.map((x) => x.properties['height_m']), c.map((x) => x.properties['district_adcode']), c.map((x) => JSON.stringify(x.geometry))],
        );
      }
    } else {
      const lines = bytes.toString('utf8').trim().split('\n').slice(1).map((l) => l.split(','));
      for (let i = 0; i < lines.length; i += 1000) {
        const c = lines.slice(i, i + 1000);
        await client.query(
          `INSERT INTO base.user_points (name, category, geom) SELECT n, k, ST_SetSRID(ST_MakePoint(x, y), 4490) FROM unnest($1::text[], $2::float8[], $3::float8[], $4::text[]) AS t(n, x, y, k)`,
          [c.map((r) => r[0]), c.map((r) => Number(r[1])), c.map((r) => Number(r[2])), c.map((r) => r[3])],
        );
      }
    }
    await client.query('COMMIT');
  } finally {
    await client.end();
  }
}

function ogrLoad(url: string, file: string, table: string): void {
  const u = new URL(url);
  const conn = `PG:host=${u.hostname} port=${u.port} dbname=${u.pathname.slice(1)} user=${decodeURIComponent(u.username)}${u.password ? ` password=${decodeURIComponent(u.password)}` : ''}`;
  const csv = file.endsWith('.csv') ? ['-oo', 'X_POSSIBLE_NAMES=经度', '-oo', 'Y_POSSIBLE_NAMES=纬度', '-a_srs', 'EPSG:4490'] : [];
  execFileSync('ogr2ogr', ['-f', 'PostgreSQL', conn, file, '-nln', `bench.${table}`, '-overwrite', '-lco', 'GEOMETRY_NAME=geom', '-lco', 'SPATIAL_INDEX=GIST', ...csv], { stdio: 'ignore' });
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const cluster = ensureCluster({ dir: join(OUT, 'imports-pg'), port: 54417, anyFreePort: true });
  const db = await createTestDatabase(cluster.adminUrl, undefined, 'onemap_bench_imp');
  try {
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await migrate(client, projectMigrations());
    await client.query('CREATE SCHEMA bench');
    await client.end();
    const pool = createPool({ databaseUrl: db.url, poolMax: 4, statementTimeoutMs: 600_000 });
    const files = { buildings: buildingsGeoJson(N), points: pointsCsv(N) };
    const paths = { buildings: join(OUT, 'imports-buildings.geojson'), points: join(OUT, 'imports-points.csv') };
    writeFileSync(paths.buildings, files.buildings);
    writeFileSync(paths.points, files.points);
    const layers = { buildings: catalog.layers.find((l) => l.id === 'buildings')!, points: catalog.layers.find((l) => l.id === 'user_points')! };
    const times: Record<string, number[]> = {};
    const time = async (key: string, f: () => Promise<void> | void) => {
      const t0 = performance.now();
      await f();
      (times[key] ??= []).push((performance.now() - t0) / 1000);
    };
    for (let rep = 0; rep < REPS; rep++) {
      for (const kind of ['buildings', 'points'] as const) {
        await time(`${kind}/raw`, () => rawLoad(db.url, kind, files[kind]));
        await time(`${kind}/ogr2ogr`, () => ogrLoad(db.url, paths[kind], `${kind}_${rep}`));
        await time(`${kind}/ours`, async () => {
          const p = await prepareImport(pool, layers[kind], files[kind], { dryRun: false, strict: false, read: {}, ...(kind === 'points' ? { offset: 'gcj02' as const } : {}) }, 10_000_000);
          const id = await createJob(pool, p, { actor: 'bench', via: 'cli', fileName: undefined, sizeBytes: files[kind].length });
          const job = await runJob(pool, id, p, 'bench');
          if (job.status !== 'done' || job.counts.inserted !== N) throw new Error(`import ${id} ${job.status}: ${JSON.stringify(job.error ?? job.counts)}`);
        });
        process.stdout.write('.');
      }
    }
    await pool.end();
    console.log(`\n\nimports of ${N.toLocaleString('en-US')} features, median of ${REPS} (features/s; seconds)\n`);
    console.log('| file | raw INSERT | ogr2ogr (PG, COPY) | ours | ours/raw | ours/ogr2ogr |');
    console.log('|---|---:|---:|---:|---:|---:|');
    const result: Record<string, unknown> = { features: N, reps: REPS, times };
    for (const kind of ['buildings', 'points'] as const) {
      const [r, o, u] = ['raw', 'ogr2ogr', 'ours'].map((s) => median(times[`${kind}/${s}`]!));
      const rate = (s: number) => Math.round(N / s).toLocaleString('en-US');
      console.log(`| ${kind === 'buildings' ? 'buildings GeoJSON (polygons)' : 'POI CSV, GCJ-02'} | ${rate(r!)} (${r!.toFixed(2)} s) | ${rate(o!)} (${o!.toFixed(2)} s) | ${rate(u!)} (${u!.toFixed(2)} s) | ${(r! / u!).toFixed(2)} | ${(o! / u!).toFixed(2)} |`);
      result[kind] = { rawS: r, ogr2ogrS: o, oursS: u };
    }
    writeFileSync(join(OUT, 'imports.json'), JSON.stringify(result, null, 2));
  } finally {
    await db.drop();
  }
}

await main();
