// The functions given to page.evaluate run in the browser and use its globals; map-server
// compiles without the DOM library, so this file brings it in.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The map client end to end in a real browser: Debian's Chromium driven by playwright-core
 * (client.md §5) against the real server with the full Taizhou sample (startTestPlatform).
 * Assertions are on pixels and DOM, never only on "no error": the map canvas must show the
 * colours our style hints produce, and toggling a layer must change them.
 *
 * Colours come from /catalog (the style hints), not from constants here, so a restyled layer
 * does not need this test edited (house style §1).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContextOptions, type Page } from 'playwright-core';
import { startTestPlatform, type TestPlatform } from '../support/platform.ts';
import { LAUNCH_OPTIONS } from '../support/browser.ts';
import { createPool } from '../../src/db.ts';
import { createApiToken } from '../../src/services/auth-tokens.ts';

const TEST_TIMEOUT_MS = 60_000;
/** Drawing, saving and reloading tiles take a few round trips more than the other tests. */
const EDIT_TIMEOUT_MS = 120_000;
const CLIENT_INDEX = fileURLToPath(new URL('../../../map-client/dist/index.html', import.meta.url));

/** The 椒江 urban core at a street zoom (buildings from z13 on), closer for clicking one, and the whole city. */
const URBAN_QUERY = 'center=121.42000,28.66000&zoom=15.00';
const CLOSE_QUERY = 'center=121.42000,28.66000&zoom=17.00';
const CITY_QUERY = 'center=121.20000,28.66000&zoom=9.50';
/** Expected CGCS2000 Gauss-Krüger (EPSG:4549) position of the urban centre, metres. */
const URBAN_GK = { easting: 638821.3, northing: 3172411.3 };


type Rgb = readonly [number, number, number];

interface StyleHintLike {
  readonly fill?: string;
  readonly stroke?: string;
  readonly classify?: { readonly classes: readonly { readonly value: string | number; readonly color: string }[] };
}
interface CatalogLike {
  readonly layers: readonly { readonly id: string; readonly style: StyleHintLike }[];
}

interface HooksLike {
  ready: boolean;
  renderCount: number;
  firstRenderMs?: number;
  lastError?: string;
  /** The time cursor of the last complete frame (epoch ms), null for now. */
  drawnTime?: number | null;
  /** The edit mode the map's interactions are in. */
  editMode?: string;
}

let platform: TestPlatform;
let browser: Browser;
let catalog: CatalogLike;
/** Problems seen by any page: uncaught errors, console errors, HTTP errors. */
const problems: string[] = [];

