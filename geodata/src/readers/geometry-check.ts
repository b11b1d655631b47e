/**
 * Structural checks of GeoJSON geometry before it reaches PostGIS (which would abort the whole
 * statement on a malformed one): known type, finite numeric positions, enough positions per
 * part. Unclosed polygon rings are closed (a repair, reported). Validity in the OGC sense
 * (self-intersections, …) is PostGIS's job: ST_IsValid / ST_MakeValid in the loader.
 */
import type { SourceGeometry } from './dataset.ts';

export type CheckedGeometry = { readonly ok: true; readonly geometry: SourceGeometry; readonly repairs: readonly string[] } | { readonly ok: false; readonly reason: string };

type Pos = number[];
const MAX_DEPTH = 3;

function position(p: unknown): Pos | string {
  if (!Array.isArray(p) || p.length < 2 || p.length > 4) return '坐标应为 [x, y] / a position must be [x, y]';
  if (!p.every((v) => typeof v === 'number' && Number.isFinite(v))) return '坐标不是有限数值 / a coordinate is not a finite number';
  return p as Pos;
}

function positions(list: unknown, min: number, what: string): Pos[] | string {
  if (!Array.isArray(list)) return `${what} 不是坐标数组 / ${what} is not an array of positions`;
  const out: Pos[] = [];
  for (const p of list) {
    const c = position(p);
    if (typeof c === 'string') return c;
    out.push(c);
  }
  if (out.length < min) return `${what} 至少需要 ${min} 个点 / ${what} needs at least ${min} positions`;
  return out;
}

function ring(list: unknown, repairs: string[]): Pos[] | string {
  const r = positions(list, 3, '面的环 ring');
  if (typeof r === 'string') return r;
  const [f, l] = [r[0]!, r[r.length - 1]!];
  if (f[0] !== l[0] || f[1] !== l[1]) {
    r.push([...f]);
    if (!repairs.includes('ring closed')) repairs.push('ring closed');
  }
  if (r.length < 4) return '面的环至少需要 4 个点 / a ring needs at least 4 positions';
  return r;
}

function polygon(list: unknown, repairs: string[]): Pos[][] | string {
  if (!Array.isArray(list) || list.length === 0) return '面没有环 / a polygon has no rings';
  const out: Pos[][] = [];
  for (const r of list) {
    const c = ring(r, repairs);
    if (typeof c === 'string') return c;
    out.push(c);
  }
  return out;
}

function many<T>(list: unknown, each: (v: unknown) => T | string): T[] | string {
  if (!Array.isArray(list) || list.length === 0) return '多部件几何为空 / a multi-part geometry is empty';
  const out: T[] = [];
  for (const v of list) {
    const c = each(v);
    if (typeof c === 'string') return c;
    out.push(c);
  }
  return out;
}

function check(g: unknown, repairs: string[], depth: number): SourceGeometry | string {
  if (g === null || typeof g !== 'object') return '没有几何 / no geometry';
  const { type, coordinates, geometries } = g as { type?: unknown; coordinates?: unknown; geometries?: unknown };
  let c: unknown;
  switch (type) {
    case 'Point':
      c = position(coordinates);
      break;
    case 'MultiPoint':
      c = positions(coordinates, 1, '多点 MultiPoint');
      break;
    case 'LineString':
      c = positions(coordinates, 2, '线 LineString');
      break;
    case 'MultiLineString':
      c = many(coordinates, (l) => positions(l, 2, '线 LineString'));
      break;
    case 'Polygon':
      c = polygon(coordinates, repairs);
      break;
    case 'MultiPolygon':
      c = many(coordinates, (p) => polygon(p, repairs));
      break;
    case 'GeometryCollection': {
      if (depth >= MAX_DEPTH) return '几何集合嵌套过深 / geometry collections nested too deep';
      const parts = many(geometries, (p) => check(p, repairs, depth + 1));
      return typeof parts === 'string' ? parts : { type, geometries: parts };
    }
    default:
      return `未知几何类型 / unknown geometry type "${String(type).slice(0, 30)}"`;
  }
  return typeof c === 'string' ? c : { type, coordinates: c };
}

/** Checks (and closes rings of) one GeoJSON geometry. */
export function checkGeometry(g: unknown): CheckedGeometry {
  const repairs: string[] = [];
  const r = check(g, repairs, 0);
  return typeof r === 'string' ? { ok: false, reason: r } : { ok: true, geometry: r, repairs };
}

/** The same geometry with every position passed through `f` (x, y only; Z/M kept). */
export function mapPositions(g: SourceGeometry, f: (p: readonly [number, number]) => [number, number]): SourceGeometry {
  const walk = (c: unknown): unknown => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      const [x, y] = f([c[0] as number, c[1] as number]);
      return [x, y, ...(c as number[]).slice(2)];
    }
    return Array.isArray(c) ? c.map(walk) : c;
  };
  if (g.type === 'GeometryCollection') return { type: g.type, geometries: (g.geometries as SourceGeometry[]).map((p) => mapPositions(p, f)) };
  return { type: g.type, coordinates: walk(g.coordinates) };
}

/** [minX, minY, maxX, maxY] over all positions, or undefined when there are none. */
export function extentOf(geometries: Iterable<SourceGeometry>): [number, number, number, number] | undefined {
  const e = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      const [x, y] = c as number[];
      if (x! < e[0]!) e[0] = x!;
      if (y! < e[1]!) e[1] = y!;
      if (x! > e[2]!) e[2] = x!;
      if (y! > e[3]!) e[3] = y!;
    } else if (Array.isArray(c)) c.forEach(walk);
  };
  for (const g of geometries) {
    if (g.type === 'GeometryCollection') {
      const inner = extentOf(g.geometries as SourceGeometry[]);
      if (inner) walk([[inner[0], inner[1]], [inner[2], inner[3]]]);
    } else walk(g.coordinates);
  }
  return e[0] === Infinity ? undefined : (e as [number, number, number, number]);
}
