/**
 * generateSample without a database: determinism, the counts at scale 1, geometry
 * sanity, concentration of buildings in the urban core and the versioning conventions.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateSample, type LonLat, type MultiPolygonCoords, type SampleDataset } from '../src/sample/index.ts';

const CITY_BBOX = { minLon: 120.2, minLat: 27.9, maxLon: 122.1, maxLat: 29.4 };
const CORE_BBOX = { minLon: 121.24, minLat: 28.5, maxLon: 121.56, maxLat: 28.74 };

const DISTRICTS: Record<string, string> = {
  '331002': '椒江区', '331003': '黄岩区', '331004': '路桥区', '331022': '三门县', '331023': '天台县',
  '331024': '仙居县', '331081': '温岭市', '331082': '临海市', '331083': '玉环市',
};

/** Local date and time in Asia/Shanghai of an ISO stamp, e.g. `1988-07-01 00:00` (ICU tz data). */
const shanghai = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
function localShanghai(stamp: string): string {
  const parts = Object.fromEntries(shanghai.formatToParts(new Date(stamp)).map((p) => [p.type, p.value]));
  return `${parts['year']}-${parts['month']}-${parts['day']} ${parts['hour']}:${parts['minute']}`;
}

function hashDataset(d: SampleDataset): string {
  return createHash('sha256').update(JSON.stringify(d)).digest('hex');
}

function* allPositions(d: SampleDataset): Generator<LonLat> {
  const polygons = (mp: MultiPolygonCoords) => mp.flat(2);
  for (const r of [...d.districts, ...d.towns, ...d.waterAreas, ...d.buildings, ...d.landCover]) yield* polygons(r.geom);
  for (const r of [...d.coastline, ...d.rivers, ...d.roads]) yield* r.geom.flat();
  for (const r of d.placeNames) yield r.geom;
}

describe('determinism (scale 0.02)', () => {
  it('the same seed gives an identical dataset, another seed a different one', () => {
    const a = generateSample({ seed: 1, scale: 0.02 });
    const b = generateSample({ seed: 1, scale: 0.02 });
    const c = generateSample({ seed: 2, scale: 0.02 });
    expect(hashDataset(a)).toBe(hashDataset(b));
    expect(hashDataset(c)).not.toBe(hashDataset(a));
  }, 60_000);

  it('rejects a scale or seed out of range', () => {
    expect(() => generateSample({ scale: 0 })).toThrow(RangeError);
    expect(() => generateSample({ seed: -1 })).toThrow(RangeError);
    expect(() => generateSample({ seed: 1.5 })).toThrow(RangeError);
  });
});

