/**
 * Open-data export: `/collections/{id}/export?f=geojson|csv|gpkg` with the filters of the items
 * endpoint (bbox, bbox-crs, datetime, filter, filter-lang, filter-crs, crs, properties, sortby,
 * `encoding=gbk` for zipped Shapefiles,
 * queryable parameters). Parse → call → respond; the rows stream from a cursor.
 */
import Router from '@koa/router';
import type { AppContext } from '../app-context.ts';
import { BadRequestError, NotFoundError } from '../errors.ts';
import { pickParams } from '../query-params.ts';
import { CRS84 } from '../services/crs.ts';
import { CSV_TYPE, GEOJSON_TYPE, GPKG_TYPE, SHP_ZIP_TYPE } from '../services/features-documents.ts';
import { ITEMS_PARAMS, parseItemsQuery, propertyParams } from '../services/features-params.ts';
import { noteAccess, viewOf } from '../middleware/security.ts';
import { coarsenedCrs, coarseningOf, featurePlanOf } from '../services/secure-plans.ts';
import { exportFeatures } from '../services/export-service.ts';
import type { CsvGeometry, ExportFormat } from '../services/export-sql.ts';

export const EXPORT_PARAMS = [...ITEMS_PARAMS.filter((p) => p !== 'limit' && p !== 'offset'), 'geometry', 'encoding'] as const;
const FORMATS: Record<ExportFormat, { type: string; extension: string }> = {
  geojson: { type: GEOJSON_TYPE, extension: 'geojson' },
  csv: { type: `${CSV_TYPE}; charset=utf-8`, extension: 'csv' },
  gpkg: { type: GPKG_TYPE, extension: 'gpkg' },
  shp: { type: SHP_ZIP_TYPE, extension: 'shp.zip' },
};

export function exportRoutes({ pool, config }: AppContext): Router {
  const router = new Router();

  router.get('/collections/:collectionId/export', async (koa) => {
    const id = koa.params['collectionId']!;
    // A layer the caller may not see is missing, with the same message (secure-plans.ts).
    const layer = viewOf(koa).layers.get(id);
    if (!layer) throw new NotFoundError('NotFound', `no collection "${id}"; the collections are listed at ${config.publicBaseUrl}/collections`);
    noteAccess(koa, [layer.spec]);
    const plan = featurePlanOf(layer);
    const raw = pickParams(koa.query, [...EXPORT_PARAMS, ...propertyParams(plan.layer.spec)]);
    // `f` chooses the format; without it, Accept does (GeoJSON when it admits anything).
    const format = (raw.f ?? (({ [GEOJSON_TYPE]: 'geojson', [CSV_TYPE]: 'csv', [GPKG_TYPE]: 'gpkg' }) as Record<string, ExportFormat>)[koa.accepts(GEOJSON_TYPE, 'application/json', CSV_TYPE, GPKG_TYPE) || GEOJSON_TYPE] ?? 'geojson') as ExportFormat;
    const parsed = parseItemsQuery(raw, 1, plan.layer.spec, Object.keys(FORMATS));
    const query = coarseningOf(layer) ? { ...parsed, crs: coarsenedCrs(layer, parsed.crs ?? CRS84) } : parsed;
    const geometry = raw.geometry;
    if (geometry !== undefined && (format !== 'csv' || (geometry !== 'wkt' && geometry !== 'lonlat')))
      throw new BadRequestError('geometry applies to f=csv and is wkt or lonlat', { parameter: 'geometry', allowed: ['wkt', 'lonlat'] });
    const encoding = raw.encoding?.toLowerCase();
    if (encoding !== undefined && (format !== 'shp' || (encoding !== 'gbk' && encoding !== 'utf-8')))
      throw new BadRequestError('encoding applies to f=shp and is utf-8 or gbk', { parameter: 'encoding', allowed: ['utf-8', 'gbk'] });
    const result = await exportFeatures(pool, plan, query, {
      format,
      maxFeatures: config.exportMaxFeatures,
      ...(geometry ? { csvGeometry: geometry as CsvGeometry } : {}),
      ...(encoding ? { shpEncoding: encoding as 'utf-8' | 'gbk' } : {}),
    });
    const { type, extension } = FORMATS[format];
    koa.set('Content-Disposition', `attachment; filename="${id}.${extension}"`);
    koa.set('Content-Crs', `<${(query.crs ?? CRS84).uri}>`);
    koa.set('OGC-NumberMatched', String(result.numberMatched));
    koa.type = type;
    if (result.length !== undefined) koa.length = result.length;
    koa.body = result.body;
  });

  return router;
}
