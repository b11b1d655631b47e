/**
 * Loading into PostGIS (architecture.md §2, `src/load`): the Taizhou sample in one transaction.
 */
export { loadSample, sampleIsLoaded, type LoadReport, type TableLoad } from './load-sample.ts';
export { loadWaterSample, waterSampleIsLoaded, WATER_SAMPLE_WINDOW, WATER_SAMPLE_TYPHOON_DAY, type WaterLoadReport } from './load-water-sample.ts';
export { loadPlanningSample, planningSampleIsLoaded, PLANNING_SAMPLE_VERSIONS, type PlanningLoadReport } from './load-planning-sample.ts';
export { loadCitySample, citySampleIsLoaded, CITY_SAMPLE_DAY, CITY_SAMPLE_BBOX, type CityLoadReport } from './load-city-sample.ts';
