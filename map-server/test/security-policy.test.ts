/** Unit tests of the access decision, the desensitised layer specs and password hashing (no database). */
import { describe, expect, it } from 'vitest';
import { catalog } from '@onemap/geodata/catalog';
import { compileTileSql } from '@onemap/tiles';
import { audienceOf, desensitise, RuleError, type DesensitisationRule } from '../src/services/access-policy.ts';
import { coarseSql } from '../src/services/secure-plans.ts';
import { hashPassword, passwordProblem, verifyPassword } from '../src/services/passwords.ts';
import { ANONYMOUS, type Principal } from '../src/services/principal.ts';

const staff = (department: string): Principal => ({ via: 'session', name: 's', role: 'staff', department, userId: 1 });
const admin: Principal = { via: 'session', name: 'a', role: 'admin', department: null, userId: 2 };
const spec = (id: string) => catalog.layers.find((l) => l.id === id)!;
const owner = (classification: 'public' | 'internal' | 'restricted') => ({ classification, owner: { code: 'tz-zj', title: { zh: '', en: '' } } });

describe('audienceOf', () => {
  it('follows the classification table', () => {
    expect(audienceOf(ANONYMOUS, owner('public'))).toBe('public');
    expect(audienceOf(ANONYMOUS, owner('internal'))).toBe('none');
    expect(audienceOf(ANONYMOUS, owner('restricted'))).toBe('none');
    expect(audienceOf(staff('tz-sl'), owner('public'))).toBe('staff');
    expect(audienceOf(staff('tz-sl'), owner('internal'))).toBe('staff');
    expect(audienceOf(staff('tz-sl'), owner('restricted'))).toBe('none');
    for (const c of ['public', 'internal', 'restricted'] as const) {
      expect(audienceOf(staff('tz-zj'), owner(c))).toBe('full');
      expect(audienceOf(admin, owner(c))).toBe('full');
    }
  });

  it('owns the pipe layers by the pipeline department: points internal, segments public only through their rules (0088)', () => {
    expect(spec('pipe_points')).toMatchObject({ classification: 'internal', owner: { code: 'tz-zj' } });
    expect(spec('pipe_segments')).toMatchObject({ classification: 'public', owner: { code: 'tz-zj' } });
    expect(audienceOf(ANONYMOUS, spec('pipe_points'))).toBe('none');
    expect(audienceOf(ANONYMOUS, spec('pipe_segments'))).toBe('public');
    expect(audienceOf(staff('tz-sl'), spec('pipe_segments'))).toBe('staff');
    expect(audienceOf(staff('tz-zj'), spec('pipe_segments'))).toBe('full');
  });
});

const rules: DesensitisationRule[] = [
  { layerId: 'pipe_segments', audience: 'staff', action: 'drop', property: 'owner_unit', maxZoom: null, tolerancePx: null, decimals: null },
  { layerId: 'pipe_segments', audience: 'staff', action: 'drop', property: 'start_depth', maxZoom: null, tolerancePx: null, decimals: null },
  { layerId: 'pipe_segments', audience: 'staff', action: 'generalise', property: null, maxZoom: 15, tolerancePx: 4, decimals: 3 },
];

describe('desensitise', () => {
  it('leaves the layer untouched for its owners and for audiences without rules', () => {
    expect(desensitise(spec('pipe_segments'), 'full', rules).spec).toBe(spec('pipe_segments'));
    expect(desensitise(spec('pipe_segments'), 'public', rules).spec).toBe(spec('pipe_segments'));
    expect(desensitise(spec('roads'), 'staff', rules).spec).toBe(spec('roads'));
  });

  it('drops properties and generalises, so the compiled tile SQL never selects them', () => {
    const { spec: s, coarsening } = desensitise(spec('pipe_segments'), 'staff', rules);
    expect(s.properties.map((p) => p.name)).not.toContain('owner_unit');
    expect(s.properties.map((p) => p.name)).not.toContain('start_depth');
    expect(s.properties.map((p) => p.name)).toContain('end_depth');
    expect(s.zoom).toEqual({ min: 12, max: 15 });
    expect(s.generalization).toMatchObject({ fullDetailZoom: 16, simplifyPx: 4 });
    expect(coarsening).toEqual({ decimals: 3 });
    const sql = compileTileSql(s, true).current;
    expect(sql).not.toContain('owner_unit');
    expect(sql).not.toContain('start_depth');
    expect(sql).toContain('ST_Simplify');
    expect(compileTileSql(spec('pipe_segments'), true).current).toContain('owner_unit');
  });

  it('turns mask and round rules into column coarsenings, and those into SQL', () => {
    const mask: DesensitisationRule = { layerId: 'pipe_segments', audience: 'public', action: 'mask', property: 'line_no', maxZoom: null, tolerancePx: null, decimals: null, keepStart: 2, keepEnd: 1 };
    const round: DesensitisationRule = { ...mask, action: 'round', property: 'diameter_mm', keepStart: null, keepEnd: null, step: 100 };
    const { spec: s, columns } = desensitise(spec('pipe_segments'), 'public', [mask, round]);
    expect(s).not.toBe(spec('pipe_segments'));
    expect(s.properties.map((p) => p.name)).toContain('line_no');
    expect([...columns.entries()]).toEqual([
      ['line_no', { kind: 'mask', keepStart: 2, keepEnd: 1 }],
      ['diameter_mm', { kind: 'round', step: 100 }],
    ]);
    expect(coarseSql('line_no', columns.get('line_no')!)).toBe(
      `CASE WHEN t."line_no" IS NULL THEN NULL WHEN char_length(t."line_no") <= 3 THEN repeat('*', char_length(t."line_no")) ELSE left(t."line_no", 2) || '***' || right(t."line_no", 1) END`,
    );
    expect(coarseSql('diameter_mm', columns.get('diameter_mm')!)).toBe(`round((t."diameter_mm")::numeric / 100) * 100`);
    expect(() => desensitise(spec('pipe_segments'), 'public', [{ ...mask, property: 'diameter_mm' }])).toThrow(RuleError);
    expect(() => desensitise(spec('pipe_segments'), 'public', [{ ...round, property: 'line_no' }])).toThrow(RuleError);
  });

  it('refuses a rule naming a property the layer does not publish', () => {
    const bad: DesensitisationRule = { ...rules[0]!, property: 'no_such_column' };
    expect(() => desensitise(spec('pipe_segments'), 'staff', [bad])).toThrow(RuleError);
  });
});

describe('passwords', () => {
  it('hashes with salted scrypt and verifies in constant time', async () => {
    const a = await hashPassword('Correct-Horse-9');
    const b = await hashPassword('Correct-Horse-9');
    expect(a).toMatch(/^scrypt\$32768\$8\$3\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('Correct-Horse-9', a)).toBe(true);
    expect(await verifyPassword('Correct-Horse-8', a)).toBe(false);
    expect(await verifyPassword('Correct-Horse-9', 'scrypt$1$1$1$x$y')).toBe(false);
  });

  it('refuses short or one-kind passwords', () => {
    expect(passwordProblem('short1')).toBeDefined();
    expect(passwordProblem('abcdefghijkl')).toBeDefined();
    expect(passwordProblem('Correct-Horse-9')).toBeUndefined();
  });
});
