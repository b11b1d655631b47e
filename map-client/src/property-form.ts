/**
 * The property form of an editable layer, derived from the catalogue's property list (house
 * style §1: no per-layer form is written by hand). Form values are text (what inputs hold);
 * parsing turns them into the JSON types the server checks (edit-input.ts on the server):
 * integer, number, boolean, date (YYYY-MM-DD), datetime (RFC 3339, entered as Shanghai time).
 */
import type { PropertySpec } from './catalog-document.ts';
import type { MessageKey } from './i18n.ts';
import { formatRfc3339, formatWallTime, parseWallTime } from './shanghai-time.ts';

/** Text for text-like inputs, a boolean for checkboxes. */
export type FormValue = string | boolean;
export type FormValues = Readonly<Record<string, FormValue>>;

export interface InputKind {
  readonly type: 'text' | 'number' | 'checkbox' | 'date' | 'datetime-local';
  readonly step?: string;
}

export function inputKindOf(property: PropertySpec): InputKind {
  switch (property.type) {
    case 'integer':
      return { type: 'number', step: '1' };
    case 'number':
      return { type: 'number', step: 'any' };
    case 'boolean':
      return { type: 'checkbox' };
    case 'date':
      return { type: 'date' };
    case 'datetime':
      return { type: 'datetime-local', step: '1' };
    default:
      return { type: 'text' };
  }
}

/** Form values for stored properties (absent and null become empty inputs). */
export function formValuesOf(properties: Readonly<Record<string, unknown>>, specs: readonly PropertySpec[]): Record<string, FormValue> {
  const values: Record<string, FormValue> = {};
  for (const p of specs) {
    const value = properties[p.name];
    if (p.type === 'boolean') values[p.name] = value === true;
    else if (value === null || value === undefined) values[p.name] = '';
    else if (p.type === 'datetime' && typeof value === 'string') {
      const ms = Date.parse(value);
      values[p.name] = Number.isFinite(ms) ? formatWallTime(ms) : value;
    } else values[p.name] = String(value);
  }
  return values;
}

export type ParsedForm =
  | { readonly ok: true; readonly properties: Readonly<Record<string, unknown>> }
  | { readonly ok: false; readonly errors: Readonly<Record<string, MessageKey>> };

/** Typed properties from form values; an empty input is null. Errors name the message to show. */
export function parseFormValues(values: FormValues, specs: readonly PropertySpec[]): ParsedForm {
  const properties: Record<string, unknown> = {};
  const errors: Record<string, MessageKey> = {};
  for (const p of specs) {
    const raw = values[p.name];
    if (p.type === 'boolean') {
      properties[p.name] = raw === true;
      continue;
    }
    const text = typeof raw === 'string' ? raw.trim() : '';
    if (text === '') {
      properties[p.name] = null;
      continue;
    }
    switch (p.type) {
      case 'integer': {
        const n = Number(text);
        if (/^[-+]?\d+$/.test(text) && Number.isSafeInteger(n)) properties[p.name] = n;
        else errors[p.name] = 'formNeedsInteger';
        break;
      }
      case 'number': {
        const n = Number(text);
        if (Number.isFinite(n)) properties[p.name] = n;
        else errors[p.name] = 'formNeedsNumber';
        break;
      }
      case 'date':
        if (/^\d{4}-\d{2}-\d{2}$/.test(text) && parseWallTime(text) !== null) properties[p.name] = text;
        else errors[p.name] = 'formNeedsDate';
        break;
      case 'datetime': {
        const ms = parseWallTime(text);
        if (ms !== null) properties[p.name] = formatRfc3339(ms);
        else errors[p.name] = 'formNeedsDate';
        break;
      }
      default:
        properties[p.name] = text;
    }
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, properties };
}

/** The properties whose parsed value differs from the stored one: the merge patch's members. */
export function changedProperties(parsed: Readonly<Record<string, unknown>>, original: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const changed: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(parsed)) {
    if (!sameValue(value, original[name])) changed[name] = value;
  }
  return changed;
}

/** Equal JSON, or two date-times naming the same instant in different offsets. */
function sameValue(a: unknown, b: unknown): boolean {
  if (JSON.stringify(a ?? null) === JSON.stringify(b ?? null)) return true;
  if (typeof a !== 'string' || typeof b !== 'string' || !a.includes('T') || !b.includes('T')) return false;
  const ms = Date.parse(a);
  return Number.isFinite(ms) && ms === Date.parse(b);
}
