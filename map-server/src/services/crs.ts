/**
 * The coordinate reference systems the features API serves (OGC API – Features Part 2,
 * standards.md §2; CRS facts: domain.md §5). Geometries are stored in CGCS2000 (EPSG:4490),
 * which coincides with CRS84/EPSG:4326 to centimetres, so those three differ only in axis
 * order; the projected ones go through PostGIS ST_Transform.
 */
import { BadRequestError } from '../errors.ts';

export interface CrsDef {
  readonly uri: string;
  /** PostGIS SRID used for transforms (CRS84 uses 4326: same datum, lon/lat). */
  readonly srid: number;
  /** EPSG axis order is latitude, longitude (EPSG:4326, EPSG:4490). */
  readonly latLon: boolean;
  readonly geographic: boolean;
  /** Same numbers as storage: no ST_Transform needed (only an axis swap when latLon). */
  readonly sameAsStorage: boolean;
  /** Decimals written in GeoJSON: 7 for degrees (~1 cm), 3 for metres (1 mm). */
  readonly decimals: number;
  readonly title: string;
}

const EPSG = 'http://www.opengis.net/def/crs/EPSG/0/';
export const CRS84_URI = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
export const STORAGE_SRID = 4490;

export const CRS84: CrsDef = { uri: CRS84_URI, srid: 4326, latLon: false, geographic: true, sameAsStorage: true, decimals: 7, title: 'WGS 84 longitude/latitude (CRS84)' };

/** CRS84 first: the ETS requires it as the first entry of every `crs` list. */
export const SUPPORTED_CRS: readonly CrsDef[] = [
  CRS84,
  { uri: `${EPSG}4326`, srid: 4326, latLon: true, geographic: true, sameAsStorage: true, decimals: 7, title: 'WGS 84 (latitude, longitude)' },
  { uri: `${EPSG}4490`, srid: 4490, latLon: true, geographic: true, sameAsStorage: true, decimals: 7, title: 'CGCS2000 (latitude, longitude)' },
  { uri: `${EPSG}3857`, srid: 3857, latLon: false, geographic: false, sameAsStorage: false, decimals: 3, title: 'WGS 84 / Pseudo-Mercator' },
  { uri: `${EPSG}4549`, srid: 4549, latLon: false, geographic: false, sameAsStorage: false, decimals: 3, title: 'CGCS2000 / 3-degree Gauss-Kruger CM 120E' },
  { uri: `${EPSG}4550`, srid: 4550, latLon: false, geographic: false, sameAsStorage: false, decimals: 3, title: 'CGCS2000 / 3-degree Gauss-Kruger CM 123E' },
];

export const STORAGE_CRS: CrsDef = SUPPORTED_CRS.find((c) => c.srid === STORAGE_SRID)!;

const BY_URI = new Map(SUPPORTED_CRS.map((c) => [c.uri, c]));
// Equivalent spellings clients send: https, the safe CURIE `[EPSG:4326]`, `EPSG:4326`.
for (const c of SUPPORTED_CRS) {
  const code = c === CRS84 ? 'OGC:CRS84' : `EPSG:${c.srid}`;
  BY_URI.set(c.uri.replace(/^http:/, 'https:'), c);
  BY_URI.set(`[${code}]`, c);
  BY_URI.set(code, c);
}

/** A `crs`, `bbox-crs` or `filter-crs` value; 400 listing the supported ones otherwise. */
export function parseCrs(text: string | undefined, parameter: string): CrsDef {
  if (text === undefined) return CRS84;
  const c = BY_URI.get(text.trim());
  if (!c)
    throw new BadRequestError(`${parameter} "${text.slice(0, 80)}" is not supported; use one of ${SUPPORTED_CRS.map((s) => s.uri).join(', ')}`, {
      parameter,
      supported: SUPPORTED_CRS.map((s) => s.uri),
    });
  return c;
}
