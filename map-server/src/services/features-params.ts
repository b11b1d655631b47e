/**
 * Edge parsing for OGC API – Features Part 1 query parameters (house style §5): `bbox`,
 * `datetime`, `limit`, `offset` and `f` become typed values or a 400 that says what is wrong.
 * Rules: standards.md §1 (OGC 17-069r4 §7.15.3–7.15.5, and the ETS's leniency on dates).
 */
import type { LayerSpec } from '@onemap/geodata/catalog';
import { Cql2Error, isDateText, isTimestampText, parseCql2Json, parseCql2Text, type BooleanNode, type ScalarNode } from '../cql2/index.ts';
import { BadRequestError } from '../errors.ts';
import { parseInstant } from '../query-params.ts';
import { CRS84, parseCrs, type CrsDef } from './crs.ts';
import type { SortKey } from './features-sql.ts';

/**
 * A bounding box in storage lon/lat (CRS84 order); `minLon > maxLon` means it crosses the
 * antimeridian. With a projected `bbox-crs` the four numbers are x/y in that CRS and
 * `projectedSrid` names it.
 */
export interface Bbox {
  readonly minLon: number;
  readonly minLat: number;
  readonly maxLon: number;
  readonly maxLat: number;
  /** The numbers as given (4, or 6 with heights), for echoing in links. */
  readonly given: readonly number[];
  readonly projectedSrid?: number;
}

/**
 * A time filter. `instant` is "as of" on versioned layers; `interval` is "any version valid
 * during it". Open ends are `undefined`; the start is always inclusive.
 */
export type TimeFilter =
  | { readonly kind: 'instant'; readonly atMs: number }
  | { readonly kind: 'interval'; readonly startMs: number | undefined; readonly endMs: number | undefined; readonly endInclusive: boolean };

/** A parsed CQL2 filter (OGC API – Features Part 3) and how to echo it in links. */
export interface FilterQuery {
  readonly ast: BooleanNode;
  readonly text: string;
  /** `cql-text` is the pre-standard name GDAL ≤ 3.7 sends; it is read as CQL2 text. */
  readonly lang: 'cql2-text' | 'cql2-json' | 'cql-text';
  /** CRS of the filter's geometry literals (`filter-crs`, default CRS84). */
  readonly crs: CrsDef;
}

/** Parsed `/collections/{id}/items` query. `datetime` keeps the text for links. */
export interface ItemsQuery {
  readonly limit: number;
  readonly offset: number;
  readonly bbox: Bbox | undefined;
  readonly time: TimeFilter | undefined;
  readonly datetime: string | undefined;
  /** Output CRS (`crs`, default CRS84). */
  readonly crs?: CrsDef;
  readonly filter?: FilterQuery;
  /** `properties`: the subset to return, in catalogue order. */
  readonly properties?: readonly string[];
  readonly sortby?: readonly SortKey[];
  /** `bbox-crs` when given (for echoing in links). */
  readonly bboxCrs?: CrsDef;
  /**
   * Queryables as query parameters (OGC 19-079r2 /req/queryables-query-parameters):
   * `?name=value` means `name = value`, ANDed with everything else.
   */
  readonly propertyEquals?: readonly (readonly [string, string])[];
  /** The same, read into CQL2 comparisons. */
  readonly propertyFilter?: BooleanNode;
}

/** The query parameters of an items request (and of an export, which adds its own). */
export const ITEMS_PARAMS = ['limit', 'offset', 'bbox', 'bbox-crs', 'datetime', 'filter', 'filter-lang', 'filter-crs', 'crs', 'properties', 'sortby', 'f'] as const;
export type ItemsParam = (typeof ITEMS_PARAMS)[number];

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * `minLon,minLat,maxLon,maxLat` or with heights `minLon,minLat,minH,maxLon,maxLat,maxH`, CRS84.
 * Numbers are parsed leniently (GDAL sends `%.18g`), then counted and range-checked.
 */
