/**
 * 管线 workspace, pure part: the tools and their URL state (`pipes.tool`, `pipes.burst`,
 * `pipes.section`, `pipes.run`), and the chart models of the 横断面 (cross-section) and 纵断面
 * (longitudinal profile): scales, ticks and the shapes to draw, computed from the analysis
 * results so the SVG components only render.
 */

export const TOOLS = ['burst', 'section', 'profile', 'clearance', 'excavation'] as const;
export type Tool = (typeof TOOLS)[number];

/** `pipes.tool`; anything else is the first tool (爆管). */
export function parseTool(value: string | undefined): Tool {
  return (TOOLS as readonly string[]).includes(value ?? '') ? (value as Tool) : 'burst';
}

export type LonLat = readonly [number, number];

/** `pipes.section` = `lon,lat;lon,lat[;…]` (2–100 positions inside China) or null. */
export function parseLine(value: string | undefined): LonLat[] | null {
  if (!value) return null;
  const parts = value.split(';');
  if (parts.length < 2 || parts.length > 100) return null;
  const out: LonLat[] = [];
  for (const p of parts) {
    const [lon, lat, ...rest] = p.split(',').map(Number);
    if (rest.length || lon === undefined || lat === undefined || !Number.isFinite(lon) || !Number.isFinite(lat)) return null;
    if (lon < 73 || lon > 136 || lat < 3 || lat > 54) return null;
    out.push([lon, lat]);
  }
  return out;
}

/** Positions to `pipes.section`, 6 decimals (≈ 0.1 m). */
export function formatLine(coords: readonly LonLat[]): string {
  return coords.map(([lon, lat]) => `${lon.toFixed(6)},${lat.toFixed(6)}`).join(';');
}

/** `pipes.run` = segment ids in run order (no repeats), or []. */
export function parseRun(value: string | undefined): number[] {
  if (!value) return [];
  const ids = value.split(',').filter((s) => /^\d{1,15}$/.test(s)).map(Number);
  return [...new Set(ids)];
}

/** A segment added to the run; picking the last one again removes it (undo a stray click). */
export function extendRun(run: readonly number[], id: number): number[] {
  if (run[run.length - 1] === id) return run.slice(0, -1);
  return run.includes(id) ? [...run] : [...run, id];
}

/** A 1 km² square (slightly less) around a lon/lat centre, as w,s,e,n: the clearance check's area. */
export function squareKm(center: LonLat): [number, number, number, number] {
  const halfM = 495;
  const dLat = halfM / 111_320;
  const dLon = halfM / (111_320 * Math.cos((center[1] * Math.PI) / 180));
  return [center[0] - dLon, center[1] - dLat, center[0] + dLon, center[1] + dLat];
}

/** Round tick values covering [min, max] with about `count` steps of 1, 2 or 5 × 10ⁿ. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max === min) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  // The 1-2-5 step nearest to the raw step (on a log scale).
  const step = [1, 2, 5, 10].map((m) => m * mag).reduce((best, s) => (Math.abs(Math.log(s / raw)) < Math.abs(Math.log(best / raw)) ? s : best));
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Math.round(v / step) * step);
  return ticks;
}

/** A linear scale from a domain to pixels. */
export function scale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v) => r0 + (v - d0) * k;
}

export interface ChartFrame {
  readonly width: number;
  readonly height: number;
  readonly left: number;
  readonly right: number;
  readonly top: number;
  readonly bottom: number;
}

export const FRAME: ChartFrame = { width: 360, height: 220, left: 44, right: 10, top: 12, bottom: 30 };

// ---------------------------------------------------------------- 横断面

/** A crossing as `/pipes/section` returns it (elevations only for department callers). */
export interface SectionCrossing {
  readonly id: number;
  readonly line_no: string;
  readonly category: string;
  readonly subcategory?: string | null;
  readonly offset_m: number;
  readonly diameter_mm: number | null;
  readonly width_mm: number | null;
  readonly height_mm: number | null;
  readonly material?: string | null;
  readonly depth?: number | null;
  readonly invert_elev?: number | null;
  readonly top_elev?: number | null;
  readonly owner_unit?: string | null;
}

export interface SectionShape {
  readonly id: number;
  readonly label: string;
  readonly color: string;
  readonly cx: number;
  readonly cy: number;
  /** Circle radius, or the half sizes of a rectangular section. */
  readonly rx: number;
  readonly ry: number;
  readonly rect: boolean;
  /** True when the crossing has no elevation (desensitised): drawn on the ground line. */
  readonly unknownDepth: boolean;
}

export interface SectionModel {
  readonly frame: ChartFrame;
  readonly xTicks: { v: number; x: number }[];
  readonly yTicks: { v: number; y: number }[];
  readonly ground: string;
  readonly shapes: SectionShape[];
  readonly hasElevations: boolean;
}

/**
 * The section chart: x = offset along the cut (m), y = elevation (m, 1985 height datum); each
 * pipe at its centre, its size to scale (at least 3 px so small cables stay visible), in its
 * category's colour; the ground line joins the ground elevations over the crossings.
 */
