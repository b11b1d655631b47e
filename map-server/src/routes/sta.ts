/**
 * OGC SensorThings API 1.1 read-only subset under /sta/v1.1 over the hydrology tables
 * (standards.md §8, domain.md §2.8). Parse → call → respond; see services/water/sta-*.ts.
 */
import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import type { Context } from 'koa';
import type { AppContext } from '../app-context.ts';
import { AppError } from '../errors.ts';
import { pickParams } from '../query-params.ts';
import { authenticate } from '../services/auth-tokens.ts';
import { validateRows } from '../services/water/ingest-parse.ts';
import { BatchRejectedError, ingestBatch, loadIngestReference } from '../services/water/ingest-service.ts';
import { createObservationRows, mergeProblems, observationLinks } from '../services/water/sta-create.ts';
import { parsePath, StaService } from '../services/water/sta-query.ts';
import { MQTT_CONFORMANCE, mqttServerSettings } from '../services/water/mqtt-bridge.ts';

export const STA_PREFIX = '/sta/v1.1';

export function staRoutes({ pool, config, mqtt }: AppContext): Router {
  const router = new Router();
  const root = `${config.publicBaseUrl.replace(/\/$/, '')}${STA_PREFIX}`;
  const service = new StaService(pool, root);

  const handle = async (koa: Context) => {
    const path = parsePath(koa.path.slice(STA_PREFIX.length));
    if (path === 'root') {
      const doc = service.serviceRoot() as { serverSettings: { conformance: string[] } };
      // The MQTT extensions only while the bridge is configured, with the broker as endpoint.
      koa.body = config.mqtt
        ? { ...doc, serverSettings: { ...doc.serverSettings, conformance: [...doc.serverSettings.conformance, ...MQTT_CONFORMANCE], ...mqttServerSettings(config.mqtt) } }
        : doc;
      return;
    }
    const nextLink = (skip: number) => {
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(koa.query)) if (typeof v === 'string' && k !== '$skip') params.set(k, v);
      params.set('$skip', String(skip));
      return `${root}${koa.path.slice(STA_PREFIX.length)}?${params.toString().replace(/\+/g, '%20').replace(/%24/g, '$')}`;
    };
    koa.body = await service.get(path, koa.query, nextLink);
  };
  // CreateObservations (dataArray, STA 1.1 §11.2) over the bulk ingest path: idempotent, whole
  // batch or nothing. 201 with the selfLink of every observation in the batch.
  const parseBody = bodyParser({ enableTypes: ['json'], jsonLimit: '100mb', encoding: 'utf-8' });
  router.post(`${STA_PREFIX}/CreateObservations`, parseBody, async (koa) => {
    pickParams(koa.query, []);
    await authenticate(pool, koa.get('Authorization') || undefined);
    if (!koa.is('application/json')) throw new AppError(415, 'UnsupportedMediaType', '请以 application/json 发送 CreateObservations / send CreateObservations as application/json');
    const ref = await loadIngestReference(pool);
    const { rows, problems } = createObservationRows(koa.request.body, ref);
    const parsed = validateRows(rows, ref);
    if (problems.length || !parsed.ok) throw new BatchRejectedError(mergeProblems(problems, parsed.ok ? [] : parsed.problems));
    const result = await (mqtt ? mqtt.ingest(pool, parsed.batch) : ingestBatch(pool, parsed.batch));
    koa.set('X-Observations-Written', String(result.written));
    koa.set('X-Alarm-Events', String(result.alarmEvents));
    koa.status = 201;
    koa.body = observationLinks(root, parsed.batch.datastreamIds, parsed.batch.times);
  });
  router.get(STA_PREFIX, handle);
  router.get(`${STA_PREFIX}/{*rest}`, handle);
  return router;
}