export function parseBbox(text: string, crs: CrsDef = CRS84): Bbox {
  const parts = text.split(',').map((s) => s.trim());
  if (parts.length !== 4 && parts.length !== 6)
    throw new BadRequestError(`bbox must have 4 or 6 comma-separated numbers (minLon,minLat,maxLon,maxLat), got ${parts.length}`, { parameter: 'bbox' });
  const bad = parts.find((p) => !NUMBER.test(p) || !Number.isFinite(Number(p)));
  if (bad !== undefined) throw new BadRequestError(`bbox has a value that is not a number: "${bad.slice(0, 40)}"`, { parameter: 'bbox' });
  const n = parts.map(Number);
  const corners = n.length === 4 ? (n as [number, number, number, number]) : [n[0]!, n[1]!, n[3]!, n[4]!];
  if (n.length === 6 && n[2]! > n[5]!) throw new BadRequestError(`bbox minimum height ${n[2]} is above the maximum ${n[5]}`, { parameter: 'bbox' });
  if (!crs.geographic) {
    const [minX, minY, maxX, maxY] = corners;
    if (minX! > maxX! || minY! > maxY!) throw new BadRequestError(`bbox minimum corner is above its maximum corner in ${crs.uri}`, { parameter: 'bbox' });
    return { minLon: minX!, minLat: minY!, maxLon: maxX!, maxLat: maxY!, given: n, projectedSrid: crs.srid };
  }
  // EPSG:4326 and EPSG:4490 list latitude first (OGC 18-058r1 §7.2: bbox in the axis order of bbox-crs).
  const [minLon, minLat, maxLon, maxLat] = crs.latLon ? [corners[1]!, corners[0]!, corners[3]!, corners[2]!] : corners;
  for (const [name, v, lim] of [
    ['minLon', minLon, 180],
    ['maxLon', maxLon, 180],
    ['minLat', minLat, 90],
    ['maxLat', maxLat, 90],
  ] as const) {
    if (Math.abs(v!) > lim)
      throw new BadRequestError(`bbox ${name} ${v} is outside ±${lim} (bbox is in ${crs === CRS84 ? 'CRS84 longitude/latitude' : `${crs.uri}, latitude first`})`, { parameter: 'bbox' });
  }
  if (minLat! > maxLat!) throw new BadRequestError(`bbox minLat ${minLat} is above maxLat ${maxLat}`, { parameter: 'bbox' });
  return { minLon: minLon!, minLat: minLat!, maxLon: maxLon!, maxLat: maxLat!, given: n };
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

/**
 * `filter` with `filter-lang` (cql2-text, the default, or cql2-json) and `filter-crs`, read
 * into the CQL2 AST; a syntax error is a 400 that says where (OGC 19-079r2 /req/filter/filter-param).
 */
export const FILTER_LANGS = ['cql2-text', 'cql2-json', 'cql-text'] as const;

export function parseFilter(text: string, lang: string | undefined, crsText: string | undefined): FilterQuery {
  if (lang !== undefined && !(FILTER_LANGS as readonly string[]).includes(lang))
    throw new BadRequestError(`filter-lang must be cql2-text or cql2-json, got "${lang.slice(0, 40)}"`, { parameter: 'filter-lang', allowed: FILTER_LANGS });
  const crs = parseCrs(crsText, 'filter-crs');
  const l = (lang ?? 'cql2-text') as FilterQuery['lang'];
  const ast = asFilterError(() => (l === 'cql2-json' ? parseCql2Json(text) : parseCql2Text(text)));
  return { ast, text, lang: l, crs };
}

/** Runs a CQL2 step, turning its errors into a 400 naming the filter and the position. */
export function asFilterError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof Cql2Error) throw new BadRequestError(`filter: ${err.message}`, { parameter: 'filter', position: err.position });
    throw err;
  }
}

/**
 * The published properties that may also be given as query parameters: all of them except
 * any whose name is one of the API's own parameters.
 */
export function propertyParams(spec: LayerSpec): string[] {
  return spec.properties.map((p) => p.name).filter((n) => !(ITEMS_PARAMS as readonly string[]).includes(n));
}

/** `?name=value` pairs as CQL2 `name = value`, the value read by the property's type. */
export function parsePropertyEquals(pairs: readonly (readonly [string, string])[], spec: LayerSpec): BooleanNode | undefined {
  const nodes = pairs.map(([name, value]): BooleanNode => {
    const p = spec.properties.find((x) => x.name === name)!;
    const pos = `?${name}`;
    const bad = (what: string) => new BadRequestError(`${name} must be ${what}, got "${value.slice(0, 40)}"`, { parameter: name });
    let literal: ScalarNode;
    switch (p.type) {
      case 'integer':
      case 'number':
        if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value) || (p.type === 'integer' && !/^[+-]?\d+$/.test(value))) throw bad(`a${p.type === 'integer' ? 'n integer' : ' number'}`);
        literal = { kind: 'number', value: Number(value), pos };
        break;
      case 'boolean':
        if (value !== 'true' && value !== 'false') throw bad('true or false');
        literal = { kind: 'boolean', value: value === 'true', pos };
        break;
      case 'date':
        if (!isDateText(value)) throw bad('a date (YYYY-MM-DD)');
        literal = { kind: 'date', value, pos };
        break;
      case 'datetime':
        if (!isTimestampText(value)) throw bad('an RFC 3339 date-time');
        literal = { kind: 'timestamp', value, pos };
        break;
      default:
        literal = { kind: 'string', value, pos };
    }
    return compareNode(name, literal, pos);
  });
  if (!nodes.length) return undefined;
  return nodes.length === 1 ? nodes[0] : { kind: 'and', args: nodes, pos: '?' };
}

