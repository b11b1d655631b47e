/** 水利 workspace pure logic: windows, rainfall day, classes, live alarm merging, thresholds, chart data. */
import { describe, expect, it } from 'vitest';
import {
  applyAlarmEvent,
  chartData,
  classOf,
  classWindowOf,
  parseMapMode,
  parseRainWindow,
  permitBar,
  rainClassesFor,
  rainDayOf,
  rainQuery,
  rainTotal,
  stateColour,
  STATE_COLOURS,
  thresholdLines,
  type Alarm,
  type RainClassRow,
  type SeriesDoc,
} from '../src/workspaces/water/water-logic.ts';

const ms = (iso: string) => Date.parse(iso);

describe('rainfall windows', () => {
  it('parses URL values with a 24 h default and builds the request', () => {
    expect(parseRainWindow('3')).toBe('3');
    expect(parseRainWindow('day')).toBe('day');
    expect(parseRainWindow('5')).toBe('24');
    expect(parseRainWindow(undefined)).toBe('24');
    expect(parseMapMode('rain')).toBe('rain');
    expect(parseMapMode('x')).toBe('status');
    expect(rainQuery('6', ms('2024-09-15T10:00:00+08:00'))).toBe('datetime=2024-09-15T02%3A00%3A00.000Z&hours=6');
  });

  it('puts 08:00 Beijing in the previous rainfall day and 08:05 in the same day', () => {
    expect(rainDayOf(ms('2024-09-15T08:00:00+08:00'))).toBe('2024-09-14');
    expect(rainDayOf(ms('2024-09-15T08:05:00+08:00'))).toBe('2024-09-15');
    expect(rainDayOf(ms('2024-09-16T07:55:00+08:00'))).toBe('2024-09-15');
    expect(rainDayOf(ms('2024-09-15T23:30:00+08:00'))).toBe('2024-09-15');
    expect(rainQuery('day', ms('2024-09-16T02:00:00+08:00'))).toBe('day=2024-09-15');
  });

  it('reads a window total and classes it with the class table of that window', () => {
    const rows: RainClassRow[] = [
      { windowH: 24, code: '0', minMm: 0.1, maxMm: 10, nameZh: '小雨', nameEn: 'Light rain', color: '#a6f28f' },
      { windowH: 24, code: '1', minMm: 10, maxMm: 25, nameZh: '中雨', nameEn: 'Moderate rain', color: '#3dba3d' },
      { windowH: 24, code: '5', minMm: 250, maxMm: null, nameZh: '特大暴雨', nameEn: 'Extreme', color: '#fa00fa' },
      { windowH: 1, code: '0', minMm: 0.1, maxMm: 2.5, nameZh: '小雨', nameEn: 'Light rain', color: '#a6f28f' },
    ];
    expect(classWindowOf('1')).toBe(1);
    expect(classWindowOf('6')).toBe(12);
    expect(classWindowOf('24')).toBe(24);
    expect(classWindowOf('day')).toBe(24);
    const c24 = rainClassesFor(rows, 'day');
    expect(c24.map((c) => c.code)).toEqual(['0', '1', '5']);
    expect(classOf(10, c24)?.code).toBe('1');
    expect(classOf(9.9, c24)?.code).toBe('0');
    expect(classOf(400, c24)?.code).toBe('5');
    expect(classOf(0, c24)).toBeUndefined();
    expect(classOf(null, c24)).toBeUndefined();
    expect(rainTotal({ totals: { '1h': 2, '24h': 30 }, rain_day: 12 }, '24')).toBe(30);
    expect(rainTotal({ totals: { '1h': 2, '24h': 30 }, rain_day: 12 }, 'day')).toBe(12);
    expect(rainTotal({ totals: {} }, '3')).toBeNull();
  });
});

