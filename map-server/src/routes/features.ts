/**
 * OGC API – Features – Part 1 (Core, GeoJSON): landing page, conformance, collections, items
 * and single features for every catalogued layer (standards.md §1). Parse → call → respond:
 * the SQL lives in services/features-sql.ts, compiled once here at start-up.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import type { AppContext } from '../app-context.ts';
import { NotFoundError } from '../errors.ts';
import { pickParams } from '../query-params.ts';
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
} from '../services/features-documents.ts';
import { checkFormat, parseDatetime, parseItemsQuery } from '../services/features-params.ts';
import { readItem, readItems, temporalExtentReader } from '../services/features-service.ts';
import { compileFeaturePlans, type FeaturePlan } from '../services/features-sql.ts';

const ITEMS_PARAMS = ['limit', 'offset', 'bbox', 'datetime', 'f'] as const;
/** Integer ids that fit a bigint; anything else cannot name a feature of an integer-id layer. */
const INTEGER_ID = /^-?\d{1,18}$/;

export function featuresRoutes({ pool, plans, config }: AppContext): Router {
  const router = new Router();
  const base = config.publicBaseUrl;
  const featurePlans = compileFeaturePlans(plans.layers.values());
  const layers = [...featurePlans.values()].map((p) => p.layer);
  const temporalExtents = temporalExtentReader(pool, featurePlans);
  // Immutable for the life of the process: serialised once.
  const landing = JSON.stringify(landingPage(plans.catalog, base));
  const conformance = JSON.stringify(conformanceDocument());

  const planOf = (id: string): FeaturePlan => {
    const plan = featurePlans.get(id);
    if (!plan) throw new NotFoundError('NotFound', `no collection "${id}"; the collections are listed at ${base}/collections`);
    return plan;
  };
  const sendJson = (koa: Context, body: string) => {
    koa.type = JSON_TYPE;
    koa.body = body;
  };

  router.get('/', (koa) => {
    checkFormat(pickParams(koa.query, ['f']).f);
    sendJson(koa, landing);
  });

  router.get('/conformance', (koa) => {
    checkFormat(pickParams(koa.query, ['f']).f);
    sendJson(koa, conformance);
  });

  router.get('/collections', async (koa) => {
    checkFormat(pickParams(koa.query, ['f']).f);
    sendJson(koa, JSON.stringify(collectionsDocument(layers, base, await temporalExtents())));
  });

  router.get('/collections/:collectionId', async (koa) => {
    const plan = planOf(koa.params['collectionId']!);
    checkFormat(pickParams(koa.query, ['f']).f);
    const temporal = (await temporalExtents()).get(plan.layer.spec.id);
    sendJson(koa, JSON.stringify(collectionDocument(plan.layer, base, temporal)));
  });

  router.get('/collections/:collectionId/items', async (koa) => {
    const plan = planOf(koa.params['collectionId']!);
    const query = parseItemsQuery(pickParams(koa.query, ITEMS_PARAMS), config.featuresMaxLimit);
    const timeStamp = new Date().toISOString();
    const page = await readItems(pool, plan, query);
    koa.type = GEOJSON_TYPE;
    koa.body = featureCollectionText(page, itemsLinks(base, plan.layer.spec.id, query, page.numberMatched, page.numberReturned), timeStamp);
  });

  router.get('/collections/:collectionId/items/:featureId', async (koa) => {
    const plan = planOf(koa.params['collectionId']!);
    const featureId = koa.params['featureId']!;
    const q = pickParams(koa.query, ['datetime', 'f']);
    checkFormat(q.f, ['json', 'geojson']);
    const time = q.datetime !== undefined ? parseDatetime(q.datetime) : undefined;
    const notFound = () => new NotFoundError('NotFound', `collection "${plan.layer.spec.id}" has no feature "${featureId.slice(0, 80)}"${q.datetime !== undefined ? ` at ${q.datetime}` : ''}`);
    if (plan.layer.idIsInteger ? !INTEGER_ID.test(featureId) : featureId.includes('\u0000')) throw notFound();
    const found = await readItem(pool, plan, featureId, time);
    if (found === undefined) throw notFound();
    // The version id of a versioned feature is its ETag: editors send it back in If-Match.
    if (found.version !== undefined) koa.set('ETag', `"${found.version}"`);
    koa.type = GEOJSON_TYPE;
    koa.body = featureText(found.feature, featureLinks(base, plan.layer.spec.id, featureId, q.datetime));
  });

  return router;
}
