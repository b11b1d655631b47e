/**
 * Planning "one map" (issue #9 part A): 合规性审查 (compliance review) of a site against the
 * 三区三线 and 控规 layers, its stored results and printable reports, and the code lists.
 * Parse → call → respond; running a review stores it, so it needs an API token.
 */
import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type { Context } from 'koa';
import type { AppContext } from '../app-context.ts';
import { AppError, BadRequestError, NotFoundError } from '../errors.ts';
import { parseInstant, pickParams } from '../query-params.ts';
import { authenticate } from '../services/auth-tokens.ts';
import { parseCrs } from '../services/crs.ts';
import { loadReview, runReview } from '../services/planning/compliance-review.ts';
import { renderReportHtml } from '../services/planning/report-html.ts';
import { renderPdf } from '../services/planning/report-pdf.ts';
import { parseGeoJsonSite, parseShapefileSite } from '../services/planning/site-input.ts';

/** Largest zipped Shapefile accepted. */
const MAX_ZIP_BYTES = 20 * 1024 * 1024;

async function readRaw(koa: Context, limit: number): Promise<Buffer> {
  const declared = Number(koa.get('Content-Length') || 0);
  if (declared > limit) throw new AppError(413, 'PayloadTooLarge', `上传文件超过 ${limit / 1024 / 1024} MB / the upload is larger than ${limit / 1024 / 1024} MB`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of koa.req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new AppError(413, 'PayloadTooLarge', `上传文件超过 ${limit / 1024 / 1024} MB / the upload is larger than ${limit / 1024 / 1024} MB`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseNumberParam(text: string | undefined, name: string, min: number, max: number, fallback: number): number {
  if (text === undefined) return fallback;
  const v = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!(v >= min && v <= max)) throw new BadRequestError(`${name} 必须是 ${min}–${max} 之间的数 / ${name} must be a number from ${min} to ${max}`, { parameter: name });
  return v;
}

function parseId(text: string | undefined): number {
  if (!text || !/^\d{1,15}$/.test(text)) throw new BadRequestError('id 必须是数字 / id must be numeric', { parameter: 'id' });
  return Number(text);
}

export function planningRoutes({ pool, plans, config }: AppContext): Router {
  const router = new Router({ prefix: '/planning' });
  const parseJson = bodyParser({ enableTypes: ['json'], extendTypes: { json: ['application/json', 'application/geo+json'] }, jsonLimit: '10mb' });
  const base = config.publicBaseUrl.replace(/\/$/, '');

  const get = async (id: number) => {
    const review = await loadReview(pool, id);
    if (!review) throw new NotFoundError('NotFound', `审查记录 ${id} 不存在 / review ${id} not found`);
    return review;
  };
  const links = (id: number) => ({ self: `${base}/planning/reviews/${id}`, html: `${base}/planning/reviews/${id}/report.html`, pdf: `${base}/planning/reviews/${id}/report.pdf` });

  // Body: GeoJSON (application/json, application/geo+json) or a zipped Shapefile (application/zip).
  router.post('/reviews', async (koa, next) => {
    if (koa.is('application/zip', 'application/x-zip-compressed')) return next();
    if (!koa.is('application/json', 'application/geo+json'))
      throw new AppError(415, 'UnsupportedMediaType', '请以 GeoJSON (application/geo+json) 或 zip 压缩的 Shapefile (application/zip) 上传 / send GeoJSON or a zipped Shapefile (application/zip)');
    return parseJson(koa, next);
  }, async (koa) => {
    const q = pickParams(koa.query, ['crs', 'datetime', 'tolerance_m2', 'tolerance_pct']);
    const actor = await authenticate(pool, koa.get('Authorization') || undefined);
    const crs = q.crs === undefined ? undefined : parseCrs(q.crs, 'crs');
    const asOfMs = q.datetime === undefined ? Date.now() : parseInstant(q.datetime);
    const toleranceM2 = parseNumberParam(q.tolerance_m2, 'tolerance_m2', 0, 10_000, 1);
    const tolerancePct = parseNumberParam(q.tolerance_pct, 'tolerance_pct', 0, 5, 0.1);
    const site = koa.is('application/zip', 'application/x-zip-compressed')
      ? await parseShapefileSite(await readRaw(koa, MAX_ZIP_BYTES), crs)
      : parseGeoJsonSite(koa.request.body, crs);
    const result = await runReview(pool, plans, site, { asOfMs, toleranceM2, tolerancePct, actor: actor.name });
    koa.status = 201;
    koa.set('Location', links(result.id).self);
    koa.body = { ...result, links: links(result.id) };
  });

  router.get('/reviews/:id', async (koa) => {
    pickParams(koa.query, []);
    const id = parseId(koa.params['id']);
    const { result, site } = await get(id);
    koa.body = { ...result, siteGeometry: site, links: links(id) };
  });

  router.get('/reviews/:id/report.html', async (koa) => {
    pickParams(koa.query, []);
    const id = parseId(koa.params['id']);
    const { result, mapSvg } = await get(id);
    koa.type = 'text/html; charset=utf-8';
    koa.body = renderReportHtml(result, mapSvg, { json: links(id).self, pdf: links(id).pdf });
  });

  router.get('/reviews/:id/report.pdf', async (koa) => {
    pickParams(koa.query, []);
    const id = parseId(koa.params['id']);
    const { result, mapSvg } = await get(id);
    const pdf = await renderPdf(renderReportHtml(result, mapSvg));
    koa.type = 'application/pdf';
    koa.set('Content-Disposition', `inline; filename="compliance-review-${id}.pdf"`);
    koa.body = pdf;
  });

  // Code lists (data, with source and verified) and the plan editions.
  router.get('/landuse-codes', async (koa) => {
    pickParams(koa.query, []);
    const codes = await pool.query('SELECT system, code, name, name_en AS "nameEn", parent, level, color, source, verified FROM planning.landuse_codes ORDER BY system, code');
    const crosswalk = await pool.query('SELECT gb50137_code AS "gb50137", ydyh2023_code AS "ydyh2023", exact, note, source, verified FROM planning.landuse_crosswalk ORDER BY 1, 2');
    koa.body = { codes: codes.rows, crosswalk: crosswalk.rows };
  });

  router.get('/versions', async (koa) => {
    pickParams(koa.query, []);
    const { rows } = await pool.query(
      `SELECT id, family, name, name_en AS "nameEn", approval_no AS "approvalNo", to_char(approved_on, 'YYYY-MM-DD') AS "approvedOn", effective_from AS "effectiveFrom"
         FROM planning.plan_versions ORDER BY family, effective_from`,
    );
    koa.body = { versions: rows };
  });

  return router;
}
