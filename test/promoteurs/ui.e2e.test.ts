// End to end in Debian's chromium: the real server with the promoteurs module and the built web app,
// fake developer sites on loopback. An operator starts a dry-run from the Runs page and watches it
// finish live (SSE), opens a previewed programme's lots; after a real run, filters the programmes
// and opens one programme's lots. Screenshots under test-output/.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { signInApi } from '../helpers/sign-in.ts';
import { englishShown } from '../helpers/french.ts';
import { ensureWeb } from '../../scripts/ensure-web.ts';
import promoteurs from '../../src/promoteurs/index.ts';
import { startFakeSite, FAKE_CITIES, type FakeSite } from '../../src/promoteurs/fakes/sites.ts';

let platform: TestPlatform;
let browser: TestBrowser;
let page: Page;
let sites: FakeSite[] = [];

beforeAll(async () => {
  await ensureWeb({ quiet: true });
  const cities = FAKE_CITIES.filter((c) => ['lyon', 'bordeaux'].includes(c.slug));
  sites = [await startFakeSite({ kind: 'bouygues', cities, perCity: 3, seed: 3 }), await startFakeSite({ kind: 'icade', cities, perCity: 2, seed: 4 })];
  platform = await createTestPlatform({
    modules: [promoteurs],
    env: { PROMOTEURS_SOURCE_URLS: `bouygues=${sites[0].url},icade=${sites[1].url}`, PROMOTEURS_TIME_SCALE: '0.002' },
  });
  const baseURL = await platform.listen();
  browser = await launchBrowser({ baseURL });
  page = await browser.newPage();
  await signInApi(page);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
  for (const s of sites) await s.close();
}, 60_000);

