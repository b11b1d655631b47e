/**
 * Compiles a CQL2 AST into a SQL boolean expression over one collection's queryables.
 * Identifiers come only from the queryables (which come from the catalogue); every literal
 * becomes a bound parameter `$n`. The result is ANDed into a statement compiled at boot.
 *
 * Semantics (OGC 21-065r2):
 * - three-valued logic is SQL's own: a comparison with NULL is NULL, `NOT NULL` is NULL, and
 *   only TRUE rows are returned (§6.3.3 "NULL");
 * - strings are ordered by code point (`COLLATE "C"`), as the ATS expects (standards.md §3);
 * - both sides of a comparison must have the same type (§6.3.7); a date and a timestamp are
 *   compared as instants (the date at 00:00 UTC) only inside temporal functions;
 * - temporal functions follow Allen's interval algebra (§6.6.4, table 4), an instant being an
 *   interval whose start equals its end, `'..'` an open (infinite) bound;
 * - geometry literals are in `filter-crs` (default CRS84) and are transformed to storage.
 */
import type { BooleanNode, IntervalBound, Position, ScalarNode, TemporalFunction } from './ast.ts';
import { Cql2Error } from './errors.ts';
import { isDateText, isTimestampText } from './literals.ts';
import { coordinatesOf, lonLatBoxGeometry, planeBoxGeometry, swapAxes, type Geometry } from './geometry.ts';

export type QueryableType = 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'datetime' | 'geometry';

/** One queryable of a collection: its type and the SQL expression that reads it. */
export interface Queryable {
  readonly name: string;
  readonly type: QueryableType;
  /** SQL over catalogue identifiers only, e.g. `t."name"` or `lower(t."valid")`. */
  readonly sql: string;
  /** As the end bound of INTERVAL(…): an expression whose NULL means "open" (e.g. infinity). */
  readonly intervalEndSql?: string;
  /**
   * Geometry queryables read through an expression (a coarsened variant's shown geometry): an
   * indexed expression lying within `within` (SQL, storage units) of `sql` everywhere, used as
   * the GiST cut of the spatial predicates that imply intersection.
   */
  readonly indexed?: { readonly sql: string; readonly within: string };
}

/** The CRS geometry literals are written in. */
export interface FilterCrs {
  readonly srid: number;
  /** Coordinates arrive latitude first (EPSG:4326, EPSG:4490). */
  readonly latLon: boolean;
  /** Degrees (range-checked) rather than metres. */
  readonly geographic: boolean;
  /** Numerically the same as storage coordinates (CRS84, 4326, 4490): no ST_Transform. */
  readonly sameAsStorage: boolean;
}

export const CRS84_FILTER: FilterCrs = { srid: 4326, latLon: false, geographic: true, sameAsStorage: true };

export interface CompileOptions {
  readonly queryables: ReadonlyMap<string, Queryable>;
  /** Number of the first parameter this fragment may use. */
  readonly firstParam: number;
  readonly storageSrid: number;
  readonly filterCrs?: FilterCrs;
  /**
   * Read a string literal compared with a date or date-time as that date or instant: the
   * pre-standard `cql-text` that GDAL ≤ 3.7 sends writes `"date" = '2022-04-16'`.
   */
  readonly coerceTemporalStrings?: boolean;
}

export interface CompiledFilter {
  readonly sql: string;
  readonly values: readonly unknown[];
  /** Names of the queryables the filter reads. */
  readonly properties: ReadonlySet<string>;
}

type ValueType = 'string' | 'number' | 'boolean' | 'date' | 'timestamp' | 'geometry' | 'interval';

interface Typed {
  readonly sql: string;
  readonly type: ValueType;
}

/**
 * The two ends of a temporal operand as SQL. Literal ends bind their parameter only when the
 * relation uses that end (PostgreSQL rejects statements with unreferenced parameters).
 */
interface TimeRange {
  readonly start: () => string;
  readonly end: () => string;
  readonly type: 'date' | 'timestamp';
}

