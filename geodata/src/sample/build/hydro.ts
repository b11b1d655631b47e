/**
 * Rivers (centre lines with grade and geodesic length) and inland water areas (reservoirs, river
 * surfaces), plus the corridors that keep buildings out of the water. Seed-independent.
 */
import { MAIN_RIVERS, RESERVOIRS, TRIBUTARIES, type RiverSpec } from '../geography/hydrography.ts';
import { LocalFrame, cityFrame, lineLengthM } from '../core/geodesy.ts';
import { corridorRing, meanderThrough, splitWhere } from '../core/lines.ts';
import { blobRing } from '../core/shapes.ts';
import { Rng, hashLabel } from '../core/prng.ts';
import { intersectPolygons } from '../core/clip.ts';
import { PolygonSet, ringIsSimple } from '../core/planar.ts';
import { SegmentIndex } from '../core/segment-index.ts';
import { Namer } from '../core/namer.ts';
import type { LineCoords, LonLat, RiverRow, WaterAreaRow } from '../types.ts';
import type { Land } from './land.ts';
import type { Terrain } from './terrain.ts';

/** Half of the water width assumed around a centre line without a surface polygon, metres. */
const HALF_WIDTH_BY_GRADE_M = { 1: 60, 2: 40, 3: 18, 4: 6 } as const;

/** Rivers and inland water, with the indexes other builders use to avoid them. */
export interface Hydro {
  readonly rivers: RiverRow[];
  /** Reservoirs and river surfaces (the sea is built with the land). */
  readonly waterAreas: WaterAreaRow[];
  /** Centre-line corridors of every river. */
  readonly corridors: SegmentIndex;
  /** Point-in-water test over `waterAreas`. */
  readonly water: PolygonSet;
}

function riverRow(name: string, grade: RiverRow['grade'], parts: LineCoords[]): RiverRow {
  const lengthM = parts.reduce((sum, part) => sum + lineLengthM(part), 0);
  return { name, grade, lengthKm: Math.round(lengthM) / 1000, geom: parts };
}

function surfaceOf(spec: RiverSpec, line: LineCoords, waypointIndex: readonly number[], land: Land): WaterAreaRow | null {
  const s = spec.surface;
  if (!s) return null;
  const from = waypointIndex[s.fromIndex] ?? 0;
  const to = waypointIndex[s.toIndex] ?? line.length - 1;
  const reach = line.slice(from, to + 1);
  const n = reach.length - 1;
  const ring = corridorRing(reach, (i) => s.widthFromM + ((s.widthToM - s.widthFromM) * i) / Math.max(1, n));
  if (!ringIsSimple(ring)) throw new Error(`river surface of ${spec.name} self-intersects`);
  const geom = intersectPolygons([[ring]], land.all);
  return geom.length > 0 ? { name: spec.name, kind: 'river', geom } : null;
}

function reservoirArea(spec: (typeof RESERVOIRS)[number], land: Land): WaterAreaRow {
  const frame = new LocalFrame(spec.damDeg[0], spec.damDeg[1]);
  // The lake lies upstream of the dam: its centre is one semi-major axis up the valley.
  const semiMajorM = Math.sqrt((spec.areaKm2 * 1e6 * spec.elongation) / Math.PI);
  const b = (spec.upstreamDeg * Math.PI) / 180;
  const centreDeg = frame.toLonLat(Math.sin(b) * semiMajorM * 0.85, Math.cos(b) * semiMajorM * 0.85);
  const ring = blobRing(
    { centreDeg, areaKm2: spec.areaKm2, elongation: spec.elongation, axisDeg: spec.upstreamDeg, vertices: 40, roughness: 0.28 },
    new Rng(hashLabel(spec.name)),
  );
  return { name: spec.name, kind: 'reservoir', geom: intersectPolygons([[ring]], land.all) };
}

/** Small grade-4 streams from upland sources to the nearest larger river. */
function generatedStreams(land: Land, terrain: Terrain, targets: readonly LineCoords[]): RiverRow[] {
  const rng = new Rng(hashLabel('streams'));
  const namer = new Namer(rng);
  const targetXY = targets.flatMap((line) => line.filter((_, i) => i % 3 === 0).map((p) => cityFrame.toXY(p)));
  const sourcesXY: [number, number][] = [];
  const rows: RiverRow[] = [];
  for (let gx = -80_000; gx <= 80_000; gx += 5_500) {
    for (let gy = -75_000; gy <= 75_000; gy += 5_500) {
      const x = gx + rng.range(-2000, 2000);
      const y = gy + rng.range(-2000, 2000);
      const src = cityFrame.toLonLat(x, y);
      if (!land.contains(src) || terrain.elevationM(src) < 250) continue;
      if (sourcesXY.some(([sx, sy]) => Math.hypot(sx - x, sy - y) < 4500)) continue;
      let best: [number, number] | null = null;
      let bestD = Infinity;
      for (const t of targetXY) {
        const d = Math.hypot(t[0] - x, t[1] - y);
        if (d < bestD) {
          bestD = d;
          best = t;
        }
      }
      if (!best || bestD < 2500 || bestD > 14_000) continue;
      sourcesXY.push([x, y]);
      const mouth = cityFrame.toLonLat(best[0], best[1]);
      const bend = cityFrame.toLonLat((x + best[0]) / 2 + rng.range(-0.15, 0.15) * bestD, (y + best[1]) / 2 + rng.range(-0.15, 0.15) * bestD);
      const { line } = meanderThrough([src, bend, mouth], 250, 150, rng);
      const parts = splitWhere(line, land.contains);
      if (parts.length > 0) rows.push(riverRow(namer.stream('stream'), 4, parts));
    }
  }
  return rows;
}

/** Builds the rivers, streams, reservoirs and river surfaces on the given land. */
export function buildHydro(land: Land, terrain: Terrain): Hydro {
  const rivers: RiverRow[] = [];
  const waterAreas: WaterAreaRow[] = [];
  const corridors = new SegmentIndex(1000);
  const targets: LineCoords[] = [];
  for (const spec of [...MAIN_RIVERS, ...TRIBUTARIES]) {
    const { line, waypointIndex } = meanderThrough(spec.waypointsDeg, spec.meanderM, 150, new Rng(hashLabel(spec.name)));
    const parts = splitWhere(line, land.contains);
    rivers.push(riverRow(spec.name, spec.grade, parts));
    targets.push(...parts);
    const surface = surfaceOf(spec, line, waypointIndex, land);
    if (surface) waterAreas.push(surface);
  }
  for (const spec of RESERVOIRS) waterAreas.push(reservoirArea(spec, land));
  rivers.push(...generatedStreams(land, terrain, targets));
  for (const river of rivers) for (const part of river.geom) corridors.addLine(part, HALF_WIDTH_BY_GRADE_M[river.grade]);
  return { rivers, waterAreas, corridors, water: new PolygonSet(waterAreas.map((w) => w.geom)) };
}

/** Where a river's name label goes: the vertex halfway along its longest part. */
export function riverLabelPoint(row: RiverRow): LonLat {
  const longest = row.geom.reduce<LineCoords>((a, b) => (b.length > a.length ? b : a), []);
  return longest[Math.floor(longest.length / 2)] ?? [0, 0];
}
