/**
 * The JSON documents of OGC API – Features Part 1, derived from the compiled catalogue only.
 * Every href is absolute, built from `publicBaseUrl` (standards.md §0.1), and every link
 * `type` is an exact media type string (§0.2).
 */
import type { Catalog } from '@onemap/geodata/catalog';
import { CRS84, STORAGE_CRS, SUPPORTED_CRS, type CrsDef } from './crs.ts';
import type { ItemsQuery } from './features-params.ts';
import type { TemporalInterval } from './features-service.ts';
import type { LayerPlan } from './layer-plans.ts';

export const JSON_TYPE = 'application/json';
export const GEOJSON_TYPE = 'application/geo+json';
/** Exactly this string: the ETS, GDAL and OWSLib select the `service-desc` link by it. */
export const OPENAPI_TYPE = 'application/vnd.oai.openapi+json;version=3.0';

export const SCHEMA_TYPE = 'application/schema+json';
export const CSV_TYPE = 'text/csv';
export const GPKG_TYPE = 'application/geopackage+sqlite3';
/** A zipped ESRI Shapefile (.shp, .shx, .dbf, .prj, .cpg). */
export const SHP_ZIP_TYPE = 'application/zip';
export const TILESETS_VECTOR_REL = 'http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector';
export const QUERYABLES_REL = 'http://www.opengis.net/def/rel/ogc/1.0/queryables';
const GREGORIAN = 'http://www.opengis.net/def/uom/ISO-8601/0/Gregorian';

const FEATURES = 'http://www.opengis.net/spec/ogcapi-features';
const CQL2 = 'http://www.opengis.net/spec/cql2/1.0/conf';
const TILES = 'http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf';

/**
 * Exactly the classes this server passes, each proven by a test: Features Parts 1–3 (the CQL2
 * classes by the 139 predicates of the CQL2 abstract test suite, plus CQL2 JSON and CASEI
 * cases), and OGC API – Tiles for vector tiles of collections and of the dataset.
 * Not declared: HTML, queryables-as-query-parameters, accent-insensitive comparison,
 * property-property, arithmetic, array functions, the Tiles datetime/selection classes.
 */
export const CONFORMANCE_CLASSES = [
  `${FEATURES}-1/1.0/conf/core`,
  `${FEATURES}-1/1.0/conf/geojson`,
  `${FEATURES}-1/1.0/conf/oas30`,
  `${FEATURES}-2/1.0/conf/crs`,
  `${FEATURES}-3/1.0/conf/queryables`,
  `${FEATURES}-3/1.0/conf/filter`,
  `${FEATURES}-3/1.0/conf/features-filter`,
  `${CQL2}/cql2-text`,
  `${CQL2}/cql2-json`,
  `${CQL2}/basic-cql2`,
  `${CQL2}/advanced-comparison-operators`,
  `${CQL2}/case-insensitive-comparison`,
  `${CQL2}/basic-spatial-functions`,
  `${CQL2}/basic-spatial-functions-plus`,
  `${CQL2}/spatial-functions`,
  `${CQL2}/temporal-functions`,
  `${TILES}/core`,
  `${TILES}/tileset`,
  `${TILES}/tilesets-list`,
  `${TILES}/geodata-tilesets`,
  `${TILES}/dataset-tilesets`,
  `${TILES}/mvt`,
  `${TILES}/oas30`,
] as const;

