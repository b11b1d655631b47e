/**
 * 管线探测成果导入 (survey import) against PostGIS: dictionary checks (category, material, point
 * numbers already stored), cover against pipe.min_cover, gravity drainage direction and diameter,
 * then one transaction inserting pipe.points / pipe.segments tagged with the pipe.imports batch.
 * Coordinates are transformed by PostGIS from the survey's 3° GK CRS to CGCS2000 (EPSG:4490).
 */
import type { Pool } from '../db.ts';
import { parseCsv, parseSurveyTables, type Finding, type LineRow, type PointRow } from './pipe-import-parse.ts';

/** A survey table: CSV text, or cell rows (header first) read from an XLSX sheet. */
export type SurveyTable = string | readonly (readonly string[])[];

/** 水厂/加压站 feed a water network: a burst may never isolate them (pipe.points.is_source). */
const SOURCE_APPURTENANCES = new Set(['水厂', '加压站']);

export interface ImportReport {
  readonly importId: number | null;
  readonly crs: string;
  readonly dryRun: boolean;
  readonly committed: boolean;
  readonly summary: { points: number; segments: number; errors: number; warnings: number };
  readonly findings: Finding[];
}

interface Cat { category: string; subcategory: string | null; gravity: boolean }

const ROW_ORDER = (a: Finding, b: Finding) => (a.table === b.table ? a.row - b.row : a.table === 'points' ? -1 : 1);

