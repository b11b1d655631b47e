/**
 * Expressways, national and provincial roads from geography/intercity-roads.ts: meandered
 * gently, clipped to the land, versioned (a widened road has two versions of one fid).
 */
import { INTERCITY_ROADS } from '../geography/intercity-roads.ts';
import { meanderThrough, splitWhere } from '../core/lines.ts';
import type { Rng } from '../core/prng.ts';
import type { LonLat, RoadRow } from '../types.ts';
import type { Land } from './land.ts';
import { julyFirst, type FidCounter } from './versions.ts';

const MEANDER_M = { expressway: 250, national: 400, provincial: 500 } as const;

/** Versioned rows for the roads of geography/intercity-roads.ts. */
export function buildIntercityRoads(land: Land, fids: FidCounter, rng: Rng): RoadRow[] {
  const rows: RoadRow[] = [];
  for (const spec of INTERCITY_ROADS) {
    const { line } = meanderThrough(spec.waypointsDeg, MEANDER_M[spec.class], 200, rng);
    const geom = splitWhere(line, land.contains);
    if (geom.length === 0) continue;
    const fid = fids.next();
    const base = { fid, name: spec.name, class: spec.class, openedYear: spec.openedYear, geom };
    if (spec.widened) {
      rows.push({ ...base, lanes: spec.lanes, validFrom: julyFirst(spec.openedYear), validTo: julyFirst(spec.widened.year), changeNote: null });
      rows.push({ ...base, lanes: spec.widened.lanes, validFrom: julyFirst(spec.widened.year), validTo: null, changeNote: `${spec.widened.year}年拓宽为${spec.widened.lanes}车道` });
    } else {
      rows.push({ ...base, lanes: spec.lanes, validFrom: julyFirst(spec.openedYear), validTo: null, changeNote: null });
    }
  }
  return rows;
}

/**
 * Ends national and provincial roads where they enter a built-up city grid (`insideCity`): in
 * town they continue as the grid's arterials instead of cutting diagonally through blocks.
 * Expressways are kept whole (they pass on their own alignment; the cities avoid them).
 */
export function trimAtCities(rows: readonly RoadRow[], insideCity: (p: LonLat) => boolean): RoadRow[] {
  const out: RoadRow[] = [];
  for (const row of rows) {
    if (row.class === 'expressway') {
      out.push(row);
      continue;
    }
    const geom = row.geom.flatMap((part) => splitWhere(part, (p) => !insideCity(p)));
    if (geom.length > 0) out.push({ ...row, geom });
  }
  return out;
}

/** Half the paved width by class, metres: keeps buildings off the carriageway. */
export const ROAD_HALF_WIDTH_M = { expressway: 16, national: 12, provincial: 9, arterial: 14, secondary: 9, branch: 5 } as const;
