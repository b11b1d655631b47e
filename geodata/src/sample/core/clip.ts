/**
 * Polygon boolean operations for the generator, on our coordinate types. Thin wrappers around
 * @turf/intersect, @turf/union and @turf/difference (Martinez–Rueda sweep via polyclip-ts),
 * which return valid, non-self-intersecting output for valid input.
 */
import { intersect } from '@turf/intersect';
import { union } from '@turf/union';
import { difference } from '@turf/difference';
import { featureCollection, multiPolygon } from '@turf/helpers';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type { LonLat, MultiPolygonCoords } from '../types.ts';

function toFeature(mp: MultiPolygonCoords): Feature<MultiPolygon> {
  return multiPolygon(mp.map((polygon) => polygon.map((ring) => ring.map((p) => [p[0], p[1]]))));
}

function fromFeature(f: Feature<Polygon | MultiPolygon> | null): MultiPolygonCoords {
  if (!f) return [];
  const g = f.geometry;
  const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  return polygons.map((polygon) => polygon.map((ring) => ring.map((p) => [p[0], p[1]] as LonLat)));
}

/** Area shared by both inputs (empty when disjoint). */
export function intersectPolygons(a: MultiPolygonCoords, b: MultiPolygonCoords): MultiPolygonCoords {
  if (a.length === 0 || b.length === 0) return [];
  return fromFeature(intersect(featureCollection([toFeature(a), toFeature(b)])));
}

/** Union of all inputs. */
export function unionPolygons(parts: readonly MultiPolygonCoords[]): MultiPolygonCoords {
  const nonEmpty = parts.filter((p) => p.length > 0);
  if (nonEmpty.length === 0) return [];
  if (nonEmpty.length === 1) return nonEmpty[0] as MultiPolygonCoords;
  return fromFeature(union(featureCollection(nonEmpty.map(toFeature))));
}

/** `a` minus every polygon of `subtract`. */
export function subtractPolygons(a: MultiPolygonCoords, subtract: readonly MultiPolygonCoords[]): MultiPolygonCoords {
  const nonEmpty = subtract.filter((p) => p.length > 0);
  if (a.length === 0 || nonEmpty.length === 0) return a;
  return fromFeature(difference(featureCollection([toFeature(a), ...nonEmpty.map(toFeature)])));
}
