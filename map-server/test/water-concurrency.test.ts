/**
 * Concurrent bulk ingest (migration 0090): batches of the same stations posted at once —
 * consecutive hours, an identical re-send, a correction racing its original, a batch straddling
 * two others — all succeed (keys and stations are locked in one order, so no deadlock), the
 * hourly and rainfall-day rollups equal a recomputation from the raw rows whatever order the
 * batches committed in, and each station's map state is that of its latest data, even after a
 * backfill of older data.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool } from '../src/db.ts';
import { createApiToken } from '../src/services/auth-tokens.ts';
import { startTestPlatform, type TestPlatform } from './support/platform.ts';

let platform: TestPlatform;
let db: pg.Client;
let token: string;

beforeAll(async () => {
  platform = await startTestPlatform();
  db = new pg.Client({ connectionString: platform.databaseUrl });
  await db.connect();
  const pool = createPool({ databaseUrl: platform.databaseUrl, poolMax: 1, statementTimeoutMs: 5000 });
  token = await createApiToken(pool, '并发写入', 'editor', 1);
  await pool.end();
}, 60_000);
afterAll(async () => {
  await db?.end();
  await platform?.close();
});

// A day no sample data touches; its rainfall day starts at 08:00, the batches run 06:00–12:00
// so the 08:00 boundary falls between them.
const DAY0 = Date.parse('2025-02-10T06:00:00+08:00');
const HOUR = 3_600_000;
const STEP = 300_000;

type Row = { stcd: string; element: string; tm: string; value: number };

function hourRows(stations: readonly { stcd: string; element: string }[], fromMs: number, toMs: number, value: (i: number, t: number) => number): Row[] {
  const rows: Row[] = [];
  for (let t = fromMs + STEP; t <= toMs; t += STEP)
    stations.forEach((s, i) => rows.push({ stcd: s.stcd, element: s.element, tm: new Date(t).toISOString(), value: value(i, t) }));
  return rows;
}

describe('concurrent bulk ingest', () => {
  it('accepts overlapping batches at once and leaves rollups and map states consistent', async () => {
    const { rows: stations } = await db.query<{ stcd: string; element: string }>(
      `(SELECT s.stcd, 'DRP' AS element FROM hydro.st_stbprp_b s WHERE s.sttp = 'PP' ORDER BY s.stcd LIMIT 30)
       UNION ALL (SELECT s.stcd, 'Z' FROM hydro.st_stbprp_b s WHERE s.sttp = 'ZZ' ORDER BY s.stcd LIMIT 10)`,
    );
    expect(stations.length).toBe(40);
    const rain = (i: number, t: number) => (stations[i]!.element === 'DRP' ? ((i * 7 + t / STEP) % 5) / 2 : 3 + ((i + t / HOUR) % 10) / 10);
    const hours = Array.from({ length: 6 }, (_, h) => hourRows(stations, DAY0 + h * HOUR, DAY0 + (h + 1) * HOUR, rain));
    const batches: Row[][] = [
      ...hours,
      hours[2]!, // identical re-send
      hourRows(stations, DAY0 + 3 * HOUR, DAY0 + 4 * HOUR, (i, t) => (stations[i]!.element === 'DRP' ? 9.5 : rain(i, t))), // correction
      hourRows(stations, DAY0 + 4.5 * HOUR, DAY0 + 5.5 * HOUR, rain), // straddles hours 4 and 5
    ];
    const results = await Promise.all(
      batches.map(async (b) => {
        const res = await fetch(`${platform.baseUrl}/water/observations`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(b),
        });
        return { status: res.status, body: (await res.json()) as { written?: number; received?: number } };
      }),
    );
    expect(results.map((r) => r.status)).toEqual(batches.map(() => 200));
    // Every key of the six hours is stored once; the corrected hour holds one of the two versions.
    const ds = `(SELECT d.id FROM hydro.datastream d JOIN unnest($1::text[], $2::text[]) AS x(stcd, element) ON d.stcd = x.stcd AND d.element = x.element)`;
    const args = [stations.map((s) => s.stcd), stations.map((s) => s.element), new Date(DAY0).toISOString(), new Date(DAY0 + 6 * HOUR).toISOString()];
    const count = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM hydro.obs WHERE datastream_id IN ${ds} AND tm > $3 AND tm <= $4`, args);
    expect(count.rows[0]!.n).toBe(6 * 12 * 40);

    const hourlyDiff = await db.query(
      `WITH raw AS (
         SELECT o.datastream_id, hydro.hour_end(o.tm) AS hour_end, count(*)::int AS n, round(sum(o.value)::numeric, 3) AS sum,
                min(o.value) AS min, max(o.value) AS max, (array_agg(o.value ORDER BY o.tm DESC))[1] AS last
           FROM hydro.obs o WHERE o.datastream_id IN ${ds} AND o.tm > $3 AND o.tm <= $4 GROUP BY 1, 2),
       roll AS (
         SELECT h.datastream_id, h.hour_end, h.n, round(h.sum::numeric, 3) AS sum, h.min, h.max, h.last
           FROM hydro.obs_hourly h WHERE h.datastream_id IN ${ds} AND h.hour_end > $3 AND h.hour_end <= $4)
       (SELECT * FROM raw EXCEPT SELECT * FROM roll) UNION ALL (SELECT * FROM roll EXCEPT SELECT * FROM raw)`,
      args,
    );
    expect(hourlyDiff.rows).toEqual([]);
    const dailyDiff = await db.query(
      `WITH raw AS (
         SELECT o.datastream_id, hydro.rain_day(o.tm) AS day, count(*)::int AS n, round(sum(o.value)::numeric, 3) AS sum
           FROM hydro.obs o WHERE o.datastream_id IN ${ds} AND o.tm > $3 AND o.tm <= $4 GROUP BY 1, 2),
       roll AS (
         SELECT d.datastream_id, d.day, d.n, round(d.sum::numeric, 3) AS sum
           FROM hydro.obs_daily d WHERE d.datastream_id IN ${ds} AND d.day IN (SELECT DISTINCT day FROM raw))
       (SELECT * FROM raw EXCEPT SELECT * FROM roll) UNION ALL (SELECT * FROM roll EXCEPT SELECT * FROM raw)`,
      args,
    );
    expect(dailyDiff.rows).toEqual([]);
    const days = await db.query<{ n: number }>(`SELECT count(DISTINCT hydro.rain_day(tm))::int AS n FROM hydro.obs WHERE datastream_id IN ${ds} AND tm > $3 AND tm <= $4`, args);
    expect(days.rows[0]!.n).toBe(2); // the 08:00 boundary lies inside the batches

    // The map state of every station is its state at its latest observation, whichever batch
    // committed last, and a later backfill of older data leaves it there.
    const backfill = await fetch(`${platform.baseUrl}/water/observations`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(hourRows(stations, DAY0 + HOUR, DAY0 + 2 * HOUR, (i, t) => rain(i, t) + 0.5)),
    });
    expect(((await backfill.json()) as { written: number }).written).toBe(12 * 40);
    const states = await db.query<{ stcd: string; status_tm: Date | null }>(`SELECT stcd, status_tm FROM hydro.st_stbprp_b WHERE stcd = ANY ($1::text[]) ORDER BY stcd`, [stations.map((s) => s.stcd)]);
    expect(states.rows.filter((r) => r.status_tm?.getTime() !== DAY0 + 6 * HOUR)).toEqual([]);
  }, 60_000);

  it('raises the alarm that late data completes: the later hour first, then the earlier one', async () => {
    const gauge = (await db.query<{ stcd: string }>(`SELECT stcd FROM hydro.st_stbprp_b WHERE sttp = 'PP' ORDER BY stcd OFFSET 40 LIMIT 1`)).rows[0]!.stcd;
    const h0 = Date.parse('2025-03-12T10:00:00+08:00');
    // 30 mm in each hour: neither hour alone reaches the 3-hour 50 mm rule, both together do.
    const hour = (from: number) => hourRows([{ stcd: gauge, element: 'DRP' }], from, from + HOUR, () => 2.5);
    const post = async (rows: Row[]) =>
      (await fetch(`${platform.baseUrl}/water/observations`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(rows),
      })).status;
    expect(await post(hour(h0 + HOUR))).toBe(200);
    const rule = async () => (await db.query<{ raised_at: Date; value: number }>(`SELECT raised_at, value FROM hydro.alarm WHERE stcd = $1 AND kind = 'rain_3h_50'`, [gauge])).rows;
    expect(await rule()).toEqual([]);
    expect(await post(hour(h0))).toBe(200);
    const raised = await rule();
    expect(raised.map((r) => [r.raised_at.getTime(), r.value])).toEqual([[h0 + 2 * HOUR, 60]]);
    const state = (await db.query<{ status_tm: Date }>('SELECT status_tm FROM hydro.st_stbprp_b WHERE stcd = $1', [gauge])).rows[0]!;
    expect(state.status_tm.getTime()).toBe(h0 + 2 * HOUR);
  }, 30_000);
});
