/**
 * The imagery workspace's URL state (workspace params `imagery.*`, so a link restores it):
 * compare mode, one date and one source (collection, or all) per pane — so a swipe or split
 * compares dates or sources — the band style, the collections of the footprints and of panes
 * without a source, the swipe position and the footprints switch. Pure functions; the component only reads and dispatches these.
 */

export const MODES = ['single', 'swipe', 'split2', 'split4'] as const;
export type CompareMode = (typeof MODES)[number];
export const STYLES = ['true-color', 'false-color', 'ndvi'] as const;
export type ImageryStyle = (typeof STYLES)[number];

export interface ImageryView {
  readonly mode: CompareMode;
  /** One date (YYYY-MM-DD) per pane: single 1, swipe/split2 2, split4 4. Empty = latest. */
  readonly dates: readonly string[];
  readonly style: ImageryStyle;
  /** One source per pane: a collection id, or '' for every collection in `collections`. */
  readonly sources: readonly string[];
  /** Collection ids; empty = all. */
  readonly collections: readonly string[];
  /** Swipe divider position, percent of the map width. */
  readonly swipe: number;
  readonly footprints: boolean;
  /** The pane the timeline sets (0-based). */
  readonly pane: number;
}

export const KEYS = {
  mode: 'imagery.mode',
  dates: 'imagery.dates',
  sources: 'imagery.src',
  style: 'imagery.style',
  collections: 'imagery.col',
  swipe: 'imagery.swipe',
  footprints: 'imagery.fp',
  pane: 'imagery.pane',
} as const;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const COLLECTION = /^[a-z0-9][a-z0-9_-]*$/;

export function paneCount(mode: CompareMode): number {
  return mode === 'single' ? 1 : mode === 'split4' ? 4 : 2;
}

/** Reads the view from workspace params, with defaults for anything missing or malformed. */
export function readView(params: Readonly<Record<string, string>>): ImageryView {
  const mode = (MODES as readonly string[]).includes(params[KEYS.mode] ?? '') ? (params[KEYS.mode] as CompareMode) : 'single';
  const style = (STYLES as readonly string[]).includes(params[KEYS.style] ?? '') ? (params[KEYS.style] as ImageryStyle) : 'true-color';
  const n = paneCount(mode);
  const given = (params[KEYS.dates] ?? '').split(',').map((d) => (DATE.test(d) ? d : ''));
  const dates = Array.from({ length: n }, (_, i) => given[i] ?? '');
  const collections = (params[KEYS.collections] ?? '').split(',').filter((c) => COLLECTION.test(c));
  const givenSources = (params[KEYS.sources] ?? '').split(',').map((c) => (COLLECTION.test(c) ? c : ''));
  const sources = Array.from({ length: n }, (_, i) => givenSources[i] ?? '');
  const swipeRaw = Number(params[KEYS.swipe]);
  const swipe = Number.isFinite(swipeRaw) && params[KEYS.swipe] !== undefined ? Math.max(0, Math.min(100, swipeRaw)) : 50;
  const paneRaw = Number(params[KEYS.pane] ?? 0);
  const pane = Number.isInteger(paneRaw) && paneRaw >= 0 && paneRaw < n ? paneRaw : 0;
  return { mode, dates, sources, style, collections, swipe, footprints: params[KEYS.footprints] === '1', pane };
}

/** The params that encode a view (null = remove the key: defaults stay out of the URL). */
export function viewParams(v: ImageryView): Record<string, string | null> {
  return {
    [KEYS.mode]: v.mode === 'single' ? null : v.mode,
    [KEYS.dates]: v.dates.some(Boolean) ? v.dates.join(',') : null,
    [KEYS.sources]: v.sources.some(Boolean) ? v.sources.join(',') : null,
    [KEYS.style]: v.style === 'true-color' ? null : v.style,
    [KEYS.collections]: v.collections.length ? v.collections.join(',') : null,
    [KEYS.swipe]: v.mode === 'swipe' && v.swipe !== 50 ? String(Math.round(v.swipe)) : null,
    [KEYS.footprints]: v.footprints ? '1' : null,
    [KEYS.pane]: v.pane ? String(v.pane) : null,
  };
}

/** Changes the mode, keeping the dates that still have a pane and filling new panes. */
export function withMode(v: ImageryView, mode: CompareMode): ImageryView {
  const n = paneCount(mode);
  const dates = Array.from({ length: n }, (_, i) => v.dates[i] ?? v.dates[v.dates.length - 1] ?? '');
  const sources = Array.from({ length: n }, (_, i) => v.sources[i] ?? v.sources[v.sources.length - 1] ?? '');
  return { ...v, mode, dates, sources, pane: Math.min(v.pane, n - 1) };
}

/** Sets a pane's date and, when given, its source (a timeline click on a scene gives both). */
export function withPaneDate(v: ImageryView, pane: number, date: string, source?: string): ImageryView {
  return { ...v, dates: v.dates.map((d, i) => (i === pane ? date : d)), sources: source === undefined ? v.sources : v.sources.map((s, i) => (i === pane ? source : s)) };
}

export function withPaneSource(v: ImageryView, pane: number, source: string): ImageryView {
  return { ...v, sources: v.sources.map((s, i) => (i === pane ? source : s)) };
}

/**
 * The mosaic tile URL template of a pane: the end of its date in Asia/Shanghai (a scene taken
 * that day is shown), or now when it has none; its source, or the chosen collections.
 */
export function mosaicUrl(base: string, v: ImageryView, date: string, source = ''): string {
  const q = new URLSearchParams();
  if (date) q.set('datetime', `${date}T23:59:59+08:00`);
  if (v.style !== 'true-color') q.set('style', v.style);
  if (source) q.set('collections', source);
  else if (v.collections.length) q.set('collections', v.collections.join(','));
  const qs = q.toString();
  return `${base}/imagery/tiles/{z}/{x}/{y}.png${qs ? `?${qs}` : ''}`;
}

/** The acquisition dates (YYYY-MM-DD in Asia/Shanghai) of a scene instant. */
export function shanghaiDate(iso: string): string {
  return new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 10);
}
