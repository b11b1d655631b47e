/**
 * The live observation feed over MQTT (standards.md §8: SensorThings 1.1 create-observations-
 * via-mqtt and receive-updates-via-mqtt), on an outside broker (Debian `mosquitto`).
 *
 * In (QoS 1, MQTT 5 shared subscription `$share/<group>/…`, so with WORKERS=n or several hosts
 * every message is taken by exactly one process):
 * - `{prefix}v1.1/Datastreams(<id>)/Observations`: one STA Observation `{"phenomenonTime", "result"}`;
 * - `{prefix}v1.1/Observations`: the same with `"Datastream": {"@iot.id": <id>}`;
 * - `{prefix}onemap/observations`: a bulk batch, the JSON array or SL 323 CSV of POST /water/observations.
 * Messages are validated one by one (ingest-parse.ts / sta-create.ts, as the HTTP API does) and
 * coalesced: a batch is written by `ingestBatch` (idempotent on (datastream, time), rollups and
 * alarms in the same transaction) once it holds `batchMax` observations or `flushMs` after its
 * first message. A rejected message is reported on `{prefix}onemap/observations/errors` (and
 * logged) and the good messages of the same batch are still written.
 *
 * Acknowledgement: the PUBACK of a message is held until its batch has committed (or until the
 * message was rejected, then with reason code 0x99 "payload format invalid"), so the broker's
 * in-flight window (our Receive Maximum, MQTT_RECEIVE_MAXIMUM) is the back-pressure while the
 * database is slow or away, and the batch is retried meanwhile. Past that window the broker
 * queues for us (mosquitto: max_queued_messages, 1000 by default) and then drops, so a broker
 * feeding bursts larger than window + queue needs a larger max_queued_messages. MQTT.js has no public "ack later" (holding its
 * customHandleAcks callback stalls the whole connection), so the PUBACK packet is held at its
 * `_sendPacket`; without that hook (another MQTT.js) messages are acknowledged on receipt.
 * Sessions are clean: a process that dies loses what it had not committed and the publisher's
 * QoS 1 re-send covers that; the idempotent write makes every re-send harmless.
 *
 * Out: after a commit, every observation actually written (new or changed, not an unchanged
 * re-send) is published as the STA Observation entity on `{prefix}v1.1/Datastreams(<id>)/
 * Observations` (QoS 1, see UPDATE_QOS), whether it came over MQTT or over HTTP (POST
 * /water/observations and CreateObservations go through `ingest`; HTTP back-fills over
 * ANNOUNCE_MAX observations are not announced). They carry the user property
 * `onemap-origin: update`, which our own subscription on the same topic ignores (noLocal is not
 * allowed on shared subscriptions).
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { connect, type IPublishPacket, type MqttClient } from 'mqtt';
import { redactUrl, type MqttConfig } from '../../config.ts';
import type { Pool } from '../../db.ts';
import { AppError } from '../../errors.ts';
import { bulkBatch, validateRows, type BatchProblem, type IngestReference, type ObservationBatch, type ParseResult } from './ingest-parse.ts';
import { ingestBatch, loadIngestReference, type IngestResult } from './ingest-service.ts';
import { createObservationRows, mergeProblems } from './sta-create.ts';
import { OBS_ID_FACTOR } from './sta-model.ts';

export const MQTT_CONFORMANCE = [
  'http://www.opengis.net/spec/iot_sensing/1.1/req/create-observations-via-mqtt/observations-creation',
  'http://www.opengis.net/spec/iot_sensing/1.1/req/receive-updates-via-mqtt/receive-updates',
] as const;

/** serverSettings additions for the STA service root when the bridge is on (OGC 18-088 §8.1). */
export function mqttServerSettings(mqtt: MqttConfig): Record<string, unknown> {
  const endpoints = { endpoints: [mqtt.publicUrl] };
  return { [MQTT_CONFORMANCE[0]]: endpoints, [MQTT_CONFORMANCE[1]]: endpoints };
}

export const ORIGIN_PROPERTY = 'onemap-origin';
/**
 * receive-updates at QoS 1 (at least once to subscribers with a session). Each one also comes
 * back to our own subscription on the same topic and is acknowledged unread; measured, that
 * costs nothing visible against QoS 0 (19.4 k vs 19.5 k obs/s on the bulk topic).
 */
