/**
 * The deterministic Taizhou sample-data generator (architecture.md §2, `src/sample`).
 * Pure: no I/O; `@onemap/geodata/load` writes its output to PostGIS.
 */
export { generateSample, DEFAULT_SEED } from './generate-sample.ts';
export type * from './types.ts';
