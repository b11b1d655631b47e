/**
 * Distance and stops of a vehicle track (pure). Distance is the sum of great-circle legs on the
 * IUGG mean sphere (R = 6 371 008.8 m; < 0.5 % from the CGCS2000 ellipsoid over city legs).
 * Stops are stay points (Li et al., "Mining user similarity based on location history", 2008):
 * a maximal run of fixes all within `radiusM` of its first fix that lasts at least `minDurationS`.
 */

export interface TrackPoint {
  /** Epoch milliseconds. */
  readonly t: number;
  readonly lon: number;
  readonly lat: number;
}

export interface Stop {
  readonly from: number;
  readonly to: number;
  readonly durationS: number;
  readonly lon: number;
  readonly lat: number;
}

const R = 6_371_008.8;
const rad = (d: number) => (d * Math.PI) / 180;

/** Great-circle distance in metres (haversine). */
export function haversineM(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const dLat = rad(b.lat - a.lat);
  const dLon = rad(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Length of the track in metres. */
export function trackDistanceM(points: readonly TrackPoint[]): number {
  let d = 0;
  for (let i = 1; i < points.length; i++) d += haversineM(points[i - 1]!, points[i]!);
  return d;
}

/** Stay points of a time-ordered track. */
export function detectStops(points: readonly TrackPoint[], radiusM = 25, minDurationS = 120): Stop[] {
  const stops: Stop[] = [];
  let i = 0;
  while (i < points.length) {
    let j = i + 1;
    while (j < points.length && haversineM(points[i]!, points[j]!) <= radiusM) j++;
    const last = points[j - 1]!;
    const durationS = (last.t - points[i]!.t) / 1000;
    if (j - 1 > i && durationS >= minDurationS) {
      let lon = 0;
      let lat = 0;
      for (let k = i; k < j; k++) {
        lon += points[k]!.lon;
        lat += points[k]!.lat;
      }
      const n = j - i;
      stops.push({ from: points[i]!.t, to: last.t, durationS, lon: lon / n, lat: lat / n });
      i = j;
    } else {
      i++;
    }
  }
  return stops;
}

/**
 * Position at time t by linear interpolation between the fixes around it; null before the first
 * or after the last fix (the client uses the same rule to replay a track on the time cursor).
 */
export function positionAt(points: readonly TrackPoint[], t: number): { lon: number; lat: number } | null {
  if (!points.length || t < points[0]!.t || t > points[points.length - 1]!.t) return null;
  let lo = 0;
  let hi = points.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (points[mid]!.t <= t) lo = mid;
    else hi = mid;
  }
  const a = points[lo]!;
  const b = points[hi]!;
  const f = b.t === a.t ? 0 : (t - a.t) / (b.t - a.t);
  return { lon: a.lon + (b.lon - a.lon) * f, lat: a.lat + (b.lat - a.lat) * f };
}
