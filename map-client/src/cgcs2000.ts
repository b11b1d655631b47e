/**
 * Coordinates in CGCS2000, the national datum the departments work in (domain.md). The map view
 * is Web Mercator on WGS 84; at map precision WGS 84 and CGCS2000 coincide (they differ by a few
 * centimetres), so lon/lat from the view are shown as EPSG:4490 as they are, and projected to the
 * 3-degree Gauss-Krüger zone with central meridian 120°E (EPSG:4549) that covers Taizhou.
 */
import type { Converter } from 'proj4';

/** EPSG:4549 — CGCS2000 / 3-degree Gauss-Kruger CM 120E (no false zone number in the easting). */
const EPSG_4549 = '+proj=tmerc +lat_0=0 +lon_0=120 +k=1 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs';
/** EPSG:4490 — CGCS2000 geographic; no datum shift is declared, so proj4 maps it 1:1 to WGS 84. */
const EPSG_4490 = '+proj=longlat +ellps=GRS80 +no_defs';

export interface Cgcs2000Position {
  /** Longitude and latitude in degrees, EPSG:4490. */
  readonly lon: number;
  readonly lat: number;
  /** Easting and northing in metres, EPSG:4549. */
  readonly easting: number;
  readonly northing: number;
}

/** Converts lon/lat degrees to both CGCS2000 forms. */
export type Cgcs2000Converter = (lon: number, lat: number) => Cgcs2000Position;

let converter: Promise<Cgcs2000Converter> | undefined;

/**
 * Loads proj4 on demand and returns the converter. proj4 ships every projection it knows
 * (≈ 130 kB minified); loading it after the map keeps it off the first-paint path.
 */
export function loadCgcs2000Converter(): Promise<Cgcs2000Converter> {
  converter ??= import('proj4').then(({ default: proj4 }) => createConverter(proj4(EPSG_4490, EPSG_4549)));
  return converter;
}

function createConverter(toGaussKruger: Converter): Cgcs2000Converter {
  return (lon, lat) => {
    const [easting = Number.NaN, northing = Number.NaN] = toGaussKruger.forward([lon, lat]);
    return { lon, lat, easting, northing };
  };
}

/** `121.420000°E, 28.650000°N`: 6 decimals (≈ 0.1 m), hemisphere letters instead of signs. */
export function formatGeographic(position: Cgcs2000Position): string {
  const lon = `${Math.abs(position.lon).toFixed(6)}°${position.lon >= 0 ? 'E' : 'W'}`;
  const lat = `${Math.abs(position.lat).toFixed(6)}°${position.lat >= 0 ? 'N' : 'S'}`;
  return `${lon}, ${lat}`;
}

/** Metres with one decimal, the precision surveyors quote for 1:500 maps. */
export function formatMetres(value: number): string {
  return value.toFixed(1);
}
