// The functions given to page.evaluate run in the browser and use its globals.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The 管线 workspace end to end in headless Chromium against the real server and the sample
 * network. An administrator (who sees depths like the pipeline department) opens the workspace over a water main in 椒江
 * whose burst closes at least two valves: a click on the pipe brings the burst analysis, drawn in
 * the highlight colours (pixels that were not there before the click) and listed (the same valves
 * as the API); the legend comes from the dictionary. Then a cut line drawn with the mouse across
 * the street lists exactly the pipes the API finds along that line, one chart shape per pipe; two
 * joined segments clicked in the 纵断面 tool are profiled in that order; the clearance problems
 * around the centre are listed and choosing one moves the map to it; a dig drawn over the main
 * lists it with its owner (before the clearance step moves the map). A signed-in user of another
 * department gets a notice in place of the tools (the analyses answer them 403), with the legend.
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
import { createUser } from '../../src/services/users.ts';

const CLIENT_DIR = process.env['ONEMAP_CLIENT_DIR'] ?? fileURLToPath(new URL('../../../map-client/dist/', import.meta.url));
const ZOOM = 17;
/** Metres per CSS pixel of EPSG:3857 at ZOOM (device pixel ratio 1). */
const RES = 156543.03392804097 / 2 ** ZOOM;
/** The workspace's highlight colours (workspaces/pipes/index.tsx HIGHLIGHT). */
const ISOLATED = [0xff, 0x2d, 0x00] as const;
const VALVE = [0xd4, 0x00, 0x00] as const;

let platform: TestPlatform;
let browser: Browser;
let db: pg.Client;
let token: string;
/** Another department (水利局): a session of a signed-in user and an API token. */
let otherSession: unknown;
let otherToken: string;
/** The burst segment: its 管线编号, its mid-point (lon/lat, 3857, 4549) and direction (4549). */
let main: { id: number; lineNo: string; lon: number; lat: number; x: number; y: number; gx: number; gy: number; dx: number; dy: number; valves: string[] };
/** A water segment joined to `main`'s end (for the 纵断面 run): id, 管线编号, mid-point in 4549. */
let next: { id: number; lineNo: string; gx: number; gy: number };
const problems: string[] = [];

