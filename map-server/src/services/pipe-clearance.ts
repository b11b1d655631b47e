/**
 * 净距分析 (domain.md §1.6–1.7): in a small box, pairs of segments of different categories closer
 * horizontally than the GB 50289 表4.1.9 rule in `pipe.clearance_rules`, and vertical conflicts at
 * crossings (表4.1.14). Candidates come from ST_DWithin in EPSG:4549 with the largest rule distance
 * plus the widest pipe; each pair is then judged in TypeScript against its exact rule. Rule
 * selection fails closed: a pair whose needed attribute (diameter, pressure class, embedding,
 * elevation) is missing is 'needs review', never 'pass'. Only non-passing pairs are returned.
 */
import type { Pool } from '../db.ts';
import { BadRequestError } from '../errors.ts';
import { invertTop, pipeHeight } from './pipe-profile.ts';

/** Largest box accepted (m²): ~1 km². */
export const MAX_BOX_M2 = 1_050_000;
const MAX_PAIRS = 5000;

interface Seg {
  id: number; line_no: string; category: string; subcategory: string | null; shape: string; diameter_mm: number | null; width_mm: number | null;
  height_mm: number | null; pressure_class: string | null; direct_buried: boolean | null; elev_ref: string; start_elev: number | null; end_elev: number | null;
}
interface Rule {
  id: number; kind: 'H' | 'V'; cat_a: string; sub_a: string | null; cat_b: string; b_max_diameter_mm: number | null; b_min_diameter_mm: number | null;
  b_pressure_class: string | null; b_direct_buried: boolean | null; min_m: number; clause: string; verified: boolean;
}

const BOX = `ST_Transform(ST_MakeEnvelope($1, $2, $3, $4, 4490), 4549)`;
const AREA_SQL = `SELECT ST_Area(${BOX}) AS m2`;
const RULES_SQL = `SELECT id, kind, cat_a, sub_a, cat_b, b_max_diameter_mm, b_min_diameter_mm, b_pressure_class, b_direct_buried, min_m::float8, clause, verified FROM pipe.clearance_rules`;
const SEG_COLS = `s.id::int, s.line_no, s.category, s.subcategory, s.shape, s.diameter_mm, s.width_mm, s.height_mm, s.pressure_class, e.direct_buried, s.elev_ref,
  s.start_elev::float8, s.end_elev::float8`;
const SEGS_SQL = `SELECT ${SEG_COLS} FROM pipe.segments s LEFT JOIN pipe.embeddings e ON e.code = s.embedding WHERE s.id = ANY($1::bigint[])`;
const WIDEST_SQL = `SELECT coalesce(max(greatest(diameter_mm, width_mm)), 0)::float8 / 1000 AS w FROM pipe.segments WHERE status <> 1 AND ST_Intersects(geom_4549, ${BOX})`;
// Horizontal: near but not crossing, different categories (abandoned 废弃 pipes excluded).
// The pair is located at the middle of the shortest line between the two (to show it on a map).
const NEAR_SQL = `SELECT a.id::int AS a, b.id::int AS b, ST_Distance(a.geom_4549, b.geom_4549) AS dist,
    ST_AsGeoJSON(ST_Transform(ST_LineInterpolatePoint(ST_ShortestLine(a.geom_4549, b.geom_4549), 0.5), 4490), 7)::json AS geometry
  FROM pipe.segments a JOIN pipe.segments b ON a.id < b.id AND a.category <> b.category AND ST_DWithin(a.geom_4549, b.geom_4549, $5)
  WHERE ST_Intersects(a.geom_4549, ${BOX}) AND ST_Intersects(b.geom_4549, ${BOX}) AND a.status <> 1 AND b.status <> 1
    AND NOT ST_Intersects(a.geom_4549, b.geom_4549) ORDER BY a.id, b.id LIMIT ${MAX_PAIRS * 4 + 1}`;
// Vertical: crossings of segments that share no node (a shared node is a junction, not a crossing).
const CROSS_SQL = `SELECT a, b, ST_LineLocatePoint(ga, p) AS fa, ST_LineLocatePoint(gb, p) AS fb, ST_AsGeoJSON(ST_Transform(p, 4490), 7)::json AS geometry FROM (
  SELECT a.id::int AS a, b.id::int AS b, a.geom_4549 AS ga, b.geom_4549 AS gb, ST_ClosestPoint(a.geom_4549, b.geom_4549) AS p
  FROM pipe.segments a JOIN pipe.segments b ON a.id < b.id AND ST_Intersects(a.geom_4549, b.geom_4549)
  WHERE ST_Intersects(a.geom_4549, ${BOX}) AND ST_Intersects(b.geom_4549, ${BOX}) AND a.status <> 1 AND b.status <> 1
    AND a.start_point_id NOT IN (b.start_point_id, b.end_point_id) AND a.end_point_id NOT IN (b.start_point_id, b.end_point_id)
  ORDER BY a.id, b.id LIMIT ${MAX_PAIRS * 4 + 1}) x`;

