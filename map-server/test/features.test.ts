/**
 * OGC API – Features Part 1 on the real server and PostGIS with the full Taizhou sample. Every
 * count and id set is compared with what the database itself answers (standards.md §0, §1).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '@onemap/geodata/catalog';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

// Anonymous requests see the public layers only (classification, security.test.ts covers the rest).
const publicLayers = catalog.layers.filter((l) => l.classification === 'public');

const MAX_LIMIT = 10_000;
const GEOJSON = 'application/geo+json';
const OPENAPI = 'application/vnd.oai.openapi+json;version=3.0';
const PROBLEM = 'application/problem+json';
const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';

let platform: TestPlatform;
let db: pg.Client;
let base: string;
/** Properties the desensitisation rules drop for the public (pipe depths, owners: security-pipes.test.ts). */
let droppedForPublic: Map<string, Set<string>>;

beforeAll(async () => {
  platform = await startTestPlatform({ FEATURES_MAX_LIMIT: String(MAX_LIMIT) });
  base = platform.baseUrl;
  db = new pg.Client({ connectionString: platform.databaseUrl });
  await db.connect();
  const { rows } = await db.query<{ layer_id: string; property: string }>(`SELECT layer_id, property FROM auth.desensitisation_rules WHERE audience = 'public' AND action = 'drop'`);
  droppedForPublic = new Map();
  for (const r of rows) droppedForPublic.set(r.layer_id, (droppedForPublic.get(r.layer_id) ?? new Set()).add(r.property));
});
afterAll(async () => {
  await db?.end();
  await platform?.close();
});

interface Link {
  href: string;
  rel: string;
  type: string;
}
interface Feature {
  type: 'Feature';
  id: string | number;
  geometry: { type: string; coordinates: unknown } | null;
  properties: Record<string, unknown>;
  links?: Link[];
}
interface Page {
  type: 'FeatureCollection';
  numberMatched: number;
  numberReturned: number;
  timeStamp: string;
  links: Link[];
  features: Feature[];
}

interface Collection {
  id: string;
  title: string;
  description: string;
  itemType: string;
  crs: string[];
  storageCrs: string;
  extent: { spatial: { bbox: number[][]; crs: string }; temporal?: { interval: (string | null)[][]; trs: string } };
  links: Link[];
  [key: string]: unknown;
}
interface Collections {
  links: Link[];
  collections: Collection[];
}
/** Landing pages, problem bodies, anything with links: read loosely. */
interface Doc {
  links: Link[];
  code: string;
  status: number;
  description: string;
  conformsTo: string[];
  servers: { url: string }[];
}
interface OpenApiParameter {
  $ref?: string;
  name: string;
  in: string;
  required?: boolean;
  style?: string;
  explode?: boolean;
  schema: { type?: string; enum?: string[]; additionalProperties?: unknown; [key: string]: unknown };
}
interface OpenApiDoc {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, { get: { tags?: string[]; parameters: OpenApiParameter[]; responses: Record<string, { content?: Record<string, unknown> }> } }>;
}

/** GET a path (or absolute URL) and parse the body as JSON whatever the status. */
async function get<T = Doc>(pathOrUrl: string, headers: Record<string, string> = {}) {
  const res = await fetch(pathOrUrl.startsWith('http') ? pathOrUrl : `${base}${pathOrUrl}`, { headers });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: JSON.parse(text) as T };
}

async function scalar(sql: string, values: unknown[] = []): Promise<number> {
  const { rows } = await db.query<{ n: string | number }>(sql, values);
  return Number(rows[0]!.n);
}

const link = (links: readonly Link[], rel: string) => links.find((l) => l.rel === rel);
const spec = (id: string) => catalog.layers.find((l) => l.id === id)!;
const table = (id: string) => `${spec(id).table.schema}.${spec(id).table.name}`;
const current = (id: string) => (spec(id).temporal === 'versioned' ? 'upper_inf(valid)' : 'true');

