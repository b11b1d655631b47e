/**
 * Outliers of energy intensity within a building-use class (pure): the modified z-score of
 * Iglewicz and Hoaglin (1993), M = 0.6745 (x − median) / MAD, flagged when |M| > 3.5. Robust
 * to the outliers themselves, unlike mean ± k·sd.
 */

export const OUTLIER_Z = 3.5;

export function median(values: readonly number[]): number {
  if (!values.length) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Modified z-scores of the values (0 for all when the MAD is 0). */
export function modifiedZ(values: readonly number[]): number[] {
  const med = median(values);
  const mad = median(values.map((v) => Math.abs(v - med)));
  return values.map((v) => (mad === 0 ? 0 : (0.6745 * (v - med)) / mad));
}
