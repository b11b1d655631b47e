/**
 * `onemap import <file> --layer <id> [--crs EPSG:4549] [--coords gcj02|bd09] [--map prop:field,…]
 *   [--encoding utf-8|gbk] [--columns X,Y] [--source-layer NAME] [--dry-run] [--strict]
 *   [--comment TEXT] [--report FILE.json]`
 * The same job as `POST /imports` (audit.imports row, one transaction), run in this process
 * against DATABASE_URL, with a progress bar on stderr. Exit 0 done, 1 failed, 2 usage.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { userInfo } from 'node:os';
import { catalog } from '@onemap/geodata/catalog';
import type { SourceKind } from '@onemap/geodata/readers';
import { createPool } from '../../map-server/src/db.ts';
import { AppError } from '../../map-server/src/errors.ts';
import { createJob, prepareImport, runJob, type JobCounts } from '../../map-server/src/services/import-jobs.ts';
import { parseImportQuery } from '../../map-server/src/routes/imports.ts';

const USAGE =
  'usage: onemap import <file> --layer <id> [--crs EPSG:4549] [--coords gcj02|bd09] [--map prop:field,…] [--encoding utf-8|gbk] [--columns X,Y] [--source-layer NAME] [--dry-run] [--strict] [--comment TEXT] [--report FILE.json]   (DATABASE_URL must be set)';

const EXTENSIONS: Record<string, SourceKind> = { '.geojson': 'geojson', '.json': 'geojson', '.csv': 'csv', '.txt': 'csv', '.zip': 'shapefile', '.gpkg': 'geopackage', '.kml': 'kml', '.kmz': 'kmz' };

/** `[##########----------]  52%  10400/20000 · repaired 3 · rejected 1` */
export function progressBar(c: JobCounts, width = 30): string {
  const f = c.total ? c.processed / c.total : 1;
  const full = Math.round(f * width);
  return `[${'#'.repeat(full)}${'-'.repeat(width - full)}] ${String(Math.floor(f * 100)).padStart(3)}%  ${c.processed}/${c.total} · inserted ${c.inserted} · repaired ${c.repaired} · rejected ${c.rejected}`;
}

export async function runImportCommand(args: readonly string[], databaseUrl: string | undefined): Promise<number> {
  const flags: Record<string, string> = {};
  let file: string | undefined;
  const named: Record<string, string> = { '--layer': 'layer', '--crs': 'crs', '--coords': 'coords', '--map': 'map', '--encoding': 'encoding', '--columns': 'columns', '--source-layer': 'sourceLayer', '--comment': 'comment', '--format': 'format' };
  let reportFile: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--dry-run') flags['dryRun'] = 'true';
    else if (a === '--strict') flags['strict'] = 'true';
    else if (a === '--report') reportFile = args[++i];
    else if (a in named) {
      const v = args[++i];
      if (v === undefined) {
        console.error(`${a} needs a value\n${USAGE}`);
        return 2;
      }
      flags[named[a]!] = v;
    } else if (!a.startsWith('--') && file === undefined) file = a;
    else {
      console.error(`unknown argument ${a}\n${USAGE}`);
      return 2;
    }
  }
  if (!databaseUrl || !file) {
    console.error(USAGE);
    return 2;
  }
  const ext = /\.[^.]+$/.exec(file.toLowerCase())?.[0] ?? '';
  if (flags['format'] === undefined && EXTENSIONS[ext]) flags['format'] = EXTENSIONS[ext]!;
  const pool = createPool({ databaseUrl, poolMax: 3, statementTimeoutMs: 120_000 });
  try {
    const { layer: layerId, options } = parseImportQuery(flags, '');
    const layer = catalog.layers.find((l) => l.id === layerId);
    if (!layer) throw new AppError(404, 'NotFound', `没有图层 / no layer "${layerId}"; editable layers: ${catalog.layers.filter((l) => l.editable).map((l) => l.id).join(', ')}`);
    const size = (await stat(file)).size;
    const bytes = await readFile(file);
    const maxFeatures = 10_000_000;
    const prepared = await prepareImport(pool, layer, bytes, options, maxFeatures);
    const actor = `cli:${userInfo().username}`;
    const id = await createJob(pool, prepared, { actor, via: 'cli', fileName: basename(file), sizeBytes: size });
    const d = prepared.dataset;
    process.stderr.write(
      `import #${id}: ${d.features.length} features (${d.format}${d.encoding ? `, ${d.encoding}` : ''}) → ${layer.id}; CRS EPSG:${prepared.crs.srid} (${prepared.crs.source})${options.offset ? `, ${options.offset} → CGCS2000` : ''}${options.dryRun ? '; dry run' : ''}\n`,
    );
    const tty = process.stderr.isTTY;
    let lastLine = 0;
    const job = await runJob(pool, id, prepared, actor, (c) => {
      // On a terminal the bar redraws in place; in a log, one line per ~10 %.
      if (tty) process.stderr.write(`\r${progressBar(c)}`);
      else if (c.processed === c.total || c.processed - lastLine >= c.total / 10) {
        lastLine = c.processed;
        process.stderr.write(`${progressBar(c)}\n`);
      }
    });
    if (tty) process.stderr.write('\n');
    if (reportFile) await writeFile(reportFile, JSON.stringify(job, null, 2));
    const r = job.report;
    if (job.status === 'done') {
      process.stderr.write(
        `${options.dryRun ? 'dry run (nothing written)' : 'done'}: inserted ${job.counts.inserted}, repaired ${job.counts.repaired}, rejected ${job.counts.rejected}${r?.ignoredFields.length ? `; ignored fields: ${r.ignoredFields.join(', ')}` : ''}\n`,
      );
      for (const x of r?.rejections.slice(0, 10) ?? []) process.stderr.write(`  rejected row ${x.row}: ${x.reason}\n`);
      for (const x of r?.repairs.slice(0, 10) ?? []) process.stderr.write(`  repaired row ${x.row}: ${x.reason}\n`);
      console.log(JSON.stringify({ id: job.id, status: job.status, counts: job.counts }));
      return 0;
    }
    process.stderr.write(`failed: ${job.error?.message ?? 'unknown error'}\n`);
    console.log(JSON.stringify({ id: job.id, status: job.status, error: job.error }));
    return 1;
  } catch (err) {
    if (err instanceof AppError) {
      console.error(`${err.code}: ${err.message}`);
      return err.status === 404 || err.status < 500 ? 2 : 1;
    }
    console.error(err);
    return 1;
  } finally {
    await pool.end();
  }
}
