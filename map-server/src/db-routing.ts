/**
 * Reads from PostgreSQL streaming replicas, writes and read-your-writes on the primary
 * (issue 10 item 9). The server keeps one `Pool` in its context; with read replicas configured
 * that pool is a router: each HTTP request is assigned a target when it arrives (an
 * AsyncLocalStorage value, so every query of the request follows it without the routes knowing)
 * and `query`/`connect` go to that target's pool.
 *
 * A request reads from a replica when it is a GET/HEAD/OPTIONS without credentials and its
 * client has not written in the last `readYourWritesS` seconds (a successful write sets the
 * cookie `onemap_rw`); everything else — writes, token holders (who may see what they just
 * wrote and restricted data), SSE streams that LISTEN — uses the primary. A replica that is
 * unreachable, or a statement a hot standby refuses (SQLSTATE 25006: a GET that writes), is
 * retried on the primary, so a replica outage degrades to primary-only instead of 503s.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type pg from 'pg';

export type ReadTarget = { readonly kind: 'primary' } | { readonly kind: 'replica'; readonly pool: pg.Pool };

/** Cookie marking a client that wrote recently: its reads go to the primary. */
export const READ_YOUR_WRITES_COOKIE = 'onemap_rw';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Paths whose handlers hold a LISTEN connection or replay by id: primary only (a standby cannot LISTEN). */
const PRIMARY_PATHS = /^\/water\/alarms\/stream(?:$|[/?])/;

function retryableOnPrimary(err: unknown): boolean {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  if (code === '25006' || /^(08|57P)/.test(code) || ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH'].includes(code)) return true;
  return err instanceof Error && /timeout exceeded when trying to connect|Connection terminated/i.test(err.message);
}

export interface DbRouter {
  /** The pool the app uses: routes `query`/`connect` by the current request's target. */
  readonly pool: pg.Pool;
  /** Runs one HTTP request under its target; sets the read-your-writes cookie after a write. */
  handle(req: IncomingMessage, res: ServerResponse, next: () => void): void;
  /** Which target a request gets (exported for tests and logs). */
  targetOf(req: IncomingMessage): ReadTarget;
  end(): Promise<void>;
}

/**
 * Wraps `primary` and `replicas` (round-robin) into one pool-shaped router. With no replicas
 * the primary itself is returned and `handle` only calls `next`.
 */
export function createDbRouter(primary: pg.Pool, replicas: readonly pg.Pool[], readYourWritesS: number): DbRouter {
  if (replicas.length === 0) {
    return { pool: primary, handle: (_req, _res, next) => next(), targetOf: () => ({ kind: 'primary' }), end: () => primary.end() };
  }
  const als = new AsyncLocalStorage<ReadTarget>();
  let turn = 0;
  const cookieRe = new RegExp(`(?:^|;\\s*)${READ_YOUR_WRITES_COOKIE}=1(?:;|$)`);

  const targetOf = (req: IncomingMessage): ReadTarget => {
    if (!SAFE_METHODS.has(req.method ?? 'GET') || req.headers.authorization || cookieRe.test(req.headers.cookie ?? '') || PRIMARY_PATHS.test(req.url ?? '')) return { kind: 'primary' };
    return { kind: 'replica', pool: replicas[turn++ % replicas.length]! };
  };

  const query = (...args: unknown[]): unknown => {
    const target = als.getStore();
    const callback = typeof args[args.length - 1] === 'function';
    if (target?.kind !== 'replica' || callback) return (primary.query as (...a: unknown[]) => unknown)(...args);
    const onReplica = (target.pool.query as (...a: unknown[]) => Promise<unknown>)(...args);
    return onReplica.catch((err: unknown) => {
      if (!retryableOnPrimary(err)) throw err;
      return (primary.query as (...a: unknown[]) => Promise<unknown>)(...args);
    });
  };
  const connect = (...args: unknown[]): unknown => {
    const target = als.getStore();
    if (target?.kind !== 'replica' || args.length) return (primary.connect as (...a: unknown[]) => unknown)(...args);
    return target.pool.connect().catch((err: unknown) => {
      if (!retryableOnPrimary(err)) throw err;
      return primary.connect();
    });
  };
  const pool = new Proxy(primary, {
    get(target, prop, receiver) {
      if (prop === 'query') return query;
      if (prop === 'connect') return connect;
      const value: unknown = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });

  return {
    pool,
    targetOf,
    handle(req, res, next) {
      const target = targetOf(req);
      if (!SAFE_METHODS.has(req.method ?? 'GET')) {
        // A successful write: this client's reads go to the primary until replicas caught up.
        const writeHead = res.writeHead.bind(res) as (...a: unknown[]) => ServerResponse;
        res.writeHead = ((status: number, ...rest: unknown[]) => {
          if (status < 400 && !res.headersSent) res.appendHeader('Set-Cookie', `${READ_YOUR_WRITES_COOKIE}=1; Max-Age=${readYourWritesS}; Path=/; HttpOnly; SameSite=Lax`);
          return writeHead(status, ...rest);
        }) as ServerResponse['writeHead'];
      }
      als.run(target, next);
    },
    end: async () => {
      await Promise.all([primary.end(), ...replicas.map((r) => r.end())]);
    },
  };
}
