/**
 * OGC API – Features edge parsing and compiled SQL, without a database: what a query string
 * turns into, and that every compiled statement takes exactly the values the service binds.
 */
import { describe, expect, it } from 'vitest';
import { catalog } from '@onemap/geodata/catalog';
import { AppError } from '../src/errors.ts';
import { parseBbox, parseDatetime, parseItemsQuery, parseLimit, parseOffset } from '../src/services/features-params.ts';
import { compileItemSql, compileItemsSql, timeShapesOf, type BboxShape, type TimeShape } from '../src/services/features-sql.ts';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

function rejects(fn: () => unknown, pattern: RegExp): void {
  try {
    fn();
    expect.unreachable(`expected a 400 matching ${pattern}`);
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).status).toBe(400);
    expect((err as AppError).code).toBe('InvalidParameterValue');
    expect((err as AppError).message).toMatch(pattern);
  }
}

describe('bbox', () => {
  it('reads 4 numbers, and 6 with heights (heights ignored)', () => {
    expect(parseBbox('121.3,28.5,121.5,28.7')).toMatchObject({ minLon: 121.3, minLat: 28.5, maxLon: 121.5, maxLat: 28.7 });
    expect(parseBbox('121.3,28.5,-10,121.5,28.7,100')).toMatchObject({ minLon: 121.3, minLat: 28.5, maxLon: 121.5, maxLat: 28.7 });
  });

  it('parses GDAL %.18g doubles and spaces leniently', () => {
    const b = parseBbox('6.0999999999999996, 28.100000000000001,121.90000000000001,29.300000000000001');
    expect(b.minLon).toBeCloseTo(6.1, 12);
    expect(b.maxLat).toBeCloseTo(29.3, 12);
  });

  it('keeps minLon > maxLon as an antimeridian box', () => {
    expect(parseBbox('177,-10,-177,10')).toMatchObject({ minLon: 177, maxLon: -177 });
  });

  it.each([
    ['1,2,3', /4 or 6/],
    ['1,2,3,4,5', /4 or 6/],
    ['', /4 or 6/],
    ['a,b,c,d', /not a number/],
    ['1,2,,4', /not a number/],
    ['0x10,1,2,3', /not a number/],
    ['Infinity,1,2,3', /not a number/],
    ['0,91,1,92', /minLat 91 is outside ±90/],
    ['-181,0,0,1', /minLon -181 is outside ±180/],
    ['0,10,1,5', /minLat 10 is above maxLat 5/],
    ['0,0,5,1,1,4', /height/],
  ])('rejects %j', (text, message) => rejects(() => parseBbox(text), message));
});

describe('datetime', () => {
  it('reads an RFC 3339 instant', () => {
    expect(parseDatetime('2018-02-12T23:20:50Z')).toEqual({ kind: 'instant', atMs: Date.parse('2018-02-12T23:20:50Z') });
    expect(parseDatetime('2024-05-01T08:00:00+08:00')).toEqual({ kind: 'instant', atMs: Date.parse('2024-05-01T00:00:00Z') });
  });

  it('reads a date as the whole day in Asia/Shanghai', () => {
    const t = parseDatetime('2024-05-01');
    expect(t.kind).toBe('interval');
    if (t.kind !== 'interval') return;
    expect(iso(t.startMs)).toBe('2024-04-30T16:00:00.000Z');
    expect(iso(t.endMs)).toBe('2024-05-01T16:00:00.000Z');
    expect(t.endInclusive).toBe(false);
  });

  it('reads closed and half-open intervals with ".." or an empty end', () => {
    expect(parseDatetime('2018-02-12T00:00:00Z/2018-03-18T12:31:12Z')).toEqual({
      kind: 'interval',
      startMs: Date.parse('2018-02-12T00:00:00Z'),
      endMs: Date.parse('2018-03-18T12:31:12Z'),
      endInclusive: true,
    });
    for (const text of ['../2018-03-18T12:31:12Z', '/2018-03-18T12:31:12Z']) {
      const t = parseDatetime(text);
      expect(t).toMatchObject({ kind: 'interval', startMs: undefined, endMs: Date.parse('2018-03-18T12:31:12Z') });
    }
    for (const text of ['2018-02-12T23:20:50Z/..', '2018-02-12T23:20:50Z/']) {
      expect(parseDatetime(text)).toMatchObject({ kind: 'interval', startMs: Date.parse('2018-02-12T23:20:50Z'), endMs: undefined });
    }
  });

  it('reads date/date as both whole days', () => {
    const t = parseDatetime('2024-05-01/2024-05-01');
    expect(t).toMatchObject({ kind: 'interval', endInclusive: false });
    if (t.kind !== 'interval') return;
    expect(t.endMs! - t.startMs!).toBe(86_400_000);
  });

  it('accepts the ETS form date/P2D (and P2D/date)', () => {
    const t = parseDatetime('2018-02-12/P2D');
    expect(t).toMatchObject({ kind: 'interval', endInclusive: false });
    if (t.kind !== 'interval') return;
    expect(iso(t.startMs)).toBe('2018-02-11T16:00:00.000Z');
    expect(iso(t.endMs)).toBe('2018-02-13T16:00:00.000Z');
    const back = parseDatetime('P1M/2018-03-31T00:00:00Z');
    if (back.kind !== 'interval') throw new Error('not an interval');
    expect(iso(back.startMs)).toBe('2018-02-28T00:00:00.000Z');
    const hours = parseDatetime('2018-02-12T00:00:00Z/PT1H30M');
    if (hours.kind !== 'interval') throw new Error('not an interval');
    expect(hours.endMs! - hours.startMs!).toBe(90 * 60_000);
  });

  it.each([
    ['', /instant, a date or an interval/],
    ['bogus', /RFC 3339/],
    ['../..', /at least one bound/],
    ['/', /at least one bound/],
    ['2024-13-01', /not a valid|impossible/],
    ['2024-02-30T00:00:00Z', /impossible/],
    ['2024-05-01T00:00:00', /RFC 3339/],
    ['2024-05-02/2024-05-01T00:00:00Z', /starts after it ends/],
    ['2024-05-02/2024-05-01', /starts after it ends/],
    ['P2D/P3D', /two periods/],
    ['P2D/..', /needs a date/],
    ['P/2024-05-01', /RFC 3339/],
    ['a/b/c', /more than one/],
  ])('rejects %j', (text, message) => rejects(() => parseDatetime(text), message));
});

