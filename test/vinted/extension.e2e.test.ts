// The browser extension (extension/, WebExtension MV3) loaded into Debian's chromium in headless new
// mode, against atelier and the fake Vinted: www.vinted.fr is resolved to the fake
// (--host-resolver-rules), the browser holds the fake's session cookies for vinted.fr as a seller's
// browser would. Settings are saved on the options page, the popup connects the session in one click
// (atelier checks it with the fake), shows the account's state, and on a listing page opens the
// listing in atelier. Every request the extension's pages make goes to atelier or Vinted, nowhere else.
//
// One departure from a user's path: the permission prompt for atelier's origin cannot be clicked in
// headless chromium, so the test loads a copy of the extension whose manifest grants that origin up
// front (the prompt then resolves at once). The copy also carries a public key, so its id is known.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import { CHROMIUM, OUTPUT_DIR } from '../helpers/browser.ts';
import { ensureWeb } from '../../scripts/ensure-web.ts';
import vinted from '../../src/vinted/index.ts';
import { startFakeVinted, type FakeVinted } from '../../src/vinted/fakes/vinted.ts';
// @ts-expect-error plain JS module of the extension
import { checkAtelierUrl, checkToken, itemId, vintedDomain, cookieHeader, accountState } from '../../extension/lib.js';

const EXT = path.resolve(import.meta.dirname, '../../extension');

