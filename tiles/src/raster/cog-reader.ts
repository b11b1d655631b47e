/**
 * Reads Cloud-Optimized GeoTIFFs block by block with geotiff.js: only the internal tiles of the
 * one overview level a request needs are read and decoded (byte-range reads of the file), and
 * decoded blocks are kept in a byte-bounded LRU shared by every open file — the equivalent of
 * GDAL's block cache. Open files are kept in a small LRU too.
 */
import { fromFile, type GeoTIFF, type GeoTIFFImage, type TypedArray } from 'geotiff';
import type { GeoTransform } from './warp.ts';

export interface CogLevel {
  readonly image: GeoTIFFImage;
  readonly width: number;
  readonly height: number;
  /** Full-resolution pixels per pixel of this level (1 for the full resolution). */
  readonly factor: number;
  readonly blockWidth: number;
  readonly blockHeight: number;
}

export interface Cog {
  readonly path: string;
  readonly width: number;
  readonly height: number;
  readonly bandCount: number;
  readonly geoTransform: GeoTransform;
  /** EPSG code from the GeoKeys (projected, else geographic); undefined when absent. */
  readonly epsg: number | undefined;
  readonly nodata: number | null;
  /** Full resolution first, then overviews from finest to coarsest. */
  readonly levels: readonly CogLevel[];
  readonly tiff: GeoTIFF;
}

/** A decoded block: pixel-interleaved samples of all bands. */
export interface Block {
  readonly data: TypedArray;
  readonly width: number;
  readonly height: number;
}

/** Opens a (COG) GeoTIFF and describes its levels. */
export async function openCog(path: string): Promise<Cog> {
  const tiff = await fromFile(path);
  const count = await tiff.getImageCount();
  const first = await tiff.getImage(0);
  const width = first.getWidth();
  const height = first.getHeight();
  const levels: CogLevel[] = [];
  for (let i = 0; i < count; i++) {
    const image = i === 0 ? first : await tiff.getImage(i);
    // Masks (NewSubfileType bit 2) are separate IFDs with one sample; skip them.
    const subfile = Number(image.fileDirectory.getValue('NewSubfileType') ?? 0);
    if (subfile & 4) continue;
    if (image.getSamplesPerPixel() !== first.getSamplesPerPixel()) continue;
    levels.push({
      image,
      width: image.getWidth(),
      height: image.getHeight(),
      factor: width / image.getWidth(),
      blockWidth: image.getTileWidth(),
      blockHeight: image.getTileHeight(),
    });
  }
  levels.sort((a, b) => a.factor - b.factor);
  const [ox, oy] = first.getOrigin();
  const [rx, ry] = first.getResolution();
  const keys = first.getGeoKeys() as Record<string, number> | null;
  const epsg = keys?.['ProjectedCSTypeGeoKey'] && keys['ProjectedCSTypeGeoKey'] !== 32767 ? keys['ProjectedCSTypeGeoKey'] : keys?.['GeographicTypeGeoKey'] && keys['GeographicTypeGeoKey'] !== 32767 ? keys['GeographicTypeGeoKey'] : undefined;
  return {
    path,
    width,
    height,
    bandCount: first.getSamplesPerPixel(),
    geoTransform: [ox!, rx!, 0, oy!, 0, ry!],
    epsg,
    nodata: first.getGDALNoData(),
    levels,
    tiff,
  };
}

/** The coarsest level whose pixels are still at least as fine as `srcPxPerOutPx` full-res pixels. */
export function chooseLevel(cog: Cog, srcPxPerOutPx: number): CogLevel {
  let best = cog.levels[0]!;
  for (const l of cog.levels) if (l.factor <= srcPxPerOutPx * 1.0001) best = l;
  return best;
}

/** Byte-bounded LRU of decoded blocks across files (insertion order = recency). */
export class BlockCache {
  readonly #map = new Map<string, Promise<Block>>();
  readonly #sizes = new Map<string, number>();
  #bytes = 0;
  hits = 0;
  misses = 0;
  constructor(readonly maxBytes: number) {}

  get(key: string, load: () => Promise<Block>): Promise<Block> {
    const hit = this.#map.get(key);
    if (hit) {
      this.hits++;
      this.#map.delete(key);
      this.#map.set(key, hit);
      return hit;
    }
    this.misses++;
    const p = load();
    this.#map.set(key, p);
    p.then(
      (b) => {
        if (this.#map.get(key) !== p) return;
        this.#sizes.set(key, b.data.byteLength);
        this.#bytes += b.data.byteLength;
        this.#evict();
      },
      () => this.#map.delete(key),
    );
    return p;
  }

  #evict(): void {
    for (const k of this.#map.keys()) {
      if (this.#bytes <= this.maxBytes) break;
      const size = this.#sizes.get(k);
      if (size === undefined) continue; // still loading
      this.#map.delete(k);
      this.#sizes.delete(k);
      this.#bytes -= size;
    }
  }

  get bytes(): number {
    return this.#bytes;
  }
}

/** Reads block (bx, by) of a level, all bands pixel-interleaved. */
export function readBlock(cog: Cog, levelIndex: number, bx: number, by: number, cache: BlockCache | undefined): Promise<Block> {
  const level = cog.levels[levelIndex]!;
  const load = async (): Promise<Block> => {
    const x0 = bx * level.blockWidth, y0 = by * level.blockHeight;
    const x1 = Math.min(level.width, x0 + level.blockWidth), y1 = Math.min(level.height, y0 + level.blockHeight);
    const data = (await level.image.readRasters({ window: [x0, y0, x1, y1], interleave: true })) as unknown as TypedArray;
    return { data, width: x1 - x0, height: y1 - y0 };
  };
  return cache ? cache.get(`${cog.path}|${levelIndex}|${bx}|${by}`, load) : load();
}

/** LRU of open COGs by path (opening parses the IFDs; keep that off the per-tile path). */
export class CogPool {
  readonly #open = new Map<string, Promise<Cog>>();
  constructor(readonly maxOpen = 64) {}

  get(path: string): Promise<Cog> {
    let p = this.#open.get(path);
    if (p) {
      this.#open.delete(path);
      this.#open.set(path, p);
      return p;
    }
    p = openCog(path);
    this.#open.set(path, p);
    p.catch(() => this.#open.delete(path));
    while (this.#open.size > this.maxOpen) {
      const oldest = this.#open.keys().next().value as string;
      const victim = this.#open.get(oldest);
      this.#open.delete(oldest);
      void victim?.then((c) => void c.tiff.close(), () => undefined);
    }
    return p;
  }

  /** Forgets a file (deleted or replaced). */
  forget(path: string): void {
    const p = this.#open.get(path);
    this.#open.delete(path);
    void p?.then((c) => void c.tiff.close(), () => undefined);
  }
}
