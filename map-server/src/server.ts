/**
 * Boots the platform's HTTP process from a config: pool, compiled plans, app, listener, and a
 * graceful close (stop accepting, finish in-flight requests, close the pool).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { catalog as defaultCatalog, type Catalog } from '@onemap/geodata/catalog';
import type Koa from 'koa';
import { createApp } from './app.ts';
import { fastTileHandler } from './fast-tiles.ts';
import { createMetrics } from './services/metrics.ts';
import { redactUrl, type Config } from './config.ts';
import { createPool } from './db.ts';
import { createDbRouter } from './db-routing.ts';
import { sanitizeAcceptEncoding } from './middleware/accept-encoding.ts';
import { compilePlans } from './services/layer-plans.ts';
import { compileSecurePlans } from './services/secure-plans.ts';
import { listenForChanges } from './services/change-listener.ts';
import { startMqttBridge, type MqttBridge } from './services/water/mqtt-bridge.ts';
import { STA_PREFIX } from './routes/sta.ts';
import { DiskTileStore, MemoryTileStore, TileCache, DEFAULT_MVT_OPTIONS } from '@onemap/tiles';

export interface RunningServer {
  readonly url: string;
  readonly server: Server;
  /** The Koa application (tests enumerate its routers to cover every route). */
  readonly app: Koa;
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
  const primary = createPool(config);
  const router = createDbRouter(
    primary,
    config.databaseReadUrls.map((url) => createPool({ ...config, databaseUrl: url }, 'onemap-map-server-read')),
    config.readYourWritesS,
  );
  const pool = router.pool;
  let mqtt: MqttBridge | undefined;
  try {
    const plans = await compilePlans(pool, options.catalog ?? defaultCatalog);
    const { tileCache: tc } = config;
    const tileCache =
      tc.kind === 'off'
        ? undefined
        : new TileCache(tc.kind === 'disk' ? new DiskTileStore(tc.dir) : new MemoryTileStore(tc.maxBytes), {
            bufferFraction: DEFAULT_MVT_OPTIONS.bufferUnits / DEFAULT_MVT_OPTIONS.extent,
          });
    const listener = tileCache ? listenForChanges(config.databaseUrl, plans, tileCache, logger, { replayDelayMs: config.databaseReadUrls.length ? Math.max(1000, config.readYourWritesS * 1000) : 0 }) : undefined;
    await listener?.ready;
    const secure = await compileSecurePlans(pool, plans, logger);
    // Connects in the background: a broker that is away does not hold up (or fail) the start.
    mqtt = config.mqtt ? startMqttBridge(primary, config.mqtt, `${config.publicBaseUrl}${STA_PREFIX}`, logger) : undefined;
    const ctx = { config, pool, plans, logger, tileCache, metrics: createMetrics(pool, tileCache), secure, mqtt };
    const app = createApp(ctx);
    const koa = app.callback();
    const fast = fastTileHandler(ctx, logger);
    const server = createServer((req, res) => {
      const acceptEncoding = sanitizeAcceptEncoding(req.headers['accept-encoding']);
      if (acceptEncoding !== undefined) req.headers['accept-encoding'] = acceptEncoding;
      router.handle(req, res, () => {
        if (!fast(req, res)) void koa(req, res);
      });
    });
    // Requests Node refuses before Koa sees them (header or URL too large, malformed request
    // line) still get a JSON problem, never a bare status line.
    server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
      if (!socket.writable || err.code === 'ECONNRESET') return socket.destroy();
      const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400;
      const detail = status === 431 ? '请求头或 URL 过长 / the request line or headers are too large' : '无法解析的请求 / the request could not be parsed';
      const body = JSON.stringify({ type: 'about:blank', title: status === 431 ? 'Request Header Fields Too Large' : 'Bad Request', status, code: status === 431 ? 'HeaderTooLarge' : 'BadRequest', detail, description: detail });
      socket.end(`HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
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
      app,
      close: () =>
        (closing ??= (async () => {
          await new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeIdleConnections();
          });
          await mqtt?.close();
          await listener?.close();
          await router.end();
        })()),
    };
  } catch (err) {
    await mqtt?.close();
    await router.end();
    throw err;
  }
}
