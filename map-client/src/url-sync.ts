/**
 * Mirrors the restorable part of the state in the address bar (format in url-state.ts). It uses
 * `history.replaceState`, not `pushState`: panning should not fill the back button's history.
 * During playback the time cursor moves every second; the address bar is left alone until
 * playback stops, then written once.
 */
import type { AppState } from './app-state.ts';
import { restorableOf } from './app-state.ts';
import type { Store } from './store.ts';
import { formatUrlState } from './url-state.ts';

/** Delay that coalesces bursts (slider drags, keyboard pans) into one history entry update. */
const URL_WRITE_DELAY_MS = 120;

/** Starts mirroring; returns a function that stops it. */
export function mirrorStateInUrl(store: Store<AppState>): () => void {
  let timer: number | undefined;
  let lastWritten = '';
  const write = () => {
    timer = undefined;
    const state = store.getState();
    // Until the catalogue is in, the state does not yet know the visible layers: writing now
    // would drop a `layers=` list the user opened the page with.
    if (!state.catalog || state.playing) return;
    const search = formatUrlState(restorableOf(state));
    if (search === lastWritten || search === window.location.search) {
      lastWritten = search;
      return;
    }
    lastWritten = search;
    window.history.replaceState(window.history.state, '', `${window.location.pathname}${search}${window.location.hash}`);
  };
  let previous = store.getState();
  const unsubscribe = store.subscribe(() => {
    const state = store.getState();
    const changed =
      state.catalog !== previous.catalog ||
      state.view !== previous.view ||
      state.visible !== previous.visible ||
      state.opacity !== previous.opacity ||
      state.time !== previous.time ||
      state.playing !== previous.playing ||
      state.playStep !== previous.playStep ||
      state.lang !== previous.lang ||
      state.workspace !== previous.workspace ||
      state.workspaceParams !== previous.workspaceParams;
    previous = state;
    if (changed && timer === undefined && !state.playing) timer = window.setTimeout(write, URL_WRITE_DELAY_MS);
  });
  return () => {
    unsubscribe();
    if (timer !== undefined) window.clearTimeout(timer);
  };
}
