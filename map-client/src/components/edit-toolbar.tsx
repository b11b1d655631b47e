/**
 * The edit toolbar (编辑), shown while an editable layer is visible. Collapsed it is one button,
 * so a viewer is not in the way; expanded, the editing controls (edit-panel.tsx, with the
 * property form and the requests) load on first use.
 */
import { lazy, Suspense } from 'react';
import type { AppState } from '../app-state.ts';
import { currentEditLayer, setEditToolbarOpen } from '../edit-state.ts';
import { translate } from '../i18n.ts';
import type { Store } from '../store.ts';
import { useStore } from '../store.ts';

const EditPanel = lazy(() => import('./edit-panel.tsx').then((m) => ({ default: m.EditPanel })));

export function EditToolbar({ store }: { readonly store: Store<AppState> }) {
  const lang = useStore(store, (s) => s.lang);
  const open = useStore(store, (s) => s.edit.toolbarOpen);
  // The layer to edit, by id (a primitive, so the selector is stable).
  const layerId = useStore(store, (s) => (s.catalog && s.visible ? (currentEditLayer(s)?.id ?? null) : null));
  if (!layerId) return null;
  return (
    <section className={open ? 'edit-toolbar' : 'edit-toolbar edit-collapsed'} aria-label={translate(lang, 'editToolbar')} data-testid="edit-toolbar">
      <div className="edit-row">
        <button
          type="button"
          className="edit-toggle"
          aria-expanded={open}
          aria-controls="edit-panel"
          data-testid="edit-toggle"
          onClick={() => store.update((s) => setEditToolbarOpen(s, !s.edit.toolbarOpen))}
        >
          <span aria-hidden="true">✎</span> {translate(lang, 'editFeature')}
        </button>
        {open && (
          <Suspense fallback={null}>
            <EditPanel store={store} />
          </Suspense>
        )}
      </div>
    </section>
  );
}
