/**
 * How a published property value reads in the interface: class values by their class title
 * (用途: 住宅), numbers in the language's format, booleans as 是/否, empty as an em dash. Shared
 * by the identify popup, the history panel and the change report.
 */
import type { CatalogLayer, PropertySpec } from './catalog-document.ts';
import { htmlLang, localize, translate, type Lang } from './i18n.ts';

/** True when a value is worth a row (not absent, null or the empty string). */
export function hasValue(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

export function formatPropertyValue(layer: CatalogLayer, property: PropertySpec, value: unknown, lang: Lang): string {
  if (!hasValue(value)) return '—';
  const classify = layer.style.classify;
  if (classify && classify.property === property.name) {
    const match = classify.classes.find((c) => String(c.value) === String(value));
    if (match) return localize(match.title, lang);
  }
  switch (property.type) {
    case 'number':
      return typeof value === 'number' ? new Intl.NumberFormat(htmlLang(lang), { maximumFractionDigits: 2 }).format(value) : String(value);
    case 'boolean':
      return translate(lang, value === true || value === 'true' ? 'yes' : 'no');
    default:
      // Integers such as years and codes are shown as they are, without digit grouping.
      return String(value);
  }
}
