/**
 * 管线探测成果导入 (survey import), pure part: the two tables (CSV text, or cell rows read from an
 * XLSX workbook by pipe-survey-xlsx.ts) → typed point and line rows plus the findings that need no
 * database (parse errors, duplicates, swapped X/Y, coincident points, impossible depths, dangling
 * points, missing point references). Row numbers are CSV line numbers or spreadsheet row numbers
 * (the header is row 1). The columns are those pipe-survey-export.ts writes (SURVEY_POINT_COLUMNS,
 * SURVEY_LINE_COLUMNS), so an exported survey imports unchanged; only the first few are required.
 */

export type Severity = 'error' | 'warning';

export interface Finding {
  readonly table: 'points' | 'lines';
  readonly row: number;
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
}

export interface PointRow {
  readonly row: number;
  readonly pointNo: string;
  x: number;
  y: number;
  readonly ground: number | null;
  readonly code: string;
  readonly feature: string | null;
  readonly appurtenance: string | null;
  readonly depth: number | null;
  readonly valveState: string | null;
  readonly road: string | null;
  readonly owner: string | null;
}

export interface LineRow {
  readonly row: number;
  readonly start: string;
  readonly end: string;
  readonly startDepth: number | null;
  readonly endDepth: number | null;
  readonly diameter: number | null;
  readonly material: string | null;
  readonly owner: string | null;
  /** 管线编号; null → the import numbers the line itself. */
  readonly lineNo: string | null;
  /** 断面尺寸 宽×高 (mm) of a rectangular section (管块, 方沟). */
  readonly widthMm: number | null;
  readonly heightMm: number | null;
  readonly embedding: string | null;
  readonly pressureClass: string | null;
  readonly pressureMpa: number | null;
  readonly voltageKv: number | null;
  readonly installYear: number | null;
  readonly road: string | null;
  readonly location: 'carriageway' | 'sidewalk' | null;
  readonly status: number | null;
}

/**
 * The survey tables' columns, in the order the export writes them (CJJ 61 管线点成果表 and 线表).
 * The first header of each entry is written; the import also accepts the other spellings.
 */
export const SURVEY_POINT_COLUMNS = ['点号', 'X', 'Y', '地面高程', '类别', '特征', '附属物', '埋深', '阀门状态', '所在道路', '权属单位'] as const;
export const SURVEY_LINE_COLUMNS = [
  '管线编号', '起点号', '终点号', '起点埋深', '终点埋深', '管径', '断面尺寸', '材质', '埋设方式', '压力级制', '设计压力', '电压', '建设年代', '权属单位', '所在道路', '位置', '状态',
] as const;

/** 位置 column: 车行道 / 人行道 (or the stored English words). */
const LOCATIONS: Record<string, 'carriageway' | 'sidewalk'> = { 车行道: 'carriageway', carriageway: 'carriageway', 人行道: 'sidewalk', sidewalk: 'sidewalk' };
export const LOCATION_ZH: Record<'carriageway' | 'sidewalk', string> = { carriageway: '车行道', sidewalk: '人行道' };
const VALVE_STATES = new Set(['开', '关', '故障']);

export const MAX_DEPTH_M = 15;
export const COINCIDENT_M = 0.05;

const POINT_HEADERS: Record<string, string> = {
  点号: 'pointNo', point_no: 'pointNo', pointno: 'pointNo', id: 'pointNo',
  x: 'x', easting: 'x', y: 'y', northing: 'y',
  地面高程: 'ground', ground_elev: 'ground', ground: 'ground', elevation: 'ground',
  类别: 'code', category: 'code', code: 'code',
  特征: 'feature', feature: 'feature',
  附属物: 'appurtenance', appurtenance: 'appurtenance',
  埋深: 'depth', depth: 'depth',
  阀门状态: 'valveState', valve_state: 'valveState',
  所在道路: 'road', road_name: 'road', road: 'road',
  权属单位: 'owner', owner: 'owner', owner_unit: 'owner',
};
const LINE_HEADERS: Record<string, string> = {
  起点号: 'start', start: 'start', start_point: 'start', from: 'start',
  终点号: 'end', end: 'end', end_point: 'end', to: 'end',
  起点埋深: 'startDepth', start_depth: 'startDepth',
  终点埋深: 'endDepth', end_depth: 'endDepth',
  管径: 'diameter', diameter: 'diameter', diameter_mm: 'diameter',
  材质: 'material', material: 'material',
  权属单位: 'owner', owner: 'owner', owner_unit: 'owner',
  管线编号: 'lineNo', line_no: 'lineNo',
  断面尺寸: 'section', section: 'section',
  埋设方式: 'embedding', embedding: 'embedding',
  压力级制: 'pressureClass', pressure_class: 'pressureClass',
  设计压力: 'pressureMpa', pressure_mpa: 'pressureMpa',
  电压: 'voltage', voltage_kv: 'voltage',
  建设年代: 'installYear', install_year: 'installYear',
  所在道路: 'road', road_name: 'road', road: 'road',
  位置: 'location', location: 'location',
  状态: 'status', status: 'status',
};
const REQUIRED_POINT = ['pointNo', 'x', 'y', 'code'];
const REQUIRED_LINE = ['start', 'end'];

