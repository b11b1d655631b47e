/**
 * "As of" on versioned layers, on the real server and PostGIS with the full Taizhou sample:
 * an edit made the platform's way (close the old version, insert the new one) must leave the
 * old state readable with `datetime` and the new one served without it.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

let platform: TestPlatform;
let db: pg.Client;
let base: string;

beforeAll(async () => {
  platform = await startTestPlatform();
  base = platform.baseUrl;
  db = new pg.Client({ connectionString: platform.databaseUrl });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await platform?.close();
});

interface Link {
  href: string;
  rel: string;
  type: string;
}
interface Feature {
  id: string | number;
  properties: Record<string, unknown>;
  links?: Link[];
}
interface Page {
  numberMatched: number;
  links: Link[];
  features: Feature[];
}

async function get<T>(path: string) {
  const res = await fetch(`${base}${path}`);
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: (await res.json()) as T };
}

async function scalar(sql: string, values: unknown[] = []): Promise<number> {
  const { rows } = await db.query<{ n: string | number }>(sql, values);
  return Number(rows[0]!.n);
}

const link = (links: readonly Link[], rel: string) => links.find((l) => l.rel === rel);

describe('versions: datetime means "as of" on versioned layers', () => {
  let fid: number;
  let before: { name: string | null; floors: number };
  let asOf: string; // an instant while the old version was valid
  let changedAt: Date;
  let box: string;

  beforeAll(async () => {
    const { rows } = await db.query<{ fid: number; name: string | null; floors: number; lower: Date | null; x: number; y: number }>(
      `SELECT fid, name, floors, lower(valid) AS lower, ST_X(ST_PointOnSurface(geom)) x, ST_Y(ST_PointOnSurface(geom)) y
         FROM base.buildings WHERE upper_inf(valid) AND floors < 100 ORDER BY fid DESC LIMIT 1`,
    );
    const r = rows[0]!;
    fid = r.fid;
    before = { name: r.name, floors: r.floors };
    box = [r.x - 0.001, r.y - 0.001, r.x + 0.001, r.y + 0.001].join(',');
    changedAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    const since = r.lower ? r.lower.getTime() : changedAt.getTime() - 86_400_000 * 365;
    expect(since).toBeLessThan(changedAt.getTime());
    asOf = new Date(Math.floor((since + changedAt.getTime()) / 2000) * 1000).toISOString().replace('.000Z', 'Z');
    // An edit as the platform makes it: close the old version, insert the new one, one transaction.
    await db.query('BEGIN');
    await db.query(`UPDATE base.buildings SET valid = tstzrange(lower(valid), $2) WHERE fid = $1 AND upper_inf(valid)`, [fid, changedAt]);
    await db.query(
      `INSERT INTO base.buildings (fid, valid, name, use, floors, height_m, year_built, district_adcode, geom, changed_by, change_note)
       SELECT fid, tstzrange($2, NULL), 'Renamed "楼" O''Neil', use, floors + 1, height_m, year_built, district_adcode, geom, 'test', 'as-of test'
         FROM base.buildings WHERE fid = $1 AND upper(valid) = $2`,
      [fid, changedAt],
    );
    await db.query('COMMIT');
    expect(await scalar('SELECT count(*) n FROM base.buildings WHERE fid = $1', [fid])).toBeGreaterThanOrEqual(2);
  });

  it('without datetime, serves the current version', async () => {
    const one = (await get<Feature>(`/collections/buildings/items/${fid}`)).body;
    expect(one.properties).toMatchObject({ name: 'Renamed "楼" O\'Neil', floors: before.floors + 1 });
    const page = (await get<Page>(`/collections/buildings/items?bbox=${box}&limit=1000`)).body;
    const mine = page.features.filter((f) => f.id === fid);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.properties['floors']).toBe(before.floors + 1);
  });

  it('with an instant, serves the version valid then (items and single feature)', async () => {
    const one = await get<Feature>(`/collections/buildings/items/${fid}?datetime=${asOf}`);
    expect(one.status).toBe(200);
    expect(one.body.properties).toMatchObject({ name: before.name, floors: before.floors });
    expect(link(one.body.links!, 'self')?.href).toBe(`${base}/collections/buildings/items/${fid}?datetime=${asOf}`);

    const page = (await get<Page>(`/collections/buildings/items?bbox=${box}&datetime=${asOf}&limit=1000`)).body;
    const mine = page.features.filter((f) => f.id === fid);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.properties).toMatchObject({ name: before.name, floors: before.floors });

    const expected = await scalar('SELECT count(*) n FROM base.buildings WHERE valid @> $1::timestamptz', [asOf]);
    const all = (await get<Page>(`/collections/buildings/items?datetime=${asOf}&limit=1`)).body;
    expect(all.numberMatched).toBe(expected);
    expect(link(all.links, 'next')?.href).toContain(`datetime=${asOf}&`);
  });

  it('with an instant in +08:00, keeps the + encoded in links', async () => {
    const local = new Date(Date.parse(asOf) + 8 * 3_600_000).toISOString().replace('.000Z', '+08:00');
    const { status, body } = await get<Page>(`/collections/buildings/items?bbox=${box}&datetime=${encodeURIComponent(local)}`);
    expect(status).toBe(200);
    expect(body.features.find((f) => f.id === fid)?.properties['floors']).toBe(before.floors);
    expect(link(body.links, 'self')?.href).toContain('datetime=' + local.replace('+', '%2B'));
  });

  it('with an interval, serves every version valid during it', async () => {
    const interval = `${asOf}/..`;
    const page = (await get<Page>(`/collections/buildings/items?bbox=${box}&datetime=${encodeURIComponent(interval)}&limit=1000`)).body;
    const mine = page.features.filter((f) => f.id === fid).map((f) => f.properties['floors']);
    expect(mine).toEqual([before.floors, before.floors + 1]);
    const expected = await scalar(`SELECT count(*) n FROM base.buildings WHERE valid && tstzrange($1::timestamptz, NULL, '[]')`, [asOf]);
    expect((await get<Page>(`/collections/buildings/items?datetime=${encodeURIComponent(interval)}&limit=1`)).body.numberMatched).toBe(expected);
  });

  it('before the first version, has nothing; the single feature is 404', async () => {
    const first = await scalar(`SELECT extract(epoch FROM min(lower(valid))) * 1000 n FROM base.buildings`);
    const early = new Date(first - 86_400_000).toISOString();
    expect((await get<Page>(`/collections/buildings/items?datetime=${early}`)).body.numberMatched).toBe(0);
    const gone = await get(`/collections/buildings/items/${fid}?datetime=${early}`);
    expect(gone.status).toBe(404);
    expect(gone.type).toMatch(/^application\/problem\+json/);
  });
});
