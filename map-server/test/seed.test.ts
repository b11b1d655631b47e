/** `onemap tiles seed` against the real server: fills its cache, can be interrupted and resumed. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lonLatToTile, parseSeedArgs, runSeed } from '@onemap/tiles';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform({ TILE_CACHE: 'memory' });
});
afterAll(async () => {
  await platform?.close();
});

describe('tile seeding', () => {
  it('seeds, is interrupted, resumes, and leaves the tiles cached', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'onemap-seed-'));
    const args = parseSeedArgs(['buildings', '--zoom', '13-15', '--bbox', '121.40,28.64,121.45,28.68', '--concurrency', '2'], { server: platform.baseUrl, stateDir });
    const controller = new AbortController();
    let out = '';
    let requests = 0;
    const realFetch = globalThis.fetch;
    globalThis.fetch = ((input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
      if (String(input).includes('/tiles/') && ++requests === 5) controller.abort();
      return realFetch(input, init);
    }) as typeof fetch;
    try {
      const first = await runSeed(args, { write: (s) => (out += s), signal: controller.signal });
      expect(first.finished).toBe(false);
      expect(out).toContain('interrupted');
      const second = await runSeed(args, { write: (s) => (out += s) });
      expect(second.finished).toBe(true);
      expect(out).toMatch(/resuming at z1[345] tile #\d+/);
      expect(out).toMatch(/\d+ tiles\/s/);
      expect(second.counts.content).toBeGreaterThan(10);
    } finally {
      globalThis.fetch = realFetch;
    }
    const t = lonLatToTile(121.42, 28.66, 15);
    const res = await fetch(`${platform.baseUrl}/tiles/buildings/15/${t.x}/${t.y}.mvt`);
    expect(res.headers.get('x-tile-cache')).toBe('hit');
    const again = await runSeed(args, { write: (s) => (out += s) });
    expect(again.finished).toBe(true);
    expect(out).toContain('already seeded');
  });

  it('rejects bad arguments with a usage message', () => {
    expect(() => parseSeedArgs(['buildings'], { server: 'x', stateDir: 'y' })).toThrow(/--zoom/);
    expect(() => parseSeedArgs(['buildings', '--zoom', '14-8'], { server: 'x', stateDir: 'y' })).toThrow(/bad zoom/);
    expect(() => parseSeedArgs(['buildings', '--zoom', '8', '--bbox', '1,2,3'], { server: 'x', stateDir: 'y' })).toThrow(/bbox/);
    expect(() => parseSeedArgs(['buildings', '--zoom', '8', '--fast'], { server: 'x', stateDir: 'y' })).toThrow(/unknown/);
  });
});
