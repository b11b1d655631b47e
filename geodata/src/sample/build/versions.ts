/**
 * Version stamps for the versioned tables. A feature appears at local midnight (Asia/Shanghai)
 * on 1 July of the year it was built or opened, as agreed for the sample data.
 */

/**
 * UTC offset of Asia/Shanghai on 1 July: China kept summer time from 1986 to 1991 (mid-April to
 * mid-September, tzdb "PRC" rules), so 1 July of those years was UTC+9; otherwise UTC+8.
 */
function julyOffset(year: number): string {
  return year >= 1986 && year <= 1991 ? '+09:00' : '+08:00';
}

/** `YYYY-07-01T00:00:00+08:00` (or `+09:00` in the summer-time years 1986–1991). */
export function julyFirst(year: number): string {
  return `${String(year).padStart(4, '0')}-07-01T00:00:00${julyOffset(year)}`;
}

/** `YYYY-06-30T00:00:00+08:00`: reference date of a 地理国情 survey (surveys are 2019 and later). */
export function surveyDate(year: number): string {
  return `${String(year).padStart(4, '0')}-06-30T00:00:00${julyOffset(year)}`;
}

/** Compares two stamps made here chronologically. */
export function stampMs(stamp: string): number {
  return Date.parse(stamp);
}

/** Hands out feature ids 1, 2, 3 … for one versioned table. */
export class FidCounter {
  private last = 0;
  next(): number {
    return ++this.last;
  }
}