type Tri = boolean | null;
/** A rule's condition on the pipe `b` of category cat_b: true, false, or unknown (null). */
function ruleHolds(r: Rule, b: Seg, a: Seg): Tri {
  const tests: Tri[] = [];
  if (r.sub_a !== null) tests.push(a.subcategory === null ? null : a.subcategory === r.sub_a);
  const d = b.shape === 'R' ? b.width_mm : b.diameter_mm;
  if (r.b_max_diameter_mm !== null) tests.push(d === null ? null : d <= r.b_max_diameter_mm);
  if (r.b_min_diameter_mm !== null) tests.push(d === null ? null : d >= r.b_min_diameter_mm);
  if (r.b_pressure_class !== null) tests.push(b.pressure_class === null ? null : b.pressure_class === r.b_pressure_class);
  if (r.b_direct_buried !== null) tests.push(b.direct_buried === null ? null : b.direct_buried === r.b_direct_buried);
  if (tests.includes(false)) return false;
  return tests.includes(null) ? null : true;
}

/** The rules of `kind` that may hold for the pair; `determined` = none is uncertain. */
function candidates(rules: readonly Rule[], kind: 'H' | 'V', x: Seg, y: Seg): { rules: Rule[]; determined: boolean } {
  const out: Rule[] = [];
  let determined = true;
  for (const r of rules) {
    if (r.kind !== kind) continue;
    const pairs: [Seg, Seg][] = [];
    if (r.cat_a === x.category && r.cat_b === y.category) pairs.push([x, y]);
    if (r.cat_a === y.category && r.cat_b === x.category) pairs.push([y, x]);
    let best: Tri = false;
    for (const [a, b] of pairs) {
      const h = ruleHolds(r, b, a);
      if (h === true) best = true;
      else if (h === null && best === false) best = null;
    }
    if (best === false) continue;
    if (best === null) determined = false;
    out.push(r);
  }
  return { rules: out, determined };
}

const width = (s: Seg): number | null => {
  const mm = s.shape === 'R' ? s.width_mm : s.diameter_mm;
  return mm === null ? null : mm / 1000;
};
const r3 = (v: number | null): number | null => (v === null ? null : Math.round(v * 1000) / 1000);

export type ClearanceStatus = 'violation' | 'needs review';
export interface ClearancePair {
  readonly kind: 'horizontal' | 'vertical';
  readonly a: { id: number; line_no: string; category: string };
  readonly b: { id: number; line_no: string; category: string };
  readonly status: ClearanceStatus;
  /** Clear distance (m): outer wall to outer wall, or bottom of the upper pipe to top of the lower; null when unknown. */
  readonly clearance_m: number | null;
  /** Centre-line distance (horizontal) in metres. */
  readonly distance_m?: number;
  /** The rule's minimum (m); the largest of the possible rules when the rule is not determined. */
  readonly required_m: number;
  readonly rule_ids: number[];
  readonly clause: string;
  readonly verified: boolean;
  readonly clash: boolean;
  readonly missing?: string[];
  readonly geometry?: unknown;
}

function missingAttrs(rules: readonly Rule[], x: Seg, y: Seg, needWidth: boolean, needElev: boolean): string[] {
  const m = new Set<string>();
  for (const s of [x, y]) {
    if (needWidth && width(s) === null) m.add(`${s.id}.diameter_mm`);
    if (needElev && (s.start_elev === null || s.end_elev === null)) m.add(`${s.id}.elev`);
    if (needElev && pipeHeight(s) === null) m.add(`${s.id}.${s.shape === 'R' ? 'height_mm' : 'diameter_mm'}`);
  }
  for (const r of rules) {
    for (const s of [x, y]) {
      if (s.category !== r.cat_b) continue;
      if ((r.b_max_diameter_mm !== null || r.b_min_diameter_mm !== null) && width(s) === null) m.add(`${s.id}.diameter_mm`);
      if (r.b_pressure_class !== null && s.pressure_class === null) m.add(`${s.id}.pressure_class`);
      if (r.b_direct_buried !== null && s.direct_buried === null) m.add(`${s.id}.embedding`);
    }
  }
  return [...m].sort();
}

export interface ClearanceResult { readonly summary: Record<string, number>; readonly truncated: boolean; readonly pairs: ClearancePair[] }

