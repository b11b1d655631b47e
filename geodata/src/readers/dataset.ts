/**
 * What every reader returns: features in the source's own coordinates, plus what the source
 * said about itself (CRS, encoding, fields). Nothing is transformed or repaired here; the
 * loader does that, and reports it.
 */
import type { InferredType } from './property-types.ts';

export type ImportFormat = 'geojson' | 'csv' | 'shapefile' | 'geopackage' | 'kml';

/** GeoJSON geometry as parsed (coordinates unchecked until `checkGeometry`). */
export interface SourceGeometry {
  readonly type: string;
  readonly coordinates?: unknown;
  readonly geometries?: unknown;
}

export interface SourceFeature {
  /** 1-based position in the source (CSV: the data row, header excluded). */
  readonly row: number;
  /** null when the source row has no (readable) geometry; `problem` says why. */
  readonly geometry: SourceGeometry | null;
  readonly properties: Readonly<Record<string, unknown>>;
  readonly problem?: string;
}

export interface FieldInfo {
  readonly name: string;
  readonly type: InferredType;
}

export interface Dataset {
  readonly format: ImportFormat;
  readonly features: readonly SourceFeature[];
  readonly fields: readonly FieldInfo[];
  /** EPSG code the file declares (GeoJSON `crs`, .prj, GeoPackage srs, KML = 4326), if any. */
  readonly declaredSrid: number | undefined;
  /** Text encoding of the attributes, when the format has a choice (CSV, Shapefile). */
  readonly encoding?: string;
  /** How things were decided (encoding fallback, which columns hold coordinates, …). */
  readonly notes: readonly string[];
}

/** A file we cannot read at all; `status` 413 for size, 415 for an unknown format, else 400. */
export class ReadError extends Error {
  override readonly name = 'ReadError';
  constructor(
    readonly code: string,
    message: string,
    readonly status: 400 | 413 | 415 = 400,
    readonly details?: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }
}

export interface ReadLimits {
  /** Most features one import may hold (413 beyond). */
  readonly maxFeatures: number;
}
