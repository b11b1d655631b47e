/**
 * OGC API – Features Part 3 / CQL2 against the official CQL2 test data, over HTTP on the real
 * server: every one of the 139 predicates of the CQL2 abstract test suite
 * (shared/ogc-cql2-testdata/expected-counts.tsv) must select exactly the expected number of
 * features. Then CQL2 JSON, filter-crs, queryables and errors with positions on the same data.
 * Fails (never skips) without PostGIS, ogr2ogr or the shared data.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';
import { cql2Catalog, expectedCounts, loadCql2TestData } from './support/cql2-testdata.ts';

let platform: TestPlatform;
let base: string;

beforeAll(async () => {
  platform = await startTestPlatform({}, { catalog: cql2Catalog(), prepare: loadCql2TestData });
  base = platform.baseUrl;
});
afterAll(async () => {
  await platform?.close();
});

interface Page {
  numberMatched: number;
  numberReturned: number;
  features: { id: number; properties: Record<string, unknown>; geometry: { coordinates: unknown } }[];
  links: { rel: string; href: string }[];
}
interface Problem {
  code: string;
  status: number;
  description: string;
  position?: number | string;
}

async function items(collection: string, params: Record<string, string>) {
  const res = await fetch(`${base}/collections/${collection}/items?${new URLSearchParams(params)}`);
  return { status: res.status, body: (await res.json()) as Page & Problem };
}

const ROWS = expectedCounts();

describe('the 139 predicates of the CQL2 abstract test suite', () => {
  it('has all 139 rows', () => expect(ROWS).toHaveLength(139));

  it.each(ROWS.map((r) => [r.conformanceClass, r.collection, r.predicate, r.count] as const))('%s · %s · %s → %i', async (_cls, collection, predicate, count) => {
    const { status, body } = await items(collection, { filter: predicate, limit: '1' });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.numberMatched).toBe(count);
    expect(body.numberReturned).toBe(Math.min(1, count));
  });
});

describe('CQL2 JSON gives the same answers', () => {
  const cases: [string, unknown, number][] = [
    ['ne_110m_admin_0_countries', { op: '=', args: [{ property: 'NAME' }, 'Luxembourg'] }, 1],
    ['ne_110m_admin_0_countries', { op: '>=', args: [{ property: 'NAME' }, 'Luxembourg'] }, 84],
    ['ne_110m_populated_places_simple', { op: 'not', args: [{ op: 'isNull', args: [{ property: 'name' }] }] }, 243],
    ['ne_110m_populated_places_simple', { op: 'like', args: [{ property: 'name' }, 'B_r%'] }, 3],
    ['ne_110m_populated_places_simple', { op: 'between', args: [{ property: 'pop_other' }, 1000000, 3000000] }, 75],
    ['ne_110m_populated_places_simple', { op: 'in', args: [{ property: 'name' }, ['Kiev', 'kobenhavn', 'Berlin', 'athens', 'foo']] }, 2],
    ['ne_110m_populated_places_simple', { op: '=', args: [{ property: 'date' }, { date: '2022-04-16' }] }, 1],
    ['ne_110m_populated_places_simple', { op: '>', args: [{ property: 'start' }, { timestamp: '2022-04-16T10:13:19Z' }] }, 1],
    ['ne_110m_admin_0_countries', { op: 's_intersects', args: [{ property: 'geom' }, { bbox: [150, -90, -150, 90] }] }, 10],
    ['ne_110m_admin_0_countries', { op: 's_intersects', args: [{ property: 'geom' }, { type: 'Point', coordinates: [7.02, 49.92] }] }, 1],
    [
      'ne_110m_admin_0_countries',
      {
        op: 'and',
        args: [
          { op: 's_intersects', args: [{ property: 'geom' }, { bbox: [0, 40, 10, 50] }] },
          { op: 'not', args: [{ op: 's_intersects', args: [{ property: 'geom' }, { bbox: [5, 50, 10, 60] }] }] },
        ],
      },
      5,
    ],
    ['ne_110m_populated_places_simple', { op: 't_intersects', args: [{ interval: [{ property: 'start' }, { property: 'end' }] }, { interval: ['2022-04-16T10:13:19Z', '2022-04-16T10:15:09Z'] }] }, 2],
    ['ne_110m_populated_places_simple', { op: 't_after', args: [{ interval: [{ property: 'start' }, { property: 'end' }] }, { interval: ['..', '2022-04-16T10:13:19Z'] }] }, 1],
    ['ne_110m_populated_places_simple', true, 243],
    ['ne_110m_populated_places_simple', false, 0],
    ['ne_110m_populated_places_simple', { op: '=', args: [{ op: 'casei', args: [{ property: 'name' }] }, { op: 'casei', args: ['BERLIN'] }] }, 1],
  ];
  it.each(cases)('%s %j → %i', async (collection, filter, count) => {
    const { status, body } = await items(collection, { filter: JSON.stringify(filter), 'filter-lang': 'cql2-json', limit: '1' });
    expect(status, JSON.stringify(body)).toBe(200);
    expect(body.numberMatched).toBe(count);
  });
});

describe('case-insensitive comparison, NULL logic, combination with bbox', () => {
  it('CASEI matches regardless of case', async () => {
    expect((await items('ne_110m_populated_places_simple', { filter: "CASEI(name) IN (CASEI('kiev'), CASEI('BERLIN'), CASEI('athens'))" })).body.numberMatched).toBe(3);
    expect((await items('ne_110m_populated_places_simple', { filter: "CASEI(name) LIKE CASEI('b_R%')" })).body.numberMatched).toBe(3);
  });

  it('is three-valued: NOT of a comparison with NULL stays unknown', async () => {
    // 240 places have no date: neither "date" = … nor NOT ("date" = …) selects them.
    const eq = (await items('ne_110m_populated_places_simple', { filter: `"date"=DATE('2022-04-16')` })).body.numberMatched;
    const ne = (await items('ne_110m_populated_places_simple', { filter: `NOT ("date"=DATE('2022-04-16'))` })).body.numberMatched;
    expect([eq, ne]).toEqual([1, 2]);
  });

  it('ANDs filter with bbox', async () => {
    const { body } = await items('ne_110m_admin_0_countries', { filter: "CONTINENT='Europe'", bbox: '0,40,10,50' });
    const both = (await items('ne_110m_admin_0_countries', { filter: "CONTINENT='Europe' AND S_INTERSECTS(geom,BBOX(0,40,10,50))" })).body.numberMatched;
    expect(body.numberMatched).toBe(both);
    expect(both).toBeGreaterThan(3);
  });

  it('keeps the filter in next links', async () => {
    const { body } = await items('ne_110m_admin_0_countries', { filter: "CONTINENT='Africa'", limit: '5' });
    const next = body.links.find((l) => l.rel === 'next')!;
    expect(next.href.startsWith(`${base}/collections/ne_110m_admin_0_countries/items?filter=`)).toBe(true);
    const page2 = (await (await fetch(next.href)).json()) as Page;
    expect(page2.numberMatched).toBe(body.numberMatched);
    expect(page2.features.every((f) => f.properties['continent'] === 'Africa')).toBe(true);
  });
});

describe('filter-crs', () => {
  it('reads EPSG:4326 literals latitude first', async () => {
    const { body } = await items('ne_110m_admin_0_countries', { filter: 'S_INTERSECTS(geom,POINT(49.92 7.02))', 'filter-crs': 'http://www.opengis.net/def/crs/EPSG/0/4326' });
    expect(body.numberMatched).toBe(1);
    const bbox = await items('ne_110m_admin_0_countries', { filter: 'S_INTERSECTS(geom,BBOX(40,0,50,10))', 'filter-crs': 'http://www.opengis.net/def/crs/EPSG/0/4326' });
    expect(bbox.body.numberMatched).toBe(8);
  });

  it('transforms EPSG:3857 literals to storage', async () => {
    // BBOX(0,40,10,50) in Web Mercator metres.
    const { body } = await items('ne_110m_admin_0_countries', {
      filter: 'S_INTERSECTS(geom,BBOX(0,4865942.28,1113194.91,6446275.84))',
      'filter-crs': 'http://www.opengis.net/def/crs/EPSG/0/3857',
    });
    expect(body.numberMatched).toBe(8);
  });
});

describe('queryables', () => {
  it('publishes a JSON Schema with every property, the geometry, and additionalProperties false', async () => {
    const res = await fetch(`${base}/collections/ne_110m_populated_places_simple/queryables`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/schema\+json/);
    const doc = (await res.json()) as { $schema: string; $id: string; type: string; additionalProperties: boolean; properties: Record<string, { type?: string; format?: string }> };
    expect(doc.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(doc.$id).toBe(`${base}/collections/ne_110m_populated_places_simple/queryables`);
    expect(doc.additionalProperties).toBe(false);
    expect(doc.properties['geom']).toEqual(expect.objectContaining({ format: 'geometry-point' }));
    expect(doc.properties['geom']).not.toHaveProperty('type');
    expect(doc.properties['date']).toEqual(expect.objectContaining({ type: 'string', format: 'date' }));
    expect(doc.properties['start']).toEqual(expect.objectContaining({ type: 'string', format: 'date-time' }));
    expect(doc.properties['pop_other']).toEqual(expect.objectContaining({ type: 'integer' }));
    expect(doc.properties['boolean']).toEqual(expect.objectContaining({ type: 'boolean' }));
    const collection = (await (await fetch(`${base}/collections/ne_110m_populated_places_simple`)).json()) as { links: { rel: string; href: string; type: string }[] };
    expect(collection.links.find((l) => l.rel === 'http://www.opengis.net/def/rel/ogc/1.0/queryables')).toEqual(
      expect.objectContaining({ href: doc.$id, type: 'application/schema+json' }),
    );
  });
});

describe('invalid filters: 400 with the position of the error', () => {
  it.each([
    ["NAME='Luxembourg", 5, /unterminated string/],
    ['NAME = ', 7, /expected a property name or a literal/],
    ["NAME == 'x'", 6, /expected a property name or a literal/],
    ["nosuch = 'x'", 0, /unknown property "nosuch"/],
    ['POP_EST > 1 AND', 15, /expected a property name or a literal/],
    ["S_INTERSECTS(geom, POINT(90 180))", 19, /outside longitude/],
    ["NAME = 5", 5, /compares string with number/],
    ["S_FOO(geom, POINT(1 2))", 0, /unknown function/],
    ["(NAME = 'x'", 11, /expected "\)"/],
    ["NAME = 'x' 'y'", 11, /after a complete expression/],
    ["DATE('2022-02-30') = \"NAME\"", 0, /calendar date/],
    ['NAME # 1', 5, /unexpected character/],
  ] as const)('%s → position %i', async (filter, position, message) => {
    const { status, body } = await items('ne_110m_admin_0_countries', { filter });
    expect(status).toBe(400);
    expect(body.code).toBe('InvalidParameterValue');
    expect(body.position).toBe(position);
    expect(body.description).toMatch(message);
    expect(body.description).toContain(`at character ${position + 1}`);
  });

  it('names a JSON Pointer for CQL2 JSON', async () => {
    const { status, body } = await items('ne_110m_admin_0_countries', {
      filter: JSON.stringify({ op: 'and', args: [{ op: '=', args: [{ property: 'NAME' }, 'x'] }, { op: '=', args: [{ property: 'nosuch' }, 1] }] }),
      'filter-lang': 'cql2-json',
    });
    expect(status).toBe(400);
    expect(body.position).toBe('/args/1/args/0');
    const bad = await items('ne_110m_admin_0_countries', { filter: '{"op":"=","args":[', 'filter-lang': 'cql2-json' });
    expect(bad.status).toBe(400);
    expect(bad.body.description).toMatch(/not valid JSON/);
  });

  it.each([
    [{ filter: 'TRUE', 'filter-lang': 'cql-json' }, 'filter-lang'],
    [{ filter: 'TRUE', 'filter-crs': 'EPSG:9999' }, 'filter-crs'],
    [{ 'filter-lang': 'cql2-text' }, 'filter-lang'],
  ])('%j → 400 naming %s', async (params, parameter) => {
    const { status, body } = await items('ne_110m_admin_0_countries', params as Record<string, string>);
    expect(status).toBe(400);
    expect(body.description).toContain(parameter);
  });
});
