/**
 * Compiles a catalogue layer into its vector-tile SQL, once, at boot (house style §2).
 * Requests bind only z, x, y (and the instant for "as of" on versioned layers).
 */
import type { LayerSpec } from '@onemap/geodata/catalog';
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
}

/**
 * @param idIsInteger whether the layer's id column is an integer type (MVT feature ids must be
 *   unsigned integers; text ids are published as a property only).
 */
export function compileTileSql(layer: LayerSpec, idIsInteger: boolean, options: MvtOptions = DEFAULT_MVT_OPTIONS): TileStatements {
  const t = layer.table;
  const bufferUnits = options.bufferUnits;
  const margin = bufferUnits / options.extent;
  const columns = layer.properties.map((p) => `t.${quoteIdent(p.name)}`);
  const idColumn = idIsInteger && !layer.properties.some((p) => p.name === t.idColumn) ? [`t.${quoteIdent(t.idColumn)}`] : [];
  const select = [...idColumn, ...columns].join(', ');
  const geom = `t.${quoteIdent(t.tileGeometryColumn)}`;
  const idArg = idIsInteger ? `, ${sqlString(t.idColumn)}` : '';
  const build = (timeCondition: string) =>
    [
      `SELECT ST_AsMVT(mvt, ${sqlString(layer.id)}, ${options.extent}, 'geom'${idArg})`,
      'FROM (',
      `  SELECT ST_AsMVTGeom(${geom}, ST_TileEnvelope($1, $2, $3), ${options.extent}, ${bufferUnits}, true) AS geom, ${select}`,
      `  FROM ${quoteQualified(t.schema, t.name)} AS t`,
      `  WHERE ${geom} && ST_TileEnvelope($1, $2, $3, margin => ${margin})${timeCondition}`,
      ') AS mvt',
      'WHERE mvt.geom IS NOT NULL',
    ].join('\n');
  if (layer.temporal !== 'versioned') return { current: build('') };
  return {
    // upper_inf(valid) matches the partial GiST index on current rows.
    current: build(`\n    AND upper_inf(t.${quoteIdent('valid')})`),
    asOf: build(`\n    AND t.${quoteIdent('valid')} @> $4::timestamptz`),
  };
}

/** A SQL string literal for catalogue-derived text (layer ids are validated ^[a-z][a-z0-9_]*$). */
function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
