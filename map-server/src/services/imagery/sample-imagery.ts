/**
 * Sample imagery generated from the sample geography already in PostGIS (never committed):
 * GDAL rasterizes land cover, water, sea, roads and the buildings standing at each date onto
 * the scene's grid, then each class gets a spectrum (B, G, R, NIR) for the season, with
 * texture noise; one scene gets clouds. Buildings completed within 18 months after a date
 * show as bare construction sites on it, so new construction appears between dates.
 *
 * Full sample: GF-2 over the 椒江–黄岩–路桥 core (20 km × 20 km at 4 m, UTM 51N) on three
 * dates (2019-04 spring, 2021-11 autumn with clouds, 2023-07 summer) and Landsat 8/9 over the
 * whole city at 30 m (CGCS2000 3° Gauss–Krüger CM 120°E) on two dates.
 */
import { execFile } from 'node:child_process';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { crsForEpsg } from '@onemap/tiles/raster';

const run = promisify(execFile);

/** One scene to generate. */
export interface SampleScene {
  readonly collection: 'gf2-pms' | 'landsat-c2-l2';
  readonly id: string;
  readonly datetime: string;
  readonly epsg: number;
  /** Centre lon/lat and the side in metres. */
  readonly centre: readonly [number, number];
  readonly widthM: number;
  readonly heightM: number;
  readonly resM: number;
  readonly clouds: boolean;
}

const URBAN: readonly [number, number] = [121.345, 28.625];
const CITY: readonly [number, number] = [121.06, 28.69];

/** The full sample (≈ 5000 × 5000 px per scene). */
export const FULL_SAMPLE: readonly SampleScene[] = [
  { collection: 'gf2-pms', id: 'GF2_PMS_20190418_TZ', datetime: '2019-04-18T02:48:00Z', epsg: 32651, centre: URBAN, widthM: 20_000, heightM: 20_000, resM: 4, clouds: false },
  { collection: 'gf2-pms', id: 'GF2_PMS_20211105_TZ', datetime: '2021-11-05T02:51:00Z', epsg: 32651, centre: URBAN, widthM: 20_000, heightM: 20_000, resM: 4, clouds: true },
  { collection: 'gf2-pms', id: 'GF2_PMS_20230722_TZ', datetime: '2023-07-22T02:46:00Z', epsg: 32651, centre: URBAN, widthM: 20_000, heightM: 20_000, resM: 4, clouds: false },
  { collection: 'landsat-c2-l2', id: 'LC08_L2SP_118040_20200510', datetime: '2020-05-10T02:32:00Z', epsg: 4549, centre: CITY, widthM: 175_000, heightM: 150_000, resM: 30, clouds: false },
  { collection: 'landsat-c2-l2', id: 'LC09_L2SP_118040_20240927', datetime: '2024-09-27T02:31:00Z', epsg: 4549, centre: CITY, widthM: 175_000, heightM: 150_000, resM: 30, clouds: false },
];

/** A small sample for tests: the GF-2 dates over a square piece (default 3 km of the core at 10 m). */
export function smallSample(sideM = 3000, resM = 10, centre: readonly [number, number] = URBAN): SampleScene[] {
  return FULL_SAMPLE.filter((s) => s.collection === 'gf2-pms').map((s) => ({ ...s, centre, widthM: sideM, heightM: sideM, resM }));
}

/** Land-cover class index burned by gdal_rasterize (first-level code / 100), plus our own. */
const C = { crop: 1, orchard: 2, forest: 3, grass: 4, builtArea: 5, road: 6, structure: 7, dug: 8, bare: 9, water: 10, building: 11, sea: 12, site: 13 } as const;

type Season = 'spring' | 'summer' | 'autumn';

