/**
 * A minimal external store (the zustand shape without the dependency): state lives outside React,
 * components read slices through `useStore`, and only components whose slice changed re-render.
 * That matters for the pointer coordinate, which changes on every mouse move.
 */
import { useSyncExternalStore } from 'react';

export interface Store<S> {
  getState(): S;
  /** Replaces the state with `update(state)`; a no-op when it returns the same object. */
  update(update: (state: S) => S): void;
  subscribe(listener: () => void): () => void;
}

/** Creates a store holding `initial`. */
export function createStore<S>(initial: S): Store<S> {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    update(update) {
      const next = update(state);
      if (Object.is(next, state)) return;
      state = next;
      for (const listener of [...listeners]) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/**
 * Reads `select(state)` and re-renders when it changes (by `Object.is`). Selectors must return
 * existing objects or primitives, never fresh arrays/objects, or React would loop.
 */
export function useStore<S, T>(store: Store<S>, select: (state: S) => T): T {
  return useSyncExternalStore(
    store.subscribe,
    () => select(store.getState()),
    () => select(store.getState()),
  );
}
