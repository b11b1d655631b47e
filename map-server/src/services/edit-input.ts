/**
 * Parses and checks a feature sent for writing (OGC API – Features Part 4): GeoJSON structure
 * (geojson-validation), geometry type against the layer, every property against the layer's
 * published schema. Pure; PostGIS validity (rings, self-intersections) is checked in SQL.
 */
import { isFeature, isGeometryObject } from 'geojson-validation';
import type { LayerSpec, PropertySpec } from '@onemap/geodata/catalog';
import { BadRequestError } from '../errors.ts';

export interface FeatureInput {
  /** GeoJSON geometry text (lon/lat, CRS84 ≡ CGCS2000 to centimetres). */
  readonly geometry: string;
  readonly properties: Readonly<Record<string, unknown>>;
}

/** A JSON merge patch (RFC 7396) of a feature: either part may be absent. */
export interface FeaturePatch {
  readonly geometry?: string;
  readonly properties: Readonly<Record<string, unknown>>;
}

const ACCEPTED_GEOMETRY: Record<string, readonly string[]> = {
  MultiPolygon: ['Polygon', 'MultiPolygon'],
  Polygon: ['Polygon'],
  MultiLineString: ['LineString', 'MultiLineString'],
  LineString: ['LineString'],
  MultiPoint: ['Point', 'MultiPoint'],
  Point: ['Point'],
};

const MAX_VERTICES = 100_000;

function checkGeometry(spec: LayerSpec, geometry: unknown): string {
  const errors = isGeometryObject(geometry, true);
  if (errors.length) throw new BadRequestError(`geometry is not valid GeoJSON: ${errors.slice(0, 5).join('; ')}`, { property: 'geometry', errors: errors.slice(0, 20) });
  const g = geometry as { type: string; coordinates: unknown };
  const accepted = ACCEPTED_GEOMETRY[spec.table.geometryType] ?? [];
  if (!accepted.includes(g.type))
    throw new BadRequestError(`layer ${spec.id} takes ${accepted.join(' or ')} geometries, got ${g.type}`, { property: 'geometry', expected: accepted, got: g.type });
  let vertices = 0;
  const walk = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      vertices++;
      const [lon, lat] = c as number[];
      if (!(lon! >= -180 && lon! <= 180 && lat! >= -90 && lat! <= 90))
        throw new BadRequestError(`coordinate [${lon}, ${lat}] is outside lon/lat range (CRS84 expected)`, { property: 'geometry', position: [lon, lat] });
    } else if (Array.isArray(c)) c.forEach(walk);
  };
  walk(g.coordinates);
  if (vertices > MAX_VERTICES) throw new BadRequestError(`geometry has ${vertices} vertices; at most ${MAX_VERTICES} are accepted`, { property: 'geometry' });
  return JSON.stringify({ type: g.type, coordinates: g.coordinates });
}

function checkValue(p: PropertySpec, value: unknown): void {
  if (value === null) return; // NOT NULL columns answer through the database's constraint
  const bad = (expected: string) => new BadRequestError(`property ${p.name} must be ${expected}, got ${JSON.stringify(value)?.slice(0, 60)}`, { property: p.name, expected: p.type });
  switch (p.type) {
    case 'string':
      if (typeof value !== 'string') throw bad('a string');
      if (value.length > 10_000) throw bad('at most 10,000 characters');
      return;
    case 'integer':
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw bad('an integer');
      return;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw bad('a number');
      return;
    case 'boolean':
      if (typeof value !== 'boolean') throw bad('true or false');
      return;
    case 'date':
      if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(value))) throw bad('a date (YYYY-MM-DD)');
      return;
    case 'datetime':
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw bad('an RFC 3339 date-time');
      return;
  }
}

function checkProperties(spec: LayerSpec, properties: unknown): Record<string, unknown> {
  if (properties === undefined || properties === null) return {};
  if (typeof properties !== 'object' || Array.isArray(properties)) throw new BadRequestError('properties must be a JSON object', { property: 'properties' });
  const byName = new Map(spec.properties.map((p) => [p.name, p]));
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(properties)) {
    const p = byName.get(name);
    if (!p) throw new BadRequestError(`unknown property ${name}; layer ${spec.id} has ${[...byName.keys()].join(', ')}`, { property: name });
    checkValue(p, value);
    out[name] = value;
  }
  return out;
}

/** A whole feature for create or replace. */
export function parseFeatureInput(spec: LayerSpec, body: unknown): FeatureInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadRequestError('the body must be a GeoJSON Feature object');
  const errors = isFeature(body, true);
  if (errors.length) throw new BadRequestError(`not a valid GeoJSON Feature: ${errors.slice(0, 5).join('; ')}`, { errors: errors.slice(0, 20) });
  const f = body as { geometry: unknown; properties: unknown };
  if (f.geometry === null) throw new BadRequestError(`layer ${spec.id} needs a geometry`, { property: 'geometry' });
  const properties = checkProperties(spec, f.properties);
  const missing = spec.properties.filter((p) => p.required && (properties[p.name] === undefined || properties[p.name] === null)).map((p) => p.name);
  if (missing.length) throw new BadRequestError(`required propert${missing.length > 1 ? 'ies' : 'y'} missing: ${missing.join(', ')}`, { property: missing[0], missing });
  return { geometry: checkGeometry(spec, f.geometry), properties };
}

/** A merge patch for update. */
export function parseFeaturePatch(spec: LayerSpec, body: unknown): FeaturePatch {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new BadRequestError('the body must be a JSON merge patch object');
  const allowed = new Set(['type', 'id', 'geometry', 'properties']);
  const stray = Object.keys(body).filter((k) => !allowed.has(k));
  if (stray.length) throw new BadRequestError(`unknown member(s) ${stray.join(', ')} in the patch`, { members: stray });
  const b = body as { geometry?: unknown; properties?: unknown };
  if (b.geometry === null) throw new BadRequestError(`layer ${spec.id} needs a geometry; it cannot be removed`, { property: 'geometry' });
  const cleared = spec.properties.filter((p) => p.required && b.properties && typeof b.properties === 'object' && (b.properties as Record<string, unknown>)[p.name] === null);
  if (cleared.length) throw new BadRequestError(`required property ${cleared[0]!.name} cannot be cleared`, { property: cleared[0]!.name });
  return { ...(b.geometry !== undefined ? { geometry: checkGeometry(spec, b.geometry) } : {}), properties: checkProperties(spec, b.properties) };
}
