/**
 * Compiles a catalogue layer into its vector-tile SQL, once, at boot (house style §2).
 * Requests bind only z, x, y (and the instant for "as of" on versioned layers).
 */
import type { LayerSpec } from '@onemap/geodata/catalog';
import { generalisationFilters, generalisedGeometry, mvtColumns, sqlString, timeVariants } from './mvt-parts.ts';
import { quoteIdent, quoteQualified } from './sql-ident.ts';

export interface MvtOptions {
  /** Tile coordinate space (MVT extent). */
  readonly extent: number;
  /**
   * Buffer around the tile in extent units (64 of 4096 = 1.6 %): enough for stroke widths and
   * label anchors at the edges without shipping neighbours' geometry.
   */
  readonly bufferUnits: number;
}

export const DEFAULT_MVT_OPTIONS: MvtOptions = { extent: 4096, bufferUnits: 64 };

/** Compiled tile statements of one layer. `$1..$3` = z, x, y; `$4` = the instant (asOf only). */
export interface TileStatements {
  /** The current state (versioned: rows with an open `valid`; static: all rows). */
  readonly current: string;
  /** Versioned layers only: the state as of `$4::timestamptz`. */
  readonly asOf?: string;
  /** Current state at zooms ≤ maxZoom, from the layer's overview table. */
  readonly overview?: { readonly sql: string; readonly maxZoom: number };
}

/** Metres per pixel of a 256-px tile at z0 (2π × 6378137 / 256); halves with each zoom. */
const M_PER_PX_Z0 = 156543.03392804097;
const pxToMetres = (px: number) => `(${px} * ${M_PER_PX_Z0} / 2 ^ $1::int)`;

/**
 * @param idIsInteger whether the layer's id column is an integer type (MVT feature ids must be
 *   unsigned integers; text ids are published as a property only).
 */
export function compileTileSql(layer: LayerSpec, idIsInteger: boolean, options: MvtOptions = DEFAULT_MVT_OPTIONS): TileStatements {
  const t = layer.table;
  const g = layer.generalization;
  const bufferUnits = options.bufferUnits;
  const margin = bufferUnits / options.extent;
  const { select, idArg } = mvtColumns(layer, idIsInteger);
  const rawGeom = `t.${quoteIdent(t.tileGeometryColumn)}`;
  const grid = `(${M_PER_PX_Z0 * 256} / ${options.extent} / 2 ^ $1::int)`;
  const geom = generalisedGeometry(g, rawGeom, grid, pxToMetres);
  const filters = generalisationFilters(g, rawGeom, pxToMetres);
  const build = (timeCondition: string) =>
    [
      `SELECT ST_AsMVT(mvt, ${sqlString(layer.id)}, ${options.extent}, 'geom'${idArg})`,
      'FROM (',
      `  SELECT ST_AsMVTGeom(${geom}, ST_TileEnvelope($1, $2, $3), ${options.extent}, ${bufferUnits}, true) AS geom, ${select}`,
      `  FROM ${quoteQualified(t.schema, t.name)} AS t`,
      `  WHERE ${rawGeom} && ST_TileEnvelope($1, $2, $3, margin => ${margin})${timeCondition}`,
      ...filters.map((f) => `    AND ${f}`),
      ') AS mvt',
      'WHERE mvt.geom IS NOT NULL',
    ].join('\n');
  const overview = g?.overview
    ? {
        maxZoom: g.overview.maxZoom,
        sql: [
          `SELECT ST_AsMVT(mvt, ${sqlString(layer.id)}, ${options.extent}, 'geom')`,
          'FROM (',
          `  SELECT ST_AsMVTGeom(ST_Simplify(ST_SnapToGrid(${rawGeom}, ${grid}), ${pxToMetres(0.5)}), ST_TileEnvelope($1, $2, $3), ${options.extent}, ${bufferUnits}, true) AS geom, ${g.overview.properties.map((p) => `t.${quoteIdent(p.name)}`).join(', ')}`,
          `  FROM ${quoteQualified(t.schema, g.overview.table)} AS t`,
          `  WHERE ${rawGeom} && ST_TileEnvelope($1, $2, $3, margin => ${margin})`,
          `    AND t.area_m2 >= ${g.minAreaPx ?? 0} * ${pxToMetres(1)} ^ 2`,
          ') AS mvt',
          'WHERE mvt.geom IS NOT NULL',
        ].join('\n'),
      }
    : undefined;
  return timeVariants(layer, build, overview);
}
