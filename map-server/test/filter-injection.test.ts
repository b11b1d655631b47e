/** Hostile CQL2 filters over HTTP: refused with 400, or matched as plain text; the data untouched. */
import { describe, expect, it } from 'vitest';
import { usePlatform } from './support/platform.ts';

const ctx = usePlatform();

const items = async (filter: string, lang = 'cql2-text') => {
  const res = await fetch(`${ctx.platform.baseUrl}/collections/districts/items?filter-lang=${lang}&filter=${encodeURIComponent(filter)}`);
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as { numberMatched?: number; detail?: string; code?: string } };
};

describe('filter injection', () => {
  it.each([
    `name = 'a' OR 1=1; DROP TABLE base.districts; --`,
    `name = 'a'); DELETE FROM base.districts; --`,
    `1=1 UNION SELECT * FROM auth.api_tokens`,
    `pg_sleep(5) = 0`,
    `name = "x"; DROP TABLE base.districts`,
    `"adcode" = '331002' -- comment`,
    `S_INTERSECTS(geom, POLYGON((0 0, 1 0, 1 1, 0 0)); DROP TABLE base.districts)`,
    `name LIKE 'a' ESCAPE ';DROP'`,
  ])('refuses %s with a 400 problem', async (filter) => {
    const r = await items(filter);
    expect(r.status).toBe(400);
    expect(r.type).toContain('application/problem+json');
    expect(r.body.detail).toBeTruthy();
    // The message names the problem, never SQL of ours.
    expect(r.body.detail).not.toMatch(/SELECT|FROM base\./);
  });

  it('treats SQL inside a string literal as text to compare, nothing more', async () => {
    const r = await items(`name = 'x''); DROP TABLE base.districts; --'`);
    expect(r.status).toBe(200);
    expect(r.body.numberMatched).toBe(0);
    const json = await items(JSON.stringify({ op: '=', args: [{ property: 'name' }, "'; DROP TABLE base.districts; --"] }), 'cql2-json');
    expect(json.status).toBe(200);
    expect(json.body.numberMatched).toBe(0);
  });

  it('leaves the database as it was', async () => {
    const { rows } = await ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM base.districts');
    expect(rows[0]!.n).toBe(9);
  });
});
