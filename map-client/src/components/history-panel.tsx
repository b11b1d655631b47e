/**
 * A feature's history (历史版本), opened from the identify popup: every version with its validity
 * in Beijing time, who changed it and why, and what changed against the version before (old →
 * new). Clicking a version moves the global time cursor to when it took effect, so the map shows
 * it; the version drawn at the cursor is marked. Re-fetched after an edit of the layer.
 */
import { useEffect, useState } from 'react';
import type { AppState } from '../app-state.ts';
import { setSidePanel, setTime } from '../app-state.ts';
import type { ApiProblem } from '../api-problem.ts';
import type { CatalogLayer } from '../catalog-document.ts';
import { findLayer } from '../catalog-document.ts';
import { fetchHistory } from '../feature-api.ts';
import { localize, translate, type Lang } from '../i18n.ts';
import { formatPropertyValue } from '../property-format.ts';
import { formatDisplay } from '../shanghai-time.ts';
import type { Store } from '../store.ts';
import { useStore } from '../store.ts';
import { describeVersions, versionAt, type VersionRow } from '../version-diff.ts';
import { ProblemText } from './problem-text.tsx';

type Loaded = { readonly key: string } & ({ readonly rows: readonly VersionRow[] } | { readonly problem: ApiProblem });

export function HistoryPanel({ store }: { readonly store: Store<AppState> }) {
  const lang = useStore(store, (s) => s.lang);
  const target = useStore(store, (s) => s.history);
  const catalog = useStore(store, (s) => s.catalog);
  const time = useStore(store, (s) => s.time);
  const layer = target && catalog ? findLayer(catalog, target.layerId) : undefined;
  const revision = useStore(store, (s) => (target ? (s.dataRevision[target.layerId] ?? 0) : 0));
  const key = target ? `${target.layerId}/${target.featureId}/${revision}` : '';
  const [loaded, setLoaded] = useState<Loaded | null>(null);

  useEffect(() => {
    if (!target || !layer) return undefined;
    const controller = new AbortController();
    const order = layer.properties.map((p) => p.name);
    void fetchHistory(layer, target.featureId, controller.signal).then((result) => {
      if (controller.signal.aborted) return;
      setLoaded(result.ok ? { key, rows: describeVersions(result.value.versions, order) } : { key, problem: result.problem });
    });
    return () => controller.abort();
  }, [key, target, layer]);

  if (!target || !layer) return null;
  const current = loaded?.key === key ? loaded : null;
  const title = translate(lang, 'historyOf', { layer: localize(layer.title, lang), id: String(target.featureId) });
  const shown = current && 'rows' in current ? versionAt(current.rows, time, Date.now()) : undefined;

  return (
    <aside className="side-panel" aria-label={`${translate(lang, 'historyTitle')}: ${title}`} data-testid="history-panel">
      <header className="side-panel-header">
        <div>
          <h2>{translate(lang, 'historyTitle')}</h2>
          <p className="side-panel-subtitle">{title}</p>
        </div>
        <button type="button" className="panel-close" aria-label={translate(lang, 'closePanel')} data-testid="history-close" onClick={() => store.update((s) => setSidePanel(s, 'none'))}>
          ×
        </button>
      </header>
      {!current && <p className="panel-status" role="status">{translate(lang, 'historyLoading')}</p>}
      {current && 'problem' in current && (
        <p className="panel-status panel-error" role="alert">
          {translate(lang, 'historyFailed')}: <ProblemText problem={current.problem} lang={lang} />
        </p>
      )}
      {current && 'rows' in current && (
        <ol className="version-list">
          {current.rows.map((row) => (
            <VersionItem
              key={row.version}
              row={row}
              layer={layer}
              lang={lang}
              shown={row.version === shown}
              onShow={() => store.update((s) => setTime(s, row.validFromMs, Date.now()))}
            />
          ))}
        </ol>
      )}
    </aside>
  );
}

function VersionItem(props: { readonly row: VersionRow; readonly layer: CatalogLayer; readonly lang: Lang; readonly shown: boolean; readonly onShow: () => void }) {
  const { row, layer, lang } = props;
  const until = row.validToMs === null ? translate(lang, 'validToNow') : formatDisplay(row.validToMs);
  const titleOf = (name: string) => {
    const spec = layer.properties.find((p) => p.name === name);
    return spec ? localize(spec.title, lang) : name;
  };
  const valueOf = (name: string, value: unknown) => {
    const spec = layer.properties.find((p) => p.name === name);
    return spec ? formatPropertyValue(layer, spec, value, lang) : String(value ?? '—');
  };
  return (
    <li className={props.shown ? 'version version-shown' : 'version'} data-testid="history-version" data-version={row.version}>
      <button type="button" className="version-head" title={translate(lang, 'showVersionAt')} aria-current={props.shown ? 'time' : undefined} onClick={props.onShow}>
        <span className="version-id">{translate(lang, 'versionLabel', { version: String(row.version) })}</span>
        {props.shown && <span className="badge badge-shown">{translate(lang, 'shownOnMap')}</span>}
        <span className="version-time">{translate(lang, 'validRange', { from: formatDisplay(row.validFromMs), to: until })}</span>
      </button>
      <div className="version-meta">
        <span>
          {translate(lang, 'changedBy')}: {row.changedBy}
        </span>
        {row.comment && (
          <span>
            {translate(lang, 'comment')}: {row.comment}
          </span>
        )}
      </div>
      {row.kind === 'created' && <span className="badge badge-created">{translate(lang, 'created')}</span>}
      {row.geometryChanged && <span className="badge badge-geometry">{translate(lang, 'geometryChanged')}</span>}
      {row.kind === 'changed' && row.changes.length === 0 && !row.geometryChanged && <p className="version-note">{translate(lang, 'noPropertyChange')}</p>}
      {row.changes.length > 0 && (
        <dl className="version-changes">
          {row.changes.map((change) => (
            <div key={change.name} className="version-change" data-property={change.name}>
              <dt>{titleOf(change.name)}</dt>
              <dd>
                {row.kind === 'changed' && (
                  <>
                    <del>{valueOf(change.name, change.before)}</del>
                    <span aria-hidden="true"> → </span>
                  </>
                )}
                <ins>{valueOf(change.name, change.after)}</ins>
              </dd>
            </div>
          ))}
        </dl>
      )}
      {row.ended && row.validToMs !== null && <p className="version-ended">{translate(lang, 'deletedAt', { time: formatDisplay(row.validToMs) })}</p>}
    </li>
  );
}
