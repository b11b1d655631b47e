import type { Logger } from 'pino';
import type { TileCache } from '@onemap/tiles';
import type { Config } from './config.ts';
import type { Pool } from './db.ts';
import type { Plans } from './services/layer-plans.ts';
import type { Metrics } from './services/metrics.ts';
import type { SecurePlans } from './services/secure-plans.ts';
import type { MqttBridge } from './services/water/mqtt-bridge.ts';

/** Everything a route needs, passed in (house style §9): no module-level singletons. */
export interface AppContext {
  readonly config: Config;
  readonly pool: Pool;
  readonly plans: Plans;
  readonly logger: Logger;
  /** Absent when TILE_CACHE=off. */
  readonly tileCache: TileCache | undefined;
  readonly metrics: Metrics;
  /**
   * Per-principal views of `plans` (classification and desensitisation). Routes serving layers
   * use `viewOf(koa)` (middleware/security.ts), never `plans` directly, for anything a caller sees.
   */
  readonly secure: SecurePlans;
  /** The MQTT observation feed; absent when MQTT_URL is unset. */
  readonly mqtt?: MqttBridge | undefined;
}