beforeAll(async () => {
  if (!existsSync(CLIENT_INDEX)) {
    throw new Error(`the built client is missing (${CLIENT_INDEX}); run \`npm run build -w map-client\` first`);
  }
  platform = await startTestPlatform();
  browser = await chromium.launch(LAUNCH_OPTIONS);
  catalog = (await (await fetch(`${platform.baseUrl}/catalog`)).json()) as CatalogLike;
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

describe('map client in headless Chromium', () => {
  it('draws our buildings from our own tiles in the urban core', async () => {
    const page = await openMap(`${URBAN_QUERY}`);
    const counts = await countColours(page, { buildings: classColours('buildings') });
    console.log(`[e2e] urban core z15: building pixels ${share(counts, 'buildings')}`);
    // A meaningful share of the screen is building fill, in the colours of the `use` classes.
    expect(counts.matches['buildings']! / counts.total).toBeGreaterThan(0.02);
    await page.close();
  }, TEST_TIMEOUT_MS);

  it('draws districts, water and rivers at city scale', async () => {
    const page = await openMap(`${CITY_QUERY}`);
    const counts = await countColours(page, {
      water: [hex(hintOf('water_areas').fill)],
      rivers: [hex(hintOf('rivers').stroke)],
    });
    // District outlines are thin antialiased lines over a translucent fill, so they are found by
    // what they change: the map with and without the districts layer.
    await snapshotMap(page);
    await setLayer(page, 'districts', false);
    const districtPixels = await changedSinceSnapshot(page);
    console.log(
      `[e2e] city z9.5: water ${share(counts, 'water')}, river px ${counts.matches['rivers']}, ` +
        `px changed by the districts layer ${(districtPixels * 100).toFixed(1)}%`,
    );
    expect(counts.matches['water']! / counts.total).toBeGreaterThan(0.01);
    expect(counts.matches['rivers']!).toBeGreaterThan(50);
    expect(districtPixels).toBeGreaterThan(0.01);
    await page.close();
  }, TEST_TIMEOUT_MS);

  it('hides buildings when their box is unticked: pixels and URL change', async () => {
    const page = await openMap(`${URBAN_QUERY}`);
    const colours = { buildings: classColours('buildings') };
    const before = await countColours(page, colours);
    expect(new URL(page.url()).searchParams.get('layers')?.split(',')).toContain('buildings');

    await setLayer(page, 'buildings', false);
    const after = await countColours(page, colours);
    console.log(`[e2e] building pixels before ${before.matches['buildings']}, after unticking ${after.matches['buildings']}`);
    expect(after.matches['buildings']!).toBeLessThan(before.matches['buildings']! * 0.1);

    // And back on: the buildings return.
    await setLayer(page, 'buildings', true);
    await waitForIdle(page);
    const again = await countColours(page, colours);
    expect(again.matches['buildings']!).toBeGreaterThan(before.matches['buildings']! * 0.8);
    await page.close();
  }, TEST_TIMEOUT_MS);

  it('restores view, layers, opacity and language from the URL exactly', async () => {
    const search = `?${URBAN_QUERY}&layers=buildings,roads,water_areas&opacity=buildings:0.5&lang=en`;
    const page = await openMap(search.slice(1));
    await page.waitForTimeout(400); // longer than the URL writer's debounce
    expect(new URL(page.url()).search).toBe(search);
    await expect.poll(() => page.getByTestId('layer-toggle-buildings').isChecked()).toBe(true);
    expect(await page.getByTestId('layer-toggle-place_names').isChecked()).toBe(false);
    expect(await page.getByTestId('layer-opacity-buildings').inputValue()).toBe('50');
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
    await page.close();
  }, TEST_TIMEOUT_MS);

  it('switches the interface between Chinese and English', async () => {
    const page = await openMap(`${URBAN_QUERY}`);
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    const buildingsItem = page.getByTestId('layer-item-buildings');
    expect(await buildingsItem.textContent()).toContain('建筑物');
    expect(await page.getByTestId('layer-toggle-buildings').getAttribute('aria-label')).toContain('建筑物');

    await page.getByTestId('language-switch').click();
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    expect(await buildingsItem.textContent()).toContain('Buildings');
    expect(await buildingsItem.textContent()).toContain('Residential'); // legend follows
    expect(await page.getByTestId('layer-toggle-buildings').getAttribute('aria-label')).toBe('Show Buildings');
    expect(await page.locator('.app-title').textContent()).toMatch(/One Map/);
    await page.waitForFunction(() => new URLSearchParams(location.search).get('lang') === 'en');

    await page.getByTestId('language-switch').click();
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    expect(await buildingsItem.textContent()).toContain('建筑物');
    await page.close();
  }, TEST_TIMEOUT_MS);

  it('shows CGCS2000 coordinates under the pointer', async () => {
    const page = await openMap(`${URBAN_QUERY}`);
    const box = await page.getByTestId('map').boundingBox();
    if (!box) throw new Error('map element has no box');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const geographic = page.getByTestId('coordinates-geographic');
    await expect.poll(() => geographic.textContent()).toMatch(/121\.\d{6}°E, 28\.\d{6}°N/);
    const [, lon, lat] = /(\d+\.\d+)°E, (\d+\.\d+)°N/.exec((await geographic.textContent()) ?? '') ?? [];
    expect(Number(lon)).toBeCloseTo(121.42, 3);
    expect(Number(lat)).toBeCloseTo(28.66, 3);
    const gk = (await page.getByTestId('coordinates-gk').textContent()) ?? '';
    const [, easting, northing] = /E (\d+\.\d) +N (\d+\.\d)/.exec(gk) ?? [];
    // One screen pixel is about 4 m at z15; the pointer is within a pixel of the centre.
    expect(Math.abs(Number(easting) - URBAN_GK.easting)).toBeLessThan(20);
    expect(Math.abs(Number(northing) - URBAN_GK.northing)).toBeLessThan(20);
    // It follows the pointer: 100 px east at z15 is 100 × 360° / (256 × 2^15) of longitude.
    await page.mouse.move(box.x + box.width / 2 + 100, box.y + box.height / 2);
    const expectedLon = 121.42 + (100 * 360) / (256 * 2 ** 15);
    await expect
      .poll(async () => Number(/(\d+\.\d+)°E/.exec((await geographic.textContent()) ?? '')?.[1]))
      .toBeCloseTo(expectedLon, 3);
    // The scale bar is there and metric.
    expect(await page.getByTestId('scale-bar').textContent()).toMatch(/\d+\s*(m|km)/);
    await page.close();
  }, TEST_TIMEOUT_MS);

  it('opens the identify popup with Chinese property labels when a building is clicked', async () => {
    const page = await openMap(`${CLOSE_QUERY}`);
    const candidates = await interiorPixels(page, classColours('buildings'), 12);
    expect(candidates.length).toBeGreaterThan(0);
    const popup = page.getByTestId('identify-popup');
    let found = false;
    for (const [x, y] of candidates) {
      const box = await page.getByTestId('map').boundingBox();
      if (!box) throw new Error('map element has no box');
      await page.mouse.click(box.x + x, box.y + y);
      try {
        await popup.waitFor({ state: 'visible', timeout: 3000 });
      } catch {
        continue;
      }
      // A label of a place name may sit on top of the building; then try the next building.
      if ((await popup.locator('h2').textContent()) !== '建筑物') continue;
      found = true;
      break;
    }
    expect(found, 'a click on a building opened its popup').toBe(true);
    const text = (await popup.textContent()) ?? '';
    expect(text).toContain('用途');
    expect(text).toContain('层数');
    // Class values are shown by their class title.
    expect(text).toMatch(/住宅|商业|工业|公共服务|教育|其他/);
    await page.getByTestId('identify-close').click();
    await popup.waitFor({ state: 'detached' });
    await page.close();
  }, TEST_TIMEOUT_MS);

  it('fits a 390 px phone screen: no horizontal overflow, the layer drawer opens and closes', async () => {
    const page = await openMap(`${URBAN_QUERY}`, { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    expect(await horizontalOverflow(page)).toEqual([]);
    const panel = page.getByTestId('layer-panel');
    const toggle = page.getByTestId('panel-toggle');
    // The drawer starts closed on a phone, leaving the map to the user.
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await panel.isVisible()).toBe(false);

    await toggle.click();
    await expect.poll(() => panel.isVisible()).toBe(true);
    await page.waitForTimeout(300); // the slide-in transition
    const box = await panel.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    expect(await horizontalOverflow(page)).toEqual([]);
    // The tree works inside the drawer.
    await setLayer(page, 'roads', false);

    await toggle.click();
    await expect.poll(() => panel.isVisible()).toBe(false);
    // The map still has pixels of our buildings with the drawer closed.
    const counts = await countColours(page, { buildings: classColours('buildings') });
    expect(counts.matches['buildings']! / counts.total).toBeGreaterThan(0.02);
    await page.close();
  }, TEST_TIMEOUT_MS);

  it('moves the time cursor: fewer buildings in 1990, t= in the URL, and back to now restores them', async () => {
    const page = await openMap(`${URBAN_QUERY}`);
    const tileQueries = recordTileQueries(page, 'buildings');
    const colours = { buildings: classColours('buildings') };
    const now = await countColours(page, colours);
    expect(new URL(page.url()).searchParams.get('t')).toBeNull();

    // Moving the slider a third of the way along (1980 → now) draws the mid-1990s.
    const slider = await page.getByTestId('time-slider').boundingBox();
    if (!slider) throw new Error('the time slider has no box');
    await page.mouse.click(slider.x + slider.width / 3, slider.y + slider.height / 2);
    await page.waitForFunction(() => /^199\d-/.test(new URLSearchParams(location.search).get('t') ?? ''));
    await page.waitForFunction(() => typeof (window as unknown as { __onemap: HooksLike }).__onemap.drawnTime === 'number');
    await waitForIdle(page);
    const slid = await countColours(page, colours);
    console.log(`[e2e] slider at ${new URL(page.url()).searchParams.get('t')}: building pixels ${slid.matches['buildings']}`);
    expect(slid.matches['buildings']!).toBeLessThan(now.matches['buildings']! * 0.8);

    const t1990 = Date.parse('1990-07-01T00:00:00+08:00');
    await page.getByTestId('time-input').fill('1990-07-01T00:00');
    await waitForDrawnTime(page, t1990);
    await page.waitForFunction(() => new URLSearchParams(location.search).get('t') === '1990-07-01T00:00');
    await waitForIdle(page);
    const past = await countColours(page, colours);
    console.log(`[e2e] building pixels now ${now.matches['buildings']}, at 1990-07-01 ${past.matches['buildings']}`);
    // The 椒江 core grew mostly after 1990: far fewer footprints are drawn.
    expect(past.matches['buildings']!).toBeLessThan(now.matches['buildings']! * 0.6);
    expect(past.matches['buildings']!).toBeGreaterThan(0);
    // Versioned tiles were asked for as of that instant, in Beijing time.
    expect(tileQueries).toContain('datetime=1990-07-01T00%3A00%3A00%2B08%3A00');
    expect(await page.getByTestId('time-label').textContent()).toBe('1990-07-01 00:00');

    // A step button moves by a calendar year.
    await page.getByTestId('time-step-year-forward').click();
    await waitForDrawnTime(page, Date.parse('1991-07-01T00:00:00+08:00'));
    await page.waitForFunction(() => new URLSearchParams(location.search).get('t') === '1991-07-01T00:00');

    // "Now" drops t= and the buildings come back.
    await page.getByTestId('time-now').click();
    await waitForDrawnTime(page, null);
    await page.waitForFunction(() => !new URLSearchParams(location.search).has('t'));
    await waitForIdle(page);
    const again = await countColours(page, colours);
    expect(again.matches['buildings']!).toBeGreaterThan(now.matches['buildings']! * 0.9);
    await page.close();
  }, TEST_TIMEOUT_MS);

  it('plays the time cursor in the chosen step: an hour per frame puts tstep= in the URL and advances by hours', async () => {
    const page = await openMap(`${URBAN_QUERY}&t=2024-09-15T08:00`);
    await waitForDrawnTime(page, Date.parse('2024-09-15T08:00:00+08:00'));
    await page.getByTestId('time-play-step').selectOption('hour');
    await page.waitForFunction(() => new URLSearchParams(location.search).get('tstep') === 'hour');
    await page.getByTestId('time-play').click();
    // Frames are drawn an hour apart (the address bar is written when playback stops).
    const start = Date.parse('2024-09-15T08:00:00+08:00');
    await page.waitForFunction((ms) => ((window as unknown as { __onemap: HooksLike }).__onemap.drawnTime ?? 0) >= ms, start + 2 * 3_600_000, { timeout: 20_000 });
    await page.getByTestId('time-play').click();
    await page.waitForFunction(() => new URLSearchParams(location.search).get('t') !== '2024-09-15T08:00');
    const t = new URL(page.url()).searchParams.get('t');
    // Every frame was a whole hour after the start: never a year, never a fraction of an hour.
    expect(t).toMatch(/^2024-09-15T(1\d|0[89]):00$/);
    expect(new URL(page.url()).searchParams.get('tstep')).toBe('hour');
    await page.close();
  }, TEST_TIMEOUT_MS);

  it('restores the time cursor from the URL', async () => {
    const page = await openMap(`${URBAN_QUERY}&t=2001-03-15T09:30`);
    await waitForDrawnTime(page, Date.parse('2001-03-15T09:30:00+08:00'));
    expect(await page.getByTestId('time-label').textContent()).toBe('2001-03-15 09:30');
    await page.waitForTimeout(400); // longer than the URL writer's debounce
    expect(new URL(page.url()).searchParams.get('t')).toBe('2001-03-15T09:30');
    await page.close();
  }, TEST_TIMEOUT_MS);

  it('opens a building\'s history from its popup; a version moves the time cursor to its start', async () => {
    const page = await openMap(`${CLOSE_QUERY}`);
    const popup = await openBuildingPopup(page);
    await popup.getByTestId('identify-history').click();
    const panel = page.getByTestId('history-panel');
    const versions = panel.getByTestId('history-version');
    await versions.first().waitFor({ state: 'visible', timeout: 10_000 });
    expect(await versions.count()).toBeGreaterThanOrEqual(1);
    const text = (await panel.textContent()) ?? '';
    expect(text).toContain('版本');
    expect(text).toContain('修改人');
    expect(text).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} 至 /);
    // The oldest version was the creation, with the building's use among its values.
    expect((await versions.last().textContent()) ?? '').toMatch(/新建[\s\S]*用途/);

    // Clicking the oldest version shows the map as of its start: t= is its validFrom.
    const fid = /#(\d+)/.exec((await panel.locator('.side-panel-subtitle').textContent()) ?? '')?.[1];
    const history = (await (await fetch(`${platform.baseUrl}/collections/buildings/items/${fid}/history`)).json()) as { versions: { validFrom: string }[] };
    const validFrom = Date.parse(history.versions[0]!.validFrom);
    await versions.last().locator('.version-head').click();
    await waitForDrawnTime(page, validFrom);
    await page.waitForFunction((expected) => new URLSearchParams(location.search).get('t') === expected, shanghaiWallTime(validFrom));
    await expect.poll(() => versions.last().getAttribute('class')).toContain('version-shown');
    await page.getByTestId('history-close').click();
    await panel.waitFor({ state: 'detached' });
    await page.close();
  }, TEST_TIMEOUT_MS);

  it('draws a new building, saves it with an editor token, and finds it in the API and on the map', async () => {
    const pool = createPool({ databaseUrl: platform.databaseUrl, poolMax: 2, statementTimeoutMs: 10_000 });
    const token = await createApiToken(pool, 'e2e-editor', 'editor', 1).finally(() => pool.end());
    const page = await openMap(`${CLOSE_QUERY}`);
    const map = await page.getByTestId('map').boundingBox();
    if (!map) throw new Error('map element has no box');
    // A patch of empty ground, with margin, so the new footprint neither overlaps nor snaps.
    const spot = await emptySquare(page, 72);
    expect(spot, 'an empty 72 px square in the view').not.toBeNull();
    const [cx, cy] = spot!;
    const half = 18;
    const corners: [number, number][] = [
      [cx - half, cy - half],
      [cx + half, cy - half],
      [cx + half, cy + half],
      [cx - half, cy + half],
    ];

    await page.getByTestId('edit-toggle').click();
    await page.getByTestId('edit-token').fill(token);
    expect(await page.evaluate(() => sessionStorage.getItem('onemap.editToken'))).toBe(token);
    expect(page.url()).not.toContain(token);
    await page.getByTestId('edit-draw').click();
    await page.getByTestId('edit-hint').waitFor({ state: 'visible' });
    // The Draw interaction loads on first use: wait until it is on the map.
    await page.waitForFunction(() => (window as unknown as { __onemap: HooksLike }).__onemap.editMode === 'drawing');
    for (const [x, y] of corners) await page.mouse.click(map.x + x, map.y + y);
    // Clicking the first vertex again closes the ring.
    await page.mouse.click(map.x + corners[0]![0], map.y + corners[0]![1]);
    const form = page.getByTestId('edit-form');
    await form.waitFor({ state: 'visible', timeout: 10_000 });
    await page.getByTestId('edit-field-name').fill('端到端测试楼');
    await page.getByTestId('edit-field-use').selectOption('commercial');
    await page.getByTestId('edit-field-floors').fill('3');
    await page.getByTestId('edit-field-height_m').fill('10.5');
    await page.getByTestId('edit-field-year_built').fill('2026');
    await page.getByTestId('edit-field-district_adcode').fill('331002');
    await page.getByTestId('edit-comment').fill('e2e 新建');
    const rendered = await renderCount(page);
    await page.getByTestId('edit-save').click();
    const notice = page.getByTestId('edit-notice');
    await notice.waitFor({ state: 'visible', timeout: 15_000 });
    const fid = await notice.getAttribute('data-feature-id');
    expect(fid).toMatch(/^\d+$/);

    // The API has it, where it was drawn, with who and why in its history.
    const feature = (await (await fetch(`${platform.baseUrl}/collections/buildings/items/${fid}`)).json()) as {
      properties: Record<string, unknown>;
      geometry: { coordinates: number[][][] | number[][][][] };
    };
    expect(feature.properties).toMatchObject({ name: '端到端测试楼', use: 'commercial', floors: 3, height_m: 10.5, year_built: 2026, district_adcode: '331002' });
    const lonLats = (JSON.stringify(feature.geometry.coordinates).match(/-?\d+\.\d+/g) ?? []).map(Number);
    const lons = lonLats.filter((_, i) => i % 2 === 0);
    const lats = lonLats.filter((_, i) => i % 2 === 1);
    const centre = [(Math.min(...lons) + Math.max(...lons)) / 2, (Math.min(...lats) + Math.max(...lats)) / 2];
    await page.mouse.move(map.x + cx, map.y + cy);
    const readout = page.getByTestId('coordinates-geographic');
    await expect.poll(() => readout.textContent()).toMatch(/121\.\d{6}°E/);
    const [, lon, lat] = /(\d+\.\d+)°E, (\d+\.\d+)°N/.exec((await readout.textContent()) ?? '') ?? [];
    // One pixel at z17 is about 1 m (1e-5°); the square's centre is within a few.
    expect(Math.abs(centre[0]! - Number(lon))).toBeLessThan(5e-5);
    expect(Math.abs(centre[1]! - Number(lat))).toBeLessThan(5e-5);
    const history = (await (await fetch(`${platform.baseUrl}/collections/buildings/items/${fid}/history`)).json()) as {
      versions: { changedBy: string; comment: string | null }[];
    };
    expect(history.versions).toHaveLength(1);
    expect(history.versions[0]).toMatchObject({ changedBy: 'e2e-editor', comment: 'e2e 新建' });

    // And the map draws it from fresh tiles, in the commercial colour.
    await page.waitForFunction((n) => (window as unknown as { __onemap: HooksLike }).__onemap.renderCount > n, rendered);
    await waitForIdle(page);
    const commercial = hex(hintOf('buildings').classify!.classes.find((c) => c.value === 'commercial')!.color);
    const inside = await shareOfColour(page, [cx - half + 4, cy - half + 4, cx + half - 4, cy + half - 4], commercial);
    console.log(`[e2e] new building ${fid}: ${(inside * 100).toFixed(0)}% of its square drawn in the commercial colour`);
    expect(inside).toBeGreaterThan(0.8);

    // Edit it from its popup: one more floor, then its history shows 3 → 4.
    await page.mouse.click(map.x + cx, map.y + cy);
    const popup = page.getByTestId('identify-popup');
    await popup.waitFor({ state: 'visible' });
    await popup.getByTestId('identify-edit').click();
    await form.waitFor({ state: 'visible', timeout: 10_000 });
    await page.getByTestId('edit-field-floors').fill('4');
    await page.getByTestId('edit-comment').fill('加一层');
    await page.getByTestId('edit-save').click();
    await expect.poll(() => notice.textContent(), { timeout: 15_000 }).toContain(`已保存要素 #${fid}`);
    const edited = (await (await fetch(`${platform.baseUrl}/collections/buildings/items/${fid}/history`)).json()) as {
      versions: { properties: Record<string, unknown>; changedProperties: string[] }[];
    };
    expect(edited.versions.map((v) => v.properties['floors'])).toEqual([3, 4]);
    expect(edited.versions[1]!.changedProperties).toEqual(['floors']);
    await page.close();
  }, EDIT_TIMEOUT_MS);

  it('reports the buildings added between two dates in colour, with counts, and clears them', async () => {
    const page = await openMap(`${URBAN_QUERY}`);
    await page.getByTestId('changes-toggle').click();
    const panel = page.getByTestId('change-panel');
    await panel.waitFor({ state: 'visible' });
    await page.getByTestId('change-layer').selectOption('buildings');
    await page.getByTestId('change-from').fill('2000-01-01');
    await page.getByTestId('change-to').fill('2020-12-31');
    await page.getByTestId('change-in-view').check();
    await page.getByTestId('change-run').click();
    await page.getByTestId('change-result').waitFor({ state: 'visible', timeout: 30_000 });
    const added = Number(await page.getByTestId('change-count-added').getAttribute('data-count'));
    console.log(`[e2e] buildings 2000-01-01 → 2020-12-31 in view: ${added} added`);
    expect(added).toBeGreaterThan(0);
    await waitForIdle(page);
    const green = [hex('#1e9e3e')];
    const shown = await countColours(page, { added: green });
    expect(shown.matches['added']!).toBeGreaterThan(500);

    await page.getByTestId('change-clear').click();
    await page.getByTestId('change-result').waitFor({ state: 'detached' });
    await waitForIdle(page);
    const cleared = await countColours(page, { added: green });
    expect(cleared.matches['added']!).toBeLessThan(shown.matches['added']! * 0.05);
    await page.close();
  }, TEST_TIMEOUT_MS);

  it('shows the land-cover transition table between the two surveys', async () => {
    // West of the urban core, where cropland, forest and built-up land meet.
    const page = await openMap('center=121.30000,28.66000&zoom=12.00&layers=land_cover');
    await page.getByTestId('changes-toggle').click();
    await page.getByTestId('change-layer').selectOption('land_cover');
    await page.getByTestId('change-from').fill('2020-01-01');
    await page.getByTestId('change-to').fill('2024-01-01');
    await page.getByTestId('change-in-view').check();
    await page.getByTestId('change-run').click();
    const table = page.getByTestId('transition-table');
    await table.waitFor({ state: 'visible', timeout: 30_000 });
    const text = (await table.textContent()) ?? '';
    expect(text).toContain('地类转移矩阵');
    expect(text).toContain('合计');
    expect(await table.locator('tbody tr').count()).toBeGreaterThan(1);
    // Some area changed class between the 2019 and the 2023 survey.
    const offDiagonal = await table.locator('td[data-from]').evaluateAll((cells) =>
      cells.filter((c) => c.getAttribute('data-from') !== c.getAttribute('data-to') && (c.textContent ?? '').trim() !== '').length,
    );
    expect(offDiagonal).toBeGreaterThan(0);
    await page.close();
  }, TEST_TIMEOUT_MS);

  it('loaded every page without errors', () => {
    expect(problems).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------

/** Opens the client at `?query`, waits for the first complete render and logs how long it took. */
async function openMap(query: string, options: BrowserContextOptions = { viewport: { width: 1280, height: 800 } }): Promise<Page> {
  const context = await browser.newContext({ deviceScaleFactor: 1, ...options });
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} ${response.url()}`);
  });
  // The browser may already be closing (afterAll): a rejected close is not a test failure.
  page.on('close', () => void context.close().catch(() => undefined));
  // The function is serialised into the page (it must not close over anything in Node).
  await page.addInitScript(`window.__composeMap = ${composeMapInPage.toString()};`);
  const started = Date.now();
  await page.goto(`${platform.baseUrl}/?${query}`);
  await page.waitForFunction(() => (window as unknown as { __onemap?: HooksLike }).__onemap?.ready === true, null, {
    timeout: 30_000,
  });
  const hooks = await page.evaluate(() => (window as unknown as { __onemap: HooksLike }).__onemap);
  // A figure, not an assertion: timing on a shared 2-core machine is not a test (architecture.md §8).
  console.log(
    `[e2e] first rendercomplete ${hooks.firstRenderMs?.toFixed(0)} ms after navigation start (in page), ` +
      `${Date.now() - started} ms wall from goto; ?${query}`,
  );
  return page;
}

/**
 * Ticks or unticks a layer in the tree and waits until the map has rendered the change and the
 * URL lists (or no longer lists) the layer.
 */
async function setLayer(page: Page, layerId: string, visible: boolean): Promise<void> {
  const rendered = await renderCount(page);
  const box = page.getByTestId(`layer-toggle-${layerId}`);
  if (visible) await box.check();
  else await box.uncheck();
  await page.waitForFunction((n) => (window as unknown as { __onemap: HooksLike }).__onemap.renderCount > n, rendered);
  await page.waitForFunction(
    ({ id, shown }) => (new URLSearchParams(location.search).get('layers') ?? '').split(',').includes(id) === shown,
    { id: layerId, shown: visible },
  );
}

async function renderCount(page: Page): Promise<number> {
  return page.evaluate(() => (window as unknown as { __onemap: HooksLike }).__onemap.renderCount);
}

/** Waits until no new frame has completed for a short while. */
async function waitForIdle(page: Page): Promise<void> {
  let last = await renderCount(page);
  for (let i = 0; i < 20; i++) {
    await page.waitForTimeout(250);
    const now = await renderCount(page);
    if (now === last) return;
    last = now;
  }
}

function hintOf(layerId: string): StyleHintLike {
  const layer = catalog.layers.find((l) => l.id === layerId);
  if (!layer) throw new Error(`layer ${layerId} not in /catalog`);
  return layer.style;
}

function classColours(layerId: string): Rgb[] {
  return (hintOf(layerId).classify?.classes ?? []).map((c) => hex(c.color));
}

function hex(color: string | undefined): Rgb {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color ?? '');
  if (!m) throw new Error(`not a #rrggbb colour: ${color}`);
  return [parseInt(m[1]!, 16), parseInt(m[2]!, 16), parseInt(m[3]!, 16)];
}

interface ColourCounts {
  readonly total: number;
  readonly matches: Record<string, number>;
}

function share(counts: ColourCounts, key: string): string {
  return `${(((counts.matches[key] ?? 0) / counts.total) * 100).toFixed(1)}%`;
}

/**
 * Installed in every page: composes the map's layer canvases into one image, as OpenLayers'
 * export-map example does. Reading the canvases also proves they are not tainted (client.md §2.G).
 */
function composeMapInPage(): ImageData {
  const map = document.querySelector('[data-testid=map]') as HTMLElement;
  const width = map.clientWidth;
  const height = map.clientHeight;
  const out = document.createElement('canvas');
  out.width = width;
  out.height = height;
  const ctx = out.getContext('2d', { willReadFrequently: true })!;
  for (const canvas of map.querySelectorAll<HTMLCanvasElement>('.ol-layer canvas, canvas.ol-layer')) {
    if (canvas.width === 0 || canvas.height === 0) continue;
    const parent = canvas.parentElement as HTMLElement;
    const opacity = parent.style.opacity || canvas.style.opacity;
    ctx.globalAlpha = opacity === '' ? 1 : Number(opacity);
    const transform = canvas.style.transform;
    const matrix = transform
      ? (/^matrix\(([^(]*)\)$/.exec(transform)?.[1] ?? '1,0,0,1,0,0').split(',').map(Number)
      : [parseFloat(canvas.style.width) / canvas.width, 0, 0, parseFloat(canvas.style.height) / canvas.height, 0, 0];
    ctx.setTransform(matrix[0]!, matrix[1]!, matrix[2]!, matrix[3]!, matrix[4]!, matrix[5]!);
    ctx.drawImage(canvas, 0, 0);
  }
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  return ctx.getImageData(0, 0, width, height);
}

interface E2eWindow {
  __composeMap: () => ImageData;
  __snapshot?: ImageData;
}

/** Keeps the current map image in the page, for `changedSinceSnapshot`. */
async function snapshotMap(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as E2eWindow;
    w.__snapshot = w.__composeMap();
  });
}

/** Share of map pixels that differ (by more than a few levels) from the last snapshot. */
async function changedSinceSnapshot(page: Page): Promise<number> {
  return page.evaluate(() => {
    const w = window as unknown as E2eWindow;
    const before = w.__snapshot!.data;
    const after = w.__composeMap().data;
    let changed = 0;
    for (let i = 0; i < after.length; i += 4) {
      const d = Math.abs(after[i]! - before[i]!) + Math.abs(after[i + 1]! - before[i + 1]!) + Math.abs(after[i + 2]! - before[i + 2]!) + Math.abs(after[i + 3]! - before[i + 3]!);
      if (d > 6) changed += 1;
    }
    return changed / (after.length / 4);
  });
}

/** Counts the map pixels within a small tolerance of each colour group. */
async function countColours(page: Page, groups: Record<string, readonly Rgb[]>): Promise<ColourCounts> {
  return page.evaluate(
    ({ groups, tolerance }) => {
      const image = (window as unknown as E2eWindow).__composeMap();
      const entries = Object.entries(groups);
      const matches: Record<string, number> = Object.fromEntries(entries.map(([k]) => [k, 0]));
      const data = image.data;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3]! < 250) continue;
        for (const [key, colours] of entries) {
          if (colours.some((c) => Math.abs(data[i]! - c[0]) <= tolerance && Math.abs(data[i + 1]! - c[1]) <= tolerance && Math.abs(data[i + 2]! - c[2]) <= tolerance)) {
            matches[key]! += 1;
          }
        }
      }
      return { total: data.length / 4, matches };
    },
    { groups, tolerance: 8 },
  );
}

