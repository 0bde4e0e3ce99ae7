// "Done means" of issue 11, tried as a new user in Debian's chromium against the real server and the
// fake Vinted over HTTP: connect an account on the Comptes Vinted page, publish 3 articles from the
// Studio (dry run first, then the confirmation dialog, then the queue with states and expected
// times), see them live on the Annonces page, hide one and delete one; then switch the fake to
// captcha mode: the queue stops with a clear French message and nothing is retried.
// Screenshots of each step go to test-output/vinted-publish-*.png.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import path from 'node:path';
import { launchBrowser, OUTPUT_DIR, type TestBrowser } from '../helpers/browser.ts';
import { signIn } from '../helpers/sign-in.ts';
import { ensureWeb } from '../../scripts/ensure-web.ts';
import vinted from '../../src/vinted/index.ts';
import { startFakeVinted, type FakeVinted } from '../../src/vinted/fakes/vinted.ts';
import { seedCatalog } from './publish-helpers.ts';

let platform: TestPlatform;
let browser: TestBrowser;
let page: Page;
let fake: FakeVinted;

beforeAll(async () => {
  await ensureWeb({ quiet: true });
  fake = await startFakeVinted();
  // 3600 writes an hour: a gap of about a second, so the queue and its expected times can be seen
  platform = await createTestPlatform({ modules: [vinted], env: { VINTED_BASE_URL: fake.url, VINTED_WRITES_PER_HOUR: '3600', VINTED_ACTIVE_HOURS: '00-24', VINTED_BACKOFF_BASE_S: '1' } });
  const baseURL = await platform.listen();
  browser = await launchBrowser({ baseURL, viewport: { width: 1440, height: 1000 } });
  page = await browser.newPage();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
  await fake?.close();
});

const shot = async (name: string) => {
  await page.evaluate(() => window.scrollTo(0, 0));
  await browser.screenshot(page, `vinted-publish-${name}`);
};

