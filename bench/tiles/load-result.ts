/** What one measured cell yields, whatever drove it (pgbench or wrk). */
export interface LoadResult {
  /** Completed tiles (transactions or HTTP responses). */
  readonly count: number;
  readonly tilesPerS: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Failed transactions, socket errors or HTTP statuses ≥ 400. */
  readonly errors: number;
  /** Set when the cell could not be measured (the reason is printed instead of figures). */
  readonly failure?: string;
}

export const failed = (failure: string): LoadResult => ({ count: 0, tilesPerS: NaN, p50Ms: NaN, p99Ms: NaN, errors: 0, failure });