/**
 * Up to `limit` map pixels (CSS px from the map's top-left) well inside a patch of one of the
 * colours, spread over the screen, for clicking features.
 */
async function interiorPixels(page: Page, colours: readonly Rgb[], limit: number): Promise<[number, number][]> {
  return page.evaluate(
    ({ colours, limit }) => {
      const image = (window as unknown as E2eWindow).__composeMap();
      const { width, height } = image;
      const data = image.data;
      const isColour = (x: number, y: number) => {
        const i = (y * width + x) * 4;
        return colours.some((c) => Math.abs(data[i]! - c[0]) <= 8 && Math.abs(data[i + 1]! - c[1]) <= 8 && Math.abs(data[i + 2]! - c[2]) <= 8);
      };
      const found: [number, number][] = [];
      const step = 13; // a coarse grid spreads the candidates over the screen
      const margin = 3; // 7 × 7 px of one colour: inside a footprint, away from its outline
      for (let y = 40; y < height - 40 && found.length < limit * 4; y += step) {
        for (let x = 40; x < width - 60 && found.length < limit * 4; x += step) {
          let inside = true;
          for (let dy = -margin; dy <= margin && inside; dy++) {
            for (let dx = -margin; dx <= margin && inside; dx++) inside = isColour(x + dx, y + dy);
          }
          if (inside) found.push([x, y]);
        }
      }
      // Take every k-th so the candidates are not all in one block.
      const k = Math.max(1, Math.floor(found.length / limit));
      return found.filter((_, i) => i % k === 0).slice(0, limit);
    },
    { colours, limit },
  );
}

