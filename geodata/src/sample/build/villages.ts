/**
 * Villages (村): points spread over the lowlands and valleys (fewer up the mountains, none in
 * the city cores), each with a unique name in its district and a cluster of rural houses laid on
 * a small rotated grid around it.
 */
import { cityFrame } from '../core/geodesy.ts';
import type { Rng } from '../core/prng.ts';
import type { Namer } from '../core/namer.ts';
import type { LonLat } from '../types.ts';
import type { Terrain } from './terrain.ts';
import type { DistrictLocator } from './districts.ts';
import type { Site, BuildingDraft } from './urban-layout.ts';
import { GridFrame } from './grid-frame.ts';
import { ruralAttributes, clampYear } from './building-attributes.ts';

/** A village: its name, district, point and elevation. */
export interface Village {
  readonly name: string;
  readonly adcode: string;
  readonly pointDeg: LonLat;
  readonly elevationM: number;
}

const MIN_SPACING_M = 750;

/** Up to `count` villages; `excluded` marks urban areas where villages would be communities. */
export function placeVillages(count: number, site: Site, terrain: Terrain, locator: DistrictLocator, excluded: (p: LonLat) => boolean, namer: Namer, rng: Rng): Village[] {
  const villages: Village[] = [];
  const buckets = new Map<number, [number, number][]>();
  const key = (cx: number, cy: number) => (cx + 500) * 1000 + (cy + 500);
  for (let attempt = 0; attempt < count * 80 && villages.length < count; attempt++) {
    const p: LonLat = [rng.range(120.28, 121.95), rng.range(28.0, 29.35)];
    if (!site.land.contains(p) || site.hydro.water.contains(p) || site.hydro.corridors.isNear(p, 60) || excluded(p)) continue;
    const elevationM = terrain.elevationM(p);
    if (!rng.chance(Math.exp(-elevationM / 260))) continue;
    const [x, y] = cityFrame.toXY(p);
    const cx = Math.floor(x / MIN_SPACING_M);
    const cy = Math.floor(y / MIN_SPACING_M);
    let tooClose = false;
    for (let dx = -1; dx <= 1 && !tooClose; dx++)
      for (let dy = -1; dy <= 1 && !tooClose; dy++)
        for (const [ox, oy] of buckets.get(key(cx + dx, cy + dy)) ?? []) if (Math.hypot(ox - x, oy - y) < MIN_SPACING_M) tooClose = true;
    if (tooClose) continue;
    const k = key(cx, cy);
    const list = buckets.get(k);
    if (list) list.push([x, y]);
    else buckets.set(k, [[x, y]]);
    const adcode = locator.adcodeAt(p);
    villages.push({ name: namer.village(`village:${adcode}`), adcode, pointDeg: p, elevationM });
  }
  return villages;
}

/** Rural houses around one village: lots of a 24 m × 22 m grid filled from the middle out. */
export function villageHouses(village: Village, houses: number, ownerId: number, site: Site, rng: Rng): BuildingDraft[] {
  const grid = new GridFrame(village.pointDeg, rng.range(-40, 40), 24, 22);
  const side = Math.ceil(Math.sqrt(houses * 1.6)) + 2;
  const lots: { i: number; j: number; order: number }[] = [];
  for (let i = -side; i <= side; i++)
    for (let j = -side; j <= side; j++) lots.push({ i, j, order: Math.hypot(i * 1.2, j) + rng.range(0, 2.5) });
  lots.sort((a, b) => a.order - b.order || a.i - b.i || a.j - b.j);
  const drafts: BuildingDraft[] = [];
  const baseYear = rng.range(1982, 2012);
  for (const lot of lots) {
    if (drafts.length >= houses) break;
    if (!rng.chance(0.8)) continue;
    const bw = rng.range(9, 13);
    const bh = rng.range(9.5, 14);
    const u0 = lot.i * 24 + rng.range(2, 24 - bw - 2);
    const v0 = lot.j * 22 + rng.range(2, 22 - bh - 2);
    const ring = grid.ring([[u0, v0], [u0 + bw, v0], [u0 + bw, v0 + bh], [u0, v0 + bh]]);
    const centre = grid.toLonLat(u0 + bw / 2, v0 + bh / 2);
    let ok = site.land.contains(centre) && !site.hydro.water.contains(centre);
    for (let k = 0; ok && k < 4; k++) ok = site.land.contains(ring[k] as LonLat);
    if (!ok || site.hydro.corridors.isNear(centre, 10) || site.roadCorridors.isNear(centre, 10) || site.edges.crossesRing(ring)) continue;
    if (!site.occupancy.claim(ring, ownerId)) continue;
    const yearBuilt = clampYear(baseYear + rng.gauss(0, 8));
    drafts.push({ ring, yearBuilt, zone: 'villa', relDist: 5, ...ruralAttributes(rng) });
  }
  return drafts;
}