/** Spectra as 8-bit DN (≈ reflectance × 400): [B, G, R, NIR]. */
function spectrum(cls: number, season: Season): [number, number, number, number] {
  switch (cls) {
    case C.crop:
      return season === 'spring' ? [52, 72, 62, 105] : season === 'summer' ? [34, 66, 38, 165] : [72, 82, 88, 96];
    case C.orchard:
      return season === 'autumn' ? [38, 60, 46, 118] : [34, 62, 40, 135];
    case C.forest:
      return season === 'summer' ? [26, 48, 28, 158] : season === 'spring' ? [30, 52, 32, 128] : [30, 48, 34, 112];
    case C.grass:
      return season === 'summer' ? [40, 72, 50, 140] : [50, 72, 62, 110];
    case C.builtArea:
      return [92, 94, 96, 104];
    case C.road:
      return [84, 84, 84, 80];
    case C.structure:
      return [112, 112, 110, 106];
    case C.dug:
    case C.site:
      return [112, 124, 146, 156];
    case C.bare:
      return [118, 124, 130, 142];
    case C.water:
      return [62, 58, 36, 16];
    case C.sea:
      return [70, 72, 52, 20];
    case C.building:
      return [132, 128, 124, 128];
    default:
      return [30, 50, 32, 120];
  }
}

function seasonOf(datetime: string): Season {
  const m = Number(datetime.slice(5, 7));
  return m >= 3 && m <= 5 ? 'spring' : m >= 6 && m <= 9 ? 'summer' : 'autumn';
}

/** `PG:` connection string for GDAL from a postgres:// URL. */
export function gdalPgConnection(databaseUrl: string): string {
  const u = new URL(databaseUrl);
  const parts = [`host=${u.hostname}`, `port=${u.port || 5432}`, `dbname=${decodeURIComponent(u.pathname.slice(1))}`, `user=${decodeURIComponent(u.username || 'postgres')}`];
  if (u.password) parts.push(`password=${decodeURIComponent(u.password)}`);
  return `PG:${parts.join(' ')}`;
}

