/**
 * generateSample: the whole Taizhou sample dataset from a seed, without I/O. Geography (land,
 * districts, towns, relief, rivers, water) is fixed; what stands on it (buildings, streets,
 * villages, names, land cover) follows the seed, each part from its own forked random stream.
 */
import { Rng } from './core/prng.ts';
import { Namer } from './core/namer.ts';
import { SegmentIndex } from './core/segment-index.ts';
import { roundPoint } from './core/planar.ts';
import { cityFrame } from './core/geodesy.ts';
import { buildLand, buildCoastline, buildSea } from './build/land.ts';
import { buildTerrain } from './build/terrain.ts';
import { buildHydro } from './build/hydro.ts';
import { buildDistricts, buildDistrictLocator } from './build/districts.ts';
import { buildTowns, type TownSeat } from './build/towns.ts';
import { buildIntercityRoads, trimAtCities, ROAD_HALF_WIDTH_M } from './build/intercity-roads.ts';
import { Occupancy } from './build/occupancy.ts';
import { buildingRows, houseVillages, insideBuiltCity, layOutCities, layOutTowns, relDistToCities } from './build/buildings.ts';
import { placeVillages } from './build/villages.ts';
import { buildStreets } from './build/streets.ts';
import { communityNames, peakNames, poiNames, seatAndTownNames, villageNames, waterNames, type PoiAnchor } from './build/place-names.ts';
import { buildLandCover } from './build/land-cover.ts';
import { FidCounter } from './build/versions.ts';
import type { Site, LayoutResult } from './build/urban-layout.ts';
import type { LonLat, SampleDataset, SampleOptions } from './types.ts';

/** Seed of the default dataset (the one `npm start` and the tests load). */
export const DEFAULT_SEED = 20240701;

/** Counts at scale 1 that are not driven by the building total. */
const VILLAGES_AT_SCALE_1 = 3600;
const COMMUNITIES_AT_SCALE_1 = 650;
const POIS_AT_SCALE_1 = 1000;

function blockCentres(result: LayoutResult): { p: LonLat; campus: boolean }[] {
  const { grid } = result;
  return result.blocks.map((b) => ({ p: grid.toLonLat((b.i + 0.5) * grid.blockWM, (b.j + 0.5) * grid.blockHM), campus: b.zone === 'campus' }));
}

function nearestSeatName(seats: readonly TownSeat[], p: LonLat): string {
  const [x, y] = cityFrame.toXY(p);
  let best = '';
  let bestD = Infinity;
  for (const s of seats) {
    const [sx, sy] = cityFrame.toXY(s.seatDeg);
    const d = Math.hypot(sx - x, sy - y);
    if (d < bestD) {
      bestD = d;
      best = s.name;
    }
  }
  return best;
}

/**
 * Generates the Taizhou sample dataset. Deterministic: the same `seed` and `scale` give an
 * identical dataset on every run. At `scale` 1 it holds ≥ 150 000 buildings and ≥ 5 000 place
 * names; smaller scales shrink buildings, villages, communities and POIs proportionally.
 */
