/** The PostgreSQL pool: sized for the machine, every statement under a timeout. */
import pg from 'pg';
import type { Config } from './config.ts';

// int8 (bigint: ids, counts) as JS numbers: our ids stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

export type Pool = pg.Pool;

export function createPool(config: Pick<Config, 'databaseUrl' | 'poolMax' | 'statementTimeoutMs'>, applicationName = 'onemap-map-server'): pg.Pool {
  const pool = new pg.Pool({
    connectionString: config.databaseUrl,
    max: config.poolMax,
    statement_timeout: config.statementTimeoutMs,
    application_name: applicationName,
    // Fail fast when the database is away so requests get 503 instead of hanging.
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection (database restart) must not crash the process;
  // the pool drops it and the next checkout reconnects.
  pool.on('error', () => {});
  // A checked-out client between two queries (inside a transaction, a cursor, a LISTEN) has no
  // pool listener: its connection dying (database restart: 57P01) would be an unhandled 'error'
  // event and end the process. Swallow it here; the client's next query fails (→ 503) and the
  // pool drops the client on release because it is no longer queryable.
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}
