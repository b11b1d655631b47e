/**
 * OWSLib (Debian python3-owslib, a client we did not write) reads our OGC API – Features:
 * landing page, conformance, API definition, collections, items with bbox, and single items.
 * It runs under the system python (/usr/bin/python3): a pyenv python on PATH cannot see it.
 * A missing python3 or OWSLib fails these tests; it never skips them.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '@onemap/geodata/catalog';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

const PYTHON = '/usr/bin/python3';

let platform: TestPlatform;
let db: pg.Client;

beforeAll(async () => {
  platform = await startTestPlatform();
  db = new pg.Client({ connectionString: platform.databaseUrl });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await platform?.close();
});

const run = promisify(execFile);

/**
 * Runs a Python snippet with `w = Features(base)` already made and returns what it prints as
 * JSON (`emit(obj)`). Arguments arrive as `ARGS`. Asynchronous on purpose: the server under
 * test runs in this process, so a synchronous spawn would deadlock.
 */
async function owslib<T = Record<string, unknown>>(body: string, args: unknown = null): Promise<T> {
  const script = [
    'import json, sys',
    'from owslib.ogcapi.features import Features',
    'ARGS = json.loads(sys.argv[2])',
    'w = Features(sys.argv[1])',
    'def emit(obj): print(json.dumps(obj))',
    body,
  ].join('\n');
  try {
    const { stdout } = await run(PYTHON, ['-c', script, platform.baseUrl, JSON.stringify(args)], {
      encoding: 'utf8',
      timeout: 120_000,
      maxBuffer: 256 * 1024 * 1024,
      env: { ...process.env, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' },
    });
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as T;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string; code?: unknown };
    if (e.code === 'ENOENT') throw new Error(`${PYTHON} is missing`, { cause: err });
    throw new Error(`OWSLib script failed (${String(e.code)}; is python3-owslib installed for ${PYTHON}?):\n${e.stderr ?? e.message}`, { cause: err });
  }
}

async function dbCount(layer: string, where = 'true', values: unknown[] = []): Promise<number> {
  const s = catalog.layers.find((l) => l.id === layer)!;
  const time = s.temporal === 'versioned' ? 'upper_inf(valid)' : 'true';
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int n FROM ${s.table.schema}.${s.table.name} WHERE ${time} AND ${where}`, values);
  return rows[0]!.n;
}

describe('OWSLib owslib.ogcapi.features', () => {
  it('reads the landing page, conformance and the OpenAPI definition', async () => {
    const out = await owslib(`emit({'links': [l['rel'] for l in w.links], 'conformsTo': w.conformance()['conformsTo'], 'openapi': w.api()['openapi']})`);
    expect(out.links).toEqual(expect.arrayContaining(['self', 'service-desc', 'conformance', 'data']));
    expect(out.conformsTo).toContain('http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core');
    expect(out.openapi).toMatch(/^3\.0\./);
  });

  it('lists every catalogued layer as a feature collection', async () => {
    const ids = await owslib<string[]>('emit(w.feature_collections())');
    // Anonymous clients see the public layers only (classification: security.test.ts).
    expect([...ids].sort()).toEqual(catalog.layers.filter((l) => l.classification === 'public').map((l) => l.id).sort());
    const one = await owslib(`emit(w.collection('rivers'))`);
    expect(one.id).toBe('rivers');
  });

  it.each(['districts', 'rivers', 'place_names'])('reads all items of %s; the count matches the database', async (layer) => {
    const expected = await dbCount(layer);
    const out = await owslib(
      `r = w.collection_items(ARGS['id'], limit=10000)
emit({'numberMatched': r['numberMatched'], 'numberReturned': r['numberReturned'], 'n': len(r['features']), 'ids': len(set(str(f['id']) for f in r['features']))})`,
      { id: layer },
    );
    expect(expected).toBeLessThanOrEqual(10_000);
    expect(out).toEqual({ numberMatched: expected, numberReturned: expected, n: expected, ids: expected });
  });

  it('pages with limit and offset the way OWSLib passes them', async () => {
    const expected = await dbCount('place_names');
    const out = await owslib<{ ids: string[] }>(
      `ids = []
offset = 0
while True:
    r = w.collection_items('place_names', limit=250, offset=offset)
    ids += [str(f['id']) for f in r['features']]
    if not any(l['rel'] == 'next' for l in r['links']):
        break
    offset += 250
emit({'ids': ids})`,
    );
    expect(out.ids.length).toBe(expected);
    expect(new Set(out.ids).size).toBe(expected);
  });

  it('filters with CQL2 text through the filter= keyword, and reads the queryables', async () => {
    const expected = await dbCount('place_names', "class = 'village' AND name LIKE '%村'");
    const out = await owslib<{ numberMatched: number; n: number; q: string[] }>(
      `r = w.collection_items('place_names', limit=10000, filter="class='village' AND name LIKE '%村'")
q = w.collection_queryables('place_names')
emit({'numberMatched': r['numberMatched'], 'n': len(r['features']), 'q': sorted(q['properties'].keys())})`,
    );
    expect(out.numberMatched).toBe(expected);
    expect(out.n).toBe(expected);
    expect(out.q).toEqual(['adcode', 'class', 'geom', 'name', 'rank']);
  });

  it('filters by bbox like PostGIS, and fetches one item', async () => {
    const { rows } = await db.query<{ x: number; y: number }>('SELECT ST_X(geom) x, ST_Y(geom) y FROM base.place_names ORDER BY id LIMIT 1');
    const { x, y } = rows[0]!;
    const box = [x - 0.2, y - 0.2, x + 0.2, y + 0.2];
    const expected = await dbCount('place_names', 'ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4490))', box);
    const out = await owslib(`r = w.collection_items('place_names', bbox=ARGS, limit=10000)
emit({'numberMatched': r['numberMatched'], 'n': len(r['features'])})`, box);
    expect(out).toEqual({ numberMatched: expected, n: expected });

    const { rows: d } = await db.query<{ adcode: string; name: string }>('SELECT adcode, name FROM base.districts ORDER BY adcode LIMIT 1');
    const item = await owslib(`emit(w.collection_item('districts', ARGS))`, d[0]!.adcode);
    expect(item).toMatchObject({ type: 'Feature', id: d[0]!.adcode, properties: { name: d[0]!.name } });
  });
});