/** Follows `next` links from `first` to the end; returns every feature and the pages. */
async function allPages(first: string): Promise<{ features: Feature[]; pages: Page[] }> {
  const pages: Page[] = [];
  let url: string | undefined = first;
  while (url) {
    const res: { status: number; type: string; body: Page } = await get<Page>(url);
    const { status, type, body } = res;
    expect(status, url).toBe(200);
    expect(type).toMatch(/^application\/geo\+json/);
    expect(body.numberReturned).toBe(body.features.length);
    pages.push(body);
    url = link(body.links, 'next')?.href;
    if (url) expect(url.startsWith(`${base}/`), url).toBe(true);
    expect(pages.length).toBeLessThan(1000);
  }
  return { features: pages.flatMap((p) => p.features), pages };
}

/** Every `href` anywhere in a JSON document. */
function hrefs(doc: unknown): string[] {
  if (Array.isArray(doc)) return doc.flatMap(hrefs);
  if (doc && typeof doc === 'object')
    return Object.entries(doc).flatMap(([k, v]) => (k === 'href' && typeof v === 'string' ? [v] : hrefs(v)));
  return [];
}

describe('landing page, conformance and API definition', () => {
  it.each([
    ['no Accept', {}, ''],
    ['Accept: */* (OWSLib)', { Accept: '*/*' }, ''],
    ['Accept: application/json', { Accept: 'application/json' }, ''],
    ['GDAL', { Accept: 'application/geo+json, application/json' }, ''],
    ['a browser asking f=json', { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }, '?f=json'],
  ])('answers JSON at / for %s', async (_name, headers, query) => {
    const { status, type, body } = await get(`/${query}`, headers);
    expect(status).toBe(200);
    expect(type).toMatch(/^application\/json/);
    const links = body.links as Link[];
    expect(link(links, 'service-desc')).toEqual(expect.objectContaining({ href: `${base}/api`, type: OPENAPI }));
    expect(link(links, 'conformance')).toEqual(expect.objectContaining({ href: `${base}/conformance`, type: 'application/json' }));
    expect(link(links, 'data')).toEqual(expect.objectContaining({ href: `${base}/collections`, type: 'application/json' }));
    expect(link(links, 'http://www.opengis.net/def/rel/ogc/1.0/data')?.href).toBe(`${base}/collections`);
  });

  it('declares core, GeoJSON and OpenAPI 3.0 conformance', async () => {
    const { status, type, body } = await get('/conformance');
    expect(status).toBe(200);
    expect(type).toMatch(/^application\/json/);
    expect(body.conformsTo).toEqual(
      expect.arrayContaining([
        'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core',
        'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson',
        'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30',
      ]),
    );
    // HTML is not served, so it must not be declared (it would oblige text/html alternates).
    expect(body.conformsTo).not.toContain('http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html');
  });

  it('serves an OpenAPI 3.0 document at /api with the OGC parameter shapes', async () => {
    const res = await fetch(`${base}/api`, { headers: { Accept: OPENAPI } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(OPENAPI);
    const doc = (await res.json()) as OpenApiDoc;
    expect(doc.openapi).toMatch(/^3\.0\.\d+$/);
    expect(doc.info.title).toBeTruthy();
    expect(doc.info.version).toBeTruthy();

    // Every $ref resolves inside the document.
    const resolve = (ref: string): unknown => ref.slice(2).split('/').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], doc);
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    for (const r of refs) expect(resolve(r.slice(8, -1)), r).toBeDefined();
    const deref = (p: OpenApiParameter) => (p.$ref ? (resolve(p.$ref) as OpenApiParameter) : p);

    for (const path of ['/', '/conformance', '/api', '/collections', '/collections/{collectionId}', '/collections/{collectionId}/items', '/collections/{collectionId}/items/{featureId}'])
      expect(doc.paths[path]?.get, path).toBeDefined();
    // f is declared on every operation, so ogc-client's f=json is never "unknown".
    // (OGC operations only: the platform's own routes, platform-openapi.ts, take f where they accept it.)
    for (const [path, item] of Object.entries(doc.paths).filter(([, i]) => i.get?.tags?.some((t) => ['Capabilities', 'Data', 'Tiles'].includes(t))))
      expect(item.get.parameters.map(deref).map((p) => p.name), path).toContain('f');

    const params = Object.fromEntries(doc.paths['/collections/{collectionId}/items']!.get.parameters.map(deref).map((p) => [p.name, p]));
    expect(params['bbox']).toMatchObject({ in: 'query', required: false, style: 'form', explode: false, schema: { type: 'array', minItems: 4, maxItems: 6, items: { type: 'number' } } });
    expect(params['limit']).toMatchObject({ in: 'query', required: false, style: 'form', explode: false, schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: 10 } });
    expect(params['datetime']).toMatchObject({ in: 'query', required: false, style: 'form', explode: false, schema: { type: 'string' } });
    expect(params['offset']).toMatchObject({ in: 'query', schema: { type: 'integer', minimum: 0 } });
    expect(params['collectionId']).toMatchObject({ in: 'path', required: true });
    expect([...(params['collectionId']?.schema.enum ?? [])].sort()).toEqual(publicLayers.map((l) => l.id).sort());
    // No free-form parameter: unknown parameters are errors (ETS /req/core/query-param-unknown).
    for (const p of Object.values(params)) expect(p.schema.additionalProperties, p.name).toBeUndefined();
    expect(Object.keys(doc.paths['/collections/{collectionId}/items']?.get.responses['200']?.content ?? {})).toEqual([GEOJSON]);
  });

  it('answers HEAD wherever GET answers', async () => {
    for (const path of ['/', '/conformance', '/api', '/collections', '/collections/rivers', '/collections/rivers/items?limit=2']) {
      const res = await fetch(`${base}${path}`, { method: 'HEAD', headers: { Accept: 'application/json' } });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toMatch(/json/);
    }
  });

  it('accepts f=json everywhere', async () => {
    const { rows } = await db.query<{ id: number }>('SELECT id FROM base.rivers ORDER BY id LIMIT 1');
    for (const path of ['/', '/conformance', '/api', '/collections', '/collections/rivers', '/collections/rivers/items', `/collections/rivers/items/${rows[0]!.id}`]) {
      const res = await fetch(`${base}${path}?f=json`);
      expect(res.status, path).toBe(200);
    }
  });
});

