/**
 * `window.__onemap`: a read-only window into the map's life for the browser end-to-end test
 * (map-server/test/e2e/client.e2e.test.ts). It is updated on every `rendercomplete`, so a test
 * can wait for real pixels instead of sleeping.
 */
export interface OnemapTestHooks {
  /** True once the catalogue's layers exist and a frame with them has completed rendering. */
  ready: boolean;
  /** Number of `rendercomplete` events so far. */
  renderCount: number;
  /** `performance.now()` (ms since navigation start) at the first ready frame. */
  firstRenderMs?: number;
  /** The last failure (catalogue or tile), for diagnostics. */
  lastError?: string;
  /**
   * The time cursor of the last complete frame (epoch ms), null for now; undefined before the
   * first. A test that moves the cursor waits for this instead of sleeping.
   */
  drawnTime?: number | null;
  /**
   * The edit mode the map's interactions are in (Draw, Modify and Snap load on first use, a
   * moment after the toolbar switches mode); a test waits for it before clicking vertices.
   */
  editMode?: 'idle' | 'drawing' | 'editing';
}

declare global {
  interface Window {
    __onemap?: OnemapTestHooks;
  }
}

/** Installs the hooks object and returns it for updating. */
export function installTestHooks(): OnemapTestHooks {
  const hooks: OnemapTestHooks = { ready: false, renderCount: 0 };
  window.__onemap = hooks;
  return hooks;
}

/** Records one `rendercomplete`. */
export function recordRenderComplete(hooks: OnemapTestHooks, layersReady: boolean, time: number | null): void {
  hooks.renderCount += 1;
  if (layersReady) hooks.drawnTime = time;
  if (layersReady && !hooks.ready) {
    hooks.ready = true;
    hooks.firstRenderMs = performance.now();
  }
}
