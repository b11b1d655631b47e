/**
 * Configuration, read once from the environment, validated with every problem listed, and
 * frozen (house style §10). Only this module reads process.env.
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  /** Streaming replicas for anonymous reads (DATABASE_READ_URLS); empty = everything on the primary. */
  readonly databaseReadUrls: readonly string[];
  /** After a write, that client's reads stay on the primary this long (replica lag margin). */
  readonly readYourWritesS: number;
  /** Server processes (Node cluster) sharing the port; 1 = no cluster. */
  readonly workers: number;
  /** Base of every absolute link we emit (no trailing slash). */
  readonly publicBaseUrl: string;
  /** Built client to serve at `/`; absent when the folder does not exist. */
  readonly clientDir: string;
  readonly poolMax: number;
  readonly statementTimeoutMs: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
  /** Largest page of features a client may ask for. */
  readonly featuresMaxLimit: number;
  /** Most features one open-data export may hold; a larger selection is refused with 413. */
  readonly exportMaxFeatures: number;
  /** Largest import upload (POST /imports), bytes; 413 beyond. */
  readonly importMaxBytes: number;
  /** Most features one import may hold; 413 beyond. */
  readonly importMaxFeatures: number;
  readonly tileCache: {
    /** memory: per-process LRU; disk: a folder shared by the processes of one host; off: none. */
    readonly kind: 'memory' | 'disk' | 'off';
    readonly maxBytes: number;
    readonly dir: string;
  };
  /** Folder of the imagery COGs (scene items store paths relative to it). */
  readonly imageryDir: string;
  /** The live observation feed over MQTT (services/water/mqtt-bridge.ts); absent = off (MQTT_URL unset). */
  readonly mqtt: MqttConfig | undefined;
}

export interface MqttConfig {
  /** Broker URL, may carry credentials: never log it, log `redactUrl(url)`. */
  readonly url: string;
  /** The broker as clients should reach it (STA serverSettings endpoints), without credentials. */
  readonly publicUrl: string;
  /** Put before every topic (e.g. `taizhou/`); empty by default. */
  readonly topicPrefix: string;
  /** MQTT 5 shared-subscription group: each message goes to one process of the group. */
  readonly shareGroup: string;
  /** Client id base; each process adds a random suffix (clean sessions, one per process). */
  readonly clientId: string;
  /** A batch is written once it holds this many observations … */
  readonly batchMax: number;
  /** … or this long after its first message arrived. */
  readonly flushMs: number;
  /**
   * MQTT 5 Receive Maximum: messages the broker may have in flight to us, unacknowledged (ours
   * wait for the commit). Beyond it the broker queues (mosquitto: max_queued_messages, 1000 by
   * default, then drops for a clean session), so it must cover the largest burst expected.
   */
  readonly receiveMaximum: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
}

