/**
 * 地名: county seats (rank 1), towns (2), villages and urban communities (3–4), peaks, water
 * bodies and points of interest (schools, hospitals, parks …, rank 4–5), each with the adcode of
 * the district it lies in.
 */
import { CITY_GOVERNMENT_DEG, DISTRICTS } from '../geography/districts.ts';
import { MASSIFS } from '../geography/terrain.ts';
import { SCHOOL_KINDS, OTHER_POI_KINDS } from '../geography/name-parts.ts';
import { cityFrame } from '../core/geodesy.ts';
import type { Rng } from '../core/prng.ts';
import type { Namer } from '../core/namer.ts';
import type { LonLat, PlaceNameRow } from '../types.ts';
import type { DistrictLocator } from './districts.ts';
import type { TownSeat } from './towns.ts';
import type { Village } from './villages.ts';
import type { Hydro } from './hydro.ts';
import type { Terrain } from './terrain.ts';
import type { Site } from './urban-layout.ts';
import { riverLabelPoint } from './hydro.ts';

/** Named bays and the sea (label points offshore; adcode of the nearest district). */
const SEA_NAMES: readonly [string, LonLat][] = [
  ['台州湾', [121.62, 28.64]], ['三门湾', [121.64, 29.13]], ['乐清湾', [121.12, 28.22]], ['东海', [121.9, 28.25]],
];

function shortName(name: string): string {
  return name.replace(/(街道|镇|乡|区|县|市)$/, '');
}

/** 台州市, the nine county seats (rank 1) and the town seats (rank 2). */
export function seatAndTownNames(seats: readonly TownSeat[]): PlaceNameRow[] {
  return [
    { name: '台州市', class: 'seat', rank: 1, adcode: '331002', geom: CITY_GOVERNMENT_DEG },
    ...DISTRICTS.map((d): PlaceNameRow => ({ name: d.name, class: 'seat', rank: 1, adcode: d.adcode, geom: d.seatDeg })),
    ...seats.map((s): PlaceNameRow => ({ name: s.name, class: 'town', rank: 2, adcode: s.districtAdcode, geom: s.seatDeg })),
  ];
}

/** One name per village; every third village is rank 3, the rest rank 4. */
export function villageNames(villages: readonly Village[]): PlaceNameRow[] {
  return villages.map((v, i) => ({ name: v.name, class: 'village', rank: i % 3 === 0 ? 3 : 4, adcode: v.adcode, geom: v.pointDeg }));
}

/** 社区 at built-up points of the city layouts, at least 600 m apart. */
export function communityNames(points: readonly LonLat[], count: number, locator: DistrictLocator, namer: Namer): PlaceNameRow[] {
  const rows: PlaceNameRow[] = [];
  const taken: [number, number][] = [];
  for (const p of points) {
    if (rows.length >= count) break;
    const [x, y] = cityFrame.toXY(p);
    if (taken.some(([tx, ty]) => Math.hypot(tx - x, ty - y) < 600)) continue;
    taken.push([x, y]);
    const adcode = locator.adcodeAt(p);
    rows.push({ name: namer.community(`community:${adcode}`), class: 'community', rank: 4, adcode, geom: p });
  }
  return rows;
}

/** The named massifs plus generated summits at local maxima of the terrain. */
export function peakNames(site: Site, terrain: Terrain, locator: DistrictLocator, namer: Namer, rng: Rng): PlaceNameRow[] {
  const rows: PlaceNameRow[] = MASSIFS.filter((m) => site.land.contains(m.centreDeg)).map((m) => ({
    name: m.name, class: 'peak', rank: 3, adcode: locator.adcodeAt(m.centreDeg), geom: m.centreDeg,
  }));
  for (const m of MASSIFS) namer.reserve('peak', m.name);
  for (let gx = -85_000; gx <= 85_000; gx += 2500) {
    for (let gy = -80_000; gy <= 75_000; gy += 2500) {
      const p = cityFrame.toLonLat(gx + rng.range(-900, 900), gy + rng.range(-900, 900));
      if (!site.land.contains(p)) continue;
      const h = terrain.elevationM(p);
      if (h < 450) continue;
      // A summit: higher than eight points 900 m around it.
      let top = true;
      for (let k = 0; k < 8 && top; k++) {
        const a = (k * Math.PI) / 4;
        const [x, y] = cityFrame.toXY(p);
        if (terrain.elevationM(cityFrame.toLonLat(x + 900 * Math.cos(a), y + 900 * Math.sin(a))) > h) top = false;
      }
      if (top) rows.push({ name: namer.peak('peak'), class: 'peak', rank: 4, adcode: locator.adcodeAt(p), geom: p });
    }
  }
  return rows;
}

/** Rivers at mid-length, reservoirs at their centre, bays and the sea offshore. */
export function waterNames(hydro: Hydro, locator: DistrictLocator): PlaceNameRow[] {
  const rows: PlaceNameRow[] = [];
  for (const river of hydro.rivers) {
    const p = riverLabelPoint(river);
    rows.push({ name: river.name, class: 'water', rank: river.grade <= 2 ? 3 : river.grade === 3 ? 4 : 5, adcode: locator.adcodeAt(p), geom: p });
  }
  for (const w of hydro.waterAreas) {
    if (w.kind !== 'reservoir') continue;
    const ring = w.geom[0]?.[0] ?? [];
    const p: LonLat = [ring.reduce((s, q) => s + q[0], 0) / ring.length, ring.reduce((s, q) => s + q[1], 0) / ring.length];
    rows.push({ name: w.name, class: 'water', rank: 3, adcode: locator.adcodeAt(p), geom: p });
  }
  for (const [name, p] of SEA_NAMES) rows.push({ name, class: 'water', rank: 3, adcode: locator.adcodeAt(p), geom: p });
  return rows;
}

/** A place where a point of interest may go. */
export interface PoiAnchor {
  readonly pointDeg: LonLat;
  /** Name of the town or centre the POI belongs to. */
  readonly placeName: string;
  /** Campus halls become schools or hospitals. */
  readonly campus: boolean;
}

/** Schools, hospitals, parks, markets … near the given anchors. */
export function poiNames(anchors: readonly PoiAnchor[], count: number, locator: DistrictLocator, namer: Namer, rng: Rng): PlaceNameRow[] {
  const rows: PlaceNameRow[] = [];
  const hospitals = new Set<string>();
  for (let i = 0; i < anchors.length && rows.length < count; i++) {
    const a = anchors[i] as PoiAnchor;
    const adcode = locator.adcodeAt(a.pointDeg);
    const district = DISTRICTS.find((d) => d.adcode === adcode);
    const place = shortName(a.placeName);
    let stem: string;
    let kind: string;
    if (a.campus && district && !hospitals.has(adcode)) {
      hospitals.add(adcode);
      stem = shortName(district.name);
      kind = '人民医院';
    } else if (a.campus || rng.chance(0.35)) {
      stem = rng.chance(0.5) ? place : namer.placeWord();
      kind = rng.pick(SCHOOL_KINDS);
    } else {
      stem = rng.chance(0.4) ? place : namer.placeWord();
      kind = rng.pick(OTHER_POI_KINDS);
    }
    // The first try is the local name (海门小学); repeats fall back to generated stems.
    let tries = 0;
    const name = namer.unique(`poi:${adcode}`, () => (tries++ === 0 ? stem : namer.placeWord()), kind);
    rows.push({ name, class: 'poi', rank: kind === '人民医院' ? 4 : 5, adcode, geom: a.pointDeg });
  }
  return rows;
}
