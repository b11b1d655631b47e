/**
 * Which tiles a change touches. A change is a list of EPSG:3857 boxes (the old and the new
 * geometry's bounds); a tile is touched when its envelope grown by the tile buffer meets a box,
 * because a feature just outside a tile still shows in that tile's buffer.
 */
import { tileBounds3857, type TileCoord } from '../tile-coord.ts';

/** [minX, minY, maxX, maxY] in EPSG:3857 metres. */
export type Box3857 = readonly [number, number, number, number];

export function tileTouchedBy(coord: TileCoord, boxes: readonly Box3857[], bufferFraction: number): boolean {
  const [minX, minY, maxX, maxY] = tileBounds3857(coord);
  const pad = (maxX - minX) * bufferFraction;
  return boxes.some((b) => b[0] <= maxX + pad && b[2] >= minX - pad && b[1] <= maxY + pad && b[3] >= minY - pad);
}

/** Column/row ranges of the tiles at zoom z that a box touches (for walking a disk cache). */
export function tileRangeOf(box: Box3857, z: number, bufferFraction: number): { minX: number; maxX: number; minY: number; maxY: number } {
  const half = 20037508.342789244;
  const size = (2 * half) / 2 ** z;
  const pad = size * bufferFraction;
  const n = 2 ** z;
  const clamp = (v: number) => Math.min(n - 1, Math.max(0, v));
  return {
    minX: clamp(Math.floor((box[0] - pad + half) / size)),
    maxX: clamp(Math.floor((box[2] + pad + half) / size)),
    minY: clamp(Math.floor((half - (box[3] + pad)) / size)),
    maxY: clamp(Math.floor((half - (box[1] - pad)) / size)),
  };
}
