/**
 * The live observation feed over MQTT on a real broker (Debian mosquitto, started per file on a
 * free loopback port), the real server and PostGIS: STA Observations and bulk batches land with
 * rollups, a re-send changes nothing, a bad message is reported on the error topic while the
 * good ones around it are stored, a level above 警戒 raises an alarm pushed over SSE, written
 * observations are published to STA subscribers, two processes of one share group take each
 * message once, and a server whose broker is away starts, serves and connects once it appears.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type IPublishPacket, type MqttClient } from 'mqtt';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { createPool } from '../src/db.ts';
import { createApiToken } from '../src/services/auth-tokens.ts';
import { startServer, type RunningServer } from '../src/server.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

interface Broker {
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

/** Polls `check` until it returns a value (not undefined); fails naming `what` after `ms`. */
async function until<T>(what: string, check: () => Promise<T | undefined> | T | undefined, ms = 30_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() - t0 > ms) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A mosquitto of our own: loopback only, anonymous, no persistence; stopped by its pid. */
async function startBroker(port?: number): Promise<Broker> {
  const p = port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'onemap-mosquitto-'));
  writeFileSync(join(dir, 'mosquitto.conf'), `listener ${p} 127.0.0.1\nallow_anonymous true\npersistence false\n`);
  // Debian puts it in /usr/sbin, which a non-root PATH may lack.
  const child: ChildProcess = spawn(existsSync('/usr/sbin/mosquitto') ? '/usr/sbin/mosquitto' : 'mosquitto', ['-c', join(dir, 'mosquitto.conf')], { stdio: 'ignore' });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await until('mosquitto to listen', () => new Promise<true | undefined>((r) => {
    const s = createConnection(p, '127.0.0.1');
    s.once('connect', () => (s.destroy(), r(true)));
    s.once('error', () => r(undefined));
  }), 10_000);
  return {
    port: p,
    url: `mqtt://127.0.0.1:${p}`,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** PUBACK reason codes the server's bridge sent through the proxy, in order. */
interface Proxy {
  readonly url: string;
  readonly pubacks: number[];
  close(): Promise<void>;
}

/** Splits an MQTT byte stream into packets (fixed header type/flags, body), keeping the rest. */
function mqttFramer(onPacket: (first: number, body: Buffer) => void): (chunk: Buffer) => void {
  let buf = Buffer.alloc(0);
  return (chunk) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      let len = 0;
      let i = 1;
      for (let mul = 1; i < buf.length && i <= 4; i++, mul *= 128) {
        len += (buf[i]! & 127) * mul;
        if (!(buf[i]! & 128)) break;
      }
      if (i >= buf.length || buf.length < i + 1 + len) return;
      onPacket(buf[0]!, buf.subarray(i + 1, i + 1 + len));
      buf = buf.subarray(i + 1 + len);
    }
  };
}

/**
 * A TCP relay to the broker that reads the MQTT packets both ways and records the PUBACKs the
 * client (the server's bridge) sends for observation messages, so a test sees when a message
 * was acknowledged. Deliveries of the bridge's own receive-updates publications (user property
 * onemap-origin) are acknowledged at once and left out.
 */
