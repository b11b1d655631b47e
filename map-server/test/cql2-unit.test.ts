/**
 * The CQL2 readers and compiler without a database: what text and JSON read into, that both
 * encodings give one AST, what SQL and values come out, and where errors point.
 */
import { describe, expect, it } from 'vitest';
import { compileFilter, Cql2Error, parseCql2Json, parseCql2Text, type Queryable } from '../src/cql2/index.ts';

const Q = new Map<string, Queryable>(
  (
    [
      ['name', 'string'],
      ['pop', 'integer'],
      ['area', 'number'],
      ['open', 'boolean'],
      ['day', 'date'],
      ['start', 'datetime'],
      ['end', 'datetime'],
      ['geom', 'geometry'],
    ] as const
  ).map(([name, type]) => [name, { name, type, sql: `t."${name}"` }]),
);
const compile = (text: string, first = 1) => compileFilter(parseCql2Text(text), { queryables: Q, firstParam: first, storageSrid: 4490 });

function errorOf(fn: () => unknown): Cql2Error {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(Cql2Error);
    return err as Cql2Error;
  }
  throw new Error('expected a Cql2Error');
}

/** Positions stripped, so text and JSON ASTs compare. */
const shape = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(shape) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'pos').map(([k, x]) => [k, shape(x)])) : v;

describe('CQL2 text and JSON read into the same AST', () => {
  it.each([
    ["name = 'a''b'", { op: '=', args: [{ property: 'name' }, "a'b"] }],
    ["name = 'a\\'b'", { op: '=', args: [{ property: 'name' }, "a'b"] }],
    ['pop >= -5', { op: '>=', args: [{ property: 'pop' }, -5] }],
    ['NOT (pop < 1.5e3) or open', { op: 'or', args: [{ op: 'not', args: [{ op: '<', args: [{ property: 'pop' }, 1500] }] }, { property: 'open' }] }],
    ["name NOT LIKE 'B_r%'", { op: 'not', args: [{ op: 'like', args: [{ property: 'name' }, 'B_r%'] }] }],
    ['pop BETWEEN 1 AND 3', { op: 'between', args: [{ property: 'pop' }, 1, 3] }],
    ["name IN ('a', 'b')", { op: 'in', args: [{ property: 'name' }, ['a', 'b']] }],
    ['name IS NOT NULL', { op: 'not', args: [{ op: 'isNull', args: [{ property: 'name' }] }] }],
    ["\"day\" = DATE('2024-04-14')", { op: '=', args: [{ property: 'day' }, { date: '2024-04-14' }] }],
    ["start < TIMESTAMP('2024-04-14T14:48:46Z')", { op: '<', args: [{ property: 'start' }, { timestamp: '2024-04-14T14:48:46Z' }] }],
    ['S_INTERSECTS(geom, BBOX(0, 40, 10, 50))', { op: 's_intersects', args: [{ property: 'geom' }, { bbox: [0, 40, 10, 50] }] }],
    ['s_within(geom, POINT(7.02 49.92))', { op: 's_within', args: [{ property: 'geom' }, { type: 'Point', coordinates: [7.02, 49.92] }] }],
    [
      'S_CROSSES(geom, MULTILINESTRING((0 0, 1 1), (2 2, 3 3)))',
      { op: 's_crosses', args: [{ property: 'geom' }, { type: 'MultiLineString', coordinates: [[[0, 0], [1, 1]], [[2, 2], [3, 3]]] }] },
    ],
    [
      "T_DURING(INTERVAL(start, end), INTERVAL('2022-01-01', '..'))",
      { op: 't_during', args: [{ interval: [{ property: 'start' }, { property: 'end' }] }, { interval: ['2022-01-01', '..'] }] },
    ],
    ["CASEI(name) = CASEI('ABC')", { op: '=', args: [{ op: 'casei', args: [{ property: 'name' }] }, { op: 'casei', args: ['ABC'] }] }],
    ['TRUE', true],
  ])('%s', (text, json) => {
    expect(shape(parseCql2Text(text))).toEqual(shape(parseCql2Json(JSON.stringify(json))));
  });

  it('binds AND tighter than OR, and keywords in any case', () => {
    const ast = parseCql2Text("name='a' or name='b' AND pop=1");
    expect(ast.kind).toBe('or');
    expect(shape(parseCql2Text("NAME='a' and not pop=1"))).toEqual(shape(parseCql2Text("NAME='a' AND NOT pop=1")));
  });
});

