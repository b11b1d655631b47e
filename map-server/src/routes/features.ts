/**
 * OGC API – Features – Part 1 (Core, GeoJSON): landing page, conformance, collections, items
 * and single features for every catalogued layer (standards.md §1). Parse → call → respond:
 * the SQL lives in services/features-sql.ts, compiled once here at start-up.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import type { AppContext } from '../app-context.ts';
import { AppError, NotFoundError } from '../errors.ts';
import { pickParams } from '../query-params.ts';
import { CRS84, parseCrs } from '../services/crs.ts';
import {
  collectionDocument,
  collectionsDocument,
  conformanceDocument,
  featureCollectionText,
  featureLinks,
  featureText,
  GEOJSON_TYPE,
  itemsLinks,
  JSON_TYPE,
  landingPage,
  SCHEMA_TYPE,
} from '../services/features-documents.ts';
import { checkFormat, ITEMS_PARAMS, parseDatetime, parseItemsQuery, parseProperties, propertyParams } from '../services/features-params.ts';
import { queryablesDocument } from '../services/features-queryables.ts';
import { readItem, readItems, temporalExtentReader } from '../services/features-service.ts';
import type { FeaturePlan } from '../services/features-sql.ts';
import { noteAccess, viewOf } from '../middleware/security.ts';
import { coarsenedCrs, coarseningOf, featurePlanOf } from '../services/secure-plans.ts';
/** Integer ids that fit a bigint; anything else cannot name a feature of an integer-id layer. */
const INTEGER_ID = /^-?\d{1,18}$/;

/**
 * Content negotiation without `f` (standards.md §0.3): JSON is served to `*\/*`, JSON and
 * GeoJSON Accepts; an Accept that admits none of them (say `text/html` alone) is a 406.
 * `f` overrides Accept, as clients such as ogc-client send `f=json` with any Accept.
 */
export function negotiate(koa: Context, f: string | undefined, types: readonly string[]): void {
  if (f !== undefined || !koa.get('Accept')) return;
  if (!koa.accepts([...types])) throw new AppError(406, 'NotAcceptable', `this resource is served as ${types.join(' or ')}; the Accept header admits none of them`);
}

export function featuresRoutes({ pool, plans, config }: AppContext): Router {
  const router = new Router();
  const base = config.publicBaseUrl;
  // Collections keep the catalogue's order whatever the view.
  const order = new Map(plans.catalog.layers.map((l, i) => [l.id, i]));
  const featurePlans = new Map([...plans.layers.values()].map((l) => [l.spec.id, featurePlanOf(l)]));
  const temporalExtents = temporalExtentReader(pool, featurePlans);
  // Immutable for the life of the process: serialised once.
  const landing = JSON.stringify(landingPage(plans.catalog, base));
  const conformance = JSON.stringify(conformanceDocument());

  /** The collection as the caller may see it; one it may not see is missing, with the same message. */
  const planOf = (koa: Context, id: string): FeaturePlan => {
    const layer = viewOf(koa).layers.get(id);
    if (!layer) throw new NotFoundError('NotFound', `no collection "${id}"; the collections are listed at ${base}/collections`);
    noteAccess(koa, [layer.spec]);
    return featurePlanOf(layer);
  };
  const sendJson = (koa: Context, body: string) => {
    koa.type = JSON_TYPE;
    koa.body = body;
  };

  /** `?f=json` or no `f`, and an Accept that admits JSON. */
  const jsonOnly = (koa: Context) => {
    const { f } = pickParams(koa.query, ['f']);
    checkFormat(f);
    negotiate(koa, f, [JSON_TYPE]);
  };

  router.get('/', (koa) => {
    jsonOnly(koa);
    sendJson(koa, landing);
  });

  router.get('/conformance', (koa) => {
    jsonOnly(koa);
    sendJson(koa, conformance);
  });

  router.get('/collections', async (koa) => {
    jsonOnly(koa);
    sendJson(koa, JSON.stringify(collectionsDocument(viewOf(koa).ordered.slice().sort((a, b) => order.get(a.spec.id)! - order.get(b.spec.id)!), base, await temporalExtents())));
  });

  router.get('/collections/:collectionId', async (koa) => {
    const plan = planOf(koa, koa.params['collectionId']!);
    jsonOnly(koa);
    const temporal = (await temporalExtents()).get(plan.layer.spec.id);
    sendJson(koa, JSON.stringify(collectionDocument(plan.layer, base, temporal)));
  });

  router.get('/collections/:collectionId/queryables', (koa) => {
    const plan = planOf(koa, koa.params['collectionId']!);
    const { f } = pickParams(koa.query, ['f']);
    checkFormat(f, ['json', 'schema+json']);
    negotiate(koa, f, [SCHEMA_TYPE, JSON_TYPE]);
    koa.type = SCHEMA_TYPE;
    koa.body = JSON.stringify(queryablesDocument(plan.layer.spec, base));
  });

  router.get('/collections/:collectionId/items', async (koa) => {
    const plan = planOf(koa, koa.params['collectionId']!);
    const raw = pickParams(koa.query, [...ITEMS_PARAMS, ...propertyParams(plan.layer.spec)]);
    const parsed = parseItemsQuery(raw, config.featuresMaxLimit, plan.layer.spec);
    const query = coarseningOf(plan.layer) ? { ...parsed, crs: coarsenedCrs(plan.layer, parsed.crs ?? CRS84) } : parsed;
    negotiate(koa, raw.f, [GEOJSON_TYPE, JSON_TYPE]);
    const timeStamp = new Date().toISOString();
    const page = await readItems(pool, plan, query);
    koa.set('Content-Crs', `<${(query.crs ?? CRS84).uri}>`);
    koa.type = GEOJSON_TYPE;
    koa.body = featureCollectionText(page, itemsLinks(base, plan.layer.spec.id, query, page.numberMatched, page.numberReturned), timeStamp);
  });

  router.get('/collections/:collectionId/items/:featureId', async (koa) => {
    const plan = planOf(koa, koa.params['collectionId']!);
    const featureId = koa.params['featureId']!;
    const q = pickParams(koa.query, ['datetime', 'crs', 'properties', 'f']);
    checkFormat(q.f, ['json', 'geojson']);
    negotiate(koa, q.f, [GEOJSON_TYPE, JSON_TYPE]);
    const time = q.datetime !== undefined ? parseDatetime(q.datetime) : undefined;
    const crs = coarsenedCrs(plan.layer, parseCrs(q.crs, 'crs'));
    const properties = q.properties !== undefined ? parseProperties(q.properties, plan.layer.spec) : undefined;
    const notFound = () => new NotFoundError('NotFound', `collection "${plan.layer.spec.id}" has no feature "${featureId.slice(0, 80)}"${q.datetime !== undefined ? ` at ${q.datetime}` : ''}`);
    if (plan.layer.idIsInteger ? !INTEGER_ID.test(featureId) : featureId.includes('\u0000')) throw notFound();
    const found = await readItem(pool, plan, featureId, time, { crs, ...(properties ? { properties } : {}) });
    if (found === undefined) throw notFound();
    // The version id of a versioned feature is its ETag: editors send it back in If-Match.
    if (found.version !== undefined) koa.set('ETag', `"${found.version}"`);
    koa.set('Content-Crs', `<${crs.uri}>`);
    koa.type = GEOJSON_TYPE;
    koa.body = featureText(found.feature, featureLinks(base, plan.layer.spec.id, featureId, q.datetime, crs));
  });

  return router;
}
