/**
 * The property form of the feature being edited, generated from the catalogue's property list:
 * input types follow property types (property-form.ts), a classified property is a choice of
 * its classes, and a comment goes with the write. Values live in the store (the draft).
 */
import type { AppState } from '../app-state.ts';
import type { CatalogLayer, PropertySpec } from '../catalog-document.ts';
import { setDraftComment, setDraftValue, type EditDraft, type EditState } from '../edit-state.ts';
import { localize, translate, type Lang } from '../i18n.ts';
import { inputKindOf } from '../property-form.ts';
import type { Store } from '../store.ts';

export interface EditFormProps {
  readonly store: Store<AppState>;
  readonly layer: CatalogLayer;
  readonly draft: EditDraft;
  readonly lang: Lang;
  readonly busy: EditState['busy'];
  readonly confirmingDelete: boolean;
  /** The property the server rejected (problem+json `property`), marked in the form. */
  readonly rejectedProperty: string | undefined;
  onSave(): void;
  onCancel(): void;
  onAskDelete(confirming: boolean): void;
  onDelete(): void;
}

export function EditForm(props: EditFormProps) {
  const { store, layer, draft, lang } = props;
  const isNew = draft.featureId === null;
  const busy = props.busy !== null;
  return (
    <form
      className="edit-form"
      data-testid="edit-form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        props.onSave();
      }}
    >
      <h3>{isNew ? translate(lang, 'editNewFeature') : translate(lang, 'editExisting', { id: String(draft.featureId) })}</h3>
      <p className="edit-hint">{translate(lang, 'modifyHint')}</p>
      <div className="edit-fields">
        {layer.properties.map((property) => (
          <PropertyInput
            key={property.name}
            store={store}
            layer={layer}
            property={property}
            draft={draft}
            lang={lang}
            disabled={busy}
            rejected={props.rejectedProperty === property.name}
          />
        ))}
        <label className="edit-field edit-field-wide">
          <span>{translate(lang, 'editCommentLabel')}</span>
          <input
            type="text"
            maxLength={500}
            value={draft.comment}
            disabled={busy}
            data-testid="edit-comment"
            onChange={(event) => {
              const comment = event.currentTarget.value;
              store.update((s) => setDraftComment(s, comment));
            }}
          />
        </label>
      </div>
      <div className="edit-actions">
        <button type="submit" className="edit-primary" disabled={busy} data-testid="edit-save">
          {props.busy === 'saving' ? translate(lang, 'editSaving') : translate(lang, 'save')}
        </button>
        <button type="button" disabled={busy} data-testid="edit-cancel" onClick={props.onCancel}>
          {translate(lang, 'cancel')}
        </button>
        {!isNew && (
          <button type="button" className="edit-danger" disabled={busy} data-testid="edit-delete" onClick={() => props.onAskDelete(true)}>
            {translate(lang, 'deleteFeature')}
          </button>
        )}
      </div>
      {props.confirmingDelete && (
        <div className="edit-confirm" role="alertdialog" aria-label={translate(lang, 'confirmDelete')}>
          <span>{translate(lang, 'confirmDelete')}</span>
          <button type="button" className="edit-danger" disabled={busy} data-testid="edit-confirm-delete" onClick={props.onDelete}>
            {translate(lang, 'confirmDeleteYes')}
          </button>
          <button type="button" onClick={() => props.onAskDelete(false)}>
            {translate(lang, 'cancel')}
          </button>
        </div>
      )}
    </form>
  );
}

function PropertyInput(props: {
  readonly store: Store<AppState>;
  readonly layer: CatalogLayer;
  readonly property: PropertySpec;
  readonly draft: EditDraft;
  readonly lang: Lang;
  readonly disabled: boolean;
  readonly rejected: boolean;
}) {
  const { store, layer, property, draft, lang } = props;
  const value = draft.values[property.name];
  const error = draft.formErrors[property.name];
  const invalid = error !== undefined || props.rejected;
  const set = (next: string | boolean) => store.update((s) => setDraftValue(s, property.name, next));
  const classes = layer.style.classify?.property === property.name ? layer.style.classify.classes : undefined;
  const kind = inputKindOf(property);
  const testId = `edit-field-${property.name}`;
  let input;
  if (classes) {
    const text = typeof value === 'string' ? value : '';
    input = (
      <select value={text} disabled={props.disabled} aria-invalid={invalid} data-testid={testId} onChange={(event) => set(event.currentTarget.value)}>
        <option value="">—</option>
        {classes.map((c) => (
          <option key={String(c.value)} value={String(c.value)}>
            {localize(c.title, lang)}
          </option>
        ))}
        {text !== '' && !classes.some((c) => String(c.value) === text) && <option value={text}>{text}</option>}
      </select>
    );
  } else if (kind.type === 'checkbox') {
    input = <input type="checkbox" checked={value === true} disabled={props.disabled} data-testid={testId} onChange={(event) => set(event.currentTarget.checked)} />;
  } else {
    input = (
      <input
        type={kind.type}
        step={kind.step}
        value={typeof value === 'string' ? value : ''}
        disabled={props.disabled}
        aria-invalid={invalid}
        data-testid={testId}
        onChange={(event) => set(event.currentTarget.value)}
      />
    );
  }
  return (
    <label className={kind.type === 'checkbox' ? 'edit-field edit-field-check' : 'edit-field'}>
      <span>{localize(property.title, lang)}</span>
      {input}
      {error && (
        <span className="edit-field-error" role="alert">
          {translate(lang, error)}
        </span>
      )}
    </label>
  );
}
