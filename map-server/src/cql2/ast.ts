/**
 * The one typed AST that both CQL2 encodings (OGC 21-065r2: text and JSON) are read into, and
 * that the SQL compiler consumes. Every node carries where it came from: a character offset in
 * CQL2 text, or a JSON Pointer into CQL2 JSON, so errors found later still point at the input.
 */
import type { Geometry } from './geometry.ts';

/** 0-based character offset (CQL2 text) or JSON Pointer (CQL2 JSON, e.g. `/args/1`). */
export type Position = number | string;

export type ComparisonOp = '=' | '<>' | '<' | '>' | '<=' | '>=';

export const SPATIAL_FUNCTIONS = ['s_intersects', 's_equals', 's_disjoint', 's_touches', 's_within', 's_overlaps', 's_crosses', 's_contains'] as const;
export type SpatialFunction = (typeof SPATIAL_FUNCTIONS)[number];

export const TEMPORAL_FUNCTIONS = [
  't_after',
  't_before',
  't_contains',
  't_disjoint',
  't_during',
  't_equals',
  't_finishedby',
  't_finishes',
  't_intersects',
  't_meets',
  't_metby',
  't_overlappedby',
  't_overlaps',
  't_startedby',
  't_starts',
] as const;
export type TemporalFunction = (typeof TEMPORAL_FUNCTIONS)[number];

/** Boolean-valued nodes: what a filter is. */
export type BooleanNode =
  | { readonly kind: 'and' | 'or'; readonly args: readonly BooleanNode[]; readonly pos: Position }
  | { readonly kind: 'not'; readonly arg: BooleanNode; readonly pos: Position }
  | { readonly kind: 'compare'; readonly op: ComparisonOp; readonly left: ScalarNode; readonly right: ScalarNode; readonly pos: Position }
  | { readonly kind: 'like'; readonly value: ScalarNode; readonly pattern: ScalarNode; readonly pos: Position }
  | { readonly kind: 'between'; readonly value: ScalarNode; readonly low: ScalarNode; readonly high: ScalarNode; readonly pos: Position }
  | { readonly kind: 'in'; readonly value: ScalarNode; readonly list: readonly ScalarNode[]; readonly pos: Position }
  | { readonly kind: 'isNull'; readonly value: ScalarNode; readonly pos: Position }
  | { readonly kind: 'spatial'; readonly op: SpatialFunction; readonly left: ScalarNode; readonly right: ScalarNode; readonly pos: Position }
  | { readonly kind: 'temporal'; readonly op: TemporalFunction; readonly left: ScalarNode; readonly right: ScalarNode; readonly pos: Position }
  | { readonly kind: 'boolean'; readonly value: boolean; readonly pos: Position }
  /** A boolean-typed property used as a predicate on its own (`flag AND …`). */
  | { readonly kind: 'booleanProperty'; readonly name: string; readonly pos: Position };

/** Value-producing nodes: operands of predicates. */
export type ScalarNode =
  | { readonly kind: 'property'; readonly name: string; readonly pos: Position }
  | { readonly kind: 'string'; readonly value: string; readonly pos: Position }
  | { readonly kind: 'number'; readonly value: number; readonly pos: Position }
  | { readonly kind: 'boolean'; readonly value: boolean; readonly pos: Position }
  /** `DATE('2024-04-14')`: a calendar date. */
  | { readonly kind: 'date'; readonly value: string; readonly pos: Position }
  /** `TIMESTAMP('2024-04-14T14:48:46Z')`: an instant (UTC or with offset). */
  | { readonly kind: 'timestamp'; readonly value: string; readonly pos: Position }
  /** `INTERVAL(start, end)`: bounds are instants, properties or `'..'` (open). */
  | { readonly kind: 'interval'; readonly start: IntervalBound; readonly end: IntervalBound; readonly pos: Position }
  /** A geometry literal (WKT or GeoJSON) as GeoJSON, coordinates in the filter CRS's axis order. */
  | { readonly kind: 'geometry'; readonly geometry: Geometry; readonly pos: Position }
  /** `BBOX(minx, miny, maxx, maxy)` (6 numbers with heights), in the filter CRS's axis order. */
  | { readonly kind: 'bbox'; readonly values: readonly number[]; readonly pos: Position }
  /** `CASEI(x)` / `ACCENTI(x)`: case- or accent-insensitive string operand. */
  | { readonly kind: 'casei' | 'accenti'; readonly arg: ScalarNode; readonly pos: Position };

export type IntervalBound =
  | { readonly kind: 'open'; readonly pos: Position }
  | Extract<ScalarNode, { kind: 'date' | 'timestamp' | 'property' }>;
