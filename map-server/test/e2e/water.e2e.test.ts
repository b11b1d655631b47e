// The functions given to page.evaluate run in the browser and use its globals.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The 水利 workspace end to end in headless Chromium against the real server and PostGIS: with
 * the page open, the typhoon day is replayed over HTTP (POST /water/observations, hour by hour);
 * the alarms arrive in the browser over Server-Sent Events without a reload, in the order the
 * data raised them, the station states on the map turn to 超警戒, an alarm is acknowledged with
 * the editor token, and the station chart (uPlot) renders with its thresholds and follows the
 * global time cursor.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { LAUNCH_OPTIONS, openClientPage, countMapColour } from '../support/browser.ts';
import { createPool } from '../../src/db.ts';
import { createApiToken } from '../../src/services/auth-tokens.ts';

const CLIENT_DIR = process.env['ONEMAP_CLIENT_DIR'] ?? fileURLToPath(new URL('../../../map-client/dist/', import.meta.url));
const FROM = '2024-09-15 08:00+08';
const TO = '2024-09-16 08:00+08';
/** The over-warning state colour of the workspace (water-logic.ts STATE_COLOURS.over_warning). */
const OVER_WARNING_RGB = [0xf4, 0x6d, 0x43] as const;

let platform: TestPlatform;
let browser: Browser;
let db: pg.Client;
let token: string;
const problems: string[] = [];

beforeAll(async () => {
  if (!existsSync(`${CLIENT_DIR}/index.html`)) throw new Error(`the built client is missing (${CLIENT_DIR}); run \`npm run build -w map-client\` first`);
  platform = await startTestPlatform({ ONEMAP_CLIENT_DIR: CLIENT_DIR });
  db = new pg.Client({ connectionString: platform.databaseUrl });
  await db.connect();
  const pool = createPool({ databaseUrl: platform.databaseUrl, poolMax: 1, statementTimeoutMs: 5000 });
  token = await createApiToken(pool, '防汛值班员', 'editor', 1).finally(() => pool.end());
  browser = await chromium.launch(LAUNCH_OPTIONS);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await db?.end();
  await platform?.close();
});

