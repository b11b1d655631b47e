/**
 * The official OGC CQL2 test data (shared/ogc-cql2-testdata, see its README): loaded with
 * ogr2ogr into schema `cql2test` of a test database, adapted to the platform's storage
 * conventions (CGCS2000 SRID 4490, which coincides numerically with the data's WGS 84, and a
 * generated `geom_3857`), and described as catalogue layers so the real server serves them.
 * A missing ogr2ogr or data folder fails the suite; nothing here skips.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import type { Catalog, GeometryType, LayerSpec, PropertyType } from '@onemap/geodata/catalog';

/** `../shared` beside the repository (CI lays a copy there too). */
export const CQL2_DATA_DIR = fileURLToPath(new URL('../../../../shared/ogc-cql2-testdata/', import.meta.url));

export const CQL2_LAYERS: readonly { readonly id: string; readonly geometryType: GeometryType }[] = [
  { id: 'ne_110m_admin_0_countries', geometryType: 'MultiPolygon' },
  { id: 'ne_110m_populated_places_simple', geometryType: 'Point' },
  { id: 'ne_110m_rivers_lake_centerlines', geometryType: 'LineString' },
];

export interface ExpectedCount {
  readonly conformanceClass: string;
  readonly collection: string;
  readonly predicate: string;
  readonly count: number;
}

function need(file: string): string {
  const path = `${CQL2_DATA_DIR}${file}`;
  if (!existsSync(path)) throw new Error(`CQL2 test data missing: ${path} (the shared folder must sit beside the repository)`);
  return path;
}

/** The 139 rows of expected-counts.tsv. */
export function expectedCounts(): ExpectedCount[] {
  const [, ...rows] = readFileSync(need('expected-counts.tsv'), 'utf8').trim().split('\n');
  return rows.map((line) => {
    const [conformanceClass, collection, predicate, count] = line.split('\t');
    return { conformanceClass: conformanceClass!, collection: collection!, predicate: predicate!, count: Number(count) };
  });
}

interface QueryablesFile {
  properties: Record<string, { type?: string; format?: string; title?: string }>;
}

/**
 * Catalogue layers from the upstream queryables files. GDAL's PostgreSQL driver launders
 * column names to lower case (`NAME` → `name`); filters may still say `NAME` (see compileFilter).
 */
export function cql2Catalog(): Catalog {
  const owner = { code: 'ogc', title: { zh: 'OGC 测试数据', en: 'OGC test data' } };
  const layers = CQL2_LAYERS.map(({ id, geometryType }): LayerSpec => {
    const q = JSON.parse(readFileSync(need(`${id}.queryables.json`), 'utf8')) as QueryablesFile;
    const properties = Object.entries(q.properties)
      .filter(([name]) => name !== 'geom')
      .map(([name, p]) => {
        const type: PropertyType = p.format === 'date' ? 'date' : p.format === 'date-time' ? 'datetime' : (p.type as PropertyType);
        return { name: name.toLowerCase(), type, title: { zh: name, en: name } };
      });
    return {
      id,
      title: { zh: id, en: id },
      description: { zh: 'OGC CQL2 测试数据 (Natural Earth 1:110m)', en: 'OGC CQL2 test data (Natural Earth 1:110m)' },
      group: 'ogc',
      owner,
      classification: 'public',
      temporal: 'static',
      table: { schema: 'cql2test', name: id, idColumn: 'fid', geometryColumn: 'geom', tileGeometryColumn: 'geom_3857', geometryType, srid: 4490 },
      properties,
      zoom: { min: 0, max: 6 },
      style: { stroke: '#333333' },
      drawOrder: 1,
      visibleByDefault: false,
      editable: false,
    };
  });
  return { title: { zh: 'OGC CQL2 测试数据', en: 'OGC CQL2 test data' }, groups: [{ id: 'ogc', title: { zh: 'OGC', en: 'OGC' }, order: 1 }], layers };
}

const run = promisify(execFile);

/** libpq key=value connection string for GDAL's `PG:` (it does not read postgres:// URLs). */
function gdalPg(url: string): string {
  const u = new URL(url);
  return `PG:host=${u.hostname} port=${u.port || 5432} dbname=${u.pathname.slice(1)} user=${decodeURIComponent(u.username)}${u.password ? ` password=${decodeURIComponent(u.password)}` : ''}`;
}

/**
 * ogr2ogr the GeoPackage into `cql2test`, then SRID 4490 (same numbers) and a generated
 * `geom_3857` clipped to the Mercator latitude range (Antarctica reaches −90°).
 */
export async function loadCql2TestData(databaseUrl: string): Promise<void> {
  const gpkg = need('ne110m4cql2.gpkg');
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    await db.query('CREATE SCHEMA cql2test');
    try {
      await run('ogr2ogr', ['-f', 'PostgreSQL', gdalPg(databaseUrl), gpkg, '-lco', 'SCHEMA=cql2test', '-lco', 'GEOMETRY_NAME=geom', '-lco', 'FID=fid'], { timeout: 120_000 });
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { stderr?: string };
      if (e.code === 'ENOENT') throw new Error('ogr2ogr is missing: install Debian gdal-bin', { cause: err });
      throw new Error(`ogr2ogr failed: ${e.stderr ?? e.message}`, { cause: err });
    }
    for (const { id, geometryType } of CQL2_LAYERS) {
      const t = `cql2test.${id}`;
      await db.query(`ALTER TABLE ${t} ALTER COLUMN geom TYPE geometry(${geometryType}, 4490) USING ST_SetSRID(geom, 4490)`);
      await db.query(
        `ALTER TABLE ${t} ADD COLUMN geom_3857 geometry(Geometry, 3857)
           GENERATED ALWAYS AS (ST_Transform(ST_ClipByBox2D(geom, ST_MakeEnvelope(-180, -85.05, 180, 85.05, 4490)), 3857)) STORED`,
      );
    }
  } finally {
    await db.end();
  }
}
