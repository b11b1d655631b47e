// The functions given to page.evaluate run in the browser and use its globals.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The 规划 workspace end to end in headless Chromium against the real server and PostGIS. Near
 * 椒江 the sample is cut away and fixture planning features put in its place (as in
 * planning.test.ts): a red-line patch, a housing parcel (070102), a commercial parcel (0901) and
 * a development boundary. The workspace opens with the parcels coloured by land use (pixels of
 * the catalogue's class colours) and the standard legend; a site drawn with the mouse across
 * the red line and both parcels comes back as a conflict with both classes in the table and
 * links to the HTML and PDF reports; the URL restores the report after a reload; a GeoJSON file
 * in EPSG:4549 uploaded through the form is reviewed too.
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
const ZOOM = 17;
/** Metres per CSS pixel of EPSG:3857 at ZOOM (256-px tiles, device pixel ratio 1). */
const RES = 156543.03392804097 / 2 ** ZOOM;

// EPSG:4549 rectangles near 椒江, [xmin, ymin, xmax, ymax] in metres.
const X0 = 638_000;
const Y0 = 3_170_000;
const SITE = [X0, Y0, X0 + 300, Y0 + 100] as const;
const rect4549 = ([a, b, c, d]: readonly number[]) => `ST_Transform(ST_MakeEnvelope(${a}, ${b}, ${c}, ${d}, 4549), 4490)`;

let platform: TestPlatform;
let browser: Browser;
let db: pg.Client;
let token: string;
let centre: { lon: number; lat: number; x: number; y: number };
const problems: string[] = [];

async function prepareFixtures(): Promise<void> {
  const area = rect4549([X0 - 500, Y0 - 500, X0 + 800, Y0 + 600]);
  for (const t of ['eco_redline', 'basic_farmland', 'urban_boundary', 'parcels']) {
    await db.query(`UPDATE planning.${t} SET geom = ST_Multi(ST_CollectionExtract(ST_Difference(geom, ${area}), 3)) WHERE ST_Intersects(geom, ${area})`);
    await db.query(`DELETE FROM planning.${t} WHERE ST_IsEmpty(geom)`);
  }
  const since = `tstzrange('2020-01-01T00:00:00+08:00', NULL)`;
  await db.query(`INSERT INTO planning.eco_redline (valid, code, name, kind, plan_version, area_m2, geom)
    VALUES (${since}, 'E2E-RL-1', '测试红线', '水源涵养', 'sqsx-2022', 60000, ST_Multi(${rect4549([X0 - 100, Y0 - 100, X0 + 100, Y0 + 200])}))`);
  await db.query(`INSERT INTO planning.urban_boundary (valid, code, name, zone, plan_version, area_m2, geom)
    VALUES (${since}, 'E2E-UDB-1', '测试城镇开发边界', '集中建设区', 'sqsx-2022', 200000, ST_Multi(${rect4549([X0 + 100, Y0 - 200, X0 + 600, Y0 + 300])}))`);
  for (const [no, code, r] of [
    ['E2E-KG-1', '070102', [X0 + 100, Y0 - 50, X0 + 200, Y0 + 150]],
    ['E2E-KG-2', '0901', [X0 + 200, Y0 - 50, X0 + 400, Y0 + 150]],
  ] as const)
    await db.query(
      `INSERT INTO planning.parcels (valid, parcel_no, landuse_code, landuse_class, landuse_name, plan_version, area_m2, geom)
       SELECT ${since}, $1, $2, left($2, 2), name, 'kg-2021', 1, ST_Multi(${rect4549(r)}) FROM planning.landuse_codes WHERE system = 'ydyh2023' AND code = $2`,
      [no, code],
    );
}

beforeAll(async () => {
  if (!existsSync(`${CLIENT_DIR}/index.html`)) throw new Error(`the built client is missing (${CLIENT_DIR}); run \`npm run build -w map-client\` first`);
  platform = await startTestPlatform({ ONEMAP_CLIENT_DIR: CLIENT_DIR });
  db = new pg.Client({ connectionString: platform.databaseUrl });
  await db.connect();
  await prepareFixtures();
  const pool = createPool({ databaseUrl: platform.databaseUrl, poolMax: 1, statementTimeoutMs: 5000 });
  token = await createApiToken(pool, '规划科', 'editor', 1).finally(() => pool.end());
  // The map centre: the site's centre, in lon/lat (for the URL) and in EPSG:3857 (for pixels).
  const { rows } = await db.query<{ lon: number; lat: number; x: number; y: number }>(
    `SELECT ST_X(g) AS lon, ST_Y(g) AS lat, ST_X(ST_Transform(g, 3857)) AS x, ST_Y(ST_Transform(g, 3857)) AS y
       FROM ST_Transform(ST_SetSRID(ST_MakePoint(${X0 + 150}, ${Y0 + 50}), 4549), 4326) g`,
  );
  centre = rows[0]!;
  browser = await chromium.launch(LAUNCH_OPTIONS);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await db?.end();
  await platform?.close();
});

/** A page of the client with this suite's token, its problems recorded. */
const openPage = (query: string): Promise<Page> => openClientPage(browser, platform.baseUrl, query, { problems, token });

/** Pixels of the map within `tol` of `rgb`. */
const countColour = (page: Page, rgb: readonly [number, number, number], tol = 8): Promise<number> => countMapColour(page, rgb, tol);

const hex = (c: string) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16)) as unknown as readonly [number, number, number];

