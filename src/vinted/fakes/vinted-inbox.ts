// The fake Vinted's inbox, messages and offers (vinted-contract.md §1.8), registered from vinted.ts's
// route table so that they fail the same ways (captcha, 429, 5xx, expired session: the failure
// modes apply to every /api path). Tests make a buyer write, make an offer and sell an item through
// the returned helpers or /__fake/inbox/*.
//
// Shapes: GET /api/v2/inbox → {conversations:[{id, unread, description, updated_at, opposite_user,
// item_id, item_title}], pagination}; GET /api/v2/conversations/{id} → {conversation:{id,
// opposite_user, transaction{id,item_id}, messages[], allow_reply}}; messages are {id, entity_type
// 'message'|'offer_request_message', entity{body|price,currency,status,offer_request_id, user_id},
// created_at_ts}. Opening a conversation (POST /conversations) answers 403/106, as reported for
// scripted calls.

export interface InboxDeps {
  route(method: string, pattern: string, h: (req: any, res: any, params: Record<string, string>) => Promise<void> | void): void;
  json(res: any, status: number, body: unknown): void;
  vintedError(res: any, status: number, code: number, messageCode: string, message: string): void;
  requireSession(req: any, res: any): { id: number; login: string } | null;
  bodyJson(req: any): any;
  user(login: string): { id: number; login: string };
  item(id: number): { id: number; uid: number; title: string; price: number; currency: string; closing: null | 'sold' | 'deleted'; is_reserved: boolean } | undefined;
}

interface Message { id: number; kind: 'message' | 'offer'; user_id: number; body?: string; price?: number; currency?: string; status?: 'pending' | 'accepted' | 'rejected'; offer_id?: number; at: number }
interface Conversation { id: number; seller: number; buyer: { id: number; login: string }; item_id: number; tx: number; messages: Message[]; unread: boolean; updated: number }

export interface FakeInbox {
  /** a buyer writes about an item (opens the conversation on first message); returns the conversation id */
  buyerWrites(o: { item: number; buyer?: string; body: string }): number;
  /** a buyer offers a price on the conversation's item (pending unless said); returns the offer id */
  buyerOffers(o: { item: number; buyer?: string; price: number; status?: 'pending' | 'accepted' | 'rejected' }): { conversation: number; offer: number };
  conversations(): Conversation[];
}

