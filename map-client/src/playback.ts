/**
 * Playback of the time cursor: while `playing`, one step (the chosen `playStep`, a year down to
 * ten minutes) at most every second, and never before the map has finished drawing the current
 * frame (`drawnTime === time`), so a slow tile server slows the animation instead of skipping
 * frames (client.md §3.5). Reaching now stops it (setTime turns `playing` off at the present).
 */
import type { AppState } from './app-state.ts';
import { setTime } from './app-state.ts';
import type { Store } from './store.ts';
import { nextPlayFrame, PLAY_INTERVAL_MS } from './time-cursor.ts';

/** Starts watching the store; returns a function that stops playback control. */
export function controlPlayback(store: Store<AppState>, now: () => number = Date.now): () => void {
  let timer: number | undefined;
  let lastStepAt = 0;

  const step = () => {
    timer = undefined;
    const state = store.getState();
    if (!state.playing) return;
    if (state.drawnTime !== state.time) return; // the subscription calls again once drawn
    lastStepAt = now();
    store.update((s) => setTime(s, nextPlayFrame(s.time, now(), s.playStep), now()));
  };

  const schedule = () => {
    const state = store.getState();
    if (!state.playing) {
      if (timer !== undefined) window.clearTimeout(timer);
      timer = undefined;
      return;
    }
    if (timer !== undefined || state.drawnTime !== state.time) return;
    timer = window.setTimeout(step, Math.max(0, lastStepAt + PLAY_INTERVAL_MS - now()));
  };

  let previous = store.getState();
  const unsubscribe = store.subscribe(() => {
    const state = store.getState();
    if (state.playing !== previous.playing || state.drawnTime !== previous.drawnTime || state.time !== previous.time) {
      // Starting from "now" jumps to the range start at once.
      if (state.playing && !previous.playing) lastStepAt = 0;
      previous = state;
      schedule();
    }
  });
  return () => {
    unsubscribe();
    if (timer !== undefined) window.clearTimeout(timer);
  };
}
