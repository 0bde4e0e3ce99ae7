// A real browser for end-to-end tests: Debian's chromium driven by playwright-core (never a
// downloaded browser), with a fresh profile per launch and a screenshot helper writing under
// test-output/.
//
//   const b = await launchBrowser({ baseURL });
//   const page = await b.newPage();
//   await page.goto('/');
//   await b.screenshot(page, 'my-page');          // → test-output/my-page.png
//   expect(b.pageErrors).toEqual([]);              // uncaught errors in the page
//   await b.close();
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const OUTPUT_DIR = path.resolve(import.meta.dirname, '../../test-output');

export interface TestBrowser {
  context: BrowserContext;
  userDataDir: string;
  /** uncaught exceptions and console.error lines seen in any page */
  pageErrors: string[];
  newPage(): Promise<Page>;
  /** full-page PNG under test-output/<name>.png; returns its path */
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

export async function launchBrowser(o: { baseURL?: string; viewport?: { width: number; height: number }; locale?: string } = {}): Promise<TestBrowser> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    baseURL: o.baseURL,
    viewport: o.viewport ?? { width: 1280, height: 800 },
    locale: o.locale ?? 'fr-FR',
    timezoneId: 'Europe/Paris',
    acceptDownloads: true,
  });
  const pageErrors: string[] = [];
  const watch = (page: Page) => {
    page.on('pageerror', (err) => pageErrors.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      // failed fetches (401 before a refresh, 404 checks) are logged by chromium as console errors: not page bugs
      if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) pageErrors.push(`console: ${msg.text()}`);
    });
  };
  context.on('page', watch);
  for (const p of context.pages()) watch(p);
  return {
    context,
    userDataDir,
    pageErrors,
    async newPage() {
      const existing = context.pages().find((p) => p.url() === 'about:blank');
      return existing ?? context.newPage();
    },
    async screenshot(page, name) {
      fs.mkdirSync(OUTPUT_DIR, { recursive: true });
      const file = path.join(OUTPUT_DIR, `${name.replace(/[^\w.-]+/g, '_')}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      await context.close().catch(() => undefined);
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
