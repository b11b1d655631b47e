/**
 * CQL2 JSON (OGC 21-065r2 §8, cql2.json schema) into the same AST as CQL2 text. Positions are
 * JSON Pointers (`/args/0/args/1`) so an error names the member that is wrong.
 */
import {
  SPATIAL_FUNCTIONS,
  TEMPORAL_FUNCTIONS,
  type BooleanNode,
  type ComparisonOp,
  type IntervalBound,
  type ScalarNode,
  type SpatialFunction,
  type TemporalFunction,
} from './ast.ts';
import { Cql2Error } from './errors.ts';
import { GEOMETRY_TYPES, type Geometry, type Position2 } from './geometry.ts';
import { checkDate, checkTimestamp, intervalBoundFromString } from './literals.ts';

const COMPARISON = new Set<string>(['=', '<>', '<', '>', '<=', '>=']);

/** Parses the JSON text, then reads it; JSON syntax errors keep the parser's character offset. */
export function parseCql2Json(text: string): BooleanNode {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const m = /position (\d+)/.exec((err as Error).message);
    throw new Cql2Error(`not valid JSON: ${(err as Error).message.replace(/ in JSON at position \d+.*$/, '')}`, m ? Number(m[1]) : 0);
  }
  return readBoolean(value, '');
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

function argsOf(v: Record<string, Json>, at: string, count?: number): Json[] {
  const args = v['args'];
  if (!Array.isArray(args)) throw new Cql2Error('"args" must be an array', `${at}/args`);
  if (count !== undefined && args.length !== count) throw new Cql2Error(`"${String(v['op'])}" takes ${count} argument${count === 1 ? '' : 's'}, got ${args.length}`, `${at}/args`);
  return args;
}

export function readBoolean(v: unknown, at: string): BooleanNode {
  if (typeof v === 'boolean') return { kind: 'boolean', value: v, pos: at };
  if (!isObject(v)) throw new Cql2Error('expected a boolean expression (an object with "op" and "args", or true/false)', at);
  if ('property' in v) {
    const p = readScalar(v, at);
    if (p.kind === 'property') return { kind: 'booleanProperty', name: p.name, pos: at };
  }
  const op = v['op'];
  if (typeof op !== 'string') throw new Cql2Error('expected a boolean expression with an "op" member', at);
  const name = op.toLowerCase();
  const arg = (i: number) => `${at}/args/${i}`;
  if (name === 'and' || name === 'or') {
    const args = argsOf(v, at);
    if (args.length < 2) throw new Cql2Error(`"${op}" needs at least 2 arguments`, `${at}/args`);
    return { kind: name, args: args.map((a, i) => readBoolean(a, arg(i))), pos: at };
  }
  if (name === 'not') return { kind: 'not', arg: readBoolean(argsOf(v, at, 1)[0], arg(0)), pos: at };
  if (COMPARISON.has(name)) {
    const [l, r] = argsOf(v, at, 2);
    return { kind: 'compare', op: name as ComparisonOp, left: readScalar(l, arg(0)), right: readScalar(r, arg(1)), pos: at };
  }
  if (name === 'like') {
    const [l, r] = argsOf(v, at, 2);
    return { kind: 'like', value: readScalar(l, arg(0)), pattern: readScalar(r, arg(1)), pos: at };
  }
  if (name === 'between') {
    const [x, lo, hi] = argsOf(v, at, 3);
    return { kind: 'between', value: readScalar(x, arg(0)), low: readScalar(lo, arg(1)), high: readScalar(hi, arg(2)), pos: at };
  }
  if (name === 'in') {
    const [x, list] = argsOf(v, at, 2);
    if (!Array.isArray(list) || !list.length) throw new Cql2Error('the second argument of "in" must be a non-empty array', arg(1));
    return { kind: 'in', value: readScalar(x, arg(0)), list: list.map((e, i) => readScalar(e, `${arg(1)}/${i}`)), pos: at };
  }
  if (name === 'isnull') return { kind: 'isNull', value: readScalar(argsOf(v, at, 1)[0], arg(0)), pos: at };
  if ((SPATIAL_FUNCTIONS as readonly string[]).includes(name)) {
    const [l, r] = argsOf(v, at, 2);
    return { kind: 'spatial', op: name as SpatialFunction, left: readScalar(l, arg(0)), right: readScalar(r, arg(1)), pos: at };
  }
  if ((TEMPORAL_FUNCTIONS as readonly string[]).includes(name)) {
    const [l, r] = argsOf(v, at, 2);
    return { kind: 'temporal', op: name as TemporalFunction, left: readScalar(l, arg(0)), right: readScalar(r, arg(1)), pos: at };
  }
  throw new Cql2Error(`unknown or non-boolean operator "${op}"`, `${at}/op`);
}

