/**
 * Change reports (地理国情监测) between two moments: features added, removed and changed in a
 * versioned layer, and class-to-class transition matrices (land cover) with areas on the
 * ellipsoid. Parse → call → respond; SQL compiled at boot in services/change-sql.ts.
 */
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { AppContext } from '../app-context.ts';
import { noteAccess, viewOf } from '../middleware/security.ts';
import type { LayerPlan } from '../services/layer-plans.ts';
import { BadRequestError, NotFoundError } from '../errors.ts';
import { parseInstant, pickParams } from '../query-params.ts';
import { compileChangeSql, compileTransitionSql } from '../services/change-sql.ts';
import { parseBbox } from '../services/features-params.ts';
import { isGeometryObject } from 'geojson-validation';

const MAX_LIMIT = 20_000;

/** A bare year means mid-year in Asia/Shanghai: inside every survey snapshot of that year. */
function parseMoment(text: string | undefined, name: string): number {
  if (text === undefined) throw new BadRequestError(`${name} is required (a year such as 2019, a date, or an RFC 3339 date-time)`);
  if (/^\d{4}$/.test(text)) return Date.parse(`${text}-07-01T00:00:00+08:00`);
  return parseInstant(text, name);
}

interface ReportArgs {
  from: number;
  to: number;
  area: string | undefined;
  limit: number;
}

function checkOrder(from: number, to: number): void {
  if (!(from < to)) throw new BadRequestError('from must be earlier than to');
}

