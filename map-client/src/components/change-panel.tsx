/**
 * The change report view (变化检测): a versioned layer, two dates (Beijing time, whole days) and
 * optionally only the current view; the answer is drawn on the map above every layer (added
 * green, removed red, changed orange, change-layer.ts) with its counts here, and for land cover
 * the class transition table. Clearing (or closing) removes the layer from the map.
 */
import { useState } from 'react';
import type { AppState } from '../app-state.ts';
import { setSidePanel } from '../app-state.ts';
import { runChangeReport } from '../change-actions.ts';
import type { ChangeKind } from '../change-api.ts';
import { CHANGE_COLOURS } from '../change-colours.ts';
import { changeForm, changeQueryOf, clearChangeReport, reportableLayers, setChangeForm } from '../change-report-state.ts';
import { htmlLang, localize, translate, type MessageKey } from '../i18n.ts';
import { formatDate } from '../shanghai-time.ts';
import type { Store } from '../store.ts';
import { useStore } from '../store.ts';
import { ProblemText } from './problem-text.tsx';
import { TransitionTableView } from './transition-table-view.tsx';

const KINDS: readonly { readonly kind: ChangeKind; readonly key: MessageKey }[] = [
  { kind: 'added', key: 'changesAdded' },
  { kind: 'removed', key: 'changesRemoved' },
  { kind: 'changed', key: 'changesChanged' },
];

export function ChangePanel({ store }: { readonly store: Store<AppState> }) {
  const lang = useStore(store, (s) => s.lang);
  const changes = useStore(store, (s) => s.changes);
  const catalog = useStore(store, (s) => s.catalog);
  const viewExtent = useStore(store, (s) => s.viewExtent);
  // The defaults (from the cursor or five years back, to today) are taken when the panel opens.
  const [openedAt] = useState(Date.now);
  const state = store.getState();
  const form = changeForm(state, openedAt);
  const layers = catalog ? reportableLayers(state) : [];
  const query = changeQueryOf(form, viewExtent);
  const close = () => store.update((s) => setSidePanel(clearChangeReport(s), 'none'));
  const report = changes.status === 'ready' ? changes.report : null;
  const numbers = new Intl.NumberFormat(htmlLang(lang));

  return (
    <aside className="side-panel" aria-label={translate(lang, 'changesTitle')} data-testid="change-panel">
      <header className="side-panel-header">
        <h2>{translate(lang, 'changesTitle')}</h2>
        <button type="button" className="panel-close" aria-label={translate(lang, 'closePanel')} data-testid="change-close" onClick={close}>
          ×
        </button>
      </header>
      <form
        className="change-form"
        onSubmit={(event) => {
          event.preventDefault();
          if (query) void runChangeReport(store, query);
        }}
      >
        <label className="change-field">
          <span>{translate(lang, 'changesLayer')}</span>
          <select
            value={form.layerId ?? ''}
            data-testid="change-layer"
            onChange={(event) => {
              const layerId = event.currentTarget.value;
              store.update((s) => setChangeForm(s, { layerId }));
            }}
          >
            {layers.map((l) => (
              <option key={l.id} value={l.id}>
                {localize(l.title, lang)}
              </option>
            ))}
          </select>
        </label>
        <div className="change-dates">
          <label className="change-field">
            <span>{translate(lang, 'changesFrom')}</span>
            <input
              type="date"
              value={form.fromDate}
              data-testid="change-from"
              onChange={(event) => {
                const fromDate = event.currentTarget.value;
                store.update((s) => setChangeForm(s, { fromDate }));
              }}
            />
          </label>
          <label className="change-field">
            <span>{translate(lang, 'changesTo')}</span>
            <input
              type="date"
              value={form.toDate}
              data-testid="change-to"
              onChange={(event) => {
                const toDate = event.currentTarget.value;
                store.update((s) => setChangeForm(s, { toDate }));
              }}
            />
          </label>
        </div>
        <label className="change-check">
          <input
            type="checkbox"
            checked={form.inView}
            data-testid="change-in-view"
            onChange={(event) => {
              const inView = event.currentTarget.checked;
              store.update((s) => setChangeForm(s, { inView }));
            }}
          />
          <span>{translate(lang, 'changesInView')}</span>
        </label>
        <div className="change-actions">
          <button type="submit" className="edit-primary" disabled={!query || changes.status === 'loading'} data-testid="change-run">
            {translate(lang, 'changesRun')}
          </button>
          <button type="button" disabled={changes.status === 'idle'} data-testid="change-clear" onClick={() => store.update(clearChangeReport)}>
            {translate(lang, 'changesClear')}
          </button>
        </div>
      </form>
      {changes.status === 'loading' && <p className="panel-status" role="status">{translate(lang, 'changesLoading')}</p>}
      {changes.status === 'error' && changes.problem && (
        <p className="panel-status panel-error" role="alert" data-testid="change-problem">
          {translate(lang, 'changesFailed')}: <ProblemText problem={changes.problem} lang={lang} />
        </p>
      )}
      {report && (
        <section className="change-result" data-testid="change-result">
          <ul className="change-summary" aria-label={translate(lang, 'changesTitle')}>
            {KINDS.map(({ kind, key }) => (
              <li key={kind} className="change-count" data-testid={`change-count-${kind}`} data-count={report.summary[kind]}>
                <span className="swatch swatch-fill" style={{ backgroundColor: CHANGE_COLOURS[kind] }} aria-hidden="true" />
                <span>{translate(lang, key)}</span>
                <strong>{numbers.format(report.summary[kind])}</strong>
              </li>
            ))}
          </ul>
          {report.truncated && (
            <p className="panel-status" role="note">
              {translate(lang, 'changesTruncated', { count: numbers.format(report.features.features.length) })}
            </p>
          )}
          {report.summary.added + report.summary.removed + report.summary.changed === 0 && <p className="panel-status">{translate(lang, 'changesNone')}</p>}
          {changes.transitions && changes.query && (
            <TransitionTableView
              report={changes.transitions}
              lang={lang}
              fromDate={formatDate(changes.query.fromMs)}
              toDate={formatDate(changes.query.toMs - 1)}
            />
          )}
        </section>
      )}
    </aside>
  );
}
