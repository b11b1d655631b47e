import { describe, expect, it } from 'vitest';
import type { FeatureVersion } from '../src/feature-api.ts';
import { describeVersions, versionAt } from '../src/version-diff.ts';

function version(v: number, from: string, to: string | null, properties: Record<string, unknown>, extra: Partial<FeatureVersion> = {}): FeatureVersion {
  return { version: v, validFrom: from, validTo: to, changedBy: 'sample', comment: null, properties, geometry: null, changedProperties: [], geometryChanged: false, ...extra };
}

const ORDER = ['name', 'use', 'floors', 'height_m'];
const HISTORY = [
  // Deliberately out of order: the panel sorts by validFrom.
  version(30, '2020-03-01T02:00:00.000Z', null, { name: '新楼', use: 'commercial', floors: 5, height_m: 18 }, { changedBy: 'editor', comment: '加盖两层', geometryChanged: true }),
  version(10, '1995-06-30T16:00:00.000Z', '2010-01-01T00:00:00.000Z', { name: null, use: 'residential', floors: 3, height_m: 9 }),
  version(20, '2010-01-01T00:00:00.000Z', '2020-03-01T02:00:00.000Z', { name: '新楼', use: 'commercial', floors: 3, height_m: 9 }),
];

describe('version history', () => {
  it('lists newest first with old → new values against the previous version', () => {
    const rows = describeVersions(HISTORY, ORDER);
    expect(rows.map((r) => r.version)).toEqual([30, 20, 10]);
    expect(rows[0]).toMatchObject({ kind: 'changed', changedBy: 'editor', comment: '加盖两层', geometryChanged: true, validToMs: null, ended: false });
    expect(rows[0]!.changes).toEqual([
      { name: 'floors', before: 3, after: 5 },
      { name: 'height_m', before: 9, after: 18 },
    ]);
    expect(rows[1]!.changes).toEqual([
      { name: 'name', before: null, after: '新楼' },
      { name: 'use', before: 'residential', after: 'commercial' },
    ]);
  });

  it('shows the first version as created with its non-empty values, in catalogue order', () => {
    const first = describeVersions(HISTORY, ORDER)[2]!;
    expect(first.kind).toBe('created');
    expect(first.geometryChanged).toBe(false);
    expect(first.changes.map((c) => c.name)).toEqual(['use', 'floors', 'height_m']);
    expect(first.validFromMs).toBe(Date.parse('1995-07-01T00:00:00+08:00'));
  });

  it('marks a feature whose last version ended as deleted', () => {
    const deleted = describeVersions([version(1, '2000-01-01T00:00:00Z', '2021-05-05T05:05:05Z', { use: 'other' })], ORDER);
    expect(deleted[0]).toMatchObject({ ended: true, validToMs: Date.parse('2021-05-05T05:05:05Z') });
  });

  it('finds the version drawn at the cursor (null = now), none before the first', () => {
    const rows = describeVersions(HISTORY, ORDER);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(versionAt(rows, null, now)).toBe(30);
    expect(versionAt(rows, Date.parse('2015-01-01T00:00:00Z'), now)).toBe(20);
    // validFrom is inclusive, validTo exclusive: moving the cursor to a version's start shows it.
    expect(versionAt(rows, Date.parse('2010-01-01T00:00:00Z'), now)).toBe(20);
    expect(versionAt(rows, Date.parse('1990-01-01T00:00:00Z'), now)).toBeUndefined();
  });

  it('lists properties the catalogue does not know after the known ones', () => {
    const rows = describeVersions([version(1, '2000-01-01T00:00:00Z', null, { zeta: 1, use: 'other', alpha: 2 })], ORDER);
    expect(rows[0]!.changes.map((c) => c.name)).toEqual(['use', 'alpha', 'zeta']);
  });
});