/** RFC 4180-ish: quoted fields with "" escapes, CRLF or LF, a leading BOM. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) { row.push(field); rows.push(row); }
  return rows;
}

interface Table { readonly records: { row: number; get: (k: string) => string }[] }

function table(rows: readonly (readonly string[])[], name: 'points' | 'lines', aliases: Record<string, string>, required: string[], findings: Finding[]): Table {
  const header = rows[0] ?? [];
  const index = new Map<string, number>();
  header.forEach((h, i) => {
    const key = aliases[h.trim()] ?? aliases[h.trim().toLowerCase()];
    if (key !== undefined && !index.has(key)) index.set(key, i);
  });
  const missing = required.filter((k) => !index.has(k));
  if (missing.length) {
    findings.push({ table: name, row: 1, code: 'MISSING_COLUMN', severity: 'error', message: `缺少列 / missing column(s): ${missing.join(', ')}` });
    return { records: [] };
  }
  const records: Table['records'] = [];
  for (let r = 1; r < rows.length; r++) {
    const cells = rows[r]!;
    if (cells.every((c) => c.trim() === '')) continue;
    records.push({ row: r + 1, get: (k) => (cells[index.get(k) ?? -1] ?? '').trim() });
  }
  return { records };
}

function num(v: string, findings: Finding[], t: 'points' | 'lines', row: number, col: string, required = false): number | null {
  if (v === '') {
    if (required) findings.push({ table: t, row, code: 'PARSE_ERROR', severity: 'error', message: `${col} 为空 / ${col} is empty` });
    return null;
  }
  const n = /^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n)) {
    findings.push({ table: t, row, code: 'PARSE_ERROR', severity: 'error', message: `${col} 不是数字 / ${col} is not a number: "${v.slice(0, 20)}"` });
    return null;
  }
  return n;
}

function depthCheck(d: number | null, t: 'points' | 'lines', row: number, col: string, findings: Finding[]): void {
  if (d !== null && (d < 0 || d > MAX_DEPTH_M))
    findings.push({ table: t, row, code: 'IMPOSSIBLE_DEPTH', severity: 'error', message: `${col} ${d} m 不合理 (应在 0–${MAX_DEPTH_M} m) / impossible depth` });
}

type LineExtras = Pick<LineRow, 'lineNo' | 'widthMm' | 'heightMm' | 'embedding' | 'pressureClass' | 'pressureMpa' | 'voltageKv' | 'installYear' | 'road' | 'location' | 'status'>;

/** The optional line columns; a bad value is a PARSE_ERROR finding. */
function lineExtras(rec: { row: number; get: (k: string) => string }, findings: Finding[]): LineExtras {
  const bad = (col: string, v: string, want: string) =>
    findings.push({ table: 'lines', row: rec.row, code: 'PARSE_ERROR', severity: 'error', message: `${col} "${v.slice(0, 20)}" 无效 / ${col} must be ${want}` });
  const lineNo = rec.get('lineNo') || null;
  if (lineNo !== null && !/^[A-Za-z0-9_-]{1,32}$/.test(lineNo)) bad('管线编号', lineNo, 'letters, digits, _ - (≤ 32)');
  let widthMm: number | null = null;
  let heightMm: number | null = null;
  const section = rec.get('section');
  if (section !== '') {
    const m = /^(\d{1,5})\s*[×xX*]\s*(\d{1,5})$/.exec(section);
    if (m && Number(m[1]) > 0 && Number(m[2]) > 0) [widthMm, heightMm] = [Number(m[1]), Number(m[2])];
    else bad('断面尺寸', section, 'width×height in mm, e.g. 600×400');
  }
  const pressureMpa = num(rec.get('pressureMpa'), findings, 'lines', rec.row, '设计压力');
  const voltageKv = num(rec.get('voltage'), findings, 'lines', rec.row, '电压');
  const yearText = rec.get('installYear');
  const installYear = num(yearText, findings, 'lines', rec.row, '建设年代');
  if (installYear !== null && (!Number.isInteger(installYear) || installYear < 1900 || installYear > 2100)) bad('建设年代', yearText, 'a year 1900–2100');
  const locText = rec.get('location');
  const location = locText === '' ? null : (LOCATIONS[locText] ?? null);
  if (locText !== '' && location === null) bad('位置', locText, '车行道 or 人行道');
  const statusText = rec.get('status');
  const status = statusText === '' ? null : /^[0-3]$/.test(statusText) ? Number(statusText) : null;
  if (statusText !== '' && status === null) bad('状态', statusText, '0 在用, 1 废弃, 2 空管 or 3 其他');
  return {
    lineNo, widthMm, heightMm, embedding: rec.get('embedding').toUpperCase() || null, pressureClass: rec.get('pressureClass') || null, pressureMpa, voltageKv, installYear,
    road: rec.get('road') || null, location, status,
  };
}

