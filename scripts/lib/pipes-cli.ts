/**
 * `onemap pipes export-survey --district ADCODE --out DIR [--crs EPSG:4549|EPSG:4550]`: the
 * 管线探测成果表 of one district as two CSV files and one XLSX workbook, in the format
 * `POST /pipes/import` reads (issue #8 §5).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPool } from '../../map-server/src/db.ts';
import { surveyTables, tableCsv, tablesXlsx } from '../../map-server/src/services/pipe-survey-export.ts';

const USAGE = 'usage: onemap pipes export-survey --district ADCODE --out DIR [--crs EPSG:4549|EPSG:4550]';

export async function runPipesCommand(command: string | undefined, args: readonly string[], databaseUrl: string | undefined): Promise<number> {
  const opt = (name: string) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const district = opt('--district');
  const out = opt('--out');
  const crs = opt('--crs') ?? 'EPSG:4549';
  if (command !== 'export-survey' || !district || !/^\d{6}$/.test(district) || !out || (crs !== 'EPSG:4549' && crs !== 'EPSG:4550')) {
    console.error(USAGE);
    return 2;
  }
  if (!databaseUrl) {
    console.error('DATABASE_URL is required (the embedded cluster: postgres://postgres@127.0.0.1:54329/onemap)');
    return 2;
  }
  const pool = createPool({ databaseUrl, poolMax: 2, statementTimeoutMs: 120_000 });
  try {
    const t = await surveyTables(pool, district, crs === 'EPSG:4549' ? 4549 : 4550);
    mkdirSync(out, { recursive: true });
    const files = {
      points: join(out, `pipe-survey-${district}-points.csv`),
      lines: join(out, `pipe-survey-${district}-lines.csv`),
      xlsx: join(out, `pipe-survey-${district}.xlsx`),
    };
    writeFileSync(files.points, tableCsv(t.points));
    writeFileSync(files.lines, tableCsv(t.lines));
    writeFileSync(files.xlsx, await tablesXlsx(t));
    console.error(`${t.district.name} (${district}), ${crs}: ${t.points.length - 1} points, ${t.lines.length - 1} lines`);
    for (const f of Object.values(files)) console.log(f);
    return 0;
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    return 1;
  } finally {
    await pool.end();
  }
}
