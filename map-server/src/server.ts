/**
 * Boots the platform's HTTP process from a config: pool, compiled plans, app, listener, and a
 * graceful close (stop accepting, finish in-flight requests, close the pool).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { catalog } from '@onemap/geodata/catalog';
import { createApp } from './app.ts';
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

export async function startServer(config: Config, logger: Logger = pino({ level: config.logLevel })): Promise<RunningServer> {
  const pool = createPool(config);
  try {
    const plans = await compilePlans(pool, catalog);
    const { tileCache: tc } = config;
    const tileCache =
      tc.kind === 'off'
        ? undefined
        : new TileCache(tc.kind === 'disk' ? new DiskTileStore(tc.dir) : new MemoryTileStore(tc.maxBytes), {
            bufferFraction: DEFAULT_MVT_OPTIONS.bufferUnits / DEFAULT_MVT_OPTIONS.extent,
          });
    const listener = tileCache ? listenForChanges(config.databaseUrl, plans, tileCache, logger) : undefined;
    await listener?.ready;
    const app = createApp({ config, pool, plans, logger, tileCache });
    const server = app.listen(config.port, config.host);
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
