/**
 * GDAL's OAPIF driver (Debian gdal-bin 3.6, a client we did not write) reads our OGC API –
 * Features: it lists the collections, reports the database's feature counts, follows our
 * `next` links, filters by bbox and fetches single features by id (standards.md §9).
 * A missing `ogrinfo` fails these tests; it never skips them.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '@onemap/geodata/catalog';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

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
 * Runs ogrinfo read-only; throws with its stderr when it fails or is missing. Asynchronous on
 * purpose: the server under test runs in this process, so a synchronous spawn would deadlock.
 */
async function ogrinfo(...args: string[]): Promise<string> {
  try {
    const { stdout } = await run('ogrinfo', ['-ro', ...args], {
      encoding: 'utf8',
      timeout: 180_000,
      maxBuffer: 512 * 1024 * 1024,
      // No proxy for loopback.
      env: { ...process.env, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' },
    });
    return stdout;
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string; code?: unknown };
    if (e.code === 'ENOENT') throw new Error('ogrinfo is missing: install Debian gdal-bin', { cause: err });
    throw new Error(`ogrinfo ${args.join(' ')} failed (${String(e.code)}):\n${e.stderr ?? e.message}`, { cause: err });
  }
}

async function dbCount(layer: string, where = 'true', values: unknown[] = []): Promise<number> {
  const s = catalog.layers.find((l) => l.id === layer)!;
  const time = s.temporal === 'versioned' ? 'upper_inf(valid)' : 'true';
  const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int n FROM ${s.table.schema}.${s.table.name} WHERE ${time} AND ${where}`, values);
  return rows[0]!.n;
}

const featureCount = (out: string) => Number(/^Feature Count: (\d+)$/m.exec(out)?.[1] ?? NaN);

describe('GDAL ogrinfo (OAPIF driver)', () => {
  it('is installed', async () => {
    expect(await ogrinfo('--version')).toMatch(/^GDAL \d+\.\d+/);
  });

  it('lists every collection of the service', async () => {
    // GDAL 3.6 takes the service root and fetches {root}/collections itself; given a URL that
    // already ends in /collections it would ask for /collections/collections.
    const out = await ogrinfo('-so', `OAPIF:${platform.baseUrl}`);
    const layers = [...out.matchAll(/^\d+: (\w+)/gm)].map((m) => m[1]);
    // Anonymous clients see the public layers only (classification: security.test.ts).
    expect([...layers].sort()).toEqual(catalog.layers.filter((l) => l.classification === 'public').map((l) => l.id).sort());
  });

  it.each(['districts', 'rivers', 'place_names', 'buildings'])('reports the database feature count and schema of %s', async (layer) => {
    const out = await ogrinfo('-so', `OAPIF:${platform.baseUrl}/collections/${layer}`, layer);
    expect(featureCount(out)).toBe(await dbCount(layer));
    const spec = catalog.layers.find((l) => l.id === layer)!;
    // GDAL builds the schema from the first page: every published property must be there.
    for (const p of spec.properties) expect(out).toMatch(new RegExp(`^${p.name}: `, 'm'));
    expect(out).toMatch(/Extent: \(12\d\.\d+, 2\d\.\d+\) - \(12\d\.\d+, 2\d\.\d+\)/);
  });

  it('reads every feature of a layer by following next links', async () => {
    // PAGE_SIZE 100: many pages, so a missing or wrong next link loses features.
    const out = await ogrinfo('-oo', 'PAGE_SIZE=100', '-q', `OAPIF:${platform.baseUrl}/collections/place_names`, 'place_names');
    const expected = await dbCount('place_names');
    expect(expected).toBeGreaterThan(100);
    const fids = [...out.matchAll(/^OGRFeature\(place_names\):(\d+)$/gm)].map((m) => Number(m[1]));
    expect(fids.length).toBe(expected);
    // integer ids become GDAL FIDs
    const { rows } = await db.query<{ id: number }>('SELECT id FROM base.place_names ORDER BY id');
    expect(fids).toEqual(rows.map((r) => r.id));
  });

  it('filters by bbox (-spat) exactly as PostGIS does', async () => {
    const { rows } = await db.query<{ x: number; y: number }>('SELECT ST_X(geom) x, ST_Y(geom) y FROM base.place_names ORDER BY id OFFSET (SELECT count(*) / 2 FROM base.place_names) LIMIT 1');
    const { x, y } = rows[0]!;
    const box = [x - 0.1, y - 0.1, x + 0.1, y + 0.1];
    const expected = await dbCount('place_names', 'ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4490))', box);
    expect(expected).toBeGreaterThan(0);
    const out = await ogrinfo('-oo', 'PAGE_SIZE=50', '-q', '-spat', ...box.map(String), `OAPIF:${platform.baseUrl}/collections/place_names`, 'place_names');
    expect([...out.matchAll(/^OGRFeature\(place_names\):\d+$/gm)].length).toBe(expected);
  });

  it('pushes -where to the server as a CQL2 filter (GDAL 3.6 sends it as filter-lang=cql-text)', async () => {
    const where = "class = 'town' AND rank <= 3";
    const expected = await dbCount('place_names', "class = 'town' AND rank <= 3");
    expect(expected).toBeGreaterThan(0);
    const { stdout, stderr } = await run('ogrinfo', ['-ro', '-q', '-oo', 'PAGE_SIZE=1000', '-where', where, `OAPIF:${platform.baseUrl}/collections/place_names`, 'place_names'], {
      encoding: 'utf8',
      timeout: 180_000,
      maxBuffer: 512 * 1024 * 1024,
      env: { ...process.env, CPL_DEBUG: 'ON', NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' },
    });
    expect([...stdout.matchAll(/^OGRFeature\(place_names\):\d+$/gm)].length).toBe(expected);
    // The filter went to the server (not evaluated client-side after reading everything).
    const fetched = [...stderr.matchAll(/Fetch\((\S+items\S*)\)/g)].map((m) => decodeURIComponent(m[1]!));
    const filtered = fetched.filter((u) => u.includes('filter='));
    expect(filtered.length, stderr.slice(-2000)).toBeGreaterThan(0);
    expect(filtered[0]).toMatch(/filter=\(?class = 'town'\)? AND \(?rank <= 3\)?&filter-lang=cql-text/);
    expect(stderr).not.toMatch(/Full filter will be evaluated on client side|Only part of the filter/);
  });

  it('fetches one feature by its integer id (-fid)', async () => {
    const { rows } = await db.query<{ id: number; name: string }>('SELECT id, name FROM base.rivers ORDER BY id DESC LIMIT 1');
    const r = rows[0]!;
    const out = await ogrinfo('-q', '-fid', String(r.id), `OAPIF:${platform.baseUrl}/collections/rivers`, 'rivers');
    expect(out).toContain(`OGRFeature(rivers):${r.id}`);
    expect(out).toContain(`name (String) = ${r.name}`);
    expect(out).toMatch(/MULTILINESTRING \(\(12\d\.\d+ 2\d\.\d+/);
  });
});
