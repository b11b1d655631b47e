// geojson-validation ships no types; only the calls we use are declared.
declare module 'geojson-validation' {
  /** With trace = true: an array of error messages (empty when valid). */
  export function isFeature(feature: unknown, trace: true): string[];
  export function isGeometryObject(geometry: unknown, trace: true): string[];
}
