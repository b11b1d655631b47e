/** The imagery workspace's URL state: defaults, malformed values, round trips, mode changes. */
import { describe, expect, it } from 'vitest';
import { mosaicUrl, paneCount, readView, shanghaiDate, viewParams, withMode, withPaneDate, withPaneSource } from '../src/workspaces/imagery/imagery-state.ts';

const clean = (p: Record<string, string | null>) => Object.fromEntries(Object.entries(p).filter(([, v]) => v !== null)) as Record<string, string>;

describe('imagery URL state', () => {
  it('defaults to one pane, latest, true colour, and writes nothing for defaults', () => {
    const v = readView({});
    expect(v).toMatchObject({ mode: 'single', dates: [''], style: 'true-color', collections: [], swipe: 50, footprints: false, pane: 0 });
    expect(clean(viewParams(v))).toEqual({});
  });

  it('round-trips a full view through the params', () => {
    const params = { 'imagery.mode': 'split4', 'imagery.dates': '2019-04-18,2021-11-05,2023-07-22,2020-05-10', 'imagery.src': 'gf2-pms,,gf2-pms,landsat-c2-l2', 'imagery.style': 'ndvi', 'imagery.col': 'gf2-pms,landsat-c2-l2', 'imagery.fp': '1', 'imagery.pane': '3' };
    const v = readView(params);
    expect(v.dates).toHaveLength(4);
    expect(clean(viewParams(v))).toEqual(params);
  });

  it('ignores malformed values', () => {
    const v = readView({ 'imagery.mode': 'split9', 'imagery.dates': '2019-13,xx', 'imagery.style': 'sepia', 'imagery.swipe': '250', 'imagery.pane': '7', 'imagery.col': 'A B,gf2-pms' });
    expect(v).toMatchObject({ mode: 'single', dates: [''], style: 'true-color', collections: ['gf2-pms'], pane: 0 });
    expect(readView({ 'imagery.mode': 'swipe', 'imagery.swipe': '250' }).swipe).toBe(100);
  });

  it('keeps dates when the mode changes and fills new panes', () => {
    const v = withMode(readView({ 'imagery.mode': 'swipe', 'imagery.dates': '2019-04-18,2023-07-22', 'imagery.pane': '1' }), 'split4');
    expect(v.dates).toEqual(['2019-04-18', '2023-07-22', '2023-07-22', '2023-07-22']);
    expect(withMode(v, 'single')).toMatchObject({ dates: ['2019-04-18'], pane: 0 });
    expect(paneCount('split2')).toBe(2);
    expect(withPaneDate(v, 2, '2021-11-05').dates[2]).toBe('2021-11-05');
  });

  it('compares sources: one collection per pane, set by a timeline click or the pane selector', () => {
    let v = readView({ 'imagery.mode': 'swipe', 'imagery.col': 'gf2-pms,landsat-c2-l2' });
    v = withPaneDate(v, 0, '2023-07-22', 'gf2-pms');
    v = withPaneSource(withPaneDate(v, 1, '2024-09-27'), 1, 'landsat-c2-l2');
    expect(v.sources).toEqual(['gf2-pms', 'landsat-c2-l2']);
    expect(clean(viewParams(v))['imagery.src']).toBe('gf2-pms,landsat-c2-l2');
    expect(new URLSearchParams(mosaicUrl('http://h', v, v.dates[1]!, v.sources[1]).split('?')[1]).get('collections')).toBe('landsat-c2-l2');
    // A pane without a source shows the chosen collections.
    expect(new URLSearchParams(mosaicUrl('http://h', v, '2024-01-01', '').split('?')[1]).get('collections')).toBe('gf2-pms,landsat-c2-l2');
    expect(withMode(v, 'split4').sources).toEqual(['gf2-pms', 'landsat-c2-l2', 'landsat-c2-l2', 'landsat-c2-l2']);
    expect(readView({ 'imagery.src': 'Bad Name' }).sources).toEqual(['']);
  });

  it('builds mosaic tile URLs with the end of the day in Asia/Shanghai', () => {
    const v = readView({ 'imagery.style': 'false-color', 'imagery.col': 'gf2-pms' });
    const url = mosaicUrl('http://h', v, '2023-07-22');
    expect(url.startsWith('http://h/imagery/tiles/{z}/{x}/{y}.png?')).toBe(true);
    const q = new URLSearchParams(url.split('?')[1]);
    expect(q.get('datetime')).toBe('2023-07-22T23:59:59+08:00');
    expect(q.get('style')).toBe('false-color');
    expect(q.get('collections')).toBe('gf2-pms');
    expect(mosaicUrl('http://h', readView({}), '')).toBe('http://h/imagery/tiles/{z}/{x}/{y}.png');
    expect(shanghaiDate('2021-11-04T18:30:00Z')).toBe('2021-11-05');
  });
});
