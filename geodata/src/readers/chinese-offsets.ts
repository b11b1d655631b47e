/**
 * GCJ-02 ("火星坐标", 高德/腾讯/DataV) and BD-09 (百度) ↔ WGS84 conversions for data taken from
 * Chinese web maps (domain.md §5.4). WGS84 ≡ CGCS2000 to centimetres, so the WGS84 results
 * are stored as EPSG:4490 directly.
 *
 * The forward transforms are the public formulas: GCJ-02 adds a smooth offset computed on the
 * Krasovsky ellipsoid from polynomials in (lon − 105, lat − 35); BD-09 rotates and scales
 * GCJ-02 about the origin and shifts it by (0.0065, 0.006). Neither has a closed-form inverse,
 * so the inverses solve forward(p) = q by iteration (Newton-like fixed point on the offset,
 * which varies by < 1e-5 per degree): each step removes ~99.9 % of the residual, and we stop
 * below 1e-10° (≈ 0.01 mm), far under the 1 m the import promises.
 *
 * Positions are [lon, lat] in degrees. Outside China the offsets are not applied (as every
 * implementation does), so a point there comes back unchanged.
 */

export type Position = readonly [number, number];

const A_KRASOVSKY = 6378245.0;
const EE_KRASOVSKY = 0.006693421622965943; // 0.00669342162296594323 as published, to double precision
const X_PI = (Math.PI * 3000.0) / 180.0;

/** The rough rectangle within which GCJ-02 offsets are applied (as in the published code). */
export function isOutsideChina([lon, lat]: Position): boolean {
  return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function offsetLat(x: number, y: number): number {
  let r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  r += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  r += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0;
  r += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0;
  return r;
}

function offsetLon(x: number, y: number): number {
  let r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  r += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  r += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0;
  r += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0;
  return r;
}

/** WGS84 → GCJ-02 (the published forward formula). */
export function wgs84ToGcj02(p: Position): [number, number] {
  const [lon, lat] = p;
  if (isOutsideChina(p)) return [lon, lat];
  let dLat = offsetLat(lon - 105.0, lat - 35.0);
  let dLon = offsetLon(lon - 105.0, lat - 35.0);
  const radLat = (lat / 180.0) * Math.PI;
  let magic = Math.sin(radLat);
  magic = 1 - EE_KRASOVSKY * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180.0) / (((A_KRASOVSKY * (1 - EE_KRASOVSKY)) / (magic * sqrtMagic)) * Math.PI);
  dLon = (dLon * 180.0) / ((A_KRASOVSKY / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [lon + dLon, lat + dLat];
}

/** GCJ-02 → BD-09 (the published forward formula). */
export function gcj02ToBd09([lon, lat]: Position): [number, number] {
  const z = Math.sqrt(lon * lon + lat * lat) + 0.00002 * Math.sin(lat * X_PI);
  const theta = Math.atan2(lat, lon) + 0.000003 * Math.cos(lon * X_PI);
  return [z * Math.cos(theta) + 0.0065, z * Math.sin(theta) + 0.006];
}

export const wgs84ToBd09 = (p: Position): [number, number] => gcj02ToBd09(wgs84ToGcj02(p));

const TOLERANCE_DEG = 1e-10;
const MAX_STEPS = 30;

/**
 * Solves forward(p) = target for p, starting from target itself: p ← p + (target − forward(p)).
 * The forward maps are the identity plus a slowly varying offset, so this converges fast.
 */
function invert(forward: (p: Position) => [number, number], target: Position): [number, number] {
  let lon = target[0];
  let lat = target[1];
  for (let i = 0; i < MAX_STEPS; i++) {
    const [fLon, fLat] = forward([lon, lat]);
    const dLon = target[0] - fLon;
    const dLat = target[1] - fLat;
    lon += dLon;
    lat += dLat;
    if (Math.abs(dLon) < TOLERANCE_DEG && Math.abs(dLat) < TOLERANCE_DEG) break;
  }
  return [lon, lat];
}

/** GCJ-02 → WGS84 by iteration (residual < 1e-10°). */
export const gcj02ToWgs84 = (p: Position): [number, number] => (isOutsideChina(p) ? [p[0], p[1]] : invert(wgs84ToGcj02, p));

/** BD-09 → GCJ-02 by iteration (residual < 1e-10°). */
export const bd09ToGcj02 = (p: Position): [number, number] => invert(gcj02ToBd09, p);

/** BD-09 → WGS84: both inverses in turn. */
export const bd09ToWgs84 = (p: Position): [number, number] => gcj02ToWgs84(bd09ToGcj02(p));

/** The offset systems an import may declare its lon/lat in. */
export type CoordinateOffset = 'gcj02' | 'bd09';

/** The function turning an offset system's lon/lat into WGS84 ≡ CGCS2000. */
export function offsetRemover(kind: CoordinateOffset): (p: Position) => [number, number] {
  return kind === 'gcj02' ? gcj02ToWgs84 : bd09ToWgs84;
}
