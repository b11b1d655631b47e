/**
 * The SQL the raw-limit target runs: exactly the text our server prepares for the layer
 * (compileTileSql from @onemap/tiles over the catalogue), plus a frozen copy of the
 * ungeneralised shape so the z10 generalisation gain can be read against it once ours changes.
 */
import pg from 'pg';
import { catalog, type LayerSpec } from '@onemap/geodata/catalog';
import { compileTileSql } from '@onemap/tiles';

export const LAYER_ID = 'buildings';

export interface LayerSql {
  readonly spec: LayerSpec;
  /** Our server's statement for current rows at zoom z ($1..$3 = z, x, y). */
  oursAt(z: number): string;
  /** Which of the layer's statements oursAt(z) is, for the printout. */
  statementAt(z: number): 'overview' | 'current';
  /** The ungeneralised reference (Martin's shape on the 3857 column, as ours was before generalisation). */
  readonly naive: string;
}

/**
 * Frozen reference: the text compileTileSql produced for this layer before generalisation.
 * Deliberately not imported, so that it stays the baseline when the compiler changes.
 */
function naiveTileSql(spec: LayerSpec): string {
  const props = spec.properties.map((p) => `t."${p.name}"`).join(', ');
  return [
    `SELECT ST_AsMVT(mvt, '${spec.id}', 4096, 'geom', '${spec.table.idColumn}')`,
    'FROM (',
    `  SELECT ST_AsMVTGeom(t."${spec.table.tileGeometryColumn}", ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom, t."${spec.table.idColumn}", ${props}`,
    `  FROM "${spec.table.schema}"."${spec.table.name}" AS t`,
    `  WHERE t."${spec.table.tileGeometryColumn}" && ST_TileEnvelope($1, $2, $3, margin => 0.015625)`,
    `    AND upper_inf(t."valid")`,
    ') AS mvt',
    'WHERE mvt.geom IS NOT NULL',
  ].join('\n');
}

/** Asks the database whether the id column is an integer, as the server does at boot. */
export async function layerSql(databaseUrl: string): Promise<LayerSql> {
  const spec = catalog.layers.find((l) => l.id === LAYER_ID);
  if (!spec) throw new Error(`the catalogue has no "${LAYER_ID}" layer`);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  let udt: string | undefined;
  try {
    const { rows } = await client.query<{ udt: string }>(
      'SELECT udt_name AS udt FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name = $3',
      [spec.table.schema, spec.table.name, spec.table.idColumn],
    );
    udt = rows[0]?.udt;
  } finally {
    await client.end();
  }
  const compiled = compileTileSql(spec, udt === 'int2' || udt === 'int4' || udt === 'int8') as {
    current?: unknown;
    overview?: { sql?: unknown; maxZoom?: unknown };
  };
  const { current, overview } = compiled;
  if (typeof current !== 'string' || (overview && (typeof overview.sql !== 'string' || typeof overview.maxZoom !== 'number'))) {
    throw new Error('compileTileSql() changed shape: adapt bench/tiles/tile-sql.ts to the new tile compiler');
  }
  // Mirrors readLayerTile in map-server/src/services/tile-service.ts (current state, no datetime):
  // the overview statement up to its maxZoom, the layer's own statement above.
  const statementAt = (z: number) => (overview && z <= (overview.maxZoom as number) ? 'overview' : 'current');
  const oursAt = (z: number) => (statementAt(z) === 'overview' ? (overview!.sql as string) : current);
  return { spec, oursAt, statementAt, naive: naiveTileSql(spec) };
}