const UPDATE_QOS = 1;
/** PUBACK reason code 0x99: payload format invalid. */
const REJECTED = 0x99;
const RETRY_MS = [500, 1000, 2000, 5000, 10_000] as const;
/** HTTP batches up to this size are announced on receive-updates; larger ones are back-fills. */
const ANNOUNCE_MAX = 10_000;
const STA_TOPIC = /^v1\.1\/Datastreams\((\d{1,9})\)\/Observations$/;
const OBSERVATION_KEYS = new Set(['phenomenonTime', 'result', 'resultTime', 'resultQuality', 'validTime', 'parameters', 'FeatureOfInterest', 'Datastream']);
/** SQLSTATE classes that mean "this data is wrong" rather than "the database is away". */
const DATA_ERROR = /^(22|23)/;

export interface MqttStatus {
  /** connected | connecting (never connected yet) | reconnecting (lost, retrying) | closed */
  readonly state: 'connected' | 'connecting' | 'reconnecting' | 'closed';
  readonly broker: string;
  readonly lastError?: string;
  /** PUBACKs are held until the commit (false: acknowledged on receipt, see the module comment). */
  readonly ackAfterCommit: boolean;
  readonly messages: number;
  readonly rejected: number;
  readonly written: number;
  /** Messages received and not yet written or rejected (queued, being written, or waiting to retry). */
  readonly pending: number;
}

export interface MqttBridge {
  status(): MqttStatus;
  /**
   * `ingestBatch` for the HTTP APIs, then receive-updates for what it wrote (batches of up to
   * 10 000 observations; a larger back-fill is written but not announced).
   */
  ingest(db: Pool, batch: ObservationBatch): Promise<IngestResult>;
  /** Writes what is pending (while the database answers), then disconnects. */
  close(): Promise<void>;
}

interface Incoming {
  readonly topic: string;
  /** Topic without the prefix. */
  readonly local: string;
  readonly payload: Buffer;
  readonly packet: IPublishPacket;
  readonly receivedAt: string;
  /** Observations it carries, roughly (for the batch size). */
  readonly count: number;
  ack(reasonCode: number): void;
}

/** An observation the batch will write (new or changed), with what its STA entity needs. */
interface Changed {
  readonly ds: number;
  readonly tm: Date;
  readonly value: number;
  readonly total: boolean;
  readonly intv_min: number;
}

// Same comparison as hydro.ingest_batch (value IS DISTINCT FROM, as real): the rows that
// batch will actually write. Read just before the write, so a concurrent HTTP ingest of the same
// rows can make us publish a row it wrote; never one nobody wrote.
const CHANGED_SQL = `
SELECT u.d AS ds, u.t AS tm, u.v::float8 AS value, ce.aggregation = 'total' AS total, d.intv_min
  FROM unnest($1::int[], $2::timestamptz[], $3::real[]) AS u(d, t, v)
  JOIN hydro.datastream d ON d.id = u.d JOIN hydro.code_element ce ON ce.element = d.element
 WHERE NOT EXISTS (SELECT 1 FROM hydro.obs o WHERE o.datastream_id = u.d AND o.tm = u.t AND o.value IS NOT DISTINCT FROM u.v)`;

const stamp = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

/** The STA Observation entity of a written row, as GET /sta/v1.1/Observations(id) shows it. */
export function observationEntity(root: string, c: Changed): Record<string, unknown> {
  const end = c.tm.getTime();
  const id = BigInt(c.ds) * OBS_ID_FACTOR + BigInt(Math.floor(end / 1000));
  const self = `${root}/Observations(${id})`;
  return {
    '@iot.id': Number(id),
    '@iot.selfLink': self,
    phenomenonTime: c.total ? `${stamp(end - c.intv_min * 60_000)}/${stamp(end)}` : stamp(end),
    resultTime: null,
    result: c.value,
    resultQuality: null,
    validTime: null,
    parameters: c.total ? { intv_min: c.intv_min } : null,
    'Datastream@iot.navigationLink': `${self}/Datastream`,
  };
}

/** Observations in a bulk message, roughly: JSON objects (`{`), else CSV lines after the header. */
function bulkSize(payload: Buffer): number {
  let braces = 0;
  let lines = 0;
  for (const b of payload) {
    if (b === 0x7b) braces += 1;
    else if (b === 0x0a) lines += 1;
  }
  return Math.max(1, braces || lines);
}

function parseJson(payload: Buffer): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(payload.toString('utf8')) };
  } catch (err) {
    return { ok: false, message: `the payload is not JSON: ${(err as Error).message.slice(0, 120)}` };
  }
}

const problem = (field: string, message: string): BatchProblem[] => [{ row: 0, field, message }];