describe('compiled SQL binds every value and quotes nothing from the user', () => {
  it('numbers parameters from firstParam and casts by type', () => {
    const c = compile("name = 'x' AND pop > 3 AND area < 1.5 AND \"day\" = DATE('2024-01-02')", 7);
    expect(c.sql).toBe(`((t."name" COLLATE "C" = $7::text) AND (t."pop" > $8::bigint) AND (t."area" < $9::float8) AND (t."day" = $10::date))`);
    expect(c.values).toEqual(['x', 3, 1.5, '2024-01-02']);
  });

  it('keeps hostile text out of the SQL', () => {
    const c = compile(`name = 'x''); DROP TABLE t; --'`);
    expect(c.sql).not.toContain('DROP');
    expect(c.values).toEqual(["x'); DROP TABLE t; --"]);
  });

  it('maps NOT to SQL NOT (three-valued), IN to a list, LIKE to LIKE', () => {
    expect(compile("NOT (name = 'a')").sql).toBe(`(NOT (t."name" COLLATE "C" = $1::text))`);
    expect(compile("name NOT IN ('a','b')").sql).toBe(`(NOT (t."name" IN ($1::text, $2::text)))`);
    expect(compile("CASEI(name) LIKE CASEI('a%')").sql).toBe(`(lower(t."name") COLLATE "C" LIKE lower($1::text))`);
  });

  it('splits a BBOX across the antimeridian and sets the storage SRID', () => {
    const c = compile('S_INTERSECTS(geom, BBOX(150,-90,-150,90))');
    expect(c.sql).toBe('ST_Intersects(t."geom", ST_SetSRID(ST_GeomFromGeoJSON($1::text), 4490))');
    expect(JSON.parse(c.values[0] as string)).toMatchObject({ type: 'MultiPolygon' });
  });

  it('swaps lat/lon literals for EPSG:4326 and transforms projected ones', () => {
    const ll = compileFilter(parseCql2Text('S_INTERSECTS(geom, POINT(28.65 121.42))'), {
      queryables: Q,
      firstParam: 1,
      storageSrid: 4490,
      filterCrs: { srid: 4326, latLon: true, geographic: true, sameAsStorage: true },
    });
    expect(JSON.parse(ll.values[0] as string)).toEqual({ type: 'Point', coordinates: [121.42, 28.65] });
    const m = compileFilter(parseCql2Text('S_INTERSECTS(geom, POINT(638834.5 3171302.8))'), {
      queryables: Q,
      firstParam: 1,
      storageSrid: 4490,
      filterCrs: { srid: 4549, latLon: false, geographic: false, sameAsStorage: false },
    });
    expect(m.sql).toContain('ST_Transform(');
    expect(m.sql).toContain(', 4549)');
  });

  it('compiles temporal functions as Allen relations, binding only the ends used', () => {
    const c = compile("T_AFTER(start, INTERVAL('2022-01-01T00:00:00Z', '2022-12-31T00:00:00Z'))");
    expect(c.sql).toBe(`(t."start" > $1::timestamptz)`);
    expect(c.values).toEqual(['2022-12-31T00:00:00Z']);
    expect(compile("T_BEFORE(\"day\", INTERVAL('..', '2022-12-31'))").sql).toBe(`(t."day" < '-infinity'::date)`);
    expect(compile("T_INTERSECTS(\"day\", TIMESTAMP('2022-01-01T00:00:00Z'))").sql).toContain(`AT TIME ZONE 'UTC'`);
  });

  it('resolves a property case-insensitively when unique, and reports the names it used', () => {
    const c = compile("NAME = 'x' AND POP = 1");
    expect(c.sql).toContain('t."name"');
    expect([...c.properties].sort()).toEqual(['name', 'pop']);
  });
});

describe('errors point where the input went wrong', () => {
  it.each([
    ["name = 'x", 7, /unterminated string/],
    ['name = ', 7, /expected a property name or a literal, found the end/],
    ['name', 0, /is string, not boolean/],
    ["name = 'a' AND", 14, /found the end/],
    ["(name = 'a'", 11, /expected "\)"/],
    ['pop = 1 pop', 8, /after a complete expression/],
    ["bogus = 'a'", 0, /unknown property "bogus"/],
    ["pop = 'a'", 4, /compares number with string/],
    ['S_INTERSECTS(geom, POINT(90 180))', 19, /outside longitude/],
    ['S_INTERSECTS(geom, POLYGON((0 0, 1 0, 1 1, 0 2)))', 27, /end where it starts/],
    ['S_INTERSECTS(geom, LINESTRING(0 0))', 29, /at least 2 positions/],
    ['S_INTERSECTS(pop, BBOX(0,0,1,1))', 13, /not a geometry/],
    ['T_AFTER(name, DATE(\'2022-01-01\'))', 8, /not a date or date-time/],
    ["DATE('2022-02-30') = \"day\"", 0, /calendar date/],
    ['FOO(name)', 0, /unknown function FOO/],
    ['S_INTERSECTS(geom, BBOX(0,0,1))', 19, /BBOX takes 4 or 6/],
    ['name = @', 7, /unexpected character/],
    ["ACCENTI(name) = ACCENTI('é')", 0, /not supported/],
    ['pop + 1 = 2', 4, /after a complete expression|expected a comparison/],
  ])('%s → offset %i', (text, position, message) => {
    const e = errorOf(() => compile(text));
    expect(e.position).toBe(position);
    expect(e.message).toMatch(message);
  });

  it.each([
    ['{"op":"=","args":[{"property":"name"}]}', '/args', /takes 2 arguments/],
    ['{"op":"and","args":[true,{"op":"foo","args":[]}]}', '/args/1/op', /unknown or non-boolean operator/],
    ['{"op":"=","args":[{"property":"nope"},1]}', '/args/0', /unknown property/],
    ['{"op":"s_intersects","args":[{"property":"geom"},{"type":"Point","coordinates":[1]}]}', '/args/1/coordinates', /2 or 3 numbers/],
    ['{"op":"=","args":[{"property":"day"},{"date":"2022-13-01"}]}', '/args/1/date', /calendar date/],
  ])('JSON %s → %s', (text, pointer, message) => {
    const e = errorOf(() => compileFilter(parseCql2Json(text), { queryables: Q, firstParam: 1, storageSrid: 4490 }));
    expect(e.position).toBe(pointer);
    expect(e.message).toMatch(message);
  });
});
