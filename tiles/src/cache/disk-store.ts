/**
 * Tile store on disk, shareable by several server processes on one host:
 * `<dir>/<layer>/<bucket>/<z>/<x>/<y>.tile`, written to a temporary file and renamed so a
 * reader never sees half a tile. One file holds the ETag and the raw, gzip and brotli bytes.
 * Invalidation walks only the x/y ranges a change touches at each cached zoom.
 */
import { mkdir, readdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tileRangeOf, type Box3857 } from './dirty-region.ts';
import type { TileKey } from './tile-key.ts';
import { tileBytes, type CachedTile, type TileStore } from './tile-store.ts';

const HEADER_BYTES = 16;

function encode(t: CachedTile): Buffer {
  const etag = Buffer.from(t.etag, 'utf8');
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32LE(etag.length, 0);
  header.writeUInt32LE(t.raw.length, 4);
  header.writeUInt32LE(t.gzip.length, 8);
  header.writeUInt32LE(t.br.length, 12);
  return Buffer.concat([header, etag, t.raw, t.gzip, t.br]);
}

function decode(b: Buffer): CachedTile | undefined {
  if (b.length < HEADER_BYTES) return undefined;
  const lens = [0, 4, 8, 12].map((o) => b.readUInt32LE(o));
  if (HEADER_BYTES + lens.reduce((s, n) => s + n, 0) !== b.length) return undefined;
  let at = HEADER_BYTES;
  const take = (n: number) => b.subarray(at, (at += n));
  const etag = take(lens[0]!).toString('utf8');
  return { etag, raw: take(lens[1]!), gzip: take(lens[2]!), br: take(lens[3]!) };
}

const SAFE_SEGMENT = /^[A-Za-z0-9_:.,-]+$/;

export class DiskTileStore implements TileStore {
  #tmpCounter = 0;
  #written = 0;
  #bytes = 0;

  constructor(readonly dir: string) {}

  #path({ layerId, bucket, coord }: TileKey): string {
    // Layer ids come from the catalogue and buckets from timeBucket(); refuse anything else
    // rather than let a crafted value walk out of the cache folder.
    if (!SAFE_SEGMENT.test(layerId) || !SAFE_SEGMENT.test(bucket)) throw new Error(`unsafe tile cache key ${layerId}/${bucket}`);
    return join(this.dir, layerId, bucket, String(coord.z), String(coord.x), `${coord.y}.tile`);
  }

  async get(key: TileKey): Promise<CachedTile | undefined> {
    try {
      return decode(await readFile(this.#path(key)));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async set(key: TileKey, tile: CachedTile): Promise<void> {
    const path = this.#path(key);
    const dir = path.slice(0, path.lastIndexOf('/'));
    await mkdir(dir, { recursive: true });
    const tmp = `${path}.${process.pid}.${this.#tmpCounter++}.tmp`;
    await writeFile(tmp, encode(tile));
    await rename(tmp, path);
    this.#written++;
    this.#bytes += tileBytes(tile);
  }

  /**
   * Also walks composites containing the layer: another process sharing this folder may have
   * cached a composite this process never saw.
   */
  async invalidate(layerId: string, boxes: readonly Box3857[], bufferFraction: number): Promise<number> {
    let removed = 0;
    for (const id of await list(this.dir)) {
      if (id === layerId || id.split(',').includes(layerId)) removed += await this.#invalidateDir(join(this.dir, id), boxes, bufferFraction);
    }
    return removed;
  }

  async #invalidateDir(layerDir: string, boxes: readonly Box3857[], bufferFraction: number): Promise<number> {
    let removed = 0;
    for (const bucket of await list(layerDir)) {
      for (const zText of await list(join(layerDir, bucket))) {
        const z = Number(zText);
        if (!Number.isInteger(z)) continue;
        for (const box of boxes) {
          const r = tileRangeOf(box, z, bufferFraction);
          for (const xText of await list(join(layerDir, bucket, zText))) {
            const x = Number(xText);
            if (x < r.minX || x > r.maxX) continue;
            for (const file of await list(join(layerDir, bucket, zText, xText))) {
              const y = Number(file.replace(/\.tile$/, ''));
              if (!file.endsWith('.tile') || y < r.minY || y > r.maxY) continue;
              try {
                await unlink(join(layerDir, bucket, zText, xText, file));
                removed++;
              } catch (err) {
                if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
              }
            }
          }
        }
      }
    }
    return removed;
  }

  async clearLayer(layerId: string): Promise<number> {
    for (const id of await list(this.dir)) {
      if (id === layerId || id.split(',').includes(layerId)) await rm(join(this.dir, id), { recursive: true, force: true });
    }
    return 0;
  }

  /** Writes by this process (the folder may be shared; an exact total would need a walk). */
  stats() {
    return { entries: this.#written, bytes: this.#bytes };
  }
}

async function list(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}
