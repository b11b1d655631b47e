/**
 * Land-cover class of one ~400 m survey cell in a survey year (地理国情监测 first-level
 * classes as in the catalogue's `land_cover` style): water on reservoirs and river surfaces,
 * built-up where the buildings standing at the survey date are dense, construction sites where
 * building is about to start, then relief-driven vegetation: cropland on the plains and valley
 * floors, orchards (黄岩/临海 citrus, tea) on the foothills, forest on the mountains, alpine
 * meadow and bare rock on the highest tops, fish ponds and tidal flats near the coast.
 */
import { fractalNoise } from '../core/noise.ts';

/** Class code → class name, as in the catalogue's land_cover legend. */
export const LAND_COVER_CLASSES: Readonly<Record<string, string>> = {
  '0100': '耕地',
  '0200': '园地',
  '0300': '林地',
  '0400': '草地',
  '0500': '房屋建筑区',
  '0600': '道路',
  '0700': '构筑物',
  '0800': '人工堆掘地',
  '0900': '荒漠与裸露地表',
  '1000': '水域',
};

/** What the classifier knows about one cell. */
export interface CellFacts {
  readonly xKm: number;
  readonly yKm: number;
  readonly elevationM: number;
  readonly coastDistanceM: number;
  readonly inWater: boolean;
  /** Buildings standing at the survey date, and how many of them are industrial. */
  readonly buildings: number;
  readonly industrial: number;
  /** Buildings completed within two years after the survey date (construction under way). */
  readonly upcoming: number;
}

/** The relief-driven class, before buildings and water are considered. */
export function naturalClass(f: CellFacts, seed: number): string {
  const n = fractalNoise(f.xKm / 3, f.yKm / 3, seed, 3);
  const m = fractalNoise(f.xKm / 1.2, f.yKm / 1.2, seed + 17, 2);
  const e = f.elevationM + 60 * (m - 0.5);
  if (e < 25) {
    if (f.coastDistanceM < 900 && n > 0.68) return '0900';
    if (f.coastDistanceM < 3500 && m > 0.66) return '1000';
    return n > 0.78 ? '0200' : '0100';
  }
  if (e < 120) {
    if (n > 0.56) return '0200';
    if (n < 0.36) return '0100';
    return '0300';
  }
  if (e < 850) {
    if (n > 0.8) return '0200';
    if (m < 0.08) return '0400';
    return '0300';
  }
  if (e > 1100 && m > 0.8) return '0900';
  return n > 0.72 ? '0400' : '0300';
}

/** The class of a cell in one survey. */
export function surveyClass(f: CellFacts, seed: number): string {
  if (f.inWater) return '1000';
  if (f.buildings >= 4) return f.industrial * 2 > f.buildings && fractalNoise(f.xKm, f.yKm, seed + 5, 1) > 0.6 ? '0700' : '0500';
  if (f.upcoming >= 3) return '0800';
  return naturalClass(f, seed);
}
