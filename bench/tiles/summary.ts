/** Medians over repetitions, per zoom × clients × series: the figures that are printed and saved. */
import type { LoadResult } from './load-result.ts';
import { mean, median } from './stats.ts';
import type { Series, TileProbe } from './verify.ts';

export interface CellRun {
  readonly rep: number;
  readonly z: number;
  readonly clients: number;
  readonly series: Series;
  readonly startedAt: string;
  readonly result: LoadResult;
  /** CPU milliseconds during the cell: server (HTTP process tree), postgres, loadgen (wrk/pgbench). */
  readonly cpuMs: Readonly<Record<string, number>>;
  /** CPU of other processes on the machine during the cell, % of one core. */
  readonly foreignPct: number;
}

export interface CellSummary {
  readonly z: number;
  readonly clients: number;
  readonly series: Series;
  readonly reps: number;
  readonly tilesPerS: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  /** Median CPU milliseconds per tile by process group. */
  readonly cpuMsPerTile: Readonly<Record<string, number>>;
  readonly failures: readonly string[];
  /** Largest foreign CPU share (% of one core) seen in any repetition of the cell. */
  readonly foreignPctMax: number;
}

export interface ZoomCheck {
  readonly z: number;
  readonly tiles: number;
  /** Which of our statements serves the zoom ("overview" / "current"). */
  readonly statement: string;
  readonly probes: Partial<Record<Series, readonly TileProbe[]>>;
  /** Ours vs raw feature-count mismatches ("tile: ours vs raw"). */
  readonly mismatches: readonly string[];
  /** Series not timed at this zoom, with the reason. */
  readonly skipped: Partial<Record<Series, string>>;
}

export interface BytesSummary {
  readonly meanBytes: number;
  readonly maxBytes: number;
  readonly meanFeatures: number;
  readonly maxFeatures: number;
}

export function bytesOf(probes: readonly TileProbe[] | undefined): BytesSummary | undefined {
  if (!probes?.length) return undefined;
  return {
    meanBytes: mean(probes.map((p) => p.bytes)),
    maxBytes: Math.max(...probes.map((p) => p.bytes)),
    meanFeatures: mean(probes.map((p) => p.features)),
    maxFeatures: Math.max(...probes.map((p) => p.features)),
  };
}

export function summarise(runs: readonly CellRun[]): CellSummary[] {
  const groups = new Map<string, CellRun[]>();
  for (const r of runs) {
    const k = `${r.z}|${r.clients}|${r.series}`;
    const list = groups.get(k);
    if (list) list.push(r);
    else groups.set(k, [r]);
  }
  return [...groups.values()].map((list) => {
    const ok = list.filter((r) => !r.result.failure);
    const perTile = (key: string) => median(ok.map((r) => (r.result.count ? (r.cpuMs[key] ?? NaN) / r.result.count : NaN)));
    const keys = [...new Set(ok.flatMap((r) => Object.keys(r.cpuMs)))].filter((k) => k !== 'foreign');
    return {
      z: list[0]!.z,
      clients: list[0]!.clients,
      series: list[0]!.series,
      reps: ok.length,
      tilesPerS: median(ok.map((r) => r.result.tilesPerS)),
      p50Ms: median(ok.map((r) => r.result.p50Ms)),
      p99Ms: median(ok.map((r) => r.result.p99Ms)),
      errors: list.reduce((a, r) => a + r.result.errors, 0),
      cpuMsPerTile: Object.fromEntries(keys.map((k) => [k, perTile(k)])),
      failures: list.flatMap((r) => (r.result.failure ? [r.result.failure] : [])),
      foreignPctMax: Math.max(...list.map((r) => r.foreignPct)),
    };
  });
}