/** One STA Observation message → the CreateObservations path (interval phenomenonTime, bounds …). */
function checkObservation(local: string, payload: Buffer, ref: IngestReference): ParseResult {
  const parsed = parseJson(payload);
  if (!parsed.ok) return { ok: false, problems: problem('(payload)', parsed.message) };
  const o = parsed.value;
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return { ok: false, problems: problem('(payload)', 'an Observation must be a JSON object {"phenomenonTime": …, "result": …}') };
  const obs = o as Record<string, unknown>;
  const unknown = Object.keys(obs).filter((k) => !OBSERVATION_KEYS.has(k));
  if (unknown.length) return { ok: false, problems: problem(unknown[0]!, `unknown Observation propert${unknown.length > 1 ? 'ies' : 'y'} ${unknown.join(', ').slice(0, 120)}`) };
  const m = STA_TOPIC.exec(local);
  const linked = obs['Datastream'] as { '@iot.id'?: unknown } | undefined;
  const linkedId = linked && typeof linked === 'object' ? linked['@iot.id'] : undefined;
  if (linked !== undefined && (typeof linkedId !== 'number' && typeof linkedId !== 'string')) return { ok: false, problems: problem('Datastream', 'Datastream must be {"@iot.id": <id>}') };
  if (!m && linked === undefined) return { ok: false, problems: problem('Datastream', 'on v1.1/Observations the Observation must name its Datastream: {"@iot.id": <id>}') };
  if (m && linked !== undefined && String(linkedId) !== m[1]) return { ok: false, problems: problem('Datastream', `Datastream ${String(linkedId).slice(0, 12)} differs from the topic's Datastreams(${m[1]})`) };
  if (!('result' in obs)) return { ok: false, problems: problem('result', 'result is missing') };
  // OGC 18-088: a missing phenomenonTime is the time the server received the Observation.
  const time = obs['phenomenonTime'] ?? new Date().toISOString();
  const body = [{ Datastream: { '@iot.id': m ? Number(m[1]) : linkedId }, components: ['phenomenonTime', 'result'], dataArray: [[time, obs['result']]] }];
  const { rows, problems } = createObservationRows(body, ref);
  const v = validateRows(rows, ref);
  if (problems.length || !v.ok) {
    // Name the Observation's own properties, not the dataArray row the path uses inside.
    const all = mergeProblems(problems, v.ok ? [] : v.problems).map(({ pointer: _p, line: _l, ...p }) => ({
      ...p,
      row: 0,
      field: p.field === 'Datastream' || p.field === 'stcd' ? p.field : p.field === 'tm' || p.field === 'intv' || p.field === 'phenomenonTime' ? 'phenomenonTime' : 'result',
    }));
    return { ok: false, problems: all };
  }
  return { ok: true, batch: v.batch };
}

