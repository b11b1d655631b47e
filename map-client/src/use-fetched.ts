/** A React hook for panels that show one remote document at a time. */
import { useEffect, useState } from 'react';

export interface Fetched<T> {
  readonly value: T | null;
  readonly error: string | null;
  readonly busy: boolean;
}

/**
 * Fetches `load()` whenever `deps` change, aborting the previous request so a slow answer for an
 * old cursor position never overwrites a newer one. A null `load` clears the value.
 */
export function useFetched<T>(load: ((signal: AbortSignal) => Promise<T>) | null, deps: readonly unknown[]): Fetched<T> {
  const [state, setState] = useState<Fetched<T>>({ value: null, error: null, busy: false });
  useEffect(() => {
    if (!load) {
      setState({ value: null, error: null, busy: false });
      return;
    }
    const ctl = new AbortController();
    setState((s) => ({ ...s, busy: true }));
    load(ctl.signal).then(
      (value) => !ctl.signal.aborted && setState({ value, error: null, busy: false }),
      (err: unknown) => !ctl.signal.aborted && setState({ value: null, error: err instanceof Error ? err.message : String(err), busy: false }),
    );
    return () => ctl.abort();
    // The caller names the dependencies; `load` is a fresh closure on every render.
  }, deps);
  return state;
}
