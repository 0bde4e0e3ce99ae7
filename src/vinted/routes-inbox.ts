// HTTP API of buyer messages (under /api/vinted): the inbox as last synced, one conversation with the
// reply templates its state suggests (question, offer, sale) already rendered, replies and offer
// answers (one click; Idempotency-Key makes a double click one send), and the reply templates.
import { z } from 'zod';
import type { App, CoreContext } from '../core/module.ts';
import { HttpError, badRequest, notFound } from '../core/errors.ts';
import { accountOr404 } from './publish/service.ts';
import { listAccounts } from './accounts/store.ts';
import { VintedError } from './vinted-api/index.ts';
import { autoReply, floorOf, sendAction, syncInbox, triggerOf, type ReplyAction } from './inbox/service.ts';
import { checkReplyTemplate, renderReply, REPLY_VARIABLES, TRIGGERS, TemplateError } from './inbox/replies.ts';

const num = (v: unknown) => (v === null || v === undefined || v === '' ? null : Number(v));
const iso = (d: unknown) => (d ? new Date(d as string).toISOString() : null);
const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
const Offer = z.object({ id: z.string(), price: z.number(), currency: z.string(), status: z.string(), from_buyer: z.boolean() }).nullable();
const ConversationView = z.object({
  account_id: z.string(), id: z.string(), buyer_id: z.string().nullable(), buyer_login: z.string().nullable(), item_id: z.string().nullable(), item_title: z.string().nullable(),
  item_price: z.number().nullable(), unread: z.boolean(), allow_reply: z.boolean(), buyer_wrote: z.boolean(), last_body: z.string().nullable(), last_at: z.string().nullable(), offer: Offer,
});
const TemplateView = z.object({ id: z.string(), name: z.string(), trigger: z.enum(TRIGGERS), body: z.string(), auto: z.boolean(), daily_cap: z.number(), sent_today: z.number() });
const Send = z.object({ ok: z.boolean(), id: z.string(), state: z.string(), body: z.string().nullable(), price: z.number().nullable(), repeated: z.boolean() });
const Target = z.object({ account: z.string().min(1).max(64), conversation: z.string().regex(/^\d{1,20}$/) });

const convView = (r: any) => ({
  account_id: r.account_id, id: r.vinted_id, buyer_id: r.buyer_id, buyer_login: r.buyer_login, item_id: r.item_id, item_title: r.item_title, item_price: num(r.item_price),
  unread: r.unread, allow_reply: r.allow_reply, buyer_wrote: r.buyer_wrote, last_body: r.last_body, last_at: iso(r.last_at), offer: parse(r.offer) ?? null,
});

function vintedHttp(e: unknown): never {
  if (e instanceof VintedError) {
    const status = e.kind === 'rate_limited' ? 429 : e.kind === 'captcha' || e.kind === 'auth' || e.kind === 'access_denied' ? 409 : 502;
    throw new HttpError(status, `vinted_${e.kind}`, e.message);
  }
  throw e;
}

