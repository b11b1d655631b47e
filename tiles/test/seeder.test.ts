import { describe, expect, it } from 'vitest';
import { formatProgress, plannedTileCount, seedPyramid, tileParent, type SeedPlan, type SeedState, type TileCoord } from '../src/index.ts';

const plan: SeedPlan = { bbox: [121.3, 28.5, 121.6, 28.75], minZoom: 10, maxZoom: 14, hereditaryFromZoom: 12 };
const k = (c: TileCoord) => `${c.z}/${c.x}/${c.y}`;
/** Content only in the west half of the bbox. */
const hasContent = (c: TileCoord) => {
  const n = 2 ** c.z;
  return ((c.x + 0.5) / n) * 360 - 180 < 121.45;
};

describe('seedPyramid', () => {
  it('visits each tile once, skipping children of empty tiles only from the hereditary zoom on', async () => {
    const seen: string[] = [];
    const state = await seedPyramid({
      plan,
      concurrency: 3,
      fetchTile: async (c) => {
        seen.push(k(c));
        return hasContent(c) ? 'content' : 'empty';
      },
    });
    expect(state.finished).toBe(true);
    expect(new Set(seen).size).toBe(seen.length);
    expect(state.counts.content + state.counts.empty + state.counts.skipped).toBe(plannedTileCount(plan));
    expect(state.counts.skipped).toBeGreaterThan(0);
    for (const key of seen) {
      const [z, x, y] = key.split('/').map(Number) as [number, number, number];
      const parent = tileParent({ z, x, y })!;
      // A requested tile never has a parent that was empty at a hereditary zoom.
      if (parent.z >= plan.hereditaryFromZoom && z > plan.minZoom) expect(hasContent(parent) || !seen.includes(k(parent))).toBe(true);
    }
    // Below the hereditary zoom nothing is skipped: z10–z12 are requested in full.
    const z12 = seen.filter((s) => s.startsWith('12/')).length;
    expect(z12).toBeGreaterThan(0);
  });

  it('resumes after an interruption without losing or repeating finished tiles', async () => {
    const seen = new Map<string, number>();
    const controller = new AbortController();
    let saved: SeedState | undefined;
    const fetchTile = async (c: TileCoord) => {
      seen.set(k(c), (seen.get(k(c)) ?? 0) + 1);
      if (seen.size === 40) controller.abort();
      await new Promise((r) => setTimeout(r, 1));
      return hasContent(c) ? ('content' as const) : ('empty' as const);
    };
    const first = await seedPyramid({ plan, concurrency: 1, fetchTile, signal: controller.signal, onCheckpoint: (s) => void (saved = s), checkpointEvery: 7 });
    expect(first.finished).toBe(false);
    expect(saved).toEqual(first);
    const second = await seedPyramid({ plan, concurrency: 1, fetchTile, state: JSON.parse(JSON.stringify(first)) as SeedState });
    expect(second.finished).toBe(true);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    const fresh = await seedPyramid({ plan, concurrency: 2, fetchTile: async (c) => (hasContent(c) ? 'content' : 'empty') });
    expect(second.counts).toEqual(fresh.counts);
  });

  it('draws a progress bar with rate and ETA', () => {
    const line = formatProgress({ done: 50, planned: 200, zoom: 12, counts: { content: 30, empty: 10, skipped: 10 } }, 2000, 20);
    expect(line).toContain('25.0%');
    expect(line).toContain('25 tiles/s');
    expect(line).toContain('ETA 0m06s');
    expect(line).toMatch(/^\[#####\.{15}\]/);
  });
});
