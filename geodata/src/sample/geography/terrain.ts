/**
 * Relief of Taizhou in broad strokes: mountain massifs in the west and north (括苍山, 大雷山,
 * 天台山, the 仙居 uplands), hills along the coast, and the alluvial plains (温黄平原, the 天台
 * basin, the 三门 and 玉环 coastal flats). Heights are rough; they only steer land cover,
 * villages and peaks towards plausible places.
 */
import type { LonLat } from '../types.ts';

/** A mountain mass: a Gaussian hill of the given height and spread. */
export interface MassifSpec {
  readonly name: string;
  readonly centreDeg: LonLat;
  readonly heightM: number;
  readonly sigmaKm: number;
}

/** The main massifs (names are real; heights and extents approximate). */
export const MASSIFS: readonly MassifSpec[] = [
  { name: '括苍山', centreDeg: [120.93, 28.82], heightM: 1250, sigmaKm: 13 },
  { name: '大雷山', centreDeg: [120.78, 29.22], heightM: 1000, sigmaKm: 11 },
  { name: '华顶山', centreDeg: [121.1, 29.26], heightM: 1000, sigmaKm: 11 },
  { name: '韦羌山', centreDeg: [120.58, 28.66], heightM: 950, sigmaKm: 10 },
  { name: '仙居西山', centreDeg: [120.42, 28.7], heightM: 1000, sigmaKm: 15 },
  { name: '景星岩', centreDeg: [120.7, 28.97], heightM: 750, sigmaKm: 11 },
  { name: '大寺基', centreDeg: [120.93, 28.6], heightM: 950, sigmaKm: 12 },
  { name: '方山', centreDeg: [121.16, 28.5], heightM: 600, sigmaKm: 8 },
  { name: '羊岩山', centreDeg: [121.3, 28.98], heightM: 650, sigmaKm: 12 },
  { name: '湫水山', centreDeg: [121.26, 29.1], heightM: 600, sigmaKm: 9 },
  { name: '桃渚山', centreDeg: [121.55, 28.86], heightM: 450, sigmaKm: 9 },
  { name: '太湖山', centreDeg: [121.28, 28.36], heightM: 350, sigmaKm: 5 },
  { name: '玉环山', centreDeg: [121.26, 28.13], heightM: 300, sigmaKm: 5 },
  { name: '枫山', centreDeg: [121.45, 28.75], heightM: 250, sigmaKm: 4 },
];

/** Alluvial plains: heights drop to a few metres inside, with a ~3 km transition. */
export const PLAINS_DEG: readonly (readonly LonLat[])[] = [
  // 温黄平原 (黄岩–椒江–路桥–温岭)
  [[121.2, 28.66], [121.27, 28.71], [121.4, 28.73], [121.52, 28.68], [121.6, 28.56], [121.64, 28.46], [121.58, 28.31], [121.47, 28.3], [121.36, 28.33], [121.31, 28.4], [121.25, 28.47], [121.21, 28.55], [121.17, 28.61]],
  // 天台盆地
  [[120.9, 29.1], [120.98, 29.12], [121.06, 29.16], [121.12, 29.14], [121.08, 29.1], [120.98, 29.095]],
  // 三门 海游 and 健跳 coastal flats
  [[121.34, 29.09], [121.45, 29.12], [121.52, 29.13], [121.6, 29.06], [121.66, 29.0], [121.6, 28.97], [121.5, 29.02], [121.4, 29.08]],
  // 临海 杜桥 plain
  [[121.38, 28.8], [121.5, 28.82], [121.62, 28.8], [121.66, 28.73], [121.55, 28.71], [121.42, 28.75]],
  // 玉环 楚门 flats
  [[121.22, 28.24], [121.32, 28.24], [121.38, 28.19], [121.3, 28.17], [121.22, 28.19]],
];
