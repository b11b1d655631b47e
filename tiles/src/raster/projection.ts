/**
 * Point transforms between Web Mercator and the CRSs imagery arrives in, as pure functions:
 * geographic (EPSG:4326 WGS 84, EPSG:4490 CGCS2000), UTM zones (EPSG:326zz / 327zz) and the
 * CGCS2000 Gauss–Krüger zones (EPSG:4491–4554), all transverse Mercator on GRS80/WGS84.
 *
 * Transverse Mercator uses Krüger's n-series to order 6 (Karney 2011, "Transverse Mercator
 * with an accuracy of a few nanometers", eqs. 35–36), exact to well under a millimetre within
 * a zone — the same formulation as PROJ's `tmerc` (etmerc). CGCS2000 and WGS 84 differ by
 * centimetres at the datum level, which is below one pixel of any imagery we serve, so no
 * datum shift is applied (as GDAL/PROJ do by default between them).
 */

/** Geographic lon/lat in degrees. */
export type LonLat = readonly [number, number];
/** A projected or geographic coordinate in a CRS's own units and axis order (x/easting, y/northing). */
export type Xy = readonly [number, number];

export interface Crs {
  readonly epsg: number;
  /** Forward: lon/lat degrees → CRS x/y. */
  fromLonLat(lon: number, lat: number): Xy;
  /** Inverse: CRS x/y → lon/lat degrees. */
  toLonLat(x: number, y: number): LonLat;
}

export class UnsupportedCrsError extends Error {
  override readonly name = 'UnsupportedCrsError';
  constructor(readonly epsg: number) {
    super(`EPSG:${epsg} is not a CRS the imagery renderer supports natively`);
  }
}

const R_MERC = 6378137;
const DEG = Math.PI / 180;

/** Web Mercator (EPSG:3857) metres → lon/lat degrees. */
export function mercatorToLonLat(x: number, y: number): LonLat {
  return [(x / R_MERC) / DEG, (2 * Math.atan(Math.exp(y / R_MERC)) - Math.PI / 2) / DEG];
}

/** lon/lat degrees → Web Mercator (EPSG:3857) metres. */
export function lonLatToMercator(lon: number, lat: number): Xy {
  const clamped = Math.max(-85.05112878, Math.min(85.05112878, lat));
  return [lon * DEG * R_MERC, R_MERC * Math.log(Math.tan(Math.PI / 4 + (clamped * DEG) / 2))];
}

interface TmParams {
  readonly a: number;
  readonly f: number;
  readonly lon0Deg: number;
  readonly k0: number;
  readonly falseEasting: number;
  readonly falseNorthing: number;
}

