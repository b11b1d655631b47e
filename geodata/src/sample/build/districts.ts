/**
 * County-level divisions as a Voronoi partition of hand-placed anchors (several per district),
 * each district being the union of its anchors' cells clipped to the land. The partition tiles
 * the land without gaps or overlaps, and "which district is this point in" reduces to "which
 * anchor is nearest", which buildings and place names use instead of point-in-polygon.
 */
import { DISTRICTS, type DistrictSpec } from '../geography/districts.ts';
import { cityFrame, multiPolygonAreaM2 } from '../core/geodesy.ts';
import { voronoiCells, nearestSite, type XY } from '../core/voronoi.ts';
import { intersectPolygons, unionPolygons } from '../core/clip.ts';
import type { DistrictRow, LonLat, MultiPolygonCoords, Ring } from '../types.ts';
import type { Land } from './land.ts';

/** Generous planar bounds (metres in cityFrame) enclosing the whole city. */
const BOUNDS_M: [number, number, number, number] = [-120_000, -110_000, 120_000, 110_000];

/** Point → district, consistent with the generated polygons. */
export interface DistrictLocator {
  /** Adcode of the district whose area contains a land point. */
  adcodeAt(p: LonLat): string;
  readonly specs: readonly DistrictSpec[];
}

interface Anchor {
  readonly xy: XY;
  readonly district: number;
}

function anchorsOf(): Anchor[] {
  const anchors: Anchor[] = [];
  DISTRICTS.forEach((d, district) => {
    for (const p of [d.seatDeg, d.centroidDeg, ...d.anchorsDeg]) {
      const xy = cityFrame.toXY(p);
      // Anchors closer than 1 km to one already placed add nothing but slivers.
      if (anchors.some((a) => Math.hypot(a.xy[0] - xy[0], a.xy[1] - xy[1]) < 1000)) continue;
      anchors.push({ xy, district });
    }
  });
  return anchors;
}

/** The nearest-anchor locator over the district anchors. */
export function buildDistrictLocator(): DistrictLocator {
  const anchors = anchorsOf();
  const sites = anchors.map((a) => a.xy);
  return {
    specs: DISTRICTS,
    adcodeAt(p) {
      const [x, y] = cityFrame.toXY(p);
      const anchor = anchors[nearestSite(sites, x, y)] as Anchor;
      return (DISTRICTS[anchor.district] as DistrictSpec).adcode;
    },
  };
}

/** Snap to 1e-9° so the two cells sharing a bisector agree on its end points exactly. */
function snap(v: number): number {
  return Math.round(v * 1e9) / 1e9;
}

/** The nine district rows, clipped to the land, with ellipsoidal areas. */
export function buildDistricts(land: Land): DistrictRow[] {
  const anchors = anchorsOf();
  const cells = voronoiCells(
    anchors.map((a) => a.xy),
    BOUNDS_M,
  );
  return DISTRICTS.map((spec, district) => {
    const own: MultiPolygonCoords[] = [];
    cells.forEach((cell, i) => {
      if ((anchors[i] as Anchor).district !== district || cell.length < 3) return;
      const ring: Ring = cell.map(([x, y]) => {
        const [lon, lat] = cityFrame.toLonLat(x, y);
        return [snap(lon), snap(lat)];
      });
      ring.push([(ring[0] as LonLat)[0], (ring[0] as LonLat)[1]]);
      own.push([[ring]]);
    });
    const geom = intersectPolygons(unionPolygons(own), land.all);
    return {
      adcode: spec.adcode,
      name: spec.name,
      nameEn: spec.nameEn,
      areaKm2: Math.round(multiPolygonAreaM2(geom) / 1e4) / 100,
      geom,
    };
  });
}
