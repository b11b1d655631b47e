/**
 * Process entry: config from the environment, start, and shut down gracefully on signals.
 * With WORKERS=n > 1 this process becomes a Node cluster primary that forks n stateless
 * workers sharing the port (the OS spreads connections); a worker that dies is replaced.
 */
import cluster from 'node:cluster';
import { pino } from 'pino';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { startServer } from './server.ts';

let config: Config;
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
if (config.workers > 1 && cluster.isPrimary) {
  let stopping = false;
  for (let i = 0; i < config.workers; i++) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    logger.error({ pid: worker.process.pid, code, signal }, 'worker died; starting another in 1 s');
    setTimeout(() => cluster.fork(), 1000);
  });
  console.log(`\n  台州市时空信息云平台 · 一张图  →  ${config.publicBaseUrl}/  (${config.workers} workers)\n`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      stopping = true;
      logger.info({ signal }, 'shutting down workers');
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill(signal);
      cluster.on('exit', () => {
        if (Object.values(cluster.workers ?? {}).every((w) => !w || w.isDead())) process.exit(0);
      });
    });
  }
} else {
  await serve();
}

async function serve(): Promise<void> {
  const running = await startServer(config, logger).catch((err: unknown) => {
    logger.fatal({ err }, 'map-server failed to start');
    process.exit(1);
  });
  if (cluster.isPrimary) console.log(`\n  台州市时空信息云平台 · 一张图  →  ${config.publicBaseUrl}/\n`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down');
      void running.close().then(() => process.exit(0));
    });
  }
}
