/** A one-line terminal progress bar with rate and ETA (pure: returns the line). */
import type { SeedProgress } from './seeder.ts';

export function formatProgress(p: SeedProgress, elapsedMs: number, width = 30): string {
  const frac = p.planned ? Math.min(1, p.done / p.planned) : 1;
  const filled = Math.round(frac * width);
  const rate = elapsedMs > 0 ? p.done / (elapsedMs / 1000) : 0;
  const etaS = rate > 0 ? (p.planned - p.done) / rate : Infinity;
  const eta = Number.isFinite(etaS) ? `${Math.floor(etaS / 60)}m${String(Math.round(etaS % 60)).padStart(2, '0')}s` : '--';
  const { content, empty, skipped } = p.counts;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(frac * 100).toFixed(1)}% ${p.done}/${p.planned} z${p.zoom}  ${rate.toFixed(0)} tiles/s  ETA ${eta}  (有内容 ${content} · 空 ${empty} · 跳过 ${skipped})`;
}
