/**
 * Legend swatches of one layer. The server publishes the legend with the catalogue; when a layer
 * has none, it is derived from the StyleHint the same way the map style is (layer-style.ts), so
 * legend and map cannot disagree.
 */
import type { CSSProperties } from 'react';
import type { CatalogLayer, LegendEntry } from '../catalog-document.ts';
import { localize, translate, type Lang } from '../i18n.ts';
import { geometryKind } from '../layer-style.ts';

export function LayerLegend({ layer, lang }: { readonly layer: CatalogLayer; readonly lang: Lang }) {
  const entries = layer.legend.length > 0 ? layer.legend : legendFromStyle(layer);
  if (entries.length === 0) return null;
  const title = localize(layer.title, lang);
  return (
    <ul className="legend" aria-label={translate(lang, 'legendOf', { layer: title })} data-testid={`legend-${layer.id}`}>
      {entries.map((entry, index) => (
        <li key={index} className="legend-entry">
          <span className={`swatch swatch-${entry.kind}`} style={swatchStyle(entry)} aria-hidden="true" />
          <span>{localize(entry.title, lang)}</span>
        </li>
      ))}
    </ul>
  );
}

function swatchStyle(entry: LegendEntry): CSSProperties {
  return entry.kind === 'line' ? { borderTopColor: entry.color } : { backgroundColor: entry.color };
}

/** One row per class, or a single row titled with the layer for an unclassified style. */
export function legendFromStyle(layer: CatalogLayer): LegendEntry[] {
  const hint = layer.style;
  const kindOfGeometry = geometryKind(layer.geometryType);
  const kind = kindOfGeometry === 'polygon' ? 'fill' : kindOfGeometry;
  if (hint.classify) return hint.classify.classes.map((c) => ({ title: c.title, color: c.color, kind }));
  const color = kind === 'line' ? hint.stroke : (hint.fill ?? hint.stroke);
  return color ? [{ title: layer.title, color, kind }] : [];
}
