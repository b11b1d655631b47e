/** What every workspace component receives. */
import type OlMap from 'ol/Map.js';
import type { AppState } from '../app-state.ts';
import type { Lang } from '../i18n.ts';
import type { Store } from '../store.ts';

export interface WorkspaceProps {
  readonly store: Store<AppState>;
  /**
   * The main map. A workspace adds its own layers and interactions on mount and removes them on
   * unmount (the component unmounts when the user switches workspace).
   */
  readonly map: OlMap;
  readonly lang: Lang;
}
