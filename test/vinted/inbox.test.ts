// Buyer messages and offers against the fake Vinted over real HTTP: the inbox synced (conversation,
// unread, item, buyer), message.received / offer.received recorded once, a reply from a template
// (one click, one send on a double click, inside the write budget), a template with a missing
// variable or a Nunjucks injection attempt, never writing first, offers answered above the floor
// taken from the article's price_min, automatic replies opt-in with a daily cap, and the fake's
// failures (429, captcha, expired session) on these endpoints.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import vinted from '../../src/vinted/index.ts';
import { startFakeVinted, type FakeVinted } from '../../src/vinted/fakes/vinted.ts';
import { PUBLISH_ENV, seedCatalog, waitFor } from './publish-helpers.ts';
import { renderReply, checkReplyTemplate } from '../../src/vinted/inbox/replies.ts';

let t: TestPlatform;
let fake: FakeVinted;
const responses: string[] = [];
let itemId: number;
let itemTitle: string;
let floor: number;

beforeAll(async () => {
  fake = await startFakeVinted();
  t = await createTestPlatform({ modules: [vinted], env: { ...PUBLISH_ENV, VINTED_BASE_URL: fake.url, VINTED_DELIVERY_POLL_MS: '3600000' } });
  const r = await call('POST', '/api/vinted/accounts', { name: 'shop', kind: 'web', cookies: fake.session('ma-boutique'), user_agent: 'Mozilla/5.0 PlantedUA/1.0' });
  expect(r.body.account.status, r.text).toBe('ok');
  // one article published through the queue, so that its price_min is known
  const job = await seedCatalog(t.ctx, [{ brand: 'Levi\'s', category: 'veste', size: 'M' }]);
  const prep = await call('POST', '/api/vinted/listings/prepare', { job, account: 'shop' });
  floor = prep.body.items[0].payload ? (await t.ctx.db.selectFrom('vinted.plans').select('items').where('job_id', '=', job).executeTakeFirstOrThrow().then((p: any) => (typeof p.items === 'string' ? JSON.parse(p.items) : p.items)[0].price_min)) : 0;
  await call('POST', '/api/vinted/bulk/listings/execute', { job, account: 'shop', confirm_tokens: [prep.body.items[0].confirm_token], dry_run: false }, { headers: { 'idempotency-key': 'inbox-seed' } });
  const q = await waitFor(async () => (await call('GET', `/api/vinted/publish/queue?account=shop&job=${job}`)).body, (x: any) => x.items[0]?.state === 'published', 30_000, 'published');
  itemId = Number(q.items[0].vinted_id);
  itemTitle = q.items[0].title;
}, 240_000);
afterAll(async () => {
  await t?.close();
  await fake?.close();
});
beforeEach(() => fake.setMode(null));

async function call(method: string, url: string, body?: unknown, o: { token?: string; headers?: Record<string, string> } = {}) {
  const r = await t.request(method, url, { token: o.token ?? t.tokens.operator, body, headers: o.headers });
  responses.push(r.text);
  return r;
}
const sync = () => call('POST', '/api/vinted/inbox/sync', { account: 'shop' });
const events = (type: string) => t.ctx.db.selectFrom('vinted.events').selectAll().where('type', '=', type).execute();

describe('reply templates', () => {
  it('render with the buyer, the item and the price; a missing variable is an error before sending', () => {
    const c = { buyer: 'lea', item: 'Veste en jean', price: 25, offer: null, counter: null, seller: 'ma-boutique', currency: 'EUR' };
    expect(renderReply('Bonjour {acheteur}, {article} est toujours dispo à {prix}.', c)).toBe('Bonjour lea, Veste en jean est toujours dispo à 25 €.');
    expect(() => renderReply('Merci pour votre offre de {offre}', c)).toThrow(/\{offre\} est vide/);
    // inside a section a variable is optional
    expect(renderReply('Bonjour {acheteur}{#offre}, votre offre de {offre} est notée{/offre}.', c)).toBe('Bonjour lea.');
    expect(() => checkReplyTemplate('Bonjour {inconnu}')).toThrow(/variable inconnue/);
  });

  it('a Nunjucks / template-injection attempt is refused at save time, never executed', async () => {
    for (const body of [
      '{{ constructor.constructor("return process")().exit() }}',
      '{% for x in range(10) %}{{ x }}{% endfor %}',
      "{{ ''.__proto__ }}",
      '{acheteur.constructor}',
      '{__proto__}',
    ]) {
      const r = await call('POST', '/api/vinted/reply-templates', { name: 'evil', trigger: 'question', body });
      expect(r.status, body).toBe(400);
    }
    expect((await call('GET', '/api/vinted/reply-templates')).body.templates).toHaveLength(0);
    // a plain variable in legacy braces is just the variable
    expect(renderReply('Salut {{ acheteur }}', { buyer: 'lea', item: null, price: null, offer: null, counter: null, seller: null, currency: null })).toBe('Salut lea');
  });

  it('viewers read templates but do not write them', async () => {
    expect((await call('GET', '/api/vinted/reply-templates', undefined, { token: t.tokens.viewer })).status).toBe(200);
    expect((await call('POST', '/api/vinted/reply-templates', { name: 'x', trigger: 'question', body: 'x' }, { token: t.tokens.viewer })).status).toBe(403);
  });
});

