/**
 * 水功能区 达标评价 (GB 3838-2002 single-factor, worst class wins) and 取水许可 over-permit
 * checks (domain.md §2.9). The evaluation lives in SQL (hydro.wq_sample_overall,
 * hydro.withdrawal_status); these routes parse, call and respond.
 */
import Router from '@koa/router';
import type { AppContext } from '../app-context.ts';
import { BadRequestError, NotFoundError } from '../errors.ts';
import { pickParams } from '../query-params.ts';

const ZONE_CODE = /^[A-Z0-9-]{2,32}$/;

export function waterQualityRoutes({ pool }: AppContext): Router {
  const router = new Router({ prefix: '/water' });

  // Zones with the latest sample's overall class against the target.
  router.get('/zones', async (koa) => {
    pickParams(koa.query, ['f']);
    const { rows } = await pool.query<{ doc: unknown }>(
      `SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
                'type', 'Feature', 'id', z.code,
                'geometry', ST_AsGeoJSON(z.geom, 6)::json,
                'properties', json_build_object(
                  'code', z.code, 'name', z.name, 'river', z.river, 'level1', z.level1, 'level2', z.level2,
                  'waterBody', z.water_body, 'targetClass', hydro.gb3838_class_name(z.target_class),
                  'latestSampledAt', o.sampled_at, 'latestClass', o.class_name, 'meets', o.meets, 'exceeding', o.exceeding))
              ORDER BY z.code), '[]'::json)) AS doc
         FROM hydro.wf_zone z
         LEFT JOIN LATERAL (SELECT * FROM hydro.wq_sample_overall o WHERE o.zone_code = z.code ORDER BY o.sampled_at DESC, o.station LIMIT 1) o ON true`,
    );
    koa.type = 'application/geo+json';
    koa.body = rows[0]!.doc;
  });

  // Every sample of a zone with per-parameter classes.
  router.get('/zones/:code/samples', async (koa) => {
    pickParams(koa.query, ['f']);
    const code = koa.params['code'] ?? '';
    if (!ZONE_CODE.test(code)) throw new BadRequestError('zone code must match [A-Z0-9-]{2,32}');
    const zone = await pool.query<{ target: string }>('SELECT hydro.gb3838_class_name(target_class) AS target FROM hydro.wf_zone WHERE code = $1', [code]);
    if (!zone.rowCount) throw new NotFoundError('ZoneNotFound', `水功能区不存在 / no water-function zone ${code}`);
    const { rows } = await pool.query(
      `SELECT o.station, o.sampled_at AS "sampledAt", o.class_name AS "overallClass", o.meets, o.exceeding,
              (SELECT json_agg(json_build_object('parameter', c.parameter, 'value', c.value, 'class', hydro.gb3838_class_name(c.class_rank)) ORDER BY c.parameter)
                 FROM hydro.wq_sample_class c
                WHERE c.zone_code = o.zone_code AND c.station = o.station AND c.sampled_at = o.sampled_at) AS parameters
         FROM hydro.wq_sample_overall o
        WHERE o.zone_code = $1
        ORDER BY o.sampled_at, o.station`,
      [code],
    );
    koa.body = { code, targetClass: zone.rows[0]!.target, samples: rows };
  });

  // Permits valid in the year: year-to-date withdrawal (to now, or the whole year if past).
  router.get('/permits', async (koa) => {
    const q = pickParams(koa.query, ['year', 'f']);
    const year = q.year === undefined ? new Date().getUTCFullYear() : Number(q.year);
    if (!/^\d{4}$/.test(q.year ?? String(year)) || year < 2000 || year > 2100) throw new BadRequestError('year must be an integer in [2000, 2100]');
    const { rows } = await pool.query(
      `SELECT permit_no AS "permitNo", holder, annual_quota_m3 AS "annualQuotaM3", round(prorata_quota_m3::numeric, 1)::float8 AS "prorataQuotaM3",
              withdrawn_m3 AS "withdrawnM3", round(ratio::numeric, 4)::float8 AS ratio, over_prorata AS "overProrata", over_annual AS "overAnnual",
              over_prorata OR over_annual AS over
         FROM hydro.withdrawal_status($1, now()) ORDER BY permit_no`,
      [year],
    );
    koa.body = { year, permits: rows };
  });

  return router;
}
