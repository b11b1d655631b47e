/**
 * The server names where a geometry is invalid as a WKT point in lon/lat (PostGIS
 * ST_IsValidDetail → ST_AsText), e.g. `POINT(121.420429155 28.657778190000002)`.
 */

/** `POINT(x y)` → [lon, lat], or undefined for anything else. */
export function parseWktPoint(text: string | undefined): [number, number] | undefined {
  const m = /^\s*POINT\s*\(\s*(-?[\d.]+(?:e[-+]?\d+)?)\s+(-?[\d.]+(?:e[-+]?\d+)?)\s*\)\s*$/i.exec(text ?? '');
  if (!m) return undefined;
  const lon = Number(m[1]);
  const lat = Number(m[2]);
  return Number.isFinite(lon) && Number.isFinite(lat) ? [lon, lat] : undefined;
}

/** `121.420429°E, 28.657778°N` (about 0.1 m), or the text as given when it is not a point. */
export function formatWktPoint(text: string): string {
  const point = parseWktPoint(text);
  if (!point) return text;
  const [lon, lat] = point;
  return `${Math.abs(lon).toFixed(6)}°${lon < 0 ? 'W' : 'E'}, ${Math.abs(lat).toFixed(6)}°${lat < 0 ? 'S' : 'N'}`;
}
