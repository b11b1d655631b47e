/**
 * The JSON documents of OGC API – Features Part 1, derived from the compiled catalogue only.
 * Every href is absolute, built from `publicBaseUrl` (standards.md §0.1), and every link
 * `type` is an exact media type string (§0.2).
 */
import type { Catalog } from '@onemap/geodata/catalog';
import type { ItemsQuery } from './features-params.ts';
import type { TemporalInterval } from './features-service.ts';
import type { LayerPlan } from './layer-plans.ts';

export const JSON_TYPE = 'application/json';
export const GEOJSON_TYPE = 'application/geo+json';
/** Exactly this string: the ETS, GDAL and OWSLib select the `service-desc` link by it. */
export const OPENAPI_TYPE = 'application/vnd.oai.openapi+json;version=3.0';

export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
export const STORAGE_CRS = 'http://www.opengis.net/def/crs/EPSG/0/4490';
const GREGORIAN = 'http://www.opengis.net/def/uom/ISO-8601/0/Gregorian';

export const CONFORMANCE_CLASSES = [
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
  'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
] as const;

export interface Link {
  readonly href: string;
  readonly rel: string;
  readonly type: string;
  readonly title?: string;
}

/** Landing page `/`: service-desc, conformance and data (plain and OGC URI; the ETS knows only `data`). */
export function landingPage(catalog: Catalog, base: string) {
  return {
    title: catalog.title.zh,
    description: `${catalog.title.en}: OGC API – Features for every catalogued layer`,
    links: [
      { href: `${base}/`, rel: 'self', type: JSON_TYPE, title: 'This document' },
      { href: `${base}/api`, rel: 'service-desc', type: OPENAPI_TYPE, title: 'The API definition (OpenAPI 3.0)' },
      { href: `${base}/conformance`, rel: 'conformance', type: JSON_TYPE, title: 'Conformance classes' },
      { href: `${base}/collections`, rel: 'data', type: JSON_TYPE, title: 'Feature collections' },
      { href: `${base}/collections`, rel: 'http://www.opengis.net/def/rel/ogc/1.0/data', type: JSON_TYPE, title: 'Feature collections' },
    ] satisfies Link[],
  };
}

export function conformanceDocument() {
  return { conformsTo: [...CONFORMANCE_CLASSES] };
}

/** Whole-world box for a layer with no rows yet (its extent is unknown). */
const WORLD: readonly [number, number, number, number] = [-180, -90, 180, 90];

/**
 * One collection's metadata. `/collections` and `/collections/{id}` both use this, so `id`,
 * `title`, `description` and `extent` are identical in both (ETS /req/core/sfc-md-op).
 */
export function collectionEntry(plan: LayerPlan, base: string, temporal: TemporalInterval | undefined) {
  const s = plan.spec;
  return {
    id: s.id,
    title: s.title.zh,
    description: `${s.description.zh} / ${s.description.en}`,
    keywords: [s.title.en, s.owner.title.zh],
    itemType: 'feature',
    extent: {
      spatial: { bbox: [[...(plan.bounds ?? WORLD)]], crs: CRS84 },
      ...(temporal ? { temporal: { interval: [[...temporal]], trs: GREGORIAN } } : {}),
    },
    crs: [CRS84],
    storageCrs: STORAGE_CRS,
    links: [{ href: `${base}/collections/${s.id}/items`, rel: 'items', type: GEOJSON_TYPE, title: `${s.title.zh} (GeoJSON)` }] as Link[],
  };
}

export function collectionsDocument(layers: readonly LayerPlan[], base: string, temporal: ReadonlyMap<string, TemporalInterval>) {
  return {
    links: [{ href: `${base}/collections`, rel: 'self', type: JSON_TYPE, title: 'This document' }] satisfies Link[],
    collections: layers.map((p) => collectionEntry(p, base, temporal.get(p.spec.id))),
  };
}

export function collectionDocument(plan: LayerPlan, base: string, temporal: TemporalInterval | undefined) {
  const entry = collectionEntry(plan, base, temporal);
  return { ...entry, links: [{ href: `${base}/collections/${plan.spec.id}`, rel: 'self', type: JSON_TYPE, title: 'This document' }, ...entry.links] };
}

/**
 * Query-string encoding for our links: percent-encodes what must be, but leaves `,` `:` `/`
 * readable (the ETS re-encodes next-link values, so they are kept simple; standards.md §1).
 */
function encodeValue(v: string): string {
  return encodeURIComponent(v).replace(/%2C/g, ',').replace(/%3A/g, ':').replace(/%2F/g, '/');
}

function itemsUrl(base: string, id: string, q: ItemsQuery, offset: number): string {
  const params: [string, string][] = [];
  if (q.bbox) params.push(['bbox', q.bbox.given.map(String).join(',')]);
  if (q.datetime !== undefined) params.push(['datetime', q.datetime]);
  params.push(['limit', String(q.limit)], ['offset', String(offset)]);
  return `${base}/collections/${id}/items?${params.map(([k, v]) => `${k}=${encodeValue(v)}`).join('&')}`;
}

/** Links of an items page: self, collection, and next/prev while more features match. */
export function itemsLinks(base: string, id: string, q: ItemsQuery, numberMatched: number, numberReturned: number): Link[] {
  const links: Link[] = [
    { href: itemsUrl(base, id, q, q.offset), rel: 'self', type: GEOJSON_TYPE, title: 'This page' },
    { href: `${base}/collections/${id}`, rel: 'collection', type: JSON_TYPE, title: 'The collection' },
  ];
  if (q.offset + numberReturned < numberMatched) links.push({ href: itemsUrl(base, id, q, q.offset + q.limit), rel: 'next', type: GEOJSON_TYPE, title: 'Next page' });
  if (q.offset > 0) links.push({ href: itemsUrl(base, id, q, Math.max(0, q.offset - q.limit)), rel: 'prev', type: GEOJSON_TYPE, title: 'Previous page' });
  return links;
}

/**
 * The FeatureCollection text around features already encoded by PostgreSQL. Counts and links
 * come first so streaming readers see them before the (possibly large) features array.
 */
export function featureCollectionText(page: { numberMatched: number; numberReturned: number; featuresJson: string }, links: readonly Link[], timeStamp: string): string {
  const head = JSON.stringify({ type: 'FeatureCollection', numberMatched: page.numberMatched, numberReturned: page.numberReturned, timeStamp, links });
  return `${head.slice(0, -1)},"features":[${page.featuresJson}]}`;
}

/** A single Feature text with its links (self, collection) appended as a foreign member. */
export function featureText(featureJson: string, links: readonly Link[]): string {
  return `${featureJson.slice(0, -1)},"links":${JSON.stringify(links)}}`;
}

export function featureLinks(base: string, id: string, featureId: string, datetime: string | undefined): Link[] {
  const self = `${base}/collections/${id}/items/${encodeURIComponent(featureId)}${datetime !== undefined ? `?datetime=${encodeValue(datetime)}` : ''}`;
  return [
    { href: self, rel: 'self', type: GEOJSON_TYPE, title: 'This feature' },
    { href: `${base}/collections/${id}`, rel: 'collection', type: JSON_TYPE, title: 'The collection' },
  ];
}
