/**
 * The order in which a pyramid is seeded: zoom by zoom, row by row inside a bbox. Pure, so a
 * resumed run walks exactly the same sequence as the interrupted one.
 */
import { lonLatToTile, tileParent, type TileCoord } from '../tile-coord.ts';

/** [west, south, east, north] in degrees. */
export type BBoxLonLat = readonly [number, number, number, number];

export interface SeedPlan {
  readonly bbox: BBoxLonLat;
  readonly minZoom: number;
  readonly maxZoom: number;
  /**
   * From this zoom on a tile's emptiness is inherited by its children (no generalisation drops
   * features there), so the children of an empty tile are skipped without a request.
   */
  readonly hereditaryFromZoom: number;
}

export function tileRangeAt(bbox: BBoxLonLat, z: number) {
  const nw = lonLatToTile(bbox[0], bbox[3], z);
  const se = lonLatToTile(bbox[2], bbox[1], z);
  return { minX: nw.x, maxX: se.x, minY: nw.y, maxY: se.y, count: (se.x - nw.x + 1) * (se.y - nw.y + 1) };
}

/** Upper bound of tiles to visit (skipping empties only lowers it). */
export function plannedTileCount(plan: SeedPlan): number {
  let n = 0;
  for (let z = plan.minZoom; z <= plan.maxZoom; z++) n += tileRangeAt(plan.bbox, z).count;
  return n;
}

/** The tiles of zoom z in seeding order, starting at `from` (index within the zoom). */
export function* tilesAt(plan: SeedPlan, z: number, from = 0): Generator<{ index: number; coord: TileCoord }> {
  const r = tileRangeAt(plan.bbox, z);
  const width = r.maxX - r.minX + 1;
  for (let index = from; index < r.count; index++) {
    yield { index, coord: { z, x: r.minX + (index % width), y: r.minY + Math.floor(index / width) } };
  }
}

/** Whether a tile can be skipped because its parent was empty at a hereditary zoom. */
export function skippedByParent(plan: SeedPlan, coord: TileCoord, emptyParents: ReadonlySet<string>): boolean {
  const parent = tileParent(coord);
  return parent !== undefined && parent.z >= plan.hereditaryFromZoom && parent.z >= plan.minZoom && emptyParents.has(`${parent.x}/${parent.y}`);
}