/** Page position of an EPSG:4549 point, from the map element's centre and the fixed resolution. */
async function pagePoint(page: Page, x4549: number, y4549: number): Promise<{ x: number; y: number }> {
  const { rows } = await db.query<{ x: number; y: number }>(`SELECT ST_X(g) AS x, ST_Y(g) AS y FROM ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4549), 3857) g`, [x4549, y4549]);
  const box = (await page.locator('[data-testid=map]').boundingBox())!;
  return { x: box.x + box.width / 2 + (rows[0]!.x - centre.x) / RES, y: box.y + box.height / 2 - (rows[0]!.y - centre.y) / RES };
}

describe('规划 workspace in headless Chromium', () => {
  it('colours parcels by land use with the standard legend, reviews a drawn site, links the reports, and restores them from the URL', async () => {
    const catalog = (await (await fetch(`${platform.baseUrl}/catalog`)).json()) as { layers: { id: string; style: { classify?: { classes: { value: string; color: string }[] } } }[] };
    const classes = catalog.layers.find((l) => l.id === 'plan_parcels')!.style.classify!.classes;
    const colourOf = (code: string) => hex(classes.find((c) => c.value === code)!.color);

    const page = await openPage(`ws=planning&center=${centre.lon.toFixed(6)},${centre.lat.toFixed(6)}&zoom=${ZOOM}`);
    await page.waitForSelector('[data-testid=planning-legend] li');
    const legend = await page.locator('[data-testid=planning-legend] li').allTextContents();
    expect(legend).toContain('07 居住用地');
    expect(legend).toContain('09 商业服务业用地');
    // Parcels drawn in their class colours: the housing parcel (100 m × 200 m ≈ 84 × 168 px) and the commercial one.
    await expect.poll(() => countColour(page, colourOf('07')), { timeout: 30_000 }).toBeGreaterThan(5_000);
    expect(await countColour(page, colourOf('09'))).toBeGreaterThan(10_000);

    // Draw the site: four corners, then the first again to close (distinct places: never a double click).
    await page.click('[data-testid=planning-draw]');
    const corners = [[SITE[0], SITE[1]], [SITE[2], SITE[1]], [SITE[2], SITE[3]], [SITE[0], SITE[3]]] as const;
    for (const [i, [x, y]] of corners.entries()) {
      const p = await pagePoint(page, x, y);
      // The workspace counts the vertices placed: each click must add one (a feature popup opening
      // over the map on singleclick once swallowed the fourth; Draw now stops clicks while drawing).
      await page.mouse.click(p.x, p.y);
      await page.waitForSelector(`[data-testid=planning-vertices][data-count="${i + 1}"]`, { timeout: 10_000 });
    }
    const first = await pagePoint(page, SITE[0], SITE[1]);
    await page.mouse.click(first.x, first.y);
    await page.waitForSelector('[data-testid=planning-result]', { timeout: 30_000 });
    expect(await page.locator('[data-testid=planning-verdict]').textContent()).toBe('存在冲突');
    expect(await page.locator('[data-testid=planning-table] tr[data-layer=plan_eco_redline]').getAttribute('class')).toBe('sev-conflict');
    const classRows = await page.locator('[data-testid=planning-classes] tr').allTextContents();
    expect(classRows.some((t) => t.startsWith('0901 商业用地'))).toBe(true);
    expect(classRows.some((t) => t.startsWith('070102 二类城镇住宅用地'))).toBe(true);
    // The areas: a third of the ~30 000 m² site on each class (the drawing is exact to a pixel, ~1.2 m).
    const siteText = await page.locator('[data-testid=planning-result] p').nth(1).textContent();
    const siteM2 = Number(/([\d,]+\.\d+) m²/.exec(siteText!)![1]!.replace(/,/g, ''));
    expect(siteM2).toBeGreaterThan(28_500);
    expect(siteM2).toBeLessThan(31_500);

    // The URL names the review (the address bar is written a moment after the state changes);
    // the report links serve HTML and a PDF.
    const reviewInUrl = () => new URL(page.url()).searchParams.get('planning.review') ?? '';
    await expect.poll(reviewInUrl, { timeout: 10_000 }).toMatch(/^\d+$/);
    const id = reviewInUrl();
    const pdfHref = await page.locator('[data-testid=planning-pdf]').getAttribute('href');
    expect(pdfHref).toBe(`/planning/reviews/${id}/report.pdf`);
    const pdf = await fetch(`${platform.baseUrl}${pdfHref}`);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 5).toString()).toBe('%PDF-');
    const html = await (await fetch(`${platform.baseUrl}${await page.locator('[data-testid=planning-html]').getAttribute('href')}`)).text();
    expect(html).toContain(`No.${id}`);

    // A reload restores the report from the URL.
    await page.reload();
    await page.waitForSelector('[data-testid=planning-result]', { timeout: 30_000 });
    expect(await page.locator('[data-testid=planning-verdict]').textContent()).toBe('存在冲突');
    expect(await page.locator('[data-testid=planning-result]').textContent()).toContain(`No.${id}`);

    // Upload: a GeoJSON file in EPSG:4549 (chosen in the form) across the same place.
    await page.selectOption('[data-testid=planning-crs]', 'EPSG:4549');
    const ring = [[SITE[0], SITE[1]], [SITE[2], SITE[1]], [SITE[2], SITE[3]], [SITE[0], SITE[3]], [SITE[0], SITE[1]]];
    await page.setInputFiles('[data-testid=planning-upload]', {
      name: '选址.geojson',
      mimeType: 'application/geo+json',
      buffer: Buffer.from(JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { name: '上传选址' }, geometry: { type: 'Polygon', coordinates: [ring] } }] })),
    });
    await expect.poll(() => new URL(page.url()).searchParams.get('planning.review'), { timeout: 30_000 }).not.toBe(id);
    await page.waitForFunction((old) => !document.querySelector('[data-testid=planning-result]')?.textContent?.includes(`No.${old} `), id);
    const uploaded = await page.locator('[data-testid=planning-result] p').nth(1).textContent();
    expect(Number(/([\d,]+\.\d+) m²/.exec(uploaded!)![1]!.replace(/,/g, ''))).toBeGreaterThan(29_900);
    expect(await page.locator('[data-testid=planning-verdict]').textContent()).toBe('存在冲突');

    expect(problems).toEqual([]);
  }, 180_000);
});
