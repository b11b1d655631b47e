/**
 * The page layout: top bar, the map filling the rest, the layer panel (a drawer on phones), the
 * edit toolbar, the identify popup, a side panel (history or change report), the time bar and
 * the status bar. It wires the map controller to the page with two effects: attach/detach, and
 * the one store → OpenLayers sync. The side panels are loaded on first use.
 */
import { lazy, Suspense, useEffect, useRef } from 'react';
import type { AppState } from '../app-state.ts';
import type { MapController } from '../map-controller.ts';
import type { Store } from '../store.ts';
import { useStore } from '../store.ts';
import { htmlLang, localize, translate } from '../i18n.ts';
import { TopBar } from './top-bar.tsx';
import { LayerPanel } from './layer-panel.tsx';
import { StatusBar } from './status-bar.tsx';
import { IdentifyPopup } from './identify-popup.tsx';
import { TimeBar } from './time-bar.tsx';
import { EditToolbar } from './edit-toolbar.tsx';
import { WorkspaceDock } from './workspace-dock.tsx';

const HistoryPanel = lazy(() => import('./history-panel.tsx').then((m) => ({ default: m.HistoryPanel })));
const ChangePanel = lazy(() => import('./change-panel.tsx').then((m) => ({ default: m.ChangePanel })));

export interface AppProps {
  readonly store: Store<AppState>;
  readonly controller: MapController;
}

export function App({ store, controller }: AppProps) {
  const lang = useStore(store, (s) => s.lang);
  const catalog = useStore(store, (s) => s.catalog);
  const catalogError = useStore(store, (s) => s.catalogError);
  const panelOpen = useStore(store, (s) => s.panelOpen);
  const sidePanel = useStore(store, (s) => s.sidePanel);
  const workspace = useStore(store, (s) => s.workspace);
  const mapRef = useRef<HTMLDivElement>(null);
  const scaleRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const mapElement = mapRef.current;
    const scaleElement = scaleRef.current;
    if (!mapElement || !scaleElement) return undefined;
    controller.attach(mapElement, scaleElement);
    return () => controller.detach();
  }, [controller]);

  // The one effect that pushes state into OpenLayers; components only dispatch transitions.
  useEffect(() => {
    controller.sync(store.getState());
    return store.subscribe(() => controller.sync(store.getState()));
  }, [controller, store]);

  const title = catalog ? localize(catalog.title, lang) : translate(lang, 'appTitle');
  useEffect(() => {
    document.documentElement.lang = htmlLang(lang);
    document.title = title;
  }, [lang, title]);

  return (
    <div className={['app', panelOpen ? 'panel-open' : '', sidePanel !== 'none' ? `side-open side-${sidePanel}` : '', workspace ? `workspace-open workspace-${workspace}` : ''].filter(Boolean).join(' ')}>
      <TopBar store={store} title={title} />
      <main className="map-area">
        <div
          ref={mapRef}
          className="map"
          role="application"
          tabIndex={0}
          aria-label={translate(lang, 'map')}
          data-testid="map"
        />
        <LayerPanel store={store} />
        <EditToolbar store={store} />
        {workspace && <WorkspaceDock store={store} map={controller.map} workspace={workspace} />}
        <Suspense fallback={null}>
          {sidePanel === 'history' && <HistoryPanel store={store} />}
          {sidePanel === 'changes' && <ChangePanel store={store} />}
        </Suspense>
        {!catalog && (
          <div className={catalogError ? 'notice notice-error' : 'notice'} role={catalogError ? 'alert' : 'status'}>
            {catalogError ? `${translate(lang, 'catalogFailed')}: ${catalogError}` : translate(lang, 'loading')}
          </div>
        )}
        <IdentifyPopup store={store} container={controller.popupElement} />
      </main>
      <TimeBar store={store} />
      <StatusBar store={store} scaleRef={scaleRef} />
    </div>
  );
}
