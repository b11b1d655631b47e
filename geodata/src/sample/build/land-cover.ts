/**
 * Land cover for the 2019 and 2023 surveys as a grid tessellation: ~400 m cells classified per
 * survey, merged into row runs and then into rectangles spanning rows; cells on the coast or the
 * city border become patches of their own, clipped to the land. A patch unchanged in 2023 keeps
 * its 2019 fid, so the two survey rows are two versions of one feature ([2019-06-30,
 * 2023-06-30) then open).
 */
import { COAST_DEG } from '../geography/outline.ts';
import { cityFrame, multiPolygonAreaM2 } from '../core/geodesy.ts';
import { SegmentIndex } from '../core/segment-index.ts';
import type { BuildingRow, LandCoverRow, LonLat, MultiPolygonCoords, Ring } from '../types.ts';
import type { Land } from './land.ts';
import type { Hydro } from './hydro.ts';
import type { Terrain } from './terrain.ts';
import { LAND_COVER_CLASSES, surveyClass } from './land-cover-classes.ts';
import { CellClipper, NX, NY, boundaryCells, cellCentre, cellOf, cellsRing } from './land-cover-grid.ts';
import { stampMs, surveyDate, type FidCounter } from './versions.ts';

/** Survey years of the land-cover layer (地理国情监测). */
export const SURVEY_YEARS = [2019, 2023] as const;

/** Per-cell building counts standing at one instant, industrial counts, and upcoming ones. */
function buildingCounts(buildings: readonly BuildingRow[], year: number) {
  const standing = new Uint16Array(NX * NY);
  const industrial = new Uint16Array(NX * NY);
  const upcoming = new Uint16Array(NX * NY);
  const at = stampMs(surveyDate(year));
  const soon = stampMs(surveyDate(year + 2));
  for (const b of buildings) {
    const p = b.geom[0]?.[0]?.[0];
    if (!p) continue;
    const k = cellOf(p);
    if (k < 0) continue;
    const from = stampMs(b.validFrom);
    if (from <= at && (b.validTo === null || stampMs(b.validTo) > at)) {
      standing[k] = (standing[k] as number) + 1;
      if (b.use === 'industrial') industrial[k] = (industrial[k] as number) + 1;
    } else if (from > at && from <= soon) upcoming[k] = (upcoming[k] as number) + 1;
  }
  return { standing, industrial, upcoming };
}

interface Patch {
  readonly key: string;
  readonly classCode: string;
  readonly geom: MultiPolygonCoords;
}

/** Land-cover patches of every survey year, fids shared by unchanged patches. */
export function buildLandCover(land: Land, hydro: Hydro, terrain: Terrain, buildings: readonly BuildingRow[], seed: number, fids: FidCounter): LandCoverRow[] {
  const boundary = boundaryCells(land);
  const included = new Uint8Array(NX * NY);
  const elevation = new Float32Array(NX * NY);
  const coastDistance = new Float32Array(NX * NY);
  const water = new Uint8Array(NX * NY);
  const coast = new SegmentIndex(4000);
  coast.addLine(COAST_DEG.map((p) => [p[0], p[1]] as LonLat), 0);
  for (const island of land.islands) coast.addLine(island.polygon[0] as Ring, 0);
  for (let y = 0; y < NY; y++)
    for (let x = 0; x < NX; x++) {
      const k = y * NX + x;
      const c = cellCentre(k);
      const inLand = land.contains(c);
      if (!inLand && boundary[k] === 0) continue;
      included[k] = 1;
      elevation[k] = terrain.elevationM(c);
      coastDistance[k] = coast.distanceM(c, 4000);
      water[k] = hydro.water.contains(c) ? 1 : 0;
    }
  const clipper = new CellClipper(land);

  const rows: LandCoverRow[] = [];
  const previous = new Map<string, number>();
  for (const year of SURVEY_YEARS) {
    const counts = buildingCounts(buildings, year);
    const classes: string[] = new Array<string>(NX * NY).fill('');
    for (let k = 0; k < NX * NY; k++) {
      if (included[k] === 0) continue;
      const [xKm, yKm] = cityFrame.toXY(cellCentre(k)).map((v) => v / 1000) as [number, number];
      classes[k] = surveyClass(
        {
          xKm, yKm, elevationM: elevation[k] as number, coastDistanceM: coastDistance[k] as number, inWater: water[k] === 1,
          buildings: counts.standing[k] as number, industrial: counts.industrial[k] as number, upcoming: counts.upcoming[k] as number,
        },
        seed,
      );
    }
    const patches = tessellate(classes, boundary, clipper);
    const current = new Map<string, number>();
    const from = surveyDate(year);
    const next = SURVEY_YEARS[SURVEY_YEARS.indexOf(year) + 1];
    for (const patch of patches) {
      const fid = previous.get(patch.key) ?? fids.next();
      current.set(patch.key, fid);
      rows.push({
        fid, classCode: patch.classCode, className: LAND_COVER_CLASSES[patch.classCode] ?? '', surveyYear: year,
        areaM2: Math.round(multiPolygonAreaM2(patch.geom) * 10) / 10, geom: patch.geom,
        validFrom: from, validTo: next === undefined ? null : surveyDate(next), changeNote: null,
      });
    }
    previous.clear();
    for (const [k, v] of current) previous.set(k, v);
  }
  return rows;
}

/** Row runs of one class merged over rows into rectangles; border cells clipped one by one. */
function tessellate(classes: readonly string[], boundary: Uint8Array, clipper: CellClipper): Patch[] {
  const patches: Patch[] = [];
  let open = new Map<string, { y0: number }>();
  const closeRect = (runKey: string, y0: number, y1: number) => {
    const [cls, x0, x1] = runKey.split('|') as [string, string, string];
    patches.push({ key: `${cls}|${x0},${y0},${x1},${y1}`, classCode: cls, geom: [[cellsRing(Number(x0), y0, Number(x1), y1)]] });
  };
  for (let y = 0; y < NY; y++) {
    const nowOpen = new Map<string, { y0: number }>();
    let x = 0;
    while (x < NX) {
      const k = y * NX + x;
      const cls = classes[k] as string;
      if (cls === '') {
        x++;
        continue;
      }
      if (boundary[k] === 1) {
        const geom = clipper.clip(k);
        if (geom.length > 0) patches.push({ key: `${cls}|cell|${k}`, classCode: cls, geom });
        x++;
        continue;
      }
      let end = x;
      while (end < NX && classes[y * NX + end] === cls && boundary[y * NX + end] === 0) end++;
      const runKey = `${cls}|${x}|${end}`;
      nowOpen.set(runKey, open.get(runKey) ?? { y0: y });
      open.delete(runKey);
      x = end;
    }
    for (const [runKey, o] of open) closeRect(runKey, o.y0, y);
    open = nowOpen;
  }
  for (const [runKey, o] of open) closeRect(runKey, o.y0, NY);
  return patches;
}
