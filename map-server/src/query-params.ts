/**
 * Edge parsing of query strings into typed values (house style §5). Unknown parameters are
 * rejected with 400 so a typo never silently changes a result (OGC /req/core/query-param-unknown).
 */
import { BadRequestError, UnknownParameterError } from './errors.ts';

export type RawQuery = Readonly<Record<string, string | string[] | undefined>>;

/** Rejects parameters not in `allowed`; returns single values (repeats are an error). */
export function pickParams<K extends string>(query: RawQuery, allowed: readonly K[]): Partial<Record<K, string>> {
  const unknown = Object.keys(query).filter((k) => !(allowed as readonly string[]).includes(k));
  if (unknown.length) throw new UnknownParameterError(unknown, allowed);
  const out: Partial<Record<K, string>> = {};
  for (const key of allowed) {
    const value = query[key];
    if (value === undefined) continue;
    if (Array.isArray(value)) throw new BadRequestError(`parameter ${key} given ${value.length} times; give it once`);
    out[key] = value;
  }
  return out;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * An RFC 3339 instant (with offset or Z) or a calendar date, which means its start in
 * Asia/Shanghai (the platform's civil time; 00:00+08:00). Returns epoch milliseconds.
 */
export function parseInstant(text: string, name = 'datetime'): number {
  const m = RFC3339.exec(text);
  const d = DATE_ONLY.exec(text);
  if (!m && !d) throw new BadRequestError(`${name} must be an RFC 3339 date-time (e.g. 2024-05-01T08:00:00+08:00) or a date (2024-05-01), got "${text.slice(0, 40)}"`);
  const iso = d ? `${text}T00:00:00+08:00` : text;
  const ms = Date.parse(iso);
  if (!Number.isFinite(ms)) throw new BadRequestError(`${name} is not a valid date-time: "${text.slice(0, 40)}"`);
  // Reject calendar overflow such as 2024-02-31 (Date.parse rolls it over silently).
  const [, y, mo, day] = (m ?? d)!;
  const check = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(day)));
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(day)) throw new BadRequestError(`${name} has an impossible date: "${text.slice(0, 40)}"`);
  return ms;
}
