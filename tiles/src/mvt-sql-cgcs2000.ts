/**
 * Vector-tile SQL for the CGCS2000Quad grid (tile-matrix-sets.ts), compiled once per layer at
 * boot like compileTileSql: `$1` = level z, `$2` = column, `$3` = row (`$4` = the instant on
 * versioned layers). The tile envelope is computed in EPSG:4490 from those three values and
 * ST_AsMVTGeom runs on the stored `geom`, so nothing is transformed per feature. Overview
 * tables (3857 only) are transformed on the fly: they are small by construction.
 */
import type { LayerSpec } from '@onemap/geodata/catalog';
import { DEFAULT_MVT_OPTIONS, type MvtOptions, type TileStatements } from './mvt-sql.ts';
import { generalisationFilters, generalisedGeometry, mvtColumns, sqlString, timeVariants } from './mvt-parts.ts';
import { quoteIdent, quoteQualified } from './sql-ident.ts';

/** Degrees per tile at level $1 (180° at level 1). */
const SPAN = '(360.0 / 2 ^ $1::int)';
/** The tile of ($1, $2, $3) in EPSG:4490, west/south/east/north from the grid's top-left origin. */
const ENVELOPE = `ST_MakeEnvelope(-180 + $2::int * ${SPAN}, 90 - ($3::int + 1) * ${SPAN}, -180 + ($2::int + 1) * ${SPAN}, 90 - $3::int * ${SPAN}, 4490)`;
/** Degrees per pixel of a 256-px tile at level $1. */
const degPerPx = (px: number) => `(${px} * ${SPAN} / 256)`;

/** Compiled CGCS2000Quad tile statements of one layer (same generalisation rules as Web Mercator). */
export function compileCgcs2000TileSql(layer: LayerSpec, idIsInteger: boolean, options: MvtOptions = DEFAULT_MVT_OPTIONS): TileStatements {
  const t = layer.table;
  const g = layer.generalization;
  const margin = options.bufferUnits / options.extent;
  const { select, idArg } = mvtColumns(layer, idIsInteger);
  const rawGeom = `t.${quoteIdent(t.geometryColumn)}`;
  const grid = `(${SPAN} / ${options.extent})`;
  const geom = generalisedGeometry(g, rawGeom, grid, degPerPx);
  const filters = generalisationFilters(g, rawGeom, degPerPx);
  const build = (timeCondition: string) =>
    [
      `SELECT ST_AsMVT(mvt, ${sqlString(layer.id)}, ${options.extent}, 'geom'${idArg})`,
      'FROM (',
      `  SELECT ST_AsMVTGeom(${geom}, ${ENVELOPE}, ${options.extent}, ${options.bufferUnits}, true) AS geom, ${select}`,
      `  FROM ${quoteQualified(t.schema, t.name)} AS t`,
      `  WHERE ${rawGeom} && ST_Expand(${ENVELOPE}, ${margin} * ${SPAN})${timeCondition}`,
      ...filters.map((f) => `    AND ${f}`),
      ') AS mvt',
      'WHERE mvt.geom IS NOT NULL',
    ].join('\n');
  const overviewGeom = `ST_Transform(t.${quoteIdent(t.tileGeometryColumn)}, 4490)`;
  // Web Mercator stops at ±85.05°: clip the tile before transforming it to the overview's 3857.
  const envelope3857 = `ST_Transform(ST_ClipByBox2D(ST_Expand(${ENVELOPE}, ${margin} * ${SPAN}), ST_MakeEnvelope(-180, -85.05, 180, 85.05, 4490)), 3857)`;
  const overview = g?.overview
    ? {
        maxZoom: g.overview.maxZoom,
        sql: [
          `SELECT ST_AsMVT(mvt, ${sqlString(layer.id)}, ${options.extent}, 'geom')`,
          'FROM (',
          `  SELECT ST_AsMVTGeom(ST_Simplify(ST_SnapToGrid(${overviewGeom}, ${grid}), ${degPerPx(0.5)}), ${ENVELOPE}, ${options.extent}, ${options.bufferUnits}, true) AS geom, ${g.overview.properties.map((p) => `t.${quoteIdent(p.name)}`).join(', ')}`,
          `  FROM ${quoteQualified(t.schema, g.overview.table)} AS t`,
          `  WHERE t.${quoteIdent(t.tileGeometryColumn)} && ${envelope3857}`,
          `    AND t.area_m2 >= ${g.minAreaPx ?? 0} * (${degPerPx(1)} * 111319.49079327357) ^ 2`,
          ') AS mvt',
          'WHERE mvt.geom IS NOT NULL',
        ].join('\n'),
      }
    : undefined;
  return timeVariants(layer, build, overview);
}
