/**
 * The survey tables as an XLSX workbook (管线点成果表 + 管线线表, one sheet each), read and written
 * with exceljs: maintained, pure JavaScript (no binary download at install), reads and writes the
 * same format. SheetJS's npm release (`xlsx` 0.18.5) is years behind its own fixes, so not that.
 * Cells become the strings the CSV path sees, so both formats share one parser and one QA.
 */
import ExcelJS from 'exceljs';
import { BadRequestError } from '../errors.ts';

export const POINT_SHEET = '管线点成果表';
export const LINE_SHEET = '管线线表';
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export type Cell = string | number | null;

/** Largest sheet read (rows); a survey of one district is tens of thousands. */
const MAX_ROWS = 300_000;

/** One cell's value as the text a CSV would hold (numbers in full precision). */
export function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v && Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return cellText((v as { result?: ExcelJS.CellValue }).result ?? null);
    if ('text' in v && typeof v.text === 'string') return v.text;
  }
  return '';
}

function sheetRows(sheet: ExcelJS.Worksheet): string[][] {
  if (sheet.rowCount > MAX_ROWS) throw new BadRequestError(`工作表 ${sheet.name} 超过 ${MAX_ROWS} 行 / sheet ${sheet.name} has more than ${MAX_ROWS} rows`, { parameter: 'body' });
  const rows: string[][] = [];
  // Keep sheet row numbers: a blank row stays as an empty row, so findings point at the right row.
  for (let r = 1; r <= sheet.rowCount; r++) {
    const values = sheet.getRow(r).values;
    const cells = Array.isArray(values) ? values.slice(1) : [];
    rows.push(Array.from(cells, (c) => cellText(c ?? null).trim()));
  }
  return rows;
}

/** Reads the two survey sheets (by name, else the first two sheets) as header-first cell rows. */
export async function readSurveyWorkbook(bytes: Buffer): Promise<{ points: string[][]; lines: string[][] }> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw new BadRequestError('不是有效的 XLSX 文件 / the body is not a readable XLSX workbook', { parameter: 'body' });
  }
  const sheets = wb.worksheets;
  const points = wb.getWorksheet(POINT_SHEET) ?? sheets[0];
  const lines = wb.getWorksheet(LINE_SHEET) ?? sheets.find((s) => s !== points);
  if (points === undefined || lines === undefined)
    throw new BadRequestError(`工作簿需含 ${POINT_SHEET} 与 ${LINE_SHEET} 两张表 / the workbook needs the sheets ${POINT_SHEET} and ${LINE_SHEET}`, { parameter: 'body' });
  return { points: sheetRows(points), lines: sheetRows(lines) };
}

/** Writes the two tables (header first) as one workbook. */
export async function writeSurveyWorkbook(points: readonly (readonly Cell[])[], lines: readonly (readonly Cell[])[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'onemap';
  for (const [name, rows] of [[POINT_SHEET, points], [LINE_SHEET, lines]] as const) {
    const sheet = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
    for (const row of rows) sheet.addRow(row as Cell[]);
    sheet.getRow(1).font = { bold: true };
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