/** Visible elements reaching past the right edge of the viewport (empty when the layout fits). */
async function horizontalOverflow(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const offenders: string[] = [];
    if (document.documentElement.scrollWidth > width) offenders.push(`document scrollWidth ${document.documentElement.scrollWidth} > ${width}`);
    for (const element of document.body.querySelectorAll<HTMLElement>('*')) {
      const style = getComputedStyle(element);
      if (style.visibility === 'hidden' || style.display === 'none') continue;
      const rect = element.getBoundingClientRect();
      if (rect.width === 0 || rect.height === 0) continue;
      if (rect.right > width + 1) offenders.push(`${element.tagName.toLowerCase()}.${element.className} right=${rect.right.toFixed(0)}`);
    }
    return offenders;
  });
}

// ---------------------------------------------------------------------------------------------
// Time, history, editing and change report helpers

/** Waits until the map has completely drawn the time cursor `time` (epoch ms; null = now). */
async function waitForDrawnTime(page: Page, time: number | null): Promise<void> {
  await page.waitForFunction((t) => (window as unknown as { __onemap: HooksLike }).__onemap.drawnTime === t, time, { timeout: 30_000 });
}

/** The query strings of the tile requests of `layerId` made by the page from now on. */
function recordTileQueries(page: Page, layerId: string): string[] {
  const queries: string[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.pathname.startsWith(`/tiles/${layerId}/`) && url.search) queries.push(url.search.slice(1));
  });
  return queries;
}

