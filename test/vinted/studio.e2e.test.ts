// The Studio in Debian's chromium against the real server (vinted module, PGlite, workers): sign in,
// drop real photos, watch the progress, check the garment cards and thumbnails, move a photo between
// cards by drag-and-drop, fix categories, draft the plan (failures highlighted, then all ready), export.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { signIn } from '../helpers/sign-in.ts';
import { englishShown, overflowsSideways, withinViewport } from '../helpers/french.ts';
import { ensureWeb } from '../../scripts/ensure-web.ts';
import vinted from '../../src/vinted/index.ts';
import { FIXTURES } from './helpers.ts';

const GARMENTS = path.resolve(import.meta.dirname, '../fixtures/vinted/garments');

let platform: TestPlatform;
let browser: TestBrowser;
let page: Page;

beforeAll(async () => {
  await ensureWeb({ quiet: true });
  platform = await createTestPlatform({ modules: [vinted] });
  const baseURL = await platform.listen();
  browser = await launchBrowser({ baseURL, viewport: { width: 1440, height: 1000 } });
  page = await browser.newPage();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
});

const cards = () => page.getByTestId('garment-card');

async function apiCatalog(job: string) {
  return (await platform.request('GET', `/api/vinted/bulk/catalog/${job}`, { token: platform.tokens.viewer })).body;
}

