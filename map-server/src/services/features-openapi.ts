/**
 * The OpenAPI 3.0.3 definition served at `/api`, generated from the catalogue: one
 * parameterised path set whose `collectionId` enumerates the published layers. Parameter
 * shapes follow OGC 17-069r4 and what the ETS checks (standards.md §1): `bbox` is an array of
 * 4–6 numbers, form style, not exploded; `limit` an integer 1…maximum, default 10.
 * OAS 3.0, not 3.1: the ETS's parser reads only 3.0.
 */
import type { Catalog } from '@onemap/geodata/catalog';
import { TILE_MATRIX_SETS } from '@onemap/tiles';
import { CRS84_URI as CRS84, SUPPORTED_CRS } from './crs.ts';
import { CSV_TYPE, GEOJSON_TYPE, GPKG_TYPE, JSON_TYPE, OPENAPI_TYPE, SCHEMA_TYPE } from './features-documents.ts';
import { FILTER_LANGS, ITEMS_PARAMS, propertyParams } from './features-params.ts';
import type { LayerPlan } from './layer-plans.ts';
import { MVT_TYPE } from './ogc-tiles-documents.ts';

const PROBLEM_TYPE = 'application/problem+json';

export interface OpenApiOptions {
  readonly base: string;
  readonly maxLimit: number;
  readonly defaultLimit?: number;
  readonly maxExport?: number;
}

const ref = (kind: 'parameters' | 'schemas' | 'responses' | 'headers', name: string) => ({ $ref: `#/components/${kind}/${name}` });

/** Per-layer property schema, from the catalogue's property types. */
function propertiesSchema(plan: LayerPlan) {
  const json = (t: string) =>
    t === 'date' ? { type: 'string', format: 'date' } : t === 'datetime' ? { type: 'string', format: 'date-time' } : { type: t };
  return {
    type: 'object',
    description: `${plan.spec.title.zh} / ${plan.spec.title.en}`,
    properties: Object.fromEntries(plan.spec.properties.map((p) => [p.name, { ...json(p.type), nullable: true, title: p.title.zh, description: p.title.en }])),
  };
}

/** The OGC API – Tiles paths (dataset and collection tilesets, tiles, tile matrix sets). */
function tilesPaths() {
  const json = { [JSON_TYPE]: { schema: { type: 'object' } } };
  const errors = { '400': ref('responses', 'InvalidParameter'), '404': ref('responses', 'NotFound'), '500': ref('responses', 'ServerError') };
  const fJson = { name: 'f', in: 'query', required: false, style: 'form', explode: false, schema: { type: 'string', enum: ['json'] } };
  const fMvt = { name: 'f', in: 'query', required: false, style: 'form', explode: false, schema: { type: 'string', enum: ['mvt'] } };
  const tileParams = [
    ref('parameters', 'tileMatrixSetId'),
    { name: 'tileMatrix', in: 'path', required: true, description: 'Zoom level (the tile matrix id).', schema: { type: 'string' } },
    { name: 'tileRow', in: 'path', required: true, description: 'Row, from the top (= XYZ y).', schema: { type: 'integer', minimum: 0 } },
    { name: 'tileCol', in: 'path', required: true, description: 'Column, from the left (= XYZ x).', schema: { type: 'integer', minimum: 0 } },
    { name: 'datetime', in: 'query', required: false, description: 'Versioned layers: the state as of this RFC 3339 instant.', style: 'form', explode: false, schema: { type: 'string' } },
    fMvt,
  ];
  const tileResponses = {
    '200': { description: 'A Mapbox vector tile.', content: { [MVT_TYPE]: { schema: { type: 'string', format: 'binary' } } } },
    '204': { description: 'No feature in this tile.' },
    ...errors,
  };
  const get = (summary: string, operationId: string, parameters: unknown[], responses: object) => ({ get: { tags: ['Tiles'], summary, operationId, parameters, responses } });
  return {
    '/tiles': get('Vector tilesets of all layers', 'getDatasetTilesets', [fJson], { '200': { description: 'The tilesets list.', content: json }, ...errors }),
    '/tiles/{tileMatrixSetId}': get('A vector tileset of all layers', 'getDatasetTileset', [ref('parameters', 'tileMatrixSetId'), fJson], { '200': { description: 'Tileset metadata.', content: json }, ...errors }),
    '/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}': get('A vector tile of all layers', 'getDatasetTile', tileParams, tileResponses),
    '/collections/{collectionId}/tiles': get('Vector tilesets of a collection', 'getCollectionTilesets', [ref('parameters', 'collectionId'), fJson], { '200': { description: 'The tilesets list.', content: json }, ...errors }),
    '/collections/{collectionId}/tiles/{tileMatrixSetId}': get('A vector tileset of a collection', 'getCollectionTileset', [ref('parameters', 'collectionId'), ref('parameters', 'tileMatrixSetId'), fJson], {
      '200': { description: 'Tileset metadata.', content: json },
      ...errors,
    }),
    '/collections/{collectionId}/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}': get('A vector tile of a collection', 'getCollectionTile', [ref('parameters', 'collectionId'), ...tileParams], tileResponses),
    '/tileMatrixSets': get('The tile matrix sets', 'getTileMatrixSets', [fJson], { '200': { description: 'The tile matrix sets.', content: json }, ...errors }),
    '/tileMatrixSets/{tileMatrixSetId}': get('One tile matrix set (TMS 2.0)', 'getTileMatrixSet', [ref('parameters', 'tileMatrixSetId'), fJson], { '200': { description: 'The definition.', content: json }, ...errors }),
  };
}