/** Deterministic value noise in [0, 1) on a lattice. */
function lattice(ix: number, iy: number, seed: number): number {
  let h = (ix * 374761393 + iy * 668265263 + seed * 2246822519) | 0;
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

function smoothNoise(x: number, y: number, seed: number): number {
  const ix = Math.floor(x), iy = Math.floor(y);
  const fx = x - ix, fy = y - iy;
  const sx = fx * fx * (3 - 2 * fx), sy = fy * fy * (3 - 2 * fy);
  const a = lattice(ix, iy, seed), b = lattice(ix + 1, iy, seed), c = lattice(ix, iy + 1, seed), d = lattice(ix + 1, iy + 1, seed);
  return a + (b - a) * sx + (c - a) * sy + (a - b - c + d) * sx * sy;
}

export interface GeneratedScene {
  readonly scene: SampleScene;
  readonly file: string;
  readonly cloudCover: number;
}

/**
 * Generates the scenes as COG files in `outDir` (GDAL reads the geography straight from
 * PostGIS). Returns the files with their cloud cover; ingest registers them.
 */
export async function generateSampleImagery(databaseUrl: string, outDir: string, scenes: readonly SampleScene[] = FULL_SAMPLE, log: (s: string) => void = () => undefined): Promise<GeneratedScene[]> {
  await mkdir(outDir, { recursive: true });
  const pg = gdalPgConnection(databaseUrl);
  const out: GeneratedScene[] = [];
  let pending: Promise<void> = Promise.resolve();
  for (const scene of scenes) {
    const t0 = performance.now();
    const crs = crsForEpsg(scene.epsg)!;
    const [cx, cy] = crs.fromLonLat(scene.centre[0], scene.centre[1]);
    const w = Math.round(scene.widthM / scene.resM), h = Math.round(scene.heightM / scene.resM);
    const x0 = Math.round(cx - scene.widthM / 2), y1 = Math.round(cy + scene.heightM / 2);
    const x1 = x0 + w * scene.resM, y0 = y1 - h * scene.resM;
    const classes = join(outDir, `.${scene.id}.classes`);
    const at = scene.datetime;
    // Land cover exists from its first survey (mid-2019); earlier dates use the first survey.
    const lcAt = at < '2019-07-01' ? '2019-07-01T00:00:00Z' : at;
    const epsg = scene.epsg;
    const grid = ['-te', String(x0), String(y0), String(x1), String(y1), '-tr', String(scene.resM), String(scene.resM), '-a_srs', `EPSG:${epsg}`, '-ot', 'Byte', '-of', 'ENVI', '-init', String(C.forest)];
    // Only rows near the scene (index scan on geom), with a margin for the reprojection.
    const near = `geom && ST_Expand(ST_Transform(ST_MakeEnvelope(${x0}, ${y0}, ${x1}, ${y1}, ${epsg}), 4490), 0.01)`;
    const burns: [string, boolean][] = [
      [`SELECT (class_code::int / 100) AS v, ST_Transform(geom, ${epsg}) AS g FROM base.land_cover WHERE valid @> '${lcAt}'::timestamptz AND ${near}`, true],
      [`SELECT ${C.sea} AS v, ST_Transform(geom, ${epsg}) AS g FROM base.water_areas WHERE kind = 'sea' AND ${near}`, false],
      [`SELECT ${C.water} AS v, ST_Transform(geom, ${epsg}) AS g FROM base.water_areas WHERE kind <> 'sea' AND ${near}`, false],
      [`SELECT ${C.road} AS v, ST_Buffer(ST_Transform(geom, ${epsg}), ${Math.max(4, scene.resM / 2)}) AS g FROM base.roads WHERE valid @> '${at}'::timestamptz AND ${near}`, false],
      [`SELECT ${C.site} AS v, ST_Transform(ST_Buffer(geom, 0.00004), ${epsg}) AS g FROM base.buildings WHERE lower(valid) > '${at}'::timestamptz AND lower(valid) <= '${at}'::timestamptz + interval '18 months' AND ${near}`, false],
      [`SELECT ${C.building} AS v, ST_Transform(geom, ${epsg}) AS g FROM base.buildings WHERE valid @> '${at}'::timestamptz AND ${near}`, false],
    ];
    for (const [sql, first] of burns) {
      await run('gdal_rasterize', ['-q', '-sql', sql, '-a', 'v', ...(first ? grid : []), pg, classes], { maxBuffer: 16 << 20 });
    }
    const tRaster = performance.now();
    const cls = await readFile(classes);
    const landsat = scene.collection === 'landsat-c2-l2';
    const season = seasonOf(at);
    const n = w * h;
    const px = landsat ? new Uint16Array(n * 4) : new Uint8Array(n * 4);
    const seed = Number(at.slice(0, 4)) * 13 + Number(at.slice(5, 7));
    const cellPx = 240 / scene.resM; // texture at ~240 m and ~40 m
    const finePx = 40 / scene.resM;
    const cloudPx = 2400 / scene.resM;
    let cloudy = 0;
    let rnd = seed >>> 0;
    // Texture noise is smooth at ≥ 10 px: computed once per 2 × 2 pixels.
    const texRow = new Float32Array(w);
    for (let r = 0; r < h; r++) {
      if ((r & 1) === 0) for (let c = 0; c < w; c += 2) texRow[c] = texRow[c + 1] = smoothNoise(c / cellPx, r / cellPx, seed) * 0.6 + smoothNoise(c / finePx, r / finePx, seed + 1) * 0.4;
      for (let c = 0; c < w; c++) {
        const o = r * w + c;
        const k = cls[o]!;
        const s = spectrum(k, season);
        const tex = texRow[c]!;
        rnd = (Math.imul(rnd, 1664525) + 1013904223) >>> 0;
        const grain = (rnd / 4294967296 - 0.5) * 6;
        const veg = k <= C.grass;
        const gain = veg ? 0.85 + 0.3 * tex : 0.9 + 0.2 * tex;
        let b = s[0] * gain + grain, g = s[1] * gain + grain, red = s[2] * gain + grain, nir = s[3] * (veg ? 0.8 + 0.4 * tex : gain) + grain;
        if (k === C.building && lattice(c >> 3, r >> 3, 7) > 0.8) [b, g, red, nir] = [150, 112, 72, 80]; // blue factory roofs
        if (scene.clouds) {
          const cn = smoothNoise(c / cloudPx, r / cloudPx, 99) * 0.65 + smoothNoise(c / (cloudPx / 4), r / (cloudPx / 4), 98) * 0.35;
          if (cn > 0.62) {
            const a = Math.min(1, (cn - 0.62) / 0.08);
            b += (235 - b) * a;
            g += (235 - g) * a;
            red += (232 - red) * a;
            nir += (228 - nir) * a;
            if (a > 0.5) cloudy++;
          }
        }
        const q = o * 4;
        const v = [b, g, red, nir];
        for (let i = 0; i < 4; i++) {
          const dn = Math.max(1, Math.min(254, v[i]!)); // 0 stays free for nodata
          px[q + i] = landsat ? Math.round((dn / 400 + 0.2) / 0.0000275) : Math.round(dn);
        }
      }
    }
    const tBands = performance.now();
    const raw = join(outDir, `.${scene.id}.raw`);
    const fh = await open(raw, 'w');
    await fh.write(new Uint8Array(px.buffer, px.byteOffset, px.byteLength));
    await fh.close();
    const dataType = landsat ? 'UInt16' : 'Byte';
    const bytes = landsat ? 2 : 1;
    const bandXml = [0, 1, 2, 3]
      .map(
        (i) => `<VRTRasterBand dataType="${dataType}" band="${i + 1}" subClass="VRTRawRasterBand"><ColorInterp>Undefined</ColorInterp><NoDataValue>0</NoDataValue>` +
          `<SourceFilename relativeToVRT="1">.${scene.id}.raw</SourceFilename><ImageOffset>${i * bytes}</ImageOffset><PixelOffset>${4 * bytes}</PixelOffset><LineOffset>${4 * bytes * w}</LineOffset><ByteOrder>LSB</ByteOrder></VRTRasterBand>`,
      )
      .join('');
    const vrt = join(outDir, `.${scene.id}.vrt`);
    await writeFile(vrt, `<VRTDataset rasterXSize="${w}" rasterYSize="${h}"><SRS>EPSG:${epsg}</SRS><GeoTransform>${x0}, ${scene.resM}, 0, ${y1}, 0, ${-scene.resM}</GeoTransform>${bandXml}</VRTDataset>`);
    const cloudCover = Math.round((cloudy / n) * 1000) / 10;
    const file = join(outDir, `${scene.id}.tif`);
    // The COG is written by GDAL while the next scene is rasterized and computed (two cores).
    await pending;
    pending = (async () => {
      await run('gdal_translate', ['-q', '-of', 'COG', '-co', 'COMPRESS=DEFLATE', '-co', 'LEVEL=1', '-co', 'PREDICTOR=2', '-co', 'BLOCKSIZE=512', '-co', 'OVERVIEW_RESAMPLING=AVERAGE', '-mo', `CLOUD_COVER=${cloudCover}`, '-mo', `ACQUISITION_DATETIME=${at}`, vrt, file], { maxBuffer: 16 << 20 });
      for (const f of [raw, vrt, classes, `${classes}.hdr`, `${classes}.aux.xml`]) await rm(f, { force: true });
      const s1 = (a: number, b: number) => ((b - a) / 1000).toFixed(1);
      log(`${scene.id}: ${w}×${h} px, cloud ${cloudCover}% in ${s1(t0, performance.now())} s (rasterize ${s1(t0, tRaster)}, bands ${s1(tRaster, tBands)}, COG ${s1(tBands, performance.now())})`);
    })();
    out.push({ scene, file, cloudCover });
  }
  await pending;
  return out;
}
