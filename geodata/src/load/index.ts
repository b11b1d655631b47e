/**
 * Loading into PostGIS (architecture.md §2, `src/load`): the Taizhou sample in one transaction.
 */
export { loadSample, sampleIsLoaded, type LoadReport, type TableLoad } from './load-sample.ts';