async function pubackProxy(target: number): Promise<Proxy> {
  const pubacks: number[] = [];
  const sockets = new Set<Socket>();
  const srv = createServer((down) => {
    const up = createConnection(target, '127.0.0.1');
    sockets.add(down).add(up);
    const own = new Set<number>();
    const fromBroker = mqttFramer((first, body) => {
      // PUBLISH QoS 1: topic (length-prefixed), packet id, properties, payload.
      if (first >> 4 !== 3 || ((first >> 1) & 3) === 0) return;
      const at = 2 + body.readUInt16BE(0);
      const id = body.readUInt16BE(at);
      if (body.includes('onemap-origin')) own.add(id);
      else own.delete(id);
    });
    const fromClient = mqttFramer((first, body) => {
      // PUBACK: packet id, then the reason code (absent = 0, success).
      if (first >> 4 === 4 && !own.has(body.readUInt16BE(0))) pubacks.push(body.length > 2 ? body[2]! : 0);
    });
    down.on('data', (chunk: Buffer) => (fromClient(chunk), up.write(chunk)));
    up.on('data', (chunk: Buffer) => (fromBroker(chunk), down.write(chunk)));
    const end = () => (down.destroy(), up.destroy());
    down.on('close', end).on('error', end);
    up.on('close', end).on('error', end);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as AddressInfo;
  return {
    url: `mqtt://127.0.0.1:${port}`,
    pubacks,
    close: () =>
      new Promise<void>((r) => {
        for (const sck of sockets) sck.destroy();
        srv.close(() => r());
      }),
  };
}

interface Received {
  readonly topic: string;
  readonly json: Record<string, unknown>;
  readonly packet: IPublishPacket;
}

/** A test client recording what arrives on its subscriptions. */
async function client(url: string, topics: string[] = []): Promise<{ c: MqttClient; got: Received[] }> {
  const c = connect(url, { protocolVersion: 5, reconnectPeriod: 0 });
  await new Promise<void>((resolve, reject) => (c.once('connect', () => resolve()), c.once('error', reject)));
  const got: Received[] = [];
  c.on('message', (topic, payload, packet) => {
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(payload.toString());
    } catch {
      json = { raw: payload.toString() };
    }
    got.push({ topic, json, packet });
  });
  if (topics.length) await c.subscribeAsync(topics, { qos: 1 });
  return { c, got };
}

const isUpdate = (m: Received) => m.packet.properties?.userProperties?.['onemap-origin'] === 'update';

describe('MQTT configuration', () => {
  it('is off without MQTT_URL, lists every bad MQTT setting, and never advertises credentials', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://x/y' }).mqtt).toBeUndefined();
    const c = loadConfig({ DATABASE_URL: 'postgres://x/y', MQTT_URL: 'mqtt://feed:s3cret@broker.example:1883', MQTT_TOPIC_PREFIX: 'taizhou/' });
    expect(c.mqtt).toMatchObject({ publicUrl: 'mqtt://broker.example:1883', topicPrefix: 'taizhou/', shareGroup: 'onemap', batchMax: 5000, flushMs: 200, receiveMaximum: 10000 });
    let err: unknown;
    try {
      loadConfig({ DATABASE_URL: 'postgres://x/y', MQTT_URL: 'http://broker', MQTT_TOPIC_PREFIX: 'a/#/', MQTT_SHARE_GROUP: 'a/b', MQTT_FLUSH_MS: '0' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    for (const key of ['MQTT_URL', 'MQTT_TOPIC_PREFIX', 'MQTT_SHARE_GROUP', 'MQTT_FLUSH_MS']) expect(problems).toContain(key);
  });
});

describe('MQTT observation feed', () => {
  let broker: Broker;
  let proxy: Proxy;
  let platform: TestPlatform;
  let db: pg.Client;
  let pub: MqttClient;
  let updates: Received[];
  let errors: Received[];
  let z: { id: number; stcd: string };
  let drp: { id: number; stcd: string; intv_min: number };
  const call = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${platform.baseUrl}${path}`, { headers });
    return { status: res.status, json: JSON.parse(await res.text()) };
  };
  const one = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows[0] as T;
  const stored = async (ds: number, tm: string) => (await one<{ v: number | null }>('SELECT (SELECT value::float8 FROM hydro.obs WHERE datastream_id = $1 AND tm = $2) AS v', [ds, tm])).v;
  const publish = (topic: string, body: unknown) => pub.publishAsync(topic, typeof body === 'string' ? body : JSON.stringify(body), { qos: 1 });

  beforeAll(async () => {
    broker = await startBroker();
    proxy = await pubackProxy(broker.port);
    platform = await startTestPlatform({ MQTT_URL: proxy.url });
    db = new pg.Client({ connectionString: platform.databaseUrl });
    await db.connect();
    z = await one(`SELECT d.id, d.stcd FROM hydro.datastream d JOIN hydro.st_stbprp_b s ON s.stcd = d.stcd WHERE d.element = 'Z' AND s.sttp = 'ZZ' AND d.stcd ~ '^[0-9]+$' ORDER BY d.id LIMIT 1`);
    drp = await one(`SELECT id, stcd, intv_min FROM hydro.datastream WHERE element = 'DRP' AND stcd ~ '^[0-9]+$' ORDER BY id LIMIT 1`);
    const sub = await client(broker.url, ['v1.1/+/Observations', 'onemap/observations/errors']);
    updates = sub.got;
    errors = sub.got;
    pub = sub.c;
    await until('the bridge to connect', async () => ((await call('/ready')).json['mqtt']?.state === 'connected' ? true : undefined));
  }, 120_000);

  afterAll(async () => {
    await pub?.endAsync();
    await db?.end();
    await platform?.close();
    await proxy?.close();
    await broker?.stop();
  });

  it('advertises the MQTT conformance classes with the broker as endpoint, and reports MQTT in /ready', async () => {
    const root = await call('/sta/v1.1');
    const settings = root.json['serverSettings'];
    expect(settings.conformance).toEqual(
      expect.arrayContaining([
        'http://www.opengis.net/spec/iot_sensing/1.1/req/create-observations-via-mqtt/observations-creation',
        'http://www.opengis.net/spec/iot_sensing/1.1/req/receive-updates-via-mqtt/receive-updates',
      ]),
    );
    expect(settings['http://www.opengis.net/spec/iot_sensing/1.1/req/create-observations-via-mqtt/observations-creation']).toEqual({ endpoints: [proxy.url] });
    const ready = await call('/ready');
    expect(ready.json['checks']['database']).toBe('ok');
    expect(ready.json['mqtt']).toMatchObject({ state: 'connected', broker: proxy.url, ackAfterCommit: true });
  });

  it('stores STA Observations and bulk batches (JSON and SL 323 CSV) with rollups, and publishes each written observation', async () => {
    const sent = [
      [`v1.1/Datastreams(${z.id})/Observations`, { phenomenonTime: '2023-03-01T10:00:00+08:00', result: 3.25 }],
      ['v1.1/Observations', { Datastream: { '@iot.id': drp.id }, phenomenonTime: '2023-03-01T09:55:00+08:00/2023-03-01T10:00:00+08:00', result: 1.5 }],
      ['onemap/observations', [{ stcd: z.stcd, element: 'Z', tm: '2023-03-01 10:05:00', value: 3.5 }]],
      ['onemap/observations', `STCD,TM,DRP,INTV\n${drp.stcd},2023-03-01 10:05:00,2.5,0.05\n`],
    ] as const;
    const before = updates.filter(isUpdate).length;
    for (const [topic, body] of sent) await publish(topic, body);
    await until('four observations', async () => ((await one<{ n: number }>(`SELECT count(*)::int AS n FROM hydro.obs WHERE datastream_id = ANY($1) AND tm BETWEEN '2023-03-01 10:00+08' AND '2023-03-01 10:05+08'`, [[z.id, drp.id]])).n === 4 ? true : undefined));
    expect(await stored(z.id, '2023-03-01T10:00:00+08:00')).toBe(3.25);
    expect(await stored(z.id, '2023-03-01T10:05:00+08:00')).toBe(3.5);
    expect(await stored(drp.id, '2023-03-01T10:05:00+08:00')).toBe(2.5);
    const hourly = await one<{ zmax: number; zlast: number; drp: number }>(
      `SELECT (SELECT max FROM hydro.obs_hourly WHERE datastream_id = $1 AND hour_end = '2023-03-01 11:00+08')::float8 AS zmax,
              (SELECT last FROM hydro.obs_hourly WHERE datastream_id = $1 AND hour_end = '2023-03-01 11:00+08')::float8 AS zlast,
              (SELECT sum(sum) FROM hydro.obs_hourly WHERE datastream_id = $2 AND hour_end BETWEEN '2023-03-01 10:00+08' AND '2023-03-01 11:00+08') AS drp`,
      [z.id, drp.id],
    );
    expect(hourly).toEqual({ zmax: 3.5, zlast: 3.5, drp: 4 });

    // receive-updates: every written observation as the STA entity, on its Datastream's topic.
    const got = await until('four updates', () => (updates.filter(isUpdate).length - before >= 4 ? updates.filter(isUpdate).slice(before) : undefined));
    expect(got).toHaveLength(4);
    const zUpdate = got.find((m) => m.json['result'] === 3.25)!;
    expect(zUpdate.topic).toBe(`v1.1/Datastreams(${z.id})/Observations`);
    expect(zUpdate.json).toMatchObject({ '@iot.id': z.id * 1e10 + Date.parse('2023-03-01T02:00:00Z') / 1000, phenomenonTime: '2023-03-01T02:00:00Z', resultTime: null });
    const drpUpdate = got.find((m) => m.json['result'] === 1.5)!;
    expect(drpUpdate.topic).toBe(`v1.1/Datastreams(${drp.id})/Observations`);
    expect(drpUpdate.json['phenomenonTime']).toBe('2023-03-01T01:55:00Z/2023-03-01T02:00:00Z');
    // The published entity is the one the HTTP API serves.
    const self = await fetch(String(drpUpdate.json['@iot.selfLink']));
    expect(await self.json()).toEqual(drpUpdate.json);
  });

  it('announces observations written over HTTP too (bulk API and CreateObservations), and not an unchanged re-send', async () => {
    const pool = createPool({ databaseUrl: platform.databaseUrl, poolMax: 1, statementTimeoutMs: 5000 });
    const token = await createApiToken(pool, '遥测网关', 'editor', 1);
    await pool.end();
    const post = (path: string, body: unknown) =>
      fetch(`${platform.baseUrl}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, json: JSON.parse(await r.text()) }));
    const bulk = [{ stcd: z.stcd, element: 'Z', tm: '2023-03-05 08:00:00', value: 2.125 }];
    const sta = [{ Datastream: { '@iot.id': drp.id }, components: ['phenomenonTime', 'result'], dataArray: [['2023-03-05T07:55:00+08:00/2023-03-05T08:00:00+08:00', 0.5]] }];
    const seen = updates.filter(isUpdate).length;
    expect((await post('/water/observations', bulk)).json).toMatchObject({ written: 1 });
    expect((await post('/sta/v1.1/CreateObservations', sta)).status).toBe(201);
    const got = await until('two updates', () => (updates.filter(isUpdate).length - seen >= 2 ? updates.filter(isUpdate).slice(seen) : undefined));
    expect(got.map((m) => [m.topic, m.json['result']])).toEqual([
      [`v1.1/Datastreams(${z.id})/Observations`, 2.125],
      [`v1.1/Datastreams(${drp.id})/Observations`, 0.5],
    ]);
    // Re-sent unchanged, then a new one: only the new one is announced.
    expect((await post('/water/observations', bulk)).json).toMatchObject({ written: 0 });
    expect((await post('/sta/v1.1/CreateObservations', sta)).status).toBe(201);
    expect((await post('/water/observations', [{ ...bulk[0], tm: '2023-03-05 08:05:00' }])).json).toMatchObject({ written: 1 });
    await until('the third update', () => (updates.filter(isUpdate).length - seen >= 3 ? true : undefined));
    expect(updates.filter(isUpdate).slice(seen + 2).map((m) => m.json['phenomenonTime'])).toEqual(['2023-03-05T00:05:00Z']);
  });

  it('changes nothing and publishes nothing when the same messages are sent again', async () => {
    const snapshot = () =>
      one(`SELECT (SELECT count(*) FROM hydro.obs)::int AS obs, (SELECT md5(string_agg(h::text, ',' ORDER BY datastream_id, hour_end)) FROM hydro.obs_hourly h WHERE datastream_id = ANY($1)) AS hourly,
                  (SELECT count(*) FROM hydro.alarm_event)::int AS events`, [[z.id, drp.id]]);
    const before = await snapshot();
    const seen = updates.filter(isUpdate).length;
    await publish(`v1.1/Datastreams(${z.id})/Observations`, { phenomenonTime: '2023-03-01T10:00:00+08:00', result: 3.25 });
    await publish('onemap/observations', [{ stcd: z.stcd, element: 'Z', tm: '2023-03-01 10:05:00', value: 3.5 }]);
    await publish('onemap/observations', `STCD,TM,DRP,INTV\n${drp.stcd},2023-03-01 10:05:00,2.5,0.05\n`);
    // A new observation after them: once it is in, the re-sends before it have been handled.
    await publish(`v1.1/Datastreams(${z.id})/Observations`, { phenomenonTime: '2023-03-01T10:10:00+08:00', result: 3.625 });
    await until('the marker observation', async () => ((await stored(z.id, '2023-03-01T10:10:00+08:00')) !== null ? true : undefined));
    await until('the marker update', () => (updates.filter(isUpdate).slice(seen).some((m) => m.json['result'] === 3.625) ? true : undefined));
    const after = await snapshot();
    expect(after['obs']).toBe((before['obs'] as number) + 1);
    expect(after['events']).toBe(before['events']);
    expect(updates.filter(isUpdate).slice(seen).map((m) => m.json['result'])).toEqual([3.625]);
  });

  it('reports a bad message on the error topic and still stores the good messages around it', async () => {
    const seen = errors.filter((m) => m.topic === 'onemap/observations/errors').length;
    const acked = proxy.pubacks.length;
    await publish(`v1.1/Datastreams(${z.id})/Observations`, { phenomenonTime: '2023-03-01T10:15:00+08:00', result: 3.7 });
    await publish(`v1.1/Datastreams(${z.id})/Observations`, '{"phenomenonTime": ');
    await publish(`v1.1/Datastreams(${z.id})/Observations`, { phenomenonTime: '2023-03-01T10:20:00+08:00', result: 'high' });
    await publish('v1.1/Datastreams(999999)/Observations', { phenomenonTime: '2023-03-01T10:20:00+08:00', result: 1 });
    await publish('onemap/observations', [{ stcd: z.stcd, element: 'Z', tm: '2023-03-01 10:25:00', value: 3.9 }, { stcd: '99999999', element: 'Z', tm: '2023-03-01 10:25:00', value: 1 }]);
    await publish('onemap/observations', [{ stcd: z.stcd, element: 'Z', tm: '2023-03-01 10:30:00', value: 3.8 }]);
    const reports = await until('four error reports', () => {
      const r = errors.filter((m) => m.topic === 'onemap/observations/errors').slice(seen);
      return r.length >= 4 ? r.map((m) => m.json) : undefined;
    });
    expect(reports).toHaveLength(4);
    expect(reports[0]).toMatchObject({ topic: `v1.1/Datastreams(${z.id})/Observations`, code: 'MessageRejected', errors: [{ field: '(payload)' }] });
    expect(String(reports[0]!['message'])).toContain('not JSON');
    expect(reports[1]).toMatchObject({ topic: `v1.1/Datastreams(${z.id})/Observations`, errors: [{ field: 'result' }] });
    expect(String(reports[1]!['payload'])).toContain('high');
    expect(reports[2]).toMatchObject({ topic: 'v1.1/Datastreams(999999)/Observations', errors: [{ field: 'Datastream', message: 'unknown Datastream(999999)' }] });
    expect(reports[3]).toMatchObject({ topic: 'onemap/observations', errorCount: 1, errors: [{ row: 2, field: 'stcd' }] });
    await until('the good messages', async () => ((await stored(z.id, '2023-03-01T10:30:00+08:00')) !== null ? true : undefined));
    expect(await stored(z.id, '2023-03-01T10:15:00+08:00')).toBeCloseTo(3.7, 5);
    expect(await stored(z.id, '2023-03-01T10:30:00+08:00')).toBeCloseTo(3.8, 5);
    // A rejected message is rejected whole, as over HTTP: its good row is not stored.
    expect(await stored(z.id, '2023-03-01T10:25:00+08:00')).toBeNull();
    expect(await stored(z.id, '2023-03-01T10:20:00+08:00')).toBeNull();
    expect((await call('/ready')).json['mqtt']['rejected']).toBeGreaterThanOrEqual(4);
    // Every message is acknowledged; the rejected ones with 0x99 (payload format invalid).
    const codes = await until('six PUBACKs', () => (proxy.pubacks.length - acked >= 6 ? proxy.pubacks.slice(acked) : undefined));
    expect(codes.filter((c) => c === 0x99)).toHaveLength(4);
    expect(codes.filter((c) => c === 0)).toHaveLength(2);
  });

  it('keeps a message the database could not take (unacknowledged, unreported), retries it, and writes it once the database answers', async () => {
    const reports = () => errors.filter((m) => m.topic === 'onemap/observations/errors').length;
    const seen = reports();
    const lock = new pg.Client({ connectionString: platform.databaseUrl });
    await lock.connect();
    const waiting = `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'onemap-map-server' AND wait_event_type = 'Lock'`;
    let acked = 0;
    try {
      await lock.query('BEGIN');
      await lock.query('LOCK TABLE hydro.obs IN ACCESS EXCLUSIVE MODE');
      acked = proxy.pubacks.length;
      await publish(`v1.1/Datastreams(${z.id})/Observations`, { phenomenonTime: '2023-03-03T08:00:00+08:00', result: 2.75 });
      const first = await until('the bridge to wait for the table', async () => (await db.query(waiting)).rows[0]?.pid as number | undefined);
      // The write fails for the database's reasons (connection ended), not the message's.
      await db.query('SELECT pg_terminate_backend($1)', [first]);
      await until('the bridge to try again', async () => {
        const pid = (await db.query(waiting)).rows[0]?.pid as number | undefined;
        return pid !== undefined && pid !== first ? pid : undefined;
      });
      const status = (await call('/ready')).json['mqtt'];
      expect(status).toMatchObject({ pending: 1, ackAfterCommit: true });
      // Received long ago, written not yet: not acknowledged either.
      expect(proxy.pubacks.length).toBe(acked);
    } finally {
      await lock.query('COMMIT');
      await lock.end();
    }
    expect(await until('the observation', () => stored(z.id, '2023-03-03T08:00:00+08:00').then((v) => v ?? undefined))).toBe(2.75);
    expect(reports()).toBe(seen);
    expect(await until('the PUBACK after the commit', () => (proxy.pubacks.length > acked ? proxy.pubacks.slice(acked) : undefined))).toEqual([0]);
    expect((await call('/ready')).json['mqtt']['pending']).toBe(0);
  });

  it('raises an alarm for a level above 警戒 published over MQTT and pushes it to SSE clients', async () => {
    const st = await one<{ id: number; stcd: string; wrz: number; latest: Date }>(
      `SELECT d.id, d.stcd, r.wrz::float8 AS wrz, (SELECT max(tm) FROM hydro.obs WHERE datastream_id = d.id) AS latest
         FROM hydro.datastream d JOIN hydro.st_rvfcch_b r ON r.stcd = d.stcd JOIN hydro.st_stbprp_b s ON s.stcd = d.stcd
        WHERE d.element = 'Z' AND s.sttp = 'ZZ' AND r.wrz IS NOT NULL AND d.stcd ~ '^[0-9]+$' ORDER BY d.id LIMIT 1`,
    );
    await db.query('DELETE FROM hydro.alarm WHERE stcd = $1', [st.stcd]);
    const controller = new AbortController();
    const res = await fetch(`${platform.baseUrl}/water/alarms/stream`, { signal: controller.signal });
    const reader = res.body!.getReader();
    let text = '';
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        text += new TextDecoder().decode(value);
      }
    })().catch(() => undefined);
    await until('the SSE stream to open', () => (text.includes('retry:') ? true : undefined));
    let event;
    try {
      const at = new Date(new Date(st.latest).getTime() + 60_000).toISOString();
      await publish(`v1.1/Datastreams(${st.id})/Observations`, { phenomenonTime: at, result: st.wrz + 0.5 });
      event = await until('the raised alarm on SSE', () => {
        const events = text.split('\n\n').filter((b) => b.includes('event: raised')).map((b) => JSON.parse(b.slice(b.indexOf('data: ') + 6)) as { alarm: { stcd: string; kind: string; value: number } });
        return events.find((e) => e.alarm.stcd === st.stcd && e.alarm.kind === 'over_warning');
      });
    } finally {
      controller.abort();
      await reading;
    }
    expect(event.alarm).toMatchObject({ stcd: st.stcd, kind: 'over_warning', state: 'raised' });
    expect(event.alarm.value).toBeCloseTo(st.wrz + 0.5, 3);
    const list = await call('/water/alarms');
    expect(list.json['alarms'].some((a: { stcd: string; kind: string }) => a.stcd === st.stcd && a.kind === 'over_warning')).toBe(true);
  });

  it('lets two processes of one share group take each message once', async () => {
    const second: RunningServer = await startServer(loadConfig({ DATABASE_URL: platform.databaseUrl, PORT: '0', LOG_LEVEL: 'silent', TILE_CACHE: 'off', MQTT_URL: broker.url }), pino({ level: 'silent' }));
    try {
      const ready = async (base: string) => (await (await fetch(`${base}/ready`)).json()) as { mqtt: { state: string; messages: number } };
      await until('the second bridge', async () => ((await ready(second.url)).mqtt.state === 'connected' ? true : undefined));
      // A shared subscription is live once the broker has handed the group both members; the
      // first messages may all go to one of them, so the count is what is checked, not the split.
      const a0 = (await ready(platform.baseUrl)).mqtt.messages;
      const b0 = (await ready(second.url)).mqtt.messages;
      const n = 40;
      for (let i = 0; i < n; i++) await publish(`v1.1/Datastreams(${z.id})/Observations`, { phenomenonTime: new Date(Date.parse('2023-03-02T00:00:00Z') + i * 300_000).toISOString(), result: 2 + i / 100 });
      await until('all 40 observations', async () => ((await one<{ n: number }>(`SELECT count(*)::int AS n FROM hydro.obs WHERE datastream_id = $1 AND tm >= '2023-03-02 00:00Z' AND tm < '2023-03-03 00:00Z'`, [z.id])).n === n ? true : undefined));
      const taken = await until('both bridges to count every message', async () => {
        const a = (await ready(platform.baseUrl)).mqtt.messages - a0;
        const b = (await ready(second.url)).mqtt.messages - b0;
        return a + b >= n ? { a, b } : undefined;
      });
      expect(taken.a + taken.b).toBe(n);
    } finally {
      await second.close();
    }
  });
});

