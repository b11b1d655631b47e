/**
 * Shapes a land-cover transition matrix (a list of from → to areas) into the table the change
 * view shows: rows are the classes at the earlier date, columns the classes at the later date,
 * cells hectares, with row and column totals. Only classes that occur are shown, in the order
 * the server lists its classes (the catalogue's class order); the diagonal is the unchanged area.
 */
import type { TransitionReport } from './change-api.ts';
import type { Lang } from './i18n.ts';

export interface TransitionTable {
  /** Class codes of the rows (from) and columns (to). */
  readonly rows: readonly string[];
  readonly columns: readonly string[];
  /** Code → class name in the requested language (the code when the class is unknown). */
  readonly names: Readonly<Record<string, string>>;
  /** cells[row][column] in hectares; 0 where no area moved. */
  readonly cells: readonly (readonly number[])[];
  readonly rowTotals: readonly number[];
  readonly columnTotals: readonly number[];
  readonly totalHectares: number;
  /** Area whose class differs between the two dates (off the diagonal). */
  readonly changedHectares: number;
}

export function shapeTransitionTable(report: Pick<TransitionReport, 'classes' | 'matrix'>, lang: Lang): TransitionTable {
  const order = new Map(report.classes.map((c, i) => [c.code, i]));
  const byOrder = (a: string, b: string) => (order.get(a) ?? Infinity) - (order.get(b) ?? Infinity) || a.localeCompare(b);
  const entries = report.matrix.filter((m) => m.hectares > 0);
  const rows = [...new Set(entries.map((m) => m.from))].sort(byOrder);
  const columns = [...new Set(entries.map((m) => m.to))].sort(byOrder);
  const rowIndex = new Map(rows.map((code, i) => [code, i]));
  const columnIndex = new Map(columns.map((code, i) => [code, i]));
  const cells = rows.map(() => columns.map(() => 0));
  let changed = 0;
  for (const m of entries) {
    const row = cells[rowIndex.get(m.from)!]!;
    const column = columnIndex.get(m.to)!;
    row[column] = (row[column] ?? 0) + m.hectares;
    if (m.from !== m.to) changed += m.hectares;
  }
  const names: Record<string, string> = {};
  for (const c of report.classes) names[c.code] = typeof c.name === 'string' ? c.name : c.name[lang];
  for (const code of [...rows, ...columns]) names[code] ??= code;
  const rowTotals = cells.map((row) => sum(row));
  const columnTotals = columns.map((_, j) => sum(cells.map((row) => row[j] ?? 0)));
  return { rows, columns, names, cells, rowTotals, columnTotals, totalHectares: sum(rowTotals), changedHectares: changed };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Hectares for a table cell: two decimals, grouped in the language's style; blank for 0. */
export function formatHectares(value: number, locale: string): string {
  if (value === 0) return '';
  return new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(value);
}