describe('extension helpers', () => {
  it('accepts https atelier addresses, and http only on localhost', () => {
    expect(checkAtelierUrl('https://atelier.example.org/some/path')).toBe('https://atelier.example.org');
    expect(checkAtelierUrl('http://localhost:3000')).toBe('http://localhost:3000');
    expect(checkAtelierUrl('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(() => checkAtelierUrl('http://atelier.example.org')).toThrow('errUrlHttps');
    expect(() => checkAtelierUrl('http://192.168.1.10')).toThrow('errUrlHttps');
    expect(() => checkAtelierUrl('https://u:p@atelier.example.org')).toThrow('errUrlCredentials');
    expect(() => checkAtelierUrl('javascript:alert(1)')).toThrow('errUrlHttps');
    expect(() => checkToken('not-a-token')).toThrow('errToken');
  });
  it('knows the Vinted sites and listing pages, and nothing else', () => {
    expect(vintedDomain('www.vinted.fr')).toBe('vinted.fr');
    expect(vintedDomain('www.vinted.co.uk')).toBe('vinted.co.uk');
    expect(vintedDomain('vinted.fr.evil.com')).toBeNull();
    expect(vintedDomain('notvinted.fr')).toBeNull();
    expect(itemId('https://www.vinted.fr/items/4821234567-levis-501-jeans')).toBe('4821234567');
    expect(itemId('https://evil.com/items/4821234567')).toBeNull();
    expect(cookieHeader([{ name: 'a', value: '1' }, { name: 'b', value: '2' }])).toBe('a=1; b=2');
    expect(accountState({ status: 'ok', queue_state: 'stopped' })).toBe('stopped');
    expect(accountState({ status: 'reconnect', queue_state: 'running' })).toBe('reconnect');
    expect(accountState(null)).toBe('missing');
  });
  it('asks for the minimum: cookies and storage, Vinted hosts only; atelier\'s origin is optional', () => {
    const m = JSON.parse(fs.readFileSync(path.join(EXT, 'manifest.json'), 'utf8'));
    expect(m.manifest_version).toBe(3);
    expect(m.permissions.sort()).toEqual(['cookies', 'storage']);
    expect(m.host_permissions).toEqual(['*://*.vinted.fr/*', '*://*.vinted.nl/*', '*://*.vinted.co.uk/*']);
    expect(m.background).toBeUndefined();
    expect(m.content_scripts).toBeUndefined();
  });
});

let t: TestPlatform;
let fake: FakeVinted;
let ctx: BrowserContext;
let atelier: string;
let extId: string;
let extDir: string;
let userDir: string;
const requests: string[] = [];

/** chromium's id of an extension with this public key: sha256 of the DER key, first 16 bytes, hex mapped to a–p */
function extensionId(der: Buffer): string {
  return [...crypto.createHash('sha256').update(der).digest('hex').slice(0, 32)].map((c) => String.fromCharCode(97 + parseInt(c, 16))).join('');
}

beforeAll(async () => {
  await ensureWeb({ quiet: true });
  fake = await startFakeVinted();
  t = await createTestPlatform({ modules: [vinted], env: { VINTED_BASE_URL: fake.url } });
  atelier = await t.listen();
  extDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-ext-'));
  fs.cpSync(EXT, extDir, { recursive: true });
  const { publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const der = publicKey.export({ type: 'spki', format: 'der' });
  const manifest = JSON.parse(fs.readFileSync(path.join(extDir, 'manifest.json'), 'utf8'));
  manifest.key = der.toString('base64');
  manifest.host_permissions.push(`${atelier}/*`);
  fs.writeFileSync(path.join(extDir, 'manifest.json'), JSON.stringify(manifest));
  extId = extensionId(der);
  userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-chromium-'));
  const fakePort = new URL(fake.url).port;
  ctx = await chromium.launchPersistentContext(userDir, {
    executablePath: CHROMIUM,
    headless: false, // the new headless mode, which loads extensions, is asked for in args
    ignoreDefaultArgs: ['--disable-extensions'],
    args: [
      '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--lang=fr',
      `--disable-extensions-except=${extDir}`, `--load-extension=${extDir}`,
      `--host-resolver-rules=MAP www.vinted.fr 127.0.0.1:${fakePort}`,
    ],
    locale: 'fr-FR',
    // chrome.i18n follows the browser's UI language, taken from the environment on Linux
    env: { ...process.env, LANGUAGE: 'fr', LANG: 'fr_FR.UTF-8' },
  });
  ctx.on('request', (r) => requests.push(r.url()));
  // the seller's browser, logged into vinted.fr (the fake's session)
  const file = fake.session('ext-seller');
  const cookies = file.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split('\t')).map((f) => ({ name: f[5]!, value: f[6]!, domain: '.vinted.fr', path: '/' }));
  await ctx.addCookies(cookies);
}, 300_000);

afterAll(async () => {
  await ctx?.close().catch(() => undefined);
  await t?.close();
  await fake?.close();
  for (const d of [extDir, userDir]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

describe('the extension in chromium (headless new mode)', () => {
  it('options: refuses plain http to another machine, saves an https-or-localhost address and a token', async () => {
    const page = await ctx.newPage();
    await page.goto(`chrome-extension://${extId}/options.html`);
    // chrome.i18n follows the browser's UI language, which stayed English in headless chromium here
    // (--lang and LANGUAGE did not change it): the test goes by ids and states, not by words
    await page.locator('#form').waitFor();
    await page.locator('#url').fill('http://atelier.example.org');
    await page.locator('#token').fill(t.tokens.operator);
    await page.locator('#save').click();
    await expect.poll(() => page.locator('#msg').textContent()).toContain('https');
    expect(await page.locator('#msg').getAttribute('class')).toBe('error');
    await page.locator('#url').fill(atelier);
    await page.locator('#account').fill('boutique');
    await page.locator('#save').click();
    await expect.poll(() => page.locator('#msg').getAttribute('class')).toBe('ok');
    fs.mkdirSync(OUTPUT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(OUTPUT_DIR, 'vinted-extension-1-options.png') });
    await page.close();
  });

  it('popup: not connected yet, then one click sends the Vinted session to atelier, which checks it', async () => {
    const vintedTab = await ctx.newPage();
    await vintedTab.goto('http://www.vinted.fr/items/123456-robe-rose').catch(() => undefined);
    const popup = await ctx.newPage();
    await popup.goto(`chrome-extension://${extId}/popup.html`);
    await expect.poll(() => popup.locator('#state').getAttribute('data-state')).toBe('missing');
    await popup.locator('#connect').click();
    await expect.poll(() => popup.locator('#state').getAttribute('data-state'), { timeout: 20_000 }).toBe('connected');
    expect(await popup.locator('#detail').textContent()).toContain('ext-seller');
    await popup.screenshot({ path: path.join(OUTPUT_DIR, 'vinted-extension-2-popup-connected.png') });
    const acc = (await t.request('GET', '/api/vinted/accounts/boutique', { token: t.tokens.viewer })).body.account;
    expect(acc).toMatchObject({ name: 'boutique', kind: 'web', status: 'ok', login: 'ext-seller' });
    // the cookies are in the vault, never in atelier's logs or answers
    const secret = (await ctx.cookies('http://www.vinted.fr')).find((c) => c.name === 'access_token_web')!.value;
    expect(await t.ctx.vault.get('vinted.session.boutique')).toContain(secret);
    expect(t.logs.some((l) => l.includes(secret))).toBe(false);
    expect(JSON.stringify(acc)).not.toContain(secret);

    // on a listing page: "open in atelier" opens the Annonces page on that listing
    await popup.reload();
    const open = popup.locator('#open');
    await open.waitFor({ state: 'visible' });
    const [tab] = await Promise.all([ctx.waitForEvent('page'), open.click()]);
    await tab.waitForURL(/\/vinted\/listings\?item=123456$/);
    expect(tab.url()).toBe(`${atelier}/vinted/listings?item=123456`);
    await popup.close();
    await vintedTab.close();
  });

  it('shows "needs reconnection" when Vinted refuses the session', async () => {
    await t.ctx.db.withSchema('vinted').updateTable('accounts').set({ status: 'reconnect', status_code: 'session_expired' }).where('name', '=', 'boutique').execute();
    const popup = await ctx.newPage();
    await popup.goto(`chrome-extension://${extId}/popup.html`);
    await expect.poll(() => popup.locator('#state').getAttribute('data-state')).toBe('reconnect');
    await popup.screenshot({ path: path.join(OUTPUT_DIR, 'vinted-extension-3-reconnect.png') });
    await popup.close();
  });

  it('sent nothing anywhere but atelier and Vinted', () => {
    const hosts = new Set(requests.map((u) => { try { const x = new URL(u); return x.protocol === 'chrome-extension:' ? 'extension' : x.host; } catch { return u; } }));
    hosts.delete('extension');
    hosts.delete(new URL(atelier).host);
    hosts.delete('www.vinted.fr');
    expect([...hosts]).toEqual([]);
  });
});
