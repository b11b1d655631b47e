/**
 * Which CRS an import's coordinates are in (domain.md §5): the caller's override, else what the
 * file declares, else a guess from the coordinates themselves — lon/lat, CGCS2000 3°/6°
 * Gauss-Krüger with a zone prefix (EPSG:4513–4533 / 4491–4501), without one (the two central
 * meridians over Taizhou, EPSG:4549 / 4550) or Web Mercator. Every choice is checked by
 * PostGIS: under it the data must land in China, and a guess must land in Zhejiang, or the
 * import is refused with the reason (a silent 500 km shift is worse than a 400).
 */
import { BadRequestError } from '../errors.ts';
import type { Pool } from '../db.ts';

/** Geographic CRSs stored as-is (CGCS2000 ≡ WGS84 to centimetres, domain.md §5). */
export const GEOGRAPHIC_SRIDS: ReadonlySet<number> = new Set([4326, 4490]);

/** CRSs an import may be in: WGS84, CGCS2000, Web Mercator and every CGCS2000 Gauss-Krüger zone. */
export function isImportSrid(srid: number): boolean {
  return GEOGRAPHIC_SRIDS.has(srid) || srid === 3857 || (srid >= 4491 && srid <= 4554);
}

/** `EPSG:4549`, `4549`, `urn:ogc:def:crs:EPSG::4549`, `http://www.opengis.net/def/crs/EPSG/0/4549`, `CRS84`. */
export function parseImportCrs(text: string): number {
  const t = text.trim();
  let srid: number | undefined;
  if (/^(OGC:)?CRS84$/i.test(t) || /\/OGC\/1\.3\/CRS84$/i.test(t)) srid = 4326;
  else {
    const m = /^(?:EPSG:{1,2}|urn:ogc:def:crs:EPSG::|https?:\/\/www\.opengis\.net\/def\/crs\/EPSG\/0\/)?(\d{4,5})$/i.exec(t);
    srid = m ? Number(m[1]) : undefined;
  }
  if (srid === undefined || !isImportSrid(srid))
    throw new BadRequestError(
      `crs "${t.slice(0, 60)}" 不支持 / is not supported: use EPSG:4490 (CGCS2000), EPSG:4326 (WGS84), EPSG:3857, or a CGCS2000 Gauss-Krüger zone EPSG:4491–4554 (e.g. 4549 = 3° CM 120E, 4528 = 3° zone 40)`,
      { parameter: 'crs' },
    );
  return srid;
}

export type Extent = readonly [number, number, number, number];

/** Candidate CRSs for coordinates in this extent, most likely first (no database needed). */
export function candidateSrids([minX, minY, maxX, maxY]: Extent): number[] {
  if (minX >= -180 && maxX <= 180 && minY >= -90 && maxY <= 90) return [4490];
  const out: number[] = [];
  const zone = Math.floor(minX / 1e6);
  // 3857 x over China is 8.1e6..15.2e6 and overlaps the zone-prefixed eastings 13e6..23e6 (6° zones).
  if (minX > 8e6 && maxX < 1.53e7 && minY > 3e5 && maxY < 7.2e6) out.push(3857);
  if (zone === Math.floor(maxX / 1e6) && minY > 0 && maxY < 6.5e6) {
    if (zone >= 25 && zone <= 45) out.push(4488 + zone); // EPSG:4513 = 3° zone 25
    else if (zone >= 13 && zone <= 23) out.push(4478 + zone); // EPSG:4491 = 6° zone 13
  }
  if (minX > 0 && maxX < 1e6 && minY > 0 && maxY < 6.5e6) out.push(4549, 4550);
  return out;
}

const CHINA = [73, 3, 136, 54] as const;
const ZHEJIANG = [118, 27, 123.5, 31.5] as const;

/** Where the extent lands in CGCS2000 lon/lat under each SRID (null when PROJ cannot place it). */
async function landings(pool: Pool, srids: readonly number[], e: Extent): Promise<Map<number, Extent | null>> {
  const out = new Map<number, Extent | null>();
  for (const srid of srids) {
    try {
      const { rows } = await pool.query<{ x0: number; y0: number; x1: number; y1: number }>(
        `SELECT ST_XMin(b) AS x0, ST_YMin(b) AS y0, ST_XMax(b) AS x1, ST_YMax(b) AS y1
           FROM (SELECT ST_Transform(ST_SetSRID(ST_MakeEnvelope($1, $2, $3, $4), $5::int), 4490)::box2d AS b) t`,
        [e[0], e[1], e[2], e[3], srid],
      );
      const r = rows[0]!;
      out.set(srid, [r.x0, r.y0, r.x1, r.y1].every(Number.isFinite) ? [r.x0, r.y0, r.x1, r.y1] : null);
    } catch {
      out.set(srid, null); // outside the projection's domain
    }
  }
  return out;
}

const inside = (e: Extent | null | undefined, box: readonly number[]) => !!e && e[0] >= box[0]! && e[1] >= box[1]! && e[2] <= box[2]! && e[3] <= box[3]!;

export interface ResolvedCrs {
  readonly srid: number;
  readonly source: 'override' | 'declared' | 'guessed';
  /** CGCS2000 lon/lat extent of the data under that CRS. */
  readonly extent4490: Extent;
}

const fmt = (e: Extent) => e.map((v) => Math.round(v * 1000) / 1000).join(', ');

/** Decides the CRS (override → declared → guessed) and checks the data lands where it should. */
export async function resolveImportCrs(pool: Pool, extent: Extent, declared: number | undefined, override: number | undefined): Promise<ResolvedCrs> {
  const chosen = override ?? declared;
  if (chosen !== undefined) {
    if (!isImportSrid(chosen))
      throw new BadRequestError(`文件声明的坐标系 EPSG:${chosen} 不支持 / the file declares EPSG:${chosen}, which imports do not support; give crs= explicitly`, { parameter: 'crs' });
    const land = (await landings(pool, [chosen], extent)).get(chosen);
    if (!inside(land, CHINA))
      throw new BadRequestError(
        `按 EPSG:${chosen} 解释时数据不在中国境内 / under EPSG:${chosen} (${override !== undefined ? 'given' : 'declared by the file'}) the data (extent ${fmt(extent)}) does not fall in China; ${override !== undefined ? 'check crs' : 'override it with crs='}`,
        { parameter: 'crs' },
      );
    return { srid: chosen, source: override !== undefined ? 'override' : 'declared', extent4490: land! };
  }
  const candidates = candidateSrids(extent);
  const lands = await landings(pool, candidates, extent);
  // Lon/lat is unambiguous anywhere in China; projected guesses must land in Zhejiang.
  const best = candidates.find((s) => inside(lands.get(s), ZHEJIANG)) ?? candidates.find((s) => GEOGRAPHIC_SRIDS.has(s) && inside(lands.get(s), CHINA));
  if (best === undefined)
    throw new BadRequestError(
      `无法判断坐标系 / cannot tell the CRS of coordinates with extent ${fmt(extent)}${candidates.length ? ` (tried EPSG:${candidates.join(', ')}: none puts the data in Zhejiang)` : ''}; give crs= (e.g. EPSG:4490, EPSG:4549)`,
      { parameter: 'crs' },
    );
  return { srid: best, source: 'guessed', extent4490: lands.get(best)! };
}
