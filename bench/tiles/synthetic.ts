/**
 * The synthetic building set of tiles-performance.md §5: 200,000 axis-aligned squares of
 * 8–40 m around Taizhou, 70 % Gaussian-clustered around five town centres, 30 % uniform over
 * the box. A seeded PRNG makes every run (and every machine) load the same rows.
 */
import { BOX } from './tile-list.ts';

export const SYNTHETIC_COUNT = 200_000;
/** Bump when the generator changes so a stale benchmark database is reloaded. */
export const SYNTHETIC_VERSION = 'synthetic-v1-seed-20250601';

/** Town centres with their district (adcode), densest first; σ ≈ 4 km gives ~1,300 buildings per dense z14 tile like §5. */
const CENTRES = [
  { name: 'Jiaojiang', lon: 121.42, lat: 28.66, adcode: '331002' },
  { name: 'Huangyan', lon: 121.26, lat: 28.65, adcode: '331003' },
  { name: 'Luqiao', lon: 121.37, lat: 28.58, adcode: '331004' },
  { name: 'Linhai', lon: 121.13, lat: 28.85, adcode: '331082' },
  { name: 'Wenling', lon: 121.38, lat: 28.37, adcode: '331081' },
] as const;
const SIGMA_M = 4_000;
const CLUSTERED_SHARE = 0.7;
const M_PER_DEG_LAT = 111_320;

const USES = [
  ['residential', 0.55],
  ['commercial', 0.12],
  ['industrial', 0.15],
  ['public', 0.08],
  ['education', 0.05],
  ['other', 0.05],
] as const;

/** mulberry32: tiny, fast, and identical on every platform (Math.random is not seedable). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Column arrays ready for `unnest(...)`: one round trip per batch instead of one per row. */
export interface BuildingColumns {
  readonly west: number[];
  readonly south: number[];
  readonly east: number[];
  readonly north: number[];
  readonly use: string[];
  readonly floors: number[];
  readonly heightM: number[];
  readonly yearBuilt: (number | null)[];
  readonly adcode: string[];
}

export function generateSynthetic(count = SYNTHETIC_COUNT, seed = 20250601): BuildingColumns {
  const rnd = prng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const cols: BuildingColumns = { west: [], south: [], east: [], north: [], use: [], floors: [], heightM: [], yearBuilt: [], adcode: [] };
  const inBox = (lon: number, lat: number) => lon > BOX.west && lon < BOX.east && lat > BOX.south && lat < BOX.north;
  for (let i = 0; i < count; i++) {
    let lon: number;
    let lat: number;
    let adcode: string;
    if (rnd() < CLUSTERED_SHARE) {
      const c = CENTRES[Math.floor(rnd() * CENTRES.length)]!;
      adcode = c.adcode;
      // Rejection keeps every building inside the box (so the z10 list covers all of them).
      do {
        lat = c.lat + (gauss() * SIGMA_M) / M_PER_DEG_LAT;
        lon = c.lon + (gauss() * SIGMA_M) / (M_PER_DEG_LAT * Math.cos((c.lat * Math.PI) / 180));
      } while (!inBox(lon, lat));
    } else {
      lon = BOX.west + rnd() * (BOX.east - BOX.west);
      lat = BOX.south + rnd() * (BOX.north - BOX.south);
      adcode = nearestCentre(lon, lat).adcode;
    }
    const sizeM = 8 + rnd() * 32;
    const dLat = sizeM / 2 / M_PER_DEG_LAT;
    const dLon = sizeM / 2 / (M_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180));
    cols.west.push(lon - dLon);
    cols.east.push(lon + dLon);
    cols.south.push(lat - dLat);
    cols.north.push(lat + dLat);
    cols.use.push(pickUse(rnd()));
    const floors = 1 + Math.floor(rnd() ** 2 * 32);
    cols.floors.push(floors);
    cols.heightM.push(Math.round((floors * 3.1 + rnd() * 2) * 10) / 10);
    cols.yearBuilt.push(rnd() < 0.05 ? null : 1975 + Math.floor(rnd() * 46));
    cols.adcode.push(adcode);
  }
  return cols;
}

function pickUse(r: number): string {
  let acc = 0;
  for (const [use, share] of USES) {
    acc += share;
    if (r < acc) return use;
  }
  return 'other';
}

function nearestCentre(lon: number, lat: number) {
  let best: (typeof CENTRES)[number] = CENTRES[0];
  let bestD = Infinity;
  for (const c of CENTRES) {
    const d = (c.lon - lon) ** 2 + (c.lat - lat) ** 2;
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best;
}
