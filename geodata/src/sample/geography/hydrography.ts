/**
 * The 椒江/灵江 system (domain.md §6.3–6.4) as waypoints: dams, county towns and confluences are
 * where the public sources put them; the rest is approximate. Rivers are meandered between
 * waypoints by the builder but always pass through them.
 */
import type { LonLat } from '../types.ts';

/** One river as waypoints, with its grade (1 main stem … 4 small stream). */
export interface RiverSpec {
  readonly name: string;
  readonly grade: 1 | 2 | 3;
  /** Upstream → downstream. */
  readonly waypointsDeg: readonly LonLat[];
  /** Peak lateral meander, metres. */
  readonly meanderM: number;
  /** Water-surface polygon along part of the river: [from, to] as waypoint indices, widths in m. */
  readonly surface?: { readonly fromIndex: number; readonly toIndex: number; readonly widthFromM: number; readonly widthToM: number };
}

/** The five rivers the issue names, main stem first: 永安溪 → 灵江 → 椒江, with 始丰溪 and 永宁江. */
export const MAIN_RIVERS: readonly RiverSpec[] = [
  {
    name: '永安溪', grade: 1, meanderM: 1100,
    waypointsDeg: [[120.39, 28.4742], [120.42, 28.53], [120.45, 28.6], [120.48, 28.68], [120.53, 28.75], [120.58, 28.8], [120.65, 28.83], [120.73, 28.845], [120.8, 28.855], [120.87, 28.86], [120.95, 28.865], [121.0, 28.87], [121.05, 28.87]],
    surface: { fromIndex: 6, toIndex: 12, widthFromM: 160, widthToM: 260 },
  },
  {
    name: '始丰溪', grade: 2, meanderM: 1000,
    waypointsDeg: [[120.66, 29.02], [120.72, 29.045], [120.7675, 29.065], [120.82, 29.09], [120.88, 29.115], [120.95, 29.13], [121.03, 29.135], [121.08, 29.115], [121.11, 29.07], [121.1, 29.01], [121.08, 28.95], [121.06, 28.9], [121.05, 28.87]],
    surface: { fromIndex: 4, toIndex: 12, widthFromM: 120, widthToM: 200 },
  },
  {
    name: '灵江', grade: 1, meanderM: 550,
    waypointsDeg: [[121.05, 28.87], [121.09, 28.855], [121.127, 28.842], [121.16, 28.83], [121.19, 28.8], [121.22, 28.77], [121.26, 28.74], [121.3, 28.715], [121.33, 28.7]],
    surface: { fromIndex: 0, toIndex: 8, widthFromM: 280, widthToM: 650 },
  },
  {
    name: '永宁江', grade: 2, meanderM: 600,
    waypointsDeg: [[120.93, 28.57], [121.0, 28.59], [121.06444, 28.60722], [121.1, 28.615], [121.15, 28.63], [121.2, 28.64], [121.24, 28.652], [121.26, 28.655], [121.29, 28.67], [121.31, 28.69], [121.33, 28.7]],
    surface: { fromIndex: 5, toIndex: 10, widthFromM: 110, widthToM: 220 },
  },
  {
    name: '椒江', grade: 1, meanderM: 200,
    waypointsDeg: [[121.33, 28.7], [121.37, 28.695], [121.4, 28.69], [121.43, 28.69], [121.47, 28.684], [121.5, 28.68], [121.522, 28.676]],
    surface: { fromIndex: 0, toIndex: 6, widthFromM: 900, widthToM: 1900 },
  },
];

/** Named tributaries and plain canals (温黄平原 河网), grade 3. */
export const TRIBUTARIES: readonly RiverSpec[] = [
  { name: '逆溪', grade: 3, meanderM: 250, waypointsDeg: [[121.31, 28.95], [121.25, 28.88], [121.22, 28.84], [121.19, 28.8]] },
  { name: '大田港', grade: 3, meanderM: 250, waypointsDeg: [[121.22, 28.98], [121.18, 28.92], [121.15, 28.87], [121.14, 28.838]] },
  { name: '义城港', grade: 3, meanderM: 250, waypointsDeg: [[121.05, 28.72], [121.1, 28.77], [121.15, 28.81], [121.17, 28.823]] },
  { name: '朱溪', grade: 3, meanderM: 300, waypointsDeg: [[120.72, 28.62], [120.74, 28.72], [120.77, 28.8], [120.8, 28.853]] },
  { name: '十三都坑', grade: 3, meanderM: 250, waypointsDeg: [[120.62, 28.96], [120.65, 28.9], [120.66, 28.834]] },
  { name: '三茅溪', grade: 3, meanderM: 200, waypointsDeg: [[121.06, 29.25], [121.04, 29.19], [121.03, 29.136]] },
  { name: '海游港', grade: 3, meanderM: 200, waypointsDeg: [[121.28, 29.16], [121.33, 29.13], [121.38, 29.112], [121.45, 29.12], [121.515, 29.138]] },
  { name: '南官河', grade: 3, meanderM: 60, waypointsDeg: [[121.26, 28.655], [121.3, 28.6], [121.35, 28.57], [121.37, 28.48], [121.38, 28.4]] },
  { name: '金清港', grade: 3, meanderM: 80, waypointsDeg: [[121.38, 28.5], [121.45, 28.51], [121.52, 28.505], [121.6, 28.5], [121.655, 28.495]] },
  { name: '东官河', grade: 3, meanderM: 50, waypointsDeg: [[121.4, 28.66], [121.4, 28.6], [121.38, 28.58]] },
  { name: '西江', grade: 3, meanderM: 120, waypointsDeg: [[121.2, 28.58], [121.23, 28.62], [121.25, 28.652]] },
];

/** A reservoir by its dam, water area and the direction of its flooded valley. */
export interface ReservoirSpec {
  readonly name: string;
  readonly damDeg: LonLat;
  readonly areaKm2: number;
  /** Bearing from the dam up the flooded valley, degrees clockwise from north. */
  readonly upstreamDeg: number;
  readonly elongation: number;
}

/** Real reservoirs at their cited dams, plus a few small generic ones for texture. */
export const RESERVOIRS: readonly ReservoirSpec[] = [
  { name: '长潭水库', damDeg: [121.06444, 28.60722], areaKm2: 35.5, upstreamDeg: 255, elongation: 2.4 },
  { name: '里石门水库', damDeg: [120.7675, 29.065], areaKm2: 7.5, upstreamDeg: 240, elongation: 2.6 },
  { name: '牛头山水库', damDeg: [121.25, 28.88], areaKm2: 10, upstreamDeg: 35, elongation: 2.2 },
  { name: '下岸水库', damDeg: [120.39, 28.4742], areaKm2: 2.5, upstreamDeg: 15, elongation: 2 },
  { name: '岩下水库', damDeg: [121.27, 28.41], areaKm2: 1.2, upstreamDeg: 280, elongation: 1.8 },
  { name: '龙潭水库', damDeg: [121.26, 28.2], areaKm2: 0.9, upstreamDeg: 200, elongation: 1.6 },
  { name: '白岩水库', damDeg: [121.31, 29.07], areaKm2: 1.6, upstreamDeg: 300, elongation: 2 },
  { name: '溪口水库', damDeg: [121.16, 29.21], areaKm2: 1.4, upstreamDeg: 330, elongation: 2 },
];
