/**
 * 管线探测成果导入 (survey import) on the real server and PostGIS: a small survey near
 * 121.42°E 28.65°N converted to EPSG:4549 by PostGIS, with planted errors (duplicate point,
 * line to a missing point, uphill drainage, shallow water pipe, swapped X/Y); dry run, atomic
 * rejection, a clean import at the right place, and the stored report as JSON and CSV.
 */
import { describe, expect, it } from 'vitest';
import { createPool } from '../src/db.ts';
import { createApiToken } from '../src/services/auth-tokens.ts';
import { parseCsv, parseSurvey, reportCsv } from '../src/services/pipe-import-parse.ts';
import { usePlatform } from './support/platform.ts';

const ctx = usePlatform();
let token: string | undefined;
/** An editor outside the pipeline departments: refused (403). */
let otherEditor: string | undefined;

async function auth(): Promise<Record<string, string>> {
  if (token === undefined) {
    const pool = createPool({ databaseUrl: ctx.platform.databaseUrl, poolMax: 1, statementTimeoutMs: 5000 });
    // The survey team imports for the pipeline department (住建局, owner of the pipe layers).
    token = await createApiToken(pool, '物探队', 'editor', 1, { department: 'tz-zj' });
    otherEditor = await createApiToken(pool, '其他科室', 'editor', 1);
    await pool.end();
  }
  return { Authorization: `Bearer ${token}` };
}

