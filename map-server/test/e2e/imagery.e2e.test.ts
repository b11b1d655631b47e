// The functions given to page.evaluate run in the browser and use its globals; map-server
// compiles without the DOM library, so this file brings it in.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The 影像 workspace in headless Chromium (Debian's, driven by playwright-core) against the
 * real server with a small generated sample (three GF-2 dates over a piece of the urban core):
 * split screen panes with different dates show different pixels, the swipe clips the top date
 * at the divider, NDVI changes the colours, and all of it comes back from the URL.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createPool } from '../../src/db.ts';
import { smallSample } from '../../src/services/imagery/sample-imagery.ts';
import { loadSampleImagery } from '../../../scripts/lib/imagery-cli.ts';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { LAUNCH_OPTIONS } from '../support/browser.ts';

const TEST_TIMEOUT_MS = 90_000;
const CLIENT_DIR = process.env['ONEMAP_CLIENT_DIR'] ?? fileURLToPath(new URL('../../../map-client/dist/', import.meta.url));
/** The centre of the generated sample piece, at a zoom where the 3 km square fills the map. */
const VIEW = 'center=121.34500,28.62500&zoom=15.00';


interface ImageryHooksLike {
  mode: string;
  panes: { date: string; rendered: number; tilesDone: number; tilesPending: number; idleFrames: number }[];
  swipeRendered: number;
}

const work = mkdtempSync(join(tmpdir(), 'onemap-imagery-e2e-'));
let platform: TestPlatform;
let browser: Browser;
const problems: string[] = [];

beforeAll(async () => {
  if (!existsSync(join(CLIENT_DIR, 'index.html'))) throw new Error(`the built client is missing (${CLIENT_DIR}); run \`npm run build -w map-client\` first`);
  const imageryDir = join(work, 'imagery');
  platform = await startTestPlatform(
    { ONEMAP_CLIENT_DIR: CLIENT_DIR, ONEMAP_IMAGERY_DIR: imageryDir },
    {
      prepare: async (url) => {
        const pool = createPool({ databaseUrl: url, poolMax: 2, statementTimeoutMs: 60_000 });
        try {
          await loadSampleImagery(pool, url, imageryDir, { scenes: smallSample(3000, 10) });
        } finally {
          await pool.end();
        }
      },
    },
  );
  browser = await chromium.launch(LAUNCH_OPTIONS);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
  rmSync(work, { recursive: true, force: true });
});

