/**
 * Boots the platform's HTTP process from a config: pool, compiled plans, app, listener, and a
 * graceful close (stop accepting, finish in-flight requests, close the pool).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { catalog as defaultCatalog, type Catalog } from '@onemap/geodata/catalog';
import { createApp } from './app.ts';
import { fastTileHandler } from './fast-tiles.ts';
import { createMetrics } from './services/metrics.ts';
import { redactUrl, type Config } from './config.ts';
import { createPool } from './db.ts';
import { compilePlans } from './services/layer-plans.ts';
import { listenForChanges } from './services/change-listener.ts';
import { DiskTileStore, MemoryTileStore, TileCache, DEFAULT_MVT_OPTIONS } from '@onemap/tiles';

export interface RunningServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

export interface ServerOptions {
  /**
   * The layer catalogue to serve instead of the platform's own (tests serve other datasets,
   * such as the OGC CQL2 test data, through the same boot-time validation and compilation).
   */
  readonly catalog?: Catalog;
}

export async function startServer(config: Config, logger: Logger = pino({ level: config.logLevel }), options: ServerOptions = {}): Promise<RunningServer> {
  const pool = createPool(config);
  try {
    const plans = await compilePlans(pool, options.catalog ?? defaultCatalog);
    const { tileCache: tc } = config;
    const tileCache =
      tc.kind === 'off'
        ? undefined
        : new TileCache(tc.kind === 'disk' ? new DiskTileStore(tc.dir) : new MemoryTileStore(tc.maxBytes), {
            bufferFraction: DEFAULT_MVT_OPTIONS.bufferUnits / DEFAULT_MVT_OPTIONS.extent,
          });
    const listener = tileCache ? listenForChanges(config.databaseUrl, plans, tileCache, logger) : undefined;
    await listener?.ready;
    const ctx = { config, pool, plans, logger, tileCache, metrics: createMetrics(pool, tileCache) };
    const app = createApp(ctx);
    const koa = app.callback();
    const fast = fastTileHandler(ctx, logger);
    const server = createServer((req, res) => {
      if (!fast(req, res)) void koa(req, res);
    });
    server.listen(config.port, config.host);
    await new Promise<void>((resolve, reject) => {
      server.once('listening', resolve);
      server.once('error', reject);
    });
    const { port } = server.address() as AddressInfo;
    const url = `http://${config.host}:${port}`;
    logger.info({ url, database: redactUrl(config.databaseUrl), layers: plans.layers.size }, 'onemap map-server listening');
    let closing: Promise<void> | undefined;
    return {
      url,
      server,
      close: () =>
        (closing ??= (async () => {
          await new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeIdleConnections();
          });
          await listener?.close();
          await pool.end();
        })()),
    };
  } catch (err) {
    await pool.end();
    throw err;
  }
}