export interface Link {
  readonly href: string;
  readonly rel: string;
  readonly type: string;
  readonly title?: string;
  readonly templated?: boolean;
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
      { href: `${base}/tiles`, rel: TILESETS_VECTOR_REL, type: JSON_TYPE, title: 'Vector tilesets of all layers (OGC API – Tiles)' },
      { href: `${base}/tileMatrixSets`, rel: 'http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes', type: JSON_TYPE, title: 'Tile matrix sets' },
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
      spatial: { bbox: [[...(plan.bounds ?? WORLD)]], crs: CRS84.uri },
      ...(temporal ? { temporal: { interval: [[...temporal]], trs: GREGORIAN } } : {}),
    },
    crs: SUPPORTED_CRS.map((c) => c.uri),
    storageCrs: STORAGE_CRS.uri,
    links: [
      { href: `${base}/collections/${s.id}/items`, rel: 'items', type: GEOJSON_TYPE, title: `${s.title.zh} (GeoJSON)` },
      { href: `${base}/collections/${s.id}/queryables`, rel: QUERYABLES_REL, type: SCHEMA_TYPE, title: 'Queryables (names a CQL2 filter may use)' },
      { href: `${base}/collections/${s.id}/tiles`, rel: TILESETS_VECTOR_REL, type: JSON_TYPE, title: 'Vector tilesets (OGC API – Tiles)' },
      { href: `${base}/collections/${s.id}/export?f=geojson`, rel: 'enclosure', type: GEOJSON_TYPE, title: 'Download every feature (GeoJSON)' },
      { href: `${base}/collections/${s.id}/export?f=csv`, rel: 'enclosure', type: CSV_TYPE, title: 'Download every feature (CSV, geometry as WKT)' },
      { href: `${base}/collections/${s.id}/export?f=gpkg`, rel: 'enclosure', type: GPKG_TYPE, title: 'Download every feature (GeoPackage)' },
      { href: `${base}/collections/${s.id}/export?f=shp`, rel: 'enclosure', type: SHP_ZIP_TYPE, title: 'Download every feature (zipped Shapefile)' },
    ] as Link[],
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

/** The parameters of a parsed query other than limit/offset, as they go into links. */
export function queryEcho(q: Omit<ItemsQuery, 'limit' | 'offset'>): [string, string][] {
  const params: [string, string][] = [];
  if (q.bbox) params.push(['bbox', q.bbox.given.map(String).join(',')]);
  if (q.bboxCrs && q.bboxCrs !== CRS84) params.push(['bbox-crs', q.bboxCrs.uri]);
  if (q.datetime !== undefined) params.push(['datetime', q.datetime]);
  if (q.filter) {
    params.push(['filter', q.filter.text]);
    if (q.filter.lang !== 'cql2-text') params.push(['filter-lang', q.filter.lang]);
    if (q.filter.crs !== CRS84) params.push(['filter-crs', q.filter.crs.uri]);
  }
  if (q.crs && q.crs !== CRS84) params.push(['crs', q.crs.uri]);
  for (const [name, value] of q.propertyEquals ?? []) params.push([name, value]);
  if (q.properties) params.push(['properties', q.properties.join(',')]);
  if (q.sortby?.length) params.push(['sortby', q.sortby.map((k) => `${k.descending ? '-' : ''}${k.property}`).join(',')]);
  return params;
}

export function queryString(params: readonly (readonly [string, string])[]): string {
  return params.map(([k, v]) => `${k}=${encodeValue(v)}`).join('&');
}

function itemsUrl(base: string, id: string, q: ItemsQuery, offset: number): string {
  return `${base}/collections/${id}/items?${queryString([...queryEcho(q), ['limit', String(q.limit)], ['offset', String(offset)]])}`;
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

export function featureLinks(base: string, id: string, featureId: string, datetime: string | undefined, crs?: CrsDef): Link[] {
  const params: [string, string][] = [];
  if (datetime !== undefined) params.push(['datetime', datetime]);
  if (crs && crs !== CRS84) params.push(['crs', crs.uri]);
  const self = `${base}/collections/${id}/items/${encodeURIComponent(featureId)}${params.length ? `?${queryString(params)}` : ''}`;
  return [
    { href: self, rel: 'self', type: GEOJSON_TYPE, title: 'This feature' },
    { href: `${base}/collections/${id}`, rel: 'collection', type: JSON_TYPE, title: 'The collection' },
  ];
}
