/** The layer tree: theme groups, then per layer a checkbox, error badge, opacity slider and legend. */
import type { AppState } from '../app-state.ts';
import { setLayerOpacity, setLayerVisible } from '../app-state.ts';
import type { CatalogLayer } from '../catalog-document.ts';
import { findLayer } from '../catalog-document.ts';
import { localize, translate, type Lang } from '../i18n.ts';
import type { Store } from '../store.ts';
import { useStore } from '../store.ts';
import { LayerLegend } from './layer-legend.tsx';

export function LayerPanel({ store }: { readonly store: Store<AppState> }) {
  const lang = useStore(store, (s) => s.lang);
  const catalog = useStore(store, (s) => s.catalog);
  const panelOpen = useStore(store, (s) => s.panelOpen);
  return (
    <aside
      id="layer-panel"
      className="layer-panel"
      aria-label={translate(lang, 'layers')}
      aria-hidden={!panelOpen}
      inert={!panelOpen}
      data-testid="layer-panel"
    >
      <h2 className="panel-heading">{translate(lang, 'layers')}</h2>
      {catalog?.groups.map((group) => (
        <section key={group.id} className="layer-group" aria-labelledby={`group-${group.id}`}>
          <h3 id={`group-${group.id}`}>{localize(group.title, lang)}</h3>
          <ul className="layer-list">
            {group.layers.map((id) => {
              const layer = findLayer(catalog, id);
              return layer ? <LayerItem key={id} store={store} layer={layer} lang={lang} /> : null;
            })}
          </ul>
        </section>
      ))}
    </aside>
  );
}

function LayerItem({ store, layer, lang }: { readonly store: Store<AppState>; readonly layer: CatalogLayer; readonly lang: Lang }) {
  const visible = useStore(store, (s) => s.visible?.[layer.id] === true);
  const opacity = useStore(store, (s) => s.opacity[layer.id] ?? 1);
  const error = useStore(store, (s) => s.layerErrors[layer.id]);
  // Same rule as the OL layer's exclusive minZoom: hidden at or below the first tile level.
  const outOfRange = useStore(store, (s) => (s.view ? s.view.zoom <= layer.minzoom : false));
  const title = localize(layer.title, lang);
  const percent = Math.round(opacity * 100);
  return (
    <li className={visible ? 'layer-item' : 'layer-item layer-off'} data-testid={`layer-item-${layer.id}`}>
      <div className="layer-row">
        <label className="layer-label" title={localize(layer.description, lang)}>
          <input
            type="checkbox"
            checked={visible}
            aria-label={translate(lang, 'showLayer', { layer: title })}
            data-testid={`layer-toggle-${layer.id}`}
            onChange={(event) => {
              const checked = event.currentTarget.checked;
              store.update((s) => setLayerVisible(s, layer.id, checked));
            }}
          />
          <span className="layer-title">{title}</span>
        </label>
        {error !== undefined && (
          <span className="badge badge-error" role="status" title={`${translate(lang, 'tileErrorDetail')} (${error})`} data-testid={`layer-error-${layer.id}`}>
            {translate(lang, 'tileError')}
          </span>
        )}
        {visible && outOfRange && <span className="badge badge-hint">{translate(lang, 'zoomInToSee')}</span>}
      </div>
      <div className="opacity-row">
        <span className="opacity-label" aria-hidden="true">{translate(lang, 'opacity')}</span>
        <input
          type="range"
          min={0}
          max={100}
          step={5}
          value={percent}
          disabled={!visible}
          aria-label={translate(lang, 'opacityOf', { layer: title })}
          aria-valuetext={`${percent}%`}
          data-testid={`layer-opacity-${layer.id}`}
          onChange={(event) => {
            const value = Number(event.currentTarget.value) / 100;
            store.update((s) => setLayerOpacity(s, layer.id, value));
          }}
        />
        <span className="opacity-value" aria-hidden="true">{percent}%</span>
      </div>
      <LayerLegend layer={layer} lang={lang} />
    </li>
  );
}
