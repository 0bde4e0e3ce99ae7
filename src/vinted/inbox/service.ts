// Buyer messages and offers (contract §1.8): the inbox synced from Vinted (conversations, unread,
// the item, the buyer, messages, pending offers), `message.received` / `offer.received` recorded in
// the events outbox once per message or offer, replies and offer answers sent inside the account's
// write budget, once per idempotency key, and only in conversations the buyer opened.
import crypto from 'node:crypto';
import type { CoreContext } from '../../core/module.ts';
import { JobFailedError, type JobContext } from '../../core/jobs/types.ts';
import { HttpError } from '../../core/errors.ts';
import { scrub } from '../../core/log.ts';
import { settingsOf } from '../catalog/runtime.ts';
import { loadPlan } from '../catalog/store.ts';
import { getAccount, listAccounts, setQueue, updateAccount, type Account } from '../accounts/store.ts';
import { adapterFor, VintedError, type WebAdapter } from '../vinted-api/index.ts';
import { BudgetExhausted, paceOf, reserveWrite } from '../publish/pacer.ts';
import { recordEvent } from '../events/outbox.ts';
import { renderReply, TemplateError, type Trigger } from './replies.ts';

const num = (v: unknown) => (v === null || v === undefined || v === '' || !Number.isFinite(Number(v)) ? null : Number(v));

function web(ctx: CoreContext, account: Account): WebAdapter {
  const a = adapterFor(ctx, account);
  // the Pro Integrations API has no messaging (contract §2)
  if (a.kind !== 'web') throw new HttpError(409, 'unsupported', 'Vinted Pro accounts have no inbox through the API: answer buyers on vinted.fr');
  return a;
}

export interface Offer { id: string; price: number; currency: string; status: string; from_buyer: boolean }

/** Reads the inbox (first pages) and every conversation that changed; returns counts. */
export async function syncInbox(ctx: CoreContext, account: Account, o: { pages?: number } = {}): Promise<{ conversations: number; new_messages: number; new_offers: number }> {
  const a = web(ctx, account);
  let uid = account.vinted_user_id;
  if (!uid) {
    uid = (await a.currentUser()).id;
    await updateAccount(ctx, account.id, { vinted_user_id: uid });
  }
  const V = ctx.db.withSchema('vinted');
  let conversations = 0;
  let newMessages = 0;
  let newOffers = 0;
  for (let page = 1; page <= (o.pages ?? 3); page++) {
    if (page > 1) await new Promise((r) => setTimeout(r, 500 + Math.random() * 300));
    const b = await a.call('GET', `/api/v2/inbox?page=${page}&per_page=20`, { what: 'inbox' });
    const list: any[] = Array.isArray(b?.conversations) ? b.conversations : [];
    for (const c of list) {
      const id = String(c.id);
      const known = await V.selectFrom('conversations').select(['last_at']).where('account_id', '=', account.id).where('vinted_id', '=', id).executeTakeFirst();
      const updated = c.updated_at ? new Date(c.updated_at) : new Date();
      conversations++;
      if (known?.last_at && new Date(known.last_at).getTime() >= updated.getTime()) {
        await V.updateTable('conversations').set({ unread: !!c.unread, synced_at: new Date() }).where('account_id', '=', account.id).where('vinted_id', '=', id).execute();
        continue;
      }
      const r = await readConversation(ctx, a, account, uid, id, !!c.unread);
      newMessages += r.newMessages;
      newOffers += r.newOffers;
    }
    const pages = Number(b?.pagination?.total_pages ?? page);
    if (page >= pages || !list.length) break;
  }
  return { conversations, new_messages: newMessages, new_offers: newOffers };
}

