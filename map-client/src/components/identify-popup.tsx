/**
 * The identify popup: the clicked feature's published properties with their catalogue titles in
 * the current language. It is rendered into the map controller's overlay element (a portal), so
 * OpenLayers keeps it pinned to the clicked place while React owns its content.
 *
 * For a versioned layer the popup follows the time cursor: when the cursor moves after the
 * click, the feature is read again as of the new time (or shown as absent then), and it offers
 * the feature's history (历史版本) and, on editable layers, editing.
 */
import { useEffect, useState } from 'react';
import { createPortal } from 'react-dom';
import type { AppState, Selection } from '../app-state.ts';
import { openHistory, setSelection } from '../app-state.ts';
import type { CatalogLayer } from '../catalog-document.ts';
import { findLayer } from '../catalog-document.ts';
import { fetchFeature } from '../feature-api.ts';
import { localize, translate } from '../i18n.ts';
import { formatPropertyValue, hasValue } from '../property-format.ts';
import type { Store } from '../store.ts';
import { useStore } from '../store.ts';
import { datetimeParam } from '../time-cursor.ts';

export function IdentifyPopup({ store, container }: { readonly store: Store<AppState>; readonly container: HTMLElement }) {
  const lang = useStore(store, (s) => s.lang);
  const selection = useStore(store, (s) => s.selection);
  const catalog = useStore(store, (s) => s.catalog);
  const time = useStore(store, (s) => s.time);
  const layer = selection && catalog ? findLayer(catalog, selection.layerId) : undefined;
  const atTime = usePropertiesAtTime(layer, selection, time);
  if (!selection || !layer) return null;
  const title = localize(layer.title, lang);
  const properties = atTime.status === 'ready' ? atTime.properties : selection.properties;
  const rows = layer.properties.filter((p) => hasValue(properties?.[p.name]));
  const featureId = selection.featureId;
  const versioned = layer.temporal === 'versioned' && featureId !== undefined;
  return createPortal(
    <section className="identify-popup" role="dialog" aria-label={`${translate(lang, 'identifyTitle')}: ${title}`} data-testid="identify-popup">
      <header className="identify-header">
        <h2>{title}</h2>
        <button
          type="button"
          className="identify-close"
          aria-label={translate(lang, 'closePopup')}
          data-testid="identify-close"
          onClick={() => store.update((s) => setSelection(s, null))}
        >
          ×
        </button>
      </header>
      {atTime.status === 'loading' && <p className="identify-note">{translate(lang, 'atTimeLoading')}</p>}
      {atTime.status === 'absent' ? (
        <p className="identify-note" data-testid="identify-absent">{translate(lang, 'atTimeMissing')}</p>
      ) : (
        <dl className="identify-properties">
          {rows.map((property) => (
            <div key={property.name} className="identify-row" data-property={property.name}>
              <dt>{localize(property.title, lang)}</dt>
              <dd>{formatPropertyValue(layer, property, properties?.[property.name], lang)}</dd>
            </div>
          ))}
        </dl>
      )}
      {versioned && (
        <div className="identify-actions">
          <button type="button" className="link-button" data-testid="identify-history" onClick={() => store.update((s) => openHistory(s, { layerId: layer.id, featureId }))}>
            {translate(lang, 'history')}
          </button>
          {layer.editable && atTime.status !== 'absent' && (
            <button type="button" className="link-button" data-testid="identify-edit" onClick={() => void import('../edit-actions.ts').then((m) => m.beginEditFeature(store, layer.id, featureId))}>
              {translate(lang, 'editFeature')}
            </button>
          )}
        </div>
      )}
    </section>,
    container,
  );
}

type AtTime =
  | { readonly status: 'clicked' }
  | { readonly status: 'loading' }
  | { readonly status: 'ready'; readonly properties: Readonly<Record<string, unknown>> | null }
  | { readonly status: 'absent' };

/**
 * The selected feature's properties at the current cursor. Until the cursor moves they are the
 * clicked tile's; afterwards they are fetched (`/items/{fid}?datetime=`), and a 404 means the
 * feature did not exist at that time.
 */
function usePropertiesAtTime(layer: CatalogLayer | undefined, selection: Selection | null, time: number | null): AtTime {
  const stale = !!layer && !!selection && layer.temporal === 'versioned' && selection.featureId !== undefined && selection.time !== time;
  const key = stale && selection ? `${selection.layerId}/${String(selection.featureId)}@${time ?? 'now'}` : '';
  const [result, setResult] = useState<{ readonly key: string; readonly value: AtTime } | null>(null);
  useEffect(() => {
    if (!key || !layer || selection?.featureId === undefined) return undefined;
    const controller = new AbortController();
    void fetchFeature(layer, selection.featureId, datetimeParam(time), controller.signal).then((response) => {
      if (controller.signal.aborted) return;
      const value: AtTime = response.ok
        ? { status: 'ready', properties: response.value.properties }
        : response.problem.status === 404
          ? { status: 'absent' }
          : { status: 'clicked' };
      setResult({ key, value });
    });
    return () => controller.abort();
  }, [key, layer, selection, time]);
  if (!stale) return { status: 'clicked' };
  return result?.key === key ? result.value : { status: 'loading' };
}
