/**
 * A whole platform for one test file: a clone of the template database (migrations + full
 * Taizhou sample) and the real server on an ephemeral loopback port serving the built client.
 */
import { createServer } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { pino } from 'pino';
import type { Catalog } from '@onemap/geodata/catalog';
import type Koa from 'koa';
import { loadConfig } from '../../src/config.ts';
import { startServer } from '../../src/server.ts';
import { createTestDatabase } from '../../../scripts/test/test-db.ts';

export interface TestPlatform {
  readonly baseUrl: string;
  readonly databaseUrl: string;
  /** The Koa application (openapi-coverage.test.ts enumerates its routers). */
  readonly app: Koa;
  close(): Promise<void>;
}

export interface TestPlatformOptions {
  /** Serve this catalogue instead of the platform's (see ServerOptions.catalog). */
  readonly catalog?: Catalog;
  /** Runs on the fresh database before the server boots (load extra tables, …). */
  readonly prepare?: (databaseUrl: string) => Promise<void>;
}

export async function startTestPlatform(env: Readonly<Record<string, string>> = {}, options: TestPlatformOptions = {}): Promise<TestPlatform> {
  const db = await createTestDatabase(inject('adminUrl'), inject('templateDb'));
  try {
    await options.prepare?.(db.url);
    // The port is chosen before start so PUBLIC_BASE_URL (and every link) is right from boot.
    const port = String(await freePort());
    const config = loadConfig({ DATABASE_URL: db.url, PORT: port, LOG_LEVEL: 'warn', ...env });
    const running = await startServer(config, pino({ level: 'warn' }), options.catalog ? { catalog: options.catalog } : {});
    return {
      baseUrl: running.url,
      databaseUrl: db.url,
      app: running.app,
      close: async () => {
        await running.close();
        await db.drop();
      },
    };
  } catch (err) {
    await db.drop();
    throw err;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A platform and a database connection for one test file: started before its tests, closed
 * after them. Read `platform` and `db` inside tests (they exist once beforeAll has run).
 */
export function usePlatform(env: Readonly<Record<string, string>> = {}): { readonly platform: TestPlatform; readonly db: pg.Client } {
  const state: { platform?: TestPlatform; db?: pg.Client } = {};
  beforeAll(async () => {
    state.platform = await startTestPlatform(env);
    state.db = new pg.Client({ connectionString: state.platform.databaseUrl });
    await state.db.connect();
  });
  afterAll(async () => {
    await state.db?.end();
    await state.platform?.close();
  });
  return {
    get platform() {
      return state.platform!;
    },
    get db() {
      return state.db!;
    },
  };
}
