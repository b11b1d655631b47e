/**
 * Lays out one urban centre: candidate blocks of its street grid are built on in order of their
 * distance from the centre, stretched by smooth noise so the built-up area grows with organic
 * edges rather than as a disc; each block gets a zone and a year, and its lots become buildings
 * until the centre's quota is met.
 * Lots that would sit in water, on a road or river corridor, off the land or in another
 * layout's cells are skipped.
 */
import type { Rng } from '../core/prng.ts';
import { fractalNoise } from '../core/noise.ts';
import type { SegmentIndex } from '../core/segment-index.ts';
import type { LonLat, Ring } from '../types.ts';
import type { Land } from './land.ts';
import type { Hydro } from './hydro.ts';
import type { Occupancy } from './occupancy.ts';
import { GridFrame } from './grid-frame.ts';
import { blockLots, type BlockZone } from './footprints.ts';
import { blockYear, buildingAttributes, clampYear, type BuildingAttributes } from './building-attributes.ts';

/** Parameters of one urban layout (a city centre or a town seat). */
export interface LayoutSpec {
  readonly ownerId: number;
  readonly centreDeg: LonLat;
  readonly radiusM: number;
  readonly gridAngleDeg: number;
  readonly blockWM: number;
  readonly blockHM: number;
  /** Half street width between blocks, metres. */
  readonly insetM: number;
  readonly isCity: boolean;
  readonly industryBearingsDeg: readonly number[];
  readonly quota: number;
  /** Whether this layout may use a block centred at `p` (the city centres split the plain). */
  owns(p: LonLat): boolean;
}

/** What a layout stands on and must avoid. */
export interface Site {
  readonly land: Land;
  readonly hydro: Hydro;
  readonly roadCorridors: SegmentIndex;
  /** Edges of the land and of the inland water: no footprint may cross one. */
  readonly edges: SegmentIndex;
  readonly occupancy: Occupancy;
}

/** A block that received at least one building. */
export interface PlacedBlock {
  readonly i: number;
  readonly j: number;
  readonly year: number;
  readonly zone: BlockZone;
}

/** A building before it gets a fid, a district and versions. */
export interface BuildingDraft extends BuildingAttributes {
  readonly ring: Ring;
  readonly yearBuilt: number;
  readonly zone: BlockZone;
  readonly relDist: number;
}

/** The grid, the built blocks and the buildings of one layout. */
export interface LayoutResult {
  readonly grid: GridFrame;
  readonly blocks: PlacedBlock[];
  readonly buildings: BuildingDraft[];
}

function angleDiffDeg(a: number, b: number): number {
  const d = Math.abs((((a - b) % 360) + 540) % 360 - 180);
  return d;
}

function chooseZone(spec: LayoutSpec, rel: number, bearingDeg: number, year: number, rng: Rng): BlockZone {
  if (spec.isCity) {
    const inBelt = rel > 0.9 && rel < 3.2 && spec.industryBearingsDeg.some((b) => angleDiffDeg(bearingDeg, b) < 35);
    if ((inBelt && rng.chance(0.7)) || (rel > 2 && rng.chance(0.12))) return 'industrial';
    if ((rel < 0.5 && rng.chance(0.45)) || (rel < 0.9 && rng.chance(0.12))) return 'commercial';
    if (rng.chance(0.05)) return 'campus';
    if (year < 1998) return 'lowrise';
    return rel > 1.3 && rng.chance(0.25) ? 'villa' : 'slab';
  }
  if (rel < 0.4 && rng.chance(0.25)) return 'commercial';
  if (rel > 1.2 && rng.chance(0.25)) return 'industrial';
  if (rng.chance(0.04)) return 'campus';
  if (year >= 2005 && rng.chance(0.35)) return 'slab';
  return rng.chance(0.55) ? 'lowrise' : 'villa';
}

function siteAllows(site: Site, ring: Ring, centre: LonLat, halfDiagM: number): boolean {
  if (!site.land.contains(centre) || site.hydro.water.contains(centre)) return false;
  for (let k = 0; k < ring.length - 1; k++) {
    const p = ring[k] as LonLat;
    if (!site.land.contains(p) || site.hydro.water.contains(p)) return false;
  }
  return !site.hydro.corridors.isNear(centre, halfDiagM) && !site.roadCorridors.isNear(centre, halfDiagM) && !site.edges.crossesRing(ring);
}

/** Lays out one centre until its quota is met or its candidate blocks run out. */
export function layOut(spec: LayoutSpec, site: Site, rng: Rng): LayoutResult {
  const grid = new GridFrame(spec.centreDeg, spec.gridAngleDeg, spec.blockWM, spec.blockHM);
  const W = spec.blockWM;
  const H = spec.blockHM;
  const reachM = spec.radiusM * (spec.isCity ? 3.8 : 3.2);
  const candidates: { i: number; j: number; key: number; rel: number; bearingDeg: number }[] = [];
  const ni = Math.ceil(reachM / W);
  const nj = Math.ceil(reachM / H);
  const a = (spec.gridAngleDeg * Math.PI) / 180;
  for (let i = -ni; i < ni; i++) {
    for (let j = -nj; j < nj; j++) {
      const u = (i + 0.5) * W;
      const v = (j + 0.5) * H;
      const d = Math.hypot(u, v);
      const draw = rng.next();
      if (d > reachM) continue;
      const p = grid.toLonLat(u, v);
      if (!spec.owns(p) || !site.land.contains(p)) continue;
      const rel = d / spec.radiusM;
      const stretch = 0.45 + 1.1 * fractalNoise(u / 2500, v / 2500, spec.ownerId * 7717, 3);
      const east = u * Math.cos(a) - v * Math.sin(a);
      const north = u * Math.sin(a) + v * Math.cos(a);
      candidates.push({ i, j, key: rel * stretch + 0.45 * draw, rel, bearingDeg: (Math.atan2(east, north) * 180) / Math.PI });
    }
  }
  candidates.sort((x, y) => x.key - y.key || x.i - y.i || x.j - y.j);

  const blocks: PlacedBlock[] = [];
  const buildings: BuildingDraft[] = [];
  for (const c of candidates) {
    if (buildings.length >= spec.quota) break;
    const year = blockYear(c.rel, spec.isCity, rng);
    const zone = chooseZone(spec, c.rel, c.bearingDeg, year, rng);
    const lots = blockLots(zone, c.i * W + spec.insetM, c.j * H + spec.insetM, (c.i + 1) * W - spec.insetM, (c.j + 1) * H - spec.insetM, rng);
    let placed = 0;
    for (const lot of lots) {
      if (buildings.length >= spec.quota) break;
      const ring = grid.ring(lot.corners);
      let su = 0;
      let sv = 0;
      let r2 = 0;
      for (const [u, v] of lot.corners) {
        su += u;
        sv += v;
      }
      su /= lot.corners.length;
      sv /= lot.corners.length;
      for (const [u, v] of lot.corners) r2 = Math.max(r2, (u - su) ** 2 + (v - sv) ** 2);
      const centre = grid.toLonLat(su, sv);
      if (!siteAllows(site, ring, centre, Math.sqrt(r2)) || !site.occupancy.claim(ring, spec.ownerId)) continue;
      const yearBuilt = clampYear(year + rng.int(-1, 1));
      buildings.push({ ring, yearBuilt, zone, relDist: c.rel, ...buildingAttributes(zone, yearBuilt, c.rel, spec.isCity, lot.main, rng) });
      placed++;
    }
    if (placed > 0) blocks.push({ i: c.i, j: c.j, year, zone });
  }
  return { grid, blocks, buildings };
}