async function readConversation(ctx: CoreContext, a: WebAdapter, account: Account, uid: string, id: string, unread: boolean): Promise<{ newMessages: number; newOffers: number }> {
  const V = ctx.db.withSchema('vinted');
  const b = await a.call('GET', `/api/v2/conversations/${encodeURIComponent(id)}`, { what: 'conversation' });
  const c = b?.conversation ?? b;
  const buyer = c?.opposite_user ?? {};
  const tx = c?.transaction ?? {};
  const itemId = tx.item_id != null ? String(tx.item_id) : null;
  const listing = itemId ? await V.selectFrom('listings').select(['title', 'price', 'currency']).where('account_id', '=', account.id).where('vinted_id', '=', itemId).executeTakeFirst() : undefined;
  const itemTitle = listing?.title ?? tx.item_title ?? null;
  const itemPrice = num(listing?.price) ?? num(tx.price?.amount ?? tx.price);
  const msgs: any[] = Array.isArray(c?.messages) ? c.messages : [];
  let newMessages = 0;
  let newOffers = 0;
  let offer: Offer | null = null;
  let buyerWrote = false;
  let lastBody: string | null = null;
  let lastAt: Date | null = null;
  for (const m of msgs) {
    const e = m.entity ?? {};
    const fromMe = String(e.user_id ?? '') === String(uid);
    const at = m.created_at_ts ? new Date(m.created_at_ts) : new Date();
    if (!fromMe) buyerWrote = true;
    if (m.entity_type === 'offer_request_message') {
      const price = num(e.price?.amount ?? e.price);
      const o: Offer = { id: String(e.offer_request_id ?? m.id), price: price ?? 0, currency: String(e.price?.currency_code ?? 'EUR'), status: String(e.status ?? 'pending'), from_buyer: !fromMe };
      offer = o.status === 'pending' ? o : offer && offer.id === o.id ? null : offer;
      lastBody = `${fromMe ? '→' : '←'} offre ${o.price} ${o.currency}`;
      if (!fromMe && o.status === 'pending') {
        const rec = await recordEvent(ctx.db, {
          type: 'offer.received', accountId: account.id, dedupeKey: `offer.received:${account.id}:${o.id}`,
          data: { conversation_id: id, offer_id: o.id, offer_price: o.price, currency: o.currency, buyer_login: buyer.login ?? null, buyer_id: buyer.id != null ? String(buyer.id) : null, vinted_id: itemId, title: itemTitle, price: itemPrice },
        });
        if (rec) newOffers++;
      }
    } else {
      const body = String(e.body ?? '');
      lastBody = body;
      const ins = await V.insertInto('messages').values({ account_id: account.id, conversation_id: id, vinted_id: String(m.id), from_me: fromMe, body, created_at: at })
        .onConflict((oc) => oc.columns(['account_id', 'conversation_id', 'vinted_id']).doNothing()).returning('vinted_id').executeTakeFirst();
      if (ins && !fromMe) {
        const rec = await recordEvent(ctx.db, {
          type: 'message.received', accountId: account.id, dedupeKey: `message.received:${account.id}:${id}:${m.id}`,
          data: { conversation_id: id, message_id: String(m.id), body: body.slice(0, 500), buyer_login: buyer.login ?? null, buyer_id: buyer.id != null ? String(buyer.id) : null, vinted_id: itemId, title: itemTitle },
        });
        if (rec) newMessages++;
      }
    }
    lastAt = at;
  }
  const row = {
    buyer_id: buyer.id != null ? String(buyer.id) : null, buyer_login: buyer.login ?? null, item_id: itemId, item_title: itemTitle, item_price: itemPrice,
    transaction_id: tx.id != null ? String(tx.id) : null, unread, allow_reply: c?.allow_reply !== false, buyer_wrote: buyerWrote,
    last_body: lastBody?.slice(0, 300) ?? null, last_at: lastAt, offer: offer ? JSON.stringify(offer) : null, synced_at: new Date(),
  };
  await V.insertInto('conversations').values({ account_id: account.id, vinted_id: id, ...row })
    .onConflict((oc) => oc.columns(['account_id', 'vinted_id']).doUpdateSet(row)).execute();
  return { newMessages, newOffers };
}

