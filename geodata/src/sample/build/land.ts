/**
 * The land of the sample city (mainland + islands), its coastline rows and the sea strip.
 * Seed-independent: geography stays put whatever the seed; only the details built on it vary.
 */
import { COAST_DEG, ISLANDS, LAND_BORDER_DEG, SEA_EXTENT_DEG } from '../geography/outline.ts';
import { blobRing } from '../core/shapes.ts';
import { Rng, hashLabel } from '../core/prng.ts';
import { PolygonSet, ringSignedArea2 } from '../core/planar.ts';
import { subtractPolygons } from '../core/clip.ts';
import type { CoastlineRow, LonLat, MultiPolygonCoords, PolygonCoords, Ring, WaterAreaRow } from '../types.ts';

/** An offshore island polygon. */
export interface Island {
  readonly name: string;
  readonly polygon: PolygonCoords;
}

/** The city's land, with a fast point-in-land test. */
export interface Land {
  readonly mainland: PolygonCoords;
  readonly islands: readonly Island[];
  /** Mainland and islands as one MultiPolygon. */
  readonly all: MultiPolygonCoords;
  contains(p: LonLat): boolean;
}

function counterClockwise(ring: Ring): Ring {
  return ringSignedArea2(ring) < 0 ? [...ring].reverse() : ring;
}

/** Mainland and island polygons from geography/outline.ts. */
export function buildLand(): Land {
  const ring: Ring = [...LAND_BORDER_DEG, ...COAST_DEG].map((p) => [p[0], p[1]] as LonLat);
  const mainland: PolygonCoords = [counterClockwise(ring)];
  const islands = ISLANDS.map((spec) => ({
    name: spec.name,
    polygon: [blobRing({ ...spec, vertices: 16, roughness: 0.22 }, new Rng(hashLabel(spec.name)))],
  }));
  const all: MultiPolygonCoords = [mainland, ...islands.map((i) => i.polygon)];
  const set = new PolygonSet([all]);
  return { mainland, islands, all, contains: (p) => set.contains(p) };
}

/** Coastline rows: the mainland coast chain and one closed line per island. */
export function buildCoastline(land: Land): CoastlineRow[] {
  return [
    { name: '台州大陆海岸线', kind: 'mainland', geom: [COAST_DEG.map((p) => [p[0], p[1]] as LonLat)] },
    ...land.islands.map((island): CoastlineRow => ({
      name: `${island.name}岸线`,
      kind: 'island',
      geom: [(island.polygon[0] as Ring).map((p) => [p[0], p[1]] as LonLat)],
    })),
  ];
}

/**
 * 台州近岸海域: the water between the mainland coast and a fixed offshore box, islands cut
 * out. It shares the coast vertices exactly, so land and sea neither overlap nor leave a gap.
 */
export function buildSea(land: Land): WaterAreaRow {
  const { westLon, southLat, eastLon, northLat } = SEA_EXTENT_DEG;
  const first = COAST_DEG[0] as LonLat;
  const last = COAST_DEG[COAST_DEG.length - 1] as LonLat;
  const ring: Ring = [
    ...COAST_DEG.map((p) => [p[0], p[1]] as LonLat),
    [westLon, last[1]],
    [westLon, southLat],
    [eastLon, southLat],
    [eastLon, northLat],
    [first[0], northLat],
    [first[0], first[1]],
  ];
  const sea = subtractPolygons([[counterClockwise(ring)]], land.islands.map((i) => [i.polygon]));
  return { name: '台州近岸海域', kind: 'sea', geom: sea };
}
