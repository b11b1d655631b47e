/**
 * Reads Cloud-Optimized GeoTIFFs block by block with geotiff.js: only the internal tiles of the
 * one overview level a request needs are read and decoded (byte-range reads of the file), and
 * decoded blocks are kept in a byte-bounded LRU shared by every open file — the equivalent of
 * GDAL's block cache. Open files are kept in a small LRU too.
 */
import { inflateSync } from 'node:zlib';
import { fromFile, getDecoder, type BaseDecoder, type GeoTIFF, type GeoTIFFImage, type TypedArray } from 'geotiff';
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

/** What getTileOrStrip needs of a decoder. */
interface BlockDecoder {
  decode(buffer: ArrayBuffer): Promise<ArrayBuffer>;
}

/**
 * Deflate (and uncompressed) blocks decoded with Node's native zlib, then TIFF horizontal
 * differencing (Predictor 2) undone in place: ~20× faster than geotiff.js's pure-JS inflate on a
 * 512 × 512 × 4 block, which is what makes full-resolution zooms cheap.
 */
function nativeDecoder(compression: number, predictor: number, tileWidth: number, samples: number, bits: 8 | 16): BlockDecoder {
  return {
    async decode(buffer: ArrayBuffer): Promise<ArrayBuffer> {
      const raw = compression === 1 ? Buffer.from(buffer) : inflateSync(Buffer.from(buffer));
      const out = raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength) as ArrayBuffer;
      if (predictor === 2) {
        const a = bits === 16 ? new Uint16Array(out) : new Uint8Array(out);
        const row = tileWidth * samples;
        for (let r = 0; r + row <= a.length; r += row) for (let i = r + samples; i < r + row; i++) a[i] = a[i]! + a[i - samples]!;
      }
      return out;
    },
  };
}

const decoders = new WeakMap<GeoTIFFImage, Promise<BlockDecoder | BaseDecoder | undefined>>();

/**
 * A decoder for whole blocks, or undefined when the image needs geotiff.js's general path
 * (band-separate planes, big-endian files, floating point, odd sample sizes).
 */
function blockDecoder(image: GeoTIFFImage): Promise<BlockDecoder | BaseDecoder | undefined> {
  let d = decoders.get(image);
  if (!d) {
    d = (async () => {
      const fd = image.fileDirectory;
      const compression = Number(fd.getValue('Compression') ?? 1);
      const planar = Number(fd.getValue('PlanarConfiguration') ?? 1);
      const bits = image.getBitsPerSample();
      const format = image.getSampleFormat();
      const predictor = Number((await fd.loadValue('Predictor')) ?? 1);
      if (planar !== 1 || !image.littleEndian || !image.isTiled || format !== 1 || (bits !== 8 && bits !== 16)) return undefined;
      if ((compression === 1 || compression === 8 || compression === 32946) && (predictor === 1 || predictor === 2)) {
        return nativeDecoder(compression, predictor, image.getTileWidth(), image.getSamplesPerPixel(), bits);
      }
      if (compression !== 5) return undefined; // LZW keeps geotiff.js's decoder with the default parameters
      return getDecoder(compression, { tileWidth: image.getTileWidth(), tileHeight: image.getTileHeight(), planarConfiguration: planar, bitsPerSample: fd.getValue('BitsPerSample'), predictor } as never);
    })();
    decoders.set(image, d);
  }
  return d;
}

/**
 * Reads block (bx, by) of a level, all bands pixel-interleaved. The fast path decodes the
 * block's bytes once and views them as a typed array (stride = the block width, edge blocks
 * padded as stored); geotiff.js's readRasters, which copies sample by sample, is the fallback.
 */
export function readBlock(cog: Cog, levelIndex: number, bx: number, by: number, cache: BlockCache | undefined): Promise<Block> {
  const level = cog.levels[levelIndex]!;
  const load = async (): Promise<Block> => {
    const x0 = bx * level.blockWidth, y0 = by * level.blockHeight;
    const x1 = Math.min(level.width, x0 + level.blockWidth), y1 = Math.min(level.height, y0 + level.blockHeight);
    const decoder = await blockDecoder(level.image);
    if (decoder) {
      const { data } = await level.image.getTileOrStrip(bx, by, 0, decoder as BaseDecoder);
      const typed = level.image.getBitsPerSample() === 16 ? new Uint16Array(data as ArrayBuffer) : new Uint8Array(data as ArrayBuffer);
      return { data: typed, width: level.blockWidth, height: y1 - y0 };
    }
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