describe('Studio', () => {
  let job: string;

  test('signs in as operator and opens the Studio', async () => {
    await signIn(page, '/vinted');
    await page.getByRole('heading', { name: 'Studio Vinted' }).waitFor();
    await page.getByText('Déposez des photos, un dossier ou un ZIP ici').waitFor();
  }, 60_000);

  test('a folder of real photos dropped on the Studio gives one card per garment with thumbnails', async () => {
    // the drop a desktop makes: chromium's own drag-and-drop path (DevTools Input.dispatchDragEvent)
    // with the folder's path, so the page reads it through webkitGetAsEntry like a real one
    const zone = await page.getByTestId('dropzone').boundingBox();
    const cdp = await page.context().newCDPSession(page);
    const at = { x: zone!.x + zone!.width / 2, y: zone!.y + zone!.height / 2 };
    const data = { items: [], files: [FIXTURES], dragOperationsMask: 1 };
    for (const type of ['dragEnter', 'dragOver', 'drop'] as const) await cdp.send('Input.dispatchDragEvent', { type, ...at, data });
    await cdp.detach();
    await expect.poll(() => new URL(page.url()).searchParams.get('job'), { timeout: 30_000 }).toBeTruthy();
    job = new URL(page.url()).searchParams.get('job')!;
    await page.getByRole('progressbar').first().waitFor({ timeout: 30_000 }).catch(() => undefined);
    await cards().first().waitFor({ timeout: 120_000 });
    await expect.poll(() => cards().count()).toBe(4);
    await expect.poll(() => page.getByTestId('catalog-summary').textContent()).toBe('4 articles · 12 photos · 1 doublon · 0 erreur');
    // every thumbnail actually loaded (decoded image, not a broken icon)
    const thumbs = page.getByTestId('thumb');
    expect(await thumbs.count()).toBe(12);
    await expect.poll(() => thumbs.evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0)), { timeout: 20_000 }).toBe(true);
    // score and colour per card, the duplicate listed
    for (let i = 0; i < 4; i++) {
      await expect(cards().nth(i).getByTestId('card-score').textContent()).resolves.toMatch(/^\d+ %$/);
      await expect(cards().nth(i).getByTestId('field-color').inputValue()).resolves.not.toBe('');
    }
    // names are the paths inside the dropped folder
    await page.getByTestId('duplicates').getByText('studio/IMG_0013.jpg').waitFor();
    expect((await apiCatalog(job)).photos.map((p: { file: string }) => p.file)).toContain('studio/IMG_0008.heic');
    await browser.screenshot(page, 'vinted-studio-cards');
  }, 240_000);

  test('drags a photo from one card to another, then back', async () => {
    const before = await apiCatalog(job);
    const photo = before.clusters[0].photo_ids[2];
    await cards().nth(0).getByTestId('thumb').nth(2).dragTo(cards().nth(1));
    await expect.poll(async () => (await apiCatalog(job)).clusters[1].photo_ids.includes(photo)).toBe(true);
    await expect.poll(() => cards().nth(1).getByTestId('thumb').count()).toBe(4);
    await cards().nth(1).getByTestId('thumb').nth(3).dragTo(cards().nth(0));
    await expect.poll(async () => (await apiCatalog(job)).clusters[0].photo_ids.length).toBe(3);
  }, 60_000);

  test('merges two cards and splits them again', async () => {
    await cards().nth(2).getByRole('checkbox').check();
    await cards().nth(3).getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Fusionner la sélection (2)' }).click();
    await expect.poll(() => cards().count()).toBe(3);
    const merged = cards().nth(2);
    for (const i of [3, 4, 5]) await merged.getByTestId('thumb').nth(i).click();
    await merged.getByRole('button', { name: 'Séparer 3 photos' }).click();
    await expect.poll(() => cards().count()).toBe(4);
  }, 60_000);

  test('drafts the plan: failures highlighted, fixed, then every listing ready; exports', async () => {
    await page.getByRole('button', { name: 'Rédiger les annonces' }).click();
    await page.getByTestId('plan-table').waitFor();
    await expect.poll(() => page.getByTestId('plan-row').count()).toBe(4);
    // every row waits for a size ("Taille non visible" has no Vinted size); those whose article has no
    // category (the classifier left it "à choisir") say that too
    const cat0 = await apiCatalog(job);
    await expect.poll(() => page.locator('[data-testid="plan-row"][data-ready="false"]').count()).toBe(4);
    const plan0 = (await platform.request('GET', `/api/vinted/bulk/listings/plan?job=${job}`, { token: platform.tokens.viewer })).body;
    for (const item of plan0.items) {
      const cluster = cat0.clusters.find((c: { id: string }) => c.id === item.cluster_id);
      expect(item.missing_fields.includes('category_missing'), item.cluster_id).toBe(!cluster.category);
    }
    await page.evaluate(() => window.scrollTo(0, 0));
    await browser.screenshot(page, 'vinted-studio-plan-first');

    // unsure: the card says "à choisir" and offers the classifier's top 3, one click each
    await cards().nth(0).getByTestId('field-category').selectOption('');
    await expect.poll(async () => (await apiCatalog(job)).clusters[0].category).toBe(null);
    await expect.poll(() => cards().nth(0).getByTestId('suggest-category-option').count()).toBe(3);
    await expect(cards().nth(0).getByTestId('card-summary').textContent()).resolves.toContain('catégorie à choisir');
    const first = await cards().nth(0).getByTestId('suggest-category-option').first().getAttribute('data-value');
    expect((await apiCatalog(job)).clusters[0].suggestions.category[0]).toMatchObject({ value: first, source: 'classifier' });
    await cards().nth(0).getByTestId('suggest-category-option').first().click();
    await expect.poll(async () => (await apiCatalog(job)).clusters[0].category).toBe(first);
    await expect.poll(() => cards().nth(0).getByTestId('suggest-category-option').count()).toBe(0);
    await page.getByRole('button', { name: 'Mettre à jour les annonces' }).click();
    await page.getByTestId('gate-failure').first().waitFor({ state: 'detached' }).catch(() => undefined);

    const categories = ['t-shirt', 'jeans', 'robe', 'veste'];
    for (let i = 0; i < 4; i++) {
      await cards().nth(i).getByTestId('field-category').selectOption(categories[i]);
      await expect.poll(async () => (await apiCatalog(job)).clusters[i].category).toBe(categories[i]);
    }
    // Vinted needs a size: "Taille non visible" has none
    for (let i = 0; i < 4; i++) {
      await cards().nth(i).getByTestId('field-size').fill('M');
      await cards().nth(i).getByTestId('field-size').press('Enter');
      await expect.poll(async () => (await apiCatalog(job)).clusters[i].size).toBe('M');
    }
    await cards().nth(3).getByTestId('field-brand').fill('Lacoste');
    await cards().nth(3).getByTestId('field-brand').press('Enter');
    await expect.poll(async () => (await apiCatalog(job)).clusters[3].brand).toBe('Lacoste');
    await page.getByLabel('Ville d’envoi').fill('Lyon');
    await page.getByRole('button', { name: 'Mettre à jour les annonces' }).click();
    await expect.poll(() => page.getByTestId('plan-summary').textContent()).toBe('4 / 4 annonces prêtes');
    expect(await page.getByTestId('gate-failure').count()).toBe(0);
    await expect.poll(() => page.getByTestId('plan-title').nth(2).inputValue()).toBe('Robe bordeaux (bon état) – Taille M');

    // a per-listing price and title, kept across a reload (saved with the plan)
    await page.getByTestId('plan-price').first().fill('35');
    await page.getByTestId('plan-price').first().press('Enter');
    await page.getByTestId('plan-title').nth(1).fill('Jean droit brut');
    await page.getByTestId('plan-title').nth(1).press('Enter');
    await expect.poll(async () => (await platform.request('GET', `/api/vinted/bulk/listings/plan?job=${job}`, { token: platform.tokens.viewer })).body.items.map((i: any) => [i.price, i.title]).slice(0, 2))
      .toEqual([[35, 'T-shirt moutarde (bon état) – Taille M'], [20, 'Jean droit brut']]);
    await page.reload();
    await expect.poll(() => page.getByTestId('plan-price').first().inputValue()).toBe('35');
    await expect.poll(() => page.getByLabel('Ville d’envoi').inputValue()).toBe('Lyon');

    const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Exporter plan.json' }).click()]);
    const plan = JSON.parse(fs.readFileSync((await dl.path())!, 'utf8'));
    expect(plan.items).toHaveLength(4);
    expect(plan.items.every((i: { publish_ready: boolean }) => i.publish_ready)).toBe(true);
    expect(plan.items[3]).toMatchObject({ brand: 'Lacoste', brand_tier: 'premium', category: 'veste' });
    expect(plan.items[0].price).toBe(35);
    await page.evaluate(() => window.scrollTo(0, 0));
    await browser.screenshot(page, 'vinted-studio-plan');
    expect(browser.pageErrors).toEqual([]);
  }, 120_000);

  test('the plan and the ingest job speak French only, with plurals right', async () => {
    expect(await englishShown(page)).toEqual([]);
    // the ingest's job page: its progress and log lines are worded from their codes
    await page.goto(`/jobs/${job}`);
    await page.getByTestId('job-log').getByText('Catalogue prêt', { exact: true }).waitFor();
    await page.getByTestId('job-log').getByText(/^Catalogue prêt — articles : 4, doublons : 1, erreurs : 0$/).waitFor();
    expect(await englishShown(page)).toEqual([]);
    await page.goBack();
    await page.getByTestId('plan-table').waitFor();
  }, 60_000);

  test('the plan table is usable on a 390 px phone: the page never scrolls sideways, the table does', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.getByTestId('plan-table').waitFor();
      expect(await overflowsSideways(page)).toEqual([]);
      // the last column's field is reached by scrolling the table itself, and takes input there
      const price = page.getByTestId('plan-price').nth(1);
      await price.scrollIntoViewIfNeeded();
      expect(await withinViewport(page, '[data-testid="plan-price"] >> nth=1')).toBe(true);
      await price.fill('19');
      await price.press('Enter');
      await expect.poll(async () => (await platform.request('GET', `/api/vinted/bulk/listings/plan?job=${job}`, { token: platform.tokens.viewer })).body.items[1].price).toBe(19);
      expect(await overflowsSideways(page)).toEqual([]);
      await browser.screenshot(page, 'vinted-studio-plan-390');
    } finally {
      await page.setViewportSize({ width: 1440, height: 1000 });
    }
  }, 60_000);

  test('the Studio speaks English too', async () => {
    await page.getByRole('banner').getByRole('group', { name: 'Langue' }).getByRole('button', { name: 'en' }).click();
    await page.getByRole('heading', { name: 'Vinted Studio' }).waitFor();
    await page.getByRole('button', { name: 'Update the listings' }).waitFor();
    await expect.poll(() => page.getByTestId('plan-summary').textContent()).toBe('4 / 4 listings ready');
    await page.getByRole('button', { name: 'New batch' }).click();
    await page.getByText('Drop photos, a folder or a ZIP here').waitFor();
    await page.getByRole('heading', { name: 'Recent batches' }).waitFor();
    await browser.screenshot(page, 'vinted-studio-home-en');
    // a folder can also be chosen with the picker
    await page.getByRole('button', { name: 'Choose a folder' }).waitFor();
    await page.getByTestId('folder-input').setInputFiles(FIXTURES);
    await expect.poll(() => new URL(page.url()).searchParams.get('job'), { timeout: 30_000 }).not.toBe(job);
    await expect.poll(() => cards().count(), { timeout: 120_000 }).toBe(4);
    expect(browser.pageErrors).toEqual([]);
  }, 60_000);

  test('a new user drops 20 photos of 5 garments: most cards show the right category, most listings are ready', async () => {
    await page.getByRole('banner').getByRole('group', { name: 'Language' }).getByRole('button', { name: 'fr' }).click();
    const previous = new URL(page.url()).searchParams.get('job');
    await page.getByRole('button', { name: 'Nouveau lot' }).click();
    await page.getByTestId('folder-input').setInputFiles(GARMENTS);
    await expect.poll(() => { const j = new URL(page.url()).searchParams.get('job'); return !!j && j !== previous; }, { timeout: 30_000 }).toBe(true);
    const newJob = new URL(page.url()).searchParams.get('job')!;
    await expect.poll(async () => (await platform.request('GET', `/api/vinted/bulk/status?job=${newJob}`, { token: platform.tokens.viewer })).body.status, { timeout: 120_000 }).toBe('completed');
    const catalog = await apiCatalog(newJob);
    const n = catalog.clusters.length;
    await expect.poll(() => cards().count()).toBe(n);
    // the garments of test/fixtures/vinted/garments: IMG_0101–0104 dress, 0105–0108 pants, 0109–0112
    // shoes, 0113–0116 shorts, 0117–0120 t-shirt. A garment's card is the one holding most of its
    // photos (grouping may set a close-up apart: that card then counts as a separate article).
    const expected = ['robe', 'pantalon', 'chaussures', 'short', 't-shirt'];
    const shown: (string | null)[] = [];
    for (let i = 0; i < n; i++) shown.push(await cards().nth(i).getByTestId('field-category').inputValue() || null);
    expect(shown).toEqual(catalog.clusters.map((c: { category: string | null }) => c.category));
    let right = 0;
    for (const [g, want] of expected.entries()) {
      const names = [1, 2, 3, 4].map((k) => `garments/IMG_0${101 + 4 * g + k - 1}.jpg`);
      const home = catalog.clusters.map((c: { photos: string[] }, i: number) => ({ i, hits: c.photos.filter((p) => names.includes(p)).length })).sort((x: { hits: number }, y: { hits: number }) => y.hits - x.hits)[0];
      if (shown[home.i] === want) right++;
    }
    console.log(`done-means: ${n} cards, categories ${JSON.stringify(shown)}, ${right}/5 garments right`);
    expect(right).toBeGreaterThanOrEqual(3); // "most" (issue 13, done means)
    // the seller's only input: a size (issue 13 counts listings ready with no input but brand and size)
    for (let i = 0; i < n; i++) {
      const size = shown[i] === 'chaussures' ? '42' : 'M';
      await cards().nth(i).getByTestId('field-size').fill(size);
      await cards().nth(i).getByTestId('field-size').press('Enter');
      await expect.poll(async () => (await apiCatalog(newJob)).clusters[i].size).toBe(size);
    }
    await page.getByRole('button', { name: 'Rédiger les annonces' }).click();
    await expect.poll(() => page.getByTestId('plan-row').count()).toBe(n);
    const ready = await page.locator('[data-testid="plan-row"][data-ready="true"]').count();
    console.log(`done-means: ${ready}/${n} listings ready`);
    expect(ready).toBeGreaterThan(n / 2);
    await page.evaluate(() => window.scrollTo(0, 0));
    await browser.screenshot(page, 'vinted-studio-new-user');
    expect(browser.pageErrors).toEqual([]);
  }, 180_000);
});
