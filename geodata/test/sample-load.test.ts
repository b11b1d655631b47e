/**
 * loadSample on a real PostGIS: a fresh database (never skipped: no database is a failure),
 * migrated, loaded with a scale-0.05 sample, then checked in SQL — counts, validity, the district
 * partition, measures, versions, the ledger — and a load that fails midway must leave the
 * previous data exactly as it was.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { migrate, projectMigrations } from '@onemap/migrations';
import { createTestDatabase, type TestDatabase } from '../../scripts/test/test-db.ts';
import { generateSample, type SampleDataset } from '../src/sample/index.ts';
import { loadSample, sampleIsLoaded, type LoadReport } from '../src/load/index.ts';

const ADMIN_URL = inject('adminUrl') ?? process.env['ONEMAP_TEST_ADMIN_URL'] ?? 'postgres://postgres@127.0.0.1:54339/postgres';
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const TABLE_ROWS: Record<string, (d: SampleDataset) => number> = {
  districts: (d) => d.districts.length,
  towns: (d) => d.towns.length,
  coastline: (d) => d.coastline.length,
  water_areas: (d) => d.waterAreas.length,
  rivers: (d) => d.rivers.length,
  place_names: (d) => d.placeNames.length,
  roads: (d) => d.roads.length,
  buildings: (d) => d.buildings.length,
  land_cover: (d) => d.landCover.length,
};

let db: TestDatabase;
let client: pg.Client;
let dataset: SampleDataset;

async function one<T>(sql: string, params: unknown[] = []): Promise<T> {
  const { rows } = await client.query(sql, params);
  return Object.values(rows[0] as Record<string, unknown>)[0] as T;
}

async function tableCounts(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const t of Object.keys(TABLE_ROWS)) counts[t] = Number(await one<string>(`SELECT count(*) FROM base.${t}`));
  return counts;
}

beforeAll(async () => {
  db = await createTestDatabase(ADMIN_URL, undefined, 'onemap_geodata');
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await migrate(client, projectMigrations());
  dataset = generateSample({ scale: 0.05 });
}, 240_000);

afterAll(async () => {
  await client?.end();
  await db?.drop();
});

describe('loadSample into a fresh database', () => {
  let report: LoadReport;

  it('finds no sample before loading, then loads every table with the dataset row counts', async () => {
    expect(await sampleIsLoaded(client)).toBe(false);
    report = await loadSample(client, dataset);
    expect(await sampleIsLoaded(client)).toBe(true);
    const expected = Object.fromEntries(Object.entries(TABLE_ROWS).map(([t, n]) => [t, n(dataset)]));
    expect(await tableCounts()).toEqual(expected);
    expect(Object.fromEntries(report.tables.map((t) => [t.table.replace('base.', ''), t.rows]))).toEqual(expected);
  }, 120_000);

  it('stores only valid geometry in EPSG:4490', async () => {
    for (const t of Object.keys(TABLE_ROWS)) {
      expect(Number(await one(`SELECT count(*) FROM base.${t} WHERE NOT ST_IsValid(geom)`)), t).toBe(0);
      expect(await one(`SELECT array_agg(DISTINCT ST_SRID(geom)) FROM base.${t}`), t).toEqual([4490]);
    }
  });

  it('tiles the land with the districts (union area = sum of areas, no overlaps) and the districts with towns', async () => {
    const { rows } = await client.query<{ sum_m2: number; union_m2: number; overlap_m2: number }>(`
      SELECT (SELECT sum(ST_Area(geom::geography)) FROM base.districts) AS sum_m2,
             (SELECT ST_Area(ST_Union(geom)::geography) FROM base.districts) AS union_m2,
             (SELECT coalesce(sum(ST_Area(ST_Intersection(a.geom, b.geom)::geography)), 0)
                FROM base.districts a JOIN base.districts b ON a.adcode < b.adcode AND ST_Intersects(a.geom, b.geom)) AS overlap_m2`);
    const r = rows[0]!;
    expect(Math.abs(r.union_m2 - r.sum_m2) / r.sum_m2).toBeLessThan(1e-5);
    expect(r.overlap_m2).toBeLessThan(1_000);
    const townGap = await one<number>(`
      SELECT max(abs(d_m2 - t_m2) / d_m2) FROM (
        SELECT d.adcode, ST_Area(d.geom::geography) AS d_m2, sum(ST_Area(t.geom::geography)) AS t_m2
          FROM base.districts d JOIN base.towns t ON t.district_adcode = d.adcode GROUP BY d.adcode, d.geom) x`);
    expect(townGap).toBeLessThan(1e-4);
    const areaKm2Error = await one<number>(`SELECT max(abs(area_km2 - ST_Area(geom::geography) / 1e6) / area_km2) FROM base.districts`);
    expect(areaKm2Error).toBeLessThan(1e-4);
  });

  it('keeps buildings on land, out of the water and off the roads, inside the district they name, and apart', async () => {
    expect(Number(await one(`
      SELECT count(*) FROM base.buildings b JOIN base.districts d ON d.adcode = b.district_adcode
       WHERE NOT ST_Within(ST_PointOnSurface(b.geom), d.geom)`))).toBe(0);
    expect(Number(await one(`
      WITH land AS (SELECT ST_Union(geom) AS geom FROM base.districts)
      SELECT count(*) FROM base.buildings b, land WHERE NOT ST_Within(b.geom, land.geom)`))).toBe(0);
    expect(Number(await one(`
      SELECT count(*) FROM base.buildings b JOIN base.water_areas w ON ST_Intersects(b.geom, w.geom)
       WHERE ST_Area(ST_Intersection(b.geom, w.geom)) > 0`))).toBe(0);
    expect(Number(await one(`
      SELECT count(*) FROM base.buildings b JOIN base.roads r
        ON upper_inf(b.valid) AND upper_inf(r.valid) AND ST_Intersects(b.geom, r.geom)`))).toBe(0);
    const overlapping = Number(await one(`
      SELECT count(*) FROM base.buildings a JOIN base.buildings b
        ON a.gid < b.gid AND a.fid <> b.fid AND upper_inf(a.valid) AND upper_inf(b.valid) AND ST_Intersects(a.geom, b.geom)
       WHERE ST_Area(ST_Intersection(a.geom, b.geom)::geography) > 5`));
    expect(overlapping).toBe(0);
  });

  it('stores lengths and areas that match PostGIS geography measures', async () => {
    expect(await one<number>(`SELECT max(abs(length_km * 1000 - ST_Length(geom::geography)) / ST_Length(geom::geography)) FROM base.rivers`)).toBeLessThan(5e-4);
    expect(await one<number>(`SELECT max(abs(area_m2 - ST_Area(geom::geography))) FROM base.land_cover`)).toBeLessThan(50);
    expect(await one<number>(`SELECT sum(abs(area_m2 - ST_Area(geom::geography))) / sum(area_m2) FROM base.land_cover`)).toBeLessThan(1e-5);
  });

  it('versions features from 1 July (Asia/Shanghai) and moves the fid sequences past the loaded ids', async () => {
    expect(Number(await one(`SELECT count(*) FROM base.buildings WHERE lower(valid) <> make_timestamptz(year_built, 7, 1, 0, 0, 0, 'Asia/Shanghai')`))).toBe(0);
    expect(Number(await one(`SELECT count(*) FROM base.roads WHERE change_note IS NULL AND lower(valid) <> make_timestamptz(opened_year, 7, 1, 0, 0, 0, 'Asia/Shanghai')`))).toBe(0);
    expect(Number(await one(`SELECT count(*) FROM base.land_cover WHERE lower(valid) <> make_timestamptz(survey_year, 6, 30, 0, 0, 0, 'Asia/Shanghai')`))).toBe(0);
    for (const t of ['roads', 'buildings', 'land_cover']) {
      const max = Number(await one(`SELECT max(fid) FROM base.${t}`));
      expect(Number(await one(`SELECT nextval(pg_get_serial_sequence('base.${t}', 'fid'))`)), t).toBeGreaterThan(max);
    }
    // "As of" queries see history: fewer buildings stood in 2005 than stand now.
    const now = Number(await one(`SELECT count(*) FROM base.buildings WHERE upper_inf(valid)`));
    const then = Number(await one(`SELECT count(*) FROM base.buildings WHERE valid @> '2005-01-01T00:00:00+08'::timestamptz`));
    expect(now).toBe(dataset.buildings.filter((b) => b.validTo === null).length);
    expect(then).toBeLessThan(now);
  });

  it('rebuilds the secondary indexes it dropped for the COPY', async () => {
    const names = await one<string[]>(`SELECT array_agg(indexrelid::regclass::text ORDER BY 1) FROM pg_index WHERE indrelid = 'base.buildings'::regclass`);
    expect(names).toEqual(expect.arrayContaining(['base.buildings_geom_idx', 'base.buildings_geom_3857_idx', 'base.buildings_current_geom_idx', 'base.buildings_current_geom_3857_idx', 'base.buildings_current_fid_idx']));
  });

  it('records one catalog.dataset_loads row per layer', async () => {
    const { rows } = await client.query<{ layer_id: string; source: string; row_count: string }>(
      `SELECT layer_id, source, row_count FROM catalog.dataset_loads ORDER BY layer_id`,
    );
    expect(rows.map((r) => r.layer_id)).toEqual(['buildings', 'coastline', 'districts', 'land_cover', 'place_names', 'rivers', 'roads', 'towns', 'water_areas']);
    for (const r of rows) expect(r.source).toBe(report.source);
    expect(Number(rows.find((r) => r.layer_id === 'buildings')!.row_count)).toBe(dataset.buildings.length);
  });
});

describe('a load that fails midway', () => {
  async function fingerprint() {
    return {
      counts: await tableCounts(),
      buildingsFidSum: await one<string>(`SELECT sum(fid) FROM base.buildings`),
      districtsHash: await one<string>(`SELECT md5(string_agg(ST_AsEWKB(geom)::text, ',' ORDER BY adcode)) FROM base.districts`),
      ledger: await one<string>(`SELECT count(*) FROM catalog.dataset_loads`),
      indexes: await one<string[]>(`SELECT array_agg(indexrelid::regclass::text ORDER BY 1) FROM pg_index WHERE indrelid::regclass::text LIKE 'base.%'`),
    };
  }

  it('rolls back a bad row in the last table (land cover), leaving every table as it was', async () => {
    const before = await fingerprint();
    const other = generateSample({ seed: 7, scale: 0.02 });
    const bad: SampleDataset = { ...other, landCover: other.landCover.map((r, i) => (i === 5 ? { ...r, classCode: 'XX' } : r)) };
    await expect(loadSample(client, bad)).rejects.toThrow(/land_cover_class_code_check|check constraint/);
    expect(await fingerprint()).toEqual(before);
    expect(await sampleIsLoaded(client)).toBe(true);
  }, 120_000);

  it('rolls back a bad row in the middle (a building with 0 floors)', async () => {
    const before = await fingerprint();
    const bad: SampleDataset = { ...dataset, buildings: dataset.buildings.map((b, i) => (i === 100 ? { ...b, floors: 0 } : b)) };
    await expect(loadSample(client, bad)).rejects.toThrow(/check constraint/);
    expect(await fingerprint()).toEqual(before);
  }, 120_000);

  it('a later good load replaces the data and restarts the identities', async () => {
    const small = generateSample({ seed: 3, scale: 0.02 });
    await loadSample(client, small);
    expect((await tableCounts())['buildings']).toBe(small.buildings.length);
    expect(Number(await one(`SELECT min(gid) FROM base.buildings`))).toBe(1);
    expect(Number(await one(`SELECT min(id) FROM base.place_names`))).toBe(1);
  }, 120_000);
});

describe('onemap sample (CLI)', () => {
  const cli = (args: string[], env: Record<string, string | undefined>) =>
    spawnSync(process.execPath, ['--import', 'tsx', 'geodata/src/cli.ts', ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });

  it('--if-empty leaves a loaded database alone', () => {
    const r = cli(['sample', '--if-empty'], { DATABASE_URL: db.url });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/nothing to do/);
  }, 60_000);

  it('exits 2 with usage on bad arguments or without DATABASE_URL', () => {
    expect(cli(['sample', '--scale', 'big'], { DATABASE_URL: db.url }).status).toBe(2);
    expect(cli(['sample', '--frobnicate'], { DATABASE_URL: db.url }).status).toBe(2);
    const r = cli(['sample'], { DATABASE_URL: '' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/DATABASE_URL/);
  }, 60_000);
});
