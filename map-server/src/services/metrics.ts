/**
 * Prometheus metrics: request rate and latency by route group, tile cache effectiveness, pool
 * usage, plus Node's process metrics. One registry per server (tests start several servers in
 * one process), read by GET /metrics.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { TileCache } from '@onemap/tiles';
import type { Pool } from '../db.ts';

export interface Metrics {
  readonly registry: Registry;
  observeRequest(group: string, method: string, status: number, seconds: number): void;
}

/** Route group of a path: low cardinality by construction (never the raw path). */
export function routeGroup(path: string): string {
  if (path.startsWith('/tiles/')) return path.endsWith('.json') ? 'tilejson' : 'tiles';
  if (/^\/collections\/[^/]+\/items\/[^/]+\/history$/.test(path)) return 'history';
  if (/^\/collections\/[^/]+\/items\/[^/]+$/.test(path)) return 'feature';
  if (/^\/collections\/[^/]+\/items$/.test(path)) return 'items';
  if (path.startsWith('/collections')) return 'collections';
  if (path.startsWith('/changes/')) return 'changes';
  if (path.startsWith('/assets/') || path === '/' || path === '/index.html') return 'client';
  const first = /^\/([a-z]+)/.exec(path)?.[1];
  return first && ['catalog', 'conformance', 'api', 'health', 'ready', 'metrics'].includes(first) ? first : 'other';
}

export function createMetrics(pool: Pool, cache: TileCache | undefined): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'onemap_' });
  const requests = new Counter({ name: 'onemap_http_requests_total', help: 'HTTP requests by route group, method and status', labelNames: ['group', 'method', 'status'], registers: [registry] });
  const latency = new Histogram({
    name: 'onemap_http_request_duration_seconds',
    help: 'HTTP request latency by route group',
    labelNames: ['group'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  const cacheCounter = (name: string, help: string, read: () => number) =>
    new Gauge({ name, help, registers: [registry], collect() { this.set(read()); } });
  if (cache) {
    cacheCounter('onemap_tile_cache_hits', 'tile cache hits since start', () => cache.stats.hits);
    cacheCounter('onemap_tile_cache_misses', 'tile cache misses (renders) since start', () => cache.stats.misses);
    cacheCounter('onemap_tile_cache_coalesced', 'requests that joined a render in flight', () => cache.stats.coalesced);
    cacheCounter('onemap_tile_cache_invalidated', 'tiles dropped by invalidation since start', () => cache.stats.invalidated);
    cacheCounter('onemap_tile_cache_hit_ratio', 'hits / (hits + misses + coalesced)', () => {
      const s = cache.stats;
      const all = s.hits + s.misses + s.coalesced;
      return all ? s.hits / all : 0;
    });
    cacheCounter('onemap_tile_cache_entries', 'tiles held by the store', () => cache.store.stats().entries);
    cacheCounter('onemap_tile_cache_bytes', 'bytes held by the store', () => cache.store.stats().bytes);
  }
  cacheCounter('onemap_pg_pool_total', 'connections open in the pool', () => pool.totalCount);
  cacheCounter('onemap_pg_pool_idle', 'idle connections in the pool', () => pool.idleCount);
  cacheCounter('onemap_pg_pool_waiting', 'requests waiting for a connection', () => pool.waitingCount);
  return {
    registry,
    observeRequest(group, method, status, seconds) {
      requests.inc({ group, method, status: String(status) });
      latency.observe({ group }, seconds);
    },
  };
}