describe('inbox', () => {
  let conv: string;
  let tplQuestion: string;

  it('a buyer question arrives: conversation, unread, item, buyer; message.received recorded once', async () => {
    conv = String(fake.inbox.buyerWrites({ item: itemId, buyer: 'acheteuse-lea', body: 'Bonjour, elle taille grand ?' }));
    const s = await sync();
    expect(s.status, s.text).toBe(200);
    expect(s.body.accounts.shop).toMatchObject({ conversations: 1, new_messages: 1, new_offers: 0 });
    await sync(); // nothing new
    expect(await events('message.received')).toHaveLength(1);
    const list = (await call('GET', '/api/vinted/inbox', undefined, { token: t.tokens.viewer })).body;
    expect(list.unread).toBe(1);
    expect(list.conversations[0]).toMatchObject({ id: conv, buyer_login: 'acheteuse-lea', item_id: String(itemId), item_title: itemTitle, unread: true, buyer_wrote: true, last_body: 'Bonjour, elle taille grand ?' });
  });

  it('answered from a template in one click; a double click is one send; the write budget counts it', async () => {
    tplQuestion = (await call('POST', '/api/vinted/reply-templates', { name: 'Taille', trigger: 'question', body: 'Bonjour {acheteur} ! {article} taille normalement. Bonne journée, {vendeur}' })).body.template.id;
    await call('POST', '/api/vinted/reply-templates', { name: 'Offre', trigger: 'offer', body: 'Merci {acheteur} pour votre offre de {offre} !' });
    const view = (await call('GET', `/api/vinted/inbox/shop/${conv}`)).body;
    expect(view.trigger).toBe('question');
    expect(view.suggestions[0].template.id).toBe(tplQuestion);
    expect(view.suggestions[0].text).toBe(`Bonjour acheteuse-lea ! ${itemTitle} taille normalement. Bonne journée, ma-boutique`);
    expect(view.suggestions[1].error).toMatch(/\{offre\} est vide/);
    const writes = async () => (await t.ctx.db.selectFrom('vinted.writes').select('kind').where('kind', '=', 'reply').execute()).length;
    const w0 = await writes();
    const [a, b] = await Promise.all([
      call('POST', `/api/vinted/inbox/shop/${conv}/reply`, { template_id: tplQuestion }, { headers: { 'idempotency-key': 'click-1' } }),
      call('POST', `/api/vinted/inbox/shop/${conv}/reply`, { template_id: tplQuestion }, { headers: { 'idempotency-key': 'click-1' } }),
    ]);
    const ok = [a, b].filter((r) => r.status === 200);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    for (const r of [a, b]) expect([200, 409]).toContain(r.status);
    const again = await call('POST', `/api/vinted/inbox/shop/${conv}/reply`, { template_id: tplQuestion }, { headers: { 'idempotency-key': 'click-1' } });
    expect(again.body).toMatchObject({ state: 'sent', repeated: true });
    const sent = fake.inbox.conversations().find((c) => String(c.id) === conv)!.messages.filter((m) => m.body?.startsWith('Bonjour acheteuse-lea'));
    expect(sent).toHaveLength(1);
    expect(await writes()).toBe(w0 + 1);
  });

  it('a template with a variable empty here is refused before anything is sent', async () => {
    const tpl = (await call('POST', '/api/vinted/reply-templates', { name: 'Offre 2', trigger: 'offer', body: 'Votre offre de {offre} est acceptée' })).body.template.id;
    const before = fake.inbox.conversations()[0].messages.length;
    const r = await call('POST', `/api/vinted/inbox/shop/${conv}/reply`, { template_id: tpl });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/\{offre\} est vide/);
    expect(fake.inbox.conversations()[0].messages.length).toBe(before);
    await call('DELETE', `/api/vinted/reply-templates/${tpl}`);
  });

  it('never writes first: a conversation the buyer did not open is refused', async () => {
    await t.ctx.db.insertInto('vinted.conversations').values({ account_id: (await call('GET', '/api/vinted/accounts/shop')).body.account.id, vinted_id: '99999', buyer_login: 'someone', buyer_wrote: false }).execute();
    const r = await call('POST', '/api/vinted/inbox/shop/99999/reply', { body: 'Coucou, mon article vous plaît ?' });
    expect(r.status).toBe(409);
    expect(r.body.error.code).toBe('not_first');
  });

  it('an offer: offer.received once, a counter under the floor refused, a counter at the floor sent, then accepted when fair', async () => {
    const { offer } = fake.inbox.buyerOffers({ item: itemId, buyer: 'acheteuse-lea', price: Math.max(1, Math.floor(floor / 2)) });
    await sync();
    await sync();
    expect((await events('offer.received')).length).toBe(1);
    const view = (await call('GET', `/api/vinted/inbox/shop/${conv}`)).body;
    expect(view.trigger).toBe('offer');
    expect(view.conversation.offer).toMatchObject({ id: String(offer), status: 'pending', from_buyer: true });
    expect(view.floor).toBe(floor);
    expect(view.floor_source).toBe('price_min');
    expect(view.suggestions[0].template.trigger).toBe('offer');
    // accepting under the floor is refused
    expect((await call('POST', `/api/vinted/inbox/shop/${conv}/offer`, { action: 'accept' })).status).toBe(409);
    const low = await call('POST', `/api/vinted/inbox/shop/${conv}/offer`, { action: 'counter', price: floor - 1 });
    expect(low.status).toBe(400);
    expect(low.body.error.code).toBe('below_floor');
    const ok = await call('POST', `/api/vinted/inbox/shop/${conv}/offer`, { action: 'counter', price: floor });
    expect(ok.status, ok.text).toBe(200);
    const offers = fake.inbox.conversations()[0].messages.filter((m) => m.kind === 'offer');
    expect(offers.map((o) => [o.price, o.status])).toEqual([[Math.max(1, Math.floor(floor / 2)), 'rejected'], [floor, 'pending']]);
    // a fair offer from the buyer is accepted
    const fair = fake.inbox.buyerOffers({ item: itemId, buyer: 'acheteuse-lea', price: floor + 1 });
    await sync();
    const acc = await call('POST', `/api/vinted/inbox/shop/${conv}/offer`, { action: 'accept' });
    expect(acc.status, acc.text).toBe(200);
    expect(fake.inbox.conversations()[0].messages.find((m) => m.offer_id === fair.offer)!.status).toBe('accepted');
  });

  it('automatic replies: opt-in per template, once per buyer message, within the daily cap', async () => {
    await call('PATCH', `/api/vinted/reply-templates/${tplQuestion}`, { auto: true, daily_cap: 1 });
    const c2 = fake.inbox.buyerWrites({ item: itemId, buyer: 'acheteur-max', body: 'Dispo ?' });
    const c3 = fake.inbox.buyerWrites({ item: itemId, buyer: 'acheteur-zoe', body: 'Encore dispo ?' });
    const s = await sync();
    expect(s.body.accounts.shop.auto_replies).toBe(1); // the cap
    await sync();
    const answered = fake.inbox.conversations().filter((c) => [c2, c3].includes(c.id) && c.messages.some((m) => m.user_id !== c.buyer.id));
    expect(answered).toHaveLength(1);
  });

  it('the fake fails like Vinted on these endpoints: 429, captcha, expired session', async () => {
    fake.setMode({ mode: 'rate_limit', path: '^/api/v2/conversations/\\d+/replies$', retry_after: 30, count: 1 });
    const r429 = await call('POST', `/api/vinted/inbox/shop/${conv}/reply`, { body: 'Merci !' });
    expect(r429.status).toBe(429);
    const failed = await t.ctx.db.selectFrom('vinted.sent_replies').select(['state']).where('body', '=', 'Merci !').execute();
    expect(failed.map((x) => x.state)).toEqual(['failed']);
    fake.setMode({ mode: 'server_error', path: '^/api/v2/inbox$', count: 1 });
    expect((await sync()).status).toBe(502);
    fake.expireTokens(); // the adapter refreshes the session once and goes on
    expect((await sync()).status).toBe(200);
    fake.setMode({ mode: 'captcha', path: '^/api/v2/conversations/\\d+/replies$', count: 1 });
    const cap = await call('POST', `/api/vinted/inbox/shop/${conv}/reply`, { body: 'Merci encore !' });
    expect(cap.status).toBe(409);
    expect(cap.body.error.code).toBe('vinted_captcha');
    expect((await call('GET', '/api/vinted/accounts/shop')).body.account.queue_state).toBe('stopped');
    expect(responses.join('\n')).not.toMatch(/access_token_web=|refresh_token_web=/);
  });

  it('the vinted.inbox job reads the accounts; a revoked session fails that job for good (reconnect), never the process', async () => {
    const ok = await t.ctx.jobs.enqueue('vinted.inbox', {});
    const done = await t.ctx.jobs.wait(ok.id);
    expect(done.status, done.error ?? '').toBe('completed');
    expect((done.result as any).shop.conversations).toBeGreaterThanOrEqual(3);
    fake.revokeSessions();
    const accountId = (await call('GET', '/api/vinted/accounts/shop')).body.account.id;
    const bad = await t.ctx.jobs.enqueue('vinted.inbox', { account_id: accountId });
    const failed = await t.ctx.jobs.wait(bad.id);
    expect(failed.status).toBe('failed');
    expect(failed.attempts).toBe(1);
    expect((await call('GET', '/api/vinted/accounts/shop')).body.account.status).toBe('reconnect');
  });
});
