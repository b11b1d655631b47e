/**
 * Listens for committed feature changes (migration 0003's NOTIFY) on a dedicated connection and
 * invalidates exactly the touched tiles of every layer backed by the changed table. On every
 * (re)connect the layers' caches are cleared, since notifications may have been missed.
 */
import pg from 'pg';
import type { Logger } from 'pino';
import type { Box3857, TileCache } from '@onemap/tiles';
import type { Plans } from './layer-plans.ts';

export interface ChangeListener {
  /** Resolves once LISTEN is active (tests wait for it). */
  readonly ready: Promise<void>;
  close(): Promise<void>;
}

const CHANNEL = 'onemap_feature_changes';
const PAYLOAD = /^([a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*) (\d+) (\d+)$/;

export interface ChangeListenerOptions {
  /**
   * With read replicas, a tile re-rendered between the NOTIFY (from the primary) and the
   * replica's replay of that commit would be cached stale: the same tiles are invalidated again
   * this long after the first time (0 = once).
   */
  readonly replayDelayMs?: number;
}

export function listenForChanges(databaseUrl: string, plans: Plans, cache: TileCache, logger: Logger, options: ChangeListenerOptions = {}): ChangeListener {
  const layersByTable = new Map<string, string[]>();
  for (const p of plans.layers.values()) {
    for (const t of p.sourceTables) layersByTable.set(t, [...(layersByTable.get(t) ?? []), p.spec.id]);
  }
  let client: pg.Client | undefined;
  let closed = false;
  let retryMs = 250;
  let markReady!: () => void;
  const ready = new Promise<void>((r) => (markReady = r));

  const apply = async (c: pg.Client, payload: string) => {
    const m = PAYLOAD.exec(payload);
    const layers = m ? layersByTable.get(m[1]!) : undefined;
    if (!m || !layers) return;
    const { rows } = await c.query<{ min_x: number | null; min_y: number | null; max_x: number | null; max_y: number | null }>(
      'SELECT min_x, min_y, max_x, max_y FROM catalog.feature_changes WHERE id BETWEEN $1 AND $2',
      [m[2], m[3]],
    );
    const whole = rows.some((r) => r.min_x === null);
    const boxes: Box3857[] = rows.filter((r) => r.min_x !== null).map((r) => [r.min_x!, r.min_y!, r.max_x!, r.max_y!]);
    const invalidate = async () => {
      for (const layerId of layers) {
        if (whole) await cache.clearLayer(layerId);
        else await cache.invalidate(layerId, boxes);
      }
    };
    await invalidate();
    if (options.replayDelayMs)
      setTimeout(() => void invalidate().catch((err: unknown) => logger.warn({ err }, 'tile re-invalidation failed')), options.replayDelayMs).unref();
  };

  const connect = async (): Promise<void> => {
    if (closed) return;
    const c = new pg.Client({ connectionString: databaseUrl, application_name: 'onemap-change-listener' });
    let retried = false;
    const retry = () => {
      if (client === c) client = undefined;
      if (closed || retried) return;
      retried = true;
      setTimeout(() => void connect(), retryMs);
      retryMs = Math.min(retryMs * 2, 5_000);
    };
    c.on('error', () => {}); // followed by 'end'
    c.on('end', retry);
    // Notifications are applied one at a time, in commit order.
    let chain = Promise.resolve();
    c.on('notification', (n) => {
      if (n.channel !== CHANNEL || !n.payload) return;
      const payload = n.payload;
      chain = chain.then(() => apply(c, payload)).catch((err: unknown) => logger.warn({ err }, 'tile invalidation failed'));
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${CHANNEL}`);
      client = c;
      retryMs = 250;
      for (const id of plans.layers.keys()) await cache.clearLayer(id);
      markReady();
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'change listener could not connect; retrying');
      await c.end().catch(() => {});
      retry();
    }
  };
  void connect();
  return {
    ready,
    close: async () => {
      closed = true;
      await client?.end().catch(() => {});
    },
  };
}