export async function importSurvey(pool: Pool, input: { points: SurveyTable; lines: SurveyTable; srid: 4549 | 4550; dryRun: boolean; actor: string }): Promise<ImportReport> {
  const rows = (t: SurveyTable) => (typeof t === 'string' ? parseCsv(t) : t);
  const { points, lines, findings } = parseSurveyTables(rows(input.points), rows(input.lines));
  const dict = await pool.query<{ code: string; category: string; subcategory: string | null; gravity: boolean }>(
    `SELECT code::text AS code, code::text AS category, NULL::text AS subcategory, gravity FROM pipe.categories
     UNION ALL SELECT s.code, s.category::text, s.code, c.gravity FROM pipe.subcategories s JOIN pipe.categories c ON c.code = s.category`,
  );
  const cats = new Map<string, Cat>(dict.rows.map((r) => [r.code, { category: r.category, subcategory: r.subcategory, gravity: r.gravity }]));
  const mats = await pool.query<{ code: string; name_zh: string }>(`SELECT code, name_zh FROM pipe.materials`);
  const material = new Map<string, string>();
  for (const m of mats.rows) { material.set(m.code.toUpperCase(), m.code); material.set(m.name_zh.toUpperCase(), m.code); }
  const cover = await pool.query<{ category: string; min_m: number }>(`SELECT category::text, min(min_m)::float8 AS min_m FROM pipe.min_cover GROUP BY category`);
  const minCover = new Map(cover.rows.map((r) => [r.category, r.min_m]));
  const existing = await pool.query<{ point_no: string }>(`SELECT point_no FROM pipe.points WHERE point_no = ANY($1::text[])`, [points.map((p) => p.pointNo)]);
  const taken = new Set(existing.rows.map((r) => r.point_no));
  const lineNos = lines.flatMap((l) => (l.lineNo === null ? [] : [l.lineNo]));
  const existingLines = await pool.query<{ line_no: string }>(`SELECT line_no FROM pipe.segments WHERE line_no = ANY($1::text[])`, [lineNos]);
  const takenLines = new Set(existingLines.rows.map((r) => r.line_no));
  const embeddings = new Set((await pool.query<{ code: string }>(`SELECT code FROM pipe.embeddings`)).rows.map((r) => r.code));
  const gasClasses = new Set((await pool.query<{ code: string }>(`SELECT code FROM pipe.gas_pressure_classes`)).rows.map((r) => r.code));

  const pointCat = new Map<string, Cat>();
  const byNo = new Map<string, PointRow>();
  for (const p of points) {
    byNo.set(p.pointNo, p);
    const c = cats.get(p.code);
    if (c === undefined) findings.push({ table: 'points', row: p.row, code: 'UNKNOWN_CATEGORY', severity: 'error', message: `类别 "${p.code.slice(0, 8)}" 不在 CJJ 61 字典中 / unknown category` });
    else pointCat.set(p.pointNo, c);
    if (taken.has(p.pointNo)) findings.push({ table: 'points', row: p.row, code: 'POINT_EXISTS', severity: 'error', message: `点号 ${p.pointNo} 已在库中 / point number already stored` });
  }

  interface Seg { line: LineRow; cat: Cat; material: string | null; startDepth: number | null; endDepth: number | null; startElev: number | null; endElev: number | null }
  const segs: Seg[] = [];
  for (const l of lines) {
    const a = byNo.get(l.start);
    const b = byNo.get(l.end);
    const cat = pointCat.get(l.start) ?? pointCat.get(l.end);
    if (a === undefined || b === undefined || cat === undefined) continue;
    const endCat = pointCat.get(l.end);
    if (endCat !== undefined && (endCat.category !== cat.category || endCat.subcategory !== cat.subcategory))
      findings.push({ table: 'lines', row: l.row, code: 'CATEGORY_MISMATCH', severity: 'warning', message: `起点 ${a.code} 与终点 ${b.code} 类别不同 / the end points have different categories` });
    if (l.lineNo !== null && takenLines.has(l.lineNo))
      findings.push({ table: 'lines', row: l.row, code: 'LINE_EXISTS', severity: 'error', message: `管线编号 ${l.lineNo} 已在库中 / line number already stored` });
    if (l.embedding !== null && !embeddings.has(l.embedding))
      findings.push({ table: 'lines', row: l.row, code: 'UNKNOWN_EMBEDDING', severity: 'error', message: `埋设方式 "${l.embedding.slice(0, 8)}" 不在字典中 / unknown embedding (CJJ 61 表C.0.2)` });
    if (l.pressureClass !== null && !gasClasses.has(l.pressureClass))
      findings.push({ table: 'lines', row: l.row, code: 'UNKNOWN_PRESSURE_CLASS', severity: 'error', message: `压力级制 "${l.pressureClass.slice(0, 8)}" 不在字典中 / unknown gas pressure class (GB 50028)` });
    let mat: string | null = null;
    if (l.material !== null) {
      mat = material.get(l.material) ?? null;
      if (mat === null) findings.push({ table: 'lines', row: l.row, code: 'UNKNOWN_MATERIAL', severity: 'error', message: `材质 "${l.material.slice(0, 8)}" 不在字典中 / unknown material` });
    }
    const startDepth = l.startDepth ?? a.depth;
    const endDepth = l.endDepth ?? b.depth;
    const startElev = startDepth !== null && a.ground !== null ? Math.round((a.ground - startDepth) * 1000) / 1000 : null;
    const endElev = endDepth !== null && b.ground !== null ? Math.round((b.ground - endDepth) * 1000) / 1000 : null;
    // Drainage depths are to the invert (管内底); others to the top (管顶).
    const dia = cat.gravity && l.diameter !== null ? l.diameter / 1000 : 0;
    const min = minCover.get(cat.category);
    if (min !== undefined) {
      for (const [d, where] of [[startDepth, '起点'], [endDepth, '终点']] as const) {
        if (d !== null && d >= 0 && d - dia < min)
          findings.push({ table: 'lines', row: l.row, code: 'SHALLOW_COVER', severity: 'warning', message: `${where}覆土 ${(d - dia).toFixed(2)} m < 最小覆土 ${min} m (${cat.category}) / cover below pipe.min_cover` });
      }
    }
    if (cat.gravity && startElev !== null && endElev !== null && endElev > startElev)
      findings.push({ table: 'lines', row: l.row, code: 'UPHILL_GRAVITY', severity: 'warning', message: `重力管逆坡: 终点管底 ${endElev} > 起点管底 ${startElev} / gravity pipe flows uphill` });
    segs.push({ line: l, cat, material: mat, startDepth, endDepth, startElev, endElev });
  }
  // Largest gravity pipe flowing into each point (first in row order on ties).
  const inflow = new Map<string, Seg>();
  for (const u of segs) {
    if (!u.cat.gravity || u.line.diameter === null) continue;
    const best = inflow.get(u.line.end);
    if (best === undefined || u.line.diameter > best.line.diameter!) inflow.set(u.line.end, u);
  }
  for (const s of segs) {
    if (!s.cat.gravity || s.line.diameter === null) continue;
    const up = inflow.get(s.line.start);
    if (up !== undefined && up.line.diameter! > s.line.diameter)
      findings.push({ table: 'lines', row: s.line.row, code: 'DIAMETER_SHRINKS', severity: 'warning', message: `下游管径 ${s.line.diameter} mm 小于上游 ${up.line.diameter} mm (第 ${up.line.row} 行) / diameter shrinks downstream` });
  }
  findings.sort(ROW_ORDER);
  const errors = findings.filter((f) => f.severity === 'error').length;
  const base = { crs: `EPSG:${input.srid}`, dryRun: input.dryRun, findings };
  const summary = { points: points.length, segments: segs.length, errors, warnings: findings.length - errors };
  if (input.dryRun || errors > 0) return { importId: null, committed: false, summary, ...base };

  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const batch = await client.query<{ id: string }>(
      `INSERT INTO pipe.imports (actor, source_crs, point_count, segment_count, report) VALUES ($1, $2, $3, $4, '{}') RETURNING id`,
      [input.actor, input.srid, points.length, segs.length],
    );
    const importId = Number(batch.rows[0]!.id);
    await client.query(
      `INSERT INTO pipe.points (point_no, category, subcategory, feature, appurtenance, ground_elev, depth, valve_state, is_source, road_name, owner_unit, import_id, geom)
       SELECT no, cat, sub, feat, app, ground, depth, valve, src, road, owner, $1, ST_Transform(ST_SetSRID(ST_MakePoint(x, y), $2::int), 4490)
         FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::numeric[], $9::numeric[], $10::float8[], $11::float8[], $12::text[], $13::bool[], $14::text[], $15::text[])
           AS t(no, cat, sub, feat, app, ground, depth, x, y, valve, src, road, owner)`,
      [importId, input.srid, points.map((p) => p.pointNo), points.map((p) => pointCat.get(p.pointNo)!.category), points.map((p) => pointCat.get(p.pointNo)!.subcategory),
        points.map((p) => p.feature), points.map((p) => p.appurtenance), points.map((p) => p.ground), points.map((p) => p.depth), points.map((p) => p.x), points.map((p) => p.y),
        points.map((p) => p.valveState), points.map((p) => p.appurtenance !== null && SOURCE_APPURTENANCES.has(p.appurtenance)), points.map((p) => p.road), points.map((p) => p.owner)],
    );
    await client.query(
      `INSERT INTO pipe.segments (line_no, category, subcategory, start_point_id, end_point_id, start_depth, end_depth, start_elev, end_elev, elev_ref, diameter_mm, material,
         owner_unit, shape, width_mm, height_mm, embedding, pressure_class, pressure_mpa, voltage_kv, install_year, road_name, location, status, import_id, geom)
       SELECT coalesce(t.line_no, 'I' || $1::bigint || '-' || t.row_no), t.cat, t.sub, a.id, b.id, t.sd, t.ed, t.se, t.ee, t.ref, t.dia, t.mat,
              t.owner, CASE WHEN t.dia IS NULL AND t.w IS NOT NULL THEN 'R' ELSE 'C' END, t.w, t.h, t.emb, t.pc, t.mpa, t.kv, t.yr, t.road, t.loc, coalesce(t.st, 0), $1, ST_MakeLine(a.geom, b.geom)
         FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::numeric[], $8::numeric[], $9::numeric[], $10::numeric[], $11::text[], $12::int[], $13::text[], $14::text[],
                     $15::text[], $16::int[], $17::int[], $18::text[], $19::text[], $20::numeric[], $21::numeric[], $22::int[], $23::text[], $24::text[], $25::int[])
           AS t(row_no, s, e, cat, sub, sd, ed, se, ee, ref, dia, mat, owner, line_no, w, h, emb, pc, mpa, kv, yr, road, loc, st)
         JOIN pipe.points a ON a.point_no = t.s AND a.import_id = $1
         JOIN pipe.points b ON b.point_no = t.e AND b.import_id = $1`,
      [importId, segs.map((s) => s.line.row), segs.map((s) => s.line.start), segs.map((s) => s.line.end), segs.map((s) => s.cat.category), segs.map((s) => s.cat.subcategory),
        segs.map((s) => s.startDepth), segs.map((s) => s.endDepth), segs.map((s) => s.startElev), segs.map((s) => s.endElev), segs.map((s) => (s.cat.gravity ? 'B' : 'T')),
        segs.map((s) => s.line.diameter), segs.map((s) => s.material), segs.map((s) => s.line.owner), segs.map((s) => s.line.lineNo), segs.map((s) => s.line.widthMm),
        segs.map((s) => s.line.heightMm), segs.map((s) => s.line.embedding), segs.map((s) => s.line.pressureClass), segs.map((s) => s.line.pressureMpa), segs.map((s) => s.line.voltageKv),
        segs.map((s) => s.line.installYear), segs.map((s) => s.line.road), segs.map((s) => s.line.location), segs.map((s) => s.line.status)],
    );
    const report: ImportReport = { importId, committed: true, summary, ...base };
    await client.query(`UPDATE pipe.imports SET report = $2 WHERE id = $1`, [importId, JSON.stringify(report)]);
    await client.query('COMMIT');
    return report;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export async function importReport(pool: Pool, id: number): Promise<ImportReport | undefined> {
  const { rows } = await pool.query<{ report: ImportReport }>(`SELECT report FROM pipe.imports WHERE id = $1`, [id]);
  return rows[0]?.report;
}