describe('the default dataset (scale 1)', () => {
  let d: SampleDataset;
  beforeAll(() => {
    d = generateSample();
  }, 120_000);

  it('has ≥ 150 000 buildings standing today, ≥ 5 000 place names', () => {
    const current = d.buildings.filter((b) => b.validTo === null);
    expect(new Set(current.map((b) => b.fid)).size).toBe(current.length);
    expect(current.length).toBeGreaterThanOrEqual(150_000);
    expect(d.placeNames.length).toBeGreaterThanOrEqual(5_000);
  });

  it('has the 9 county-level divisions with their real names and adcodes', () => {
    expect(Object.fromEntries(d.districts.map((r) => [r.adcode, r.name]))).toEqual(DISTRICTS);
    for (const r of d.districts) expect(r.areaKm2).toBeGreaterThan(300);
  });

  it('has towns with 9-digit codes under their district, and every kind', () => {
    expect(d.towns.length).toBeGreaterThanOrEqual(100);
    for (const t of d.towns) {
      expect(t.code).toMatch(/^\d{9}$/);
      expect(t.code.slice(0, 6)).toBe(t.districtAdcode);
    }
    expect(new Set(d.towns.map((t) => t.code)).size).toBe(d.towns.length);
    expect(new Set(d.towns.map((t) => t.kind))).toEqual(new Set(['街道', '镇', '乡']));
    expect(d.towns.map((t) => t.name)).toEqual(expect.arrayContaining(['海门街道', '葭沚街道', '东城街道', '大陈镇']));
  });

  it('has the five main rivers, ≥ 3 named reservoirs, the sea and island coastlines', () => {
    expect(d.rivers.map((r) => r.name)).toEqual(expect.arrayContaining(['椒江', '灵江', '永宁江', '始丰溪', '永安溪']));
    for (const r of d.rivers) expect(r.lengthKm).toBeGreaterThan(0);
    const reservoirs = d.waterAreas.filter((w) => w.kind === 'reservoir').map((w) => w.name);
    expect(reservoirs).toEqual(expect.arrayContaining(['长潭水库', '里石门水库', '牛头山水库']));
    expect(d.waterAreas.some((w) => w.kind === 'sea')).toBe(true);
    expect(d.coastline.filter((c) => c.kind === 'mainland')).toHaveLength(1);
    expect(d.coastline.map((c) => c.name)).toEqual(expect.arrayContaining(['上大陈岛岸线']));
  });

  it('has a road network from expressways to branch streets, with names', () => {
    const classes = new Set(d.roads.map((r) => r.class));
    expect(classes).toEqual(new Set(['expressway', 'national', 'provincial', 'arterial', 'secondary', 'branch']));
    expect(d.roads.map((r) => r.name)).toEqual(expect.arrayContaining(['沈海高速(甬台温段)', '市府大道', '中山路']));
  });

  it('keeps every coordinate inside the city bbox and every polygon ring closed', () => {
    const outside: LonLat[] = [];
    for (const p of allPositions(d)) {
      const [lon, lat] = p;
      if (!(lon >= CITY_BBOX.minLon && lon <= CITY_BBOX.maxLon && lat >= CITY_BBOX.minLat && lat <= CITY_BBOX.maxLat)) outside.push(p);
    }
    expect(outside).toEqual([]);
    let badRings = 0;
    for (const r of [...d.districts, ...d.towns, ...d.waterAreas, ...d.buildings, ...d.landCover])
      for (const polygon of r.geom)
        for (const ring of polygon) {
          const first = ring[0]!;
          const last = ring[ring.length - 1]!;
          if (ring.length < 4 || first[0] !== last[0] || first[1] !== last[1]) badRings++;
        }
    expect(badRings).toBe(0);
  });

  it('concentrates buildings in the 椒江–黄岩–路桥 core (≥ 40 %)', () => {
    const inCore = d.buildings.filter((b) => {
      const [lon, lat] = b.geom[0]![0]![0]!;
      return lon >= CORE_BBOX.minLon && lon <= CORE_BBOX.maxLon && lat >= CORE_BBOX.minLat && lat <= CORE_BBOX.maxLat;
    });
    expect(inCore.length / d.buildings.length).toBeGreaterThanOrEqual(0.4);
  });

  it('gives buildings plausible attributes: residential majority, ~3 m per storey, 1980–2025', () => {
    const residential = d.buildings.filter((b) => b.use === 'residential');
    expect(residential.length / d.buildings.length).toBeGreaterThan(0.5);
    const implausible = d.buildings.filter((b) => b.yearBuilt < 1980 || b.yearBuilt > 2025 || b.floors < 1 || b.heightM / b.floors <= 2.5 || b.heightM >= 250);
    expect(implausible).toEqual([]);
    for (const use of ['commercial', 'industrial', 'public', 'education'] as const) expect(d.buildings.some((b) => b.use === use)).toBe(true);
  });

  it('versions: from 1 July (Asia/Shanghai local midnight) of year built / opened; versions of a fid never overlap', () => {
    expect(d.buildings.filter((b) => localShanghai(b.validFrom) !== `${b.yearBuilt}-07-01 00:00`)).toEqual([]);
    expect(d.roads.filter((r) => r.changeNote === null && localShanghai(r.validFrom) !== `${r.openedYear}-07-01 00:00`)).toEqual([]);
    // 1986–1991 had summer time (UTC+9).
    expect(d.buildings.find((b) => b.yearBuilt === 1988)?.validFrom).toBe('1988-07-01T00:00:00+09:00');
    let overlapping = 0;
    for (const rows of [d.buildings, d.roads, d.landCover]) {
      const byFid = new Map<number, { validFrom: string; validTo: string | null }[]>();
      for (const r of rows) byFid.set(r.fid, [...(byFid.get(r.fid) ?? []), r]);
      for (const versions of byFid.values()) {
        const sorted = [...versions].sort((a, b) => Date.parse(a.validFrom) - Date.parse(b.validFrom));
        for (let i = 1; i < sorted.length; i++) if (!(sorted[i - 1]!.validTo !== null && Date.parse(sorted[i - 1]!.validTo!) <= Date.parse(sorted[i]!.validFrom))) overlapping++;
      }
    }
    expect(overlapping).toBe(0);
    expect(d.buildings.some((b) => b.changeNote === '旧城改造重建')).toBe(true);
  });

  it('has land cover for the 2019 and 2023 surveys with the agreed validity and growing built-up area', () => {
    const years = new Set(d.landCover.map((r) => r.surveyYear));
    expect(years).toEqual(new Set([2019, 2023]));
    const builtUpM2 = (year: number) => d.landCover.filter((r) => r.surveyYear === year && r.classCode === '0500').reduce((s, r) => s + r.areaM2, 0);
    expect(builtUpM2(2023)).toBeGreaterThan(builtUpM2(2019));
    const off = d.landCover.filter(
      (r) => r.validFrom !== `${r.surveyYear}-06-30T00:00:00+08:00` || r.validTo !== (r.surveyYear === 2019 ? '2023-06-30T00:00:00+08:00' : null) || !/^(0[1-9]|10)00$/.test(r.classCode),
    );
    expect(off).toEqual([]);
    const totalKm2 = (year: number) => d.landCover.filter((r) => r.surveyYear === year).reduce((s, r) => s + r.areaM2, 0) / 1e6;
    const districtsKm2 = d.districts.reduce((s, r) => s + r.areaKm2, 0);
    expect(Math.abs(totalKm2(2019) - districtsKm2) / districtsKm2).toBeLessThan(0.001);
    expect(Math.abs(totalKm2(2023) - districtsKm2) / districtsKm2).toBeLessThan(0.001);
  });

  it('names places in every class, with district adcodes', () => {
    expect(new Set(d.placeNames.map((p) => p.class))).toEqual(new Set(['seat', 'town', 'village', 'community', 'peak', 'water', 'poi']));
    expect(d.placeNames.filter((p) => !(p.adcode in DISTRICTS))).toEqual([]);
    expect(d.placeNames.filter((p) => p.rank === 1).map((p) => p.name)).toEqual(expect.arrayContaining(['台州市', '椒江区', '临海市']));
    expect(d.placeNames.map((p) => p.name)).toEqual(expect.arrayContaining(['括苍山', '长潭水库', '台州湾']));
  });
});
