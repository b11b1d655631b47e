/** CQL2 (OGC 21-065r2): text and JSON readers into one AST, and the AST → SQL compiler. Pure. */
export type * from './ast.ts';
export { Cql2Error } from './errors.ts';
export { parseCql2Text } from './text-parser.ts';
export { parseCql2Json } from './json-reader.ts';
export { compileFilter, CRS84_FILTER, type CompiledFilter, type CompileOptions, type FilterCrs, type Queryable, type QueryableType } from './compile-sql.ts';
export type { Geometry } from './geometry.ts';
export { isDateText, isTimestampText } from './literals.ts';