export function generateSample(options: SampleOptions = {}): SampleDataset {
  const seed = options.seed ?? DEFAULT_SEED;
  const scale = options.scale ?? 1;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`seed must be an integer in [0, 2^32): ${seed}`);
  if (!(scale > 0 && scale <= 10)) throw new RangeError(`scale must be in (0, 10]: ${scale}`);
  const rng = new Rng(seed);

  const land = buildLand();
  const terrain = buildTerrain();
  const hydro = buildHydro(land, terrain);
  const districts = buildDistricts(land);
  const locator = buildDistrictLocator();
  const towns = buildTowns(districts, locator.specs, terrain, hydro);

  // Cities are laid out around the expressways; the other intercity roads then end at the city
  // edges, and towns and villages keep off all of them.
  const roadFids = new FidCounter();
  const expressCorridors = new SegmentIndex(1000);
  const intercityDraft = buildIntercityRoads(land, roadFids, rng.fork('intercity'));
  for (const r of intercityDraft) if (r.class === 'expressway' && r.validTo === null) for (const part of r.geom) expressCorridors.addLine(part, ROAD_HALF_WIDTH_M.expressway);
  const occupancy = new Occupancy();
  const edges = new SegmentIndex(500);
  for (const mp of [land.all, ...hydro.waterAreas.map((w) => w.geom)]) for (const polygon of mp) for (const ring of polygon) edges.addLine(ring, 0);
  const cities = layOutCities({ land, hydro, roadCorridors: expressCorridors, edges, occupancy }, scale, rng.fork('cities'));
  const intercity = trimAtCities(intercityDraft, insideBuiltCity(cities));
  const roadCorridors = new SegmentIndex(1000);
  for (const r of intercity) if (r.validTo === null) for (const part of r.geom) roadCorridors.addLine(part, ROAD_HALF_WIDTH_M[r.class]);
  const site: Site = { land, hydro, roadCorridors, edges, occupancy };

  const townLayouts = layOutTowns(towns.seats, site, scale, rng.fork('towns'));
  const namer = new Namer(rng.fork('names'));
  const villages = placeVillages(Math.max(10, Math.round(VILLAGES_AT_SCALE_1 * scale)), site, terrain, locator, (p) => relDistToCities(p) < 1.6, namer, rng.fork('villages'));
  const drafts = [
    ...cities.flatMap((c) => c.result.buildings),
    ...townLayouts.flatMap((t) => t.result.buildings),
    ...houseVillages(villages, site, scale, rng.fork('houses')),
  ];

  const streetRng = rng.fork('streets');
  const roads = [
    ...intercity,
    ...cities.flatMap((c) => buildStreets(c.result, site, { isCity: true, arterialNames: c.centre.arterialNames, namespace: `street:${c.centre.adcode}` }, roadFids, namer, streetRng)),
    ...townLayouts.flatMap((t) => buildStreets(t.result, site, { isCity: false, arterialNames: [], namespace: `street:${t.seat.districtAdcode}` }, roadFids, namer, streetRng)),
  ];
  // Streets follow their own layout's blocks; where one runs into a neighbouring layout (a
  // village by a city edge) the building on its line gives way.
  const roadLines = new SegmentIndex(500);
  for (const r of roads) if (r.validTo === null) for (const part of r.geom) roadLines.addLine(part, 0);
  const buildings = buildingRows(drafts.filter((b) => !roadLines.crossesRing(b.ring)), locator, new FidCounter(), namer, rng.fork('building-rows'));

  const nameRng = rng.fork('place-names');
  const cityBlocks = nameRng.shuffle(cities.flatMap((c) => blockCentres(c.result)));
  const townBlocks = nameRng.shuffle(townLayouts.flatMap((t) => blockCentres(t.result)));
  const poiAnchors: PoiAnchor[] = [...cityBlocks.filter((b) => b.campus), ...townBlocks.filter((b) => b.campus), ...cityBlocks.filter((b) => !b.campus), ...townBlocks.filter((b) => !b.campus)].map((b) => ({
    pointDeg: b.p, campus: b.campus, placeName: nearestSeatName(towns.seats, b.p),
  }));
  const placeNames = [
    ...seatAndTownNames(towns.seats),
    ...villageNames(villages),
    ...communityNames(cityBlocks.map((b) => b.p), Math.round(COMMUNITIES_AT_SCALE_1 * scale), locator, namer),
    ...peakNames(site, terrain, locator, namer, rng.fork('peaks')),
    ...waterNames(hydro, locator),
    ...poiNames(poiAnchors, Math.round(POIS_AT_SCALE_1 * scale), locator, namer, rng.fork('pois')),
  ].map((row) => ({ ...row, geom: roundPoint(row.geom) }));

  const landCover = buildLandCover(land, hydro, terrain, buildings, seed, new FidCounter());

  return {
    seed,
    scale,
    districts,
    towns: towns.rows,
    coastline: buildCoastline(land),
    waterAreas: [...hydro.waterAreas, buildSea(land)],
    rivers: hydro.rivers,
    placeNames,
    roads,
    buildings,
    landCover,
  };
}