async function post(path: string, body: unknown) {
  const res = await fetch(`${platform.baseUrl}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** A page of the client with this suite's token, its problems recorded. */
const openPage = (query: string): Promise<Page> => openClientPage(browser, platform.baseUrl, query, { problems, token });

/** Pixels of the map within `tol` of `rgb`. */
const countColour = (page: Page, rgb: readonly [number, number, number], tol = 6): Promise<number> => countMapColour(page, rgb, tol);

describe('水利 workspace in headless Chromium', () => {
  it('shows the alarms of a typhoon-day replay arrive live, acknowledges one, and charts the station at the time cursor', async () => {
    // Rivers and sluices: the day is taken out and replayed through the API with the page open.
    const { rows: obs } = await db.query(
      `SELECT d.stcd, d.element, o.tm, o.value FROM hydro.obs o JOIN hydro.datastream d ON d.id = o.datastream_id JOIN hydro.st_stbprp_b s ON s.stcd = d.stcd
        WHERE s.sttp IN ('ZZ', 'ZQ', 'DD') AND o.tm > $1 AND o.tm <= $2 ORDER BY o.tm`,
      [FROM, TO],
    );
    // An over-warning alarm at every stage that reaches 警戒 after one below it (crossings inside
    // the hourly batches are alarmed where they happen, migration 0090).
    const { rows: expected } = await db.query<{ stcd: string; tm: Date }>(
      `SELECT x.stcd, x.tm FROM (
         SELECT d.stcd, o.tm, o.value >= r.wrz AS over, lag(o.value >= r.wrz) OVER (PARTITION BY d.stcd ORDER BY o.tm) AS was
           FROM hydro.obs o JOIN hydro.datastream d ON d.id = o.datastream_id JOIN hydro.st_rvfcch_b r ON r.stcd = d.stcd
          WHERE d.element = 'Z' AND o.tm > $1 AND o.tm <= $2) x
        WHERE x.over AND x.was IS NOT TRUE`,
      [FROM, TO],
    );
    expected.sort((a, b) => a.tm.getTime() - b.tm.getTime() || (a.stcd < b.stcd ? -1 : 1));
    expect(expected.length).toBeGreaterThan(5);
    await db.query(`DELETE FROM hydro.obs o USING hydro.datastream d, hydro.st_stbprp_b s WHERE d.id = o.datastream_id AND s.stcd = d.stcd AND s.sttp IN ('ZZ', 'ZQ', 'DD') AND o.tm > $1 AND o.tm <= $2`, [FROM, TO]);
    await db.query(`SELECT hydro.rebuild_rollups($1, $2)`, [FROM, TO]);
    await db.query(`DELETE FROM hydro.alarm a USING hydro.st_stbprp_b s WHERE s.stcd = a.stcd AND s.sttp IN ('ZZ', 'ZQ', 'DD')`);
    const watched = expected[0]!.stcd;

    // The workspace at the end of the typhoon day, the first station to alarm selected.
    const page = await openPage(`ws=water&t=2024-09-16T08:00&center=121.20000,28.66000&zoom=9.50&water.station=${watched}`);
    await page.waitForSelector('[data-testid=water-alarms][data-live=open]', { timeout: 30_000 });
    await page.waitForSelector('[data-testid=water-legend]');
    expect(await page.locator('.water-alarm[data-kind=over_warning]').count()).toBe(0);
    // Before the replay nothing on the map is above warning at T.
    await page.waitForFunction(() => (window as unknown as { __onemap: { renderCount: number } }).__onemap.renderCount > 0);
    const before = await countColour(page, OVER_WARNING_RGB);
    await page.evaluate(() => ((window as unknown as { __noReload: number }).__noReload = 1));

    const hour0 = Date.parse('2024-09-15T08:00:00+08:00');
    const batches: unknown[][] = [];
    for (const o of obs) (batches[Math.ceil((o.tm.getTime() - hour0) / 3_600_000) - 1] ??= []).push({ stcd: o.stcd, element: o.element, tm: o.tm.toISOString(), value: o.value });
    expect(batches).toHaveLength(24);
    for (const b of batches) expect((await post('/water/observations', b)).status).toBe(200);

    // Every over-warning alarm arrives in the open page, newest first (= the reverse data order).
    await page.waitForFunction((n) => document.querySelectorAll('.water-alarm[data-kind=over_warning]').length >= n, expected.length, { timeout: 30_000 });
    const shown = await page.locator('.water-alarm[data-kind=over_warning]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset['stcd']));
    expect(shown).toEqual(expected.map((e) => e.stcd).reverse());
    expect(await page.evaluate(() => (window as unknown as { __noReload?: number }).__noReload)).toBe(1);

    // The station states were redrawn: stations above warning are on the map in that colour.
    await page.waitForFunction(() => document.querySelector('[data-testid=water-legend]')?.textContent?.match(/超警戒\s*(\d+)/)?.[1] !== '0', null, { timeout: 30_000 });
    const overWarningStations = Number((await page.getByTestId('water-legend').textContent())!.match(/超警戒\s*(\d+)/)![1]);
    const sql = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM hydro.station_status('2024-09-16 08:00+08') WHERE state = 'over_warning'`);
    expect(overWarningStations).toBe(sql.rows[0]!.n);
    await expect.poll(() => countColour(page, OVER_WARNING_RGB), { timeout: 20_000 }).toBeGreaterThan(before + 20);

    // Acknowledge the first alarm with the editor token: the server and the list agree.
    const first = page.locator(`.water-alarm[data-stcd="${watched}"][data-kind=over_warning]`);
    const alarmId = Number(await first.getAttribute('data-alarm-id'));
    await first.getByTestId('water-ack').click();
    await page.waitForSelector(`.water-alarm[data-alarm-id="${alarmId}"][data-state=acknowledged]`, { timeout: 15_000 });
    const a = await db.query<{ state: string; acknowledged_by: string }>('SELECT state, acknowledged_by FROM hydro.alarm WHERE id = $1', [alarmId]);
    expect(a.rows[0]).toEqual({ state: 'acknowledged', acknowledged_by: '防汛值班员' });

    // The station chart: uPlot drew the stage and the 警戒 line, with the cursor at T.
    const chart = page.getByTestId('water-chart');
    await chart.locator('canvas').waitFor({ timeout: 15_000 });
    expect(Number(await chart.getAttribute('data-points'))).toBeGreaterThan(100);
    expect(Number(await chart.getAttribute('data-cursor'))).toBe(Date.parse('2024-09-16T08:00:00+08:00'));
    expect(await chart.textContent()).toContain('警戒水位');
    const inked = await chart.locator('canvas').evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i + 3]! > 0 && (d[i]! < 200 || d[i + 1]! < 200 || d[i + 2]! < 200)) n++;
      return n;
    });
    expect(inked).toBeGreaterThan(500);
    // Moving the global time cursor moves the chart with it.
    await page.getByTestId('time-input').fill('2024-09-15T14:00');
    await page.waitForFunction((t) => document.querySelector('[data-testid=water-chart]')?.getAttribute('data-cursor') === String(t), Date.parse('2024-09-15T14:00:00+08:00'), { timeout: 15_000 });
    expect(new URL(page.url()).searchParams.get('water.station')).toBe(watched);
    const shot = process.env['WATER_E2E_SCREENSHOTS'];
    if (shot) await page.screenshot({ path: `${shot}/water-status.png` });

    // Rainfall mode: the legend lists the rainfall classes (data) and the isohyet bands draw.
    await page.getByText('雨量', { exact: true }).click();
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=water-legend] li')].filter((li) => /\d mm/.test(li.textContent ?? '')).length >= 3, null, { timeout: 30_000 });
    await page.waitForFunction(() => new URLSearchParams(location.search).get('water.layer') === 'rain', null, { timeout: 10_000 });
    if (shot) {
      await page.waitForFunction(() => !document.querySelector('.water-busy'), null, { timeout: 60_000 });
      await page.screenshot({ path: `${shot}/water-rain.png` });
    }
    expect(problems).toEqual([]);
    await page.close();
  }, 180_000);
});
