/**
 * Compiles the catalogue against the live database at boot: validates every layer against the
 * schema (all problems at once), then builds immutable per-layer plans (tile SQL, extents).
 * Requests only look plans up and bind values (architecture.md §1).
 */
import {
  validateAgainstSchema,
  validateCatalog,
  type Catalog,
  type CatalogProblem,
  type LayerSpec,
  type LiveColumn,
} from '@onemap/geodata/catalog';
import { compileTileSql, quoteIdent, quoteQualified, type TileStatements } from '@onemap/tiles';
import type { Pool } from '../db.ts';

export interface LayerPlan {
  readonly spec: LayerSpec;
  readonly tileSql: TileStatements;
  /** Prepared-statement names (node-postgres prepares once per connection, then reuses). */
  readonly tileStatementNames: { readonly current: string; readonly asOf: string; readonly overview: string };
  /** Tables whose changes alter this layer's tiles (its own, and its overview's). */
  readonly sourceTables: readonly string[];
  readonly idIsInteger: boolean;
  /** CRS84 [west, south, east, north] of the layer's data, or undefined when empty. */
  readonly bounds: readonly [number, number, number, number] | undefined;
  /** JSON type of the id column as published (integer ids stay numbers). */
  readonly idType: 'integer' | 'string';
}

export interface Plans {
  readonly catalog: Catalog;
  readonly layers: ReadonlyMap<string, LayerPlan>;
  /** Layers ordered by draw order (bottom first). */
  readonly ordered: readonly LayerPlan[];
  /** Union of all layer bounds. */
  readonly bounds: readonly [number, number, number, number] | undefined;
}

export class CatalogSchemaError extends Error {
  override readonly name = 'CatalogSchemaError';
  constructor(readonly problems: readonly CatalogProblem[]) {
    super(`the layer catalogue does not match the database:\n  - ${problems.map((p) => `${p.path}: ${p.message}`).join('\n  - ')}`);
  }
}

const INTEGER_UDT = new Set(['int2', 'int4', 'int8']);

export async function loadLiveColumns(pool: Pool, schemas: readonly string[]): Promise<LiveColumn[]> {
  const { rows } = await pool.query<{ schema: string; table: string; column: string; udt: string; gtype: string | null; srid: number | null }>(
    `SELECT c.table_schema AS schema, c.table_name AS table, c.column_name AS column, c.udt_name AS udt,
            gc.type AS gtype, gc.srid
       FROM information_schema.columns c
       LEFT JOIN geometry_columns gc
         ON gc.f_table_schema = c.table_schema AND gc.f_table_name = c.table_name AND gc.f_geometry_column = c.column_name
      WHERE c.table_schema = ANY($1::text[])`,
    [schemas],
  );
  return rows.map((r) => ({
    schema: r.schema,
    table: r.table,
    column: r.column,
    udtName: r.udt,
    ...(r.gtype ? { geometryType: r.gtype } : {}),
    ...(r.srid !== null ? { srid: r.srid } : {}),
  }));
}

async function layerBounds(pool: Pool, spec: LayerSpec): Promise<[number, number, number, number] | undefined> {
  const { rows } = await pool.query<{ w: number | null; s: number | null; e: number | null; n: number | null }>(
    `SELECT ST_XMin(b) AS w, ST_YMin(b) AS s, ST_XMax(b) AS e, ST_YMax(b) AS n
       FROM (SELECT ST_Extent(${quoteIdent(spec.table.geometryColumn)})::geometry AS b FROM ${quoteQualified(spec.table.schema, spec.table.name)}) x`,
  );
  const r = rows[0];
  if (!r || r.w === null || r.s === null || r.e === null || r.n === null) return undefined;
  return [r.w, r.s, r.e, r.n];
}

export async function compilePlans(pool: Pool, catalog: Catalog): Promise<Plans> {
  const own = validateCatalog(catalog);
  const live = await loadLiveColumns(pool, [...new Set(catalog.layers.map((l) => l.table.schema))]);
  const problems = [...own, ...validateAgainstSchema(catalog, live)];
  if (problems.length) throw new CatalogSchemaError(problems);
  const udtOf = (l: LayerSpec) => live.find((c) => c.schema === l.table.schema && c.table === l.table.name && c.column === l.table.idColumn)?.udtName;
  const plans = await Promise.all(
    catalog.layers.map(async (spec): Promise<LayerPlan> => {
      const idIsInteger = INTEGER_UDT.has(udtOf(spec) ?? '');
      return {
        spec,
        tileSql: compileTileSql(spec, idIsInteger),
        tileStatementNames: { current: `tile_${spec.id}`, asOf: `tile_${spec.id}_asof`, overview: `tile_${spec.id}_overview` },
        sourceTables: [
          `${spec.table.schema}.${spec.table.name}`,
          ...(spec.generalization?.overview ? [`${spec.table.schema}.${spec.generalization.overview.table}`] : []),
        ],
        idIsInteger,
        idType: idIsInteger ? 'integer' : 'string',
        bounds: await layerBounds(pool, spec),
      };
    }),
  );
  const ordered = [...plans].sort((a, b) => a.spec.drawOrder - b.spec.drawOrder);
  const withBounds = plans.flatMap((p) => (p.bounds ? [p.bounds] : []));
  const bounds: Plans['bounds'] = withBounds.length
    ? [
        Math.min(...withBounds.map((b) => b[0])),
        Math.min(...withBounds.map((b) => b[1])),
        Math.max(...withBounds.map((b) => b[2])),
        Math.max(...withBounds.map((b) => b[3])),
      ]
    : undefined;
  return { catalog, layers: new Map(plans.map((p) => [p.spec.id, p])), ordered, bounds };
}
