/** The title bar: layer-panel toggle, title, the change report (变化检测) and the language switch. */
import type { AppState } from '../app-state.ts';
import { setLang, setPanelOpen, setSidePanel, setWorkspace } from '../app-state.ts';
import { clearChangeReport } from '../change-report-state.ts';
import { localize, translate } from '../i18n.ts';
import { WORKSPACES } from '../workspaces/registry.ts';
import type { Store } from '../store.ts';
import { useStore } from '../store.ts';
import { LoginBox } from './login-box.tsx';

export function TopBar({ store, title }: { readonly store: Store<AppState>; readonly title: string }) {
  const lang = useStore(store, (s) => s.lang);
  const panelOpen = useStore(store, (s) => s.panelOpen);
  const changesOpen = useStore(store, (s) => s.sidePanel === 'changes');
  const workspace = useStore(store, (s) => s.workspace);
  const other = lang === 'zh' ? 'en' : 'zh';
  return (
    <header className="top-bar">
      <button
        type="button"
        className="panel-toggle"
        aria-controls="layer-panel"
        aria-expanded={panelOpen}
        aria-label={translate(lang, panelOpen ? 'closeLayers' : 'openLayers')}
        data-testid="panel-toggle"
        onClick={() => store.update((s) => setPanelOpen(s, !s.panelOpen))}
      >
        <svg aria-hidden="true" viewBox="0 0 20 20" width="18" height="18">
          <path d="M10 2 1 6.5l9 4.5 9-4.5L10 2Zm-7 8 7 3.5 7-3.5 2 1-9 4.5L1 11l2-1Z" fill="currentColor" />
        </svg>
        <span className="panel-toggle-text">{translate(lang, 'layers')}</span>
      </button>
      <h1 className="app-title" title={title}>{title}</h1>
      <nav className="workspace-tabs" aria-label={translate(lang, 'workspaces')}>
        <button
          type="button"
          className="workspace-tab"
          aria-pressed={workspace === null}
          data-testid="workspace-tab-onemap"
          onClick={() => store.update((s) => setWorkspace(s, null))}
        >
          {translate(lang, 'oneMap')}
        </button>
        {WORKSPACES.map((w) => (
          <button
            key={w.id}
            type="button"
            className="workspace-tab"
            aria-pressed={workspace === w.id}
            data-testid={`workspace-tab-${w.id}`}
            onClick={() => store.update((s) => setWorkspace(s, s.workspace === w.id ? null : w.id))}
          >
            {localize(w.title, lang)}
          </button>
        ))}
      </nav>
      <button
        type="button"
        className="changes-toggle"
        aria-pressed={changesOpen}
        data-testid="changes-toggle"
        onClick={() => store.update((s) => (s.sidePanel === 'changes' ? setSidePanel(clearChangeReport(s), 'none') : setSidePanel(s, 'changes')))}
      >
        <svg aria-hidden="true" viewBox="0 0 20 20" width="16" height="16">
          <path d="M3 3h6v6H3V3Zm8 8h6v6h-6v-6ZM11 3h6v6h-6V3Zm-8 8h6v6H3v-6Z" fill="none" stroke="currentColor" strokeWidth="1.6" />
        </svg>
        <span className="changes-toggle-text">{translate(lang, 'changes')}</span>
      </button>
      <LoginBox lang={lang} />
      <button
        type="button"
        className="language-switch"
        lang={other === 'en' ? 'en' : 'zh-CN'}
        aria-label={translate(lang, 'switchLanguage')}
        data-testid="language-switch"
        onClick={() => store.update((s) => setLang(s, other))}
      >
        {translate(lang, 'languageButton')}
      </button>
    </header>
  );
}
