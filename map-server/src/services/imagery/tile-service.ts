/**
 * Raster tiles of the imagery: the time mosaic (for a datetime, per pixel the most recent
 * scene acquired on or before it, within a cloud-cover limit) and per-scene tiles. Which scenes
 * a tile needs is one indexed query on the footprints; the cache key is the exact list of
 * those scenes (with their update stamps) plus the rendering choices, so a newly ingested or
 * replaced scene changes the key of exactly the tiles it touches, in every process, and two
 * datetimes that see the same scenes share one cached tile.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { tileBounds3857, type TileCache, type TileCoord, CURRENT_BUCKET } from '@onemap/tiles';
import { BlockCache, CogPool, encodeTile, openCog, readPointValues, renderTile, styleBands, styleKey, StyleBandError, ndvi, type BandInfo, type RasterFormat, type RasterStyle, type SceneRef } from '@onemap/tiles/raster';
import type { Pool } from '../../db.ts';
import { BadRequestError, NotFoundError } from '../../errors.ts';

/** At most this many scenes are stacked in one mosaic tile (newest first). */
const MAX_STACK = 12;

export interface MosaicQuery {
  /** ISO instant; scenes acquired after it are never shown. */
  readonly datetime: string;
  readonly collections?: readonly string[];
  /** Largest scene cloud cover in percent (scenes without a value pass). */
  readonly cloudMax: number;
}

export interface TileOptions {
  readonly size: 256 | 512;
  readonly format: RasterFormat;
  readonly style: RasterStyle;
}

interface StackRow {
  collection: string;
  id: string;
  cog_path: string;
  updated: Date;
  bands: BandInfo[];
}

export class ImageryTiles {
  readonly cogs = new CogPool(64);
  readonly blocks: BlockCache;

  constructor(
    readonly pool: Pool,
    readonly imageryDir: string,
    readonly cache: TileCache | undefined,
    blockCacheBytes = 256 << 20,
  ) {
    this.blocks = new BlockCache(blockCacheBytes);
  }

  /** Scenes of the mosaic over a tile, newest first. */
  async mosaicStack(coord: TileCoord, q: MosaicQuery): Promise<StackRow[]> {
    const { rows } = await this.pool.query<StackRow>(
      `SELECT i.collection, i.id, i.cog_path, i.updated, c.bands
         FROM imagery.items i JOIN imagery.collections c ON c.id = i.collection
        WHERE i.footprint_3857 && ST_TileEnvelope($1, $2, $3)
          AND ST_Intersects(i.footprint_3857, ST_TileEnvelope($1, $2, $3))
          AND i.datetime <= $4
          AND (i.cloud_cover IS NULL OR i.cloud_cover <= $5)
          AND ($6::text[] IS NULL OR i.collection = ANY($6::text[]))
        ORDER BY i.datetime DESC, i.collection, i.id
        LIMIT ${MAX_STACK}`,
      [coord.z, coord.x, coord.y, q.datetime, q.cloudMax, q.collections ?? null],
    );
    return rows;
  }

  async sceneStack(collection: string, id: string): Promise<StackRow[]> {
    const { rows } = await this.pool.query<StackRow>(
      `SELECT i.collection, i.id, i.cog_path, i.updated, c.bands FROM imagery.items i JOIN imagery.collections c ON c.id = i.collection WHERE i.collection = $1 AND i.id = $2`,
      [collection, id],
    );
    if (!rows[0]) throw new NotFoundError('ItemNotFound', `没有影像 / no item "${id}" in collection "${collection}"`);
    return rows;
  }

  /** Renders (or fetches from the cache) one tile of a stack; empty bytes = nothing there. */
  async tile(coord: TileCoord, stack: readonly StackRow[], opts: TileOptions): Promise<{ bytes: Buffer; etag: string; cache: string }> {
    for (const s of stack) {
      try {
        styleBands(opts.style, s.bands);
      } catch (err) {
        if (err instanceof StyleBandError) throw new BadRequestError(`${s.collection}: ${err.message}`);
        throw err;
      }
    }
    const fingerprint = createHash('sha1')
      .update(stack.map((s) => `${s.collection}/${s.id}@${s.updated.getTime()}`).join('|'))
      .digest('base64url')
      .slice(0, 20);
    const render = async (): Promise<Buffer> => {
      if (!stack.length) return Buffer.alloc(0);
      const scenes: SceneRef[] = stack.map((s) => ({ path: join(this.imageryDir, s.cog_path), bands: s.bands }));
      const rendered = await renderTile({ scenes, bbox3857: tileBounds3857(coord), size: opts.size, style: opts.style }, { cogs: this.cogs, blocks: this.blocks });
      return encodeTile(rendered, opts.format);
    };
    const layerId = `imagery:${styleKey(opts.style).replaceAll(",", "+")}:${opts.size}:${opts.format}:${fingerprint}`;
    if (!this.cache) {
      const bytes = await render();
      return { bytes, etag: `"${createHash('sha1').update(bytes).digest('base64url')}"`, cache: 'off' };
    }
    const { tile, status } = await this.cache.lookup({ layerId, bucket: CURRENT_BUCKET, coord }, render);
    return { bytes: tile.raw, etag: tile.etag, cache: status };
  }

  /** Band values (and NDVI) of the mosaic at a point. */
  async point(lon: number, lat: number, q: MosaicQuery): Promise<Record<string, unknown> | undefined> {
    const { rows } = await this.pool.query<StackRow & { datetime: Date; cloud_cover: number | null }>(
      `SELECT i.collection, i.id, i.cog_path, i.updated, i.datetime, i.cloud_cover, c.bands
         FROM imagery.items i JOIN imagery.collections c ON c.id = i.collection
        WHERE ST_Intersects(i.footprint, ST_SetSRID(ST_MakePoint($1, $2), 4490))
          AND i.datetime <= $3 AND (i.cloud_cover IS NULL OR i.cloud_cover <= $4)
          AND ($5::text[] IS NULL OR i.collection = ANY($5::text[]))
        ORDER BY i.datetime DESC, i.collection, i.id LIMIT ${MAX_STACK}`,
      [lon, lat, q.datetime, q.cloudMax, q.collections ?? null],
    );
    for (const r of rows) {
      const cog = await this.cogs.get(join(this.imageryDir, r.cog_path));
      const values = await readPointValues(cog, lon, lat, this.blocks);
      if (!values) continue;
      const byName: Record<string, number> = {};
      r.bands.forEach((b, i) => (byName[b.common_name ?? b.name] = values[i]!));
      const nir = r.bands.findIndex((b) => b.common_name === 'nir');
      const red = r.bands.findIndex((b) => b.common_name === 'red');
      const v = nir >= 0 && red >= 0 ? ndvi(values[nir]!, values[red]!, r.bands[nir]!, r.bands[red]!) : NaN;
      return { collection: r.collection, id: r.id, datetime: r.datetime.toISOString(), cloud_cover: r.cloud_cover, bands: byName, ndvi: Number.isFinite(v) ? Math.round(v * 1e4) / 1e4 : null };
    }
    return undefined;
  }

  /** Opens a COG path (used by the download route to check it exists). */
  async open(relPath: string) {
    return openCog(join(this.imageryDir, relPath));
  }
}
