/**
 * 管线探测成果表 round trip (issue #8 §2, §5): the survey tables of one sample district (玉环市,
 * 331083) exported as XLSX and CSV over HTTP, imported into an emptied network, give the same
 * network back, with a QA report that names every defect planted in that district at its row.
 * The planted impossible depth blocks the first import whole; with that cell corrected (blank →
 * the point's depth) the workbook imports.
 */
import { describe, expect, it } from 'vitest';
import { createPool } from '../src/db.ts';
import { createApiToken } from '../src/services/auth-tokens.ts';
import { parseCsv } from '../src/services/pipe-import-parse.ts';
import { cellText, readSurveyWorkbook, writeSurveyWorkbook, XLSX_TYPE } from '../src/services/pipe-survey-xlsx.ts';
import { tableCsv } from '../src/services/pipe-survey-export.ts';
import { usePlatform } from './support/platform.ts';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runPipesCommand } from '../../scripts/lib/pipes-cli.ts';

const ctx = usePlatform();
const DISTRICT = '331083';
/** Two workbooks of ~7,000 lines written and read, three imports: minutes on a busy 2-core machine. */
const ROUND_TRIP_TIMEOUT_MS = 240_000;
let token: string | undefined;

async function auth(): Promise<Record<string, string>> {
  if (token === undefined) {
    const pool = createPool({ databaseUrl: ctx.platform.databaseUrl, poolMax: 1, statementTimeoutMs: 5000 });
    // An administrator sees the full pipe layer, as the pipeline department does.
    token = await createApiToken(pool, '物探队', 'admin', 1);
    await pool.end();
  }
  return { Authorization: `Bearer ${token}` };
}

async function get(path: string, withAuth = true): Promise<Response> {
  const go = async () => fetch(`${ctx.platform.baseUrl}${path}`, { headers: withAuth ? await auth() : {} });
  // A GET may meet a kept-alive socket the server closes at that moment (its idle timeout after a
  // long step of the test): once more on a fresh socket then, as any HTTP client would.
  return go().catch((err: unknown) => {
    if ((err as { cause?: { code?: string } }).cause?.code === 'ECONNRESET') return go();
    throw err;
  });
}

interface Finding { table: 'points' | 'lines'; row: number; code: string; severity: string }
interface Report { importId: number | null; committed: boolean; summary: { points: number; segments: number; errors: number; warnings: number }; findings: Finding[] }

async function importXlsx(bytes: Buffer, query = 'crs=EPSG:4549'): Promise<{ status: number; report: Report }> {
  const res = await fetch(`${ctx.platform.baseUrl}/pipes/import?${query}`, { method: 'POST', headers: { 'Content-Type': XLSX_TYPE, ...(await auth()) }, body: new Uint8Array(bytes) });
  return { status: res.status, report: (await res.json()) as Report };
}

/** Which QA finding each planted defect must produce. */
const EXPECTED: Record<string, { table: 'points' | 'lines'; code: string }> = {
  adverse_slope: { table: 'lines', code: 'UPHILL_GRAVITY' },
  impossible_depth: { table: 'lines', code: 'IMPOSSIBLE_DEPTH' },
  diameter_shrink: { table: 'lines', code: 'DIAMETER_SHRINKS' },
  shallow_cover: { table: 'lines', code: 'SHALLOW_COVER' },
  coincident_point: { table: 'points', code: 'COINCIDENT_POINTS' },
  dangling_point: { table: 'points', code: 'DANGLING_POINT' },
};

const POINT_COLS = `point_no, category, subcategory, feature, appurtenance, ground_elev, depth, valve_state, is_source, road_name, owner_unit`;
const SEGMENT_COLS = `s.line_no, a.point_no AS start_no, b.point_no AS end_no, s.category, s.subcategory, s.start_depth, s.end_depth, s.start_elev, s.end_elev, s.elev_ref, s.shape,
  s.diameter_mm, s.width_mm, s.height_mm, s.material, s.embedding, s.pressure_class, s.pressure_mpa, s.voltage_kv, s.install_year, s.owner_unit, s.road_name, s.location, s.status`;