describe('MQTT credentials', () => {
  it('never reach the logs, /ready or the STA root', async () => {
    const port = await freePort();
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) });
    const db = await startTestPlatform();
    let server: RunningServer | undefined;
    try {
      server = await startServer(loadConfig({ DATABASE_URL: db.databaseUrl, PORT: '0', TILE_CACHE: 'off', MQTT_URL: `mqtt://feed:s3cret-pw@127.0.0.1:${port}` }), logger);
      await until('a connection error in the log', () => (lines.some((l) => l.includes('ECONNREFUSED')) ? true : undefined));
      const ready = (await (await fetch(`${server.url}/ready`)).json()) as { mqtt: { broker: string } };
      const root = await (await fetch(`${server.url}/sta/v1.1`)).text();
      expect(ready.mqtt.broker).toBe(`mqtt://feed:***@127.0.0.1:${port}`);
      expect(root).toContain(`"mqtt://127.0.0.1:${port}"`);
      for (const text of [...lines, JSON.stringify(ready), root]) expect(text).not.toContain('s3cret');
    } finally {
      await server?.close();
      await db.close();
    }
  });
});

describe('MQTT broker away at start', () => {
  it('starts and serves HTTP without the broker, says so in /ready, and connects and ingests once the broker appears', async () => {
    const port = await freePort();
    const platform = await startTestPlatform({ MQTT_URL: `mqtt://127.0.0.1:${port}` });
    let broker: Broker | undefined;
    let pub: MqttClient | undefined;
    const db = new pg.Client({ connectionString: platform.databaseUrl });
    await db.connect();
    try {
      expect((await fetch(`${platform.baseUrl}/health`)).status).toBe(200);
      const ready = await fetch(`${platform.baseUrl}/ready`);
      const body = (await ready.json()) as { status: string; checks: Record<string, string>; mqtt: { state: string; lastError?: string } };
      // The feed is optional: its broker being away is reported beside the checks, not one of
      // them, so it never makes /ready 503 (the status follows the database and migrations only:
      // a migration file edited while this runs makes those pending, which is not ours to test).
      expect(body.checks).toEqual({ database: 'ok', migrations: expect.any(String) });
      expect(ready.status).toBe(body.checks['migrations'] === 'ok' ? 200 : 503);
      expect(['connecting', 'reconnecting']).toContain(body.mqtt.state);
      expect(body.mqtt.lastError).toContain('ECONNREFUSED');
      expect((await fetch(`${platform.baseUrl}/water/alarms`)).status).toBe(200);

      broker = await startBroker(port);
      await until('the bridge to connect', async () => ((await (await fetch(`${platform.baseUrl}/ready`)).json()) as { mqtt: { state: string } }).mqtt.state === 'connected' ? true : undefined);
      const ds = (await db.query(`SELECT id FROM hydro.datastream WHERE element = 'Z' AND stcd ~ '^[0-9]+$' ORDER BY id LIMIT 1`)).rows[0] as { id: number };
      pub = (await client(broker.url)).c;
      await pub.publishAsync(`v1.1/Datastreams(${ds.id})/Observations`, JSON.stringify({ phenomenonTime: '2023-04-01T08:00:00+08:00', result: 2.5 }), { qos: 1 });
      const v = await until('the observation', async () => {
        const r = await db.query(`SELECT value::float8 AS v FROM hydro.obs WHERE datastream_id = $1 AND tm = '2023-04-01 08:00+08'`, [ds.id]);
        return r.rows[0]?.v as number | undefined;
      });
      expect(v).toBe(2.5);
    } finally {
      await pub?.endAsync();
      await db.end();
      await platform.close();
      await broker?.stop();
    }
  }, 120_000);
});
