/**
 * Urban streets along the edges of the blocks a layout actually built on, so the street net and
 * the buildings match. Every 4th grid line is an arterial (named from the centre's list of real
 * names first), every 2nd a secondary street, the rest branch streets. A street opens shortly
 * before the oldest block beside it; some old arterials were widened later (two versions).
 */
import type { Rng } from '../core/prng.ts';
import type { Namer } from '../core/namer.ts';
import type { LineCoords, LonLat, RoadClass, RoadRow } from '../types.ts';
import type { LayoutResult, Site } from './urban-layout.ts';
import { splitWhere } from '../core/lines.ts';
import { clampYear } from './building-attributes.ts';
import { julyFirst, type FidCounter } from './versions.ts';

/** How a layout's streets are classed and named. */
export interface StreetOptions {
  readonly isCity: boolean;
  /** Real names for this centre's arterials, nearest first. */
  readonly arterialNames: readonly string[];
  /** Namespace for generated names (per district, so names repeat only across districts). */
  readonly namespace: string;
}

interface Run {
  readonly vertical: boolean;
  readonly line: number;
  readonly from: number;
  readonly to: number;
  readonly year: number;
}

/** Maximal runs of block edges along each grid line that touch at least one built block. */
function edgeRuns(result: LayoutResult): Run[] {
  const years = new Map<string, number>();
  for (const b of result.blocks) years.set(`${b.i},${b.j}`, b.year);
  const yearAt = (i: number, j: number) => years.get(`${i},${j}`);
  const is = result.blocks.map((b) => b.i);
  const js = result.blocks.map((b) => b.j);
  const [i0, i1, j0, j1] = [Math.min(...is), Math.max(...is) + 1, Math.min(...js), Math.max(...js) + 1];
  const runs: Run[] = [];
  const scan = (vertical: boolean, lineFrom: number, lineTo: number, stepFrom: number, stepTo: number) => {
    for (let line = lineFrom; line <= lineTo; line++) {
      let start: number | null = null;
      let year = Infinity;
      for (let k = stepFrom; k <= stepTo; k++) {
        const a = vertical ? yearAt(line - 1, k) : yearAt(k, line - 1);
        const b = vertical ? yearAt(line, k) : yearAt(k, line);
        const present = k < stepTo && (a !== undefined || b !== undefined);
        if (present) {
          start ??= k;
          year = Math.min(year, a ?? Infinity, b ?? Infinity);
        } else if (start !== null) {
          runs.push({ vertical, line, from: start, to: k, year });
          start = null;
          year = Infinity;
        }
      }
    }
  };
  scan(true, i0, i1, j0, j1);
  scan(false, j0, j1, i0, i1);
  return runs;
}

function classOf(line: number, isCity: boolean): RoadClass {
  if (line % 4 === 0) return isCity ? 'arterial' : 'secondary';
  return line % 2 === 0 && isCity ? 'secondary' : 'branch';
}

const LANES: Record<RoadClass, number> = { expressway: 6, national: 4, provincial: 4, arterial: 6, secondary: 4, branch: 2 };

/** Street rows along the built blocks of one layout. */
export function buildStreets(result: LayoutResult, site: Site, options: StreetOptions, fids: FidCounter, namer: Namer, rng: Rng): RoadRow[] {
  if (result.blocks.length === 0) return [];
  const { grid } = result;
  const W = grid.blockWM;
  const H = grid.blockHM;
  const lineNames = new Map<string, string>();
  let realNames = 0;
  const runs = edgeRuns(result).sort((a, b) => Math.abs(a.line) - Math.abs(b.line) || Number(b.vertical) - Number(a.vertical) || a.line - b.line || a.from - b.from);
  const rows: RoadRow[] = [];
  for (const run of runs) {
    const cls = classOf(run.line, options.isCity);
    const lineKey = `${run.vertical ? 'v' : 'h'}${run.line}`;
    let name = lineNames.get(lineKey);
    if (name === undefined) {
      name = cls === 'arterial' && realNames < options.arterialNames.length ? (options.arterialNames[realNames++] as string) : namer.street(options.namespace);
      lineNames.set(lineKey, name);
    }
    // Densify to split where the street would leave the land or (unless bridged) cross water.
    const steps = Math.max(2, Math.round(((run.to - run.from) * (run.vertical ? H : W)) / 40));
    const line: LineCoords = [];
    for (let s = 0; s <= steps; s++) {
      const t = run.from + ((run.to - run.from) * s) / steps;
      line.push(run.vertical ? grid.toLonLat(run.line * W, t * H) : grid.toLonLat(t * W, run.line * H));
    }
    const bridged = cls === 'arterial';
    const parts = splitWhere(line, (p: LonLat) => site.land.contains(p) && (bridged || !site.hydro.water.contains(p)));
    const geom = parts.map((part) => [part[0] as LonLat, part[part.length - 1] as LonLat]);
    if (geom.length === 0) continue;
    const openedYear = clampYear(run.year - rng.int(0, 3));
    const fid = fids.next();
    const base = { fid, name, class: cls, openedYear, geom };
    if (cls === 'arterial' && openedYear < 2000 && rng.chance(0.3)) {
      const widened = rng.int(2005, 2020);
      rows.push({ ...base, lanes: 4, validFrom: julyFirst(openedYear), validTo: julyFirst(widened), changeNote: null });
      rows.push({ ...base, lanes: 6, validFrom: julyFirst(widened), validTo: null, changeNote: `${widened}年拓宽为6车道` });
    } else {
      rows.push({ ...base, lanes: LANES[cls] - (cls === 'arterial' && openedYear < 1995 ? 2 : 0), validFrom: julyFirst(openedYear), validTo: null, changeNote: null });
    }
  }
  return rows;
}
