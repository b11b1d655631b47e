import { describe, expect, it } from 'vitest';
import { htmlLang, parseLang, translate } from '../src/i18n.ts';

describe('interface text', () => {
  it('is Chinese by default and fills placeholders', () => {
    expect(parseLang(null)).toBe('zh');
    expect(htmlLang('zh')).toBe('zh-CN');
    expect(translate('zh', 'showLayer', { layer: '建筑物' })).toBe('显示建筑物');
    expect(translate('en', 'showLayer', { layer: 'Buildings' })).toBe('Show Buildings');
  });
});
