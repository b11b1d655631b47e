/**
 * 乡镇街道 as a Voronoi partition of town seats inside each district, clipped to the district,
 * so towns tile their district exactly. Seats come from the hints in geography/towns.ts where
 * they fall inside the generated district; the others are spread out by farthest-point
 * sampling (街道 near the county seat, 镇 in the lowlands, 乡 in the uplands). Seed-independent.
 */
import { TOWNS_BY_DISTRICT, type TownSpec } from '../geography/towns.ts';
import { cityFrame } from '../core/geodesy.ts';
import { voronoiCells, type XY } from '../core/voronoi.ts';
import { intersectPolygons } from '../core/clip.ts';
import { PolygonSet, bboxOfMultiPolygon, roundPoint } from '../core/planar.ts';
import { Rng, hashLabel } from '../core/prng.ts';
import type { DistrictRow, LonLat, Ring, TownKind, TownRow } from '../types.ts';
import type { DistrictSpec } from '../geography/districts.ts';
import type { Terrain } from './terrain.ts';
import type { Hydro } from './hydro.ts';

/** A town's seat: where its label, its place name and its small urban centre go. */
export interface TownSeat {
  readonly code: string;
  readonly name: string;
  readonly kind: TownKind;
  readonly districtAdcode: string;
  readonly seatDeg: LonLat;
}

const MIN_SPACING_M = 1300;
const CODE_BASE: Record<TownKind, number> = { 街道: 1, 镇: 100, 乡: 200 };

function placeSeats(district: DistrictRow, spec: DistrictSpec, terrain: Terrain, hydro: Hydro): { town: TownSpec; xy: XY }[] {
  const rng = new Rng(hashLabel(`towns:${district.adcode}`));
  const inside = new PolygonSet([district.geom]);
  const ok = (p: LonLat) => inside.contains(p) && !hydro.water.contains(p);
  const placed: { town: TownSpec; xy: XY }[] = [];
  const farEnough = (xy: XY, spacing = MIN_SPACING_M) => placed.every((s) => Math.hypot(s.xy[0] - xy[0], s.xy[1] - xy[1]) >= spacing);
  const specs = TOWNS_BY_DISTRICT[district.adcode] ?? [];
  const pending: TownSpec[] = [];
  for (const town of specs) {
    const xy = town.hintDeg ? cityFrame.toXY(town.hintDeg) : null;
    if (town.hintDeg && xy && ok(town.hintDeg) && farEnough(xy)) placed.push({ town, xy });
    else pending.push(town);
  }
  // Candidate points spread over the district for the towns still without a seat.
  const [minX, minY, maxX, maxY] = bboxOfMultiPolygon(district.geom);
  const candidates: { p: LonLat; xy: XY; elevationM: number }[] = [];
  for (let i = 0; i < 4000 && candidates.length < 1200; i++) {
    const p: LonLat = [rng.range(minX, maxX), rng.range(minY, maxY)];
    if (ok(p)) candidates.push({ p, xy: cityFrame.toXY(p), elevationM: terrain.elevationM(p) });
  }
  const seatXY = cityFrame.toXY(spec.seatDeg);
  for (const town of pending) {
    let best: { xy: XY; score: number } | null = null;
    for (const c of candidates) {
      const minDist = placed.reduce((m, s) => Math.min(m, Math.hypot(s.xy[0] - c.xy[0], s.xy[1] - c.xy[1])), Infinity);
      if (minDist < MIN_SPACING_M) continue;
      const fromSeat = Math.hypot(c.xy[0] - seatXY[0], c.xy[1] - seatXY[1]);
      const score =
        town.kind === '街道'
          ? -fromSeat + Math.min(minDist, 2500)
          : Math.min(minDist, 20_000) * (town.kind === '乡' ? 0.5 + Math.min(c.elevationM, 600) / 600 : 1.4 - Math.min(c.elevationM, 400) / 400);
      if (!best || score > best.score) best = { xy: c.xy, score };
    }
    if (!best) throw new Error(`no room for ${town.name} in ${district.name}`);
    placed.push({ town, xy: best.xy });
  }
  return placed;
}

/** Town rows tiling each district, and the town seats. */
export function buildTowns(districts: readonly DistrictRow[], specs: readonly DistrictSpec[], terrain: Terrain, hydro: Hydro): { rows: TownRow[]; seats: TownSeat[] } {
  const rows: TownRow[] = [];
  const seats: TownSeat[] = [];
  districts.forEach((district, d) => {
    const spec = specs[d] as DistrictSpec;
    const placed = placeSeats(district, spec, terrain, hydro);
    const [minX, minY, maxX, maxY] = bboxOfMultiPolygon(district.geom);
    const [x0, y0] = cityFrame.toXY([minX, minY]);
    const [x1, y1] = cityFrame.toXY([maxX, maxY]);
    const cells = voronoiCells(
      placed.map((s) => s.xy),
      [x0 - 5000, y0 - 5000, x1 + 5000, y1 + 5000],
    );
    const counters: Record<TownKind, number> = { 街道: 0, 镇: 0, 乡: 0 };
    // Codes follow the list order (街道 0xx, 镇 1xx, 乡 2xx), not the placement order.
    const order = [...placed].sort((a, b) => (TOWNS_BY_DISTRICT[district.adcode] ?? []).indexOf(a.town) - (TOWNS_BY_DISTRICT[district.adcode] ?? []).indexOf(b.town));
    for (const s of order) {
      const cell = cells[placed.indexOf(s)] ?? [];
      // Snapped like district cells so neighbouring towns agree on shared vertices.
      const ring: Ring = cell.map(([x, y]) => cityFrame.toLonLat(x, y)).map(([lon, lat]) => [Math.round(lon * 1e9) / 1e9, Math.round(lat * 1e9) / 1e9]);
      ring.push([(ring[0] as LonLat)[0], (ring[0] as LonLat)[1]]);
      const geom = intersectPolygons([[ring]], district.geom);
      const code = district.adcode + String(CODE_BASE[s.town.kind] + counters[s.town.kind]++).padStart(3, '0');
      rows.push({ code, name: s.town.name, kind: s.town.kind, districtAdcode: district.adcode, geom });
      seats.push({ code, name: s.town.name, kind: s.town.kind, districtAdcode: district.adcode, seatDeg: roundPoint(cityFrame.toLonLat(s.xy[0], s.xy[1])) });
    }
  });
  return { rows, seats };
}
