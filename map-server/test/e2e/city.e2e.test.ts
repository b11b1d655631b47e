// The functions given to page.evaluate run in the browser and use its globals.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The 城管 workspace end to end in headless Chromium against the real server and PostGIS: a
 * BeiDou vehicle's track replays in step with the global time cursor — moving the cursor in the
 * time bar moves the vehicle marker on the map (its pixels, read from the canvas) to the
 * position interpolated from the stored fixes, and the workspace's replay advances the global
 * cursor (time bar, URL) with the marker following — and an illegal case transition clicked in
 * the panel is refused with the server's clear bilingual message while a legal one goes through.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { LAUNCH_OPTIONS, openClientPage } from '../support/browser.ts';
import { createPool } from '../../src/db.ts';
import { createApiToken } from '../../src/services/auth-tokens.ts';

const CLIENT_DIR = process.env['ONEMAP_CLIENT_DIR'] ?? fileURLToPath(new URL('../../../map-client/dist/', import.meta.url));
/** Marker colour inside the assigned area (city/index.tsx); outside it is #ff1744. */
const MARKER_RGB = { inside: [0x00, 0xc8, 0x53], outside: [0xff, 0x17, 0x44] } as const;

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
  token = await createApiToken(pool, '城管值班长', 'editor', 1).finally(() => pool.end());
  browser = await chromium.launch(LAUNCH_OPTIONS);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await db?.end();
  await platform?.close();
});

/** A page of the client with this suite's token, its problems recorded. */
const openPage = (query: string): Promise<Page> => openClientPage(browser, platform.baseUrl, query, { problems, token, expected: { console: /409|Conflict/, response: (status, url) => status === 409 && url.includes('/transitions') } });

interface Replay {
  time: number;
  lon: number;
  lat: number;
  px: number;
  py: number;
  outside: boolean;
}

/** The replay state the panel shows, once it is for cursor `t` and the marker has a pixel. */
async function replayAt(page: Page, t: number): Promise<Replay> {
  await page.waitForFunction(
    (t) => {
      const el = document.querySelector('[data-testid=city-replay]');
      return el?.getAttribute('data-time') === String(t) && el.getAttribute('data-px') !== '';
    },
    t,
    { timeout: 30_000 },
  );
  // one more complete frame, so the pixel is the drawn one
  const rendered = await page.evaluate(() => (window as unknown as { __onemap: { renderCount: number } }).__onemap.renderCount);
  await page.waitForFunction((n) => (window as unknown as { __onemap: { renderCount: number } }).__onemap.renderCount > n, rendered, { timeout: 30_000 }).catch(() => undefined);
  return page.evaluate(() => {
    const el = document.querySelector('[data-testid=city-replay]')!;
    const n = (k: string) => Number(el.getAttribute(k));
    return { time: n('data-time'), lon: n('data-lon'), lat: n('data-lat'), px: n('data-px'), py: n('data-py'), outside: el.getAttribute('data-outside') === 'true' };
  });
}

/** Pixels of the marker colour within `r` px of (x, y) on any map layer canvas. */
async function markerPixelsNear(page: Page, x: number, y: number, rgb: readonly number[], r = 6): Promise<number> {
  return page.evaluate(
    ({ x, y, rgb, r }) => {
      const map = document.querySelector('[data-testid=map]') as HTMLElement;
      const box = map.getBoundingClientRect();
      let n = 0;
      for (const canvas of map.querySelectorAll<HTMLCanvasElement>('.ol-layer canvas, canvas.ol-layer')) {
        if (!canvas.width || !canvas.height) continue;
        const cb = canvas.getBoundingClientRect();
        const sx = canvas.width / cb.width;
        const cx = (x + box.left - cb.left) * sx;
        const cy = (y + box.top - cb.top) * sx;
        const d = canvas.getContext('2d')?.getImageData(Math.round(cx - r), Math.round(cy - r), 2 * r + 1, 2 * r + 1).data;
        if (!d) continue;
        for (let i = 0; i < d.length; i += 4) if (d[i + 3]! > 200 && Math.abs(d[i]! - rgb[0]!) <= 8 && Math.abs(d[i + 1]! - rgb[1]!) <= 8 && Math.abs(d[i + 2]! - rgb[2]!) <= 8) n++;
      }
      return n;
    },
    { x, y, rgb, r },
  );
}

