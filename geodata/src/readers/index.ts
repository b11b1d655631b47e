/**
 * Readers for imports (architecture.md §2, `src/readers`): GeoJSON, CSV points, zipped
 * Shapefile, GeoPackage and KML/KMZ, sniffed from their bytes; plus the pure pieces the loader
 * applies — GCJ-02/BD-09 removal, geometry checks, property typing.
 */
import { ReadError, type Dataset, type ImportFormat, type ReadLimits } from './dataset.ts';
import { readCsv } from './csv.ts';
import { readGeoJsonText } from './geojson.ts';
import { readWithGdal } from './gdal.ts';
import { decodeText, type TextEncoding } from './text-encoding.ts';

export * from './chinese-offsets.ts';
export * from './dataset.ts';
export { checkGeometry, extentOf, mapPositions, type CheckedGeometry } from './geometry-check.ts';
export { coerceValue, inferFieldType, inferValueType, parseDate, parseDateTime, type Coerced, type InferredType, type TargetType } from './property-types.ts';
export { parseEncoding, type TextEncoding } from './text-encoding.ts';
export { parseCsvRows } from './csv.ts';
export { sridOfCrsName } from './geojson.ts';
export { inspectShapefileZip, parseLayerList } from './gdal.ts';

export type SourceKind = ImportFormat | 'kmz';

export interface ReadOptions extends ReadLimits {
  /** Format named by the caller (Content-Type, file extension); else sniffed. */
  readonly format?: SourceKind;
  readonly encoding?: TextEncoding;
  /** CSV coordinate columns [x, y]. */
  readonly columns?: readonly [string, string];
  /** Layer of a multi-layer source. */
  readonly layer?: string;
}

const startsWith = (b: Uint8Array, sig: readonly number[]) => sig.every((v, i) => b[i] === v);

/** The format of a file from its first bytes: zip (Shapefile or KMZ), SQLite (GeoPackage), XML (KML), JSON, else CSV. */
export function sniffFormat(bytes: Uint8Array): SourceKind {
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) {
    // A KMZ is a zip whose entries include a .kml; entry names are in the local headers.
    const head = new TextDecoder('latin1').decode(bytes.subarray(0, Math.min(bytes.length, 1 << 20)));
    return /\.kml/i.test(head) && !/\.shp/i.test(head) ? 'kmz' : 'shapefile';
  }
  if (startsWith(bytes, [...'SQLite format 3'].map((c) => c.charCodeAt(0)))) return 'geopackage';
  const head = decodeText(bytes.subarray(0, 4096)).text.trimStart();
  if (head.startsWith('<')) return 'kml';
  if (head.startsWith('{') || head.startsWith('[')) return 'geojson';
  return 'csv';
}

/** Reads any supported file into features in its own coordinates. */
export async function readDataset(bytes: Uint8Array, options: ReadOptions): Promise<Dataset> {
  if (bytes.length === 0) throw new ReadError('EmptyFile', '文件为空 / the file is empty');
  const sniffed = sniffFormat(bytes);
  const kind = options.format ?? sniffed;
  const limits = { maxFeatures: options.maxFeatures };
  switch (kind) {
    case 'geojson':
      return readGeoJsonText(decodeText(bytes, 'utf-8').text, limits);
    case 'csv':
      return readCsv(bytes, limits, { ...(options.encoding ? { encoding: options.encoding } : {}), ...(options.columns ? { columns: options.columns } : {}) });
    case 'shapefile':
    case 'geopackage':
    case 'kml':
    case 'kmz': {
      const k = kind === 'kml' && sniffed === 'kmz' ? 'kmz' : kind;
      return readWithGdal(bytes, k, limits, { ...(options.layer !== undefined ? { layer: options.layer } : {}), ...(options.encoding ? { encoding: options.encoding } : {}) });
    }
  }
}