describe('promoteurs UI', () => {
  test('dry-run from the Runs page: live progress, then the preview with lots', async () => {
    await page.goto('/promoteurs/runs');
    await page.getByText('Nouvelle collecte').waitFor({ timeout: 30_000 }).catch(async (e) => {
      await browser.screenshot(page, 'promoteurs-run-failed');
      throw new Error(`${(e as Error).message}\npage errors: ${browser.pageErrors.join(' | ')}\nbody: ${(await page.locator('body').innerText()).slice(0, 500)}`);
    });
    await page.getByLabel('Promoteurs (clés, ou « all »)').fill('bouygues,icade');
    await page.getByLabel('Villes (vide = toutes les villes en zone)').fill('lyon,bordeaux');
    await expect(page.getByLabel('Essai à blanc (n’écrit rien)').isChecked()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Lancer' }).click();
    await page.waitForURL(/\/promoteurs\/runs\/[0-9a-f-]{36}$/);
    const preview = page.getByTestId('preview');
    await preview.waitFor({ timeout: 60_000 });
    await expect(preview.locator('> div').count()).resolves.toBe(10);
    await page.getByTestId('sources').getByText('sain').first().waitFor();
    await preview.locator('button').first().click();
    await page.getByTestId('lots').first().waitFor();
    expect(await page.getByTestId('lots').first().locator('tbody tr').count()).toBeGreaterThan(1);
    // French only on the run page: its log lines and progress worded from their codes
    await page.getByTestId('log').getByText(/^\[info\] .* : \d+ trouvés, \d+ créés/).first().waitFor();
    expect(await englishShown(page)).toEqual([]);
    await browser.screenshot(page, 'promoteurs-run-dry');
  });

  test('after a real run: programmes with filters, and a programme\'s lots', async () => {
    const res = await platform.request('POST', '/api/promoteurs/runs', { token: platform.tokens.operator, body: { promoteurs: 'bouygues,icade', cities: 'lyon,bordeaux', skipImages: true } });
    await platform.ctx.jobs.wait(res.body.job.id);
    await page.goto('/promoteurs');
    const table = page.getByTestId('programmes');
    await table.waitFor();
    // no city list imported: the stats say how many built-in cities a run uses, never "0 villes importées"
    const stats = (await platform.request('GET', '/api/promoteurs/stats', { token: platform.tokens.viewer })).body.totals;
    expect(stats.cities).toBe(0);
    expect(stats.builtinCities).toBeGreaterThan(0);
    await page.getByTestId('stats').getByText('villes intégrées utilisées').waitFor();
    expect(await page.getByTestId('stats').innerText()).toContain(`${stats.builtinCities}\nvilles intégrées utilisées`);
    expect(await englishShown(page)).toEqual([]);
    expect(await table.locator('tbody tr').count()).toBe(10);
    await page.getByLabel('Ville ou code postal').fill('bordeaux');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(5);
    await page.getByRole('combobox', { name: 'Promoteur' }).selectOption('icade');
    await expect.poll(() => table.locator('tbody tr').count()).toBe(2);
    await browser.screenshot(page, 'promoteurs-programmes');
    await table.locator('tbody tr a').first().click();
    await page.getByTestId('lots').waitFor();
    expect(await page.getByTestId('lots').locator('tbody tr').count()).toBeGreaterThan(1);
    await browser.screenshot(page, 'promoteurs-programme-lots');
    expect(browser.pageErrors).toEqual([]);
  });

  test('a run with the network down shows failed, in red, with the network reason; the settings list the 19 sources', async () => {
    const net = await import('node:net');
    const srv = net.createServer();
    await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
    const port = (srv.address() as import('node:net').AddressInfo).port;
    await new Promise<void>((ok) => srv.close(() => ok()));
    // icade's site "goes down": its mirror points at a closed port
    const down = await createTestPlatform({ modules: [promoteurs], env: { PROMOTEURS_SOURCE_URLS: `icade=http://127.0.0.1:${port}`, PROMOTEURS_TIME_SCALE: '0.0002' } });
    try {
      const res = await down.request('POST', '/api/promoteurs/runs', { token: down.tokens.operator, body: { promoteurs: 'icade', cities: 'lyon', skipImages: true } });
      const job = await down.ctx.jobs.wait(res.body.job.id);
      expect(job.status).toBe('failed');
      const b2 = await launchBrowser({ baseURL: await down.listen() });
      try {
        const p2 = await b2.newPage();
        await signInApi(p2);
        await p2.goto(`/promoteurs/runs/${job.id}`);
        const err = p2.getByTestId('run-error');
        await err.waitFor({ timeout: 30_000 });
        // in French, from the run's counts: the cause is the network, never robots.txt
        expect(await err.innerText()).toMatch(/^Échec de la collecte : toutes les pages ont échoué \(\d+ erreurs réseau\)/);
        expect(await err.innerText()).not.toMatch(/disallow|interdit/i);
        // the server's own words stay available, apart, as a technical detail
        expect(await p2.getByTestId('run-error-detail').innerText()).toMatch(/^Détail technique : .*network error.*ECONNREFUSED/);
        // the source's own verdict, in French too
        await expect.poll(() => p2.getByTestId('sources').innerText()).toMatch(/anormal : incomplète : 1 page liste en échec/); // loaded apart from the run's error: waited for
        // red: the failed badge's colour (Tailwind's red palette: oklch hue ≈ 25–30)
        const color = await p2.locator('[data-status="failed"]').first().evaluate((el) => getComputedStyle(el).color);
        expect(color).toMatch(/^oklch\(0\.\d+ 0\.(1|2)\d* 2\d\.\d+\)$/);
        await p2.getByTestId('log').getByText(/nouvelle tentative 1/).first().waitFor();
        await b2.screenshot(p2, 'promoteurs-run-failed-network');
        await p2.goto('/promoteurs/settings');
        const rows = p2.getByTestId('sources-settings').locator('tbody tr');
        await rows.first().waitFor();
        expect(await rows.count()).toBe(19);
        expect(await p2.locator('tr[data-source="nexity"]').innerText()).toMatch(/vérifiée/);
        expect(await p2.locator('tr[data-source="vinci"]').innerText()).toMatch(/non vérifiée/);
        await b2.screenshot(p2, 'promoteurs-settings');
        expect(b2.pageErrors).toEqual([]);
      } finally {
        await b2.close();
      }
    } finally {
      await down.close();
    }
  }, 180_000); // a second platform and a second browser: slow on a loaded 2-core machine
});
