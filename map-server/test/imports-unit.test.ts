/** Pure parts of imports: CRS parsing and guessing candidates, query parsing, the CLI progress bar. */
import { describe, expect, it } from 'vitest';
import { candidateSrids, isImportSrid, parseImportCrs } from '../src/services/import-crs.ts';
import { parseImportQuery, parseMap } from '../src/routes/imports.ts';
import { progressBar } from '../../scripts/lib/import-cli.ts';

describe('import CRS', () => {
  it('parses the spellings clients use and refuses what imports do not support', () => {
    expect(parseImportCrs('EPSG:4549')).toBe(4549);
    expect(parseImportCrs('4490')).toBe(4490);
    expect(parseImportCrs('urn:ogc:def:crs:EPSG::4528')).toBe(4528);
    expect(parseImportCrs('http://www.opengis.net/def/crs/EPSG/0/4513')).toBe(4513);
    expect(parseImportCrs('OGC:CRS84')).toBe(4326);
    expect(() => parseImportCrs('EPSG:27700')).toThrow(/4549/);
    expect(() => parseImportCrs('EPSG:4555')).toThrow();
    expect(isImportSrid(4554) && isImportSrid(4491) && isImportSrid(3857)).toBe(true);
  });

  it('proposes candidates from the coordinates: lon/lat, zone prefix (3° and 6°), no prefix, Web Mercator', () => {
    expect(candidateSrids([121.3, 28.5, 121.5, 28.7])).toEqual([4490]);
    expect(candidateSrids([40_638_000, 3_171_000, 40_639_000, 3_172_000])).toEqual([4528]); // 3° zone 40
    expect(candidateSrids([41_345_000, 3_170_000, 41_346_000, 3_171_000])).toEqual([4529]); // 3° zone 41
    expect(candidateSrids([21_400_000, 3_170_000, 21_500_000, 3_171_000])).toEqual([4499]); // 6° zone 21
    expect(candidateSrids([638_000, 3_171_000, 639_000, 3_172_000])).toEqual([4549, 4550]);
    // Web Mercator over Taizhou overlaps the 6°-zone-13 eastings: both are proposed, PostGIS decides.
    expect(candidateSrids([13_516_000, 3_330_000, 13_517_000, 3_331_000])).toEqual([3857, 4491]);
    expect(candidateSrids([5e9, 5e9, 5e9, 5e9])).toEqual([]);
  });
});

describe('POST /imports query', () => {
  it('reads map pairs and refuses malformed ones', () => {
    expect(parseMap('floors:层数, use:用途')).toEqual({ floors: '层数', use: '用途' });
    expect(parseMap('name:a:b')).toEqual({ name: 'a:b' });
    expect(() => parseMap('floors')).toThrow(/property:field/);
    expect(() => parseMap('a:x,a:y')).toThrow(/twice/);
  });

  it('turns parameters into options, format from Content-Type unless given', () => {
    const q = parseImportQuery({ layer: 'user_points', crs: 'EPSG:4490', coords: 'gcj02', encoding: 'GB2312', columns: 'x,y', dryRun: 'true' }, 'text/csv; charset=gbk');
    expect(q.layer).toBe('user_points');
    expect(q.options).toMatchObject({ crs: 4490, offset: 'gcj02', dryRun: true, strict: false, read: { format: 'csv', encoding: 'gbk', columns: ['x', 'y'] } });
    expect(parseImportQuery({ layer: 'roads', format: 'kmz' }, 'application/zip').options.read.format).toBe('kmz');
    expect(parseImportQuery({ layer: 'roads' }, 'application/octet-stream').options.read.format).toBeUndefined();
    expect(parseImportQuery({ layer: 'roads', coords: 'wgs84' }, '').options.offset).toBeUndefined();
    expect(() => parseImportQuery({}, '')).toThrow(/layer/);
    expect(() => parseImportQuery({ layer: 'roads', dryRun: 'yes' }, '')).toThrow(/true or false/);
    expect(() => parseImportQuery({ layer: 'roads', encoding: 'latin1' }, '')).toThrow(/utf-8 or gbk/);
    expect(() => parseImportQuery({ layer: 'roads' }, 'image/png')).toThrow(/Content-Type/);
  });
});

describe('CLI progress bar', () => {
  it('shows the fraction and the counts', () => {
    expect(progressBar({ total: 200, processed: 100, inserted: 97, repaired: 2, rejected: 3 }, 10)).toBe('[#####-----]  50%  100/200 · inserted 97 · repaired 2 · rejected 3');
    expect(progressBar({ total: 2, processed: 2, inserted: 2, repaired: 0, rejected: 0 }, 4)).toMatch(/^\[####\] 100%/);
  });
});