describe('limit, offset, f', () => {
  it('defaults limit to 10 and clamps values above the maximum', () => {
    expect(parseLimit(undefined, 10_000)).toBe(10);
    expect(parseLimit('25', 10_000)).toBe(25);
    expect(parseLimit('20000', 10_000)).toBe(10_000);
    expect(parseLimit('999999999999999', 10_000)).toBe(10_000);
  });

  it.each(['unlimited', '-1', '0', '1.5', '', '1e3', ' 5'])('rejects limit=%j', (text) => rejects(() => parseLimit(text, 10_000), /limit/));
  it.each(['-1', 'x', '1.0'])('rejects offset=%j', (text) => rejects(() => parseOffset(text), /offset/));

  it('accepts f=json and f=geojson on items, nothing else', () => {
    expect(parseItemsQuery({ f: 'json' }, 100).limit).toBe(10);
    expect(parseItemsQuery({ f: 'geojson' }, 5).limit).toBe(5);
    rejects(() => parseItemsQuery({ f: 'html' }, 100), /f must be json or geojson/);
  });
});

describe('compiled feature SQL', () => {
  const BBOX_VALUES: Record<BboxShape, number> = { none: 0, box: 4, split: 4, projected: 4 };
  const TIME_VALUES: Record<TimeShape, number> = { all: 0, current: 0, instant: 1, interval: 3 };
  const maxParam = (sql: string) => Math.max(0, ...[...sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1])));

  it('binds exactly limit, offset, the bbox values and the time values, in that order', () => {
    for (const spec of catalog.layers) {
      for (const time of timeShapesOf(spec)) {
        for (const bbox of ['none', 'box', 'split'] as const) {
          expect(maxParam(compileItemsSql(spec, bbox, time)), `${spec.id} ${bbox} ${time}`).toBe(2 + BBOX_VALUES[bbox] + TIME_VALUES[time]);
        }
        expect(maxParam(compileItemSql(spec, true, time)), `${spec.id} item ${time}`).toBe(1 + TIME_VALUES[time]);
      }
    }
  });

  it('reads the current version of versioned layers through the partial indexes, and as-of with @>', () => {
    const roads = catalog.layers.find((l) => l.id === 'roads')!;
    expect(compileItemsSql(roads, 'none', 'current')).toContain('upper_inf(t."valid")');
    expect(compileItemsSql(roads, 'none', 'instant')).toContain('t."valid" @> $3::timestamptz');
    expect(compileItemsSql(roads, 'box', 'interval')).toContain('t."valid" && tstzrange($7::timestamptz, $8::timestamptz, $9::text)');
  });

  it('writes every published property key and no crs member', () => {
    for (const spec of catalog.layers) {
      const sql = compileItemsSql(spec, 'none', timeShapesOf(spec)[0]!);
      for (const p of spec.properties) expect(sql).toContain(`"${p.name}":' || COALESCE(to_json(p."${p.name}")::text, 'null')`);
      expect(sql).toContain(`ST_AsGeoJSON(p."${spec.table.geometryColumn}", 7, 0)`);
    }
  });
});