export function sectionModel(lengthM: number, crossings: readonly SectionCrossing[], colours: Readonly<Record<string, string>>, frame: ChartFrame = FRAME): SectionModel {
  const gravity = (c: SectionCrossing) => c.category === 'PS';
  const rows = crossings.map((c) => {
    const size = (c.height_mm ?? c.diameter_mm ?? 100) / 1000;
    const top = c.top_elev ?? null;
    const invert = c.invert_elev ?? null;
    const centre = top !== null && invert !== null ? (top + invert) / 2 : top !== null ? top - size / 2 : invert !== null ? invert + size / 2 : null;
    const stored = gravity(c) ? invert : top;
    const ground = stored !== null && c.depth !== null && c.depth !== undefined ? stored + c.depth : null;
    return { c, size, centre, ground };
  });
  const known = rows.filter((r) => r.centre !== null);
  const hasElevations = known.length > 0;
  const ys = rows.flatMap((r) => [r.centre === null ? [] : [r.centre - r.size / 2, r.centre + r.size / 2], r.ground === null ? [] : [r.ground]].flat());
  const yMin = hasElevations ? Math.min(...ys) - 0.5 : 0;
  const yMax = hasElevations ? Math.max(...ys) + 0.3 : 1;
  const x = scale(0, Math.max(lengthM, 1), frame.left, frame.width - frame.right);
  const y = scale(yMin, yMax, frame.height - frame.bottom, frame.top);
  const pxPerM = Math.abs(y(yMin + 1) - y(yMin));
  const groundPts = rows.filter((r) => r.ground !== null).sort((a, b) => a.c.offset_m - b.c.offset_m);
  const shapes = rows.map(({ c, size, centre }) => {
    const rect = c.width_mm !== null && c.height_mm !== null && c.diameter_mm === null;
    const half = Math.max(1.5, (size * pxPerM) / 2);
    const halfW = rect ? Math.max(1.5, (((c.width_mm ?? 0) / 1000) * pxPerM) / 2) : half;
    return {
      id: c.id, label: c.line_no, color: colours[c.category] ?? '#6600cc', cx: x(c.offset_m),
      cy: centre === null ? (frame.top + frame.height - frame.bottom) / 2 : y(centre), rx: hasElevations ? halfW : 4, ry: hasElevations ? half : 4, rect, unknownDepth: centre === null,
    };
  });
  return {
    frame,
    xTicks: niceTicks(0, lengthM, 5).map((v) => ({ v, x: x(v) })),
    yTicks: hasElevations ? niceTicks(yMin, yMax, 4).map((v) => ({ v, y: y(v) })) : [],
    ground: groundPts.map((r, i) => `${i === 0 ? 'M' : 'L'}${x(r.c.offset_m).toFixed(1)},${y(r.ground!).toFixed(1)}`).join(' '),
    shapes,
    hasElevations,
  };
}

// ---------------------------------------------------------------- 纵断面

export interface ProfileNode {
  readonly point_no: string;
  readonly chainage_m: number;
  readonly ground_elev?: number | null;
  readonly invert_elev?: number | null;
  readonly top_elev?: number | null;
  readonly depth?: number | null;
  readonly incoming?: { depth: number | null; invert_elev: number | null; top_elev: number | null };
}

export interface ProfileModel {
  readonly frame: ChartFrame;
  readonly xTicks: { v: number; x: number }[];
  readonly yTicks: { v: number; y: number }[];
  readonly ground: string;
  readonly top: string;
  readonly invert: string;
  readonly nodes: { x: number; label: string }[];
  readonly hasElevations: boolean;
}

/**
 * The profile chart: x = chainage (m), y = elevation; the ground line over the points, and the
 * pipe's top and invert lines (an interior node has the incoming segment's values just before it
 * and the outgoing one's after it, so a drop shows as a step).
 */
export function profileModel(nodes: readonly ProfileNode[], frame: ChartFrame = FRAME): ProfileModel {
  const pipePts = (key: 'top_elev' | 'invert_elev') =>
    nodes.flatMap((n) => {
      const before = n.incoming?.[key];
      const after = n[key];
      const pts: [number, number][] = [];
      if (before !== undefined && before !== null) pts.push([n.chainage_m, before]);
      if (after !== undefined && after !== null) pts.push([n.chainage_m, after]);
      return pts;
    });
  const ground = nodes.flatMap((n) => (n.ground_elev === null || n.ground_elev === undefined ? [] : [[n.chainage_m, n.ground_elev] as [number, number]]));
  const top = pipePts('top_elev');
  const invert = pipePts('invert_elev');
  const ys = [...ground, ...top, ...invert].map((p) => p[1]);
  const hasElevations = ys.length > 0;
  const length = nodes.length ? nodes[nodes.length - 1]!.chainage_m : 0;
  const yMin = hasElevations ? Math.min(...ys) - 0.5 : 0;
  const yMax = hasElevations ? Math.max(...ys) + 0.5 : 1;
  const x = scale(0, Math.max(length, 1), frame.left, frame.width - frame.right);
  const y = scale(yMin, yMax, frame.height - frame.bottom, frame.top);
  const path = (pts: readonly [number, number][]) => pts.map(([cx, cy], i) => `${i === 0 ? 'M' : 'L'}${x(cx).toFixed(1)},${y(cy).toFixed(1)}`).join(' ');
  return {
    frame,
    xTicks: niceTicks(0, length, 5).map((v) => ({ v, x: x(v) })),
    yTicks: hasElevations ? niceTicks(yMin, yMax, 4).map((v) => ({ v, y: y(v) })) : [],
    ground: path(ground),
    top: path(top),
    invert: path(invert),
    nodes: nodes.map((n) => ({ x: x(n.chainage_m), label: n.point_no })),
    hasElevations,
  };
}
