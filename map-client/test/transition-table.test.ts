import { describe, expect, it } from 'vitest';
import { formatHectares, shapeTransitionTable } from '../src/transition-table.ts';

const CLASSES = [
  { code: '0100', name: { zh: '耕地', en: 'Cropland' } },
  { code: '0300', name: { zh: '林地', en: 'Forest' } },
  { code: '0500', name: { zh: '房屋建筑区', en: 'Built-up' } },
  { code: '1000', name: { zh: '水域', en: 'Water' } },
];

describe('land-cover transition table', () => {
  const report = {
    classes: CLASSES,
    matrix: [
      { from: '0500', to: '0500', hectares: 40 },
      { from: '0100', to: '0500', hectares: 12.5 },
      { from: '0100', to: '0100', hectares: 100 },
      { from: '0300', to: '0500', hectares: 2.5 },
      { from: '0300', to: '0300', hectares: 50 },
      { from: '1000', to: '1000', hectares: 0 },
    ],
  };

  it('puts the earlier classes in rows and the later ones in columns, in class order', () => {
    const table = shapeTransitionTable(report, 'zh');
    expect(table.rows).toEqual(['0100', '0300', '0500']);
    expect(table.columns).toEqual(['0100', '0300', '0500']);
    expect(table.cells).toEqual([
      [100, 0, 12.5],
      [0, 50, 2.5],
      [0, 0, 40],
    ]);
  });

  it('totals rows, columns and the changed (off-diagonal) area', () => {
    const table = shapeTransitionTable(report, 'zh');
    expect(table.rowTotals).toEqual([112.5, 52.5, 40]);
    expect(table.columnTotals).toEqual([100, 50, 55]);
    expect(table.totalHectares).toBe(205);
    expect(table.changedHectares).toBe(15);
  });

  it('names classes in the interface language and falls back to the code', () => {
    expect(shapeTransitionTable(report, 'zh').names['0500']).toBe('房屋建筑区');
    expect(shapeTransitionTable(report, 'en').names['0500']).toBe('Built-up');
    const unknown = shapeTransitionTable({ classes: [{ code: '0100', name: '耕地' }], matrix: [{ from: '0100', to: '9999', hectares: 1 }] }, 'en');
    expect(unknown.names).toEqual({ '0100': '耕地', '9999': '9999' });
    expect(unknown.columns).toEqual(['9999']);
  });

  it('formats hectares with two decimals and leaves empty cells blank', () => {
    expect(formatHectares(1234.5, 'zh-CN')).toBe('1,234.50');
    expect(formatHectares(0, 'zh-CN')).toBe('');
  });
});