export async function clearanceAnalysis(pool: Pool, bbox: readonly [number, number, number, number]): Promise<ClearanceResult> {
  const box = [...bbox];
  const area = await pool.query<{ m2: number }>(AREA_SQL, box);
  if (!(area.rows[0]!.m2 <= MAX_BOX_M2)) throw new BadRequestError(`bbox 过大 / bbox is ${(area.rows[0]!.m2 / 1e6).toFixed(2)} km², at most 1 km²`, { parameter: 'bbox' });
  const [rulesQ, widest] = await Promise.all([pool.query<Rule>(RULES_SQL), pool.query<{ w: number }>(WIDEST_SQL, box)]);
  const rules = rulesQ.rows;
  const maxH = Math.max(0, ...rules.filter((r) => r.kind === 'H').map((r) => r.min_m));
  const [near, cross] = await Promise.all([
    pool.query<{ a: number; b: number; dist: number; geometry: unknown }>(NEAR_SQL, [...box, maxH + widest.rows[0]!.w]),
    pool.query<{ a: number; b: number; fa: number; fb: number; geometry: unknown }>(CROSS_SQL, box),
  ]);
  const ids = [...new Set([...near.rows, ...cross.rows].flatMap((r) => [r.a, r.b]))];
  const segs = new Map((await pool.query<Seg>(SEGS_SQL, [ids])).rows.map((s) => [s.id, s]));
  const ref = (s: Seg) => ({ id: s.id, line_no: s.line_no, category: s.category });
  const pairs: ClearancePair[] = [];
  for (const row of near.rows) {
    const x = segs.get(row.a)!;
    const y = segs.get(row.b)!;
    const c = candidates(rules, 'H', x, y);
    if (c.rules.length === 0) continue;
    const reqMax = Math.max(...c.rules.map((r) => r.min_m));
    const reqMin = Math.min(...c.rules.map((r) => r.min_m));
    const wx = width(x);
    const wy = width(y);
    const clear = wx === null || wy === null ? null : row.dist - (wx + wy) / 2;
    const upper = clear ?? row.dist;
    let status: ClearanceStatus | 'pass';
    if (clear !== null && c.determined) status = clear < reqMax ? 'violation' : 'pass';
    else if (upper < reqMin) status = 'violation';
    else status = 'needs review';
    if (status === 'pass') continue;
    const missing = status === 'needs review' ? missingAttrs(c.rules, x, y, true, false) : [];
    pairs.push({
      kind: 'horizontal', a: ref(x), b: ref(y), status, clearance_m: r3(clear), distance_m: r3(row.dist)!, required_m: reqMax, rule_ids: c.rules.map((r) => r.id),
      clause: c.rules[0]!.clause, verified: c.rules.every((r) => r.verified), clash: clear !== null && clear <= 0, ...(missing.length ? { missing } : {}),
      geometry: row.geometry,
    });
  }
  for (const row of cross.rows) {
    const x = segs.get(row.a)!;
    const y = segs.get(row.b)!;
    const c = candidates(rules, 'V', x, y);
    if (c.rules.length === 0) continue;
    const req = Math.max(...c.rules.map((r) => r.min_m));
    const at = (s: Seg, f: number) => invertTop(s.start_elev === null || s.end_elev === null ? null : s.start_elev + (s.end_elev - s.start_elev) * f, s.elev_ref, pipeHeight(s));
    const px = at(x, row.fa);
    const py = at(y, row.fb);
    let clear: number | null = null;
    if (px.invert !== null && px.top !== null && py.invert !== null && py.top !== null) {
      const [hi, lo] = px.invert + px.top >= py.invert + py.top ? [px, py] : [py, px];
      clear = hi.invert! - lo.top!;
    }
    const status: ClearanceStatus | 'pass' = clear === null || !c.determined ? 'needs review' : clear < req ? 'violation' : 'pass';
    if (status === 'pass') continue;
    const missing = status === 'needs review' ? missingAttrs(c.rules, x, y, false, true) : [];
    pairs.push({
      kind: 'vertical', a: ref(x), b: ref(y), status, clearance_m: r3(clear), required_m: req, rule_ids: c.rules.map((r) => r.id), clause: c.rules[0]!.clause,
      verified: c.rules.every((r) => r.verified), clash: clear !== null && clear <= 0, ...(missing.length ? { missing } : {}), geometry: row.geometry,
    });
  }
  const truncated = pairs.length > MAX_PAIRS || near.rows.length > MAX_PAIRS * 4 || cross.rows.length > MAX_PAIRS * 4;
  const count = (kind: string, status: string) => pairs.filter((p) => p.kind === kind && p.status === status).length;
  return {
    summary: {
      horizontalViolations: count('horizontal', 'violation'), horizontalNeedsReview: count('horizontal', 'needs review'),
      verticalViolations: count('vertical', 'violation'), verticalNeedsReview: count('vertical', 'needs review'),
    },
    truncated,
    pairs: pairs.slice(0, MAX_PAIRS),
  };
}