async function api<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${platform.baseUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

beforeAll(async () => {
  if (!existsSync(`${CLIENT_DIR}/index.html`)) throw new Error(`the built client is missing (${CLIENT_DIR}); run \`npm run build -w map-client\` first`);
  platform = await startTestPlatform({ ONEMAP_CLIENT_DIR: CLIENT_DIR });
  db = new pg.Client({ connectionString: platform.databaseUrl });
  await db.connect();
  const pool = createPool({ databaseUrl: platform.databaseUrl, poolMax: 1, statementTimeoutMs: 5000 });
  // An administrator sees every attribute (depths, elevations) like the pipeline department.
  token = await createApiToken(pool, '管线科', 'admin', 1);
  otherToken = await createApiToken(pool, '水利局', 'staff', 1, { department: 'tz-sl' });
  await createUser(pool, { username: 'sl_pipes_e2e', displayName: '水利员工', role: 'staff', department: 'tz-sl', password: 'Correct-Horse-9' });
  await pool.end();
  const login = await fetch(`${platform.baseUrl}/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'sl_pipes_e2e', password: 'Correct-Horse-9' }) });
  if (login.status !== 200) throw new Error(`login: HTTP ${login.status}`);
  otherSession = await login.json();
  // A water main near the 椒江 centre whose burst closes at least two valves.
  const { rows } = await db.query<{ id: number; line_no: string; lon: number; lat: number; x: number; y: number; gx: number; gy: number; dx: number; dy: number; nid: number | null; nline: string | null; ngx: number; ngy: number }>(
    `SELECT s.id::int, s.line_no, n.id::int AS nid, n.line_no AS nline, ST_X(n.nm) AS ngx, ST_Y(n.nm) AS ngy, ST_X(s.m) AS lon, ST_Y(m) AS lat, ST_X(ST_Transform(m, 3857)) AS x, ST_Y(ST_Transform(m, 3857)) AS y,
            ST_X(ST_Transform(m, 4549)) AS gx, ST_Y(ST_Transform(m, 4549)) AS gy,
            (ST_X(ST_EndPoint(geom_4549)) - ST_X(ST_StartPoint(geom_4549))) / length_m AS dx, (ST_Y(ST_EndPoint(geom_4549)) - ST_Y(ST_StartPoint(geom_4549))) / length_m AS dy
       FROM (SELECT *, ST_LineInterpolatePoint(geom, 0.5) AS m FROM pipe.segments WHERE category = 'JS' AND length_m BETWEEN 80 AND 300
              ORDER BY geom <-> ST_SetSRID(ST_MakePoint(121.42, 28.66), 4490) LIMIT 30) s
       LEFT JOIN LATERAL (SELECT t.id, t.line_no, ST_LineInterpolatePoint(t.geom_4549, 0.5) AS nm FROM pipe.segments t
                           WHERE t.category = 'JS' AND t.id <> s.id AND t.length_m <= 200 AND s.end_point_id IN (t.start_point_id, t.end_point_id) ORDER BY t.id LIMIT 1) n ON true`,
  );
  for (const r of rows) {
    const burst = await api<{ valvesToClose: { features: { properties: { point_no: string } }[] } }>(`/pipes/burst?segment=${r.line_no}`);
    const valves = burst.valvesToClose.features.map((f) => f.properties.point_no).sort();
    if (valves.length >= 2 && r.nid !== null) {
      next = { id: r.nid, lineNo: r.nline!, gx: r.ngx, gy: r.ngy };
      main = { id: r.id, lineNo: r.line_no, lon: r.lon, lat: r.lat, x: r.x, y: r.y, gx: r.gx, gy: r.gy, dx: r.dx, dy: r.dy, valves };
      break;
    }
  }
  if (!main) throw new Error('no water main with two valves near the 椒江 centre');
  browser = await chromium.launch(LAUNCH_OPTIONS);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await db?.end();
  await platform?.close();
});

/** A page of the client with this suite's token, its problems recorded. */
const openPage = (query: string): Promise<Page> => openClientPage(browser, platform.baseUrl, query, { problems, token, watchResponses: false });

/** Waits until no new frame has completed for a while (tiles and analysis features drawn). */
async function waitForIdle(page: Page): Promise<void> {
  const count = () => page.evaluate(() => (window as unknown as { __onemap: { renderCount: number } }).__onemap.renderCount);
  let last = await count();
  for (let i = 0; i < 40; i++) {
    await page.waitForTimeout(300);
    const now = await count();
    if (now === last) return;
    last = now;
  }
}

/** Pixels of the map within `tol` of `rgb`. */
const countColour = (page: Page, rgb: readonly [number, number, number], tol = 8): Promise<number> => countMapColour(page, rgb, tol);

/** Page position of an EPSG:4549 point: the map element's centre is `main`'s mid-point. */
async function pagePoint(page: Page, x4549: number, y4549: number): Promise<{ x: number; y: number }> {
  const { rows } = await db.query<{ x: number; y: number }>(`SELECT ST_X(g) AS x, ST_Y(g) AS y FROM ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4549), 3857) g`, [x4549, y4549]);
  const box = (await page.locator('[data-testid=map]').boundingBox())!;
  return { x: box.x + box.width / 2 + (rows[0]!.x - main.x) / RES, y: box.y + box.height / 2 - (rows[0]!.y - main.y) / RES };
}

describe('管线 workspace in headless Chromium', () => {
  it('highlights a burst on the clicked water main and lists its valves; a drawn cut lists every pipe crossed; a picked run is profiled; clearance problems are located; a dig lists the main', async () => {
    const page = await openPage(`ws=pipes&center=${main.lon.toFixed(6)},${main.lat.toFixed(6)}&zoom=${ZOOM}`);
    await page.getByTestId('pipes-workspace').waitFor();
    // The legend is the dictionary: 8 categories, 给水 in its CJJ 61 colour.
    await page.locator('[data-testid=pipes-legend] li').nth(7).waitFor();
    expect(await page.locator('[data-testid=pipes-legend] li').count()).toBe(8);
    expect(await page.locator('[data-testid=pipes-legend] li', { hasText: '给水' }).locator('i').getAttribute('style')).toContain('rgb(0, 255, 255)');
    await waitForIdle(page);
    const before = { isolated: await countColour(page, ISOLATED), valves: await countColour(page, VALVE) };

    // Click the pipe: the map centre is the main's mid-point.
    const centre = await pagePoint(page, main.gx, main.gy);
    await page.mouse.click(centre.x, centre.y);
    await page.getByTestId('pipes-burst-summary').waitFor({ timeout: 30_000 });
    // The URL keeps the analysis (written a moment after the state changes).
    await page.waitForFunction((no) => new URLSearchParams(location.search).get('pipes.burst') === no, main.lineNo);
    const listed = (await page.getByTestId('pipes-valve').allInnerTexts()).map((t) => t.split(' ')[0]!).sort();
    expect(listed).toEqual(main.valves);
    await waitForIdle(page);
    const after = { isolated: await countColour(page, ISOLATED), valves: await countColour(page, VALVE) };
    console.log(`[e2e] burst ${main.lineNo}: isolated-pipe pixels ${before.isolated} → ${after.isolated}, valve pixels ${before.valves} → ${after.valves}`);
    // A 7-px line along ≥ 80 m of pipe at 1.2 m/px, and valve discs of radius 8.
    expect(after.isolated - before.isolated).toBeGreaterThan(300);
    expect(after.valves - before.valves).toBeGreaterThan(80);

    // 横断面: a 60 m cut across the street through the main's mid-point, drawn with the mouse.
    await page.getByTestId('pipes-tool-section').click();
    await page.waitForFunction(() => new URLSearchParams(location.search).get('pipes.tool') === 'section');
    const [nx, ny] = [-main.dy, main.dx];
    const a = await pagePoint(page, main.gx - 30 * nx, main.gy - 30 * ny);
    const b = await pagePoint(page, main.gx + 30 * nx, main.gy + 30 * ny);
    await page.mouse.click(a.x, a.y);
    await page.mouse.dblclick(b.x, b.y);
    await page.locator('[data-testid=pipes-section-row]').first().waitFor({ timeout: 30_000 }).catch(async (err: unknown) => {
      throw new Error(`no section rows; url ${page.url()}; panel: ${await page.getByTestId('pipes-workspace').innerText()}`, { cause: err });
    });
    await page.waitForFunction(() => new URLSearchParams(location.search).get('pipes.section') !== null);
    const drawn = new URL(page.url()).searchParams.get('pipes.section');
    expect(drawn).toMatch(/^[\d.]+,[\d.]+;[\d.]+,[\d.]+$/);
    const line = drawn!.split(';').map((p) => p.split(',').map(Number));
    const expected = await api<{ crossings: { line_no: string; category: string }[] }>('/pipes/section', { type: 'LineString', coordinates: line });
    const rows = await page.locator('[data-testid=pipes-section-row]').evaluateAll((els) => els.map((e) => e.getAttribute('data-line')));
    console.log(`[e2e] section across ${main.lineNo}: ${rows.length} pipes (${expected.crossings.map((c) => c.category).join(' ')})`);
    expect(rows).toEqual(expected.crossings.map((c) => c.line_no));
    // The street carries several networks, and the cut goes through the main itself.
    expect(new Set(expected.crossings.map((c) => c.category)).size).toBeGreaterThanOrEqual(2);
    expect(rows).toContain(main.lineNo);
    // One chart shape per pipe, each with its 管线编号.
    const shapes = await page.locator('[data-testid=pipes-section-chart] [data-line]').evaluateAll((els) => els.map((e) => e.getAttribute('data-line')));
    expect(shapes.sort()).toEqual([...rows].sort());
    // Drawn at their elevations: an elevation axis, and not all pipes at one height.
    expect(await page.locator('[data-testid=pipes-section-chart] .pipes-axes text').count()).toBeGreaterThan(6);
    const heights = await page.locator('[data-testid=pipes-section-chart] [data-line]').evaluateAll((els) => els.map((e) => e.getAttribute('cy') ?? e.getAttribute('y')));
    expect(new Set(heights).size).toBeGreaterThan(1);
    expect(await page.locator('[data-testid=pipes-section-table] td', { hasText: / m$/ }).count()).toBeGreaterThan(rows.length);

    // 纵断面: pick the main, then the segment joined to it; the run is charted and tabled in order.
    await page.getByTestId('pipes-tool-profile').click();
    await page.waitForFunction(() => new URLSearchParams(location.search).get('pipes.tool') === 'profile');
    await page.mouse.click(centre.x, centre.y);
    await page.waitForFunction((id) => new URLSearchParams(location.search).get('pipes.run') === id, String(main.id));
    const second = await pagePoint(page, next.gx, next.gy);
    await page.mouse.click(second.x, second.y);
    await page.waitForFunction((ids) => new URLSearchParams(location.search).get('pipes.run') === ids, `${main.id},${next.id}`);
    await page.locator('[data-testid=pipes-profile-row]').nth(1).waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-testid=pipes-profile-row] td:first-child').allInnerTexts()).toEqual([main.lineNo, next.lineNo]);
    expect(await page.locator('[data-testid=pipes-profile-chart] path').count()).toBeGreaterThanOrEqual(3);

    // 开挖: a 3 m deep dig 30 m square around the main's mid-point hits the main (about 1.2 m deep).
    await page.getByTestId('pipes-tool-excavation').click();
    await page.getByTestId('pipes-dig-depth').fill('3');
    const corners = [[-15, -15], [15, -15], [15, 15], [-15, 15]] as const;
    const px = await Promise.all(corners.map(([ex, ny2]) => pagePoint(page, main.gx + ex, main.gy + ny2)));
    for (const p of px.slice(0, 3)) await page.mouse.click(p.x, p.y);
    await page.mouse.dblclick(px[3]!.x, px[3]!.y);
    await page.locator('[data-testid=pipes-excavation-list] li').first().waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('pipes-excavation-list').innerText()).toContain(main.lineNo);
    expect(await page.getByTestId('pipes-owner-list').innerText()).toContain('台州市自来水有限公司');

    // 净距: the problems around the map centre are listed; choosing one moves the map to it.
    await page.getByTestId('pipes-tool-clearance').click();
    await page.getByTestId('pipes-clearance-check').click();
    await page.getByTestId('pipes-clearance-pair').first().waitFor({ timeout: 30_000 });
    const centreBefore = new URLSearchParams(new URL(page.url()).search).get('center');
    await page.getByTestId('pipes-clearance-pair').first().click();
    await page.waitForFunction((c) => new URLSearchParams(location.search).get('center') !== c, centreBefore);
    expect(await page.locator('.pipes-pair.selected').count()).toBe(1);

    expect(problems.filter((p) => !/favicon/.test(p))).toEqual([]);
    await page.close();
  }, 180_000);

  it('shows another department a notice instead of the tools, with the legend; an API token of another department gets it at its first 403', async () => {
    const query = `ws=pipes&center=${main.lon.toFixed(6)},${main.lat.toFixed(6)}&zoom=15`;
    // Signed in (session): known from the user's department and the layer's owner.
    const context = await browser.newContext({ deviceScaleFactor: 1, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.addInitScript(`sessionStorage.setItem('onemap.session', ${JSON.stringify(JSON.stringify(otherSession))});`);
    await page.goto(`${platform.baseUrl}/?${query}`);
    await page.waitForFunction(() => (window as unknown as { __onemap?: { ready: boolean } }).__onemap?.ready === true, null, { timeout: 30_000 });
    const notice = page.getByTestId('pipes-departments-only');
    await notice.waitFor({ timeout: 30_000 });
    expect(await notice.innerText()).toMatch(/管线权属部门|pipeline departments/);
    expect(await page.locator('[data-testid^=pipes-tool-]').count()).toBe(0);
    expect(await page.getByTestId('pipes-signin').count()).toBe(0);
    // The legend stays (the category dictionary is open to every signed-in caller).
    await page.locator('[data-testid=pipes-legend] li').nth(7).waitFor();
    expect(pageErrors).toEqual([]);
    await context.close();

    // An API token of another department: the analysis in the URL is refused and the notice replaces the tools.
    const tokenPage = await openClientPage(browser, platform.baseUrl, `${query}&pipes.burst=${main.lineNo}`, { problems: [], token: otherToken, watchResponses: false });
    await tokenPage.getByTestId('pipes-departments-only').waitFor({ timeout: 30_000 });
    expect(await tokenPage.locator('[data-testid^=pipes-tool-]').count()).toBe(0);
    expect(await tokenPage.getByTestId('pipes-burst-summary').count()).toBe(0);
    await tokenPage.close();
  }, 120_000);
});
