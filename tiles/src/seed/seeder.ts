/**
 * Seeds a tile pyramid through a `fetchTile` function (in production: HTTP GETs to the
 * server, so whatever cache it runs is filled). Interruptible: `signal` stops new requests,
 * in-flight ones finish, and the returned state resumes the walk exactly where it stopped.
 */
import type { TileCoord } from '../tile-coord.ts';
import { plannedTileCount, skippedByParent, tileRangeAt, tilesAt, type SeedPlan } from './seed-plan.ts';

export type SeedOutcome = 'content' | 'empty';

/** Resumable position: the zoom, the next index in it, and the empty tiles the walk needs. */
export interface SeedState {
  readonly zoom: number;
  readonly nextIndex: number;
  /** x/y of empty tiles at zoom - 1 (their children are skipped). */
  readonly emptyPrev: readonly string[];
  /** x/y of empty tiles found so far at `zoom`. */
  readonly emptyCur: readonly string[];
  readonly counts: { readonly content: number; readonly empty: number; readonly skipped: number };
  readonly finished: boolean;
}

export interface SeedProgress {
  readonly done: number;
  readonly planned: number;
  readonly zoom: number;
  readonly counts: SeedState['counts'];
}

export function initialSeedState(plan: SeedPlan): SeedState {
  return { zoom: plan.minZoom, nextIndex: 0, emptyPrev: [], emptyCur: [], counts: { content: 0, empty: 0, skipped: 0 }, finished: false };
}

export interface SeedOptions {
  readonly plan: SeedPlan;
  readonly fetchTile: (coord: TileCoord) => Promise<SeedOutcome>;
  readonly concurrency: number;
  readonly state?: SeedState;
  readonly signal?: AbortSignal;
  readonly onProgress?: (p: SeedProgress) => void;
  /** Called at zoom boundaries and every `checkpointEvery` tiles with a state safe to resume from. */
  readonly onCheckpoint?: (s: SeedState) => void | Promise<void>;
  readonly checkpointEvery?: number;
}

export async function seedPyramid(o: SeedOptions): Promise<SeedState> {
  const { plan } = o;
  let state = o.state ?? initialSeedState(plan);
  const planned = plannedTileCount(plan);
  const counts = { ...state.counts };
  let done = counts.content + counts.empty + counts.skipped;
  const every = o.checkpointEvery ?? 200;
  while (!state.finished) {
    const z = state.zoom;
    const emptyPrev = new Set(state.emptyPrev);
    const emptyCur = new Set(state.emptyCur);
    // Indices below `contiguous` are all finished: the resumable position under concurrency.
    let contiguous = state.nextIndex;
    const finishedIdx = new Set<number>();
    const iterator = tilesAt(plan, z, state.nextIndex);
    let sinceCheckpoint = 0;
    const snapshot = (): SeedState => ({ zoom: z, nextIndex: contiguous, emptyPrev: [...emptyPrev], emptyCur: [...emptyCur], counts: { ...counts }, finished: false });
    const worker = async () => {
      for (;;) {
        if (o.signal?.aborted) return;
        const next = iterator.next();
        if (next.done) return;
        const { index, coord } = next.value;
        if (skippedByParent(plan, coord, emptyPrev)) {
          counts.skipped++;
          emptyCur.add(`${coord.x}/${coord.y}`);
        } else {
          const outcome = await o.fetchTile(coord);
          counts[outcome]++;
          if (outcome === 'empty') emptyCur.add(`${coord.x}/${coord.y}`);
        }
        finishedIdx.add(index);
        while (finishedIdx.delete(contiguous)) contiguous++;
        done++;
        o.onProgress?.({ done, planned, zoom: z, counts: { ...counts } });
        if (++sinceCheckpoint >= every) {
          sinceCheckpoint = 0;
          await o.onCheckpoint?.(snapshot());
        }
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, o.concurrency) }, worker));
    if (o.signal?.aborted) {
      state = snapshot();
      await o.onCheckpoint?.(state);
      return state;
    }
    const last = z >= plan.maxZoom;
    state = last
      ? { ...snapshot(), nextIndex: tileRangeAt(plan.bbox, z).count, finished: true }
      : { zoom: z + 1, nextIndex: 0, emptyPrev: [...emptyCur], emptyCur: [], counts: { ...counts }, finished: false };
    await o.onCheckpoint?.(state);
  }
  return state;
}