describe('collections', () => {
  it('lists every catalogued layer with an items link of type exactly application/geo+json', async () => {
    const { status, type, body } = await get<Collections>('/collections');
    expect(status).toBe(200);
    expect(type).toMatch(/^application\/json/);
    expect(link(body.links, 'self')).toEqual(expect.objectContaining({ href: `${base}/collections`, type: 'application/json' }));
    const ids = body.collections.map((c) => c.id);
    expect([...ids].sort()).toEqual(publicLayers.map((l) => l.id).sort());
    for (const c of body.collections) {
      expect(link(c.links, 'items')).toEqual(expect.objectContaining({ href: `${base}/collections/${c.id}/items`, type: GEOJSON }));
      expect(c.itemType).toBe('feature');
      expect(c.crs[0]).toBe(CRS84);
      expect(c.storageCrs).toBe('http://www.opengis.net/def/crs/EPSG/0/4490');
      expect(c.extent.spatial.crs).toBe(CRS84);
      expect(c.extent.spatial.bbox).toHaveLength(1);
      // A temporal extent exactly where time means something: the versioned layers.
      expect(c.extent.temporal !== undefined, c.id).toBe(spec(c.id).temporal === 'versioned');
    }
  });

  it('describes each collection with id, title, description and extent deep-equal to the list entry', async () => {
    const list = (await get<Collections>('/collections')).body.collections;
    for (const entry of list) {
      const { status, type, body } = await get<Collection>(`/collections/${entry.id}`);
      expect(status).toBe(200);
      expect(type).toMatch(/^application\/json/);
      for (const key of ['id', 'title', 'description', 'extent', 'crs', 'storageCrs', 'itemType']) expect(body[key], `${entry.id}.${key}`).toEqual(entry[key]);
      expect(link(body.links, 'self')).toEqual(expect.objectContaining({ href: `${base}/collections/${entry.id}`, type: 'application/json' }));
      expect(link(body.links, 'items')?.type).toBe(GEOJSON);
    }
  });

  it('gives spatial extents that hold the data and temporal extents from the first version', async () => {
    const list = (await get<Collections>('/collections')).body.collections;
    for (const c of list) {
      const s = spec(c.id);
      const { rows } = await db.query<{ w: number | null; s: number; e: number; n: number; start: Date | null }>(
        `SELECT ST_XMin(b) w, ST_YMin(b) s, ST_XMax(b) e, ST_YMax(b) n,
                ${s.temporal === 'versioned' ? `(SELECT min(lower(valid)) FROM ${table(c.id)})` : 'NULL::timestamptz'} AS start
           FROM (SELECT ST_Extent(geom)::geometry b FROM ${table(c.id)}) x`,
      );
      const r = rows[0]!;
      if (r.w === null) continue; // an empty layer: nothing to hold
      const [w, south, e, n] = c.extent.spatial.bbox[0] as [number, number, number, number];
      // ST_Extent is float4: allow its rounding, nothing more.
      expect(w).toBeLessThanOrEqual(r.w + 1e-4);
      expect(south).toBeLessThanOrEqual(r.s + 1e-4);
      expect(e).toBeGreaterThanOrEqual(r.e - 1e-4);
      expect(n).toBeGreaterThanOrEqual(r.n - 1e-4);
      expect(e - w).toBeLessThan(r.e - r.w + 1e-3);
      if (s.temporal === 'versioned' && r.start) {
        expect(Date.parse(c.extent.temporal?.interval[0]?.[0] ?? '')).toBe(Math.floor(r.start.getTime() / 1000) * 1000);
        expect(c.extent.temporal?.trs).toBe('http://www.opengis.net/def/uom/ISO-8601/0/Gregorian');
      }
    }
  });
});

