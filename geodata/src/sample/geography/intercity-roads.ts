/**
 * Expressways and national/provincial roads between the county seats, as approximate waypoints.
 * Names and opening years are plausible rather than surveyed (G15 甬台温 opened in 2001, the
 * coastal 甬台温复线 around 2020); the builder meanders and clips them to the land.
 */
import type { LonLat, RoadClass } from '../types.ts';

/** One expressway, national or provincial road. */
export interface IntercityRoadSpec {
  readonly name: string;
  readonly class: Extract<RoadClass, 'expressway' | 'national' | 'provincial'>;
  readonly lanes: number;
  readonly openedYear: number;
  /** A later widening: new lane count from that year (a second version of the road). */
  readonly widened?: { readonly year: number; readonly lanes: number };
  readonly waypointsDeg: readonly LonLat[];
}

/** Roads linking the county seats and the coast. */
export const INTERCITY_ROADS: readonly IntercityRoadSpec[] = [
  {
    name: '沈海高速(甬台温段)', class: 'expressway', lanes: 4, openedYear: 2001, widened: { year: 2019, lanes: 8 },
    waypointsDeg: [[121.4, 29.22], [121.36, 29.1], [121.3, 29.0], [121.22, 28.9], [121.2, 28.82], [121.24, 28.74], [121.27, 28.68], [121.3, 28.6], [121.3, 28.52], [121.3, 28.45], [121.26, 28.38], [121.18, 28.33], [121.12, 28.3]],
  },
  {
    name: '台金高速', class: 'expressway', lanes: 4, openedYear: 2008,
    waypointsDeg: [[121.27, 28.68], [121.18, 28.76], [121.1, 28.82], [120.98, 28.85], [120.85, 28.835], [120.74, 28.83], [120.6, 28.8], [120.45, 28.78], [120.33, 28.74]],
  },
  {
    name: '上三高速', class: 'expressway', lanes: 4, openedYear: 2000,
    waypointsDeg: [[120.85, 29.33], [120.95, 29.2], [121.03, 29.125], [121.15, 29.1], [121.25, 29.1], [121.36, 29.1]],
  },
  {
    name: '甬台温高速复线', class: 'expressway', lanes: 6, openedYear: 2020,
    waypointsDeg: [[121.55, 29.2], [121.52, 29.08], [121.5, 28.95], [121.47, 28.8], [121.45, 28.72], [121.45, 28.62], [121.47, 28.5], [121.43, 28.38], [121.33, 28.25], [121.25, 28.15]],
  },
  {
    name: '104国道', class: 'national', lanes: 4, openedYear: 1985, widened: { year: 2008, lanes: 6 },
    waypointsDeg: [[121.43, 29.21], [121.38, 29.12], [121.28, 29.02], [121.15, 28.87], [121.22, 28.76], [121.26, 28.65], [121.33, 28.52], [121.37, 28.38], [121.22, 28.32], [121.13, 28.29]],
  },
  {
    name: '351国道', class: 'national', lanes: 4, openedYear: 1992,
    waypointsDeg: [[121.43, 28.675], [121.3, 28.74], [121.13, 28.85], [121.08, 28.98], [121.03, 29.14], [120.85, 29.25], [120.78, 29.3]],
  },
  {
    name: '228国道', class: 'national', lanes: 4, openedYear: 2016,
    waypointsDeg: [[121.6, 29.05], [121.55, 28.85], [121.52, 28.72], [121.5, 28.55], [121.55, 28.4], [121.45, 28.28], [121.3, 28.18], [121.23, 28.13]],
  },
  {
    name: '临仙线(省道)', class: 'provincial', lanes: 2, openedYear: 1988, widened: { year: 2012, lanes: 4 },
    waypointsDeg: [[121.13, 28.85], [120.95, 28.86], [120.73, 28.85], [120.5, 28.78], [120.34, 28.72]],
  },
  {
    name: '黄宁线(省道)', class: 'provincial', lanes: 2, openedYear: 1990,
    waypointsDeg: [[121.26, 28.645], [121.1, 28.62], [120.97, 28.62], [120.85, 28.56]],
  },
  {
    name: '路金线(省道)', class: 'provincial', lanes: 4, openedYear: 1998,
    waypointsDeg: [[121.37, 28.58], [121.45, 28.55], [121.53, 28.51]],
  },
  {
    name: '温松线(省道)', class: 'provincial', lanes: 4, openedYear: 1996,
    waypointsDeg: [[121.37, 28.37], [121.5, 28.37], [121.6, 28.34]],
  },
  {
    name: '仙天线(省道)', class: 'provincial', lanes: 2, openedYear: 1993,
    waypointsDeg: [[120.73, 28.85], [120.85, 28.98], [120.95, 29.08], [121.03, 29.14]],
  },
  {
    name: '玉楚线(省道)', class: 'provincial', lanes: 4, openedYear: 2002,
    waypointsDeg: [[121.232, 28.136], [121.26, 28.2], [121.3, 28.26], [121.37, 28.37]],
  },
  {
    name: '椒黄路桥快速路', class: 'provincial', lanes: 6, openedYear: 2014,
    waypointsDeg: [[121.425, 28.664], [121.34, 28.655], [121.262, 28.643], [121.32, 28.61], [121.375, 28.58], [121.425, 28.664]],
  },
];
