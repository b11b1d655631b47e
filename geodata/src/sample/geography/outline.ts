/**
 * Our own coarse description of Taizhou's outline: the mainland as a land-border chain plus a
 * coast chain (~1–2 km detail, vertices on a 0.005° lattice, traced by eye against public
 * maps), and the main offshore islands as centre + area. Good enough for synthetic data; not a
 * legal boundary (see shared/data/SOURCE.md for why no real boundary file is bundled).
 */
import type { LonLat } from '../types.ts';

/**
 * Inland boundary with 温州 (乐清), 丽水 (缙云), 金华 (磐安), 绍兴 (新昌) and 宁波 (宁海),
 * clockwise from the head of 乐清湾 to the 三门湾 shore (where COAST_DEG takes over).
 */
export const LAND_BORDER_DEG: readonly LonLat[] = [
  [121.145, 28.275], [121.21, 28.325], [121.2, 28.37], [121.255, 28.41], [121.22, 28.425],
  [121.15, 28.525], [121.105, 28.54], [121.07, 28.485], [121.02, 28.475], [120.96, 28.485],
  [120.955, 28.515], [120.89, 28.49], [120.835, 28.52], [120.84, 28.55], [120.795, 28.59],
  [120.705, 28.615], [120.685, 28.585], [120.635, 28.58], [120.645, 28.565], [120.62, 28.56],
  [120.615, 28.535], [120.545, 28.535], [120.48, 28.585], [120.44, 28.585], [120.385, 28.455],
  [120.365, 28.5], [120.29, 28.515], [120.32, 28.58], [120.38, 28.59], [120.32, 28.675],
  [120.37, 28.775], [120.435, 28.845], [120.475, 28.83], [120.51, 28.895], [120.56, 28.865],
  [120.655, 28.91], [120.67, 28.975], [120.725, 28.985], [120.72, 29.025], [120.7, 29.025],
  [120.685, 29.055], [120.69, 29.095], [120.74, 29.12], [120.71, 29.155], [120.775, 29.2],
  [120.77, 29.23], [120.85, 29.255], [120.895, 29.245], [120.885, 29.27], [120.91, 29.305],
  [120.95, 29.285], [121.0, 29.32], [121.11, 29.305], [121.12, 29.34], [121.155, 29.345],
  [121.195, 29.315], [121.155, 29.245], [121.16, 29.215], [121.23, 29.2], [121.26, 29.16],
  [121.25, 29.115], [121.285, 29.095], [121.34, 29.13], [121.375, 29.2], [121.4, 29.16],
];

/**
 * Mainland coast, clockwise from 三门湾 round 台州湾 (with the 椒江 estuary notch east of 海门,
 * its apex [121.522, 28.676] being the river mouth), 石塘 and 玉环 to the head of 乐清湾; its
 * last vertex is the first of LAND_BORDER_DEG.
 */
export const COAST_DEG: readonly LonLat[] = [
  [121.52, 29.14], [121.555, 29.175], [121.605, 29.17], [121.655, 29.12], [121.65, 29.07], [121.71, 29.03],
  [121.71, 28.98], [121.745, 28.95], [121.77, 28.865], [121.7, 28.85], [121.7, 28.82],
  [121.68, 28.71], [121.58, 28.7], [121.535, 28.688], [121.522, 28.676], [121.535, 28.662],
  [121.59, 28.58], [121.63, 28.565], [121.665, 28.49], [121.66, 28.45], [121.69, 28.41],
  [121.64, 28.36], [121.67, 28.345], [121.625, 28.255], [121.58, 28.245], [121.56, 28.29],
  [121.495, 28.31], [121.41, 28.215], [121.37, 28.135], [121.325, 28.135], [121.26, 28.04],
  [121.145, 28.03], [121.105, 28.14], [121.13, 28.17], [121.145, 28.275],
];

/** An island as a centre, an area and an elongated outline. */
export interface IslandSpec {
  readonly name: string;
  readonly centreDeg: LonLat;
  readonly areaKm2: number;
  /** Long axis / short axis. */
  readonly elongation: number;
  /** Bearing of the long axis, degrees clockwise from north. */
  readonly axisDeg: number;
}

/** Offshore islands kept as separate land parts (positions and sizes approximate). */
export const ISLANDS: readonly IslandSpec[] = [
  { name: '上大陈岛', centreDeg: [121.889, 28.494], areaKm2: 7.5, elongation: 1.6, axisDeg: 30 },
  { name: '下大陈岛', centreDeg: [121.891, 28.446], areaKm2: 5.2, elongation: 1.5, axisDeg: 60 },
  { name: '头门岛', centreDeg: [121.866, 28.746], areaKm2: 6.8, elongation: 1.8, axisDeg: 20 },
  { name: '雀儿岙岛', centreDeg: [121.776, 28.694], areaKm2: 5.6, elongation: 1.4, axisDeg: 45 },
  { name: '东矶岛', centreDeg: [121.853, 28.797], areaKm2: 5.4, elongation: 1.7, axisDeg: 150 },
  { name: '田岙岛', centreDeg: [121.924, 28.717], areaKm2: 2.1, elongation: 1.5, axisDeg: 10 },
  { name: '披山岛', centreDeg: [121.513, 28.092], areaKm2: 3.6, elongation: 1.6, axisDeg: 70 },
  { name: '大鹿岛', centreDeg: [121.356, 28.1], areaKm2: 2.6, elongation: 1.3, axisDeg: 0 },
  { name: '鸡山岛', centreDeg: [121.404, 28.09], areaKm2: 1.8, elongation: 1.4, axisDeg: 120 },
  { name: '蛇蟠岛', centreDeg: [121.686, 29.105], areaKm2: 2.0, elongation: 1.5, axisDeg: 80 },
  { name: '洋屿', centreDeg: [121.686, 28.287], areaKm2: 1.2, elongation: 1.3, axisDeg: 40 },
];

/** Offshore extent of the generated sea strip: west, south, east, north (degrees). */
export const SEA_EXTENT_DEG = { westLon: 121.09, southLat: 27.97, eastLon: 121.99, northLat: 29.22 } as const;
