import { describe, expect, it } from 'vitest';
import { area, M2_PER_MU } from '../src/services/planning/compliance-review.ts';
import { renderSiteMapSvg, scaleBarMetres } from '../src/services/planning/report-map.ts';
import { beijingTime } from '../src/services/planning/report-html.ts';

describe('compliance report pieces', () => {
  it('converts areas: 1 公顷 = 10 000 m², 1 亩 = 10 000/15 m²', () => {
    expect(area(10_000)).toEqual({ m2: 10_000, ha: 1, mu: 15 });
    expect(area(666.67).mu).toBeCloseTo(1, 2);
    expect(M2_PER_MU).toBeCloseTo(666.6667, 4);
  });

  it('picks a 1-2-5 scale bar near a fifth of the width', () => {
    expect(scaleBarMetres(1000)).toBe(200);
    expect(scaleBarMetres(370)).toBe(50);
    expect(scaleBarMetres(12_000)).toBe(2000);
    for (const w of [3, 77, 900, 45_000]) {
      const bar = scaleBarMetres(w);
      expect(bar).toBeLessThanOrEqual(w / 5);
      expect(bar).toBeGreaterThan(w / 25);
    }
  });

  it('draws the site over the layers, escapes labels, and keeps only colours it understands', () => {
    const svg = renderSiteMapSvg({
      site: { path: 'M 0 -100 L 300 -100 300 0 0 0 Z', xmin: 0, ymin: 0, xmax: 300, ymax: 100 },
      features: [
        { layer: 'plan_parcels', path: 'M 100 -100 L 200 -100 200 0 100 0 Z', color: '#ffff2d', label: '<KG-1>' },
        { layer: 'plan_eco_redline', path: 'M 0 -100 L 100 -100 100 0 0 0 Z', color: null, label: 'RL' },
        { layer: 'plan_parcels', path: 'M 200 -100 L 300 -100 300 0 200 0 Z', color: 'red;evil', label: 'x' },
      ],
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('&#60;KG-1&#62;');
    expect(svg).not.toContain('evil');
    const order = ['data-layer="plan_parcels"', 'data-layer="plan_eco_redline"', 'data-layer="site"'].map((s) => svg.indexOf(s));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(svg).toContain('fill="#ffff2d"');
  });

  it('prints dates in Beijing time', () => {
    expect(beijingTime('2026-11-29T17:30:00.000Z')).toBe('2026-11-30 01:30');
  });
});
