/** Process entry: config from the environment, start, and shut down gracefully on signals. */
import { pino } from 'pino';
import { ConfigError, loadConfig } from './config.ts';
import { startServer } from './server.ts';

let config;
try {
  config = loadConfig(process.env);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
const logger = pino({ level: config.logLevel });
const running = await startServer(config, logger).catch((err: unknown) => {
  logger.fatal({ err }, 'map-server failed to start');
  process.exit(1);
});
console.log(`\n  台州市时空信息云平台 · 一张图  →  ${config.publicBaseUrl}/\n`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'shutting down');
    void running.close().then(() => process.exit(0));
  });
}
