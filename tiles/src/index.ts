/** Tile math and MVT query compilation. No Koa, no pg: pure functions (architecture.md §2). */
export * from './tile-coord.ts';
export * from './mvt-sql.ts';
export { quoteIdent, quoteQualified } from './sql-ident.ts';
export * from './cache/index.ts';
export * from './seed/index.ts';
export * from './tile-matrix-sets.ts';
export { compileCgcs2000TileSql } from './mvt-sql-cgcs2000.ts';
