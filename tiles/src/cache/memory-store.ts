/**
 * In-process LRU tile store bounded in bytes (not entries: a z10 tile can weigh 1000× a z16
 * one). A Map keeps insertion order; re-inserting on hit makes it an LRU.
 */
import { tileTouchedBy, type Box3857 } from './dirty-region.ts';
import { keyString, type TileKey } from './tile-key.ts';
import { tileBytes, type CachedTile, type TileStore } from './tile-store.ts';

interface Entry {
  readonly key: TileKey;
  readonly tile: CachedTile;
  readonly bytes: number;
}

export class MemoryTileStore implements TileStore {
  readonly #entries = new Map<string, Entry>();
  /** layerId → keys, so invalidation looks only at that layer's tiles. */
  readonly #byLayer = new Map<string, Set<string>>();
  #bytes = 0;

  constructor(readonly maxBytes: number) {}

  async get(key: TileKey): Promise<CachedTile | undefined> {
    const k = keyString(key);
    const e = this.#entries.get(k);
    if (!e) return undefined;
    this.#entries.delete(k);
    this.#entries.set(k, e);
    return e.tile;
  }

  async set(key: TileKey, tile: CachedTile): Promise<void> {
    const k = keyString(key);
    const bytes = tileBytes(tile);
    if (bytes > this.maxBytes) return;
    this.#remove(k);
    this.#entries.set(k, { key, tile, bytes });
    this.#bytes += bytes;
    let layer = this.#byLayer.get(key.layerId);
    if (!layer) this.#byLayer.set(key.layerId, (layer = new Set()));
    layer.add(k);
    for (const [oldest] of this.#entries) {
      if (this.#bytes <= this.maxBytes) break;
      this.#remove(oldest);
    }
  }

  async invalidate(layerId: string, boxes: readonly Box3857[], bufferFraction: number): Promise<number> {
    const keys = this.#byLayer.get(layerId);
    if (!keys || boxes.length === 0) return 0;
    let n = 0;
    for (const k of [...keys]) {
      const e = this.#entries.get(k);
      if (e && tileTouchedBy(e.key.coord, boxes, bufferFraction)) {
        this.#remove(k);
        n++;
      }
    }
    return n;
  }

  async clearLayer(layerId: string): Promise<number> {
    const keys = [...(this.#byLayer.get(layerId) ?? [])];
    for (const k of keys) this.#remove(k);
    return keys.length;
  }

  stats() {
    return { entries: this.#entries.size, bytes: this.#bytes };
  }

  #remove(k: string): void {
    const e = this.#entries.get(k);
    if (!e) return;
    this.#entries.delete(k);
    this.#bytes -= e.bytes;
    this.#byLayer.get(e.key.layerId)?.delete(k);
  }
}