async function post(query: string, body: unknown, withAuth = true) {
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ...(withAuth ? await auth() : {}) };
  const res = await fetch(`${ctx.platform.baseUrl}/pipes/import?${query}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

interface Pt { no: string; lon: number; lat: number; code: string; ground: number; depth: number; app?: string }
interface Ln { s: string; e: string; sd: number; ed: number; dia: number; mat: string; owner: string }

/** The survey in lon/lat: a 雨水 and a 污水 main flowing east, a water main and a gas main. */
function survey(): { pts: Pt[]; lns: Ln[] } {
  const pts: Pt[] = [];
  const lns: Ln[] = [];
  const dLon = 0.0004; // ≈ 39 m
  const chain = (prefix: string, code: string, n: number, lat: number, depth0: number, dDepth: number, dia: (i: number) => number, mat: string, owner: string) => {
    for (let i = 0; i < n; i++) pts.push({ no: `${prefix}${i + 1}`, lon: 121.42 + i * dLon, lat, code, ground: 4.5, depth: depth0 + i * dDepth });
    for (let i = 0; i + 1 < n; i++) lns.push({ s: `${prefix}${i + 1}`, e: `${prefix}${i + 2}`, sd: depth0 + i * dDepth, ed: depth0 + (i + 1) * dDepth, dia: dia(i), mat, owner });
  };
  chain('TJS', 'JS', 10, 28.65, 1.2, 0, () => 300, 'QM', '台州市自来水有限公司');
  chain('TYS', 'YS', 8, 28.6502, 1.6, 0.1, (i) => (i < 4 ? 500 : 600), 'T', '台州市排水管理处');
  chain('TWS', 'WS', 6, 28.6504, 1.8, 0.1, () => 400, 'PVC', '台州市排水管理处');
  chain('TRQ', 'RQ', 5, 28.6498, 1.2, 0, () => 160, 'PE', '台州市燃气有限公司');
  pts.push({ no: 'TJS11', lon: 121.4201, lat: 28.6499, code: 'JS', ground: 4.5, depth: 1.2, app: '消防栓' });
  return { pts, lns };
}

async function toCsv(pts: Pt[], lns: Ln[], swap: ReadonlySet<string> = new Set()): Promise<{ points: string; lines: string }> {
  const { rows } = await ctx.db.query<{ x: number; y: number }>(
    `SELECT ST_X(g) AS x, ST_Y(g) AS y FROM unnest($1::float8[], $2::float8[]) WITH ORDINALITY AS t(lon, lat, i),
       LATERAL ST_Transform(ST_SetSRID(ST_MakePoint(lon, lat), 4490), 4549) AS g ORDER BY i`,
    [pts.map((p) => p.lon), pts.map((p) => p.lat)],
  );
  const points = ['点号,X,Y,地面高程,类别,特征,附属物,埋深', ...pts.map((p, i) => {
    const [x, y] = [rows[i]!.x.toFixed(3), rows[i]!.y.toFixed(3)];
    return [p.no, ...(swap.has(p.no) ? [y, x] : [x, y]), p.ground, p.code, '', p.app ?? '', p.depth.toFixed(2)].join(',');
  })].join('\n');
  const lines = ['起点号,终点号,起点埋深,终点埋深,管径,材质,权属单位', ...lns.map((l) => [l.s, l.e, l.sd.toFixed(2), l.ed.toFixed(2), l.dia, l.mat, l.owner].join(','))].join('\n');
  return { points, lines };
}

async function counts() {
  const { rows } = await ctx.db.query<{ p: number; s: number; i: number }>(
    `SELECT (SELECT count(*) FROM pipe.points)::int AS p, (SELECT count(*) FROM pipe.segments)::int AS s, (SELECT count(*) FROM pipe.imports)::int AS i`,
  );
  return rows[0]!;
}

describe('survey CSV parsing (pure)', () => {
  it('parses quoted CSV with BOM, CRLF and English aliases', () => {
    expect(parseCsv('\ufeffa,"b,c",d\r\n1,"x""y",\n')).toEqual([['a', 'b,c', 'd'], ['1', 'x"y', '']]);
    const s = parseSurvey('point_no,x,y,ground_elev,category,depth\nP1,638834.5,3171302.8,4.5,JS,1.2\nP2,638874.5,3171302.8,4.5,JS,1.2', 'start,end,start_depth,end_depth,diameter,material\nP1,P2,1.2,1.2,200,PE');
    expect(s.findings).toEqual([]);
    expect(s.points).toHaveLength(2);
    expect(s.lines[0]).toMatchObject({ start: 'P1', end: 'P2', diameter: 200, material: 'PE' });
  });

  it('flags swapped X/Y, duplicates, coincident points, impossible depths, missing refs and dangling points by row', () => {
    const s = parseSurvey(
      '点号,X,Y,地面高程,类别,埋深\nA,638834.5,3171302.8,4.5,JS,1.2\nB,3171302.8,638874.5,4.5,JS,16\nA,1,2,3,JS,1\nC,638834.52,3171302.81,4.5,JS,1\nD,638900,3171302.8,4.5,JS,abc',
      '起点号,终点号\nA,B\nB,Z',
    );
    const got = s.findings.map((f) => `${f.table}:${f.row}:${f.code}`).sort();
    expect(got).toEqual(['lines:3:MISSING_POINT', 'points:3:IMPOSSIBLE_DEPTH', 'points:3:SWAPPED_XY', 'points:4:DUPLICATE_POINT', 'points:5:COINCIDENT_POINTS', 'points:5:DANGLING_POINT', 'points:6:PARSE_ERROR'].sort());
    expect(s.points.find((p) => p.pointNo === 'B')).toMatchObject({ x: 638874.5, y: 3171302.8 });
    expect(parseSurvey('X,Y\n1,2', '起点号,终点号').findings[0]).toMatchObject({ code: 'MISSING_COLUMN', row: 1 });
    expect(reportCsv([{ table: 'points', row: 2, code: 'X', severity: 'error', message: 'a,"b"' }])).toBe('table,row,code,severity,message\r\npoints,2,X,error,"a,""b"""\r\n');
  });
});

describe('survey import on PostGIS', () => {
  it('converts the test point as domain.md §5 says', async () => {
    const { rows } = await ctx.db.query(`SELECT ST_X(g) AS x, ST_Y(g) AS y FROM ST_Transform(ST_SetSRID(ST_MakePoint(121.42, 28.65), 4490), 4549) g`);
    expect(rows[0].x).toBeCloseTo(638834.5, 0);
    expect(rows[0].y).toBeCloseTo(3171302.8, 0);
  });

  it('requires an editor token, a CRS and stays under the size limit', async () => {
    const csv = await toCsv(survey().pts, survey().lns);
    expect((await post('crs=EPSG:4549', csv, false)).status).toBe(401);
    await auth();
    const refused = await fetch(`${ctx.platform.baseUrl}/pipes/import?crs=EPSG:4549`, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${otherEditor}` }, body: JSON.stringify(csv) });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('pipeline departments');
    expect((await post('crs=EPSG:3857', csv)).status).toBe(400);
    expect((await post('crs=EPSG:4549&bogus=1', csv)).status).toBe(400);
    expect((await post('crs=EPSG:4549', { points: 'x'.repeat(11 * 1024 * 1024), lines: '' })).status).toBe(413);
  });

  it('dry run writes nothing and lists every planted error with its row', async () => {
    const before = await counts();
    const { pts, lns } = survey();
    const dup = { ...pts.find((p) => p.no === 'TJS3')!, lon: 121.4301 };
    pts.push(dup); // row = pts.length + 1
    const dupRow = pts.length + 1;
    lns.push({ s: 'TJS10', e: 'TJS99', sd: 1.2, ed: 1.2, dia: 300, mat: 'QM', owner: '台州市自来水有限公司' });
    const missingRow = lns.length + 1;
    const uphill = lns.findIndex((l) => l.s === 'TYS4');
    lns[uphill] = { ...lns[uphill]!, sd: 1.9, ed: 1.4 };
    const shallow = lns.findIndex((l) => l.s === 'TJS5');
    lns[shallow] = { ...lns[shallow]!, sd: 0.4 };
    const swappedRow = pts.findIndex((p) => p.no === 'TWS3') + 2;
    const res = await post('crs=EPSG:4549&dryRun=true', await toCsv(pts, lns, new Set(['TWS3'])));
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ committed: false, dryRun: true, importId: null });
    const got = (res.json.findings as { table: string; row: number; code: string }[]).map((f) => `${f.table}:${f.row}:${f.code}`);
    expect(got).toEqual(expect.arrayContaining([
      `points:${dupRow}:DUPLICATE_POINT`, `lines:${missingRow}:MISSING_POINT`, `lines:${uphill + 2}:UPHILL_GRAVITY`,
      `lines:${shallow + 2}:SHALLOW_COVER`, `points:${swappedRow}:SWAPPED_XY`,
    ]));
    // YS 600 after 500 grows; nothing else is reported.
    expect(got.filter((g) => !/DUPLICATE|MISSING|UPHILL|SHALLOW|SWAPPED/.test(g))).toEqual([]);
    expect(await counts()).toEqual(before);
  });

  it('rejects a file with a blocking error whole and leaves the DB unchanged', async () => {
    const before = await counts();
    const { pts, lns } = survey();
    pts[3] = { ...pts[3]!, code: 'ZZ' };
    const res = await post('crs=EPSG:4549&dryRun=false', await toCsv(pts, lns));
    expect(res.status).toBe(400);
    expect(res.json.findings).toEqual(expect.arrayContaining([expect.objectContaining({ table: 'points', row: 5, code: 'UNKNOWN_CATEGORY', severity: 'error' })]));
    expect(res.json.committed).toBe(false);
    expect(await counts()).toEqual(before);
    const { rows } = await ctx.db.query(`SELECT count(*)::int AS n FROM pipe.points WHERE point_no LIKE 'T__%' AND point_no = ANY($1)`, [pts.map((p) => p.no)]);
    expect(rows[0].n).toBe(0);
  });

  it('imports a clean file at the right place, with warnings, and serves the report as JSON and CSV', async () => {
    const before = await counts();
    const { pts, lns } = survey();
    // A shrinking drainage diameter is a warning only: it imports.
    const shrink = lns.findIndex((l) => l.s === 'TWS4');
    lns[shrink] = { ...lns[shrink]!, dia: 300 };
    const res = await post('crs=EPSG:4549&dryRun=false', await toCsv(pts, lns, new Set(['TRQ2'])));
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ committed: true, summary: { points: pts.length, segments: lns.length, errors: 0 } });
    const codes = (res.json.findings as { code: string; row: number; table: string }[]).map((f) => `${f.table}:${f.row}:${f.code}`).sort();
    expect(codes).toEqual([`lines:${shrink + 2}:DIAMETER_SHRINKS`, `points:${pts.findIndex((p) => p.no === 'TRQ2') + 2}:SWAPPED_XY`].sort());
    const id = res.json.importId as number;
    const after = await counts();
    expect(after).toEqual({ p: before.p + pts.length, s: before.s + lns.length, i: before.i + 1 });

    const place = await ctx.db.query(
      `SELECT p.point_no, ST_Distance(p.geom_4549, ST_Transform(ST_SetSRID(ST_MakePoint($2, $3), 4490), 4549)) AS d, ST_X(p.geom_4549) AS x, ST_Y(p.geom_4549) AS y
         FROM pipe.points p WHERE p.import_id = $1 AND p.point_no = ANY($4) ORDER BY p.point_no`,
      [id, 121.42, 28.65, ['TJS1']],
    );
    expect(place.rows[0].d).toBeLessThan(0.1);
    expect(Math.abs(place.rows[0].x - 638834.5)).toBeLessThan(0.1);
    expect(Math.abs(place.rows[0].y - 3171302.8)).toBeLessThan(0.1);
    const swapped = await ctx.db.query(`SELECT ST_X(geom) AS lon, ST_Y(geom) AS lat FROM pipe.points WHERE point_no = 'TRQ2'`);
    expect(swapped.rows[0].lon).toBeCloseTo(121.4204, 6);
    expect(swapped.rows[0].lat).toBeCloseTo(28.6498, 6);

    const seg = await ctx.db.query(
      `SELECT s.category, s.subcategory, s.elev_ref, s.start_elev::float8 AS se, s.end_elev::float8 AS ee, s.diameter_mm, s.material, s.length_m,
              ST_Equals(ST_StartPoint(s.geom), a.geom) AS starts_at
         FROM pipe.segments s JOIN pipe.points a ON a.id = s.start_point_id WHERE s.import_id = $1 AND a.point_no = 'TYS1'`,
      [id],
    );
    expect(seg.rows[0]).toMatchObject({ category: 'PS', subcategory: 'YS', elev_ref: 'B', se: 2.9, ee: 2.8, diameter_mm: 500, material: 'T', starts_at: true });
    expect(seg.rows[0].length_m).toBeGreaterThan(35);
    expect(seg.rows[0].length_m).toBeLessThan(45);

    const h = await auth();
    const trace = await fetch(`${ctx.platform.baseUrl}/pipes/trace?point=TYS1&direction=down`, { headers: h });
    expect(trace.status).toBe(200);
    // The imported 雨水 main is one network: TYS1 drains through all 7 imported segments.
    const down = (await trace.json()) as { summary: { segments: number; adverse: number }; segments: { features: { properties: { line_no: string } }[] } };
    expect(down.summary).toMatchObject({ segments: 7, adverse: 0 });
    expect(down.segments.features.every((f) => f.properties.line_no.startsWith(`I${id}-`))).toBe(true);

    const json = await fetch(`${ctx.platform.baseUrl}/pipes/imports/${id}/report`, { headers: h });
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual(res.json);
    const csv = await fetch(`${ctx.platform.baseUrl}/pipes/imports/${id}/report?f=csv`, { headers: h });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    const text = await csv.text();
    expect(text.split('\r\n')[0]).toBe('table,row,code,severity,message');
    expect(text).toContain(`lines,${shrink + 2},DIAMETER_SHRINKS,warning,`);
    expect((await fetch(`${ctx.platform.baseUrl}/pipes/imports/${id}/report`)).status).toBe(401);
    expect((await fetch(`${ctx.platform.baseUrl}/pipes/imports/999999/report`, { headers: h })).status).toBe(404);
  });
});
