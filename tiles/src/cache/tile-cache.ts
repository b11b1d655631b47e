/**
 * The tile cache in front of the renderer: one render per missing tile however many requests
 * ask at once (coalescing), compression once at fill, and exact invalidation by changed area.
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import type { Box3857 } from './dirty-region.ts';
import { keyString, type TileKey } from './tile-key.ts';
import type { CachedTile, TileStore } from './tile-store.ts';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

export interface TileCacheOptions {
  /** Tile buffer as a fraction of the tile side (64 / 4096). */
  readonly bufferFraction: number;
}

export interface TileCacheStats {
  hits: number;
  misses: number;
  coalesced: number;
  invalidated: number;
}

/** Builds the cached form of a tile: raw + gzip + brotli + strong ETag. */
export async function packTile(raw: Buffer): Promise<CachedTile> {
  if (raw.length === 0) return { raw, gzip: raw, br: raw, etag: '"empty"' };
  const [gz, br] = await Promise.all([
    gzipAsync(raw, { level: 6 }),
    brotliAsync(raw, { params: { [zlib.BROTLI_PARAM_QUALITY]: 5, [zlib.BROTLI_PARAM_SIZE_HINT]: raw.length } }),
  ]);
  return { raw, gzip: gz, br, etag: `"${createHash('sha1').update(raw).digest('base64url')}"` };
}

export class TileCache {
  readonly stats: TileCacheStats = { hits: 0, misses: 0, coalesced: 0, invalidated: 0 };
  readonly #inflight = new Map<string, { layerId: string; generation: number; promise: Promise<CachedTile> }>();
  /** Bumped on each invalidation of a layer: a render that started earlier is not stored. */
  readonly #generation = new Map<string, number>();
  /** layer id → cached composite ids containing it ("roads,buildings"). */
  readonly #composites = new Map<string, Set<string>>();

  constructor(
    readonly store: TileStore,
    readonly options: TileCacheOptions,
  ) {}

  /** The cached tile, or renders it once (concurrent callers share the render). */
  async get(key: TileKey, render: () => Promise<Buffer>): Promise<CachedTile> {
    return (await this.lookup(key, render)).tile;
  }

  /** As get(), also saying whether the tile came from the store, a shared render or a new one. */
  async lookup(key: TileKey, render: () => Promise<Buffer>): Promise<{ tile: CachedTile; status: 'hit' | 'coalesced' | 'miss' }> {
    const k = keyString(key);
    if (key.layerId.includes(',')) this.#registerComposite(key.layerId);
    const cached = await this.store.get(key);
    if (cached) {
      this.stats.hits++;
      return { tile: cached, status: 'hit' };
    }
    const running = this.#inflight.get(k);
    if (running) {
      this.stats.coalesced++;
      return { tile: await running.promise, status: 'coalesced' };
    }
    this.stats.misses++;
    const generation = this.#generation.get(key.layerId) ?? 0;
    const entry = { layerId: key.layerId, generation, promise: undefined as unknown as Promise<CachedTile> };
    entry.promise = (async () => {
      try {
        const tile = await packTile(await render());
        if ((this.#generation.get(key.layerId) ?? 0) === generation) await this.store.set(key, tile);
        return tile;
      } finally {
        if (this.#inflight.get(k) === entry) this.#inflight.delete(k);
      }
    })();
    this.#inflight.set(k, entry);
    return { tile: await entry.promise, status: 'miss' };
  }

  /**
   * Drops the layer's tiles that the boxes touch, in every time bucket and at every zoom, and
   * detaches renders in flight for that layer so the next request renders the new state.
   */
  async invalidate(layerId: string, boxes: readonly Box3857[]): Promise<number> {
    let n = 0;
    for (const id of this.#cacheIdsOf(layerId)) {
      this.#detach(id);
      n += await this.store.invalidate(id, boxes, this.options.bufferFraction);
    }
    this.stats.invalidated += n;
    return n;
  }

  /** Drops every tile of a layer (and of composites containing it). */
  async clearLayer(layerId: string): Promise<void> {
    for (const id of this.#cacheIdsOf(layerId)) {
      this.#detach(id);
      await this.store.clearLayer(id);
    }
  }

  #cacheIdsOf(layerId: string): string[] {
    return [layerId, ...(this.#composites.get(layerId) ?? [])];
  }

  #detach(id: string): void {
    this.#generation.set(id, (this.#generation.get(id) ?? 0) + 1);
    for (const [k, v] of this.#inflight) if (v.layerId === id) this.#inflight.delete(k);
  }

  #registerComposite(compositeId: string): void {
    for (const member of compositeId.split(',')) {
      let set = this.#composites.get(member);
      if (!set) this.#composites.set(member, (set = new Set()));
      set.add(compositeId);
    }
  }
}
