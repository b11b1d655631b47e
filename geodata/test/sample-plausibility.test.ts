/**
 * The generated geography against the real reference data in ../shared/data (development use
 * only, see its SOURCE.md; the generator itself never reads it): district centroids fall in the
 * right generated district, generated districts overlap the real ones, reservoirs sit at the
 * real dams.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { area } from '@turf/area';
import { intersect } from '@turf/intersect';
import { featureCollection, multiPolygon } from '@turf/helpers';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { generateSample, type LonLat, type MultiPolygonCoords, type SampleDataset } from '../src/sample/index.ts';

const SHARED = new URL('../../../shared/data/', import.meta.url);

interface Seeds {
  districts: { adcode: number; name: string; centroid: LonLat; seat: LonLat }[];
  reservoirs: { name: string; dam_lonlat: LonLat }[];
}

const seeds = JSON.parse(readFileSync(new URL('taizhou_geo_seeds.json', SHARED), 'utf8')) as Seeds;
const real = JSON.parse(readFileSync(new URL('taizhou_331000_districts_wgs84.geojson', SHARED), 'utf8')) as {
  features: Feature<Polygon | MultiPolygon, { adcode: number; name: string }>[];
};

function pointInRing(p: LonLat, ring: readonly LonLat[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!;
    const [xj, yj] = ring[j]!;
    if (yi > p[1] !== yj > p[1] && p[0] < ((xj - xi) * (p[1] - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function contains(mp: MultiPolygonCoords, p: LonLat): boolean {
  return mp.some((polygon) => pointInRing(p, polygon[0]!) && !polygon.slice(1).some((hole) => pointInRing(p, hole)));
}

/** Metres from p to the nearest edge of mp (0 inside), in a local equirectangular plane. */
function distanceM(mp: MultiPolygonCoords, p: LonLat): number {
  if (contains(mp, p)) return 0;
  const kx = 111_320 * Math.cos((p[1] * Math.PI) / 180);
  const ky = 110_900;
  let best = Infinity;
  for (const ring of mp.flat()) {
    for (let i = 1; i < ring.length; i++) {
      const [ax, ay] = [(ring[i - 1]![0] - p[0]) * kx, (ring[i - 1]![1] - p[1]) * ky];
      const [bx, by] = [(ring[i]![0] - p[0]) * kx, (ring[i]![1] - p[1]) * ky];
      const dx = bx - ax;
      const dy = by - ay;
      const t = Math.max(0, Math.min(1, -(ax * dx + ay * dy) / (dx * dx + dy * dy || 1)));
      best = Math.min(best, Math.hypot(ax + t * dx, ay + t * dy));
    }
  }
  return best;
}

describe('generated geography vs the real reference data', () => {
  let d: SampleDataset;
  beforeAll(() => {
    d = generateSample({ scale: 0.02 });
  }, 60_000);

  it('puts every real district centroid and seat inside the generated district of the same adcode', () => {
    expect(seeds.districts).toHaveLength(9);
    for (const s of seeds.districts) {
      const ours = d.districts.find((r) => r.adcode === String(s.adcode));
      expect(ours, s.name).toBeDefined();
      expect(contains(ours!.geom, s.centroid), `${s.name} centroid`).toBe(true);
      expect(contains(ours!.geom, s.seat), `${s.name} seat`).toBe(true);
    }
  });

  it('overlaps each real district by ≥ 50 % of the generated area', () => {
    for (const ours of d.districts) {
      const ref = real.features.find((f) => String(f.properties.adcode) === ours.adcode);
      expect(ref, ours.name).toBeDefined();
      const shared = intersect(featureCollection([multiPolygon(ours.geom), ref!]));
      const share = shared ? area(shared) / area(multiPolygon(ours.geom)) : 0;
      expect(share, ours.name).toBeGreaterThanOrEqual(0.5);
    }
  });

  it('covers about the real land area (±5 %)', () => {
    const realKm2 = real.features.reduce((s, f) => s + area(f), 0) / 1e6;
    const oursKm2 = d.districts.reduce((s, r) => s + r.areaKm2, 0);
    expect(Math.abs(oursKm2 - realKm2) / realKm2).toBeLessThan(0.05);
  });

  it('places each reservoir of the reference within 3 km of its real dam', () => {
    for (const r of seeds.reservoirs) {
      const ours = d.waterAreas.find((w) => w.kind === 'reservoir' && w.name === r.name);
      expect(ours, r.name).toBeDefined();
      expect(distanceM(ours!.geom, r.dam_lonlat), r.name).toBeLessThanOrEqual(3000);
    }
  });

  it('gives 长潭水库 about its real water area (35.5 km²)', () => {
    const ct = d.waterAreas.find((w) => w.name === '长潭水库')!;
    const km2 = area(multiPolygon(ct.geom)) / 1e6;
    expect(km2).toBeGreaterThan(30);
    expect(km2).toBeLessThan(40);
  });
});
