/**
 * The pieces of tile SQL that do not depend on the tile grid: published columns, the
 * generalisation rules of the catalogue, and the time variants. mvt-sql.ts (Web Mercator) and
 * mvt-sql-cgcs2000.ts (CGCS2000Quad) differ only in how a tile and a pixel are expressed.
 */
import type { Generalization, LayerSpec } from '@onemap/geodata/catalog';
import { quoteIdent } from './sql-ident.ts';

/** A SQL string literal for catalogue-derived text (layer ids are validated ^[a-z][a-z0-9_]*$). */
export function sqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}

/** Published columns (and the integer feature id when it is not one of them) and the ST_AsMVT id argument. */
export function mvtColumns(layer: LayerSpec, idIsInteger: boolean): { select: string; idArg: string } {
  const t = layer.table;
  const columns = layer.properties.map((p) => `t.${quoteIdent(p.name)}`);
  const idColumn = idIsInteger && !layer.properties.some((p) => p.name === t.idColumn) ? [`t.${quoteIdent(t.idColumn)}`] : [];
  return { select: [...idColumn, ...columns].join(', '), idArg: idIsInteger ? `, ${sqlString(t.idColumn)}` : '' };
}

/**
 * Below full detail: snap to the MVT grid first (so simplification works on what will be
 * drawn), then simplify by a pixel tolerance. ST_AsMVTGeom repairs what simplification breaks.
 * With `snapPx` (a desensitised view) the grid is that many pixels instead: coarse positions.
 * `px(n)` is the SQL size of n pixels at zoom `$1`, `grid` that of one MVT unit.
 */
export function generalisedGeometry(g: Generalization | undefined, rawGeom: string, grid: string, px: (n: number) => string): string {
  const snap = g?.snapPx ? px(g.snapPx) : grid;
  return g?.simplifyPx ? `CASE WHEN $1::int < ${g.fullDetailZoom} THEN ST_Simplify(ST_SnapToGrid(${rawGeom}, ${snap}), ${px(g.simplifyPx)}) ELSE ${rawGeom} END` : rawGeom;
}

/** WHERE conjuncts of the generalisation: pixel-area threshold and thinning by property value. */
export function generalisationFilters(g: Generalization | undefined, rawGeom: string, px: (n: number) => string): string[] {
  const filters: string[] = [];
  if (g?.minAreaPx) filters.push(`($1::int >= ${g.fullDetailZoom} OR ST_Area(${rawGeom}) >= ${g.minAreaPx} * ${px(1)} ^ 2)`);
  if (g?.minZoomByValue) {
    const cases = Object.entries(g.minZoomByValue.zooms)
      .map(([value, z]) => `WHEN ${sqlString(value)} THEN ${Math.trunc(z)}`)
      .join(' ');
    filters.push(`CASE t.${quoteIdent(g.minZoomByValue.property)}::text ${cases} ELSE 0 END <= $1::int`);
  }
  return filters;
}

/** The statements of a layer from a builder taking the time condition (empty for static layers). */
export function timeVariants<O>(layer: LayerSpec, build: (timeCondition: string) => string, overview: O | undefined) {
  const extra = overview ? { overview } : {};
  if (layer.temporal !== 'versioned') return { current: build(''), ...extra };
  return {
    // upper_inf(valid) matches the partial GiST index on current rows.
    current: build(`\n    AND upper_inf(t.${quoteIdent('valid')})`),
    asOf: build(`\n    AND t.${quoteIdent('valid')} @> $4::timestamptz`),
    ...extra,
  };
}