export async function inboxRoutes(app: App, ctx: CoreContext): Promise<void> {
  const V = ctx.db.withSchema('vinted');
  const sentToday = async (id: string) => Number((await V.selectFrom('sent_replies').select((eb) => eb.fn.countAll<number>().as('n')).where('template_id', '=', id).where('auto', '=', true).where('created_at', '>', new Date(Date.now() - 86_400_000)).executeTakeFirst())?.n ?? 0);
  const tplView = async (t: any) => ({ id: t.id, name: t.name, trigger: t.trigger, body: t.body, auto: t.auto, daily_cap: t.daily_cap, sent_today: await sentToday(t.id) });
  const templateError = (e: unknown): never => {
    if (e instanceof TemplateError) throw badRequest(e.message);
    throw e;
  };

  app.get('/inbox', {
    config: { role: 'viewer' },
    schema: {
      tags: ['vinted messages'], summary: 'buyer conversations as last synced (newest first), unread count', querystring: z.object({ account: z.string().max(64).optional(), unread: z.coerce.boolean().optional() }),
      response: { 200: z.object({ ok: z.boolean(), unread: z.number(), conversations: z.array(ConversationView) }) },
    },
  }, async (req) => {
    let q = V.selectFrom('conversations').selectAll().orderBy('last_at', 'desc').limit(500);
    if (req.query.account) q = q.where('account_id', '=', (await accountOr404(ctx, req.query.account)).id);
    if (req.query.unread) q = q.where('unread', '=', true);
    const rows = (await q.execute()).map(convView);
    return { ok: true, unread: rows.filter((r) => r.unread).length, conversations: rows };
  });

  app.post('/inbox/sync', {
    config: { role: 'operator' },
    schema: {
      tags: ['vinted messages'], summary: 'read the inbox from Vinted now (web accounts), then send the automatic replies that are due',
      body: z.object({ account: z.string().max(64).optional() }),
      response: { 200: z.object({ ok: z.boolean(), accounts: z.record(z.string(), z.unknown()) }) },
    },
  }, async (req) => {
    const accounts = req.body.account ? [await accountOr404(ctx, req.body.account)] : (await listAccounts(ctx)).filter((a) => a.kind === 'web' && a.status === 'ok');
    const out: Record<string, unknown> = {};
    for (const a of accounts) {
      try {
        out[a.name] = { ...(await syncInbox(ctx, a)), auto_replies: await autoReply(ctx, a) };
      } catch (e) {
        if (req.body.account) vintedHttp(e);
        out[a.name] = { error: e instanceof VintedError ? e.kind : (e as Error).message };
      }
    }
    return { ok: true, accounts: out };
  });

  app.get('/inbox/:account/:conversation', {
    config: { role: 'viewer' },
    schema: {
      tags: ['vinted messages'], summary: 'one conversation: messages, the pending offer and its floor, the templates its trigger suggests (rendered, or the error that would stop them)', params: Target,
      response: {
        200: z.object({
          ok: z.boolean(), conversation: ConversationView, trigger: z.enum(TRIGGERS), floor: z.number().nullable(), floor_source: z.string().nullable(),
          messages: z.array(z.object({ id: z.string(), from_me: z.boolean(), body: z.string(), at: z.string() })),
          suggestions: z.array(z.object({ template: TemplateView, text: z.string().nullable(), error: z.string().nullable() })),
        }),
      },
    },
  }, async (req) => {
    const a = await accountOr404(ctx, req.params.account);
    const c = await V.selectFrom('conversations').selectAll().where('account_id', '=', a.id).where('vinted_id', '=', req.params.conversation).executeTakeFirst();
    if (!c) throw notFound(`conversation ${req.params.conversation}`);
    const messages = await V.selectFrom('messages').selectAll().where('account_id', '=', a.id).where('conversation_id', '=', c.vinted_id).orderBy('created_at').execute();
    const sold = c.item_id ? !!(await V.selectFrom('listings').select('state').where('account_id', '=', a.id).where('vinted_id', '=', c.item_id).where('state', '=', 'sold').executeTakeFirst()) : false;
    const trigger = triggerOf({ offer: c.offer, last_body: c.last_body }, sold);
    const offer = parse(c.offer);
    const { floor, source } = await floorOf(ctx, a.id, c.item_id, num(c.item_price));
    const templates = await V.selectFrom('reply_templates').selectAll().orderBy('created_at').execute();
    const suggestions = [];
    for (const t of templates.sort((x, y) => Number(y.trigger === trigger) - Number(x.trigger === trigger))) {
      let text: string | null = null;
      let error: string | null = null;
      try {
        text = renderReply(t.body, { buyer: c.buyer_login, item: c.item_title, price: num(c.item_price), offer: offer?.price ?? null, counter: null, seller: a.login, currency: offer?.currency ?? 'EUR' });
      } catch (e) {
        if (!(e instanceof TemplateError)) throw e;
        error = e.message;
      }
      suggestions.push({ template: await tplView(t), text, error });
    }
    return {
      ok: true, conversation: convView(c), trigger, floor, floor_source: source,
      messages: messages.map((m) => ({ id: m.vinted_id, from_me: m.from_me, body: m.body, at: iso(m.created_at)! })), suggestions,
    };
  });

  const send = async (req: any, act: ReplyAction) => {
    const a = await accountOr404(ctx, req.params.account);
    // the header, or the body's idempotency_key (the web client sends JSON bodies only)
    const r = await sendAction(ctx, a, req.params.conversation, act, { key: (req.headers['idempotency-key'] as string | undefined) ?? req.body.idempotency_key });
    return { ok: r.state === 'sent', ...r };
  };
  app.post('/inbox/:account/:conversation/reply', {
    config: { role: 'operator' },
    schema: {
      tags: ['vinted messages'], summary: 'answer the buyer: a template (rendered for this conversation) or a text; counts in the write budget; Idempotency-Key makes a repeat one send',
      params: Target, headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }).passthrough(),
      body: z.object({ template_id: z.uuid().optional(), body: z.string().min(1).max(5000).optional(), idempotency_key: z.string().min(1).max(200).optional() }),
      response: { 200: Send },
    },
  }, async (req) => send(req, { kind: 'reply', template_id: req.body.template_id, body: req.body.body }));

  app.post('/inbox/:account/:conversation/offer', {
    config: { role: 'operator' },
    schema: {
      tags: ['vinted messages'], summary: 'answer the buyer\'s offer: accept, refuse, or counter (never under the article\'s minimum price)',
      params: Target, headers: z.object({ 'idempotency-key': z.string().min(1).max(200).optional() }).passthrough(),
      body: z.object({ action: z.enum(['accept', 'reject', 'counter']), price: z.number().positive().max(100000).optional(), idempotency_key: z.string().min(1).max(200).optional() }),
      response: { 200: Send },
    },
  }, async (req) => {
    const b = req.body;
    if (b.action === 'counter' && b.price === undefined) throw badRequest('a counter-offer needs a price');
    return send(req, b.action === 'accept' ? { kind: 'offer_accept' } : b.action === 'reject' ? { kind: 'offer_reject' } : { kind: 'offer_counter', price: b.price! });
  });

  // ---- reply templates
  app.get('/reply-templates', {
    config: { role: 'viewer' },
    schema: {
      tags: ['vinted messages'], summary: 'reply templates and the variables they may use',
      response: { 200: z.object({ ok: z.boolean(), variables: z.array(z.string()), triggers: z.array(z.string()), templates: z.array(TemplateView) }) },
    },
  }, async () => ({
    ok: true, variables: [...REPLY_VARIABLES.list], triggers: [...TRIGGERS],
    templates: await Promise.all((await V.selectFrom('reply_templates').selectAll().orderBy('created_at').execute()).map(tplView)),
  }));

  const TemplateBody = z.object({ name: z.string().min(1).max(100), trigger: z.enum(TRIGGERS), body: z.string().min(1).max(2000), auto: z.boolean().default(false), daily_cap: z.number().int().min(0).max(500).default(10) });
  app.post('/reply-templates', {
    config: { role: 'operator' },
    schema: { tags: ['vinted messages'], summary: 'add a reply template (checked: unknown variables and {{ }} / {% %} code are refused)', body: TemplateBody, response: { 200: z.object({ ok: z.boolean(), template: TemplateView }) } },
  }, async (req) => {
    try { checkReplyTemplate(req.body.body); } catch (e) { templateError(e); }
    const t = await V.insertInto('reply_templates').values({ ...req.body }).returningAll().executeTakeFirstOrThrow();
    return { ok: true, template: await tplView(t) };
  });

  app.patch('/reply-templates/:id', {
    config: { role: 'operator' },
    schema: { tags: ['vinted messages'], summary: 'change a reply template', params: z.object({ id: z.uuid() }), body: TemplateBody.partial(), response: { 200: z.object({ ok: z.boolean(), template: TemplateView }) } },
  }, async (req) => {
    if (req.body.body !== undefined) { try { checkReplyTemplate(req.body.body); } catch (e) { templateError(e); } }
    const t = await V.updateTable('reply_templates').set({ ...req.body, updated_at: new Date() }).where('id', '=', req.params.id).returningAll().executeTakeFirst();
    if (!t) throw notFound(`template ${req.params.id}`);
    return { ok: true, template: await tplView(t) };
  });

  app.delete('/reply-templates/:id', {
    config: { role: 'operator' },
    schema: { tags: ['vinted messages'], summary: 'remove a reply template', params: z.object({ id: z.uuid() }), response: { 200: z.object({ ok: z.boolean() }) } },
  }, async (req) => {
    const r = await V.deleteFrom('reply_templates').where('id', '=', req.params.id).returning('id').executeTakeFirst();
    if (!r) throw notFound(`template ${req.params.id}`);
    return { ok: true };
  });
}
