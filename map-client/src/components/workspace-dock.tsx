/**
 * The docked panel a thematic workspace renders into. The workspace component is keyed by its id,
 * so switching workspace unmounts the old one (which removes its map layers) before the new one
 * mounts.
 */
import { Suspense } from 'react';
import type OlMap from 'ol/Map.js';
import type { AppState } from '../app-state.ts';
import { setWorkspace } from '../app-state.ts';
import { localize, translate } from '../i18n.ts';
import type { Store } from '../store.ts';
import { useStore } from '../store.ts';
import { workspaceEntry } from '../workspaces/registry.ts';
import type { WorkspaceId } from '../workspaces/workspace-ids.ts';

export interface WorkspaceDockProps {
  readonly store: Store<AppState>;
  readonly map: OlMap;
  readonly workspace: WorkspaceId;
}

export function WorkspaceDock({ store, map, workspace }: WorkspaceDockProps) {
  const lang = useStore(store, (s) => s.lang);
  const entry = workspaceEntry(workspace);
  if (!entry) return null;
  const Component = entry.component;
  const title = localize(entry.title, lang);
  return (
    <section className="workspace-panel" aria-label={title} data-testid={`workspace-${workspace}`}>
      <header className="workspace-panel-header">
        <h2>{title}</h2>
        <button
          type="button"
          className="workspace-close"
          aria-label={translate(lang, 'closeWorkspace')}
          onClick={() => store.update((s) => setWorkspace(s, null))}
        >
          ×
        </button>
      </header>
      <div className="workspace-panel-body">
        <Suspense fallback={<p className="workspace-loading">{translate(lang, 'loading')}</p>}>
          <Component key={workspace} store={store} map={map} lang={lang} />
        </Suspense>
      </div>
    </section>
  );
}