function compareNode(name: string, right: ScalarNode, pos: string): BooleanNode {
  return { kind: 'compare', op: '=', left: { kind: 'property', name, pos }, right, pos };
}

/** `properties=a,b`: published properties only; returned in catalogue order. */
export function parseProperties(text: string, spec: LayerSpec): string[] {
  const names = text.split(',').map((s) => s.trim()).filter(Boolean);
  const known = new Set(spec.properties.map((p) => p.name));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length)
    throw new BadRequestError(`properties: unknown ${unknown.map((u) => `"${u.slice(0, 40)}"`).join(', ')}; the properties of ${spec.id} are ${[...known].join(', ')}`, { parameter: 'properties' });
  return spec.properties.filter((p) => names.includes(p.name)).map((p) => p.name);
}

/** `sortby=+name,-height_m` (OGC API – Features Part 8 draft syntax): published properties only. */
export function parseSortby(text: string, spec: LayerSpec): SortKey[] {
  const known = new Set(spec.properties.map((p) => p.name));
  const keys = text.split(',').map((raw) => {
    const s = raw.trim();
    const descending = s.startsWith('-');
    const property = s.replace(/^[+-]/, '').replace(/:(asc|desc|A|D)$/i, '');
    const suffix = /:(desc|D)$/i.test(s);
    if (!known.has(property)) throw new BadRequestError(`sortby: "${property.slice(0, 40)}" is not a sortable property of ${spec.id} (${[...known].join(', ')})`, { parameter: 'sortby' });
    return { property, descending: descending || suffix };
  });
  if (new Set(keys.map((k) => k.property)).size !== keys.length) throw new BadRequestError('sortby names a property twice', { parameter: 'sortby' });
  if (keys.length > 8) throw new BadRequestError('sortby takes at most 8 keys', { parameter: 'sortby' });
  return keys;
}

/**
 * Parses the query of `/collections/{id}/items` (already checked for unknown names). With the
 * layer, `properties` and `sortby` are checked against its published properties.
 */
export function parseItemsQuery(
  q: Partial<Record<ItemsParam, string>> & Readonly<Record<string, string | undefined>>,
  maxLimit: number,
  spec?: LayerSpec,
  formats: readonly string[] = ['json', 'geojson'],
): ItemsQuery {
  const equals = spec ? propertyParams(spec).flatMap((n) => (q[n] !== undefined ? [[n, q[n]!] as const] : [])) : [];
  checkFormat(q.f, formats);
  if (q['bbox-crs'] !== undefined && q.bbox === undefined) throw new BadRequestError('bbox-crs is given without bbox', { parameter: 'bbox-crs' });
  if ((q['filter-lang'] !== undefined || q['filter-crs'] !== undefined) && q.filter === undefined)
    throw new BadRequestError('filter-lang and filter-crs need a filter', { parameter: q['filter-lang'] !== undefined ? 'filter-lang' : 'filter-crs' });
  const bboxCrs = parseCrs(q['bbox-crs'], 'bbox-crs');
  return {
    limit: parseLimit(q.limit, maxLimit),
    offset: parseOffset(q.offset),
    bbox: q.bbox !== undefined ? parseBbox(q.bbox, bboxCrs) : undefined,
    time: q.datetime !== undefined ? parseDatetime(q.datetime) : undefined,
    datetime: q.datetime,
    ...(q.crs !== undefined ? { crs: parseCrs(q.crs, 'crs') } : {}),
    ...(q.filter !== undefined ? { filter: parseFilter(q.filter, q['filter-lang'], q['filter-crs']) } : {}),
    ...(q.properties !== undefined && spec ? { properties: parseProperties(q.properties, spec) } : {}),
    ...(q.sortby !== undefined && spec ? { sortby: parseSortby(q.sortby, spec) } : {}),
    ...(q['bbox-crs'] !== undefined ? { bboxCrs } : {}),
    ...(equals.length && spec ? { propertyEquals: equals, propertyFilter: parsePropertyEquals(equals, spec)! } : {}),
  };
}