const SPATIAL_SQL = {
  s_intersects: 'ST_Intersects',
  s_equals: 'ST_Equals',
  s_disjoint: 'ST_Disjoint',
  s_touches: 'ST_Touches',
  s_within: 'ST_Within',
  s_overlaps: 'ST_Overlaps',
  s_crosses: 'ST_Crosses',
  s_contains: 'ST_Contains',
} as const;

/** Allen's relations over [start, end] pairs (CQL2 21-065r2 §6.6.4). */
const TEMPORAL_SQL: Record<TemporalFunction, (a: TimeRange, b: TimeRange) => string> = {
  t_after: (a, b) => `${a.start()} > ${b.end()}`,
  t_before: (a, b) => `${a.end()} < ${b.start()}`,
  t_contains: (a, b) => `${a.start()} < ${b.start()} AND ${a.end()} > ${b.end()}`,
  t_disjoint: (a, b) => `(${a.start()} > ${b.end()} OR ${a.end()} < ${b.start()})`,
  t_during: (a, b) => `${a.start()} > ${b.start()} AND ${a.end()} < ${b.end()}`,
  t_equals: (a, b) => `${a.start()} = ${b.start()} AND ${a.end()} = ${b.end()}`,
  t_finishedby: (a, b) => `${a.start()} < ${b.start()} AND ${a.end()} = ${b.end()}`,
  t_finishes: (a, b) => `${a.start()} > ${b.start()} AND ${a.end()} = ${b.end()}`,
  t_intersects: (a, b) => `${a.start()} <= ${b.end()} AND ${a.end()} >= ${b.start()}`,
  t_meets: (a, b) => `${a.end()} = ${b.start()}`,
  t_metby: (a, b) => `${a.start()} = ${b.end()}`,
  t_overlappedby: (a, b) => `${a.start()} > ${b.start()} AND ${a.start()} < ${b.end()} AND ${a.end()} > ${b.end()}`,
  t_overlaps: (a, b) => `${a.start()} < ${b.start()} AND ${a.end()} > ${b.start()} AND ${a.end()} < ${b.end()}`,
  t_startedby: (a, b) => `${a.start()} = ${b.start()} AND ${a.end()} > ${b.end()}`,
  t_starts: (a, b) => `${a.start()} = ${b.start()} AND ${a.end()} < ${b.end()}`,
};

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Compiles a filter; throws Cql2Error (with the node's position) for type and name errors. */
export function compileFilter(ast: BooleanNode, options: CompileOptions): CompiledFilter {
  const c = new FilterCompiler(options);
  const sql = c.boolean(ast);
  return { sql, values: c.values, properties: c.used };
}

class FilterCompiler {
  readonly values: unknown[] = [];
  readonly used = new Set<string>();
  private readonly byLowerName = new Map<string, string[]>();
  private readonly crs: FilterCrs;

  constructor(private readonly options: CompileOptions) {
    for (const name of options.queryables.keys()) {
      const key = name.toLowerCase();
      this.byLowerName.set(key, [...(this.byLowerName.get(key) ?? []), name]);
    }
    this.crs = options.filterCrs ?? CRS84_FILTER;
  }

  private param(value: unknown, cast: string): string {
    this.values.push(value);
    return `$${this.options.firstParam + this.values.length - 1}::${cast}`;
  }

  /**
   * Exact name first; otherwise a unique case-insensitive match (the CQL2 test data names
   * `NAME` a column that GDAL's PostgreSQL driver launders to `name`, as SQL folds case).
   */
  private queryable(name: string, pos: Position) {
    const q = this.options.queryables.get(name) ?? (this.byLowerName.get(name.toLowerCase())?.length === 1 ? this.options.queryables.get(this.byLowerName.get(name.toLowerCase())![0]!) : undefined);
    if (!q) {
      const known = [...this.options.queryables.keys()];
      throw new Cql2Error(`unknown property "${name.slice(0, 60)}"; the queryables are ${known.join(', ')}`, pos);
    }
    this.used.add(q.name);
    return q;
  }

  boolean(node: BooleanNode): string {
    switch (node.kind) {
      case 'and':
      case 'or':
        return `(${node.args.map((a) => this.boolean(a)).join(node.kind === 'and' ? ' AND ' : ' OR ')})`;
      case 'not':
        return `(NOT ${this.boolean(node.arg)})`;
      case 'boolean':
        return node.value ? 'TRUE' : 'FALSE';
      case 'booleanProperty': {
        const q = this.queryable(node.name, node.pos);
        if (q.type !== 'boolean') throw new Cql2Error(`property "${q.name}" is ${q.type}, not boolean: compare it with a value`, node.pos);
        return `(${q.sql})`;
      }
      case 'compare': {
        const [l, r] = this.sameType(node.left, node.right, node.pos, `"${node.op}"`);
        if (l.type === 'geometry' || l.type === 'interval') throw new Cql2Error(`"${node.op}" does not compare ${l.type}s; use the S_ or T_ functions`, node.pos);
        return `(${collate(l)} ${node.op} ${r.sql})`;
      }
      case 'like': {
        const v = this.scalar(node.value);
        const p = this.scalar(node.pattern);
        if (v.type !== 'string' || p.type !== 'string') throw new Cql2Error('LIKE compares a string with a string pattern', node.pos);
        return `(${collate(v)} LIKE ${p.sql})`;
      }
      case 'between': {
        const v = this.scalar(node.value);
        const lo = this.scalar(node.low);
        const hi = this.scalar(node.high);
        for (const [x, at] of [
          [lo, node.low.pos],
          [hi, node.high.pos],
        ] as const) {
          if (x.type !== v.type) throw new Cql2Error(`BETWEEN bound is ${x.type} but the value is ${v.type}`, at);
        }
        if (!['number', 'string', 'date', 'timestamp'].includes(v.type)) throw new Cql2Error(`BETWEEN does not apply to ${v.type}`, node.pos);
        return `(${collate(v)} BETWEEN ${lo.sql} AND ${hi.sql})`;
      }
      case 'in': {
        const v = this.scalar(node.value);
        if (v.type === 'geometry' || v.type === 'interval') throw new Cql2Error(`IN does not apply to ${v.type}`, node.pos);
        const items = node.list.map((item) => {
          const x = this.scalar(item);
          if (x.type !== v.type) throw new Cql2Error(`IN list item is ${x.type} but the value is ${v.type}`, item.pos);
          return x.sql;
        });
        return `(${v.sql} IN (${items.join(', ')}))`;
      }
      case 'isNull':
        return `(${this.scalar(node.value).sql} IS NULL)`;
      case 'spatial': {
        const a = this.geometry(node.left);
        const b = this.geometry(node.right);
        const test = `${SPATIAL_SQL[node.op]}(${a}, ${b})`;
        // Every predicate but S_DISJOINT implies the two intersect, so the shown geometry's
        // test may be cut by the index on the exact one (widened by how far they differ).
        const cuts = node.op === 's_disjoint' ? [] : [this.indexCut(node.left, node.right, b), this.indexCut(node.right, node.left, a)].filter((c) => c !== undefined);
        return cuts.length ? `(${cuts.join(' AND ')} AND ${test})` : test;
      }
      case 'temporal': {
        let a = this.timeRange(node.left);
        let b = this.timeRange(node.right);
        if (a.type !== b.type) [a, b] = [asTimestamps(a), asTimestamps(b)];
        return `(${TEMPORAL_SQL[node.op](a, b)})`;
      }
    }
  }

  private sameType(left: ScalarNode, right: ScalarNode, pos: Position, what: string): [Typed, Typed] {
    const l = this.scalar(left);
    const r = this.scalar(right.kind === 'string' && this.options.coerceTemporalStrings ? temporalLiteral(right, l.type) : right);
    if (l.type !== r.type) throw new Cql2Error(`${what} compares ${l.type} with ${r.type}; both sides must have the same type`, pos);
    return [l, r];
  }

  private scalar(node: ScalarNode): Typed {
    switch (node.kind) {
      case 'property': {
        const q = this.queryable(node.name, node.pos);
        return { sql: q.sql, type: valueTypeOf(q.type) };
      }
      case 'string':
        return { sql: this.param(node.value, 'text'), type: 'string' };
      case 'number':
        if (!Number.isFinite(node.value)) throw new Cql2Error('number out of range', node.pos);
        return { sql: this.param(node.value, Number.isInteger(node.value) && Math.abs(node.value) <= MAX_SAFE ? 'bigint' : 'float8'), type: 'number' };
      case 'boolean':
        return { sql: node.value ? 'TRUE' : 'FALSE', type: 'boolean' };
      case 'date':
        return { sql: this.param(node.value, 'date'), type: 'date' };
      case 'timestamp':
        return { sql: this.param(node.value, 'timestamptz'), type: 'timestamp' };
      case 'casei': {
        const x = this.scalar(node.arg);
        if (x.type !== 'string') throw new Cql2Error(`CASEI applies to strings, not ${x.type}`, node.pos);
        return { sql: `lower(${x.sql})`, type: 'string' };
      }
      case 'accenti':
        throw new Cql2Error('ACCENTI (accent-insensitive comparison) is not supported by this server', node.pos);
      case 'interval':
        return { sql: '', type: 'interval' };
      case 'geometry':
      case 'bbox':
        return { sql: this.geometry(node), type: 'geometry' };
    }
  }

  /** `exact && ST_Expand(other, within)` when `node` names a geometry read through an expression and `other` is a literal. */
  private indexCut(node: ScalarNode, other: ScalarNode, otherSql: string): string | undefined {
    if (node.kind !== 'property' || other.kind === 'property') return undefined;
    const q = this.queryable(node.name, node.pos);
    return q.indexed ? `${q.indexed.sql} && ST_Expand(${otherSql}, ${q.indexed.within})` : undefined;
  }

  private geometry(node: ScalarNode): string {
    if (node.kind === 'property') {
      const q = this.queryable(node.name, node.pos);
      if (q.type !== 'geometry') throw new Cql2Error(`property "${q.name}" is ${q.type}, not a geometry`, node.pos);
      return q.sql;
    }
    const crs = this.crs;
    let geometry: Geometry;
    if (node.kind === 'bbox') {
      const v = node.values;
      let [minX, minY, maxX, maxY] = v.length === 6 ? [v[0]!, v[1]!, v[3]!, v[4]!] : [v[0]!, v[1]!, v[2]!, v[3]!];
      if (crs.latLon) [minX, minY, maxX, maxY] = [minY, minX, maxY, maxX];
      if (crs.geographic) {
        checkLonLat([minX, minY], node.pos);
        checkLonLat([maxX, maxY], node.pos);
        if (minY > maxY) throw new Cql2Error(`BBOX south ${minY} is above north ${maxY}`, node.pos);
        geometry = lonLatBoxGeometry(minX, minY, maxX, maxY);
      } else {
        if (minX > maxX || minY > maxY) throw new Cql2Error('BBOX minimum is above its maximum', node.pos);
        geometry = planeBoxGeometry(minX, minY, maxX, maxY);
      }
    } else if (node.kind === 'geometry') {
      geometry = crs.latLon ? swapAxes(node.geometry) : node.geometry;
      if (crs.geographic) for (const c of coordinatesOf(geometry)) checkLonLat(c, node.pos);
    } else {
      const t = this.scalar(node);
      throw new Cql2Error(`expected a geometry (a property or a WKT/GeoJSON/BBOX literal), got ${t.type}`, node.pos);
    }
    const g = this.param(JSON.stringify(geometry), 'text');
    const storage = this.options.storageSrid;
    if (crs.sameAsStorage) return `ST_SetSRID(ST_GeomFromGeoJSON(${g}), ${storage})`;
    // Straight edges in a projected CRS are curves in degrees: densify before transforming.
    const src = `ST_SetSRID(ST_GeomFromGeoJSON(${g}), ${Math.trunc(crs.srid)})`;
    return `ST_Transform(ST_Segmentize(${src}, greatest(ST_XMax(${src}) - ST_XMin(${src}), ST_YMax(${src}) - ST_YMin(${src}), 1) / 64), ${storage})`;
  }

  private timeRange(node: ScalarNode): TimeRange {
    switch (node.kind) {
      case 'property': {
        const q = this.queryable(node.name, node.pos);
        if (q.type !== 'date' && q.type !== 'datetime') throw new Cql2Error(`property "${q.name}" is ${q.type}, not a date or date-time`, node.pos);
        return { start: () => q.sql, end: () => q.sql, type: q.type === 'date' ? 'date' : 'timestamp' };
      }
      case 'date':
      case 'timestamp': {
        const literal = () => this.scalar(node).sql;
        return { start: literal, end: literal, type: node.kind };
      }
      case 'interval': {
        const start = this.bound(node.start, 'start');
        const end = this.bound(node.end, 'end');
        const type = start.type === 'timestamp' || end.type === 'timestamp' ? 'timestamp' : 'date';
        const fix = (b: Bound, side: 'start' | 'end') => () =>
          b.type === 'open' ? `'${side === 'start' ? '-' : ''}infinity'::${type === 'date' ? 'date' : 'timestamptz'}` : b.type !== type ? utcInstant(b.sql()) : b.sql();
        return { start: fix(start, 'start'), end: fix(end, 'end'), type };
      }
      default: {
        const t = this.scalar(node);
        throw new Cql2Error(`temporal functions take dates, timestamps, intervals or temporal properties, not ${t.type}`, node.pos);
      }
    }
  }

  private bound(b: IntervalBound, side: 'start' | 'end'): Bound {
    if (b.kind === 'open') return { sql: () => '', type: 'open' };
    if (b.kind === 'property') {
      const q = this.queryable(b.name, b.pos);
      if (q.type !== 'date' && q.type !== 'datetime') throw new Cql2Error(`interval bound "${q.name}" is ${q.type}, not a date or date-time`, b.pos);
      const sql = side === 'end' && q.intervalEndSql ? q.intervalEndSql : q.sql;
      return { sql: () => sql, type: q.type === 'date' ? 'date' : 'timestamp' };
    }
    return { sql: () => this.scalar(b).sql, type: b.kind };
  }
}

/** A string literal read as a date or timestamp literal when it is one and the other side wants it. */
function temporalLiteral(node: Extract<ScalarNode, { kind: 'string' }>, want: ValueType): ScalarNode {
  if (want === 'date' && isDateText(node.value)) return { kind: 'date', value: node.value, pos: node.pos };
  if (want === 'timestamp' && isTimestampText(node.value)) return { kind: 'timestamp', value: node.value, pos: node.pos };
  if (want === 'timestamp' && isDateText(node.value)) return { kind: 'timestamp', value: `${node.value}T00:00:00Z`, pos: node.pos };
  return node;
}

function valueTypeOf(t: Queryable['type']): ValueType {
  return t === 'integer' ? 'number' : t === 'datetime' ? 'timestamp' : t;
}

/** Code-point ordering for strings (standards.md §3 "Collation"). */
function collate(x: Typed): string {
  return x.type === 'string' ? `${x.sql} COLLATE "C"` : x.sql;
}

/** A date as the instant of its start in UTC. */
function utcInstant(dateSql: string): string {
  return `(${dateSql}::timestamp AT TIME ZONE 'UTC')`;
}

function asTimestamps(r: TimeRange): TimeRange {
  return r.type === 'timestamp' ? r : { start: () => utcInstant(r.start()), end: () => utcInstant(r.end()), type: 'timestamp' };
}

interface Bound {
  readonly sql: () => string;
  readonly type: 'date' | 'timestamp' | 'open';
}

function checkLonLat(c: readonly number[], pos: Position): void {
  const [lon, lat] = c as [number, number];
  if (!(Math.abs(lon) <= 180) || !(Math.abs(lat) <= 90))
    throw new Cql2Error(`coordinate (${lon} ${lat}) is outside longitude ±180 / latitude ±90 of the filter CRS`, pos);
}
