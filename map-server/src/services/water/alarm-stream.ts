/**
 * Live alarm events for Server-Sent Events. One LISTEN connection per server process, taken
 * from the pool while at least one client is subscribed and given back when the last leaves.
 * Events are rows of hydro.alarm_event (their id is the SSE id); a NOTIFY at commit says
 * "rows up to id N exist", and the hub reads what is new once for all subscribers. A client
 * reconnecting with Last-Event-ID first gets every event after that id from the table, so it
 * misses nothing, including events committed while it was away.
 */
import type { PoolClient } from 'pg';
import type { Pool } from '../../db.ts';

export interface AlarmEvent {
  readonly id: number;
  readonly event: 'raised' | 'acknowledged' | 'cleared';
  readonly data: string;
}

const EVENTS_AFTER_SQL = `
SELECT e.id, e.event, json_build_object('eventId', e.id, 'event', e.event, 'at', e.at, 'alarm', json_build_object(
  'id', a.id, 'stcd', a.stcd, 'stnm', s.stnm, 'kind', a.kind, 'level', a.level, 'state', a.state, 'raisedAt', a.raised_at,
  'value', a.value, 'threshold', a.threshold, 'message', json_build_object('zh', a.message_zh, 'en', a.message_en),
  'acknowledgedAt', a.acknowledged_at, 'clearedAt', a.cleared_at))::text AS data
  FROM hydro.alarm_event e JOIN hydro.alarm a ON a.id = e.alarm_id JOIN hydro.st_stbprp_b s ON s.stcd = a.stcd
 WHERE e.id > $1 ORDER BY e.id LIMIT $2`;
const LAST_ID_SQL = 'SELECT coalesce(max(id), 0)::bigint AS id FROM hydro.alarm_event';
const PAGE = 1000;

/** Events after `afterId`, oldest first (the replay a reconnecting client gets). */
export async function alarmEventsAfter(pool: Pool, afterId: number, limit = PAGE): Promise<AlarmEvent[]> {
  return (await pool.query<AlarmEvent>(EVENTS_AFTER_SQL, [afterId, limit])).rows;
}

export async function lastAlarmEventId(pool: Pool): Promise<number> {
  return (await pool.query<{ id: number }>(LAST_ID_SQL)).rows[0]!.id;
}

type Subscriber = (events: readonly AlarmEvent[]) => void;

/** Fan-out of new alarm events to subscribers (see the module comment). */
export class AlarmHub {
  private readonly subscribers = new Set<Subscriber>();
  private client: PoolClient | undefined;
  private starting: Promise<void> | undefined;
  private lastId = 0;
  private reading: Promise<void> = Promise.resolve();

  constructor(private readonly pool: Pool) {}

  /** Subscribes; resolves once listening, with the id up to which events are already known. */
  async subscribe(fn: Subscriber): Promise<{ unsubscribe: () => void; listeningFrom: number }> {
    this.subscribers.add(fn);
    try {
      await (this.starting ??= this.start());
    } catch (err) {
      this.subscribers.delete(fn);
      throw err;
    }
    return { unsubscribe: () => this.unsubscribe(fn), listeningFrom: this.lastId };
  }

  private async start(): Promise<void> {
    const client = await this.pool.connect();
    client.on('notification', () => this.readNew());
    client.on('error', () => this.stop(true));
    await client.query('LISTEN hydro_alarm_events');
    this.lastId = await lastAlarmEventId(this.pool);
    this.client = client;
  }

  private readNew(): void {
    // Serialised so events are delivered once and in order even when NOTIFYs arrive in bursts.
    this.reading = this.reading.then(async () => {
      for (;;) {
        const events = await alarmEventsAfter(this.pool, this.lastId);
        if (!events.length) return;
        this.lastId = events[events.length - 1]!.id;
        for (const fn of this.subscribers) fn(events);
        if (events.length < PAGE) return;
      }
    }).catch(() => undefined);
  }

  private unsubscribe(fn: Subscriber): void {
    this.subscribers.delete(fn);
    if (!this.subscribers.size) this.stop(false);
  }

  private stop(broken: boolean): void {
    const client = this.client;
    this.client = undefined;
    this.starting = undefined;
    if (!client) return;
    if (broken) client.release(true);
    else
      client
        .query('UNLISTEN *')
        .then(() => client.release())
        .catch(() => client.release(true));
  }
}
