/**
 * All building footprints: the city centres first (largest share, their own street grids),
 * then the town seats, then rural houses around the villages. Drafts become versioned rows;
 * a few old walk-ups are rebuilt as high-rises (旧城改造, two versions of one fid) and a few
 * village houses are demolished (one closed version), so the time axis has something to show.
 */
import { BUILDING_SHARES, BUILDINGS_AT_SCALE_1, CENTRES, type CentreSpec } from '../geography/centres.ts';
import { LocalFrame } from '../core/geodesy.ts';
import type { Rng } from '../core/prng.ts';
import type { Namer } from '../core/namer.ts';
import type { BuildingRow, LonLat } from '../types.ts';
import type { DistrictLocator } from './districts.ts';
import type { TownSeat } from './towns.ts';
import { layOut, type BuildingDraft, type LayoutResult, type Site } from './urban-layout.ts';
import { villageHouses, type Village } from './villages.ts';
import { buildingAttributes } from './building-attributes.ts';
import { julyFirst, type FidCounter } from './versions.ts';

/** A city centre and its layout. */
export interface CityLayout {
  readonly centre: CentreSpec;
  readonly result: LayoutResult;
}

/** A town seat and its layout. */
export interface TownLayout {
  readonly seat: TownSeat;
  readonly result: LayoutResult;
}

const CENTRE_FRAMES = CENTRES.map((c) => new LocalFrame(c.centreDeg[0], c.centreDeg[1]));

/** Which city centre dominates a point (share-weighted exponential falloff). */
export function dominantCentre(p: LonLat): number {
  let best = 0;
  let bestScore = -Infinity;
  CENTRES.forEach((c, i) => {
    const [x, y] = (CENTRE_FRAMES[i] as LocalFrame).toXY(p);
    const score = 0.5 * Math.log(c.share) - Math.hypot(x, y) / (c.radiusKm * 1000);
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  });
  return best;
}

/** Distance from the nearest city centre in units of its radius. */
export function relDistToCities(p: LonLat): number {
  let best = Infinity;
  CENTRES.forEach((c, i) => {
    const [x, y] = (CENTRE_FRAMES[i] as LocalFrame).toXY(p);
    best = Math.min(best, Math.hypot(x, y) / (c.radiusKm * 1000));
  });
  return best;
}

/** Lays out the city centres, each over the area it dominates. */
export function layOutCities(site: Site, scale: number, rng: Rng): CityLayout[] {
  const total = BUILDINGS_AT_SCALE_1 * scale * BUILDING_SHARES.centres;
  const shareSum = CENTRES.reduce((s, c) => s + c.share, 0);
  return CENTRES.map((centre, i) => ({
    centre,
    result: layOut(
      {
        ownerId: i + 1, centreDeg: centre.centreDeg, radiusM: centre.radiusKm * 1000, gridAngleDeg: centre.gridAngleDeg,
        blockWM: 200, blockHM: 160, insetM: 11, isCity: true, industryBearingsDeg: centre.industryBearingsDeg,
        quota: Math.round((total * centre.share) / shareSum),
        owns: (p) => dominantCentre(p) === i,
      },
      site,
      rng.fork(`city:${centre.name}`),
    ),
  }));
}

/** True where a point falls in a block that some city layout built on. */
export function insideBuiltCity(cities: readonly CityLayout[]): (p: LonLat) => boolean {
  const sets = cities.map((c) => new Set(c.result.blocks.map((b) => `${b.i},${b.j}`)));
  return (p) => {
    const i = dominantCentre(p);
    const city = cities[i];
    if (!city) return false;
    const [u, v] = city.result.grid.toGrid(p);
    const { blockWM, blockHM } = city.result.grid;
    return (sets[i] as Set<string>).has(`${Math.floor(u / blockWM)},${Math.floor(v / blockHM)}`);
  };
}

/** Town seats outside the city cores get a small grid of their own. */
export function layOutTowns(seats: readonly TownSeat[], site: Site, scale: number, rng: Rng): TownLayout[] {
  const eligible = seats.filter((s) => relDistToCities(s.seatDeg) > 1.7);
  const weight = (s: TownSeat) => (s.kind === '乡' ? 1 : 3);
  const weightSum = eligible.reduce((sum, s) => sum + weight(s), 0);
  const total = BUILDINGS_AT_SCALE_1 * scale * BUILDING_SHARES.towns;
  return eligible.map((seat, i) => {
    const r = rng.fork(`town:${seat.code}`);
    return {
      seat,
      result: layOut(
        {
          ownerId: 100 + i, centreDeg: seat.seatDeg, radiusM: seat.kind === '乡' ? 260 : 480, gridAngleDeg: r.range(-30, 30),
          blockWM: 150, blockHM: 120, insetM: 8, isCity: false, industryBearingsDeg: [],
          quota: Math.round((total * weight(seat)) / weightSum),
          owns: () => true,
        },
        site,
        r,
      ),
    };
  });
}

/** Rural houses for all villages, the village share of the total split by size. */
export function houseVillages(villages: readonly Village[], site: Site, scale: number, rng: Rng): BuildingDraft[] {
  const total = BUILDINGS_AT_SCALE_1 * scale * BUILDING_SHARES.villages;
  const sizes = villages.map(() => Math.exp(rng.gauss(0, 0.5)));
  const sizeSum = sizes.reduce((a, b) => a + b, 0);
  return villages.flatMap((v, i) => villageHouses(v, Math.max(3, Math.round((total * (sizes[i] ?? 1)) / sizeSum)), 1000 + (i % 60_000), site, rng));
}

/** Turns drafts into versioned rows with fids, districts, tower names and a few later versions. */
export function buildingRows(drafts: readonly BuildingDraft[], locator: DistrictLocator, fids: FidCounter, namer: Namer, rng: Rng): BuildingRow[] {
  const rows: BuildingRow[] = [];
  for (const d of drafts) {
    const fid = fids.next();
    const c = d.ring[0] as LonLat;
    const o = d.ring[2] as LonLat;
    const districtAdcode = locator.adcodeAt([(c[0] + o[0]) / 2, (c[1] + o[1]) / 2]);
    const name = d.use === 'commercial' && d.floors >= 20 ? namer.unique(`tower:${districtAdcode}`, () => namer.placeWord(), rng.pick(['大厦', '中心', '广场', '国际'])) : null;
    const base = { fid, name, use: d.use, floors: d.floors, heightM: d.heightM, yearBuilt: d.yearBuilt, districtAdcode, geom: [[d.ring]] };
    if (d.zone === 'lowrise' && d.yearBuilt <= 1995 && d.relDist < 2 && rng.chance(0.05)) {
      const rebuilt = rng.int(2010, 2023);
      const next = buildingAttributes('slab', rebuilt, d.relDist, true, false, rng);
      rows.push({ ...base, validFrom: julyFirst(d.yearBuilt), validTo: julyFirst(rebuilt), changeNote: null });
      rows.push({ ...base, ...next, name: null, yearBuilt: rebuilt, validFrom: julyFirst(rebuilt), validTo: null, changeNote: '旧城改造重建' });
    } else if (d.relDist >= 5 && d.yearBuilt < 2012 && rng.chance(0.01)) {
      const demolished = rng.int(2014, 2023);
      rows.push({ ...base, validFrom: julyFirst(d.yearBuilt), validTo: julyFirst(demolished), changeNote: `${demolished}年拆除` });
    } else {
      rows.push({ ...base, validFrom: julyFirst(d.yearBuilt), validTo: null, changeNote: null });
    }
  }
  return rows;
}
