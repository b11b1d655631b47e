import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, brotliDecompressSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DiskTileStore,
  lonLatToTile,
  MemoryTileStore,
  tileBounds3857,
  TileCache,
  tileChildren,
  tileTouchedBy,
  timeBucket,
  type Box3857,
  type TileKey,
  type TileStore,
} from '../src/index.ts';

const BUFFER = 64 / 4096;
const key = (layerId: string, z: number, x: number, y: number, bucket = 'current'): TileKey => ({ layerId, bucket, coord: { z, x, y } });

/** A 10 m box around a lon/lat, in EPSG:3857. */
function boxAt(lon: number, lat: number, halfM = 5): Box3857 {
  const x = (lon * 20037508.342789244) / 180;
  const y = (Math.log(Math.tan(((90 + lat) * Math.PI) / 360)) * 20037508.342789244) / Math.PI;
  return [x - halfM, y - halfM, x + halfM, y + halfM];
}

for (const [name, make] of [
  ['memory', () => new MemoryTileStore(64 * 1024 * 1024)],
  ['disk', () => new DiskTileStore(mkdtempSync(join(tmpdir(), 'onemap-tiles-')))],
] as const) {
  describe(`TileCache over the ${name} store`, () => {
    it('renders a missing tile once for many concurrent requests, then serves hits', async () => {
      const cache = new TileCache(make() as TileStore, { bufferFraction: BUFFER });
      let renders = 0;
      const render = async () => {
        renders++;
        await new Promise((r) => setTimeout(r, 20));
        return Buffer.from('tile-bytes-'.repeat(200));
      };
      const k = key('buildings', 14, 13717, 6829);
      const tiles = await Promise.all(Array.from({ length: 10 }, () => cache.get(k, render)));
      expect(renders).toBe(1);
      expect(new Set(tiles.map((t) => t.etag)).size).toBe(1);
      expect(cache.stats.coalesced).toBe(9);
      const again = await cache.get(k, render);
      expect(renders).toBe(1);
      expect(cache.stats.hits).toBe(1);
      // Compressed once at fill; both encodings decode to the raw bytes.
      expect(gunzipSync(again.gzip).equals(again.raw)).toBe(true);
      expect(brotliDecompressSync(again.br).equals(again.raw)).toBe(true);
    });

    it('invalidates exactly the touched tiles, at every zoom and in every time bucket', async () => {
      const store = make() as TileStore;
      const cache = new TileCache(store, { bufferFraction: BUFFER });
      const here = [121.42, 28.66] as const;
      const far = [120.7, 28.85] as const;
      const keys: TileKey[] = [];
      for (const z of [8, 10, 12, 14, 16]) {
        for (const bucket of ['current', '2015-01-01T00:00:00Z']) {
          for (const [lon, lat] of [here, far]) {
            const t = lonLatToTile(lon, lat, z);
            keys.push(key('buildings', z, t.x, t.y, bucket), key('roads', z, t.x, t.y, bucket));
          }
        }
      }
      for (const k of keys) await cache.get(k, async () => Buffer.from(`${k.layerId}${k.coord.z}`));
      const removed = await cache.invalidate('buildings', [boxAt(...here)]);
      const expectedGone = keys.filter((k) => k.layerId === 'buildings' && tileTouchedBy(k.coord, [boxAt(...here)], BUFFER));
      expect(removed).toBe(expectedGone.length);
      for (const k of keys) {
        const cached = await store.get(k);
        const gone = expectedGone.includes(k);
        expect(cached === undefined, `${k.layerId} ${k.bucket} z${k.coord.z}`).toBe(gone);
      }
      expect(expectedGone.length).toBe(10); // 5 zooms × 2 buckets
    });

    it('does not store a render that an invalidation overtook', async () => {
      const store = make() as TileStore;
      const cache = new TileCache(store, { bufferFraction: BUFFER });
      const t = lonLatToTile(121.42, 28.66, 16);
      const k = key('buildings', 16, t.x, t.y);
      let release!: () => void;
      const slow = cache.get(k, () => new Promise<Buffer>((r) => (release = () => r(Buffer.from('old')))));
      await new Promise((r) => setTimeout(r, 5));
      await cache.invalidate('buildings', [boxAt(121.42, 28.66)]);
      // A request after the edit must not join the stale render.
      const fresh = cache.get(k, async () => Buffer.from('new'));
      release();
      expect((await slow).raw.toString()).toBe('old');
      expect((await fresh).raw.toString()).toBe('new');
      expect((await store.get(k))?.raw.toString()).toBe('new');
    });
  });
}

describe('MemoryTileStore', () => {
  it('evicts least recently used tiles to stay under its byte budget', async () => {
    const store = new MemoryTileStore(10_000);
    const cache = new TileCache(store, { bufferFraction: BUFFER });
    const random = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7919) % 251));
    await cache.get(key('a', 1, 0, 0), async () => random(3000));
    await cache.get(key('a', 1, 1, 0), async () => random(3000));
    await store.get(key('a', 1, 0, 0)); // touch: now most recent
    await cache.get(key('a', 1, 0, 1), async () => random(3000));
    expect(store.stats().bytes).toBeLessThanOrEqual(10_000);
    expect(await store.get(key('a', 1, 0, 0))).toBeDefined();
    expect(await store.get(key('a', 1, 1, 0))).toBeUndefined();
  });
});

describe('dirty region', () => {
  it('a box inside a tile touches that tile and its ancestors, and only touching descendants', () => {
    fc.assert(
      fc.property(fc.double({ min: 120, max: 122, noNaN: true }), fc.double({ min: 28, max: 29.3, noNaN: true }), fc.integer({ min: 3, max: 18 }), (lon, lat, z) => {
        const box = boxAt(lon, lat, 0.5);
        const t = lonLatToTile(lon, lat, z);
        expect(tileTouchedBy(t, [box], BUFFER)).toBe(true);
        const touchedKids = tileChildren(t).filter((c) => tileTouchedBy(c, [box], BUFFER));
        expect(touchedKids.length).toBeGreaterThanOrEqual(1);
        // A tile three tiles away is never touched by a 1 m box.
        const [minX, , maxX] = tileBounds3857(t);
        const farBox: Box3857 = [box[0] + 3 * (maxX - minX), box[1], box[2] + 3 * (maxX - minX), box[3]];
        expect(tileTouchedBy(t, [farBox], BUFFER)).toBe(false);
      }),
    );
  });

  it('time buckets are whole seconds in UTC', () => {
    expect(timeBucket(undefined)).toBe('current');
    expect(timeBucket(Date.parse('2020-05-01T08:00:00.750+08:00'))).toBe('2020-05-01T00:00:00Z');
  });
});