/** The lowest price the seller accepts for the conversation's item: the article's price_min, else 80 % of its price. */
export async function floorOf(ctx: CoreContext, accountId: string, itemId: string | null, price: number | null): Promise<{ floor: number | null; source: 'price_min' | 'default' | null }> {
  if (itemId) {
    const l = await ctx.db.withSchema('vinted').selectFrom('listings').select(['job_id', 'cluster_id']).where('account_id', '=', accountId).where('vinted_id', '=', itemId).executeTakeFirst();
    if (l?.job_id && l.cluster_id) {
      const plan = await loadPlan(ctx.db, l.job_id).catch(() => null);
      const it = plan?.items.find((x) => x.cluster_id === l.cluster_id);
      if (it?.price_min) return { floor: it.price_min, source: 'price_min' };
    }
  }
  return price ? { floor: Math.round(price * 0.8 * 100) / 100, source: 'default' } : { floor: null, source: null };
}

export type ReplyAction =
  | { kind: 'reply'; body?: string; template_id?: string }
  | { kind: 'offer_accept' } | { kind: 'offer_reject' }
  | { kind: 'offer_counter'; price: number };

export interface SendResult { id: string; state: string; body: string | null; price: number | null; repeated: boolean }

/** Sends a reply or an offer answer once per key; never in a conversation the buyer did not open. */
export async function sendAction(ctx: CoreContext, account: Account, conversationId: string, act: ReplyAction, o: { key?: string; auto?: boolean; sellerName?: string | null } = {}): Promise<SendResult> {
  const V = ctx.db.withSchema('vinted');
  const conv = await V.selectFrom('conversations').selectAll().where('account_id', '=', account.id).where('vinted_id', '=', conversationId).executeTakeFirst();
  if (!conv) throw new HttpError(404, 'not_found', `conversation ${conversationId} not found (sync the inbox?)`);
  // the rule Vinted enforces on scripted clients, and ours: we only answer
  if (!conv.buyer_wrote) throw new HttpError(409, 'not_first', 'this member has not written to you: atelier never writes first');
  if (!conv.allow_reply) throw new HttpError(409, 'closed', 'Vinted does not allow replies in this conversation any more');
  const offer = (typeof conv.offer === 'string' ? JSON.parse(conv.offer) : conv.offer) as Offer | null;
  let body: string | null = null;
  let price: number | null = null;
  let templateId: string | null = null;
  if (act.kind === 'reply') {
    let text = act.body;
    if (act.template_id) {
      const t = await V.selectFrom('reply_templates').selectAll().where('id', '=', act.template_id).executeTakeFirst();
      if (!t) throw new HttpError(404, 'not_found', `template ${act.template_id}`);
      templateId = t.id;
      text = t.body;
    }
    if (!text?.trim()) throw new HttpError(400, 'bad_request', 'give a body or a template_id');
    try {
      body = renderReply(text, { buyer: conv.buyer_login, item: conv.item_title, price: num(conv.item_price), offer: offer?.price ?? null, counter: null, seller: o.sellerName ?? account.login ?? null, currency: offer?.currency ?? 'EUR' });
    } catch (e) {
      if (e instanceof TemplateError) throw new HttpError(400, 'template', e.message);
      throw e;
    }
  } else {
    if (!offer || !offer.from_buyer || offer.status !== 'pending') throw new HttpError(409, 'no_offer', 'no pending offer from the buyer in this conversation');
    const { floor } = await floorOf(ctx, account.id, conv.item_id, num(conv.item_price));
    if (act.kind === 'offer_counter') {
      if (floor !== null && act.price < floor) throw new HttpError(400, 'below_floor', `counter-offer ${act.price} is under the floor ${floor} (the article's minimum price)`, { floor });
      price = act.price;
    }
    if (act.kind === 'offer_accept' && floor !== null && offer.price < floor) throw new HttpError(409, 'below_floor', `the offer ${offer.price} is under the floor ${floor} (the article's minimum price): counter it instead`, { floor });
    if (act.kind === 'offer_accept') price = offer.price;
  }
  const key = o.key ?? crypto.randomUUID();
  const ins = await V.insertInto('sent_replies').values({ key, account_id: account.id, conversation_id: conversationId, kind: act.kind, template_id: templateId, body, price, auto: !!o.auto })
    .onConflict((oc) => oc.column('key').doNothing()).returning('id').executeTakeFirst();
  if (!ins) {
    const prev = await V.selectFrom('sent_replies').selectAll().where('key', '=', key).executeTakeFirstOrThrow();
    if (prev.state === 'sending') throw new HttpError(409, 'in_progress', 'the same send is in progress');
    return { id: prev.id, state: prev.state, body: prev.body, price: num(prev.price), repeated: true };
  }
  const fail = async (e: unknown): Promise<never> => {
    await V.updateTable('sent_replies').set({ state: 'failed', error: scrub((e as Error).message).slice(0, 500) }).where('id', '=', ins.id).execute();
    // a failed send may be tried again with another key; the key itself stays spent
    throw e;
  };
  try {
    await reserveWrite(ctx, account.id, paceOf(settingsOf(ctx).publish, account), { kind: act.kind, immediate: true });
  } catch (e) {
    if (e instanceof BudgetExhausted) return fail(new HttpError(429, 'budget', `this account's write budget for the hour is used up: try again after ${e.at.toISOString()}`, { at: e.at.toISOString() }));
    return fail(e);
  }
  const a = web(ctx, account);
  try {
    if (act.kind === 'reply') {
      await a.call('POST', `/api/v2/conversations/${encodeURIComponent(conversationId)}/replies`, { json: { reply: { body, photo_temp_uuids: null, is_personal_data_sharing_check_skipped: false } }, what: 'reply' });
    } else if (act.kind === 'offer_counter') {
      await a.call('POST', `/api/v2/transactions/${encodeURIComponent(conv.transaction_id ?? '')}/offers`, { json: { offer: { price: String(price), currency: offer!.currency } }, what: 'counter-offer' });
    } else {
      await a.call('PUT', `/api/v2/transactions/${encodeURIComponent(conv.transaction_id ?? '')}/offer_requests/${encodeURIComponent(offer!.id)}/${act.kind === 'offer_accept' ? 'accept' : 'reject'}`, { json: {}, what: 'offer answer' });
    }
  } catch (e) {
    if (e instanceof VintedError) {
      if (e.kind === 'captcha') await setQueue(ctx, account.id, 'stopped', e.details.html && !e.details.datadome ? 'html_block' : 'captcha');
      if (e.kind === 'auth') {
        await setQueue(ctx, account.id, 'stopped', 'reconnect');
        await updateAccount(ctx, account.id, { status: 'reconnect', status_code: 'auth' });
      }
      const status = e.kind === 'rate_limited' ? 429 : e.kind === 'validation' ? 400 : e.kind === 'captcha' || e.kind === 'auth' || e.kind === 'access_denied' ? 409 : 502;
      return fail(new HttpError(status, `vinted_${e.kind}`, e.message));
    }
    return fail(e);
  }
  await V.updateTable('sent_replies').set({ state: 'sent', sent_at: new Date() }).where('id', '=', ins.id).execute();
  const now = new Date();
  if (act.kind === 'reply') {
    await V.insertInto('messages').values({ account_id: account.id, conversation_id: conversationId, vinted_id: `sent:${ins.id}`, from_me: true, body: body!, created_at: now })
      .onConflict((oc) => oc.columns(['account_id', 'conversation_id', 'vinted_id']).doNothing()).execute();
  }
  await V.updateTable('conversations').set({
    last_body: act.kind === 'reply' ? body!.slice(0, 300) : `→ ${act.kind}${price !== null ? ` ${price}` : ''}`, last_at: now, unread: false,
    ...(act.kind !== 'reply' ? { offer: null } : {}),
  }).where('account_id', '=', account.id).where('vinted_id', '=', conversationId).execute();
  return { id: ins.id, state: 'sent', body, price, repeated: false };
}