const DEFAULT_CLIENT_DIR = fileURLToPath(new URL('../../map-client/dist/', import.meta.url));

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL'),
  DATABASE_READ_URLS: z
    .string()
    .refine((v) => v.split(',').every((u) => /^postgres(ql)?:\/\//.test(u.trim())), 'must be comma-separated postgres:// URLs')
    .optional(),
  READ_YOUR_WRITES_S: z.coerce.number().int().min(0).max(3600).default(5),
  WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  PUBLIC_BASE_URL: z.string().url().optional(),
  ONEMAP_CLIENT_DIR: z.string().min(1).default(DEFAULT_CLIENT_DIR),
  // Two cores: more connections than ~2× cores add no throughput and multiply p99
  // (tiles-performance.md §5); 8 leaves room for slow feature queries beside tiles.
  PG_POOL_MAX: z.coerce.number().int().min(1).max(200).default(8),
  STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent']).default('info'),
  FEATURES_MAX_LIMIT: z.coerce.number().int().min(1).max(100_000).default(10_000),
  EXPORT_MAX_FEATURES: z.coerce.number().int().min(1).max(10_000_000).default(500_000),
  IMPORT_MAX_MB: z.coerce.number().int().min(1).max(4096).default(100),
  IMPORT_MAX_FEATURES: z.coerce.number().int().min(1).max(10_000_000).default(500_000),
  TILE_CACHE: z.enum(['memory', 'disk', 'off']).default('memory'),
  TILE_CACHE_MAX_MB: z.coerce.number().int().min(1).max(65_536).default(512),
  TILE_CACHE_DIR: z.string().min(1).default('.data/tile-cache'),
  ONEMAP_IMAGERY_DIR: z.string().min(1).default('.data/imagery'),
  MQTT_URL: z.string().regex(/^(mqtts?|wss?):\/\/[^/]+/, 'must be an mqtt://, mqtts://, ws:// or wss:// URL').optional(),
  MQTT_PUBLIC_URL: z.string().regex(/^(mqtts?|wss?):\/\/[^/@]+(\/.*)?$/, 'must be an mqtt://, mqtts://, ws:// or wss:// URL without credentials').optional(),
  MQTT_TOPIC_PREFIX: z
    .string()
    .regex(/^[^+#$][^+#]*\/$/, 'must end with "/" and hold no wildcard (+, #) nor start with $')
    .optional(),
  MQTT_SHARE_GROUP: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, _ or -').default('onemap'),
  MQTT_CLIENT_ID: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'must be 1-40 letters, digits, _ or -').optional(),
  MQTT_BATCH_MAX: z.coerce.number().int().min(1).max(1_000_000).default(5000),
  MQTT_FLUSH_MS: z.coerce.number().int().min(1).max(60_000).default(200),
  MQTT_RECEIVE_MAXIMUM: z.coerce.number().int().min(1).max(65_535).default(10_000),
});

/** The broker URL without credentials, path or query (what clients are told to connect to). */
function publicMqttUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.protocol.startsWith('ws') ? u.pathname : ''}`;
  } catch {
    return '(unparseable URL)';
  }
}

const KNOWN = new Set(Object.keys(schema.shape));

/** Parses an environment; throws ConfigError listing every problem. */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const picked: Record<string, string> = {};
  for (const key of KNOWN) {
    const value = env[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const parsed = schema.safeParse(picked);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`));
  }
  const c = parsed.data;
  const publicBaseUrl = (c.PUBLIC_BASE_URL ?? `http://${c.HOST === '0.0.0.0' ? '127.0.0.1' : c.HOST}:${c.PORT}`).replace(/\/+$/, '');
  return Object.freeze({
    port: c.PORT,
    host: c.HOST,
    databaseUrl: c.DATABASE_URL,
    databaseReadUrls: Object.freeze((c.DATABASE_READ_URLS ?? '').split(',').map((u) => u.trim()).filter((u) => u !== '')),
    readYourWritesS: c.READ_YOUR_WRITES_S,
    workers: c.WORKERS,
    publicBaseUrl,
    clientDir: c.ONEMAP_CLIENT_DIR,
    poolMax: c.PG_POOL_MAX,
    statementTimeoutMs: c.STATEMENT_TIMEOUT_MS,
    logLevel: c.LOG_LEVEL,
    featuresMaxLimit: c.FEATURES_MAX_LIMIT,
    exportMaxFeatures: c.EXPORT_MAX_FEATURES,
    importMaxBytes: c.IMPORT_MAX_MB * 1024 * 1024,
    importMaxFeatures: c.IMPORT_MAX_FEATURES,
    tileCache: Object.freeze({ kind: c.TILE_CACHE, maxBytes: c.TILE_CACHE_MAX_MB * 1024 * 1024, dir: c.TILE_CACHE_DIR }),
    imageryDir: c.ONEMAP_IMAGERY_DIR,
    mqtt:
      c.MQTT_URL === undefined
        ? undefined
        : Object.freeze({
            url: c.MQTT_URL,
            publicUrl: c.MQTT_PUBLIC_URL ?? publicMqttUrl(c.MQTT_URL),
            topicPrefix: c.MQTT_TOPIC_PREFIX ?? '',
            shareGroup: c.MQTT_SHARE_GROUP,
            clientId: c.MQTT_CLIENT_ID ?? 'onemap',
            batchMax: c.MQTT_BATCH_MAX,
            flushMs: c.MQTT_FLUSH_MS,
            receiveMaximum: c.MQTT_RECEIVE_MAXIMUM,
          }),
  });
}

/** The database URL with its password replaced, for logs (secrets never reach logs). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