/** A bulk message: JSON array (content type application/json or a payload starting with `[`) or CSV. */
function checkBulk(payload: Buffer, contentType: string | undefined, ref: IngestReference): ParseResult {
  const text = payload.toString('utf8');
  const json = contentType ? /json/i.test(contentType) : /^\s*\[/.test(text);
  if (!json) return bulkBatch({ csv: text }, ref);
  const parsed = parseJson(payload);
  return parsed.ok ? bulkBatch({ json: parsed.value }, ref) : { ok: false, problems: problem('(payload)', parsed.message) };
}

/** Good batches → one batch without repeated (datastream, time): the later message wins. */
function mergeBatches(batches: readonly ObservationBatch[]): ObservationBatch {
  const at = new Map<string, number>();
  const out: ObservationBatch = { datastreamIds: [], times: [], values: [] };
  for (const b of batches)
    b.datastreamIds.forEach((ds, k) => {
      const key = `${ds}/${b.times[k]}`;
      const i = at.get(key);
      if (i !== undefined) out.values[i] = b.values[k]!;
      else {
        at.set(key, out.datastreamIds.length);
        out.datastreamIds.push(ds);
        out.times.push(b.times[k]!);
        out.values.push(b.values[k]!);
      }
    });
  return out;
}

function isDataError(err: unknown): boolean {
  if (err instanceof AppError) return true;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && DATA_ERROR.test(code);
}

type SendPacket = (packet: { cmd: string; messageId?: number; reasonCode?: number }, cb?: (err?: Error) => void, cbStorePut?: () => void) => void;

export function startMqttBridge(pool: Pool, config: MqttConfig, staRoot: string, logger: Logger): MqttBridge {
  const prefix = config.topicPrefix;
  const topics = { sta: `${prefix}v1.1/+/Observations`, staFlat: `${prefix}v1.1/Observations`, bulk: `${prefix}onemap/observations`, errors: `${prefix}onemap/observations/errors` };
  const broker = redactUrl(config.url);
  const log = logger.child({ component: 'mqtt', broker });
  let state: MqttStatus['state'] = 'connecting';
  let lastError: string | undefined;
  const counters = { messages: 0, rejected: 0, written: 0 };
  let pending: Incoming[] = [];
  let pendingCount = 0;
  let timer: NodeJS.Timeout | undefined;
  let flushing: Promise<void> | undefined;
  let inFlush = 0;
  let failures = 0;
  let closing = false;

  const client: MqttClient = connect(config.url, {
    protocolVersion: 5,
    clientId: `${config.clientId}-${randomBytes(6).toString('hex')}`,
    clean: true,
    reconnectPeriod: 1000,
    connectTimeout: 5000,
    resubscribe: false,
    properties: { receiveMaximum: config.receiveMaximum },
  });

  // PUBACKs held until commit (see the module comment). A held ack belongs to one connection:
  // after a reconnect its packet id means nothing to the broker, so it is dropped.
  const internals = client as unknown as { _sendPacket?: SendPacket };
  const send = typeof internals._sendPacket === 'function' ? internals._sendPacket.bind(client) : undefined;
  const held = new Map<number, { generation: number }>();
  let generation = 0;
  if (send) {
    internals._sendPacket = (packet, cb, cbStorePut) => {
      if (packet.cmd === 'puback' && packet.messageId !== undefined && held.has(packet.messageId)) {
        cb?.(); // let MQTT.js read on; the PUBACK itself goes out in release()
        return;
      }
      send(packet, cb, cbStorePut);
    };
  } else log.warn('this MQTT.js cannot hold acknowledgements: messages are acknowledged on receipt');
  const release = (messageId: number, gen: number, reasonCode: number) => {
    const h = held.get(messageId);
    if (!h || h.generation !== gen) return;
    held.delete(messageId);
    if (gen === generation && client.connected) send!({ cmd: 'puback', messageId, reasonCode });
  };

  client.on('connect', () => {
    state = 'connected';
    lastError = undefined;
    log.info('mqtt bridge connected');
    const share = (t: string) => `$share/${config.shareGroup}/${t}`;
    client.subscribe([share(topics.sta), share(topics.staFlat), share(topics.bulk)], { qos: 1 }, (err) => {
      if (err) {
        lastError = `subscribe failed: ${err.message}`;
        log.error({ err: err.message }, 'mqtt subscribe failed');
      }
    });
  });
  client.on('close', () => {
    generation += 1;
    held.clear();
    if (state === 'connected') {
      state = 'reconnecting';
      log.warn('mqtt bridge lost the broker; reconnecting');
    }
  });
  client.on('error', (err) => {
    // Logged when the reason changes, not on every reconnect attempt.
    if (err.message !== lastError) log.warn({ err: err.message }, 'mqtt bridge error');
    lastError = err.message;
  });

  client.on('message', (topic, payload, packet) => {
    const local = topic.slice(prefix.length);
    const gen = generation;
    const messageId = packet.qos > 0 ? packet.messageId : undefined;
    const own = packet.properties?.userProperties?.[ORIGIN_PROPERTY] !== undefined;
    if (messageId !== undefined && send && !own) held.set(messageId, { generation: gen });
    if (own) return; // our own receive-updates publication on the same topic
    counters.messages += 1;
    const count = local === 'onemap/observations' ? bulkSize(payload) : 1;
    const item: Incoming = {
      topic,
      local,
      payload,
      packet,
      receivedAt: new Date().toISOString(),
      count,
      ack: (code) => (messageId !== undefined && send ? release(messageId, gen, code) : undefined),
    };
    pending.push(item);
    pendingCount += count;
    schedule();
  });

  function schedule(delayMs?: number): void {
    if (flushing || closing) return;
    if (!pending.length) return;
    // Full batch, or the broker's in-flight window is full (nothing more comes until we ack).
    if (delayMs === undefined && !failures && (pendingCount >= config.batchMax || pending.length >= config.receiveMaximum)) {
      clearTimeout(timer);
      timer = undefined;
      startFlush();
    } else timer ??= setTimeout(() => {
      timer = undefined;
      startFlush();
    }, delayMs ?? config.flushMs);
  }

  function startFlush(): void {
    if (flushing) return;
    const take: Incoming[] = [];
    let n = 0;
    while (pending.length && (n < config.batchMax || !take.length)) {
      const item = pending.shift()!;
      take.push(item);
      n += item.count;
    }
    pendingCount -= n;
    inFlush = take.length;
    flushing = flush(take).finally(() => {
      flushing = undefined;
      inFlush = 0;
      if (!closing) schedule(failures ? RETRY_MS[Math.min(failures, RETRY_MS.length) - 1] : undefined);
    });
  }

  /** Puts messages back at the head (the database is away) to be tried again after a pause. */
  function requeue(items: readonly Incoming[], err: unknown): void {
    failures += 1;
    pending = [...items, ...pending];
    pendingCount += items.reduce((s, i) => s + i.count, 0);
    if (failures === 1 || failures % 10 === 0) log.error({ err: (err as Error).message, messages: items.length, failures }, 'mqtt batch not written; retrying');
  }

  function reject(item: Incoming, problems: readonly BatchProblem[]): void {
    counters.rejected += 1;
    const first = problems[0]!;
    const report = {
      topic: item.topic,
      receivedAt: item.receivedAt,
      ...(item.packet.messageId !== undefined ? { messageId: item.packet.messageId } : {}),
      code: 'MessageRejected',
      message: `消息被拒绝，${problems.length} 处错误 / message rejected: ${problems.length} problem(s); first: ${first.row ? `row ${first.row}, ` : ''}${first.field}: ${first.message}`,
      errorCount: problems.length,
      errors: problems.slice(0, 100),
      payload: item.payload.toString('utf8', 0, Math.min(item.payload.length, 300)),
    };
    log.warn({ topic: item.topic, errorCount: problems.length, first }, 'mqtt message rejected');
    const correlationData = item.packet.properties?.correlationData;
    client.publish(topics.errors, JSON.stringify(report), { qos: 1, properties: { contentType: 'application/json', ...(correlationData ? { correlationData } : {}) } });
    item.ack(REJECTED);
  }

  async function flush(items: readonly Incoming[]): Promise<void> {
    let ref: IngestReference;
    try {
      ref = await loadIngestReference(pool);
    } catch (err) {
      requeue(items, err);
      return;
    }
    const good: { item: Incoming; batch: ObservationBatch }[] = [];
    for (const item of items) {
      const checked: ParseResult = STA_TOPIC.test(item.local) || item.local === 'v1.1/Observations'
        ? checkObservation(item.local, item.payload, ref)
        : item.local === 'onemap/observations'
          ? checkBulk(item.payload, item.packet.properties?.contentType, ref)
          : { ok: false, problems: problem('(topic)', `publish one Observation to ${prefix}v1.1/Datastreams(<id>)/Observations, or a batch to ${topics.bulk}`) };
      if (checked.ok) good.push({ item, batch: checked.batch });
      else reject(item, checked.problems);
    }
    await write(good);
  }

  async function write(good: readonly { item: Incoming; batch: ObservationBatch }[]): Promise<void> {
    if (!good.length) return;
    const batch = mergeBatches(good.map((g) => g.batch));
    try {
      await ingestAndAnnounce(pool, batch, true, () => good.forEach((g) => g.item.ack(0)));
      failures = 0;
    } catch (err) {
      if (!isDataError(err)) return requeue(good.map((g) => g.item), err);
      // Something only the database saw: write the messages one by one to find it.
      if (good.length === 1) return reject(good[0]!.item, problem('(message)', (err as Error).message.slice(0, 300)));
      for (const g of good) await write([g]);
      return;
    }
  }

  /** Writes a batch, then (committed) runs `committed` and publishes what it actually wrote. */
  async function ingestAndAnnounce(db: Pool, batch: ObservationBatch, announce: boolean, committed?: () => void): Promise<IngestResult> {
    const changed = announce ? (await db.query<Changed>(CHANGED_SQL, [batch.datastreamIds, batch.times, batch.values])).rows : [];
    const result = await ingestBatch(db, batch);
    counters.written += result.written;
    committed?.();
    for (const c of changed) {
      client.publish(`${prefix}v1.1/Datastreams(${c.ds})/Observations`, JSON.stringify(observationEntity(staRoot, c)), {
        qos: UPDATE_QOS,
        properties: { contentType: 'application/json', userProperties: { [ORIGIN_PROPERTY]: 'update' } },
      });
    }
    return result;
  }

  return {
    ingest: (db, batch) => ingestAndAnnounce(db, batch, batch.datastreamIds.length <= ANNOUNCE_MAX),
    status: () => ({ state, broker, ...(lastError ? { lastError } : {}), ackAfterCommit: send !== undefined, ...counters, pending: pending.length + inFlush }),
    close: async () => {
      closing = true;
      clearTimeout(timer);
      await flushing;
      // One last batch, unless the database is away (then the broker's re-send covers it).
      if (pending.length && !failures) {
        const rest = pending;
        pending = [];
        pendingCount = 0;
        await flush(rest).catch(() => undefined);
      }
      state = 'closed';
      await client.endAsync(!client.connected);
    },
  };
}
