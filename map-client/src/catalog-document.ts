/**
 * The `/catalog` document as the client sees it. Layer metadata types come from the catalogue
 * workspace (type-only imports: the client never loads other workspaces' code, architecture.md §2);
 * the envelope (links, legend, bounds) is what map-server adds when it publishes the catalogue.
 */
import { sessionHeaders } from './auth-session.ts';
import type {
  Classification,
  GeometryType,
  Localized,
  PropertySpec,
  StyleHint,
  TemporalKind,
} from '@onemap/geodata/catalog';

export type { Localized, PropertySpec, StyleHint };

/** Lon/lat bounds in CRS84: [west, south, east, north]. */
export type Bounds4326 = readonly [number, number, number, number];

export interface LegendEntry {
  readonly title: Localized;
  readonly color: string;
  readonly kind: 'fill' | 'line' | 'point';
}

export interface CatalogLayer {
  readonly id: string;
  readonly title: Localized;
  readonly description: Localized;
  readonly group: string;
  readonly owner: { readonly code: string; readonly title: Localized };
  readonly classification: Classification;
  readonly temporal: TemporalKind;
  readonly geometryType: GeometryType;
  readonly properties: readonly PropertySpec[];
  readonly minzoom: number;
  readonly maxzoom: number;
  readonly style: StyleHint;
  readonly drawOrder: number;
  readonly visibleByDefault: boolean;
  readonly editable: boolean;
  readonly legend: readonly LegendEntry[];
  readonly links: { readonly tiles: string; readonly tilejson?: string; readonly items?: string };
  readonly bounds?: Bounds4326;
}

export interface CatalogGroup {
  readonly id: string;
  readonly title: Localized;
  readonly layers: readonly string[];
}

export interface CatalogDocument {
  readonly title: Localized;
  readonly bounds: Bounds4326;
  /** [lon, lat, zoom] of the initial view. */
  readonly center: readonly [number, number, number];
  readonly groups: readonly CatalogGroup[];
  readonly layers: readonly CatalogLayer[];
}

/** Thrown when `/catalog` cannot be read; the app turns it into a visible error state. */
export class CatalogLoadError extends Error {
  override readonly name = 'CatalogLoadError';
}

/**
 * Fetches the catalogue. The check is deliberately shallow (the server validates the catalogue at
 * boot, house style §4); it only guards against an HTML error page or a wrong endpoint.
 */
export async function fetchCatalog(url = '/catalog', signal?: AbortSignal): Promise<CatalogDocument> {
  // Signed in, the catalogue lists the layers this user may see (auth-session.ts); a stale
  // token (401) falls back to the public catalogue rather than no map at all.
  const auth = sessionHeaders();
  let response = await fetch(url, { headers: { accept: 'application/json', ...auth }, ...(signal ? { signal } : {}) });
  if (response.status === 401 && auth['Authorization']) response = await fetch(url, { headers: { accept: 'application/json' }, ...(signal ? { signal } : {}) });
  if (!response.ok) throw new CatalogLoadError(`GET ${url}: HTTP ${response.status}`);
  const body: unknown = await response.json();
  if (!isCatalogDocument(body)) throw new CatalogLoadError(`GET ${url}: not a catalogue document`);
  return body;
}

function isCatalogDocument(value: unknown): value is CatalogDocument {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return Array.isArray(v['layers']) && Array.isArray(v['groups']) && Array.isArray(v['center']);
}

/** Looks a layer up by id. */
export function findLayer(catalog: CatalogDocument, id: string): CatalogLayer | undefined {
  return catalog.layers.find((layer) => layer.id === id);
}
