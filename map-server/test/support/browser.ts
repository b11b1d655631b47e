// The functions given to page.evaluate run in the browser and use its globals.
/// <reference lib="dom" />
/**
 * What the browser end-to-end tests share: how Debian's Chromium is launched (client.md §5), how
 * a page of the client is opened with its problems recorded, and how map pixels are counted.
 */
import type { Browser, Page } from 'playwright-core';

export const LAUNCH_OPTIONS = {
  executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
  headless: true,
  args: ['--disable-gpu', '--enable-unsafe-swiftshader', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
};

export interface OpenPageOptions {
  /** Uncaught errors, console errors and HTTP errors of the page are appended here. */
  readonly problems: string[];
  /** Put in sessionStorage as the editor token before the client starts. */
  readonly token?: string;
  /** Record HTTP answers ≥ 400 (default true). */
  readonly watchResponses?: boolean;
  /** A failure the test provokes on purpose, not a problem. */
  readonly expected?: { readonly console?: RegExp; readonly response?: (status: number, url: string) => boolean };
}

/** Opens `/?query` at 1280 × 800 and waits until the map's first complete frame. */
export async function openClientPage(browser: Browser, baseUrl: string, query: string, options: OpenPageOptions): Promise<Page> {
  const { problems, token, watchResponses = true, expected = {} } = options;
  const context = await browser.newContext({ deviceScaleFactor: 1, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !expected.console?.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  if (watchResponses) {
    page.on('response', (r) => {
      if (r.status() >= 400 && !expected.response?.(r.status(), r.url())) problems.push(`HTTP ${r.status()} ${r.url()}`);
    });
  }
  page.on('close', () => void context.close().catch(() => undefined));
  if (token !== undefined) await page.addInitScript(`sessionStorage.setItem('onemap.editToken', ${JSON.stringify(token)});`);
  await page.goto(`${baseUrl}/?${query}`);
  await page.waitForFunction(() => (window as unknown as { __onemap?: { ready: boolean } }).__onemap?.ready === true, null, { timeout: 30_000 });
  return page;
}

/** Opaque pixels of the map's layer canvases within `tol` of `rgb`. */
export async function countMapColour(page: Page, rgb: readonly [number, number, number], tol: number): Promise<number> {
  return page.evaluate(
    ({ rgb, tol }) => {
      const map = document.querySelector('[data-testid=map]') as HTMLElement;
      let n = 0;
      for (const canvas of map.querySelectorAll<HTMLCanvasElement>('.ol-layer canvas, canvas.ol-layer')) {
        if (!canvas.width || !canvas.height) continue;
        const d = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data;
        if (!d) continue;
        for (let i = 0; i < d.length; i += 4)
          if (d[i + 3]! > 250 && Math.abs(d[i]! - rgb[0]) <= tol && Math.abs(d[i + 1]! - rgb[1]) <= tol && Math.abs(d[i + 2]! - rgb[2]) <= tol) n++;
      }
      return n;
    },
    { rgb, tol },
  );
}
