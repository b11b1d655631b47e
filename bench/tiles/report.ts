/** Plain-text tables of one run (what `npm run bench:tiles` prints at the end). */
import { bytesOf, type CellSummary, type ZoomCheck } from './summary.ts';
import type { Verdict } from './targets.ts';
import type { Series } from './verify.ts';

const LABEL: Record<Series, string> = {
  raw: 'raw SQL',
  naive: 'ungen. SQL',
  ours: 'ours uncached',
  cached: 'ours cached',
  mapserver: 'MapServer',
};

const num = (n: number, d = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) : '–');
/** Tiles/s with ~3 significant digits, latencies with one decimal below 100 ms. */
const rate = (n: number) => num(n, n < 100 ? 1 : 0);
const ms = (n: number) => num(n, n < 100 ? 1 : 0);
const kib = (n: number) => num(n / 1024, n < 10 * 1024 ? 2 : 1);

function table(head: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) => r.map((c, i) => (i < 2 ? c.padStart(widths[i]!) : c.padStart(widths[i]!))).join(' │ ');
  return [line(head), widths.map((w) => '─'.repeat(w)).join('─┼─'), ...rows.map(line)].join('\n');
}

export function printReport(opts: {
  cells: readonly CellSummary[];
  checks: readonly ZoomCheck[];
  verdicts: readonly Verdict[];
  /** Extra lines for the notes (service restarts). */
  notes: readonly string[];
  zooms: readonly number[];
  clients: readonly number[];
  series: readonly Series[];
  reps: number;
  durationS: number;
}): string {
  const { cells, checks, zooms, clients } = opts;
  const present = opts.series.filter((s) => cells.some((c) => c.series === s));
  const cell = (z: number, c: number, s: Series) => cells.find((x) => x.z === z && x.clients === c && x.series === s);
  const out: string[] = [];

  out.push(`Throughput: median tiles/s of ${opts.reps} × ${opts.durationS} s  [p50 / p99 ms]; foreign = other processes' CPU, max over the row's cells, % of one core`);
  const head = ['z', 'c', ...present.map((s) => LABEL[s]), 'ours/raw', 'ours/MS', 'cached/raw', 'foreign'];
  const rows = zooms.flatMap((z) =>
    clients.map((c) => {
      const v = (s: Series) => {
        const x = cell(z, c, s);
        if (!x) return '';
        if (!Number.isFinite(x.tilesPerS)) return 'failed';
        return `${rate(x.tilesPerS)} [${ms(x.p50Ms)}/${ms(x.p99Ms)}]${x.errors ? ` !${x.errors}err` : ''}`;
      };
      const ratio = (a: Series, b: Series) => {
        const r = (cell(z, c, a)?.tilesPerS ?? NaN) / (cell(z, c, b)?.tilesPerS ?? NaN);
        return Number.isFinite(r) ? r.toFixed(2) : '–';
      };
      // Clamped: per-process and machine-wide tick counts disagree by a few % either way.
      const foreign = Math.max(0, ...present.map((s) => cell(z, c, s)?.foreignPctMax ?? 0));
      return [String(z), String(c), ...present.map(v), ratio('ours', 'raw'), ratio('ours', 'mapserver'), ratio('cached', 'raw'), `${num(foreign)} %`];
    }),
  );
  out.push(table(head, rows));

  out.push('', 'Bytes per tile, uncompressed, each listed tile fetched once: mean (max) KiB  [features mean (max)]');
  const bSeries: Series[] = ['raw', 'naive', 'ours', 'mapserver'];
  const bPresent = bSeries.filter((s) => checks.some((c) => c.probes[s]));
  out.push(
    table(
      ['z', 'tiles', 'our SQL', ...bPresent.map((s) => LABEL[s]), 'ours = raw'],
      checks.map((ch) => [
        String(ch.z),
        String(ch.tiles),
        ch.statement,
        ...bPresent.map((s) => {
          const b = bytesOf(ch.probes[s]);
          return b ? `${kib(b.meanBytes)} (${kib(b.maxBytes)}) [${num(b.meanFeatures)} (${num(b.maxFeatures)})]` : ch.skipped[s] ? 'skipped' : '';
        }),
        ch.probes.ours && ch.probes.raw ? (ch.mismatches.length ? `${ch.mismatches.length} tiles differ` : 'same features') : '–',
      ]),
    ),
  );

  out.push('', 'CPU ms per tile, median  [HTTP server process tree + PostgreSQL + load generator]');
  out.push(
    table(
      ['z', 'c', ...present.map((s) => LABEL[s])],
      zooms.flatMap((z) =>
        clients.map((c) => [
          String(z),
          String(c),
          ...present.map((s) => {
            const x = cell(z, c, s)?.cpuMsPerTile;
            if (!x) return '';
            return `${s === 'raw' || s === 'naive' ? '–' : ms(x['server'] ?? NaN)} + ${ms(x['postgres'] ?? NaN)} + ${ms(x['loadgen'] ?? NaN)}`;
          }),
        ]),
      ),
    ),
  );

  const notes = [...opts.notes, ...checks.flatMap((ch) => [
    ...Object.entries(ch.skipped).map(([s, why]) => `z${ch.z} ${LABEL[s as Series]} not timed: ${why}`),
    ...ch.mismatches.map((m) => `z${ch.z} feature count ours vs raw differs: ${m}`),
  ])];
  const failures = cells.flatMap((c) => c.failures.map((f) => `z${c.z} c${c.clients} ${LABEL[c.series]}: ${f}`));
  for (const ch of checks) {
    const o = bytesOf(ch.probes.ours);
    const m = bytesOf(ch.probes.mapserver);
    if (o && m && (m.meanFeatures > 2 * o.meanFeatures || o.meanFeatures > 2 * m.meanFeatures)) {
      notes.push(`z${ch.z}: ours serves ${num(o.meanFeatures)} features/tile (${ch.statement}), MapServer ${num(m.meanFeatures)}: ours/MS compares different content (generalised vs every building)`);
    }
  }
  const disturbed = cells.filter((c) => c.foreignPctMax > 20);
  if (disturbed.length) notes.push(`${disturbed.length} of ${cells.length} cells had > 20 % of a core used by other processes in some repetition (max ${num(Math.max(...disturbed.map((c) => c.foreignPctMax)))} %): compare targets within a row, and prefer a quiet machine`);
  if (notes.length || failures.length) out.push('', 'Notes', ...[...notes, ...failures].map((n) => `  - ${n}`));

  out.push('', 'Targets (same run; information only)');
  for (const v of opts.verdicts) out.push(`  [${v.status.padEnd(4)}] ${v.target}, ${v.scope}: ${v.detail}`);
  return out.join('\n');
}
