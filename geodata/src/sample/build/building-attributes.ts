/**
 * Floors, height and year of a building from where it stands: high-rise slabs and towers near
 * the centres and only after ~2000 (older stock is 5–7 storey walk-ups), newer buildings towards
 * the edges, ~3 m per residential storey, taller storeys for shops and sheds.
 */
import type { Rng } from '../core/prng.ts';
import type { BuildingUse } from '../types.ts';
import type { BlockZone } from './footprints.ts';

/** Earliest construction year in the sample. */
export const FIRST_YEAR = 1980;
/** Latest construction year in the sample. */
export const LAST_YEAR = 2025;

/** Rounds and clamps a year into [FIRST_YEAR, LAST_YEAR]. */
export function clampYear(year: number): number {
  return Math.min(LAST_YEAR, Math.max(FIRST_YEAR, Math.round(year)));
}

/**
 * Typical year a block was built, from its distance to the centre relative to the centre's
 * radius (`relDist`): old cores, new edges, with some urban renewal (旧城改造) in the core.
 */
export function blockYear(relDist: number, isCity: boolean, rng: Rng): number {
  if (isCity && relDist < 1.3 && rng.chance(0.3)) return clampYear(rng.range(2003, 2023));
  const mean = (isCity ? 1986 : 1990) + 12.5 * Math.min(relDist, 2.8);
  return clampYear(rng.gauss(mean, 5));
}

/** Use, storeys and height of one building. */
export interface BuildingAttributes {
  readonly use: BuildingUse;
  readonly floors: number;
  readonly heightM: number;
}

function storeys(mean: number, sd: number, min: number, max: number, rng: Rng): number {
  return Math.min(max, Math.max(min, Math.round(rng.gauss(mean, sd))));
}

function heightFor(use: BuildingUse, floors: number, rng: Rng): number {
  const parapetM = rng.range(0.5, 1.8);
  let h: number;
  if (use === 'industrial') h = floors === 1 ? rng.range(7, 12) : 6 + (floors - 1) * 4.5;
  else if (use === 'commercial') h = 5 + (floors - 1) * rng.range(3.6, 4.2);
  else if (use === 'public' || use === 'education') h = floors * rng.range(3.6, 4.2);
  else h = floors * rng.range(2.9, 3.1);
  return Math.round((h + parapetM) * 10) / 10;
}

/** Attributes of one building of a block. `main`: the main hall of a campus. */
export function buildingAttributes(zone: BlockZone, year: number, relDist: number, isCity: boolean, main: boolean, rng: Rng): BuildingAttributes {
  const core = Math.exp(-relDist);
  let use: BuildingUse = 'residential';
  let floors: number;
  switch (zone) {
    case 'slab':
      if (year >= 2005) floors = isCity ? storeys(11 + 16 * core, 5, 7, 33, rng) : storeys(9 + 6 * core, 3, 5, 18, rng);
      else if (year >= 1997) floors = storeys(8, 2, 6, 12, rng);
      else floors = storeys(6, 0.8, 5, 7, rng);
      if (rng.chance(0.03)) use = 'other';
      break;
    case 'lowrise':
      floors = isCity ? storeys(5.5, 1, 3, 7, rng) : storeys(4, 1, 2, 6, rng);
      if (rng.chance(0.12)) use = 'commercial';
      break;
    case 'villa':
      floors = storeys(3, 0.7, 2, 4, rng);
      break;
    case 'commercial':
      use = rng.chance(0.9) ? 'commercial' : 'public';
      floors = year >= 2000 && isCity ? storeys(8 + 24 * core, 7, 3, 52, rng) : storeys(4, 1.5, 2, 8, rng);
      break;
    case 'industrial':
      use = rng.chance(0.94) ? 'industrial' : 'other';
      floors = rng.chance(0.6) ? rng.int(1, 2) : rng.int(3, 5);
      break;
    case 'campus':
      use = main ? rng.pick(['public', 'education'] as const) : rng.chance(0.6) ? 'education' : 'public';
      floors = storeys(main ? 6 : 4.5, 1.5, 2, use === 'public' ? 16 : 7, rng);
      break;
  }
  return { use, floors, heightM: heightFor(use, floors, rng) };
}

/** A rural house (农房): 2–4 storeys, now and then a farm shed. */
export function ruralAttributes(rng: Rng): BuildingAttributes {
  const use: BuildingUse = rng.chance(0.92) ? 'residential' : 'other';
  const floors = use === 'residential' ? storeys(3, 0.7, 1, 5, rng) : 1;
  return { use, floors, heightM: heightFor(use, floors, rng) };
}
