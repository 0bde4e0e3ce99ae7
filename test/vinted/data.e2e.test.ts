// "Done means" of issue 14 (export / import), tried as a new user in Debian's chromium: on install A
// the seller downloads the export from the Données page (told that cookies are not in it), then on a
// fresh install B imports it and finds the batch in the Studio; the purge shows its dry-run count and
// is switched on; a photo touched up on A arrives edited on B. Screenshots: test-output/vinted-data-*.png.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { signIn } from '../helpers/sign-in.ts';
import { ensureWeb } from '../../scripts/ensure-web.ts';
import vinted from '../../src/vinted/index.ts';
import { seedCatalog } from './publish-helpers.ts';

let a: TestPlatform;
let b: TestPlatform;
let browserA: TestBrowser;
let browserB: TestBrowser;
let job: string;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-data-e2e-'));

beforeAll(async () => {
  await ensureWeb({ quiet: true });
  a = await createTestPlatform({ modules: [vinted] });
  b = await createTestPlatform({ modules: [vinted] });
  job = await seedCatalog(a.ctx, [{}, { category: 'jeans' }]);
  browserA = await launchBrowser({ baseURL: await a.listen(), viewport: { width: 1280, height: 1000 } });
  browserB = await launchBrowser({ baseURL: await b.listen(), viewport: { width: 1280, height: 1000 } });
}, 300_000);

afterAll(async () => {
  await browserA?.close();
  await browserB?.close();
  await a?.close();
  await b?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const login = (page: Page, url: string) => signIn(page, url, 'admin');

describe('export the Studio and import it on a fresh install, in a browser', () => {
  let zipPath: string;

  test('install A: a photo touched up in the Studio (rotated), the original kept', async () => {
    const page = await browserA.newPage();
    await login(page, `/vinted?job=${job}`);
    const first = page.getByTestId('thumb').first();
    await first.waitFor();
    await first.hover();
    await page.getByTestId('touchup-open').first().click();
    await page.getByTestId('touchup-preview').waitFor();
    await page.getByTestId('touchup-rotate-right').click();
    await expect.poll(() => page.getByTestId('touchup-preview').getAttribute('src')).toMatch(/\?v=[0-9a-f]{12}$/);
    await page.getByText('L’original est conservé').waitFor();
    await browserA.screenshot(page, 'vinted-data-0-touchup');
    await page.getByRole('button', { name: 'Fermer' }).click();
    await expect.poll(() => page.locator('[data-testid="thumb"][data-edited="true"]').count()).toBe(1);
  });

  test('install A: the Données page says secrets stay out, shows the purge count, and downloads the export', async () => {
    // a webhook endpoint on A: B gets it paused, its secret left behind
    const hook = await a.request('POST', '/api/vinted/webhooks', { token: a.tokens.operator, body: { url: 'https://hooks.example.com/erp', events: ['listing.sold'] } });
    expect(hook.status, hook.text).toBe(200);
    const page = await browserA.newPage();
    await page.goto('/vinted/data');
    await page.getByRole('heading', { name: 'Données' }).waitFor();
    await page.getByText('ne sont jamais exportés').waitFor();
    await page.getByTestId('purge-preview').waitFor();
    expect(await page.getByTestId('purge-preview').textContent()).toContain('0 notifications lues, 0 envois webhook/e-mail terminés');
    await page.getByLabel('Notifications lues après (jours)').waitFor();
    expect(await page.getByTestId('purge-state').textContent()).toContain('Purge désactivée');
    await browserA.screenshot(page, 'vinted-data-1-export');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Télécharger l’export (ZIP)' }).click()]);
    zipPath = path.join(tmp, download.suggestedFilename());
    await download.saveAs(zipPath);
    expect(download.suggestedFilename()).toMatch(/^atelier-vinted-\d{4}-\d{2}-\d{2}\.zip$/);
    expect(fs.statSync(zipPath).size).toBeGreaterThan(1000);
    // the purge is switched on after the count was seen
    await page.getByRole('button', { name: 'Activer la purge' }).click();
    await expect.poll(() => page.getByTestId('purge-state').textContent()).toContain('Purge active');
    expect(browserA.pageErrors).toEqual([]);
  });

  test('install A: the admin page shows every user\'s usage and totals, and suspends a user at once', async () => {
    const page = await browserA.newPage();
    await page.goto('/vinted/data');
    await page.getByTestId('my-usage').waitFor();
    await page.getByRole('link', { name: 'Administration' }).click();
    await page.getByTestId('admin-totals').waitFor();
    const row = page.locator('[data-testid="admin-user"][data-email="operator@test.local"]');
    await row.waitFor();
    expect((await a.request('GET', '/api/vinted/quota', { token: a.tokens.operator })).status).toBe(200);
    await row.getByTestId('admin-suspend').click();
    await row.getByText('Suspendu', { exact: true }).waitFor();
    expect((await a.request('GET', '/api/vinted/quota', { token: a.tokens.operator })).status).toBe(401);
    await browserA.screenshot(page, 'vinted-data-4-admin');
    await row.getByTestId('admin-suspend').click();
    await expect.poll(() => row.getByText('Suspendu', { exact: true }).count()).toBe(0);
    expect((await a.request('GET', '/api/vinted/quota', { token: a.tokens.operator })).status).toBe(200);
    expect(browserA.pageErrors).toEqual([]);
  });

  test('fresh install B: imports the ZIP and finds the batch with its articles in the Studio', async () => {
    const page = await browserB.newPage();
    await login(page, '/vinted/data');
    await page.getByRole('heading', { name: 'Données' }).waitFor();
    await page.getByLabel('Choisir un export (ZIP)').setInputFiles(zipPath);
    const result = page.getByTestId('import-result');
    await result.waitFor();
    expect(await result.textContent()).toContain('Importé : 1 lots, 4 photos, 0 publications.');
    expect(await page.getByTestId('import-warnings').textContent()).toContain('Webhook https://hooks.example.com/erp importé en pause');
    await browserB.screenshot(page, 'vinted-data-2-imported');
    await page.getByRole('link', { name: 'Studio', exact: true }).click();
    await page.getByText('Lots récents').waitFor();
    await page.getByRole('button', { name: 'Ouvrir' }).first().click();
    await page.locator('[data-testid="garment-card"]').first().waitFor();
    expect(await page.locator('[data-testid="garment-card"]').count()).toBe(2);
    // the touch-up came along: the photo shows edited on B too
    await expect.poll(() => page.locator('[data-testid="thumb"][data-edited="true"]').count()).toBe(1);
    await browserB.screenshot(page, 'vinted-data-3-studio-after-import');
    // the imported batch is a new batch on B, with the same articles as on A
    const imported = (await b.request('GET', '/api/vinted/bulk/catalogs', { token: b.tokens.viewer })).body.catalogs;
    expect(imported).toHaveLength(1);
    expect(imported[0].job_id).not.toBe(job);
    expect(browserB.pageErrors).toEqual([]);
  });
});
