/**
 * The tile matrix sets we serve (OGC 17-083r4, TileMatrixSet 2.0; standards.md §5):
 * - `WebMercatorQuad`, the registered OGC set (= XYZ / TileJSON / ST_TileEnvelope; row = y);
 * - `CGCS2000Quad`, the CGCS2000 geographic grid of 天地图's `_c` services (domain.md §5.5):
 *   EPSG:4490, origin (−180°, 90°), level 1 = 2 × 1 tiles of 256 px at 0.703125°/px, halving
 *   per level. Level z has 2^z columns like WebMercatorQuad, so the catalogue's zooms apply.
 * Pure math and documents; no I/O.
 */
import { lonLatToTile, WEB_MERCATOR_HALF_M } from './tile-coord.ts';

export type TileMatrixSetId = 'WebMercatorQuad' | 'CGCS2000Quad';

export interface TileMatrixLimits {
  readonly tileMatrix: string;
  readonly minTileRow: number;
  readonly maxTileRow: number;
  readonly minTileCol: number;
  readonly maxTileCol: number;
}

export interface TileMatrixSetDef {
  readonly id: TileMatrixSetId;
  readonly title: string;
  /** Registered URI (only WebMercatorQuad has one). */
  readonly uri?: string;
  readonly crs: string;
  readonly minZoom: number;
  readonly maxZoom: number;
  /** Columns and rows of tile matrix z. */
  matrixSize(z: number): { readonly width: number; readonly height: number };
  /** The tile containing a lon/lat at z (clamped to the matrix). */
  tileAt(lon: number, lat: number, z: number): { readonly col: number; readonly row: number };
  /** Tile bounds as lon/lat degrees [west, south, east, north] (CGCS2000Quad) or metres (WebMercatorQuad). */
  tileBounds(z: number, col: number, row: number): [number, number, number, number];
}

/** Metres per degree along the equator of the GRS80/WGS 84 ellipsoid (2π·6378137/360). */
const METRES_PER_DEGREE = 111319.49079327357;
/** OGC's standardised rendering pixel size, metres. */
const PIXEL_M = 0.00028;
const TILE_PX = 256;
const EPSG = 'http://www.opengis.net/def/crs/EPSG/0/';

export const WEB_MERCATOR_QUAD: TileMatrixSetDef = {
  id: 'WebMercatorQuad',
  title: 'Google Maps Compatible for the World (EPSG:3857)',
  uri: 'http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad',
  crs: `${EPSG}3857`,
  minZoom: 0,
  maxZoom: 24,
  matrixSize: (z) => ({ width: 2 ** z, height: 2 ** z }),
  tileAt: (lon, lat, z) => {
    const t = lonLatToTile(lon, lat, z);
    return { col: t.x, row: t.y };
  },
  tileBounds: (z, col, row) => {
    const size = (2 * WEB_MERCATOR_HALF_M) / 2 ** z;
    const minX = -WEB_MERCATOR_HALF_M + col * size;
    const maxY = WEB_MERCATOR_HALF_M - row * size;
    return [minX, maxY - size, minX + size, maxY];
  },
};

/** Degrees spanned by one tile of CGCS2000Quad level z (180° at level 1). */
export function cgcs2000TileSpanDeg(z: number): number {
  return 360 / 2 ** z;
}

export const CGCS2000_QUAD: TileMatrixSetDef = {
  id: 'CGCS2000Quad',
  title: 'CGCS2000 geographic quadtree (天地图 c grid, EPSG:4490)',
  crs: `${EPSG}4490`,
  minZoom: 1,
  maxZoom: 24,
  matrixSize: (z) => ({ width: 2 ** z, height: 2 ** (z - 1) }),
  tileAt: (lon, lat, z) => {
    const span = cgcs2000TileSpanDeg(z);
    const { width, height } = CGCS2000_QUAD.matrixSize(z);
    const clamp = (v: number, n: number) => Math.min(n - 1, Math.max(0, v));
    return { col: clamp(Math.floor((lon + 180) / span), width), row: clamp(Math.floor((90 - lat) / span), height) };
  },
  tileBounds: (z, col, row) => {
    const span = cgcs2000TileSpanDeg(z);
    return [-180 + col * span, 90 - (row + 1) * span, -180 + (col + 1) * span, 90 - row * span];
  },
};

