/**
 * A synthetic elevation model: massifs plus fractal hills, pressed flat on the plains, along the
 * main river valleys and near the coast. Seed-independent (relief is geography).
 */
import { MASSIFS, PLAINS_DEG } from '../geography/terrain.ts';
import { MAIN_RIVERS, TRIBUTARIES } from '../geography/hydrography.ts';
import { COAST_DEG } from '../geography/outline.ts';
import { cityFrame } from '../core/geodesy.ts';
import { fractalNoise } from '../core/noise.ts';
import { SegmentIndex } from '../core/segment-index.ts';
import { PolygonSet } from '../core/planar.ts';
import type { LonLat, Ring } from '../types.ts';

const NOISE_SEED = 0x7a1200;
const TRANSITION_M = 3500;

function smoothstep(t: number): number {
  const c = t < 0 ? 0 : t > 1 ? 1 : t;
  return c * c * (3 - 2 * c);
}

/** Relief queries used by land cover, villages, towns and peaks. */
export interface Terrain {
  /** Approximate height above sea level, metres (0 … ~1300). */
  elevationM(p: LonLat): number;
  /** True on the alluvial plains (温黄平原 and the smaller basins). */
  onPlain(p: LonLat): boolean;
}

/** The synthetic elevation model (no randomness: relief is fixed geography). */
export function buildTerrain(): Terrain {
  const massifs = MASSIFS.map((m) => ({ xy: cityFrame.toXY(m.centreDeg), h: m.heightM, inv2s2: 1 / (2 * (m.sigmaKm * 1000) ** 2) }));
  const plainRings: Ring[] = PLAINS_DEG.map((ring) => [...ring, ring[0] as LonLat].map((p) => [p[0], p[1]] as LonLat));
  const plains = new PolygonSet(plainRings.map((r) => [[r]]));
  const plainEdges = new SegmentIndex(4000);
  for (const r of plainRings) plainEdges.addLine(r, 0);
  const coast = new SegmentIndex(4000);
  coast.addLine(COAST_DEG.map((p) => [p[0], p[1]] as LonLat), 0);
  // Valleys: wide along the main rivers, narrower along tributaries (half-widths in metres).
  const valleys = [
    ...MAIN_RIVERS.map((r) => ({ index: new SegmentIndex(4000), halfWidthM: r.grade === 1 ? 2600 : 1900, line: r.waypointsDeg })),
    ...TRIBUTARIES.map((r) => ({ index: new SegmentIndex(4000), halfWidthM: 900, line: r.waypointsDeg })),
  ];
  for (const v of valleys) v.index.addLine(v.line.map((p) => [p[0], p[1]] as LonLat), 0);

  function lowlandFactor(p: LonLat): number {
    let f = 1;
    if (plains.contains(p)) f = 0.02;
    else f = Math.min(f, 0.02 + 0.98 * smoothstep(plainEdges.distanceM(p, TRANSITION_M) / TRANSITION_M));
    for (const v of valleys) {
      if (f < 0.05) break;
      const d = v.index.distanceM(p, v.halfWidthM);
      if (d < v.halfWidthM) f = Math.min(f, 0.04 + 0.96 * smoothstep(d / v.halfWidthM) ** 1.5);
    }
    const dc = coast.distanceM(p, 3000);
    if (dc < 3000) f = Math.min(f, 0.1 + 0.9 * smoothstep(dc / 3000));
    return f;
  }

  return {
    onPlain: (p) => plains.contains(p),
    elevationM(p) {
      const [x, y] = cityFrame.toXY(p);
      let raw = 0;
      for (const m of massifs) raw += m.h * Math.exp(-((x - m.xy[0]) ** 2 + (y - m.xy[1]) ** 2) * m.inv2s2);
      raw += 420 * (fractalNoise(x / 9000, y / 9000, NOISE_SEED, 4) - 0.25);
      raw = Math.max(raw, 30) * (0.75 + 0.5 * fractalNoise(x / 2500, y / 2500, NOISE_SEED + 1, 3));
      const base = 2 + 6 * fractalNoise(x / 4000, y / 4000, NOISE_SEED + 2, 2);
      return base + raw * lowlandFactor(p);
    },
  };
}