/** `2015-06-01T08:00[:ss[.SSS]]`: an instant as the client writes it in `t=` (UTC+8). */
function shanghaiWallTime(ms: number): string {
  const iso = new Date(ms + 8 * 3_600_000).toISOString(); // 2015-06-01T08:00:00.000Z
  const [date, time] = iso.slice(0, -1).split('T') as [string, string];
  const [hm, sec = '00.000'] = [time.slice(0, 5), time.slice(6)];
  if (sec === '00.000') return `${date}T${hm}`;
  return sec.endsWith('.000') ? `${date}T${hm}:${sec.slice(0, 2)}` : `${date}T${hm}:${sec}`;
}

/** Clicks buildings until one's popup opens (a label may sit on top of the first ones). */
async function openBuildingPopup(page: Page) {
  const candidates = await interiorPixels(page, classColours('buildings'), 12);
  const popup = page.getByTestId('identify-popup');
  for (const [x, y] of candidates) {
    const box = await page.getByTestId('map').boundingBox();
    if (!box) throw new Error('map element has no box');
    await page.mouse.click(box.x + x, box.y + y);
    try {
      await popup.waitFor({ state: 'visible', timeout: 3000 });
    } catch {
      continue;
    }
    if ((await popup.locator('h2').textContent()) === '建筑物') return popup;
  }
  throw new Error('no click on a building opened its popup');
}

