/**
 * Renders one Web Mercator raster tile from a stack of scenes: newest first, each pixel takes
 * the first scene that has data there (the time mosaic); a per-scene tile is the same with a
 * stack of one. Nodata (every read band equal to the file's nodata) stays transparent.
 */
import sharp from 'sharp';
import type { TypedArray } from 'geotiff';
import { chooseLevel, readBlock, type Block, type BlockCache, type Cog, type CogPool } from './cog-reader.ts';
import { crsForEpsg } from './projection.ts';
import { pixelColourer, styleBands, type BandInfo, type RasterStyle } from './styles.ts';
import { tilePixelMap } from './warp.ts';

export interface SceneRef {
  /** Absolute path of the COG. */
  readonly path: string;
  readonly bands: readonly BandInfo[];
}

export interface RenderRequest {
  readonly scenes: readonly SceneRef[];
  readonly bbox3857: readonly [number, number, number, number];
  /** Output side in pixels (256 or 512). */
  readonly size: number;
  readonly style: RasterStyle;
}

export interface RenderDeps {
  readonly cogs: CogPool;
  readonly blocks?: BlockCache;
}

export interface RenderedTile {
  readonly rgba: Uint8ClampedArray;
  readonly size: number;
  /** Pixels with data. */
  readonly filled: number;
  /** How many of the scenes contributed at least one pixel. */
  readonly scenesUsed: number;
}

export async function renderTile(req: RenderRequest, deps: RenderDeps): Promise<RenderedTile> {
  const { size } = req;
  const total = size * size;
  const rgba = new Uint8ClampedArray(total * 4);
  const done = new Uint8Array(total);
  let filled = 0;
  let scenesUsed = 0;
  for (const scene of req.scenes) {
    if (filled === total) break;
    const cog = await deps.cogs.get(scene.path);
    const n = await drawScene(cog, scene, req, deps, rgba, done);
    if (n > 0) scenesUsed++;
    filled += n;
  }
  return { rgba, size, filled, scenesUsed };
}

async function drawScene(cog: Cog, scene: SceneRef, req: RenderRequest, deps: RenderDeps, rgba: Uint8ClampedArray, done: Uint8Array): Promise<number> {
  const crs = cog.epsg === undefined ? undefined : crsForEpsg(cog.epsg);
  if (!crs) return 0; // ingest only registers files in CRSs we transform
  const { size } = req;
  const pm = tilePixelMap(req.bbox3857, size, crs, cog.geoTransform);
  const [c0, r0, c1, r1] = pm.bounds;
  if (c1 < 0 || r1 < 0 || c0 >= cog.width || r0 >= cog.height) return 0;
  const srcPerOut = Math.max(c1 - c0, r1 - r0) / size;
  const level = chooseLevel(cog, srcPerOut);
  const li = cog.levels.indexOf(level);
  const f = level.factor;
  const bw = level.blockWidth, bh = level.blockHeight;
  const bx0 = Math.max(0, Math.floor(c0 / f / bw)), by0 = Math.max(0, Math.floor(r0 / f / bh));
  const bx1 = Math.min(Math.ceil(level.width / bw) - 1, Math.floor(c1 / f / bw)), by1 = Math.min(Math.ceil(level.height / bh) - 1, Math.floor(r1 / f / bh));
  const nbx = bx1 - bx0 + 1;
  const jobs: Promise<Block>[] = [];
  for (let by = by0; by <= by1; by++) for (let bx = bx0; bx <= bx1; bx++) jobs.push(readBlock(cog, li, bx, by, deps.blocks));
  const blocks = await Promise.all(jobs);
  const idx = styleBands(req.style, scene.bands);
  if (idx.some((i) => i >= cog.bandCount)) return 0;
  const colour = pixelColourer(req.style, scene.bands);
  const nb = cog.bandCount;
  const nodata = cog.nodata;
  const values = new Float64Array(idx.length);
  const lw = level.width, lh = level.height;
  let n = 0;
  for (let o = 0; o < size * size; o++) {
    if (done[o]) continue;
    const c = Math.floor(pm.col[o]! / f), r = Math.floor(pm.row[o]! / f);
    if (c < 0 || r < 0 || c >= lw || r >= lh) continue;
    const bx = Math.floor(c / bw), by = Math.floor(r / bh);
    const block = blocks[(by - by0) * nbx + (bx - bx0)];
    if (!block) continue;
    const data: TypedArray = block.data;
    const base = ((r - by * bh) * block.width + (c - bx * bw)) * nb;
    let allNodata = nodata !== null;
    for (let k = 0; k < idx.length; k++) {
      const v = data[base + idx[k]!]!;
      values[k] = v;
      if (v !== nodata) allNodata = false;
    }
    if (allNodata) continue;
    if (!colour(values, rgba, o * 4)) continue;
    done[o] = 1;
    n++;
  }
  return n;
}

export type RasterFormat = 'png' | 'webp';

/** Encodes RGBA to PNG or WebP (libvips through sharp). An empty tile encodes to no bytes. */
export async function encodeTile(tile: RenderedTile, format: RasterFormat): Promise<Buffer> {
  if (tile.filled === 0) return Buffer.alloc(0);
  const img = sharp(Buffer.from(tile.rgba.buffer, tile.rgba.byteOffset, tile.rgba.byteLength), { raw: { width: tile.size, height: tile.size, channels: 4 } });
  return format === 'png' ? img.png({ compressionLevel: 6, adaptiveFiltering: false }).toBuffer() : img.webp({ quality: 82, alphaQuality: 100, effort: 2 }).toBuffer();
}

export const RASTER_MEDIA_TYPES: Readonly<Record<RasterFormat, string>> = { png: 'image/png', webp: 'image/webp' };