export function readScalar(v: unknown, at: string): ScalarNode {
  if (typeof v === 'string') return { kind: 'string', value: v, pos: at };
  if (typeof v === 'number') return { kind: 'number', value: v, pos: at };
  if (typeof v === 'boolean') return { kind: 'boolean', value: v, pos: at };
  if (!isObject(v)) throw new Cql2Error('expected a property, a literal or a function', at);
  if ('property' in v) {
    if (typeof v['property'] !== 'string' || !v['property']) throw new Cql2Error('"property" must be a non-empty string', `${at}/property`);
    return { kind: 'property', name: v['property'], pos: at };
  }
  if ('date' in v) {
    if (typeof v['date'] !== 'string') throw new Cql2Error('"date" must be a string', `${at}/date`);
    return { kind: 'date', value: checkDate(v['date'], `${at}/date`), pos: at };
  }
  if ('timestamp' in v) {
    if (typeof v['timestamp'] !== 'string') throw new Cql2Error('"timestamp" must be a string', `${at}/timestamp`);
    return { kind: 'timestamp', value: checkTimestamp(v['timestamp'], `${at}/timestamp`), pos: at };
  }
  if ('interval' in v) {
    const iv = v['interval'];
    if (!Array.isArray(iv) || iv.length !== 2) throw new Cql2Error('"interval" must be an array of two bounds', `${at}/interval`);
    return { kind: 'interval', start: readBound(iv[0], `${at}/interval/0`), end: readBound(iv[1], `${at}/interval/1`), pos: at };
  }
  if ('bbox' in v) {
    const b = v['bbox'];
    if (!Array.isArray(b) || (b.length !== 4 && b.length !== 6) || b.some((n) => typeof n !== 'number' || !Number.isFinite(n)))
      throw new Cql2Error('"bbox" must be an array of 4 or 6 numbers', `${at}/bbox`);
    return { kind: 'bbox', values: b as number[], pos: at };
  }
  if ('type' in v) return { kind: 'geometry', geometry: readGeometry(v, at), pos: at };
  if ('op' in v) {
    const op = String(v['op']).toLowerCase();
    if (op === 'casei' || op === 'accenti') return { kind: op, arg: readScalar(argsOf(v, at, 1)[0], `${at}/args/0`), pos: at };
    throw new Cql2Error(`"${String(v['op'])}" is not a value (functions returning values: casei, accenti)`, `${at}/op`);
  }
  throw new Cql2Error('expected a property, a literal or a function', at);
}

function readBound(v: unknown, at: string): IntervalBound {
  if (typeof v === 'string') return intervalBoundFromString(v, at);
  const s = readScalar(v, at);
  if (s.kind === 'date' || s.kind === 'timestamp' || s.kind === 'property') return s;
  throw new Cql2Error("an interval bound must be '..', a date, a timestamp or a property", at);
}

function readPosition(v: unknown, at: string): Position2 {
  if (!Array.isArray(v) || v.length < 2 || v.length > 3 || v.some((n) => typeof n !== 'number' || !Number.isFinite(n)))
    throw new Cql2Error('a position must be an array of 2 or 3 numbers', at);
  return v as number[];
}

function readPositions(v: unknown, at: string, min: number): Position2[] {
  if (!Array.isArray(v) || v.length < min) throw new Cql2Error(`expected an array of at least ${min} positions`, at);
  return v.map((p, i) => readPosition(p, `${at}/${i}`));
}

function readRings(v: unknown, at: string): Position2[][] {
  if (!Array.isArray(v) || !v.length) throw new Cql2Error('a polygon must be an array of rings', at);
  return v.map((r, i) => {
    const ring = readPositions(r, `${at}/${i}`, 4);
    const [a, b] = [ring[0]!, ring.at(-1)!];
    if (a[0] !== b[0] || a[1] !== b[1]) throw new Cql2Error('a polygon ring must end where it starts', `${at}/${i}`);
    return ring;
  });
}

/** A GeoJSON geometry object (RFC 7946 §3.1), checked member by member. */
export function readGeometry(v: Record<string, Json>, at: string): Geometry {
  const type = v['type'];
  if (typeof type !== 'string' || !(GEOMETRY_TYPES as readonly string[]).includes(type)) throw new Cql2Error(`unknown geometry type ${JSON.stringify(type)}`, `${at}/type`);
  const c = v['coordinates'];
  const cAt = `${at}/coordinates`;
  const arrayOf = <T>(f: (x: unknown, p: string) => T): T[] => {
    if (!Array.isArray(c) || !c.length) throw new Cql2Error('"coordinates" must be a non-empty array', cAt);
    return c.map((x, i) => f(x, `${cAt}/${i}`));
  };
  switch (type) {
    case 'Point':
      return { type, coordinates: readPosition(c, cAt) };
    case 'MultiPoint':
      return { type, coordinates: arrayOf(readPosition) };
    case 'LineString':
      return { type, coordinates: readPositions(c, cAt, 2) };
    case 'MultiLineString':
      return { type, coordinates: arrayOf((x, p) => readPositions(x, p, 2)) };
    case 'Polygon':
      return { type, coordinates: readRings(c, cAt) };
    case 'MultiPolygon':
      return { type, coordinates: arrayOf(readRings) };
    default: {
      const g = v['geometries'];
      if (!Array.isArray(g) || !g.length) throw new Cql2Error('"geometries" must be a non-empty array', `${at}/geometries`);
      return {
        type: 'GeometryCollection',
        geometries: g.map((x, i) => {
          if (!isObject(x)) throw new Cql2Error('expected a geometry object', `${at}/geometries/${i}`);
          return readGeometry(x, `${at}/geometries/${i}`);
        }),
      };
    }
  }
}
