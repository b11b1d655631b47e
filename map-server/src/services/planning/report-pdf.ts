/**
 * HTML → PDF with headless Chromium (Debian `chromium`, driven by playwright-core): the report
 * page is set as content (it loads nothing from the network) and printed on A4. One browser
 * per request: reports are rare and a resident browser would hold ~100 MB for nothing.
 */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { AppError } from '../../errors.ts';

/** Where Debian installs Chromium (scripts/ensure-system.sh installs it). */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const FLAGS = ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--no-sandbox'];

export async function renderPdf(html: string, executablePath = CHROMIUM_PATH): Promise<Buffer> {
  if (!existsSync(executablePath)) throw new AppError(503, 'ToolMissing', 'PDF 报告需要 Chromium (Debian chromium) / the PDF report needs Chromium (Debian chromium), which is not installed');
  const browser = await chromium.launch({ executablePath, headless: true, args: FLAGS });
  try {
    const page = await browser.newPage();
    // Nothing on the page may reach the network: the report is self-contained.
    await page.route('**/*', (route) => (route.request().url().startsWith('data:') ? route.continue() : route.abort()));
    await page.setContent(html, { waitUntil: 'load' });
    return await page.pdf({ format: 'A4', printBackground: true, margin: { top: '14mm', bottom: '14mm', left: '12mm', right: '12mm' } });
  } finally {
    await browser.close();
  }
}
