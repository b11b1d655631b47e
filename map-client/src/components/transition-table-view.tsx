/**
 * The land-cover transition matrix (地类转移矩阵): rows the class at the earlier date, columns the
 * class at the later date, hectares in the cells (the diagonal, unchanged area, greyed), totals
 * on both margins, and the changed area with its share.
 */
import type { TransitionReport } from '../change-api.ts';
import { htmlLang, translate, type Lang } from '../i18n.ts';
import { formatHectares, shapeTransitionTable } from '../transition-table.ts';

export interface TransitionTableProps {
  readonly report: TransitionReport;
  readonly lang: Lang;
  /** The two dates as the user chose them (the last one inclusive). */
  readonly fromDate: string;
  readonly toDate: string;
}

export function TransitionTableView({ report, lang, fromDate: from, toDate: to }: TransitionTableProps) {
  const table = shapeTransitionTable(report, lang);
  const locale = htmlLang(lang);
  const share = table.totalHectares > 0 ? new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(table.changedHectares / table.totalHectares) : '—';
  return (
    <section className="transitions" data-testid="transition-table">
      <h3>{translate(lang, 'transitionsTitle')}</h3>
      <p className="transitions-note">
        {translate(lang, 'transitionsFromTo', { from, to })} ·{' '}
        {translate(lang, 'changedArea', { changed: formatHectares(table.changedHectares, locale) || '0', share })}
      </p>
      <div className="transitions-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col" className="transitions-corner">
                {from} ↓<br />
                {to} →
              </th>
              {table.columns.map((code) => (
                <th key={code} scope="col" data-code={code}>
                  {table.names[code]}
                </th>
              ))}
              <th scope="col">{translate(lang, 'total')}</th>
            </tr>
          </thead>
          <tbody>
            {table.rows.map((rowCode, i) => (
              <tr key={rowCode}>
                <th scope="row" data-code={rowCode}>
                  {table.names[rowCode]}
                </th>
                {table.columns.map((columnCode, j) => (
                  <td key={columnCode} className={rowCode === columnCode ? 'transitions-same' : undefined} data-from={rowCode} data-to={columnCode}>
                    {formatHectares(table.cells[i]?.[j] ?? 0, locale)}
                  </td>
                ))}
                <td className="transitions-total">{formatHectares(table.rowTotals[i] ?? 0, locale)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{translate(lang, 'total')}</th>
              {table.columnTotals.map((value, j) => (
                <td key={table.columns[j]} className="transitions-total">
                  {formatHectares(value, locale)}
                </td>
              ))}
              <td className="transitions-total">{formatHectares(table.totalHectares, locale)}</td>
            </tr>
          </tfoot>
        </table>
      </div>
      <p className="transitions-note">{translate(lang, 'areaMethod')}</p>
    </section>
  );
}