export interface ParsedSurvey {
  readonly points: PointRow[];
  readonly lines: LineRow[];
  readonly findings: Finding[];
}

/** Parses both CSV tables and runs every check that needs no database. */
export function parseSurvey(pointsCsv: string, linesCsv: string): ParsedSurvey {
  return parseSurveyTables(parseCsv(pointsCsv), parseCsv(linesCsv));
}

/** The same for tables already split into cells (header first), e.g. read from XLSX sheets. */
export function parseSurveyTables(pointRows: readonly (readonly string[])[], lineRows: readonly (readonly string[])[]): ParsedSurvey {
  const findings: Finding[] = [];
  const points: PointRow[] = [];
  const lines: LineRow[] = [];
  const seen = new Map<string, number>();
  for (const rec of table(pointRows, 'points', POINT_HEADERS, REQUIRED_POINT, findings).records) {
    const pointNo = rec.get('pointNo');
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(pointNo)) {
      findings.push({ table: 'points', row: rec.row, code: 'PARSE_ERROR', severity: 'error', message: `点号无效 / invalid point number "${pointNo.slice(0, 40)}"` });
      continue;
    }
    const dup = seen.get(pointNo);
    if (dup !== undefined) {
      findings.push({ table: 'points', row: rec.row, code: 'DUPLICATE_POINT', severity: 'error', message: `点号 ${pointNo} 重复 (首次在第 ${dup} 行) / duplicate point number, first on row ${dup}` });
      continue;
    }
    seen.set(pointNo, rec.row);
    const n = findings.length;
    let x = num(rec.get('x'), findings, 'points', rec.row, 'X', true);
    let y = num(rec.get('y'), findings, 'points', rec.row, 'Y', true);
    const ground = num(rec.get('ground'), findings, 'points', rec.row, '地面高程');
    const depth = num(rec.get('depth'), findings, 'points', rec.row, '埋深');
    if (findings.length > n || x === null || y === null) continue;
    // GK northings in Zhejiang are ≈ 3 100 000 m; eastings (no zone prefix) are < 1 000 000 m.
    if (x > 1_000_000 && y < 1_000_000) {
      findings.push({ table: 'points', row: rec.row, code: 'SWAPPED_XY', severity: 'warning', message: `X (${x}) 像北坐标, 已与 Y 互换 / X looks like a northing; X and Y were swapped` });
      [x, y] = [y, x];
    } else if (x < 100_000 || x > 1_000_000 || y < 1_000_000 || y > 10_000_000) {
      findings.push({ table: 'points', row: rec.row, code: 'COORDINATE_OUT_OF_RANGE', severity: 'error', message: `坐标超出高斯-克吕格范围 / X=${x} Y=${y} are not 3° GK metres` });
      continue;
    }
    depthCheck(depth, 'points', rec.row, '埋深', findings);
    const valveState = rec.get('valveState') || null;
    if (valveState !== null && !VALVE_STATES.has(valveState)) {
      findings.push({ table: 'points', row: rec.row, code: 'PARSE_ERROR', severity: 'error', message: `阀门状态 "${valveState.slice(0, 8)}" 应为 开/关/故障 / valve state must be 开, 关 or 故障` });
      continue;
    }
    points.push({
      row: rec.row, pointNo, x, y, ground, code: rec.get('code').toUpperCase(), feature: rec.get('feature') || null, appurtenance: rec.get('appurtenance') || null, depth,
      valveState, road: rec.get('road') || null, owner: rec.get('owner') || null,
    });
  }
  // Coincident points: sort by x, compare neighbours within the tolerance.
  const byX = [...points].sort((a, b) => a.x - b.x);
  for (let i = 0; i < byX.length; i++) {
    for (let j = i + 1; j < byX.length && byX[j]!.x - byX[i]!.x < COINCIDENT_M; j++) {
      const [a, b] = [byX[i]!, byX[j]!];
      if (Math.hypot(a.x - b.x, a.y - b.y) < COINCIDENT_M) {
        const [first, second] = a.row < b.row ? [a, b] : [b, a];
        findings.push({ table: 'points', row: second.row, code: 'COINCIDENT_POINTS', severity: 'warning', message: `${second.pointNo} 与 ${first.pointNo} (第 ${first.row} 行) 相距 < ${COINCIDENT_M} m / coincident points` });
      }
    }
  }
  const byNo = new Map(points.map((p) => [p.pointNo, p]));
  const used = new Set<string>();
  const lineNos = new Map<string, number>();
  const pairs = new Map<string, number>();
  for (const rec of table(lineRows, 'lines', LINE_HEADERS, REQUIRED_LINE, findings).records) {
    const start = rec.get('start');
    const end = rec.get('end');
    const n = findings.length;
    const startDepth = num(rec.get('startDepth'), findings, 'lines', rec.row, '起点埋深');
    const endDepth = num(rec.get('endDepth'), findings, 'lines', rec.row, '终点埋深');
    const diameter = num(rec.get('diameter'), findings, 'lines', rec.row, '管径');
    if (start === '' || end === '') findings.push({ table: 'lines', row: rec.row, code: 'PARSE_ERROR', severity: 'error', message: '起点号/终点号为空 / start or end point number is empty' });
    else if (start === end) findings.push({ table: 'lines', row: rec.row, code: 'SELF_LOOP', severity: 'error', message: `起点号等于终点号 ${start} / start equals end` });
    if (diameter !== null && (diameter <= 0 || !Number.isInteger(diameter))) findings.push({ table: 'lines', row: rec.row, code: 'PARSE_ERROR', severity: 'error', message: `管径 ${diameter} 无效 / diameter must be a positive integer (mm)` });
    const extra = lineExtras(rec, findings);
    if (findings.length > n) continue;
    if (extra.lineNo !== null) {
      const first = lineNos.get(extra.lineNo);
      if (first !== undefined) {
        findings.push({ table: 'lines', row: rec.row, code: 'DUPLICATE_LINE', severity: 'error', message: `管线编号 ${extra.lineNo} 重复 (首次在第 ${first} 行) / duplicate line number, first on row ${first}` });
        continue;
      }
      lineNos.set(extra.lineNo, rec.row);
    }
    // The same pair of points joined twice, in either order (domain.md §1.10).
    const pair = start < end ? `${start}\u0000${end}` : `${end}\u0000${start}`;
    const twin = pairs.get(pair);
    if (twin !== undefined) findings.push({ table: 'lines', row: rec.row, code: 'DUPLICATE_SEGMENT', severity: 'warning', message: `${start}–${end} 与第 ${twin} 行重复 / the same two points are joined on row ${twin}` });
    else pairs.set(pair, rec.row);
    for (const ref of [start, end]) {
      used.add(ref);
      if (!byNo.has(ref)) findings.push({ table: 'lines', row: rec.row, code: 'MISSING_POINT', severity: 'error', message: `引用的点号 ${ref.slice(0, 32)} 不在点表中 / line references a missing point` });
    }
    depthCheck(startDepth, 'lines', rec.row, '起点埋深', findings);
    depthCheck(endDepth, 'lines', rec.row, '终点埋深', findings);
    lines.push({ row: rec.row, start, end, startDepth, endDepth, diameter, material: rec.get('material').toUpperCase() || null, owner: rec.get('owner') || null, ...extra });
  }
  for (const p of points)
    if (!used.has(p.pointNo) && p.appurtenance === null)
      findings.push({ table: 'points', row: p.row, code: 'DANGLING_POINT', severity: 'warning', message: `点 ${p.pointNo} 未被任何管线段使用 / point not used by any line` });
  return { points, lines, findings };
}

/** The report as CSV (table,row,code,severity,message). */
export function reportCsv(findings: readonly Finding[]): string {
  const q = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  return ['table,row,code,severity,message', ...findings.map((f) => [f.table, String(f.row), f.code, f.severity, q(f.message)].join(','))].join('\r\n') + '\r\n';
}
