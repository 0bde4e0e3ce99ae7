// "Done means" of issue 14 part B, tried as a new user in Debian's chromium against the real server
// and the fake Vinted over HTTP: add a webhook on the Webhooks page, answer a buyer's question from a
// template on the Messages page, then see a sale arrive as a notification (the bell, live over SSE)
// and as a signed webhook at a real local receiver, delivered in the log.
// Screenshots go to test-output/vinted-messages-*.png.
import http from 'node:http';
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
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
let receiver: http.Server;
let receiverUrl: string;
const hooks: { body: string; signature: string }[] = [];
let itemId: number;
let itemTitle: string;

beforeAll(async () => {
  await ensureWeb({ quiet: true });
  fake = await startFakeVinted();
  receiver = http.createServer((req, res) => {
    let d = '';
    req.on('data', (c) => (d += c));
    req.on('end', () => { hooks.push({ body: d, signature: String(req.headers['atelier-signature'] ?? '') }); res.writeHead(200).end('ok'); });
  });
  await new Promise<void>((ok) => receiver.listen(0, '127.0.0.1', ok));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/atelier-hook`;
  platform = await createTestPlatform({ modules: [vinted], env: { ...PUBLISH_ENV, VINTED_BASE_URL: fake.url, VINTED_DELIVERY_POLL_MS: '300' } });
  const base = await platform.listen();
  // an account with one published article (the publishing flow has its own e2e)
  const op = { token: platform.tokens.operator };
  const acc = await platform.request('POST', '/api/vinted/accounts', { ...op, body: { name: 'boutique', kind: 'web', cookies: fake.session('marie-vend'), user_agent: 'Mozilla/5.0 PlantedUA/1.0' } });
  expect(acc.body.account.status).toBe('ok');
  const job = await seedCatalog(platform.ctx, [{ category: 'veste', brand: 'Levi\'s' }]);
  const prep = await platform.request('POST', '/api/vinted/listings/prepare', { ...op, body: { job, account: 'boutique' } });
  await platform.request('POST', '/api/vinted/bulk/listings/execute', { ...op, body: { job, account: 'boutique', confirm_tokens: [prep.body.items[0].confirm_token], dry_run: false }, headers: { 'idempotency-key': 'e2e-msg' } });
  const q = await waitFor(async () => (await platform.request('GET', `/api/vinted/publish/queue?account=boutique&job=${job}`, op)).body, (x: any) => x.items[0]?.state === 'published', 30_000, 'published');
  itemId = Number(q.items[0].vinted_id);
  itemTitle = q.items[0].title;
  browser = await launchBrowser({ baseURL: base, viewport: { width: 1440, height: 1000 } });
  page = await browser.newPage();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await platform?.close();
  await fake?.close();
  receiver?.close();
});

const shot = async (name: string) => {
  await page.evaluate(() => window.scrollTo(0, 0));
  await browser.screenshot(page, `vinted-messages-${name}`);
};

describe('messages, notifications and webhooks, as a new user', () => {
  let secret: string;

  test('adds a webhook on the Webhooks page: the secret is shown once', async () => {
    await signIn(page, '/vinted/webhooks');
    await page.getByRole('heading', { name: 'Webhooks' }).waitFor();
    await page.getByText('Aucun webhook.').waitFor();
    await page.getByLabel('Adresse (https://…)').fill(receiverUrl);
    await page.getByRole('button', { name: 'Ajouter le webhook' }).click();
    secret = (await page.getByTestId('webhook-secret').textContent())!;
    expect(secret).toMatch(/^whsec_/);
    await page.getByTestId('webhook-url').waitFor();
    await shot('1-webhook-added');
  });

  test('answers a buyer\'s question from a template in one click', async () => {
    fake.inbox.buyerWrites({ item: itemId, buyer: 'acheteuse-lea', body: 'Bonjour, elle taille grand ?' });
    await page.getByRole('link', { name: 'Messages' }).click();
    await page.getByRole('heading', { name: 'Messages', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Lire les messages' }).click();
    await page.getByText('1 conversation(s) lue(s), 1 nouveau(x) message(s), 0 offre(s).').waitFor();
    // a template with a Nunjucks attempt is refused with a clear message
    await page.getByLabel('Nom du modèle').fill('Piège');
    await page.getByLabel('Texte').fill('{{ constructor.constructor("return process")() }}');
    await page.getByRole('button', { name: 'Ajouter le modèle' }).click();
    await page.getByText(/expression invalide/).waitFor();
    await page.getByLabel('Texte').fill('Bonjour {acheteur} ! {article} taille normalement. Bonne journée !');
    await page.getByLabel('Nom du modèle').fill('Taille');
    await page.getByRole('button', { name: 'Ajouter le modèle' }).click();
    await page.getByTestId('template').first().waitFor();
    await page.getByTestId('conversation-row').first().click();
    const suggestion = page.locator('[data-testid="suggestion"][data-template="Taille"]');
    await suggestion.getByText(`Bonjour acheteuse-lea ! ${itemTitle} taille normalement. Bonne journée !`).waitFor();
    await shot('2-question');
    await suggestion.getByRole('button', { name: 'Envoyer' }).click();
    await page.getByText('Message envoyé.').waitFor();
    await page.locator('[data-testid="message"][data-from-me="true"]').first().waitFor();
    const conv = fake.inbox.conversations()[0];
    expect(conv.messages.filter((m) => m.user_id !== conv.buyer.id).map((m) => m.body)).toEqual([`Bonjour acheteuse-lea ! ${itemTitle} taille normalement. Bonne journée !`]);
    await shot('3-answered');
  });

  test('sees a sale arrive as a notification (live) and as a signed webhook', async () => {
    const before = hooks.length;
    expect(fake.setItemState(itemId, 'sold')).toBe(true);
    const s = await platform.request('POST', '/api/vinted/listings/sync', { token: platform.tokens.operator, body: { account: 'boutique' } });
    expect(s.body.status, s.text).toBe('completed');
    // the bell updates without a reload
    await page.getByTestId('notification-count').waitFor({ timeout: 15_000 });
    expect(Number(await page.getByTestId('notification-count').textContent())).toBeGreaterThanOrEqual(1);
    await shot('4-bell');
    await page.getByTestId('notification-bell').click();
    await page.getByRole('heading', { name: 'Notifications', exact: true }).waitFor();
    await page.locator('[data-testid="notification"][data-type="listing.sold"]').getByText(`Vendu : ${itemTitle}`, { exact: false }).waitFor();
    await shot('5-notification');
    // the receiver got the sale, signed over timestamp + body with the secret shown once
    const got = await waitFor(async () => hooks.slice(before).filter((h) => JSON.parse(h.body).type === 'listing.sold'), (x) => x.length > 0, 15_000, 'the sale webhook');
    const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(got[0].signature)!;
    expect(crypto.createHmac('sha256', secret).update(`${m[1]}.${got[0].body}`).digest('hex')).toBe(m[2]);
    expect(JSON.parse(got[0].body).data).toMatchObject({ vinted_id: String(itemId), title: itemTitle });
    await page.getByRole('button', { name: 'Tout marquer comme lu' }).click();
    await page.getByTestId('notification-count').waitFor({ state: 'detached', timeout: 10_000 });
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.locator('[data-testid="delivery"][data-state="delivered"]').first().waitFor();
    await shot('6-delivery-log');
    expect(browser.pageErrors).toEqual([]);
  });
});