export function changeRoutes({ pool, plans }: AppContext): Router {
  const router = new Router();
  const versioned = [...plans.layers.values()].filter((p) => p.spec.temporal === 'versioned');
  const changeSql = new Map(versioned.map((p) => [p.spec.id, compileChangeSql(p.spec)]));
  const transitionSql = new Map(versioned.flatMap((p) => {
    const s = compileTransitionSql(p.spec);
    return s ? [[p.spec.id, s] as const] : [];
  }));
  const parseBody = bodyParser({ enableTypes: ['json'], extendTypes: { json: ['application/json', 'application/geo+json'] }, jsonLimit: '2mb' });

  // Desensitised variants (secure-plans.ts) get their own statements, compiled on first use.
  const variantSql = new WeakMap<LayerPlan, ReturnType<typeof compileChangeSql>>();
  const changeSqlOf = (plan: LayerPlan) => {
    if (plan === plans.layers.get(plan.spec.id)) return changeSql.get(plan.spec.id)!;
    let sql = variantSql.get(plan);
    if (!sql) variantSql.set(plan, (sql = compileChangeSql(plan.spec)));
    return sql;
  };
  /** The layer as the caller may see it; one it may not see is missing, with the same message. */
  const layerOf = (koa: Context) => {
    const id = koa.params['layerId']!;
    const plan = viewOf(koa).layers.get(id);
    if (!plan) throw new NotFoundError('NotFound', `no layer "${id}"`);
    if (plan.spec.temporal !== 'versioned') throw new NotFoundError('NotVersioned', `layer "${id}" keeps no history, so it has no changes to report`);
    noteAccess(koa, [plan.spec]);
    return plan;
  };
  const fromQuery = (koa: Context): ReportArgs => {
    const q = pickParams(koa.query, ['from', 'to', 'bbox', 'limit']);
    const from = parseMoment(q.from, 'from');
    const to = parseMoment(q.to, 'to');
    checkOrder(from, to);
    const limit = q.limit === undefined ? 5000 : Number(q.limit);
    if (!Number.isInteger(limit) || limit < 0 || limit > MAX_LIMIT) throw new BadRequestError(`limit must be an integer 0..${MAX_LIMIT}`);
    let area: string | undefined;
    if (q.bbox !== undefined) {
      const b = parseBbox(q.bbox);
      if (b.minLon > b.maxLon) throw new BadRequestError('bbox across the antimeridian is not supported for change reports');
      area = JSON.stringify({ type: 'Polygon', coordinates: [[[b.minLon, b.minLat], [b.maxLon, b.minLat], [b.maxLon, b.maxLat], [b.minLon, b.maxLat], [b.minLon, b.minLat]]] });
    }
    return { from, to, area, limit };
  };
  const fromBody = (koa: Context): ReportArgs => {
    pickParams(koa.query, []);
    const body = koa.request.body as { from?: unknown; to?: unknown; area?: unknown; limit?: unknown } | undefined;
    if (!body || typeof body !== 'object') throw new BadRequestError('send {"from": …, "to": …, "area": GeoJSON Polygon or MultiPolygon}');
    const from = parseMoment(body.from === undefined ? undefined : String(body.from), 'from');
    const to = parseMoment(body.to === undefined ? undefined : String(body.to), 'to');
    checkOrder(from, to);
    const errors = body.area === undefined ? ['area is required'] : isGeometryObject(body.area, true);
    const type = (body.area as { type?: string } | undefined)?.type;
    if (errors.length || (type !== 'Polygon' && type !== 'MultiPolygon')) throw new BadRequestError(`area must be a GeoJSON Polygon or MultiPolygon in CRS84${errors.length ? `: ${errors.slice(0, 3).join('; ')}` : ''}`, { property: 'area' });
    const limit = body.limit === undefined ? 5000 : Number(body.limit);
    if (!Number.isInteger(limit) || limit < 0 || limit > MAX_LIMIT) throw new BadRequestError(`limit must be an integer 0..${MAX_LIMIT}`);
    return { from, to, area: JSON.stringify(body.area), limit };
  };
  const values = (a: ReportArgs) => [new Date(a.from).toISOString(), new Date(a.to).toISOString(), a.limit, ...(a.area ? [a.area] : [])];

  const report = async (koa: Context, a: ReportArgs) => {
    const plan = layerOf(koa);
    const sql = changeSqlOf(plan);
    const { rows } = await pool.query<{ added: number; removed: number; changed: number; geometry_changed: number; features: string }>(
      a.area ? sql.area : sql.everywhere,
      values(a),
    );
    const r = rows[0]!;
    const total = r.added + r.removed + r.changed;
    koa.type = 'application/json';
    koa.body = `{"layer":${JSON.stringify(plan.spec.id)},"from":"${new Date(a.from).toISOString()}","to":"${new Date(a.to).toISOString()}","summary":${JSON.stringify({ added: r.added, removed: r.removed, changed: r.changed, geometryChanged: r.geometry_changed })},"truncated":${total > a.limit},"features":{"type":"FeatureCollection","features":[${r.features}]}}`;
  };

  const transitions = async (koa: Context, a: ReportArgs) => {
    const plan = layerOf(koa);
    const sql = transitionSql.get(plan.spec.id);
    if (!sql) throw new NotFoundError('NoClasses', `layer "${plan.spec.id}" has no classified polygons to build a transition matrix from`);
    const { rows } = await pool.query<{ matrix: string; patches: string }>(a.area ? sql.area : sql.everywhere, values(a));
    const matrix = JSON.parse(rows[0]!.matrix) as { from: string; to: string; hectares: number }[];
    const sum = (xs: typeof matrix) => Math.round(xs.reduce((s, m) => s + m.hectares, 0) * 1e4) / 1e4;
    const classes = plan.spec.style.classify!.classes.map((c) => ({ code: String(c.value), name: c.title }));
    koa.type = 'application/json';
    koa.body = `{"layer":${JSON.stringify(plan.spec.id)},"from":"${new Date(a.from).toISOString()}","to":"${new Date(a.to).toISOString()}","classProperty":${JSON.stringify(sql.classProperty)},"areaMethod":"ellipsoidal: ST_Area(geography) on the CGCS2000 (GRS80) ellipsoid","totalHectares":${sum(matrix)},"changedHectares":${sum(matrix.filter((m) => m.from !== m.to))},"classes":${JSON.stringify(classes)},"matrix":${JSON.stringify(matrix)},"patches":{"type":"FeatureCollection","features":[${rows[0]!.patches}]}}`;
  };

  router.get('/changes/:layerId/transitions', (koa) => transitions(koa, fromQuery(koa)));
  router.post('/changes/:layerId/transitions', parseBody, (koa) => transitions(koa, fromBody(koa)));
  router.get('/changes/:layerId', (koa) => report(koa, fromQuery(koa)));
  router.post('/changes/:layerId', parseBody, (koa) => report(koa, fromBody(koa)));
  return router;
}