export function registerInbox(d: InboxDeps): { api: FakeInbox; control(req: any, res: any): boolean } {
  const convs = new Map<number, Conversation>();
  let nextConv = 15_000_000_001;
  let nextMsg = 90_000_000_001;
  let nextOffer = 7_000_001;
  let nextTx = 3_000_000_001;

  const conversationFor = (itemId: number, buyerLogin: string): Conversation => {
    const it = d.item(itemId);
    if (!it) throw new Error(`no item ${itemId}`);
    const b = d.user(buyerLogin);
    let c = [...convs.values()].find((x) => x.item_id === itemId && x.buyer.id === b.id);
    if (!c) convs.set(nextConv, (c = { id: nextConv++, seller: it.uid, buyer: { id: b.id, login: b.login }, item_id: itemId, tx: nextTx++, messages: [], unread: false, updated: Date.now() }));
    return c;
  };
  const push = (c: Conversation, m: Omit<Message, 'id' | 'at'>, fromBuyer: boolean) => {
    const msg = { ...m, id: nextMsg++, at: Date.now() };
    c.messages.push(msg);
    c.updated = msg.at;
    if (fromBuyer) c.unread = true;
    return msg;
  };
  const shape = (m: Message) => m.kind === 'message'
    ? { id: m.id, entity_type: 'message', entity: { body: m.body, user_id: m.user_id }, created_at_ts: new Date(m.at).toISOString() }
    : { id: m.id, entity_type: 'offer_request_message', entity: { offer_request_id: m.offer_id, price: { amount: String(m.price), currency_code: m.currency }, status: m.status, user_id: m.user_id }, created_at_ts: new Date(m.at).toISOString() };
  const last = (c: Conversation) => c.messages[c.messages.length - 1];
  const mine = (req: any, res: any, id: string): { c: Conversation; u: { id: number } } | null => {
    const u = d.requireSession(req, res);
    if (!u) return null;
    const c = convs.get(Number(id));
    if (!c) { d.vintedError(res, 404, 104, 'not_found', 'Conversation introuvable'); return null; }
    if (c.seller !== u.id && c.buyer.id !== u.id) { d.vintedError(res, 403, 106, 'access_denied', 'Accès refusé'); return null; }
    return { c, u };
  };

  const api: FakeInbox = {
    buyerWrites(o) {
      const c = conversationFor(o.item, o.buyer ?? 'acheteuse-lea');
      push(c, { kind: 'message', user_id: c.buyer.id, body: o.body }, true);
      return c.id;
    },
    buyerOffers(o) {
      const c = conversationFor(o.item, o.buyer ?? 'acheteuse-lea');
      const it = d.item(o.item)!;
      const offer = nextOffer++;
      push(c, { kind: 'offer', user_id: c.buyer.id, price: o.price, currency: it.currency, status: o.status ?? 'pending', offer_id: offer }, true);
      return { conversation: c.id, offer };
    },
    conversations: () => [...convs.values()],
  };

  d.route('GET', '/api/v2/inbox', (req, res) => {
    const u = d.requireSession(req, res);
    if (!u) return;
    const page = Math.max(1, Number(req.query.get('page') ?? 1) || 1);
    const per = Math.min(50, Math.max(1, Number(req.query.get('per_page') ?? 20) || 20));
    const all = [...convs.values()].filter((c) => c.seller === u.id || c.buyer.id === u.id).sort((a, b) => b.updated - a.updated);
    d.json(res, 200, {
      conversations: all.slice((page - 1) * per, page * per).map((c) => {
        const it = d.item(c.item_id);
        const l = last(c);
        return {
          id: c.id, unread: c.unread, updated_at: new Date(c.updated).toISOString(), item_count: 1,
          description: l ? (l.kind === 'message' ? l.body : `Offre : ${l.price} ${l.currency}`) : '',
          opposite_user: c.seller === u.id ? { id: c.buyer.id, login: c.buyer.login } : { id: c.seller, login: 'seller' },
          item_id: c.item_id, item_title: it?.title ?? null,
        };
      }),
      pagination: { current_page: page, total_pages: Math.max(1, Math.ceil(all.length / per)), total_entries: all.length, per_page: per },
      code: 0,
    });
  });
  d.route('GET', '/api/v2/conversations/stats', (req, res) => {
    const u = d.requireSession(req, res);
    if (u) d.json(res, 200, { unread_count: [...convs.values()].filter((c) => c.seller === u.id && c.unread).length, code: 0 });
  });
  d.route('GET', '/api/v2/conversations/:id', (req, res, p) => {
    const m = mine(req, res, p.id);
    if (!m) return;
    const { c } = m;
    const it = d.item(c.item_id);
    d.json(res, 200, {
      conversation: {
        id: c.id, opposite_user: { id: c.buyer.id, login: c.buyer.login }, allow_reply: !!it && it.closing !== 'deleted',
        transaction: { id: c.tx, item_id: c.item_id, item_title: it?.title ?? null, price: it ? { amount: String(it.price), currency_code: it.currency } : null, status: it?.closing === 'sold' ? 'sold' : 'open' },
        messages: c.messages.map(shape),
      },
      code: 0,
    });
  });
  d.route('POST', '/api/v2/conversations/:id/replies', (req, res, p) => {
    const m = mine(req, res, p.id);
    if (!m) return;
    const body = d.bodyJson(req)?.reply?.body;
    if (typeof body !== 'string' || !body.trim()) return d.json(res, 400, { code: 99, message_code: 'validation_error', message: 'body', errors: [{ field: 'body', value: 'Écris un message' }] });
    if (body.length > 2000) return d.json(res, 400, { code: 99, message_code: 'validation_error', message: 'body', errors: [{ field: 'body', value: 'Message trop long' }] });
    const msg = push(m.c, { kind: 'message', user_id: m.u.id, body }, false);
    d.json(res, 200, { message: shape(msg), code: 0 });
  });
  d.route('PUT', '/api/v2/conversations/:id/mark_as_read', (req, res, p) => {
    const m = mine(req, res, p.id);
    if (!m) return;
    m.c.unread = false;
    d.json(res, 200, { code: 0 });
  });
  // reported: opening a conversation is refused to scripted clients
  d.route('POST', '/api/v2/conversations', (req, res) => {
    if (d.requireSession(req, res)) d.vintedError(res, 403, 106, 'access_denied', 'Accès refusé');
  });
  const txConv = (req: any, res: any, tx: string) => {
    const c = [...convs.values()].find((x) => x.tx === Number(tx));
    if (!c) { d.vintedError(res, 404, 104, 'not_found', 'Transaction introuvable'); return null; }
    return mine(req, res, String(c.id));
  };
  d.route('POST', '/api/v2/transactions/:tx/offers', (req, res, p) => {
    const m = txConv(req, res, p.tx);
    if (!m) return;
    const price = Number(d.bodyJson(req)?.offer?.price);
    if (!Number.isFinite(price) || price <= 0) return d.json(res, 400, { code: 99, message_code: 'validation_error', message: 'price', errors: [{ field: 'price', value: 'Prix invalide' }] });
    for (const x of m.c.messages) if (x.kind === 'offer' && x.status === 'pending') x.status = 'rejected';
    const offer = nextOffer++;
    const msg = push(m.c, { kind: 'offer', user_id: m.u.id, price, currency: String(d.bodyJson(req)?.offer?.currency ?? 'EUR'), status: 'pending', offer_id: offer }, false);
    d.json(res, 200, { offer_request: { id: offer, price: { amount: String(price), currency_code: msg.currency }, status: 'pending' }, code: 0 });
  });
  for (const action of ['accept', 'reject'] as const) {
    d.route('PUT', `/api/v2/transactions/:tx/offer_requests/:id/${action}`, (req, res, p) => {
      const m = txConv(req, res, p.tx);
      if (!m) return;
      const o = m.c.messages.find((x) => x.kind === 'offer' && x.offer_id === Number(p.id));
      if (!o) return d.vintedError(res, 404, 104, 'not_found', 'Offre introuvable');
      if (o.user_id === m.u.id) return d.vintedError(res, 403, 106, 'access_denied', 'Accès refusé');
      if (o.status !== 'pending') return d.json(res, 400, { code: 99, message_code: 'validation_error', message: 'offer', errors: [{ field: 'offer', value: 'Cette offre n’est plus valable' }] });
      o.status = action === 'accept' ? 'accepted' : 'rejected';
      m.c.updated = Date.now();
      d.json(res, 200, { offer_request: { id: o.offer_id, status: o.status }, code: 0 });
    });
  }

  // /__fake/inbox/write {item, buyer?, body} and /__fake/inbox/offer {item, buyer?, price}
  const control = (req: any, res: any): boolean => {
    if (req.method !== 'POST' || !req.path.startsWith('/__fake/inbox/')) return false;
    const b = d.bodyJson(req) ?? {};
    try {
      if (req.path === '/__fake/inbox/write') d.json(res, 200, { conversation: api.buyerWrites(b) });
      else if (req.path === '/__fake/inbox/offer') d.json(res, 200, api.buyerOffers(b));
      else return false;
    } catch (e) {
      d.json(res, 400, { error: (e as Error).message });
    }
    return true;
  };
  return { api, control };
}
