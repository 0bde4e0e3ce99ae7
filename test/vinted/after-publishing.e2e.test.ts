// "Done means" of issue 14 part A, as a new user in Debian's chromium against the real server and the
// fake Vinted over HTTP: set a relist rule and preview it (the warning about new ids and lost likes
// shown first, a reserved listing and one with an open offer left alone), see the orders (an unknown
// state shown as such, an overdue sale highlighted), and open the analytics page with its charts.
// Screenshots go to test-output/vinted-after-*.png.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { signIn } from '../helpers/sign-in.ts';
import { ensureWeb } from '../../scripts/ensure-web.ts';
import vinted from '../../src/vinted/index.ts';
import { startFakeVinted, type FakeVinted } from '../../src/vinted/fakes/vinted.ts';
import { PUBLISH_ENV, seedCatalog, waitFor } from './publish-helpers.ts';

let platform: TestPlatform;
let browser: TestBrowser;
let page: Page;
let fake: FakeVinted;
let ids: string[] = [];
const SELLER = 'marie-relist';

beforeAll(async () => {
  await ensureWeb({ quiet: true });
  fake = await startFakeVinted();
  platform = await createTestPlatform({ modules: [vinted], env: { ...PUBLISH_ENV, VINTED_BASE_URL: fake.url } });
  const call = (method: string, url: string, body?: unknown, headers?: Record<string, string>) => platform.request(method, url, { token: platform.tokens.operator, body, headers });
  expect((await call('POST', '/api/vinted/accounts', { name: 'boutique', kind: 'web', cookies: fake.session(SELLER), user_agent: 'Mozilla/5.0 e2e' })).status).toBe(200);
  const job = await seedCatalog(platform.ctx, [{ category: 'jeans', size: 'L', brand: 'Zara' }, { category: 'hoodie' }, { category: 'robe', size: '38' }, { category: 't-shirt' }, { category: 'jeans', size: 'M', brand: 'Zara' }, { category: 'hoodie' }, { category: 'robe', size: '40' }]);
  expect((await call('POST', '/api/vinted/bulk/listings/execute', { job, account: 'boutique', dry_run: false }, { 'idempotency-key': 'e2e-after' })).status).toBe(200);
  const q = await waitFor(async () => (await call('GET', `/api/vinted/publish/queue?account=boutique&job=${job}`)).body, (x) => x.items.length === 7 && x.items.every((i: any) => i.state === 'published'));
  ids = q.items.map((i: any) => i.vinted_id);
  fake.setItemState(Number(ids[0]), 'reserved');
  fake.inbox.buyerOffers({ item: Number(ids[1]), price: 8 });
  // two sales: one to ship and overdue, one with a state Vinted has never told us about
  fake.orders.addOrder({ login: SELLER, side: 'sold', item_id: Number(ids[3]), title: 'T-shirt noir', price: 12, status: 'shipping_pending', ship_by: new Date(Date.now() - 86_400_000).toISOString() });
  fake.orders.addOrder({ login: SELLER, side: 'sold', item_id: Number(ids[4]), title: 'Jean Zara', price: 25, status: 'teleported_by_owl' });
  await call('POST', '/api/vinted/listings/sync', { account: 'boutique' });
  await call('POST', '/api/vinted/orders/sync', { account: 'boutique' });
  await platform.ctx.db.withSchema('vinted').updateTable('listings').set({ first_seen_at: new Date(Date.now() - 45 * 86_400_000), updated_at: new Date() }).execute();
  const baseURL = await platform.listen();
  browser = await launchBrowser({ baseURL, viewport: { width: 1440, height: 1000 } });
  page = await browser.newPage();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
  await fake?.close();
});

describe('after publishing, as a new user', () => {
  test('sets a relist rule and previews it: the warning first, reserved and open-offer listings left alone, dry-run', async () => {
    await signIn(page, '/vinted/relist');
    await page.getByRole('heading', { name: 'Republier les annonces anciennes' }).waitFor();
    // said before the first run
    await page.getByText(/elle reçoit un nouvel identifiant et perd ses favoris et ses vues/).first().waitFor();
    await page.getByLabel('Nom').fill('Vieux stock');
    await page.getByLabel('En ligne depuis au moins (jours)').fill('30');
    await page.getByLabel('Au plus par jour').fill('2');
    await page.getByTestId('relist-create').click();
    await page.getByRole('heading', { name: 'Vieux stock' }).waitFor();
    expect(await page.getByTestId('rule-mode').textContent()).toBe('Simulation');
    await page.getByTestId('relist-preview').click();
    const result = page.getByTestId('relist-preview-result');
    await result.waitFor();
    await expect.poll(() => page.getByTestId('preview-row').count()).toBe(5);
    expect(await result.textContent()).toContain('5 annonce(s) correspondent, 2 seraient republiées maintenant');
    expect(await page.locator(`[data-testid="preview-row"][data-reason="reserved"]`).count()).toBe(1);
    expect(await page.locator(`[data-testid="preview-row"][data-reason="open_offer"]`).count()).toBe(1);
    await page.getByTestId('relist-warning').waitFor();
    await page.evaluate(() => window.scrollTo(0, 0));
    await browser.screenshot(page, 'vinted-after-1-relist-preview');
    // the two sold listings are not candidates
    // nothing was deleted by a preview
    expect(fake.stats().deleted).toBe(0);
  }, 120_000);

  test('sees the orders: an overdue sale highlighted, an unknown state shown as such', async () => {
    await page.goto('/vinted/orders');
    await page.getByTestId('orders-table').waitFor();
    await page.locator('[data-testid="order-row"][data-overdue="true"]').waitFor();
    await page.getByText('État inconnu : « teleported_by_owl »').waitFor();
    await page.getByText(/1 vente à envoyer a dépassé sa date limite/).waitFor();
    await browser.screenshot(page, 'vinted-after-2-orders');
  }, 60_000);

  test('opens the analytics page with its charts', async () => {
    await page.goto('/vinted/analytics');
    await page.getByRole('heading', { name: 'Statistiques' }).waitFor();
    await page.getByTestId('kpi-sales').waitFor();
    expect(await page.getByTestId('kpi-sales').textContent()).toContain('2');
    expect((await page.getByTestId('kpi-revenue').textContent())?.replace(/\s/g, ' ')).toContain('37 €');
    await expect.poll(() => page.locator('[data-testid="chart"] svg.recharts-surface').count()).toBeGreaterThanOrEqual(4);
    await page.locator('.recharts-bar-rectangle').first().waitFor();
    await browser.screenshot(page, 'vinted-after-3-analytics');
    expect(browser.pageErrors).toEqual([]);
  }, 60_000);
});
