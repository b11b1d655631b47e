import { describe, expect, it } from 'vitest';
import type { PropertySpec } from '../src/catalog-document.ts';
import { changedProperties, formValuesOf, inputKindOf, parseFormValues } from '../src/property-form.ts';

const p = (name: string, type: PropertySpec['type']): PropertySpec => ({ name, type, title: { zh: name, en: name } });
const SPECS = [p('name', 'string'), p('floors', 'integer'), p('height_m', 'number'), p('listed', 'boolean'), p('surveyed', 'date'), p('checked_at', 'datetime')];

describe('property form', () => {
  it('derives the input type from the property type', () => {
    expect(SPECS.map((s) => inputKindOf(s).type)).toEqual(['text', 'number', 'number', 'checkbox', 'date', 'datetime-local']);
    expect(inputKindOf(p('floors', 'integer')).step).toBe('1');
  });

  it('turns stored properties into input values (datetimes in Beijing time)', () => {
    expect(formValuesOf({ name: null, floors: 3, height_m: 9.5, listed: true, checked_at: '2020-01-01T00:00:00Z' }, SPECS)).toEqual({
      name: '',
      floors: '3',
      height_m: '9.5',
      listed: true,
      surveyed: '',
      checked_at: '2020-01-01T08:00',
    });
  });

  it('parses values into the JSON types the server checks; empty is null', () => {
    const parsed = parseFormValues({ name: ' 新楼 ', floors: '5', height_m: '18.25', listed: false, surveyed: '2024-02-29', checked_at: '2020-01-01T08:00' }, SPECS);
    expect(parsed).toEqual({
      ok: true,
      properties: { name: '新楼', floors: 5, height_m: 18.25, listed: false, surveyed: '2024-02-29', checked_at: '2020-01-01T08:00:00+08:00' },
    });
    expect(parseFormValues({ name: '', floors: '', height_m: '' }, SPECS)).toMatchObject({ ok: true, properties: { name: null, floors: null, height_m: null } });
  });

  it('names the message of every value that does not parse', () => {
    expect(parseFormValues({ floors: '2.5', height_m: 'tall', surveyed: '2023-02-30' }, SPECS)).toEqual({
      ok: false,
      errors: { floors: 'formNeedsInteger', height_m: 'formNeedsNumber', surveyed: 'formNeedsDate' },
    });
  });

  it('patches only what changed (the same instant in another offset is no change)', () => {
    const original = { name: '旧楼', floors: 3, height_m: 9, checked_at: '2020-01-01T00:00:00Z' };
    const parsed = { name: '旧楼', floors: 5, height_m: 9, checked_at: '2020-01-01T08:00:00+08:00' };
    expect(changedProperties(parsed, original)).toEqual({ floors: 5 });
    expect(changedProperties({ name: null }, {})).toEqual({});
  });
});