describe('station status colours', () => {
  it('colours every state and treats unknown as no data', () => {
    expect(stateColour('over_warning')).toBe(STATE_COLOURS.over_warning);
    expect(stateColour('nonsense')).toBe(STATE_COLOURS.no_data);
    expect(stateColour(undefined)).toBe(STATE_COLOURS.no_data);
    expect(new Set(Object.values(STATE_COLOURS)).size).toBe(Object.keys(STATE_COLOURS).length);
  });
});

describe('live alarm list', () => {
  const alarm = (id: number, raisedAt: string, state: Alarm['state'] = 'raised'): Alarm => ({ id, stcd: `7040000${id}`, stnm: `站${id}`, kind: 'over_warning', state, raisedAt });
  it('adds a raised alarm newest first and replaces it on later events', () => {
    let list = [alarm(1, '2024-09-15T10:00:00Z')];
    list = applyAlarmEvent(list, { eventId: 5, event: 'raised', at: '', alarm: alarm(2, '2024-09-15T11:00:00Z') });
    expect(list.map((a) => a.id)).toEqual([2, 1]);
    list = applyAlarmEvent(list, { eventId: 6, event: 'acknowledged', at: '', alarm: { ...alarm(1, '2024-09-15T10:00:00Z', 'acknowledged'), acknowledgedBy: '值班员' } });
    expect(list).toHaveLength(2);
    expect(list[1]).toMatchObject({ id: 1, state: 'acknowledged', acknowledgedBy: '值班员' });
    // same raise time: the higher id first
    list = applyAlarmEvent(list, { eventId: 7, event: 'raised', at: '', alarm: alarm(3, '2024-09-15T11:00:00Z') });
    expect(list.map((a) => a.id)).toEqual([3, 2, 1]);
  });
});

describe('station chart', () => {
  const doc: SeriesDoc = {
    stcd: '70400001',
    from: '2024-09-14T00:00:00Z',
    to: '2024-09-15T00:00:00Z',
    meta: { element: 'Z', aggregation: 'instant', unit: 'm', stnm: '站', sttp: 'ZZ', thresholds: { wrz: 4.5, grz: 5.2 } },
    series: { t: ['2024-09-14T00:05:00Z', '2024-09-14T00:10:00Z'], value: [3.1, 3.2], min: [3.1, 3.2], max: [3.1, 3.2] },
  };
  it('draws 警戒 and 保证 lines and the 汛限 level of the period containing T', () => {
    expect(thresholdLines(doc.meta.thresholds, ms('2024-09-15T00:00:00Z')).map((l) => [l.key, l.value])).toEqual([
      ['wrz', 4.5],
      ['grz', 5.2],
    ]);
    const fsl = { fsltdz: [{ bgmd: '0415', edmd: '0715', fsltdz: 20 }, { bgmd: '0716', edmd: '1015', fsltdz: 22 }] };
    expect(thresholdLines(fsl, ms('2024-07-15T23:00:00+08:00')).map((l) => l.value)).toEqual([20]);
    expect(thresholdLines(fsl, ms('2024-07-16T00:30:00+08:00')).map((l) => l.value)).toEqual([22]);
    expect(thresholdLines(fsl, ms('2024-12-01T00:00:00+08:00'))).toEqual([]);
  });
  it('turns a series into uPlot columns with one constant column per threshold', () => {
    const lines = thresholdLines(doc.meta.thresholds, 0);
    expect(chartData(doc, lines)).toEqual([[ms('2024-09-14T00:05:00Z') / 1000, ms('2024-09-14T00:10:00Z') / 1000], [3.1, 3.2], [4.5, 4.5], [5.2, 5.2]]);
  });
});

describe('withdrawal vs permit', () => {
  it('scales the withdrawal and the pro-rata mark to the annual quota, clamped', () => {
    const p = { permitNo: 'P1', holder: 'x', annualQuotaM3: 1000, prorataQuotaM3: 500, withdrawnM3: 250, ratio: 0.5, over: false };
    expect(permitBar(p)).toEqual({ used: 25, prorata: 50 });
    expect(permitBar({ ...p, withdrawnM3: 5000 }).used).toBe(100);
  });
});