describe('items', () => {
  it('returns a FeatureCollection in CRS84 with counts, timeStamp, links and one key set', async () => {
    for (const layer of publicLayers) {
      const { status, type, body } = await get<Page>(`/collections/${layer.id}/items?limit=50`);
      expect(status).toBe(200);
      expect(type).toMatch(/^application\/geo\+json/);
      expect(body.type).toBe('FeatureCollection');
      const expected = await scalar(`SELECT count(*) n FROM ${table(layer.id)} WHERE ${current(layer.id)}`);
      expect(body.numberMatched, layer.id).toBe(expected);
      expect(body.numberReturned).toBe(Math.min(50, expected));
      expect(Number.isNaN(Date.parse(body.timeStamp))).toBe(false);
      expect(link(body.links, 'self')?.type).toBe(GEOJSON);
      expect(link(body.links, 'next') !== undefined).toBe(expected > 50);
      const keys = layer.properties.map((p) => p.name).filter((k) => !droppedForPublic.get(layer.id)?.has(k));
      for (const f of body.features) {
        expect(f.type).toBe('Feature');
        expect(Object.keys(f.properties)).toEqual(keys);
        expect(f.geometry?.type).toBe(layer.table.geometryType);
        // lon/lat order, inside Taizhou's neighbourhood (never lat/lon, never a crs member)
        const [lon, lat] = JSON.stringify(f.geometry!.coordinates).match(/-?\d+(\.\d+)?/g)!.map(Number);
        expect(lon).toBeGreaterThan(118);
        expect(lon).toBeLessThan(124);
        expect(lat).toBeGreaterThan(26);
        expect(lat).toBeLessThan(31);
        expect(f.geometry).not.toHaveProperty('crs');
      }
    }
  });

  it('uses integer ids where the id column is integer (the fid on versioned layers), strings otherwise', async () => {
    const rivers = (await get<Page>('/collections/rivers/items?limit=5')).body;
    for (const f of rivers.features) expect(Number.isInteger(f.id)).toBe(true);
    const buildings = (await get<Page>('/collections/buildings/items?limit=5')).body;
    const { rows } = await db.query<{ fid: number }>('SELECT fid FROM base.buildings WHERE upper_inf(valid) ORDER BY fid LIMIT 5');
    expect(buildings.features.map((f) => f.id)).toEqual(rows.map((r) => r.fid));
    const districts = (await get<Page>('/collections/districts/items?limit=5')).body;
    for (const f of districts.features) {
      expect(typeof f.id).toBe('string');
      expect(f.id).toBe(f.properties['adcode']);
    }
  });

  it('keeps a null property as a null key', async () => {
    const { rows } = await db.query<{ fid: number }>(
      `UPDATE base.buildings SET name = NULL
        WHERE gid = (SELECT gid FROM base.buildings WHERE upper_inf(valid) ORDER BY fid LIMIT 1) RETURNING fid`,
    );
    const fid = rows[0]!.fid;
    const one = (await get<Feature>(`/collections/buildings/items/${fid}`)).body;
    expect(one.properties).toHaveProperty('name', null);
    const page = (await get<Page>('/collections/buildings/items?limit=1')).body;
    expect(page.features[0]!.id).toBe(fid);
    expect(page.features[0]!.properties).toHaveProperty('name', null);
  });

  it('pages buildings 10 000 at a time through next links: exactly numberMatched distinct ids', async () => {
    const expected = await scalar('SELECT count(*) n FROM base.buildings WHERE upper_inf(valid)');
    expect(expected).toBeGreaterThan(MAX_LIMIT); // the sample must make paging real
    const started = performance.now();
    const { features, pages } = await allPages(`${base}/collections/buildings/items?limit=${MAX_LIMIT}`);
    const ms = performance.now() - started;
    console.log(`[features] ${pages.length} pages of ≤${MAX_LIMIT} buildings: ${(ms / pages.length).toFixed(0)} ms per page (fetch + JSON.parse)`);
    expect(pages.length).toBe(Math.ceil(expected / MAX_LIMIT));
    for (const p of pages) expect(p.numberMatched).toBe(expected);
    const ids = new Set(features.map((f) => f.id));
    expect(ids.size).toBe(expected);
    expect(features.length).toBe(expected);
    // prev goes back one page
    expect(link(pages[1]!.links, 'prev')?.href).toBe(`${base}/collections/buildings/items?limit=${MAX_LIMIT}&offset=0`);
    expect(link(pages[0]!.links, 'prev')).toBeUndefined();
  });

  it('clamps a limit above the maximum instead of failing', async () => {
    const { status, body } = await get<Page>(`/collections/buildings/items?limit=${MAX_LIMIT * 3}`);
    expect(status).toBe(200);
    expect(body.numberReturned).toBe(MAX_LIMIT);
    expect(link(body.links, 'self')?.href).toContain(`limit=${MAX_LIMIT}&`);
    expect(link(body.links, 'next')?.href).toBe(`${base}/collections/buildings/items?limit=${MAX_LIMIT}&offset=${MAX_LIMIT}`);
  });

  it('selects by bbox exactly the features PostGIS says intersect it', async () => {
    // A 0.03° box around the median current building: dense but several pages.
    const { rows } = await db.query<{ x: number; y: number }>(
      `SELECT ST_X(c) x, ST_Y(c) y FROM (SELECT ST_PointOnSurface(geom) c FROM base.buildings WHERE upper_inf(valid)
        ORDER BY fid OFFSET (SELECT count(*) / 2 FROM base.buildings WHERE upper_inf(valid)) LIMIT 1) s`,
    );
    const { x, y } = rows[0]!;
    const box = [x - 0.015, y - 0.015, x + 0.015, y + 0.015];
    const { rows: expected } = await db.query<{ fid: number }>(
      `SELECT fid FROM base.buildings WHERE upper_inf(valid) AND ST_Intersects(geom, ST_MakeEnvelope($1, $2, $3, $4, 4490)) ORDER BY fid`,
      box,
    );
    expect(expected.length).toBeGreaterThan(10);
    const { features, pages } = await allPages(`${base}/collections/buildings/items?bbox=${box.join(',')}&limit=${Math.ceil(expected.length / 3)}`);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages[0]!.numberMatched).toBe(expected.length);
    expect(features.map((f) => f.id)).toEqual(expected.map((r) => r.fid));
    // bbox survives into next links
    expect(link(pages[0]!.links, 'next')?.href).toContain(`bbox=${box.join(',')}`);

    // GDAL's %.18g doubles and the 6-number form select the same set
    const g = box.map((v) => v.toPrecision(18));
    expect((await get<Page>(`/collections/buildings/items?bbox=${g.join(',')}&limit=1`)).body.numberMatched).toBe(expected.length);
    const six = [box[0], box[1], -100, box[2], box[3], 1000];
    expect((await get<Page>(`/collections/buildings/items?bbox=${six.join(',')}&limit=1`)).body.numberMatched).toBe(expected.length);
  });

  it('selects lines by their geometry, not only their bounding box', async () => {
    const expected = await scalar(
      `SELECT count(*) n FROM base.rivers WHERE ST_Intersects(geom, ST_MakeEnvelope(121.0, 28.5, 121.2, 28.7, 4490))`,
    );
    const byBox = await scalar(`SELECT count(*) n FROM base.rivers WHERE geom && ST_MakeEnvelope(121.0, 28.5, 121.2, 28.7, 4490)`);
    const { body } = await get<Page>('/collections/rivers/items?bbox=121.0,28.5,121.2,28.7');
    expect(body.numberMatched).toBe(expected);
    expect(body.numberMatched).toBeLessThanOrEqual(byBox);
  });

  it('handles a bbox crossing the antimeridian (minLon > maxLon)', async () => {
    // 121.3 → 180 and -180 → -170: everything east of 121.3.
    const expected = await scalar(
      `SELECT count(*) n FROM base.place_names WHERE ST_Intersects(geom, ST_MakeEnvelope(121.3, 27, 180, 30, 4490))
          OR ST_Intersects(geom, ST_MakeEnvelope(-180, 27, -170, 30, 4490))`,
    );
    expect(expected).toBeGreaterThan(0);
    const { status, body } = await get<Page>('/collections/place_names/items?bbox=121.3,27,-170,30&limit=1');
    expect(status).toBe(200);
    expect(body.numberMatched).toBe(expected);
    const far = await get<Page>('/collections/place_names/items?bbox=177,-10,-177,10');
    expect(far.status).toBe(200);
    expect(far.body.numberMatched).toBe(0);
    expect(far.body.features).toEqual([]);
  });

  it('lets every datetime match on a static layer, in every accepted form', async () => {
    const all = await scalar('SELECT count(*) n FROM base.rivers');
    for (const dt of ['2018-02-12T23:20:50Z', '2018-02-12', '2018-02-12/P2D', '2018-02-12T00:00:00Z/2018-03-18T12:31:12Z', '../2018-03-18T12:31:12Z', '2018-02-12T23:20:50Z/', '/2018-03-18T12:31:12Z']) {
      const { status, body } = await get<Page>(`/collections/rivers/items?datetime=${encodeURIComponent(dt)}`);
      expect(status, dt).toBe(200);
      expect(body.numberMatched, dt).toBe(all);
    }
  });

  it('serves one feature with self and collection links; 404 when absent', async () => {
    const { rows } = await db.query<{ id: number; name: string; grade: number; length_km: number }>('SELECT id, name, grade, length_km FROM base.rivers ORDER BY id DESC LIMIT 1');
    const r = rows[0]!;
    const { status, type, body } = await get<Feature>(`/collections/rivers/items/${r.id}`);
    expect(status).toBe(200);
    expect(type).toMatch(/^application\/geo\+json/);
    expect(body).toMatchObject({ type: 'Feature', id: r.id, properties: { name: r.name, grade: r.grade, length_km: r.length_km } });
    expect(link(body.links!, 'self')).toEqual(expect.objectContaining({ href: `${base}/collections/rivers/items/${r.id}`, type: GEOJSON }));
    expect(link(body.links!, 'collection')).toEqual(expect.objectContaining({ href: `${base}/collections/rivers`, type: 'application/json' }));

    const { rows: d } = await db.query<{ adcode: string }>('SELECT adcode FROM base.districts ORDER BY adcode LIMIT 1');
    expect((await get<Feature>(`/collections/districts/items/${d[0]!.adcode}`)).body.id).toBe(d[0]!.adcode);
  });
});

