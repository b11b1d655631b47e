import { describe, expect, it } from 'vitest';
import { formatUrlState, parseUrlState } from '../src/url-state.ts';

describe('URL state', () => {
  it('round-trips exactly', () => {
    const search = '?center=121.42000,28.66000&zoom=14.25&layers=buildings,roads&opacity=buildings:0.5&lang=en';
    expect(formatUrlState(parseUrlState(search))).toBe(search);
  });

  it('reads percent-encoded separators too', () => {
    const state = parseUrlState('?center=121.42%2C28.66&zoom=10&layers=a%2Cb');
    expect(state.view).toEqual({ center: [121.42, 28.66], zoom: 10 });
    expect(state.visibleIds).toEqual(['a', 'b']);
  });

  it('tells an absent layer list (defaults) from an empty one (none)', () => {
    expect(parseUrlState('?lang=zh').visibleIds).toBeNull();
    expect(parseUrlState('?layers=').visibleIds).toEqual([]);
  });

  it('defaults to Chinese and ignores bad values instead of throwing', () => {
    const state = parseUrlState('?center=abc&zoom=99&layers=ok,Bad-Id&opacity=x:2,y:,z:0.25&lang=fr');
    expect(state.lang).toBe('zh');
    expect(state.view).toBeNull();
    expect(state.visibleIds).toEqual(['ok']);
    expect(state.opacity).toEqual({ x: 1, z: 0.25 });
  });

  it('rounds the view to 5 decimals and zoom to 2, and leaves out opacity 1', () => {
    const text = formatUrlState({
      lang: 'zh',
      view: { center: [121.123456789, 28.987654321], zoom: 12.3456 },
      visibleIds: [],
      opacity: { a: 1, b: 0.3 },
      time: null,
      workspace: null,
      workspaceParams: {},
    });
    expect(text).toBe('?center=121.12346,28.98765&zoom=12.35&layers=&opacity=b:0.3&lang=zh');
  });
});

describe('URL time cursor', () => {
  it('round-trips t= as Asia/Shanghai wall time, before lang', () => {
    const search = '?center=121.42000,28.66000&zoom=15.00&layers=buildings&t=2015-06-01T08:00&lang=zh';
    const state = parseUrlState(search);
    expect(state.time).toBe(Date.parse('2015-06-01T00:00:00Z'));
    expect(formatUrlState(state)).toBe(search);
  });

  it('keeps seconds and milliseconds when the cursor has them (a version start)', () => {
    const search = '?t=2026-11-29T23:51:21.042&lang=zh';
    const state = parseUrlState(search);
    expect(state.time).toBe(Date.parse('2026-11-29T15:51:21.042Z'));
    expect(formatUrlState(state)).toBe(search);
  });

  it('round-trips the playback step as tstep= (absent: a year; unknown values ignored)', () => {
    const search = '?t=2024-09-15T08:00&tstep=10min&lang=zh';
    expect(parseUrlState(search).playStep).toBe('10min');
    expect(formatUrlState(parseUrlState(search))).toBe(search);
    expect(parseUrlState('?lang=zh').playStep).toBe('year');
    expect(parseUrlState('?tstep=week&lang=zh').playStep).toBe('year');
    expect(formatUrlState(parseUrlState('?tstep=year&lang=zh'))).toBe('?lang=zh');
  });

  it('treats an absent or unreadable t as now', () => {
    expect(parseUrlState('?lang=zh').time).toBeNull();
    expect(parseUrlState('?t=2023-02-30T00:00').time).toBeNull();
    expect(parseUrlState('?t=2015-06-01T08%3A00').time).toBe(Date.parse('2015-06-01T00:00:00Z'));
    expect(formatUrlState({ ...parseUrlState('?lang=en'), time: null })).toBe('?lang=en');
  });

  it('round-trips the workspace and its own parameters, and drops foreign or malformed keys', () => {
    const search = '?lang=zh&ws=water&water.acc=24h&water.station=70100100';
    expect(formatUrlState(parseUrlState(search))).toBe(search);
    const state = parseUrlState('?ws=nope&bogus.key=1&water.station=1&water.=x&water.a-b=2');
    expect(state.workspace).toBeNull();
    expect(state.workspaceParams).toEqual({ 'water.station': '1' });
  });

  it('percent-encodes workspace values but keeps commas and colons readable', () => {
    const state = parseUrlState('?ws=imagery&imagery.left=' + encodeURIComponent('s2/2024-05-01T10:00 a&b'));
    expect(state.workspaceParams['imagery.left']).toBe('s2/2024-05-01T10:00 a&b');
    expect(formatUrlState(state)).toBe('?lang=zh&ws=imagery&imagery.left=s2%2F2024-05-01T10:00%20a%26b');
  });
});
