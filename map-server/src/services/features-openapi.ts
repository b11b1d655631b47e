/**
 * The OpenAPI 3.0.3 definition served at `/api`, generated from the catalogue: one
 * parameterised path set whose `collectionId` enumerates the published layers. Parameter
 * shapes follow OGC 17-069r4 and what the ETS checks (standards.md §1): `bbox` is an array of
 * 4–6 numbers, form style, not exploded; `limit` an integer 1…maximum, default 10.
 * OAS 3.0, not 3.1: the ETS's parser reads only 3.0.
 */
import type { Catalog } from '@onemap/geodata/catalog';
import { CRS84, GEOJSON_TYPE, JSON_TYPE, OPENAPI_TYPE } from './features-documents.ts';
import type { LayerPlan } from './layer-plans.ts';

const PROBLEM_TYPE = 'application/problem+json';

export interface OpenApiOptions {
  readonly base: string;
  readonly maxLimit: number;
  readonly defaultLimit?: number;
}

const ref = (kind: 'parameters' | 'schemas' | 'responses', name: string) => ({ $ref: `#/components/${kind}/${name}` });

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

export function openApiDocument(catalog: Catalog, layers: readonly LayerPlan[], { base, maxLimit, defaultLimit = 10 }: OpenApiOptions) {
  const jsonContent = (schema: object) => ({ [JSON_TYPE]: { schema } });
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
      description: `${catalog.title.en}. OGC API – Features – Part 1: Core, GeoJSON and OpenAPI 3.0 for every catalogued layer. On versioned layers \`datetime\` means "as of" (an instant) or "valid during" (an interval); without it the current version is returned.`,
    },
    servers: [{ url: base }],
    tags: [
      { name: 'Capabilities', description: 'Essential characteristics of this API' },
      { name: 'Data', description: 'Access to features' },
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
            ref('parameters', 'datetime'),
            ref('parameters', 'fItems'),
          ],
          responses: { '200': { description: 'A page of features.', content: { [GEOJSON_TYPE]: { schema: ref('schemas', 'featureCollectionGeoJSON') } } }, ...errors },
        },
      },
      '/collections/{collectionId}/items/{featureId}': {
        get: {
          tags: ['Data'],
          summary: 'One feature',
          description: 'On versioned layers: the current version, or the version valid at `datetime` (the latest one valid during an interval).',
          operationId: 'getFeature',
          parameters: [ref('parameters', 'collectionId'), ref('parameters', 'featureId'), ref('parameters', 'datetime'), ref('parameters', 'fItems')],
          responses: { '200': { description: 'The feature.', content: { [GEOJSON_TYPE]: { schema: ref('schemas', 'featureGeoJSON') } } }, ...errors },
        },
      },
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
