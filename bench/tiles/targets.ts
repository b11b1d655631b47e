/**
 * The targets, judged from figures of the same run. Information only: the benchmark
 * exits 0 whatever they say (a harness failure is the only non-zero exit).
 */
import { bytesOf, type CellSummary, type ZoomCheck } from './summary.ts';
import type { Series } from './verify.ts';

export interface Verdict {
  readonly target: string;
  readonly scope: string;
  readonly status: 'PASS' | 'FAIL' | 'n/a';
  readonly detail: string;
}

const KIB = 1024;
const fmt = (n: number, d = 2) => (Number.isFinite(n) ? n.toFixed(d) : '–');

export function judge(cells: readonly CellSummary[], checks: readonly ZoomCheck[], zooms: readonly number[], clients: readonly number[]): Verdict[] {
  const cell = (z: number, c: number, s: Series) => cells.find((x) => x.z === z && x.clients === c && x.series === s);
  const rate = (z: number, c: number, s: Series) => cell(z, c, s)?.tilesPerS ?? NaN;
  const out: Verdict[] = [];
  const status = (ok: boolean[], known: boolean): Verdict['status'] => (!known || !ok.length ? 'n/a' : ok.every(Boolean) ? 'PASS' : 'FAIL');

  for (const z of zooms.filter((z) => z >= 12 && z <= 16)) {
    const r = rate(z, 2, 'ours') / rate(z, 2, 'raw');
    out.push({ target: 'uncached ≥ 0.85 × raw SQL (2 clients)', scope: `z${z}`, status: status([r >= 0.85], Number.isFinite(r)), detail: `ours/raw ${fmt(r)}` });
  }
  for (const z of zooms) {
    const ratios = clients.map((c) => rate(z, c, 'ours') / rate(z, c, 'mapserver'));
    const known = ratios.every(Number.isFinite);
    out.push({
      target: 'uncached ≥ 2 × MapServer',
      scope: `z${z}`,
      status: status(ratios.map((x) => x >= 2), known),
      detail: clients.map((c, i) => `c${c} ${fmt(ratios[i]!)}`).join(', '),
    });
  }
  if (clients.includes(8)) {
    for (const z of zooms) {
      const c = cell(z, 8, 'cached');
      const known = !!c && Number.isFinite(c.tilesPerS);
      out.push({
        target: 'cached ≥ 5,000 tiles/s and p99 ≤ 20 ms (8 clients)',
        scope: `z${z}`,
        status: status(c ? [c.tilesPerS >= 5000, c.p99Ms <= 20] : [], known),
        detail: c ? `${fmt(c.tilesPerS, 0)} tiles/s, p99 ${fmt(c.p99Ms, 1)} ms` : 'not measured',
      });
    }
  }
  const z10 = checks.find((c) => c.z === 10);
  if (z10) {
    const ours = bytesOf(z10.probes.ours) ?? bytesOf(z10.probes.raw);
    const naive = bytesOf(z10.probes.naive) ?? bytesOf(z10.probes.raw);
    out.push({
      target: 'z10 building tile ≤ 150 KiB (largest tile)',
      scope: 'z10',
      status: status(ours ? [ours.maxBytes <= 150 * KIB] : [], !!ours),
      detail: ours ? `ours max ${fmt(ours.maxBytes / KIB, 1)} KiB, mean ${fmt(ours.meanBytes / KIB, 1)} KiB (ungeneralised max ${naive ? fmt(naive.maxBytes / KIB, 1) : '–'} KiB)` : 'not measured',
    });
    // Without a separate naive series, ours *is* the ungeneralised SQL: compare against raw.
    const base: Series = z10.probes.naive ? 'naive' : 'raw';
    const ratios = clients.map((c) => rate(10, c, 'ours') / rate(10, c, base));
    out.push({
      target: 'z10 uncached ≥ 5 × ungeneralised SQL rate',
      scope: 'z10',
      status: status(ratios.map((x) => x >= 5), ratios.every(Number.isFinite)),
      detail: clients.map((c, i) => `c${c} ${fmt(ratios[i]!)}×`).join(', '),
    });
  }
  return out;
}
