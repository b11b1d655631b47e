import { describe, expect, it } from 'vitest';
import { extendRun, formatLine, niceTicks, parseLine, parseRun, parseTool, profileModel, sectionModel, squareKm, FRAME } from '../src/workspaces/pipes/pipes-logic.ts';

describe('pipes workspace URL state', () => {
  it('parses tools, cut lines and runs, refusing what is not one', () => {
    expect(parseTool('section')).toBe('section');
    expect(parseTool('drop table')).toBe('burst');
    expect(parseTool(undefined)).toBe('burst');
    const line = parseLine('121.420000,28.660000;121.421000,28.661000');
    expect(line).toEqual([[121.42, 28.66], [121.421, 28.661]]);
    expect(formatLine(line!)).toBe('121.420000,28.660000;121.421000,28.661000');
    expect(parseLine('121.42,28.66')).toBeNull();
    expect(parseLine('121.42,28.66;200,28.66')).toBeNull();
    expect(parseLine('121.42,28.66,3;121.43,28.66')).toBeNull();
    expect(parseRun('3,1,x,3,2')).toEqual([3, 1, 2]);
    expect(parseRun(undefined)).toEqual([]);
  });

  it('extends a run and undoes the last pick', () => {
    expect(extendRun([1, 2], 3)).toEqual([1, 2, 3]);
    expect(extendRun([1, 2, 3], 3)).toEqual([1, 2]);
    expect(extendRun([1, 2, 3], 2)).toEqual([1, 2, 3]);
  });

  it('makes a clearance square just under 1 km²', () => {
    const [w, s, e, n] = squareKm([121.42, 28.66]);
    const widthM = (e - w) * 111_320 * Math.cos((28.66 * Math.PI) / 180);
    const heightM = (n - s) * 111_320;
    expect(widthM * heightM).toBeGreaterThan(0.97e6);
    expect(widthM * heightM).toBeLessThan(1e6);
  });
});

describe('chart models', () => {
  it('ticks are round and cover the range', () => {
    expect(niceTicks(0, 37, 5)).toEqual([0, 10, 20, 30]);
    expect(niceTicks(2.3, 4.9, 4)).toEqual([2.5, 3, 3.5, 4, 4.5]);
    expect(niceTicks(1, 1)).toEqual([1]);
  });

  it('places each crossing at its offset and elevation, in its category colour, with the ground over it', () => {
    const m = sectionModel(40, [
      { id: 1, line_no: 'JPL1', category: 'JS', offset_m: 10, diameter_mm: 300, width_mm: null, height_mm: null, depth: 1.2, top_elev: 3.3, invert_elev: 3.0 },
      { id: 2, line_no: 'YSL1', category: 'PS', offset_m: 30, diameter_mm: 600, width_mm: null, height_mm: null, depth: 2.5, top_elev: 2.6, invert_elev: 2.0 },
      { id: 3, line_no: 'GDL1', category: 'DL', offset_m: 20, diameter_mm: null, width_mm: 600, height_mm: 400, depth: 0.8, top_elev: 3.7, invert_elev: 3.3 },
    ], { JS: '#00ffff', PS: '#4c3926', DL: '#ff0000' });
    expect(m.hasElevations).toBe(true);
    const [a, b, c] = m.shapes;
    expect(a!.color).toBe('#00ffff');
    expect(b!.color).toBe('#4c3926');
    expect(a!.cx).toBeLessThan(c!.cx);
    expect(c!.cx).toBeLessThan(b!.cx);
    // Higher elevation is higher up the chart (smaller y); the 600 mm main is twice the 300 mm one.
    expect(b!.cy).toBeGreaterThan(a!.cy);
    expect(b!.ry / a!.ry).toBeCloseTo(2, 5);
    expect(c!.rect).toBe(true);
    expect(c!.rx / c!.ry).toBeCloseTo(1.5, 5);
    // Ground: JS top 3.3 + 1.2 = 4.5; PS invert 2.0 + 2.5 = 4.5; DL 3.7 + 0.8 = 4.5 → a flat line.
    const ys = [...m.ground.matchAll(/[ML][\d.]+,([\d.]+)/g)].map((g) => Number(g[1]));
    expect(ys).toHaveLength(3);
    expect(new Set(ys).size).toBe(1);
    expect(m.xTicks.at(-1)!.x).toBeLessThanOrEqual(FRAME.width - FRAME.right);
  });

  it('draws desensitised crossings without inventing a depth', () => {
    const m = sectionModel(20, [{ id: 1, line_no: 'JPL1', category: 'JS', offset_m: 5, diameter_mm: 300, width_mm: null, height_mm: null }], { JS: '#00ffff' });
    expect(m.hasElevations).toBe(false);
    expect(m.shapes[0]!.unknownDepth).toBe(true);
    expect(m.yTicks).toEqual([]);
    expect(m.ground).toBe('');
  });

  it('profiles ground, top and invert along the chainage, with steps at drops', () => {
    const m = profileModel([
      { point_no: 'A', chainage_m: 0, ground_elev: 5, invert_elev: 3, top_elev: 3.4 },
      { point_no: 'B', chainage_m: 50, ground_elev: 5, invert_elev: 2.5, top_elev: 2.9, incoming: { depth: 2.2, invert_elev: 2.8, top_elev: 3.2 } },
      { point_no: 'C', chainage_m: 100, ground_elev: 4.8, invert_elev: 2.3, top_elev: 2.7 },
    ]);
    expect(m.ground.split(' ')).toHaveLength(3);
    expect(m.invert.split(' ')).toHaveLength(4);
    expect(m.nodes.map((n) => n.label)).toEqual(['A', 'B', 'C']);
    const inv = [...m.invert.matchAll(/[ML]([\d.]+),([\d.]+)/g)].map((g) => [Number(g[1]), Number(g[2])]);
    // The step at B: same x, the outgoing invert lower (larger y).
    expect(inv[1]![0]).toBe(inv[2]![0]);
    expect(inv[2]![1]!).toBeGreaterThan(inv[1]![1]!);
  });
});
