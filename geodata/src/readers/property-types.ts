/**
 * Property typing for imported data: infer what a source field holds (integer, number, boolean,
 * date, datetime or text) from its values, and coerce a value to a catalogue property type.
 * Pure; the same rules serve CSV cells (always text) and typed sources (GeoJSON, GDAL).
 */

export type InferredType = 'integer' | 'number' | 'boolean' | 'date' | 'datetime' | 'text';

/** The catalogue's property types (geodata/catalog PropertyType), repeated to keep readers standalone. */
export type TargetType = 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'datetime';

const INTEGER = /^[+-]?(0|[1-9]\d*)$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DATE = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(:(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const TRUE = new Set(['true', 't', 'yes', 'y', '是', '真']);
const FALSE = new Set(['false', 'f', 'no', 'n', '否', '假']);

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

/** `YYYY-MM-DD` for a date written with -, / or . separators; undefined when it is not a real date. */
export function parseDate(text: string): string | undefined {
  const m = DATE.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!validDate(y, mo, d)) return undefined;
  return `${m[1]}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** ISO 8601 instant (a missing zone is read as China Standard Time, +08:00); undefined otherwise. */
export function parseDateTime(text: string): string | undefined {
  const m = DATETIME.exec(text.trim());
  if (!m || !validDate(Number(m[1]), Number(m[2]), Number(m[3])) || Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[7] ?? 0) > 59) return undefined;
  const zoned = m[9] === undefined ? `${text.trim().replace(' ', 'T')}+08:00` : text.trim().replace(' ', 'T');
  const t = Date.parse(zoned);
  return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
}

/** The type of one value; undefined for empty (null, undefined, blank text). */
export function inferValueType(value: unknown): InferredType | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isSafeInteger(value) ? 'integer' : Number.isFinite(value) ? 'number' : 'text';
  if (typeof value !== 'string') return 'text';
  const t = value.trim();
  if (t === '') return undefined;
  // Leading zeros ("007", "0571") are codes, not numbers: they stay text.
  if (INTEGER.test(t)) return Number.isSafeInteger(Number(t)) ? 'integer' : 'text';
  if (NUMBER.test(t) && !/^[+-]?0\d/.test(t)) return 'number';
  const lower = t.toLowerCase();
  if (TRUE.has(lower) || FALSE.has(lower)) return 'boolean';
  if (parseDate(t) !== undefined) return 'date';
  if (parseDateTime(t) !== undefined) return 'datetime';
  return 'text';
}

/**
 * The narrowest type that holds every value of a field: integer widens to number, date to
 * datetime; anything else mixed is text. A field with no values at all is text.
 */
export function inferFieldType(values: Iterable<unknown>): InferredType {
  let type: InferredType | undefined;
  for (const v of values) {
    const t = inferValueType(v);
    if (t === undefined || t === type) continue;
    if (type === undefined) type = t;
    else if ((type === 'integer' && t === 'number') || (type === 'number' && t === 'integer')) type = 'number';
    else if ((type === 'date' && t === 'datetime') || (type === 'datetime' && t === 'date')) type = 'datetime';
    else return 'text';
  }
  return type ?? 'text';
}

/** A text cell as the value of its inferred field type (CSV: numbers become numbers, …). */
export function typedValue(text: string, type: InferredType): unknown {
  const t = text.trim();
  if (t === '') return null;
  switch (type) {
    case 'integer':
    case 'number':
      return Number(t);
    case 'boolean':
      return TRUE.has(t.toLowerCase());
    case 'date':
      return parseDate(t) ?? t;
    case 'datetime':
      return parseDate(t) !== undefined ? parseDateTime(`${parseDate(t)}T00:00:00`) : parseDateTime(t) ?? t;
    default:
      return text;
  }
}

export type Coerced = { readonly ok: true; readonly value: string | number | boolean | null } | { readonly ok: false; readonly reason: string };

const fail = (value: unknown, what: string): Coerced => ({ ok: false, reason: `"${String(value).slice(0, 40)}" 不是${what} / is not ${what === '整数' ? 'an integer' : what === '数值' ? 'a number' : what === '布尔值' ? 'a boolean' : what === '日期' ? 'a date' : 'a date-time'}` });

/** A source value as a value of a catalogue property type; empty values become null. */
export function coerceValue(value: unknown, type: TargetType): Coerced {
  if (value === null || value === undefined || (typeof value === 'string' && value.trim() === '')) return { ok: true, value: null };
  switch (type) {
    case 'string':
      return { ok: true, value: typeof value === 'object' ? JSON.stringify(value) : String(value) };
    case 'integer': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && NUMBER.test(value.trim()) ? Number(value.trim()) : NaN;
      return Number.isSafeInteger(n) ? { ok: true, value: n } : fail(value, '整数');
    }
    case 'number': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && NUMBER.test(value.trim()) ? Number(value.trim()) : NaN;
      return Number.isFinite(n) ? { ok: true, value: n } : fail(value, '数值');
    }
    case 'boolean': {
      if (typeof value === 'boolean') return { ok: true, value };
      if (value === 1 || value === 0) return { ok: true, value: value === 1 };
      const t = String(value).trim().toLowerCase();
      if (TRUE.has(t) || t === '1') return { ok: true, value: true };
      if (FALSE.has(t) || t === '0') return { ok: true, value: false };
      return fail(value, '布尔值');
    }
    case 'date': {
      const d = typeof value === 'string' ? parseDate(value) ?? parseDateTime(value)?.slice(0, 10) : undefined;
      return d !== undefined ? { ok: true, value: d } : fail(value, '日期');
    }
    case 'datetime': {
      const d = typeof value === 'string' ? parseDateTime(value) ?? (parseDate(value) !== undefined ? parseDateTime(`${parseDate(value)}T00:00:00`) : undefined) : undefined;
      return d !== undefined ? { ok: true, value: d } : fail(value, '日期时间');
    }
  }
}