describe('publishing to Vinted, as a new user', () => {
  let job: string;

  test('connects a Vinted account (web session) on the Comptes Vinted page', async () => {
    await signIn(page, '/vinted/accounts');
    await page.getByRole('heading', { name: 'Comptes Vinted' }).waitFor();
    await page.getByText('Aucun compte connecté pour l’instant.').waitFor();
    await page.getByLabel('Nom du compte').fill('boutique');
    await page.getByLabel('Cookies du navigateur connecté à Vinted').fill(fake.session('marie-vend'));
    expect(await page.getByLabel('User agent du navigateur').inputValue()).toContain('Mozilla/5.0');
    await browser.screenshot(page, 'vinted-publish-1-account-form');
    await page.getByRole('button', { name: 'Connecter', exact: true }).click();
    const card = page.locator('[data-testid="account-card"][data-account="boutique"]');
    await card.waitFor();
    await expect.poll(() => page.getByTestId('account-status').first().textContent()).toBe('Connecté');
    await card.getByText('Identifiant Vinted : marie-vend').waitFor();
    await card.getByText(/Session valable jusqu’au/).waitFor();
    expect(await card.getByTestId('queue-state').textContent()).toBe('En marche');
    // the cookies are not shown anywhere on the page
    expect(await page.content()).not.toContain('access_token_web');
    await shot('1-account-connected');
  }, 120_000);

  test('publishes 3 articles from the Studio: dry run, confirmation, the queue with expected times', async () => {
    job = await seedCatalog(platform.ctx, [{ category: 'jeans', size: 'L', colors: ['bleu'], brand: 'Zara', photos: 3 }, { category: 'hoodie', photos: 2 }, { category: 'robe', size: '38', colors: ['rouge'], photos: 2 }]);
    await page.goto(`/vinted?job=${job}`);
    await page.getByTestId('plan-table').waitFor();
    await expect.poll(() => page.getByTestId('plan-summary').textContent()).toBe('3 / 3 annonces prêtes');
    await page.getByTestId('vinted-path').first().waitFor();
    expect(await page.getByTestId('vinted-path').first().textContent()).toBe('Vinted : Vêtements › Jeans › Jeans droits · L / 40 / 12');
    const panel = page.getByTestId('publish-panel');
    await panel.scrollIntoViewIfNeeded();
    await panel.getByRole('button', { name: 'Prévisualiser (simulation)' }).click();
    await expect.poll(() => panel.getByTestId('dry-run-item').count()).toBe(3);
    await panel.getByText('Données envoyées à Vinted').first().click();
    const payload = JSON.parse((await panel.getByTestId('payload').first().textContent())!);
    expect(payload.item).toMatchObject({ catalog_id: 1845, size_id: 5, brand_id: 12, price: expect.any(Number), item_attributes: [{ code: 'size', ids: [5] }, { code: 'condition', ids: [2] }] });
    expect(fake.stats()).toMatchObject({ photos: 0, creates: 0 });
    await panel.screenshot({ path: path.join(OUTPUT_DIR, 'vinted-publish-2-dry-run.png') });

    // a double click on the confirmation publishes once
    await panel.getByRole('button', { name: 'Publier 3 annonces…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(/3 annonce\(s\) seront publiées sur le compte boutique/).waitFor();
    await browser.screenshot(page, 'vinted-publish-3-confirm');
    await dialog.getByRole('button', { name: 'Oui, publier' }).dblclick();
    await expect.poll(() => panel.getByTestId('queue-row').count(), { timeout: 20_000 }).toBe(3);
    await expect.poll(() => panel.getByTestId('expected-at').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await panel.scrollIntoViewIfNeeded();
    await panel.screenshot({ path: path.join(OUTPUT_DIR, 'vinted-publish-4-queue.png') });
    await expect.poll(async () => (await panel.locator('[data-testid="queue-row"][data-state="published"]').count()), { timeout: 60_000 }).toBe(3);
    await panel.getByRole('link', { name: 'Voir sur Vinted' }).first().waitFor();
    await panel.screenshot({ path: path.join(OUTPUT_DIR, 'vinted-publish-5-published.png') });
    expect(fake.stats()).toMatchObject({ photos: 7, creates: 3, items: 3 });
  }, 180_000);

  test('sees them live on the Annonces page, hides one and deletes one', async () => {
    await page.getByRole('navigation', { name: 'Studio Vinted' }).getByRole('link', { name: 'Annonces' }).click();
    await page.getByRole('heading', { name: 'Annonces' }).waitFor();
    await page.getByRole('button', { name: 'Synchroniser avec Vinted' }).click();
    await page.getByTestId('synced-at').waitFor();
    const rows = page.getByTestId('listing-row');
    await expect.poll(() => rows.count()).toBe(3);
    expect(await page.locator('[data-testid="listing-row"][data-state="live"]').count()).toBe(3);
    // the thumbnails are ours (the page loads no image from Vinted's hosts) and they load
    const thumbs = page.getByTestId('listing-thumb');
    await expect.poll(() => thumbs.evaluateAll((imgs) => imgs.length === 3 && imgs.every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0))).toBe(true);
    expect(await thumbs.first().getAttribute('src')).toMatch(/^\/api\/vinted\/bulk\/photos\//);
    await shot('6-listings-live');
    const first = rows.first();
    const hiddenId = (await first.getAttribute('data-vinted-id'))!;
    await first.getByRole('button', { name: 'Masquer' }).click();
    await expect.poll(() => page.locator(`[data-testid="listing-row"][data-vinted-id="${hiddenId}"]`).getAttribute('data-state')).toBe('hidden');
    const second = page.locator('[data-testid="listing-row"][data-state="live"]').first();
    const deletedId = (await second.getAttribute('data-vinted-id'))!;
    await second.getByRole('button', { name: 'Supprimer' }).click();
    await page.getByRole('dialog').getByText(/C’est définitif/).waitFor();
    await page.getByRole('dialog').getByRole('button', { name: 'Supprimer' }).click();
    await expect.poll(() => page.locator(`[data-testid="listing-row"][data-vinted-id="${deletedId}"]`).getAttribute('data-state')).toBe('deleted');
    const onVinted = fake.items();
    expect(onVinted.find((i) => String(i.id) === hiddenId)!.is_hidden).toBe(true);
    expect(onVinted.find((i) => String(i.id) === deletedId)!.closing).toBe('deleted');
    expect(fake.stats()).toMatchObject({ items: 2, deleted: 1 });
    await shot('7-listings-hidden-deleted');
  }, 120_000);

  test('a captcha: the queue stops at once with a clear French message, and nothing is retried', async () => {
    const job2 = await seedCatalog(platform.ctx, [{ photos: 2 }, { photos: 2 }]);
    fake.setMode({ mode: 'captcha' });
    await page.goto(`/vinted?job=${job2}`);
    const panel = page.getByTestId('publish-panel');
    await panel.waitFor();
    await panel.getByRole('button', { name: 'Prévisualiser (simulation)' }).click();
    await expect.poll(() => panel.getByTestId('dry-run-item').count()).toBe(2);
    await panel.getByRole('button', { name: 'Publier 2 annonces…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Oui, publier' }).click();
    const stopped = panel.getByTestId('queue-stopped');
    await stopped.waitFor({ timeout: 30_000 });
    expect(await stopped.textContent()).toContain('Vinted a demandé une vérification anti-robot (DataDome)');
    expect(await stopped.textContent()).toContain('rien ne sera réessayé automatiquement');
    await expect.poll(() => panel.locator('[data-testid="queue-row"][data-state="needs_manual"]').count()).toBe(1);
    expect(await panel.locator('[data-testid="queue-row"][data-state="queued"]').count()).toBe(1);
    await panel.getByRole('link', { name: 'Publier à la main' }).waitFor();
    await panel.scrollIntoViewIfNeeded();
    await panel.screenshot({ path: path.join(OUTPUT_DIR, 'vinted-publish-8-captcha-studio.png') });
    const requests = fake.stats().requests;
    await page.waitForTimeout(2500);
    expect(fake.stats().requests).toBe(requests);
    expect(fake.stats().blocked).toBe(1);
    await page.getByRole('navigation', { name: 'Studio Vinted' }).getByRole('link', { name: 'Comptes Vinted' }).click();
    const card = page.locator('[data-testid="account-card"][data-account="boutique"]');
    await card.waitFor();
    expect(await card.getByTestId('queue-state').textContent()).toBe('Arrêtée');
    expect(await card.getByTestId('queue-message').textContent()).toContain('vérification anti-robot (DataDome)');
    await shot('9-captcha-account');
    expect(browser.pageErrors).toEqual([]);
  }, 120_000);
});