/** Which trigger a conversation's state calls for: an offer pending, a sale, else a question. */
export function triggerOf(conv: { offer: unknown; last_body: string | null }, sold: boolean): Trigger {
  const offer = typeof conv.offer === 'string' ? JSON.parse(conv.offer) : conv.offer;
  if (offer && offer.status === 'pending') return 'offer';
  if (sold) return 'sale';
  return 'question';
}

/**
 * Automatic replies (opt-in per template, a daily cap each): a conversation whose last message is
 * the buyer's gets the first auto template of its trigger, once (key = conversation + last message).
 */
export async function autoReply(ctx: CoreContext, account: Account): Promise<number> {
  const V = ctx.db.withSchema('vinted');
  const templates = await V.selectFrom('reply_templates').selectAll().where('auto', '=', true).orderBy('created_at').execute();
  if (!templates.length) return 0;
  let sent = 0;
  const convs = await V.selectFrom('conversations').selectAll().where('account_id', '=', account.id).where('buyer_wrote', '=', true).where('allow_reply', '=', true).execute();
  for (const c of convs) {
    const last = await V.selectFrom('messages').select(['vinted_id', 'from_me']).where('account_id', '=', account.id).where('conversation_id', '=', c.vinted_id).orderBy('created_at', 'desc').limit(1).executeTakeFirst();
    if (!last || last.from_me) continue;
    const sold = c.item_id ? !!(await V.selectFrom('listings').select('state').where('account_id', '=', account.id).where('vinted_id', '=', c.item_id).where('state', '=', 'sold').executeTakeFirst()) : false;
    const trig = triggerOf({ offer: c.offer, last_body: c.last_body }, sold);
    const t = templates.find((x) => x.trigger === trig);
    if (!t) continue;
    const since = new Date(Date.now() - 24 * 3600_000);
    const used = Number((await V.selectFrom('sent_replies').select((eb) => eb.fn.countAll<number>().as('n')).where('template_id', '=', t.id).where('auto', '=', true).where('created_at', '>', since).executeTakeFirst())?.n ?? 0);
    if (used >= t.daily_cap) continue;
    try {
      const r = await sendAction(ctx, account, c.vinted_id, { kind: 'reply', template_id: t.id }, { key: `auto:${account.id}:${c.vinted_id}:${last.vinted_id}`, auto: true });
      if (!r.repeated) sent++;
    } catch (e) {
      // one conversation (a template variable empty here, a refusal) never stops the others
      ctx.log.warn({ account: account.name, conversation: c.vinted_id, err: scrub((e as Error).message) }, 'vinted: automatic reply not sent');
      if (e instanceof HttpError && (e.code === 'vinted_captcha' || e.code === 'vinted_auth' || e.code === 'budget')) break;
    }
  }
  return sent;
}

