/**
 * OGC API – Features Part 4 (create, replace, update, delete) on editable layers, and each
 * feature's version history. Writers authenticate with a bearer token; every write keeps the
 * previous version and is audited. Parse → call → respond.
 */
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { AppContext } from '../app-context.ts';
import { AppError, BadRequestError, NotFoundError } from '../errors.ts';
import { pickParams } from '../query-params.ts';
import { authenticate, AuthError } from '../services/auth-tokens.ts';
import { noteAccess, viewOf } from '../middleware/security.ts';
import { featureLinks, featureText, GEOJSON_TYPE } from '../services/features-documents.ts';
import { readItem } from '../services/features-service.ts';
import { compileFeaturePlans } from '../services/features-sql.ts';
import { parseFeatureInput, parseFeaturePatch } from '../services/edit-input.ts';
import { compileEditSql } from '../services/edit-sql.ts';
import { createFeature, deleteFeature, featureHistory, replaceFeature, updateFeature, type EditContext } from '../services/edit-service.ts';

/** A feature write is one feature: 5 MB of GeoJSON is ~250,000 vertices, beyond any real edit. */
const BODY_LIMIT = '5mb';
const FID = /^\d{1,15}$/;

class MethodNotAllowedError extends AppError {
  override readonly name = 'MethodNotAllowedError';
  constructor(message: string) {
    super(405, 'MethodNotAllowed', message);
  }
}

export function editRoutes({ pool, plans, config, tileCache }: AppContext): Router {
  const router = new Router();
  const base = config.publicBaseUrl;
  const featurePlans = compileFeaturePlans(plans.layers.values());
  const editSql = new Map([...plans.layers.values()].filter((p) => p.spec.editable).map((p) => [p.spec.id, compileEditSql(p.spec)]));
  const parseBody = bodyParser({
    enableTypes: ['json'],
    // The package merges this list into its defaults index by index (lodash.merge), so
    // application/json must be listed first or it is overwritten.
    extendTypes: { json: ['application/json', 'application/geo+json', 'application/merge-patch+json'] },
    jsonLimit: BODY_LIMIT,
    encoding: 'utf-8',
  });

  /** The collection as the caller may see it; one it may not see is missing, with the same message. */
  const layerOf = (koa: Context) => {
    const id = koa.params['collectionId']!;
    const plan = viewOf(koa).layers.get(id);
    if (!plan) throw new NotFoundError('NotFound', `no collection "${id}"`);
    noteAccess(koa, [plan.spec]);
    return plans.layers.get(id)!;
  };
  const editable = (koa: Context) => {
    const plan = layerOf(koa);
    const sql = editSql.get(plan.spec.id);
    if (!sql) throw new MethodNotAllowedError(`collection "${plan.spec.id}" is read-only`);
    return { plan, sql };
  };
  const fidOf = (koa: Context) => {
    const text = koa.params['featureId']!;
    if (!FID.test(text)) throw new NotFoundError('NotFound', `no feature "${text.slice(0, 40)}"`);
    return Number(text);
  };
  const context = async (koa: Context): Promise<EditContext> => {
    const { plan, sql } = editable(koa);
    const actor = await authenticate(pool, koa.get('Authorization') || undefined);
    // Department ownership: an editor of a department writes only that department's layers
    // (administrators and department-less API tokens write any editable layer).
    if (actor.role !== 'admin' && actor.department && actor.department !== plan.spec.owner.code)
      throw new AuthError(403, `图层 ${plan.spec.id} 由 ${plan.spec.owner.title.zh} 维护 / layer ${plan.spec.id} is maintained by ${plan.spec.owner.title.en}`);
    const q = pickParams(koa.query, ['comment']);
    if (q.comment && q.comment.length > 500) throw new BadRequestError('comment is limited to 500 characters');
    if (koa.method !== 'DELETE' && !koa.is('application/json', 'application/geo+json', 'application/merge-patch+json'))
      throw new AppError(415, 'UnsupportedMediaType', 'send the feature as application/geo+json (or application/merge-patch+json for PATCH)');
    return { pool, cache: tileCache, plan, sql, actor, comment: q.comment, requestId: String(koa.state['requestId'] ?? ''), clientIp: koa.ip || undefined };
  };
  const respondFeature = async (koa: Context, layerId: string, fid: number, gid: number) => {
    const found = await readItem(pool, featurePlans.get(layerId)!, String(fid), undefined);
    koa.set('ETag', `"${gid}"`);
    koa.type = GEOJSON_TYPE;
    koa.body = featureText(found!.feature, featureLinks(base, layerId, String(fid), undefined));
  };

  router.post('/collections/:collectionId/items', parseBody, async (koa) => {
    const e = await context(koa);
    const r = await createFeature(e, parseFeatureInput(e.plan.spec, koa.request.body));
    koa.status = 201;
    koa.set('Location', `${base}/collections/${e.plan.spec.id}/items/${r.fid}`);
    await respondFeature(koa, e.plan.spec.id, r.fid, r.gid!);
    koa.status = 201;
  });

  router.put('/collections/:collectionId/items/:featureId', parseBody, async (koa) => {
    const e = await context(koa);
    const fid = fidOf(koa);
    const r = await replaceFeature(e, fid, koa.get('If-Match') || undefined, parseFeatureInput(e.plan.spec, koa.request.body));
    await respondFeature(koa, e.plan.spec.id, fid, r.gid!);
  });

  router.patch('/collections/:collectionId/items/:featureId', parseBody, async (koa) => {
    const e = await context(koa);
    const fid = fidOf(koa);
    const r = await updateFeature(e, fid, koa.get('If-Match') || undefined, parseFeaturePatch(e.plan.spec, koa.request.body));
    await respondFeature(koa, e.plan.spec.id, fid, r.gid!);
  });

  router.delete('/collections/:collectionId/items/:featureId', async (koa) => {
    const e = await context(koa);
    await deleteFeature(e, fidOf(koa), koa.get('If-Match') || undefined);
    koa.status = 204;
  });

  router.get('/collections/:collectionId/items/:featureId/history', async (koa) => {
    const plan = layerOf(koa);
    pickParams(koa.query, ['f']);
    if (plan.spec.temporal !== 'versioned') throw new NotFoundError('NotFound', `collection "${plan.spec.id}" keeps no history (it is not versioned)`);
    const sql = editSql.get(plan.spec.id) ?? compileEditSql(plan.spec);
    const fid = fidOf(koa);
    const versions = await featureHistory(pool, sql, fid);
    if (!versions.length) throw new NotFoundError('NotFound', `collection "${plan.spec.id}" has no feature ${fid}`);
    koa.type = 'application/json';
    koa.body = {
      collection: plan.spec.id,
      featureId: fid,
      versions,
      links: [
        { rel: 'self', type: 'application/json', href: `${base}/collections/${plan.spec.id}/items/${fid}/history` },
        { rel: 'item', type: GEOJSON_TYPE, href: `${base}/collections/${plan.spec.id}/items/${fid}` },
      ],
    };
  });

  return router;
}