export function openApiDocument(catalog: Catalog, layers: readonly LayerPlan[], { base, maxLimit, defaultLimit = 10, maxExport = 500_000 }: OpenApiOptions) {
  const jsonContent = (schema: object) => ({ [JSON_TYPE]: { schema } });
  // Queryables as query parameters (`?name=value` = `name = value`): the union over layers;
  // each applies to the collections that publish it. GDAL 3.6 pushes -where clauses on them.
  const queryableNames = [...new Set(layers.flatMap((l) => propertyParams(l.spec)))].filter((n) => !(ITEMS_PARAMS as readonly string[]).includes(n)).sort();
  const queryableParams = queryableNames.map((n) => ref('parameters', `q_${n}`));
  const errors = { '400': ref('responses', 'InvalidParameter'), '404': ref('responses', 'NotFound'), '500': ref('responses', 'ServerError') };
  const f = (values: readonly string[]) => ({
    name: 'f',
    in: 'query',
    required: false,
    description: 'The encoding of the response; only JSON is served (clients such as @camptocamp/ogc-client always send `f=json`).',
    style: 'form',
    explode: false,
    schema: { type: 'string', enum: [...values], default: 'json' },
  });
  return {
    openapi: '3.0.3',
    info: {
      title: catalog.title.zh,
      version: '1.0.0',
      description: `${catalog.title.en}. OGC API – Features Parts 1–3 (core, GeoJSON, OpenAPI 3.0, CRS, CQL2 filtering with queryables) and OGC API – Tiles (vector tiles per collection and for all layers) for every catalogued layer, plus open-data export. On versioned layers \`datetime\` means "as of" (an instant) or "valid during" (an interval); without it the current version is returned.`,
    },
    servers: [{ url: base }],
    tags: [
      { name: 'Capabilities', description: 'Essential characteristics of this API' },
      { name: 'Data', description: 'Access to features' },
      { name: 'Tiles', description: 'Vector tiles (OGC API – Tiles)' },
    ],
    paths: {
      '/': {
        get: {
          tags: ['Capabilities'],
          summary: 'Landing page',
          operationId: 'getLandingPage',
          parameters: [ref('parameters', 'f')],
          responses: { '200': { description: 'Links to the API definition, the conformance classes and the collections.', content: jsonContent(ref('schemas', 'landingPage')) }, ...errors },
        },
      },
      '/conformance': {
        get: {
          tags: ['Capabilities'],
          summary: 'Conformance classes implemented by this server',
          operationId: 'getConformanceDeclaration',
          parameters: [ref('parameters', 'f')],
          responses: { '200': { description: 'The conformance classes.', content: jsonContent(ref('schemas', 'confClasses')) }, ...errors },
        },
      },
      '/api': {
        get: {
          tags: ['Capabilities'],
          summary: 'This API definition',
          operationId: 'getApiDefinition',
          parameters: [ref('parameters', 'f')],
          responses: { '200': { description: 'The OpenAPI 3.0 document.', content: { [OPENAPI_TYPE]: { schema: { type: 'object' } } } }, ...errors },
        },
      },
      '/collections': {
        get: {
          tags: ['Capabilities'],
          summary: 'The feature collections',
          operationId: 'getCollections',
          parameters: [ref('parameters', 'f')],
          responses: { '200': { description: 'Metadata of every collection.', content: jsonContent(ref('schemas', 'collections')) }, ...errors },
        },
      },
      '/collections/{collectionId}': {
        get: {
          tags: ['Capabilities'],
          summary: 'One feature collection',
          operationId: 'describeCollection',
          parameters: [ref('parameters', 'collectionId'), ref('parameters', 'f')],
          responses: { '200': { description: 'Metadata of the collection.', content: jsonContent(ref('schemas', 'collection')) }, ...errors },
        },
      },
      '/collections/{collectionId}/items': {
        get: {
          tags: ['Data'],
          summary: 'Features of a collection',
          description:
            'Pages with `limit`/`offset`; `next` links continue while `numberMatched` exceeds what was returned. `bbox` is CRS84 (minLon > maxLon crosses the antimeridian).',
          operationId: 'getFeatures',
          parameters: [
            ref('parameters', 'collectionId'),
            ref('parameters', 'limit'),
            ref('parameters', 'offset'),
            ref('parameters', 'bbox'),
            ref('parameters', 'bbox-crs'),
            ref('parameters', 'datetime'),
            ref('parameters', 'filter'),
            ref('parameters', 'filter-lang'),
            ref('parameters', 'filter-crs'),
            ref('parameters', 'crs'),
            ref('parameters', 'properties'),
            ref('parameters', 'sortby'),
            ...queryableParams,
            ref('parameters', 'fItems'),
          ],
          responses: {
            '200': { description: 'A page of features.', headers: { 'Content-Crs': ref('headers', 'Content-Crs') }, content: { [GEOJSON_TYPE]: { schema: ref('schemas', 'featureCollectionGeoJSON') } } },
            ...errors,
          },
        },
      },
      '/collections/{collectionId}/items/{featureId}': {
        get: {
          tags: ['Data'],
          summary: 'One feature',
          description: 'On versioned layers: the current version, or the version valid at `datetime` (the latest one valid during an interval).',
          operationId: 'getFeature',
          parameters: [ref('parameters', 'collectionId'), ref('parameters', 'featureId'), ref('parameters', 'datetime'), ref('parameters', 'crs'), ref('parameters', 'properties'), ref('parameters', 'fItems')],
          responses: {
            '200': { description: 'The feature.', headers: { 'Content-Crs': ref('headers', 'Content-Crs') }, content: { [GEOJSON_TYPE]: { schema: ref('schemas', 'featureGeoJSON') } } },
            ...errors,
          },
        },
      },
      '/collections/{collectionId}/queryables': {
        get: {
          tags: ['Capabilities'],
          summary: 'The queryables of a collection',
          description: 'A JSON Schema of the names a CQL2 filter may use (`additionalProperties: false`: other names are a 400).',
          operationId: 'getQueryables',
          parameters: [ref('parameters', 'collectionId'), f(['json', 'schema+json'])],
          responses: { '200': { description: 'The queryables.', content: { [SCHEMA_TYPE]: { schema: { type: 'object' } } } }, ...errors },
        },
      },
      '/collections/{collectionId}/export': {
        get: {
          tags: ['Data'],
          summary: 'Download every selected feature (open data)',
          description: `The features the items endpoint would select with the same filters, all at once, streamed: GeoJSON, CSV (UTF-8 with BOM; geometry as WKT or a point's coordinates) or GeoPackage. At most ${maxExport} features; a larger selection is refused with 413 before anything is sent.`,
          operationId: 'exportFeatures',
          parameters: [
            ref('parameters', 'collectionId'),
            ref('parameters', 'bbox'),
            ref('parameters', 'bbox-crs'),
            ref('parameters', 'datetime'),
            ref('parameters', 'filter'),
            ref('parameters', 'filter-lang'),
            ref('parameters', 'filter-crs'),
            ref('parameters', 'crs'),
            ref('parameters', 'properties'),
            ref('parameters', 'sortby'),
            ...queryableParams,
            {
              name: 'f',
              in: 'query',
              required: false,
              description: 'geojson (default), csv, gpkg or shp (zipped Shapefile; encoding=gbk for Chinese desktop GIS); without it the Accept header chooses.',
              style: 'form',
              explode: false,
              schema: { type: 'string', enum: ['geojson', 'csv', 'gpkg', 'shp'], default: 'geojson' },
            },
            {
              name: 'geometry',
              in: 'query',
              required: false,
              description: 'CSV only: `wkt` (one column) or `lonlat` (two columns; a point on the surface of lines and areas).',
              style: 'form',
              explode: false,
              schema: { type: 'string', enum: ['wkt', 'lonlat'], default: 'wkt' },
            },
            {
              name: 'encoding',
              in: 'query',
              required: false,
              description: 'Shapefile only: attribute encoding written to the .dbf and declared in the .cpg (gbk for older Chinese desktop GIS).',
              style: 'form',
              explode: false,
              schema: { type: 'string', enum: ['utf-8', 'gbk'], default: 'utf-8' },
            },
          ],
          responses: {
            '200': {
              description: 'The features, as an attachment.',
              content: { [GEOJSON_TYPE]: { schema: ref('schemas', 'featureCollectionGeoJSON') }, [CSV_TYPE]: { schema: { type: 'string' } }, [GPKG_TYPE]: { schema: { type: 'string', format: 'binary' } }, 'application/zip': { schema: { type: 'string', format: 'binary' } } },
            },
            '413': { description: 'More features selected than one export may hold.', content: { [PROBLEM_TYPE]: { schema: ref('schemas', 'exception') } } },
            ...errors,
          },
        },
      },
      ...tilesPaths(),
    },
    components: {
      parameters: {
        f: f(['json']),
        fItems: f(['json', 'geojson']),
        collectionId: {
          name: 'collectionId',
          in: 'path',
          required: true,
          description: 'A collection (layer) id.',
          schema: { type: 'string', enum: layers.map((l) => l.spec.id) },
        },
        featureId: { name: 'featureId', in: 'path', required: true, description: 'A feature id (for versioned layers the feature, not the version).', schema: { type: 'string' } },
        limit: {
          name: 'limit',
          in: 'query',
          required: false,
          description: `The most features to return. Values above ${maxLimit} are treated as ${maxLimit}.`,
          style: 'form',
          explode: false,
          schema: { type: 'integer', minimum: 1, maximum: maxLimit, default: defaultLimit },
        },
        offset: {
          name: 'offset',
          in: 'query',
          required: false,
          description: 'How many matching features to skip (used by the `next` links).',
          style: 'form',
          explode: false,
          schema: { type: 'integer', minimum: 0, default: 0 },
        },
        bbox: {
          name: 'bbox',
          in: 'query',
          required: false,
          description: `Only features whose geometry intersects this box: minLon,minLat,maxLon,maxLat (or with heights minLon,minLat,minH,maxLon,maxLat,maxH) in ${CRS84}.`,
          style: 'form',
          explode: false,
          schema: { type: 'array', minItems: 4, maxItems: 6, items: { type: 'number' } },
        },
        'bbox-crs': {
          name: 'bbox-crs',
          in: 'query',
          required: false,
          description: 'The CRS of `bbox` (default CRS84). EPSG:4326 and EPSG:4490 take latitude first; projected CRSs take metres.',
          style: 'form',
          explode: false,
          schema: { type: 'string', format: 'uri', enum: SUPPORTED_CRS.map((c) => c.uri), default: CRS84 },
        },
        crs: {
          name: 'crs',
          in: 'query',
          required: false,
          description: 'The CRS of the response geometries (default CRS84); the response names it in `Content-Crs`. EPSG:4326/4490 are latitude, longitude; EPSG:3857/4549/4550 metres.',
          style: 'form',
          explode: false,
          schema: { type: 'string', format: 'uri', enum: SUPPORTED_CRS.map((c) => c.uri), default: CRS84 },
        },
        filter: {
          name: 'filter',
          in: 'query',
          required: false,
          description:
            'A CQL2 filter (OGC 21-065r2) over the collection\'s queryables, ANDed with the other parameters: comparisons, LIKE/BETWEEN/IN, IS NULL, CASEI, S_* spatial and T_* temporal functions. Errors are a 400 with the position.',
          style: 'form',
          explode: false,
          schema: { type: 'string' },
        },
        'filter-lang': {
          name: 'filter-lang',
          in: 'query',
          required: false,
          description: 'The encoding of `filter`: cql2-text (default) or cql2-json. `cql-text` is the pre-standard name GDAL ≤ 3.7 sends; it is read as CQL2 text.',
          style: 'form',
          explode: false,
          schema: { type: 'string', enum: [...FILTER_LANGS], default: 'cql2-text' },
        },
        'filter-crs': {
          name: 'filter-crs',
          in: 'query',
          required: false,
          description: 'The CRS of geometry literals in `filter` (default CRS84).',
          style: 'form',
          explode: false,
          schema: { type: 'string', format: 'uri', enum: SUPPORTED_CRS.map((c) => c.uri), default: CRS84 },
        },
        properties: {
          name: 'properties',
          in: 'query',
          required: false,
          description: 'Only these properties (comma-separated) in each feature.',
          style: 'form',
          explode: false,
          schema: { type: 'array', items: { type: 'string' } },
        },
        sortby: {
          name: 'sortby',
          in: 'query',
          required: false,
          description: 'Sort keys, comma-separated: a property name, `-name` for descending (`+name` or `name:asc` ascending). Ties are broken by id.',
          style: 'form',
          explode: false,
          schema: { type: 'array', items: { type: 'string', pattern: '^[+-]?[A-Za-z_][A-Za-z0-9_]*(:(asc|desc|A|D))?$' } },
        },
        tileMatrixSetId: {
          name: 'tileMatrixSetId',
          in: 'path',
          required: true,
          description: 'A tile matrix set: WebMercatorQuad (EPSG:3857) or CGCS2000Quad (EPSG:4490, the 天地图 c grid).',
          schema: { type: 'string', enum: TILE_MATRIX_SETS.map((t) => t.id) },
        },
        ...Object.fromEntries(
          queryableNames.map((n) => [
            `q_${n}`,
            {
              name: n,
              in: 'query',
              required: false,
              description: `Only features whose ${n} equals this value (collections publishing ${n}: ${layers.filter((l) => l.spec.properties.some((p) => p.name === n)).map((l) => l.spec.id).join(', ')}).`,
              style: 'form',
              explode: false,
              schema: { type: 'string' },
            },
          ]),
        ),
        datetime: {
          name: 'datetime',
          in: 'query',
          required: false,
          description:
            'An RFC 3339 instant, or an interval `start/end` with `..` or empty for an open end. A date means the whole day (Asia/Shanghai); `date/P2D` is accepted. Versioned layers: an instant selects the versions valid at it ("as of"), an interval the versions valid during it. Static layers: every feature matches.',
          style: 'form',
          explode: false,
          schema: { type: 'string' },
        },
      },
      headers: {
        'Content-Crs': { description: 'The CRS of the geometries in the response, as `<URI>`.', schema: { type: 'string' } },
      },
      responses: {
        InvalidParameter: { description: 'A query parameter is unknown or has an invalid value.', content: { [PROBLEM_TYPE]: { schema: ref('schemas', 'exception') } } },
        NotFound: { description: 'No such collection or feature.', content: { [PROBLEM_TYPE]: { schema: ref('schemas', 'exception') } } },
        ServerError: { description: 'A server error.', content: { [PROBLEM_TYPE]: { schema: ref('schemas', 'exception') } } },
      },
      schemas: {
        exception: {
          type: 'object',
          required: ['code'],
          description: 'OGC API Features 1.0 exception members plus RFC 9457 problem details.',
          properties: {
            code: { type: 'string' },
            description: { type: 'string' },
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            instance: { type: 'string' },
          },
        },
        link: {
          type: 'object',
          required: ['href', 'rel'],
          properties: { href: { type: 'string' }, rel: { type: 'string' }, type: { type: 'string' }, title: { type: 'string' } },
        },
        landingPage: {
          type: 'object',
          required: ['links'],
          properties: { title: { type: 'string' }, description: { type: 'string' }, links: { type: 'array', items: ref('schemas', 'link') } },
        },
        confClasses: { type: 'object', required: ['conformsTo'], properties: { conformsTo: { type: 'array', items: { type: 'string' } } } },
        extent: {
          type: 'object',
          properties: {
            spatial: {
              type: 'object',
              properties: {
                bbox: { type: 'array', minItems: 1, items: { type: 'array', minItems: 4, maxItems: 6, items: { type: 'number' } } },
                crs: { type: 'string', enum: [CRS84], default: CRS84 },
              },
            },
            temporal: {
              type: 'object',
              properties: {
                interval: {
                  type: 'array',
                  minItems: 1,
                  items: { type: 'array', minItems: 2, maxItems: 2, items: { type: 'string', format: 'date-time', nullable: true } },
                },
                trs: { type: 'string' },
              },
            },
          },
        },
        collection: {
          type: 'object',
          required: ['id', 'links'],
          properties: {
            id: { type: 'string' },
            title: { type: 'string' },
            description: { type: 'string' },
            links: { type: 'array', items: ref('schemas', 'link') },
            extent: ref('schemas', 'extent'),
            itemType: { type: 'string', default: 'feature' },
            crs: { type: 'array', items: { type: 'string' } },
            storageCrs: { type: 'string' },
          },
        },
        collections: {
          type: 'object',
          required: ['links', 'collections'],
          properties: { links: { type: 'array', items: ref('schemas', 'link') }, collections: { type: 'array', items: ref('schemas', 'collection') } },
        },
        geometryGeoJSON: {
          type: 'object',
          required: ['type'],
          nullable: true,
          properties: {
            type: { type: 'string', enum: ['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection'] },
            coordinates: { type: 'array', items: {} },
          },
        },
        featureGeoJSON: {
          type: 'object',
          required: ['type', 'geometry', 'properties'],
          properties: {
            type: { type: 'string', enum: ['Feature'] },
            id: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
            geometry: ref('schemas', 'geometryGeoJSON'),
            properties: { type: 'object', nullable: true },
            links: { type: 'array', items: ref('schemas', 'link') },
          },
        },
        featureCollectionGeoJSON: {
          type: 'object',
          required: ['type', 'features'],
          properties: {
            type: { type: 'string', enum: ['FeatureCollection'] },
            features: { type: 'array', items: ref('schemas', 'featureGeoJSON') },
            links: { type: 'array', items: ref('schemas', 'link') },
            timeStamp: { type: 'string', format: 'date-time' },
            numberMatched: { type: 'integer', minimum: 0 },
            numberReturned: { type: 'integer', minimum: 0 },
          },
        },
        // Property schemas per layer, from the catalogue (what each collection's features carry).
        ...Object.fromEntries(layers.map((l) => [`${l.spec.id}Properties`, propertiesSchema(l)])),
      },
    },
  };
}