/** The vehicle's position at t interpolated from the stored fixes (what the map must show). */
async function storedPositionAt(vehicle: string, t: number): Promise<{ lon: number; lat: number }> {
  const { rows } = await db.query<{ t: number; lon: number; lat: number }>(
    `(SELECT extract(epoch FROM tm) * 1000 AS t, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM city.vehicle_fixes WHERE vehicle_id = $1 AND tm <= to_timestamp($2 / 1000.0) ORDER BY tm DESC LIMIT 1)
     UNION ALL
     (SELECT extract(epoch FROM tm) * 1000, ST_X(geom), ST_Y(geom) FROM city.vehicle_fixes WHERE vehicle_id = $1 AND tm > to_timestamp($2 / 1000.0) ORDER BY tm LIMIT 1)`,
    [vehicle, t],
  );
  const [a, b] = rows.map((r) => ({ t: Number(r.t), lon: r.lon, lat: r.lat }));
  const f = (t - a!.t) / (b!.t - a!.t);
  return { lon: a!.lon + (b!.lon - a!.lon) * f, lat: a!.lat + (b!.lat - a!.lat) * f };
}

describe('城管 workspace in headless Chromium', () => {
  it('replays a vehicle track in step with the time cursor: the marker moves on the map as the cursor moves', async () => {
    const page = await openPage('ws=city&city.mode=vehicles&city.vehicle=BD001&t=2025-06-18T09:00&center=121.43000,28.66000&zoom=13.00');
    const t0 = Date.parse('2025-06-18T09:00:00+08:00');
    const first = await replayAt(page, t0);
    const expected0 = await storedPositionAt('BD001', t0);
    expect(first.lon).toBeCloseTo(expected0.lon, 6);
    expect(first.lat).toBeCloseTo(expected0.lat, 6);
    expect(await markerPixelsNear(page, first.px, first.py, first.outside ? MARKER_RGB.outside : MARKER_RGB.inside)).toBeGreaterThan(20);

    // Move the global cursor in the time bar: 5 minutes later the marker is elsewhere.
    const t1 = Date.parse('2025-06-18T09:05:00+08:00');
    await page.getByTestId('time-input').fill('2025-06-18T09:05');
    const second = await replayAt(page, t1);
    const expected1 = await storedPositionAt('BD001', t1);
    expect(second.lon).toBeCloseTo(expected1.lon, 6);
    expect(second.lat).toBeCloseTo(expected1.lat, 6);
    const moved = Math.hypot(second.px - first.px, second.py - first.py);
    console.log(`[e2e] marker ${first.px},${first.py} → ${second.px},${second.py} (${moved.toFixed(0)} px) for 5 min of driving`);
    expect(moved).toBeGreaterThan(15);
    expect(await markerPixelsNear(page, second.px, second.py, second.outside ? MARKER_RGB.outside : MARKER_RGB.inside)).toBeGreaterThan(20);
    // …and no marker is drawn where it was
    expect(await markerPixelsNear(page, first.px, first.py, first.outside ? MARKER_RGB.outside : MARKER_RGB.inside, 2)).toBe(0);

    // The workspace's replay advances the global cursor: time bar and URL follow, so does the marker.
    await page.getByTestId('city-replay-toggle').click();
    await page.waitForFunction((t) => Number(document.querySelector('[data-testid=city-replay]')?.getAttribute('data-time')) >= t + 90_000, t1, { timeout: 30_000 });
    await page.getByTestId('city-replay-toggle').click();
    // Paused: the time bar's label and the URL show the instant the marker is drawn for.
    await page.waitForFunction(
      () => {
        const t = Number(document.querySelector('[data-testid=city-replay]')?.getAttribute('data-time'));
        const wall = new Date(t + 8 * 3_600_000).toISOString();
        const label = document.querySelector('[data-testid=time-label]')?.textContent;
        // The replay steps 30 s: the label shows seconds when they are not zero (formatDisplay).
        const seconds = wall.slice(17, 19);
        const expected = `${wall.slice(0, 10)} ${wall.slice(11, 16)}${seconds === '00' ? '' : `:${seconds}`}`;
        return label === expected && (new URLSearchParams(location.search).get('t') ?? '').startsWith(wall.slice(0, 16));
      },
      null,
      { timeout: 15_000 },
    );
    const played = await page.evaluate(() => Number(document.querySelector('[data-testid=city-replay]')!.getAttribute('data-time')));
    expect(played).toBeGreaterThanOrEqual(t1 + 90_000);
    const third = await replayAt(page, played);
    const expected2 = await storedPositionAt('BD001', played);
    expect(third.lon).toBeCloseTo(expected2.lon, 6);
    expect(third.lat).toBeCloseTo(expected2.lat, 6);
    expect(await markerPixelsNear(page, third.px, third.py, third.outside ? MARKER_RGB.outside : MARKER_RGB.inside)).toBeGreaterThan(20);
    // (the sample stops 8 minutes every 50: the marker moved unless the vehicle was standing)
    if (Math.hypot(expected2.lon - expected1.lon, expected2.lat - expected1.lat) > 1e-4) expect(Math.hypot(third.px - second.px, third.py - second.py)).toBeGreaterThan(3);
    const shot = process.env['CITY_E2E_SCREENSHOTS'];
    if (shot) await page.screenshot({ path: `${shot}/city-replay.png` });
    expect(problems).toEqual([]);
    await page.close();
  }, 180_000);

  it('refuses an illegal case transition with a clear message, and carries out a legal one', async () => {
    const res = await fetch(`${platform.baseUrl}/city/cases`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ kind: 'event', classCode: '0102', description: '暴露垃圾 e2e', lon: 121.428, lat: 28.662 }),
    });
    expect(res.status).toBe(201);
    const no = ((await res.json()) as { properties: { case_no: string } }).properties.case_no;
    const page = await openPage(`ws=city&city.case=${no}&center=121.42800,28.66200&zoom=15.00`);
    const state = page.getByTestId('city-case-state');
    await state.waitFor({ state: 'visible', timeout: 30_000 });
    expect(await state.getAttribute('data-state')).toBe('reported');
    // 结案 straight from 上报 is not a transition of the workflow
    await page.locator('[data-testid=city-case] button[data-action=approve]').click();
    const error = page.getByTestId('city-case-error');
    await error.waitFor({ state: 'visible', timeout: 15_000 });
    const text = (await error.textContent()) ?? '';
    expect(text).toContain('不能执行');
    expect(text).toContain('已上报');
    expect(text).toContain('file(立案)');
    expect(text).toContain('not allowed');
    expect(await state.getAttribute('data-state')).toBe('reported');
    expect((await db.query('SELECT state FROM city.cases WHERE case_no = $1', [no])).rows[0].state).toBe('reported');
    // 立案 is allowed
    await page.locator('[data-testid=city-case] button[data-action=file]').click();
    await page.waitForFunction(() => document.querySelector('[data-testid=city-case-state]')?.getAttribute('data-state') === 'filed', null, { timeout: 15_000 });
    expect(await error.count()).toBe(0);
    expect((await db.query('SELECT state FROM city.cases WHERE case_no = $1', [no])).rows[0].state).toBe('filed');
    const shot = process.env['CITY_E2E_SCREENSHOTS'];
    if (shot) await page.screenshot({ path: `${shot}/city-case.png` });
    expect(problems).toEqual([]);
    await page.close();
  }, 120_000);
});
