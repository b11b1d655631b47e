/**
 * Edge parsing for OGC API – Features Part 1 query parameters (house style §5): `bbox`,
 * `datetime`, `limit`, `offset` and `f` become typed values or a 400 that says what is wrong.
 * Rules: standards.md §1 (OGC 17-069r4 §7.15.3–7.15.5, and the ETS's leniency on dates).
 */
import { BadRequestError } from '../errors.ts';
import { parseInstant } from '../query-params.ts';

/** A CRS84 bounding box; `minLon > maxLon` means it crosses the antimeridian. */
export interface Bbox {
  readonly minLon: number;
  readonly minLat: number;
  readonly maxLon: number;
  readonly maxLat: number;
  /** The numbers as given (4, or 6 with heights), for echoing in links. */
  readonly given: readonly number[];
}

/**
 * A time filter. `instant` is "as of" on versioned layers; `interval` is "any version valid
 * during it". Open ends are `undefined`; the start is always inclusive.
 */
export type TimeFilter =
  | { readonly kind: 'instant'; readonly atMs: number }
  | { readonly kind: 'interval'; readonly startMs: number | undefined; readonly endMs: number | undefined; readonly endInclusive: boolean };

/** Parsed `/collections/{id}/items` query. `datetime` keeps the text for links. */
export interface ItemsQuery {
  readonly limit: number;
  readonly offset: number;
  readonly bbox: Bbox | undefined;
  readonly time: TimeFilter | undefined;
  readonly datetime: string | undefined;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * `minLon,minLat,maxLon,maxLat` or with heights `minLon,minLat,minH,maxLon,maxLat,maxH`, CRS84.
 * Numbers are parsed leniently (GDAL sends `%.18g`), then counted and range-checked.
 */
export function parseBbox(text: string): Bbox {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.length !== 4 && parts.length !== 6)
    throw new BadRequestError(`bbox must have 4 or 6 comma-separated numbers (minLon,minLat,maxLon,maxLat), got ${parts.length}`, { parameter: 'bbox' });
  const bad = parts.find((p) => !NUMBER.test(p) || !Number.isFinite(Number(p)));
  if (bad !== undefined) throw new BadRequestError(`bbox has a value that is not a number: "${bad.slice(0, 40)}"`, { parameter: 'bbox' });
  const n = parts.map(Number);
  const [minLon, minLat, maxLon, maxLat] = n.length === 4 ? (n as [number, number, number, number]) : [n[0]!, n[1]!, n[3]!, n[4]!];
  if (n.length === 6 && n[2]! > n[5]!) throw new BadRequestError(`bbox minimum height ${n[2]} is above the maximum ${n[5]}`, { parameter: 'bbox' });
  for (const [name, v, lim] of [
    ['minLon', minLon, 180],
    ['maxLon', maxLon, 180],
    ['minLat', minLat, 90],
    ['maxLat', maxLat, 90],
  ] as const) {
    if (Math.abs(v) > lim) throw new BadRequestError(`bbox ${name} ${v} is outside ±${lim} (bbox is in CRS84 longitude/latitude)`, { parameter: 'bbox' });
  }
  if (minLat > maxLat) throw new BadRequestError(`bbox minLat ${minLat} is above maxLat ${maxLat}`, { parameter: 'bbox' });
  return { minLon, minLat, maxLon, maxLat, given: n };
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;
/** Asia/Shanghai civil time: a fixed +08:00 (no DST since 1991), as parseInstant uses. */
const CIVIL_OFFSET_MS = 8 * 3_600_000;
const PERIOD = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

interface Duration {
  readonly years: number;
  readonly months: number;
  readonly days: number;
  readonly ms: number;
}

function parsePeriod(text: string): Duration | undefined {
  const m = PERIOD.exec(text);
  if (!m || text === 'P' || text.endsWith('T')) return undefined;
  const [, y, mo, w, d, h, mi, s] = m.map((v) => (v === undefined ? 0 : Number(v)));
  return { years: y!, months: mo!, days: w! * 7 + d!, ms: (h! * 3600 + mi! * 60 + s!) * 1000 };
}

/**
 * Adds (sign 1) or subtracts (sign -1) a duration in civil (+08:00) calendar terms. Months
 * clamp to the month's last day (03-31 minus P1M is 02-28), as ISO 8601 arithmetic does.
 */
function shift(ms: number, p: Duration, sign: 1 | -1): number {
  const d = new Date(ms + CIVIL_OFFSET_MS);
  const months = d.getUTCFullYear() * 12 + d.getUTCMonth() + sign * (p.years * 12 + p.months);
  const year = Math.floor(months / 12);
  const month = months - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  d.setUTCFullYear(year, month, Math.min(d.getUTCDate(), lastDay));
  d.setUTCDate(d.getUTCDate() + sign * p.days);
  return d.getTime() - CIVIL_OFFSET_MS + sign * p.ms;
}

type Bound = { readonly kind: 'open' } | { readonly kind: 'period'; readonly period: Duration } | { readonly kind: 'time'; readonly startMs: number; readonly endMs: number; readonly isDate: boolean };

function parseBound(text: string): Bound {
  if (text === '' || text === '..') return { kind: 'open' };
  const period = parsePeriod(text);
  if (period) return { kind: 'period', period };
  const startMs = parseInstant(text, 'datetime');
  const isDate = DATE_ONLY.test(text);
  return { kind: 'time', startMs, endMs: isDate ? startMs + DAY_MS : startMs, isDate };
}

/**
 * `datetime`: an RFC 3339 instant; an interval `start/end` with `..` or empty for an open end;
 * and, because the OGC ETS sends them (standards.md §1 "datetime leniency"), a date (the whole
 * day, Asia/Shanghai), `date/P2D` and `P2D/date`. `../..` is not in the grammar and is a 400.
 */
export function parseDatetime(text: string): TimeFilter {
  const parts = text.split('/');
  if (parts.length > 2) throw new BadRequestError(`datetime has more than one "/": "${text.slice(0, 60)}"`, { parameter: 'datetime' });
  if (parts.length === 1) {
    const b = parseBound(text);
    if (b.kind !== 'time') throw new BadRequestError(`datetime must be an instant, a date or an interval, got "${text.slice(0, 60)}"`, { parameter: 'datetime' });
    return b.isDate ? { kind: 'interval', startMs: b.startMs, endMs: b.endMs, endInclusive: false } : { kind: 'instant', atMs: b.startMs };
  }
  const start = parseBound(parts[0]!);
  const end = parseBound(parts[1]!);
  if (start.kind === 'open' && end.kind === 'open')
    throw new BadRequestError('datetime interval must have at least one bound ("../.." is not allowed)', { parameter: 'datetime' });
  if (start.kind === 'period' && end.kind === 'period') throw new BadRequestError('datetime interval cannot be two periods', { parameter: 'datetime' });
  if ((start.kind === 'period' && end.kind === 'open') || (start.kind === 'open' && end.kind === 'period'))
    throw new BadRequestError('a datetime period needs a date or date-time on its other side', { parameter: 'datetime' });
  let startMs: number | undefined;
  let endMs: number | undefined;
  let endInclusive = true;
  if (start.kind === 'time') startMs = start.startMs;
  if (end.kind === 'time') {
    endMs = end.endMs;
    endInclusive = !end.isDate; // a date as the end bound means through the end of that day
  }
  if (start.kind === 'time' && end.kind === 'period') {
    endMs = shift(start.startMs, end.period, 1);
    endInclusive = false;
  }
  if (start.kind === 'period' && end.kind === 'time') startMs = shift(end.endMs, start.period, -1);
  // A date as the end reaches to the end of its day, but the order is judged by its start:
  // 2024-05-02/2024-05-01 is backwards even though it would cover an empty instant.
  const endStartMs = end.kind === 'time' ? end.startMs : endMs;
  if (startMs !== undefined && endStartMs !== undefined && startMs > endStartMs)
    throw new BadRequestError(`datetime interval starts after it ends: "${text.slice(0, 60)}"`, { parameter: 'datetime' });
  return { kind: 'interval', startMs, endMs, endInclusive };
}

const UNSIGNED = /^\d{1,15}$/;

/** `limit`: an integer ≥ 1; above `max` it is clamped to `max` (not an error: OGC 17-069r4 §7.15.3). */
export function parseLimit(text: string | undefined, max: number, fallback = 10): number {
  if (text === undefined) return Math.min(fallback, max);
  if (!UNSIGNED.test(text) || Number(text) < 1) throw new BadRequestError(`limit must be a whole number from 1 (at most ${max} are returned), got "${text.slice(0, 40)}"`, { parameter: 'limit' });
  return Math.min(Number(text), max);
}

/** `offset`: how many matching features to skip, an integer ≥ 0. */
export function parseOffset(text: string | undefined): number {
  if (text === undefined) return 0;
  if (!UNSIGNED.test(text)) throw new BadRequestError(`offset must be a whole number ≥ 0, got "${text.slice(0, 40)}"`, { parameter: 'offset' });
  return Number(text);
}

/** `f`: only JSON encodings are served (HTML is not a declared conformance class). */
export function checkFormat(text: string | undefined, allowed: readonly string[] = ['json']): void {
  if (text !== undefined && !allowed.includes(text))
    throw new BadRequestError(`f must be ${allowed.join(' or ')}, got "${text.slice(0, 40)}"`, { parameter: 'f', allowed });
}

/** Parses the query of `/collections/{id}/items` (already checked for unknown names). */
export function parseItemsQuery(q: Partial<Record<'limit' | 'offset' | 'bbox' | 'datetime' | 'f', string>>, maxLimit: number): ItemsQuery {
  checkFormat(q.f, ['json', 'geojson']);
  return {
    limit: parseLimit(q.limit, maxLimit),
    offset: parseOffset(q.offset),
    bbox: q.bbox !== undefined ? parseBbox(q.bbox) : undefined,
    time: q.datetime !== undefined ? parseDatetime(q.datetime) : undefined,
    datetime: q.datetime,
  };
}
