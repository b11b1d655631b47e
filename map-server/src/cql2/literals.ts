/**
 * Checks shared by both CQL2 encodings: calendar dates, RFC 3339 instants and interval bounds.
 * CQL2 (21-065r2 Annex B) writes dates as `YYYY-MM-DD` and timestamps as full RFC 3339
 * date-times; we also accept a numeric offset instead of `Z` (PostgreSQL reads both).
 */
import type { IntervalBound, Position } from './ast.ts';
import { Cql2Error } from './errors.ts';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

function realDate(y: string, m: string, d: string): boolean {
  const t = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return t.getUTCFullYear() === Number(y) && t.getUTCMonth() === Number(m) - 1 && t.getUTCDate() === Number(d);
}

export function isDateText(text: string): boolean {
  const m = DATE.exec(text);
  return !!m && realDate(m[1]!, m[2]!, m[3]!);
}

export function isTimestampText(text: string): boolean {
  const m = TIMESTAMP.exec(text);
  return !!m && realDate(m[1]!, m[2]!, m[3]!) && Number(m[4]) < 24 && Number(m[5]) < 60 && Number(m[6]) < 61;
}

export function checkDate(text: string, pos: Position): string {
  if (!isDateText(text)) throw new Cql2Error(`not a calendar date (YYYY-MM-DD): ${JSON.stringify(text.slice(0, 40))}`, pos);
  return text;
}

export function checkTimestamp(text: string, pos: Position): string {
  if (!isTimestampText(text)) throw new Cql2Error(`not an RFC 3339 timestamp (e.g. 2024-04-14T14:48:46Z): ${JSON.stringify(text.slice(0, 40))}`, pos);
  return text;
}

/** An interval bound written as a string: `'..'` (open), a date or a timestamp. */
export function intervalBoundFromString(text: string, pos: Position): IntervalBound {
  if (text === '..') return { kind: 'open', pos };
  if (isDateText(text)) return { kind: 'date', value: text, pos };
  if (isTimestampText(text)) return { kind: 'timestamp', value: text, pos };
  throw new Cql2Error(`an interval bound must be '..', a date or a timestamp, got ${JSON.stringify(text.slice(0, 40))}`, pos);
}