/** Transverse Mercator by Krüger series (order 6). */
export function transverseMercator(epsg: number, p: TmParams): Crs {
  const { a, f, k0, falseEasting: fe, falseNorthing: fn } = p;
  const lon0 = p.lon0Deg * DEG;
  const n = f / (2 - f);
  const n2 = n * n, n3 = n2 * n, n4 = n3 * n, n5 = n4 * n, n6 = n5 * n;
  const A = (a / (1 + n)) * (1 + n2 / 4 + n4 / 64 + n6 / 256);
  const alpha = [
    0,
    n / 2 - (2 / 3) * n2 + (5 / 16) * n3 + (41 / 180) * n4 - (127 / 288) * n5 + (7891 / 37800) * n6,
    (13 / 48) * n2 - (3 / 5) * n3 + (557 / 1440) * n4 + (281 / 630) * n5 - (1983433 / 1935360) * n6,
    (61 / 240) * n3 - (103 / 140) * n4 + (15061 / 26880) * n5 + (167603 / 181440) * n6,
    (49561 / 161280) * n4 - (179 / 168) * n5 + (6601661 / 7257600) * n6,
    (34729 / 80640) * n5 - (3418889 / 1995840) * n6,
    (212378941 / 319334400) * n6,
  ];
  const beta = [
    0,
    n / 2 - (2 / 3) * n2 + (37 / 96) * n3 - (1 / 360) * n4 - (81 / 512) * n5 + (96199 / 604800) * n6,
    (1 / 48) * n2 + (1 / 15) * n3 - (437 / 1440) * n4 + (46 / 105) * n5 - (1118711 / 3870720) * n6,
    (17 / 480) * n3 - (37 / 840) * n4 - (209 / 4480) * n5 + (5569 / 90720) * n6,
    (4397 / 161280) * n4 - (11 / 504) * n5 - (830251 / 7257600) * n6,
    (4583 / 161280) * n5 - (108847 / 3991680) * n6,
    (20648693 / 638668800) * n6,
  ];
  const e = Math.sqrt(f * (2 - f));
  return {
    epsg,
    fromLonLat(lon, lat) {
      const phi = lat * DEG;
      const lam = lon * DEG - lon0;
      const t = Math.sinh(Math.atanh(Math.sin(phi)) - e * Math.atanh(e * Math.sin(phi)));
      const xi = Math.atan2(t, Math.cos(lam));
      const eta = Math.atanh(Math.sin(lam) / Math.sqrt(1 + t * t));
      let xs = xi, es = eta;
      for (let j = 1; j <= 6; j++) {
        xs += alpha[j]! * Math.sin(2 * j * xi) * Math.cosh(2 * j * eta);
        es += alpha[j]! * Math.cos(2 * j * xi) * Math.sinh(2 * j * eta);
      }
      return [fe + k0 * A * es, fn + k0 * A * xs];
    },
    toLonLat(x, y) {
      const xi = (y - fn) / (k0 * A);
      const eta = (x - fe) / (k0 * A);
      let xp = xi, ep = eta;
      for (let j = 1; j <= 6; j++) {
        xp -= beta[j]! * Math.sin(2 * j * xi) * Math.cosh(2 * j * eta);
        ep -= beta[j]! * Math.cos(2 * j * xi) * Math.sinh(2 * j * eta);
      }
      const tp = Math.sin(xp) / Math.sqrt(Math.sinh(ep) ** 2 + Math.cos(xp) ** 2);
      // Conformal → geodetic latitude by Newton iteration on tan φ (Karney 2011, eqs. 19–21).
      let tau = tp;
      for (let i = 0; i < 5; i++) {
        const s = Math.sqrt(1 + tau * tau);
        const sig = Math.sinh(e * Math.atanh((e * tau) / s));
        const tauP = tau * Math.sqrt(1 + sig * sig) - sig * s;
        const dtau = ((tp - tauP) / Math.sqrt(1 + tauP * tauP)) * ((1 + (1 - e * e) * tau * tau) / ((1 - e * e) * s));
        tau += dtau;
        if (Math.abs(dtau) < 1e-14) break;
      }
      const lam = Math.atan2(Math.sinh(ep), Math.cos(xp));
      return [(lon0 + lam) / DEG, Math.atan(tau) / DEG];
    },
  };
}

const WGS84 = { a: 6378137, f: 1 / 298.257223563 };
const CGCS2000 = { a: 6378137, f: 1 / 298.257222101 };

const geographic = (epsg: number): Crs => ({ epsg, fromLonLat: (lon, lat) => [lon, lat], toLonLat: (x, y) => [x, y] });

/**
 * The CRS of an EPSG code, or undefined when it is not one we transform natively (ingest
 * warps such files to EPSG:4326 with GDAL first).
 * CGCS2000 GK codes: 4491–4501 6° zones 13–23 with zone prefix; 4502–4512 6° CM 75°–135° E;
 * 4513–4533 3° zones 25–45 with prefix; 4534–4554 3° CM 75°–135° E (EPSG registry).
 */
export function crsForEpsg(epsg: number): Crs | undefined {
  if (epsg === 4326 || epsg === 4490) return geographic(epsg);
  if (epsg === 3857) return { epsg, fromLonLat: lonLatToMercator, toLonLat: mercatorToLonLat };
  if ((epsg >= 32601 && epsg <= 32660) || (epsg >= 32701 && epsg <= 32760)) {
    const zone = epsg % 100;
    return transverseMercator(epsg, { ...WGS84, lon0Deg: zone * 6 - 183, k0: 0.9996, falseEasting: 500000, falseNorthing: epsg > 32700 ? 10000000 : 0 });
  }
  if (epsg >= 4491 && epsg <= 4501) {
    const zone = epsg - 4491 + 13;
    return transverseMercator(epsg, { ...CGCS2000, lon0Deg: zone * 6 - 3, k0: 1, falseEasting: zone * 1e6 + 500000, falseNorthing: 0 });
  }
  if (epsg >= 4502 && epsg <= 4512) {
    return transverseMercator(epsg, { ...CGCS2000, lon0Deg: 75 + (epsg - 4502) * 6, k0: 1, falseEasting: 500000, falseNorthing: 0 });
  }
  if (epsg >= 4513 && epsg <= 4533) {
    const zone = epsg - 4513 + 25;
    return transverseMercator(epsg, { ...CGCS2000, lon0Deg: zone * 3, k0: 1, falseEasting: zone * 1e6 + 500000, falseNorthing: 0 });
  }
  if (epsg >= 4534 && epsg <= 4554) {
    return transverseMercator(epsg, { ...CGCS2000, lon0Deg: 75 + (epsg - 4534) * 3, k0: 1, falseEasting: 500000, falseNorthing: 0 });
  }
  return undefined;
}