describe('survey workbook (pure)', () => {
  it('writes and reads back the same cells, and reads rich text and formula results as text', async () => {
    const points = [['点号', 'X', 'Y'], ['JP1', 622281.375, 3111531.767], ['JP2', null, 'a,"b"']];
    const lines = [['起点号', '终点号'], ['JP1', 'JP2']];
    const back = await readSurveyWorkbook(await writeSurveyWorkbook(points, lines));
    expect(back.points).toEqual([['点号', 'X', 'Y'], ['JP1', '622281.375', '3111531.767'], ['JP2', '', 'a,"b"']]);
    expect(back.lines).toEqual([['起点号', '终点号'], ['JP1', 'JP2']]);
    expect(cellText({ richText: [{ text: '阀' }, { text: '门' }] })).toBe('阀门');
    expect(cellText({ formula: 'A1+1', result: 2.5 } as never)).toBe('2.5');
    expect(tableCsv([['a', 'b,c'], [1.5, null]])).toBe('\ufeffa,"b,c"\r\n1.5,\r\n');
  });

  it('refuses bytes that are not a workbook', async () => {
    await expect(readSurveyWorkbook(Buffer.from('not a zip'))).rejects.toMatchObject({ status: 400 });
  });
});

describe('survey export and import round trip', () => {
  it('guards the export: token, adcode, format', async () => {
    // Anonymous callers never get the tables (401, or 404 where the pipe layers are hidden from them).
    expect([401, 404]).toContain((await get(`/pipes/survey?district=${DISTRICT}`, false)).status);
    // An editor outside the pipeline departments sees the desensitised layer: no tables, no
    // import, no import report (403, before any parameter is read).
    const pool = createPool({ databaseUrl: ctx.platform.databaseUrl, poolMax: 1, statementTimeoutMs: 5000 });
    const other = await createApiToken(pool, '其他科室', 'editor', 1).finally(() => pool.end());
    const asOther = { Authorization: `Bearer ${other}` };
    for (const [path, init] of [
      [`/pipes/survey?district=${DISTRICT}`, {}],
      [`/pipes/survey?district=${DISTRICT}&f=csv&table=points`, {}],
      ['/pipes/imports/1/report', {}],
      ['/pipes/import?crs=EPSG:4549&dryRun=true', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ points: '', lines: '' }) }],
    ] as [string, RequestInit][]) {
      const denied = await fetch(`${ctx.platform.baseUrl}${path}`, { ...init, headers: { ...(init.headers as Record<string, string> | undefined), ...asOther } });
      expect(denied.status, path).toBe(403);
      expect(denied.headers.get('content-type')).toContain('application/problem+json');
      const text = await denied.text();
      expect(text).toContain('pipeline departments');
      expect(text, path).not.toMatch(/depth|owner_unit|elev|point_no|\d+\.\d{4,}/);
    }
    expect((await get('/pipes/survey?district=33108')).status).toBe(400);
    expect((await get('/pipes/survey?district=999999')).status).toBe(404);
    expect((await get(`/pipes/survey?district=${DISTRICT}&f=csv`)).status).toBe(400);
    expect((await get(`/pipes/survey?district=${DISTRICT}&f=pdf`)).status).toBe(400);
    expect((await get(`/pipes/survey?district=${DISTRICT}&crs=EPSG:3857`)).status).toBe(400);
    const bad = await fetch(`${ctx.platform.baseUrl}/pipes/import?crs=EPSG:4549`, { method: 'POST', headers: { 'Content-Type': XLSX_TYPE, ...(await auth()) }, body: 'PK nonsense' });
    expect(bad.status).toBe(400);
    const plain = await fetch(`${ctx.platform.baseUrl}/pipes/import?crs=EPSG:4549`, { method: 'POST', headers: { 'Content-Type': 'text/plain', ...(await auth()) }, body: 'x' });
    expect(plain.status).toBe(415);
  });

  it('writes the same tables from the command line (onemap pipes export-survey)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipe-survey-'));
    try {
      expect(await runPipesCommand('export-survey', ['--district', DISTRICT], ctx.platform.databaseUrl)).toBe(2);
      expect(await runPipesCommand('export-survey', ['--district', '999999', '--out', dir], ctx.platform.databaseUrl)).toBe(1);
      expect(await runPipesCommand('export-survey', ['--district', DISTRICT, '--out', dir], ctx.platform.databaseUrl)).toBe(0);
      const http = await (await get(`/pipes/survey?district=${DISTRICT}&f=csv&table=lines`)).text();
      // The file starts with a BOM for spreadsheet programs; fetch's text() drops it.
      const file = readFileSync(join(dir, `pipe-survey-${DISTRICT}-lines.csv`), 'utf8');
      expect(file.startsWith('\ufeff')).toBe(true);
      expect(file.slice(1)).toBe(http);
      const book = await readSurveyWorkbook(readFileSync(join(dir, `pipe-survey-${DISTRICT}.xlsx`)));
      expect(book.points).toEqual(parseCsv(readFileSync(join(dir, `pipe-survey-${DISTRICT}-points.csv`), 'utf8')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, ROUND_TRIP_TIMEOUT_MS);

  it('exports a district, imports it into an empty network and gets the same network and its planted defects back', async () => {
    const db = ctx.db;
    // The district's network as stored, before it is emptied.
    const xlsxRes = await get(`/pipes/survey?district=${DISTRICT}&f=xlsx`);
    expect(xlsxRes.status).toBe(200);
    expect(xlsxRes.headers.get('content-type')).toBe(XLSX_TYPE);
    expect(xlsxRes.headers.get('content-disposition')).toContain(`pipe-survey-${DISTRICT}.xlsx`);
    const xlsx = Buffer.from(await xlsxRes.arrayBuffer());
    const csvPoints = await (await get(`/pipes/survey?district=${DISTRICT}&f=csv&table=points`)).text();
    const csvLines = await (await get(`/pipes/survey?district=${DISTRICT}&f=csv&table=lines`)).text();
    const book = await readSurveyWorkbook(xlsx);
    // CSV and XLSX carry the same cells.
    expect(parseCsv(csvPoints)).toEqual(book.points);
    expect(parseCsv(csvLines)).toEqual(book.lines);
    const pointNos = book.points.slice(1).map((r) => r[0]!);
    const lineNos = book.lines.slice(1).map((r) => r[0]!);
    expect(lineNos.length).toBeGreaterThan(5000);

    await db.query(`CREATE TABLE public.rt_points AS SELECT ${POINT_COLS}, geom_4549 FROM pipe.points WHERE point_no = ANY($1)`, [pointNos]);
    await db.query(
      `CREATE TABLE public.rt_segments AS SELECT ${SEGMENT_COLS}, s.properties->>'planted' AS planted FROM pipe.segments s
         JOIN pipe.points a ON a.id = s.start_point_id JOIN pipe.points b ON b.id = s.end_point_id WHERE s.line_no = ANY($1)`,
      [lineNos],
    );
    // Every segment whose start lies in the district, and nothing else.
    const inDistrict = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pipe.segments s JOIN pipe.points a ON a.id = s.start_point_id JOIN base.districts d ON d.adcode = $1 AND ST_Intersects(d.geom, a.geom)`,
      [DISTRICT],
    );
    expect(lineNos).toHaveLength(inDistrict.rows[0]!.n);
    const planted = await db.query<{ tbl: 'points' | 'lines'; no: string; planted: string }>(
      `SELECT 'lines' AS tbl, line_no AS no, properties->>'planted' AS planted FROM pipe.segments WHERE line_no = ANY($1) AND properties ? 'planted'
       UNION ALL SELECT 'points', point_no, properties->>'planted' FROM pipe.points WHERE point_no = ANY($2) AND properties ? 'planted' AND properties->>'planted' <> 'failed_valve'`,
      [lineNos, pointNos],
    );
    const kinds = new Set(planted.rows.map((r) => r.planted));
    for (const k of ['adverse_slope', 'impossible_depth', 'diameter_shrink', 'shallow_cover', 'coincident_point']) expect(kinds).toContain(k);
    const failedValves = await db.query<{ point_no: string }>(`SELECT point_no FROM pipe.points WHERE point_no = ANY($1) AND valve_state = '故障' ORDER BY 1`, [pointNos]);
    expect(failedValves.rows.length).toBeGreaterThan(0);

    // A burst whose isolation stays inside the district: the same valves must close afterwards.
    const { rows: js } = await db.query<{ line_no: string }>(`SELECT line_no FROM rt_segments WHERE category = 'JS' AND planted IS NULL ORDER BY line_no LIMIT 40`);
    let burst: { line: string; valves: string[] } | undefined;
    for (const { line_no } of js) {
      const b = (await (await get(`/pipes/burst?segment=${line_no}`)).json()) as { valvesToClose: { features: { properties: { point_no: string } }[] }; isolatedSegments: { features: { properties: { line_no: string } }[] } };
      const valves = b.valvesToClose.features.map((f) => f.properties.point_no).sort();
      if (valves.length >= 2 && valves.every((v) => pointNos.includes(v)) && b.isolatedSegments.features.every((f) => lineNos.includes(f.properties.line_no))) {
        burst = { line: line_no, valves };
        break;
      }
    }
    expect(burst).toBeDefined();

    // An empty network.
    await db.query('TRUNCATE pipe.segments, pipe.points CASCADE');

    // 1. The workbook as exported: the planted impossible depth is an error, so nothing is stored.
    const first = await importXlsx(xlsx);
    expect(first.status).toBe(400);
    expect(first.report.committed).toBe(false);
    expect((await db.query('SELECT count(*)::int AS n FROM pipe.points')).rows[0].n).toBe(0);
    const rowOf = (t: 'points' | 'lines', no: string) => (t === 'points' ? pointNos : lineNos).indexOf(no) + 2;
    const has = (r: Report, t: string, row: number, code: string) => r.findings.some((f) => f.table === t && f.row === row && f.code === code);
    for (const p of planted.rows) {
      const want = EXPECTED[p.planted]!;
      expect(has(first.report, want.table, rowOf(p.tbl, p.no), want.code), `${p.planted} ${p.no}`).toBe(true);
    }
    // The only errors are the planted impossible depths.
    const impossible = planted.rows.filter((p) => p.planted === 'impossible_depth').map((p) => rowOf('lines', p.no));
    expect(first.report.findings.filter((f) => f.severity === 'error').map((f) => f.row).sort()).toEqual(impossible.sort());
    // The CSV pair reports exactly the same.
    const csvRes = await fetch(`${ctx.platform.baseUrl}/pipes/import?crs=EPSG:4549&dryRun=true`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', ...(await auth()) }, body: JSON.stringify({ points: csvPoints, lines: csvLines }),
    });
    expect(csvRes.status).toBe(400);
    expect(((await csvRes.json()) as Report).findings).toEqual(first.report.findings);

    // 2. The surveyor corrects the impossible depths (blank: the start point's depth applies).
    const col = book.lines[0]!.indexOf('起点埋深');
    const fixedLines = book.lines.map((r, i) => (impossible.includes(i + 1) ? r.map((c, j) => (j === col ? null : c)) : r));
    const second = await importXlsx(await writeSurveyWorkbook(book.points, fixedLines));
    expect(second.status).toBe(201);
    expect(second.report).toMatchObject({ committed: true, summary: { points: pointNos.length, segments: lineNos.length, errors: 0 } });
    for (const p of planted.rows.filter((x) => x.planted !== 'impossible_depth')) {
      const want = EXPECTED[p.planted]!;
      expect(has(second.report, want.table, rowOf(p.tbl, p.no), want.code), `${p.planted} ${p.no}`).toBe(true);
    }

    // The same network: every point within 2 mm with the same attributes, every segment between the
    // same points with the same attributes (the corrected depths excepted).
    const pts = await db.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE o.point_no IS NULL OR ST_Distance(o.geom_4549, p.geom_4549) > 0.002
           OR (o.category, o.subcategory, o.feature, o.appurtenance, o.ground_elev, o.depth, o.valve_state, o.is_source, o.road_name, o.owner_unit)
              IS DISTINCT FROM (p.category, p.subcategory, p.feature, p.appurtenance, p.ground_elev, p.depth, p.valve_state, p.is_source, p.road_name, p.owner_unit))::int AS differ
         FROM pipe.points p LEFT JOIN rt_points o USING (point_no)`,
    );
    expect(pts.rows[0]).toEqual({ n: pointNos.length, differ: 0 });
    const segs = await db.query<{ line_no: string }>(
      `SELECT n.line_no FROM (SELECT ${SEGMENT_COLS} FROM pipe.segments s JOIN pipe.points a ON a.id = s.start_point_id JOIN pipe.points b ON b.id = s.end_point_id) n
         LEFT JOIN rt_segments o USING (line_no)
        WHERE o.line_no IS NULL OR (o.start_no, o.end_no, o.category, o.subcategory, o.end_depth, o.end_elev, o.elev_ref, o.shape, o.diameter_mm, o.width_mm, o.height_mm,
                o.material, o.embedding, o.pressure_class, o.pressure_mpa, o.voltage_kv, o.install_year, o.owner_unit, o.road_name, o.location, o.status)
          IS DISTINCT FROM (n.start_no, n.end_no, n.category, n.subcategory, n.end_depth, n.end_elev, n.elev_ref, n.shape, n.diameter_mm, n.width_mm, n.height_mm,
                n.material, n.embedding, n.pressure_class, n.pressure_mpa, n.voltage_kv, n.install_year, n.owner_unit, n.road_name, n.location, n.status)
           OR (o.planted IS DISTINCT FROM 'impossible_depth' AND (o.start_depth, o.start_elev) IS DISTINCT FROM (n.start_depth, n.start_elev))`,
    );
    expect(segs.rows).toEqual([]);
    expect((await db.query('SELECT count(*)::int AS n FROM pipe.segments')).rows[0].n).toBe(lineNos.length);

    // The analyses run on the imported network: the same burst closes the same valves.
    const after = (await (await get(`/pipes/burst?segment=${burst!.line}`)).json()) as { valvesToClose: { features: { properties: { point_no: string } }[] } };
    expect(after.valvesToClose.features.map((f) => f.properties.point_no).sort()).toEqual(burst!.valves);

    // The graph is cached between analyses but a direct SQL change is seen at once: with one of
    // those valves failed, the search goes past it.
    await db.query(`UPDATE pipe.points SET valve_state = '故障' WHERE point_no = $1`, [burst!.valves[0]]);
    const failed = (await (await get(`/pipes/burst?segment=${burst!.line}`)).json()) as { failedValves: { features: { properties: { point_no: string } }[] } };
    expect(failed.failedValves.features.map((f) => f.properties.point_no)).toContain(burst!.valves[0]);

    // The stored report downloads as CSV with the planted rows.
    const report = await get(`/pipes/imports/${second.report.importId}/report?f=csv`);
    expect(report.status).toBe(200);
    const adverse = planted.rows.find((p) => p.planted === 'adverse_slope')!;
    expect(await report.text()).toContain(`lines,${rowOf('lines', adverse.no)},UPHILL_GRAVITY,warning,`);
  }, ROUND_TRIP_TIMEOUT_MS);
});