async function open(query: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`);
  });
  page.on('close', () => void context.close().catch(() => undefined));
  await page.goto(`${platform.baseUrl}/?${query}`);
  await page.waitForFunction(() => (window as unknown as { __onemapImagery?: unknown }).__onemapImagery !== undefined, null, { timeout: 30_000 });
  return page;
}

/**
 * Waits until every imagery pane has finished its tiles (loaded, or empty) and drawn a frame
 * with none loading (the client counts those frames in `idleFrames`).
 */
async function waitPanes(page: Page, n: number): Promise<void> {
  await page.waitForFunction(
    (count) => {
      const h = (window as unknown as { __onemapImagery?: ImageryHooksLike }).__onemapImagery;
      return !!h && h.panes.length === count && h.panes.every((p) => p.idleFrames > 0 && p.tilesPending === 0);
    },
    n,
    { timeout: 45_000 },
  );
}

/** Mean RGB and opaque share of the canvas with this class inside an element. */
async function canvasStats(page: Page, selector: string): Promise<{ r: number; g: number; b: number; opaque: number; leftOpaque: number; rightOpaque: number }[]> {
  return page.evaluate((sel) => {
    return [...document.querySelectorAll<HTMLCanvasElement>(sel)].map((canvas) => {
      const ctx = canvas.getContext('2d')!;
      const { data, width, height } = ctx.getImageData(0, 0, canvas.width, canvas.height);
      let r = 0, g = 0, b = 0, n = 0, left = 0, right = 0;
      for (let y = 0; y < height; y += 2) {
        for (let x = 0; x < width; x += 2) {
          const o = (y * width + x) * 4;
          if (data[o + 3]! < 200) continue;
          r += data[o]!;
          g += data[o + 1]!;
          b += data[o + 2]!;
          n++;
          if (x < width / 2) left++;
          else right++;
        }
      }
      const total = Math.ceil(width / 2) * Math.ceil(height / 2);
      return { r: r / Math.max(1, n), g: g / Math.max(1, n), b: b / Math.max(1, n), opaque: n / total, leftOpaque: left / (total / 2), rightOpaque: right / (total / 2) };
    });
  }, selector);
}

describe('imagery workspace in headless Chromium', () => {
  it('split screen: two panes with different dates show different pixels, in one linked view', async () => {
    const page = await open(`${VIEW}&ws=imagery&imagery.mode=split2&imagery.dates=2019-04-18,2023-07-22`);
    await waitPanes(page, 2);
    const stats = await canvasStats(page, '.imagery-pane canvas');
    console.log(`[e2e imagery] split2 means ${stats.map((s) => `${s.r.toFixed(0)},${s.g.toFixed(0)},${s.b.toFixed(0)} (${(s.opaque * 100).toFixed(0)}% opaque)`).join(' | ')}`);
    expect(stats).toHaveLength(2);
    for (const s of stats) expect(s.opaque).toBeGreaterThan(0.3);
    // Spring cropland (2019-04) against summer (2023-07) plus new construction: the means differ.
    const d = Math.abs(stats[0]!.r - stats[1]!.r) + Math.abs(stats[0]!.g - stats[1]!.g) + Math.abs(stats[0]!.b - stats[1]!.b);
    expect(d).toBeGreaterThan(8);
    // Same date in both panes: the same pixels (so the difference above is the date's).
    await page.goto(`${platform.baseUrl}/?${VIEW}&ws=imagery&imagery.mode=split2&imagery.dates=2023-07-22,2023-07-22`);
    await waitPanes(page, 2);
    const same = await canvasStats(page, '.imagery-pane canvas');
    expect(Math.abs(same[0]!.r - same[1]!.r) + Math.abs(same[0]!.g - same[1]!.g)).toBeLessThan(2);
    // One view: the panes' maps share the main map's view (zooming one zooms all).
    await page.mouse.move(320, 400);
    await page.mouse.wheel(0, -400);
    await page.waitForFunction(() => !/zoom=15\.00/.test(location.search), null, { timeout: 10_000 });
    await page.close();
  }, TEST_TIMEOUT_MS);

  it('split 4 gives four panes, each with its date in the URL', async () => {
    const page = await open(`${VIEW}&ws=imagery&imagery.mode=split4&imagery.dates=2019-04-18,2021-11-05,2023-07-22,2018-01-01`);
    await waitPanes(page, 4);
    const stats = await canvasStats(page, '.imagery-pane canvas');
    expect(stats).toHaveLength(4);
    // 2018-01-01 precedes every scene: that pane is empty.
    expect(stats[3]!.opaque).toBeLessThan(0.01);
    for (const s of stats.slice(0, 3)) expect(s.opaque).toBeGreaterThan(0.3);
    await page.close();
  }, TEST_TIMEOUT_MS);

  it('swipe: the second date is clipped at the divider; clicking a timeline date sets the URL', async () => {
    const page = await open(`${VIEW}&ws=imagery&imagery.mode=swipe&imagery.dates=2019-04-18,2023-07-22&imagery.swipe=50`);
    await waitPanes(page, 2);
    await page.waitForFunction(() => ((window as unknown as { __onemapImagery?: ImageryHooksLike }).__onemapImagery?.swipeRendered ?? 0) > 0);
    const [top] = await canvasStats(page, 'canvas.imagery-swipe, .imagery-swipe canvas');
    const [bottom] = await canvasStats(page, 'canvas.imagery-a, .imagery-a canvas');
    console.log(`[e2e imagery] swipe top left/right opaque ${top!.leftOpaque.toFixed(2)}/${top!.rightOpaque.toFixed(2)}, bottom ${bottom!.leftOpaque.toFixed(2)}/${bottom!.rightOpaque.toFixed(2)}`);
    // Pane A left of the divider, pane B right of it: the top layer (B) draws only on the right,
    // the bottom layer (A) everywhere under it.
    expect(top!.rightOpaque).toBeGreaterThan(0.2);
    expect(top!.leftOpaque).toBeLessThan(0.01);
    expect(bottom!.leftOpaque).toBeGreaterThan(0.2);
    // Pane B active, then a timeline date click puts that date in the URL.
    await page.locator('input[name="imagery-pane"]').nth(1).check();
    await page.locator('.imagery-timeline-row[data-collection="gf2-pms"] button[data-date="2021-11-05"]').click();
    await page.waitForFunction(
      () => new URLSearchParams(location.search).get('imagery.dates') === '2019-04-18,2021-11-05' && new URLSearchParams(location.search).get('imagery.src') === ',gf2-pms',
      null,
      { timeout: 10_000 },
    );
    await page.close();
  }, TEST_TIMEOUT_MS);

  it('NDVI switch recolours the imagery (green vegetation) and lands in the URL', async () => {
    const page = await open(`${VIEW}&ws=imagery&imagery.dates=2023-07-22`);
    await waitPanes(page, 1);
    const [tc] = await canvasStats(page, 'canvas.imagery-a, .imagery-a canvas');
    await page.getByTestId('imagery-style-ndvi').check();
    await page.waitForFunction(() => new URLSearchParams(location.search).get('imagery.style') === 'ndvi', null, { timeout: 10_000 });
    await waitPanes(page, 1);
    const [nd] = await canvasStats(page, 'canvas.imagery-a, .imagery-a canvas');
    console.log(`[e2e imagery] true colour mean ${tc!.r.toFixed(0)},${tc!.g.toFixed(0)},${tc!.b.toFixed(0)}; NDVI mean ${nd!.r.toFixed(0)},${nd!.g.toFixed(0)},${nd!.b.toFixed(0)}`);
    expect(Math.abs(nd!.g - tc!.g) + Math.abs(nd!.r - tc!.r)).toBeGreaterThan(20);
    await page.close();
    expect(problems.filter((p) => !/favicon/.test(p))).toEqual([]);
  }, TEST_TIMEOUT_MS);
});