/** Job `vinted.inbox`: one account ({account_id}) or every connected web account (the schedule). */
export async function inboxHandler(job: JobContext<{ account_id?: string }>, ctx: CoreContext): Promise<unknown> {
  const accounts = job.payload.account_id ? [await getAccount(ctx, job.payload.account_id)].filter((a): a is Account => !!a) : (await listAccounts(ctx)).filter((a) => a.status === 'ok' && a.kind === 'web');
  const out: Record<string, unknown> = {};
  for (const a of accounts) {
    job.throwIfCancelled();
    try {
      const r = await syncInbox(ctx, a);
      const auto = await autoReply(ctx, a);
      out[a.name] = { ...r, auto_replies: auto };
      await job.log('info', `${a.name}: ${JSON.stringify(out[a.name])}`, { code: 'sync.account', account: a.name });
    } catch (e) {
      out[a.name] = { error: e instanceof VintedError ? e.kind : 'failed' };
      await job.log('error', `${a.name}: ${scrub((e as Error).message)}`, { code: 'sync.failed', account: a.name, error: scrub((e as Error).message) });
      if (e instanceof VintedError && e.kind === 'auth') {
        await updateAccount(ctx, a.id, { status: 'reconnect', status_code: 'auth' });
        await setQueue(ctx, a.id, 'stopped', 'reconnect');
      }
    }
  }
  const failed = job.payload.account_id && accounts.length === 1 ? (out[accounts[0].name] as { error?: string } | undefined)?.error : undefined;
  if (failed) {
    const msg = `inbox of ${accounts[0].name} failed: ${failed}`;
    // a refused session or a captcha needs the seller, not a retry
    if (failed === 'auth' || failed === 'captcha' || failed === 'access_denied') throw new JobFailedError(msg, out);
    throw new Error(msg);
  }
  return out;
}