/**
 * The centre (CSS px from the map's top-left) of a `size` × `size` square where nothing opaque is
 * drawn (no building, road or label; the translucent district fill does not count), away from
 * the map's edges and the floating controls in its top right corner; null when there is none.
 */
async function emptySquare(page: Page, size: number): Promise<[number, number] | null> {
  return page.evaluate((size) => {
    const image = (window as unknown as E2eWindow).__composeMap();
    const { width, height, data } = image;
    const opaque = (x: number, y: number) => data[(y * width + x) * 4 + 3]! > 200;
    const step = 8;
    for (let y = Math.floor(height * 0.35); y + size < height - 30; y += step) {
      for (let x = 40; x + size < width * 0.6; x += step) {
        let empty = true;
        for (let dy = 0; dy < size && empty; dy += 2) {
          for (let dx = 0; dx < size && empty; dx += 2) empty = !opaque(x + dx, y + dy);
        }
        if (empty) return [x + size / 2, y + size / 2] as [number, number];
      }
    }
    return null;
  }, size);
}

/** Share of the pixels of a map rectangle [x0, y0, x1, y1] (CSS px) within a few levels of `colour`. */
async function shareOfColour(page: Page, rect: readonly [number, number, number, number], colour: Rgb): Promise<number> {
  return page.evaluate(
    ({ rect, colour }) => {
      const image = (window as unknown as E2eWindow).__composeMap();
      const [x0, y0, x1, y1] = rect.map(Math.round) as [number, number, number, number];
      let hits = 0;
      let total = 0;
      for (let y = y0; y <= y1; y++) {
        for (let x = x0; x <= x1; x++) {
          const i = (y * image.width + x) * 4;
          total += 1;
          if (Math.abs(image.data[i]! - colour[0]) <= 8 && Math.abs(image.data[i + 1]! - colour[1]) <= 8 && Math.abs(image.data[i + 2]! - colour[2]) <= 8) hits += 1;
        }
      }
      return hits / total;
    },
    { rect, colour },
  );
}
