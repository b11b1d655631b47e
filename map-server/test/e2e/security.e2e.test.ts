// Functions given to page.evaluate run in the browser and use its globals.
/// <reference lib="dom" />
/**
 * Signing in from the map client in headless Chromium: the public sees no pipe points (an
 * internal layer); a pipeline-department user signs in with the form in the top bar, is shown
 * by name, gets the internal layer in the tree and its tiles (fetched with the session); signing
 * out takes it away again. Signed out, the 管线 workspace shows the generalised pipe lines
 * (tiles up to z14 only, overzoomed beyond) and its tools say to sign in.
 * Assertions on DOM and on the HTTP answers the page received.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createPool } from '../../src/db.ts';
import { createUser } from '../../src/services/users.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { LAUNCH_OPTIONS } from '../support/browser.ts';

const CLIENT_DIR = process.env['ONEMAP_CLIENT_DIR'] ?? fileURLToPath(new URL('../../../map-client/dist/', import.meta.url));
/** 椒江 urban core at z17 with the pipe points switched on (the public's URL is the same). */
const QUERY = 'center=121.42000,28.66000&zoom=17.00&layers=pipe_points,roads';
const PASSWORD = 'Correct-Horse-9';
/** Waiting for the page, not timing it: a password check takes a second on a busy machine. */
const POLL = { timeout: 30_000, interval: 200 };

let platform: TestPlatform;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(join(CLIENT_DIR, 'index.html'))) throw new Error(`the built client is missing (${CLIENT_DIR}); run \`npm run build -w map-client\` first`);
  platform = await startTestPlatform({ ONEMAP_CLIENT_DIR: CLIENT_DIR });
  const pool = createPool({ databaseUrl: platform.databaseUrl, poolMax: 1, statementTimeoutMs: 10_000 });
  await createUser(pool, { username: 'zj_staff', displayName: '住建员工', role: 'staff', department: 'tz-zj', password: PASSWORD });
  await pool.end();
  browser = await chromium.launch(LAUNCH_OPTIONS);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

async function waitReady(page: Page): Promise<void> {
  await page.waitForFunction(() => (window as unknown as { __onemap?: { ready: boolean } }).__onemap?.ready === true, null, { timeout: 30_000 });
}

describe('login in the map client', () => {
  it('shows the internal pipe points only to a signed-in pipeline-department user, with their tiles', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const pipeTiles: { status: number; auth: boolean }[] = [];
    page.on('response', (response) => {
      if (response.url().includes('/tiles/pipe_points/')) pipeTiles.push({ status: response.status(), auth: Boolean(response.request().headers()['authorization']) });
    });
    await page.goto(`${platform.baseUrl}/?${QUERY}`);
    await waitReady(page);
    expect(await page.getByTestId('layer-item-roads').count()).toBe(1);
    expect(await page.getByTestId('layer-item-pipe_points').count()).toBe(0);
    expect(pipeTiles).toEqual([]);

    await page.getByTestId('login-open').click();
    await page.getByTestId('login-username').fill('zj_staff');
    await page.getByTestId('login-password').fill('wrong-password-1');
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('login-error').count(), POLL).toBe(1);
    expect(await page.getByTestId('login-error').textContent()).toBe('用户名或密码错误');

    await page.getByTestId('login-password').fill(PASSWORD);
    await Promise.all([page.waitForEvent('load'), page.getByTestId('login-submit').click()]);
    await waitReady(page);
    expect(await page.getByTestId('login-user').textContent()).toContain('住建员工');
    await expect.poll(() => page.getByTestId('layer-item-pipe_points').count(), POLL).toBe(1);
    // The public's page dropped the unknown layer from the URL; the signed-in user ticks it.
    await page.getByTestId('layer-toggle-pipe_points').check();
    await expect.poll(() => page.getByTestId('layer-toggle-pipe_points').isChecked(), POLL).toBe(true);
    await expect.poll(() => pipeTiles.filter((t) => t.status === 200).length, POLL).toBeGreaterThan(0);
    expect(pipeTiles.every((t) => t.auth && t.status < 400)).toBe(true);
    // The session token is in sessionStorage only, never in the URL.
    expect(page.url()).not.toContain('os_');

    await Promise.all([page.waitForEvent('load'), page.getByTestId('logout-button').click()]);
    await waitReady(page);
    expect(await page.getByTestId('login-open').count()).toBe(1);
    expect(await page.getByTestId('layer-item-pipe_points').count()).toBe(0);
    await context.close();
  }, 120_000);

  it('shows the public the generalised pipe lines in the 管线 workspace, tiles up to z14 only, and tools that ask to sign in', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const tiles: { url: string; status: number; auth: boolean }[] = [];
    page.on('response', (response) => {
      if (/\/tiles\/[^/]*pipe_/.test(response.url())) tiles.push({ url: response.url(), status: response.status(), auth: Boolean(response.request().headers()['authorization']) });
    });
    // z16: beyond the public's z14, so the client draws the z14 tiles overzoomed.
    await page.goto(`${platform.baseUrl}/?ws=pipes&center=121.42000,28.66000&zoom=16.00`);
    await waitReady(page);
    await page.getByTestId('pipes-workspace').waitFor();
    expect(await page.getByTestId('pipes-signin').textContent()).toContain('管线分析请先登录');
    expect(await page.getByTestId('layer-item-pipe_segments').count()).toBe(1);
    expect(await page.getByTestId('layer-item-pipe_points').count()).toBe(0);
    await expect.poll(() => page.getByTestId('layer-toggle-pipe_segments').isChecked(), POLL).toBe(true);
    await expect.poll(() => tiles.filter((t) => t.status === 200).length, POLL).toBeGreaterThan(0);
    for (const t of tiles) {
      expect(t.url).toMatch(/\/tiles\/pipe_segments\/(1[2-4])\//);
      expect(t.auth).toBe(false);
      expect([200, 204]).toContain(t.status);
    }
    // The legend comes from the catalogue (the category dictionary is for signed-in users).
    await expect.poll(() => page.locator('[data-testid=pipes-legend] li').count(), POLL).toBeGreaterThanOrEqual(8);
    expect(await page.locator('[data-testid=pipes-legend] li', { hasText: '给水' }).locator('i').getAttribute('style')).toContain('rgb(0, 255, 255)');
    // A click with the burst tool: the server's bilingual sign-in message, nothing broken.
    const box = (await page.getByTestId('map').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => page.locator('.pipes-problem[role=alert]').count(), POLL).toBe(1);
    expect(await page.locator('.pipes-problem[role=alert]').textContent()).toContain('管线分析需要登录');
    // The section tool likewise, from the URL.
    await page.goto(`${platform.baseUrl}/?ws=pipes&pipes.tool=section&pipes.section=121.419,28.66;121.421,28.66&center=121.42000,28.66000&zoom=16.00`);
    await waitReady(page);
    await expect.poll(() => page.locator('.pipes-problem[role=alert]').count(), POLL).toBe(1);
    expect(await page.locator('.pipes-problem[role=alert]').textContent()).toContain('sign');
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