describe('errors: 4xx with a JSON problem body, never a 500', () => {
  it.each([
    ['/collections/buildings/items?unknownParam12345=1', 400, 'UnknownParameter'],
    ['/collections/buildings?bbox=1,2,3,4', 400, 'UnknownParameter'],
    ['/collections?limit=5', 400, 'UnknownParameter'],
    ['/?foo=bar', 400, 'UnknownParameter'],
    // bbox-crs is a parameter since OGC API – Features Part 2; without a bbox it is an invalid value.
    ['/collections/buildings/items?bbox-crs=EPSG:4490', 400, 'InvalidParameterValue'],
    ['/collections/buildings/items?limit=unlimited', 400, 'InvalidParameterValue'],
    ['/collections/buildings/items?limit=-1', 400, 'InvalidParameterValue'],
    ['/collections/buildings/items?limit=0', 400, 'InvalidParameterValue'],
    ['/collections/buildings/items?limit=2.5', 400, 'InvalidParameterValue'],
    ['/collections/buildings/items?limit=5&limit=6', 400, 'InvalidParameterValue'],
    ['/collections/buildings/items?offset=-1', 400, 'InvalidParameterValue'],
    ['/collections/buildings/items?bbox=1,2,3', 400, 'InvalidParameterValue'],
    ['/collections/buildings/items?bbox=a,b,c,d', 400, 'InvalidParameterValue'],
    ['/collections/buildings/items?bbox=0,91,1,92', 400, 'InvalidParameterValue'],
    ['/collections/buildings/items?bbox=120,29,121,28', 400, 'InvalidParameterValue'],
    ['/collections/buildings/items?bbox=', 400, 'InvalidParameterValue'],
    ['/collections/buildings/items?datetime=bogus', 400, 'InvalidParameterValue'],
    ['/collections/buildings/items?datetime=../..', 400, 'InvalidParameterValue'],
    ['/collections/buildings/items?datetime=2024-02-30T00:00:00Z', 400, 'InvalidParameterValue'],
    ['/collections/buildings/items?datetime=2024-05-02/2024-05-01', 400, 'InvalidParameterValue'],
    ['/collections/rivers/items?datetime=tomorrow', 400, 'InvalidParameterValue'],
    ['/collections/buildings/items/1?datetime=x', 400, 'InvalidParameterValue'],
    ['/collections/buildings/items/1?limit=1', 400, 'UnknownParameter'],
    ['/collections/buildings/items?f=html', 400, 'InvalidParameterValue'],
    ['/conformance?f=xml', 400, 'InvalidParameterValue'],
    ['/collections/no_such_layer', 404, 'NotFound'],
    ['/collections/no_such_layer/items', 404, 'NotFound'],
    ['/collections/buildings/items/999999999', 404, 'NotFound'],
    ['/collections/buildings/items/not-a-number', 404, 'NotFound'],
    ['/collections/buildings/items/99999999999999999999999', 404, 'NotFound'],
    ['/collections/districts/items/000000', 404, 'NotFound'],
    ["/collections/districts/items/x'%22%00", 404, 'NotFound'],
  ])('%s → %i %s', async (path, status, code) => {
    const res = await get(path);
    expect(res.status).toBe(status);
    expect(res.type).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code, status });
    expect(typeof res.body.description).toBe('string');
    expect(res.body.description.length).toBeGreaterThan(5);
    expect(res.type.startsWith(PROBLEM)).toBe(true);
  });
});

describe('links', () => {
  it('are absolute, from the public base URL, in every document', async () => {
    const { rows } = await db.query<{ fid: number }>('SELECT fid FROM base.roads WHERE upper_inf(valid) ORDER BY fid LIMIT 1');
    const docs = await Promise.all(
      ['/', '/conformance', '/collections', '/collections/roads', '/collections/roads/items?limit=3&offset=3&bbox=120,27,123,30', `/collections/roads/items/${rows[0]!.fid}`].map(
        async (p) => (await get(p)).body,
      ),
    );
    const all = docs.flatMap(hrefs);
    expect(all.length).toBeGreaterThan(20);
    for (const h of all) expect(h.startsWith(`${base}/`), h).toBe(true);
    const api = (await get('/api')).body;
    expect(api.servers[0]?.url).toBe(base);
  });
});
