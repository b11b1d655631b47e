/**
 * Command-line flags of `npm run bench:tiles -- [flags]`. Defaults keep a full run under
 * ~20 minutes on the 2-core machine of tiles-performance.md §5; `--quick` is a ~2-minute smoke run.
 */
import { parseArgs } from 'node:util';

export const TARGETS = ['raw', 'ours', 'cached', 'mapserver'] as const;
export type Target = (typeof TARGETS)[number];

export interface BenchOptions {
  readonly dataset: 'synthetic' | 'sample';
  readonly zooms: readonly number[];
  readonly clients: readonly number[];
  /** Seconds per measured cell (one target × zoom × clients in one repetition). */
  readonly durationS: number;
  readonly reps: number;
  readonly targets: readonly Target[];
  /** Zooms at which the ungeneralised reference SQL is timed when it differs from ours. */
  readonly naiveZooms: readonly number[];
  readonly pgPort: number;
  /** First of three loopback ports: ours uncached, ours cached, MapServer. */
  readonly httpPort: number;
  readonly pgDir: string;
  readonly outDir: string;
  readonly quick: boolean;
  /** Rebuild the dataset even when the marker says it is loaded. */
  readonly reload: boolean;
}

const HELP = `bench/tiles — one interleaved run of raw SQL, our server (uncached, cached) and MapServer.

  --quick               smoke run: 1 repetition × 2 s per cell (~2 min)
  --dataset NAME        synthetic (default: 200,000 squares) | sample (the Taizhou sample)
  --reps N              repetitions, medians are reported (default 3)
  --duration S          seconds per cell (default 6)
  --zooms LIST          default 10,12,14,16
  --clients LIST        default 1,2,8
  --targets LIST        subset of raw,ours,cached,mapserver (default all)
  --naive-zooms LIST    zooms to time the ungeneralised SQL at when ours differs (default 10)
  --pg-port N           benchmark cluster port (default 54371)
  --http-port N         first of 3 loopback HTTP ports (default 18471)
  --reload              drop and reload the benchmark database
`;

function list(text: string, name: string): number[] {
  const out = text.split(',').map((s) => Number(s.trim()));
  if (!out.length || out.some((n) => !Number.isInteger(n) || n < 0)) throw new Error(`--${name}: expected a comma list of integers, got "${text}"`);
  return out;
}

function positive(text: string, name: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name}: expected a positive number, got "${text}"`);
  return n;
}

export function parseOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean', default: false },
      dataset: { type: 'string', default: 'synthetic' },
      reps: { type: 'string' },
      duration: { type: 'string' },
      zooms: { type: 'string', default: '10,12,14,16' },
      clients: { type: 'string', default: '1,2,8' },
      targets: { type: 'string', default: TARGETS.join(',') },
      'naive-zooms': { type: 'string', default: '10' },
      'pg-port': { type: 'string', default: '54371' },
      'http-port': { type: 'string', default: '18471' },
      reload: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(HELP);
    process.exit(0);
  }
  if (values.dataset !== 'synthetic' && values.dataset !== 'sample') throw new Error(`--dataset: synthetic or sample, got "${values.dataset}"`);
  const targets = values.targets.split(',').map((t) => t.trim());
  const unknown = targets.filter((t) => !(TARGETS as readonly string[]).includes(t));
  if (unknown.length) throw new Error(`--targets: unknown ${unknown.join(', ')} (known: ${TARGETS.join(', ')})`);
  const quick = values.quick;
  return {
    dataset: values.dataset,
    zooms: list(values.zooms, 'zooms'),
    clients: list(values.clients, 'clients'),
    durationS: values.duration ? positive(values.duration, 'duration') : quick ? 2 : 6,
    reps: values.reps ? Math.round(positive(values.reps, 'reps')) : quick ? 1 : 3,
    // Keep the canonical order whatever order was given: the interleave runs a, b, c, d.
    targets: TARGETS.filter((t) => targets.includes(t)),
    naiveZooms: list(values['naive-zooms'], 'naive-zooms'),
    pgPort: positive(values['pg-port'], 'pg-port'),
    httpPort: positive(values['http-port'], 'http-port'),
    pgDir: '.data/bench-pg',
    outDir: 'bench/out',
    quick,
    reload: values.reload,
  };
}
