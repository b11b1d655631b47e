/**
 * The expanded edit toolbar: the layer to edit, the editor token (kept in sessionStorage, never
 * in the URL), "new" (draw), and while editing the property form generated from the catalogue
 * with save, delete (confirmed) and cancel. Server problems are shown here: 412 "changed by
 * someone else" with a reload, 401 token, 400 invalid values or geometry (reason and location).
 * The map side (Draw, Modify, Snap) follows the same state through the map controller.
 */
import type { AppState } from '../app-state.ts';
import type { ApiProblem } from '../api-problem.ts';
import { findLayer } from '../catalog-document.ts';
import { deleteDraft, reloadDraft, saveDraft } from '../edit-actions.ts';
import { askDelete, cancelEdit, chooseEditLayer, currentEditLayer, dismissEditMessages, editableVisibleLayers, setEditToken, startDrawing } from '../edit-state.ts';
import { localize, translate, type Lang } from '../i18n.ts';
import { geometryKind } from '../layer-style.ts';
import type { Store } from '../store.ts';
import { useStore } from '../store.ts';
import { writeEditToken } from '../token-storage.ts';
import { EditForm } from './edit-form.tsx';
import { ProblemText } from './problem-text.tsx';

export function EditPanel({ store }: { readonly store: Store<AppState> }) {
  const lang = useStore(store, (s) => s.lang);
  const edit = useStore(store, (s) => s.edit);
  const catalog = useStore(store, (s) => s.catalog);
  // Re-render when visibility changes; the lists below are derived from the current state.
  useStore(store, (s) => s.visible);
  const state = store.getState();
  const layers = editableVisibleLayers(state);
  const layer = currentEditLayer(state);
  if (!layer) return null;
  const draftLayer = edit.draft && catalog ? findLayer(catalog, edit.draft.layerId) : undefined;
  const kind = geometryKind(layer.geometryType);

  return (
    <>
      <label className="edit-field-inline">
        <span>{translate(lang, 'editLayer')}</span>
        <select
          value={layer.id}
          disabled={edit.mode !== 'idle' || layers.length < 2}
          data-testid="edit-layer"
          onChange={(event) => {
            const id = event.currentTarget.value;
            store.update((s) => chooseEditLayer(s, id));
          }}
        >
          {layers.map((l) => (
            <option key={l.id} value={l.id}>
              {localize(l.title, lang)}
            </option>
          ))}
        </select>
      </label>
      <label className="edit-field-inline">
        <span>{translate(lang, 'editToken')}</span>
        <input
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder={translate(lang, 'editTokenPlaceholder')}
          value={edit.token}
          data-testid="edit-token"
          onChange={(event) => {
            const token = event.currentTarget.value;
            writeEditToken(token.trim());
            store.update((s) => setEditToken(s, token));
          }}
        />
      </label>
      <button type="button" className="edit-primary" disabled={edit.mode !== 'idle' || edit.busy !== null} data-testid="edit-draw" onClick={() => store.update((s) => startDrawing(s, layer.id))}>
        {translate(lang, 'drawNew')}
      </button>
      <div id="edit-panel" className="edit-body">
        {edit.mode === 'drawing' && (
          <p className="edit-hint" role="status" data-testid="edit-hint">
            {translate(lang, kind === 'line' ? 'drawLineHint' : 'drawPolygonHint')}{' '}
            <button type="button" className="link-button" data-testid="edit-cancel" onClick={() => store.update(cancelEdit)}>
              {translate(lang, 'cancel')}
            </button>
          </p>
        )}
        {edit.busy === 'loading' && <p className="edit-hint" role="status">{translate(lang, 'editLoading')}</p>}
        {edit.mode === 'editing' && edit.draft && draftLayer && (
          <EditForm
            store={store}
            layer={draftLayer}
            draft={edit.draft}
            lang={lang}
            busy={edit.busy}
            confirmingDelete={edit.confirmingDelete}
            rejectedProperty={edit.problem?.property}
            onSave={() => void saveDraft(store)}
            onCancel={() => store.update(cancelEdit)}
            onAskDelete={(confirming) => store.update((s) => askDelete(s, confirming))}
            onDelete={() => void deleteDraft(store)}
          />
        )}
        {edit.problem && (
          <div className="edit-message edit-problem" role="alert" data-testid="edit-problem" data-status={edit.problem.status}>
            <strong>{problemTitle(edit.problem, lang)}</strong> {edit.problem.code !== 'NoToken' && <ProblemText problem={edit.problem} lang={lang} />}
            <span className="edit-message-actions">
              {edit.problem.status === 412 && (
                <button type="button" className="link-button" data-testid="edit-reload" onClick={() => void reloadDraft(store)}>
                  {translate(lang, 'editReload')}
                </button>
              )}
              <button type="button" className="link-button" onClick={() => store.update(dismissEditMessages)}>
                {translate(lang, 'dismiss')}
              </button>
            </span>
          </div>
        )}
        {edit.notice && (
          <div className="edit-message edit-notice" role="status" data-testid="edit-notice" data-feature-id={String(edit.notice.featureId)}>
            {translate(lang, edit.notice.message, { id: String(edit.notice.featureId) })}
            <button type="button" className="link-button" onClick={() => store.update(dismissEditMessages)}>
              {translate(lang, 'dismiss')}
            </button>
          </div>
        )}
      </div>
    </>
  );
}

/** The headline of a failed write, by what the user can do about it. */
function problemTitle(problem: ApiProblem, lang: Lang): string {
  if (problem.code === 'NoToken') return translate(lang, 'needToken');
  switch (problem.status) {
    case 401:
    case 403:
      return translate(lang, 'editUnauthorized');
    case 412:
      return translate(lang, 'editConflict');
    case 400:
      return translate(lang, 'editInvalid');
    default:
      return translate(lang, 'editFailed');
  }
}
