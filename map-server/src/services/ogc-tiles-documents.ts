/**
 * OGC API – Tiles documents (OGC 20-057, TileMatrixSet 2.0; standards.md §5): tilesets lists,
 * tileset metadata and tile matrix sets, for one collection or for all layers (the dataset).
 * Bounds and zooms come from the TileJSON of the same layers, so both always agree.
 * Per the ETS, each list entry carries the limits and the templated tile link as well.
 */
import type { PropertyType } from '@onemap/geodata/catalog';
import { tileMatrixSetLimits, TILE_MATRIX_SETS, tileMatrixSetDocument, type TileMatrixLimits, type TileMatrixSetDef } from '@onemap/tiles';
import { CRS84_URI } from './crs.ts';
import { JSON_TYPE, type Link } from './features-documents.ts';
import type { LayerPlan } from './layer-plans.ts';

export const MVT_TYPE = 'application/vnd.mapbox-vector-tile';
export const TILEJSON_TYPE = 'application/vnd.mapbox.tile+json';
const TILING_SCHEME_REL = 'http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme';

/** What a tileset covers: its layers, and the TileJSON's bounds and zooms. */
export interface TilesetScope {
  readonly title: string;
  readonly description: string;
  readonly layers: readonly LayerPlan[];
  /** URL of the tilesets list (`…/tiles`), without a trailing slash. */
  readonly listUrl: string;
  readonly tileJsonUrl: string;
  readonly bounds: readonly [number, number, number, number];
  readonly minZoom: number;
  readonly maxZoom: number;
}

/** The URI a tileset names its matrix set by: the registered one, else our own definition. */
export function tileMatrixSetUri(tms: TileMatrixSetDef, base: string): string {
  return tms.uri ?? `${base}/tileMatrixSets/${tms.id}`;
}

export function limitsOf(scope: TilesetScope, tms: TileMatrixSetDef): TileMatrixLimits[] {
  return tileMatrixSetLimits(tms, scope.bounds, scope.minZoom, scope.maxZoom);
}

function tileTemplate(scope: TilesetScope, tms: TileMatrixSetDef): string {
  return `${scope.listUrl}/${tms.id}/{tileMatrix}/{tileRow}/{tileCol}`;
}

function commonLinks(scope: TilesetScope, tms: TileMatrixSetDef, base: string): Link[] {
  return [
    { href: `${scope.listUrl}/${tms.id}`, rel: 'self', type: JSON_TYPE, title: `${scope.title} (${tms.id})` },
    { href: `${base}/tileMatrixSets/${tms.id}`, rel: TILING_SCHEME_REL, type: JSON_TYPE, title: tms.title },
    { href: tileTemplate(scope, tms), rel: 'item', type: MVT_TYPE, title: 'Mapbox vector tiles', templated: true },
    ...(tms.id === 'WebMercatorQuad' ? [{ href: scope.tileJsonUrl, rel: 'describedby', type: TILEJSON_TYPE, title: 'TileJSON 3.0.0 (XYZ)' }] : []),
  ];
}

export function tilesetsList(scope: TilesetScope, base: string, self: string) {
  return {
    links: [{ href: self, rel: 'self', type: JSON_TYPE, title: 'Tilesets' }] satisfies Link[],
    tilesets: TILE_MATRIX_SETS.map((tms) => ({
      title: `${scope.title} (${tms.id})`,
      dataType: 'vector',
      crs: tms.crs,
      tileMatrixSetURI: tileMatrixSetUri(tms, base),
      tileMatrixSetId: tms.id,
      tileMatrixSetLimits: limitsOf(scope, tms),
      links: commonLinks(scope, tms, base),
    })),
  };
}

const GEOMETRY_DIMENSION = { Point: 0, MultiPoint: 0, LineString: 1, MultiLineString: 1, Polygon: 2, MultiPolygon: 2 } as const;

function jsonSchemaOf(t: PropertyType) {
  return t === 'date' ? { type: 'string', format: 'date' } : t === 'datetime' ? { type: 'string', format: 'date-time' } : { type: t };
}

/** One tileset (TMS 2.0 tileset metadata): layers with their zooms and property schemas. */
export function tilesetDocument(scope: TilesetScope, tms: TileMatrixSetDef, base: string) {
  const [w, s, e, n] = scope.bounds;
  return {
    title: `${scope.title} (${tms.id})`,
    description: scope.description,
    dataType: 'vector',
    crs: tms.crs,
    tileMatrixSetURI: tileMatrixSetUri(tms, base),
    tileMatrixSetId: tms.id,
    tileMatrixSetLimits: limitsOf(scope, tms),
    boundingBox: { lowerLeft: [w, s], upperRight: [e, n], crs: CRS84_URI },
    links: commonLinks(scope, tms, base),
    layers: scope.layers.map((l) => ({
      id: l.spec.id,
      title: l.spec.title.zh,
      description: l.spec.title.en,
      dataType: 'vector',
      geometryDimension: GEOMETRY_DIMENSION[l.spec.table.geometryType],
      minTileMatrix: String(Math.max(l.spec.zoom.min, tms.minZoom)),
      maxTileMatrix: String(l.spec.zoom.max),
      propertiesSchema: { type: 'object', properties: Object.fromEntries(l.spec.properties.map((p) => [p.name, { title: p.title.zh, ...jsonSchemaOf(p.type) }])) },
    })),
  };
}

export function tileMatrixSetsList(base: string) {
  return {
    links: [{ href: `${base}/tileMatrixSets`, rel: 'self', type: JSON_TYPE, title: 'Tile matrix sets' }] satisfies Link[],
    tileMatrixSets: TILE_MATRIX_SETS.map((tms) => ({
      id: tms.id,
      title: tms.title,
      ...(tms.uri ? { uri: tms.uri } : {}),
      crs: tms.crs,
      links: [{ href: `${base}/tileMatrixSets/${tms.id}`, rel: TILING_SCHEME_REL, type: JSON_TYPE, title: tms.title }] satisfies Link[],
    })),
  };
}

export function tileMatrixSetDocumentWithLinks(tms: TileMatrixSetDef, base: string) {
  return { ...tileMatrixSetDocument(tms), ...(tms.uri ? {} : { uri: tileMatrixSetUri(tms, base) }), links: [{ href: `${base}/tileMatrixSets/${tms.id}`, rel: 'self', type: JSON_TYPE }] };
}