export const TILE_MATRIX_SETS: readonly TileMatrixSetDef[] = [WEB_MERCATOR_QUAD, CGCS2000_QUAD];

export function tileMatrixSetById(id: string): TileMatrixSetDef | undefined {
  return TILE_MATRIX_SETS.find((t) => t.id === id);
}

/** Whether z/row/col addresses a tile of the set. */
export function inMatrixSet(tms: TileMatrixSetDef, z: number, row: number, col: number): boolean {
  if (!Number.isInteger(z) || z < tms.minZoom || z > tms.maxZoom) return false;
  const { width, height } = tms.matrixSize(z);
  return Number.isInteger(row) && Number.isInteger(col) && row >= 0 && col >= 0 && row < height && col < width;
}

/**
 * tileMatrixSetLimits covering lon/lat bounds [west, south, east, north] from minZoom to
 * maxZoom (the whole matrix where bounds are unknown).
 */
export function tileMatrixSetLimits(tms: TileMatrixSetDef, bounds: readonly [number, number, number, number] | undefined, minZoom: number, maxZoom: number): TileMatrixLimits[] {
  const out: TileMatrixLimits[] = [];
  for (let z = Math.max(minZoom, tms.minZoom); z <= Math.min(maxZoom, tms.maxZoom); z++) {
    if (!bounds) {
      const { width, height } = tms.matrixSize(z);
      out.push({ tileMatrix: String(z), minTileRow: 0, maxTileRow: height - 1, minTileCol: 0, maxTileCol: width - 1 });
      continue;
    }
    const nw = tms.tileAt(bounds[0], bounds[3], z);
    const se = tms.tileAt(bounds[2], bounds[1], z);
    out.push({ tileMatrix: String(z), minTileRow: nw.row, maxTileRow: se.row, minTileCol: nw.col, maxTileCol: se.col });
  }
  return out;
}

/** The TileMatrixSet 2.0 JSON document (OGC 17-083r4 §7.1). */
export function tileMatrixSetDocument(tms: TileMatrixSetDef) {
  const matrices = [];
  for (let z = tms.minZoom; z <= tms.maxZoom; z++) {
    const { width, height } = tms.matrixSize(z);
    const cellSize = tms.id === 'WebMercatorQuad' ? (2 * WEB_MERCATOR_HALF_M) / TILE_PX / 2 ** z : cgcs2000TileSpanDeg(z) / TILE_PX;
    const metres = tms.id === 'WebMercatorQuad' ? cellSize : cellSize * METRES_PER_DEGREE;
    matrices.push({
      id: String(z),
      scaleDenominator: metres / PIXEL_M,
      cellSize,
      cornerOfOrigin: 'topLeft',
      // In the CRS's axis order: EPSG:3857 easting/northing, EPSG:4490 latitude/longitude.
      pointOfOrigin: tms.id === 'WebMercatorQuad' ? [-WEB_MERCATOR_HALF_M, WEB_MERCATOR_HALF_M] : [90, -180],
      tileWidth: TILE_PX,
      tileHeight: TILE_PX,
      matrixWidth: width,
      matrixHeight: height,
    });
  }
  return {
    id: tms.id,
    title: tms.title,
    ...(tms.uri ? { uri: tms.uri } : {}),
    crs: tms.crs,
    orderedAxes: tms.id === 'WebMercatorQuad' ? ['E', 'N'] : ['Lat', 'Lon'],
    ...(tms.id === 'WebMercatorQuad' ? { wellKnownScaleSet: 'http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible' } : {}),
    tileMatrices: matrices,
  };
}
