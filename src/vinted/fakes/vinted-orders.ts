// The fake Vinted's orders and bulk seeding (issue 14), registered from vinted.ts. From the contract:
// §1.8 web `my_orders` (X-Money-Object), transactions, shipment label URL; §2 Pro orders (int64 ids
// sent as strings, shipment label PDF, cancel). Every route sits behind the same failure switches as
// the rest of the fake (429, 5xx, captcha, expired session), applied before it. Conversations and
// offers (what a relist reads to spare an item with an open offer) are the inbox's: vinted-inbox.ts.
import http from 'node:http';

type Req = http.IncomingMessage & { body: Buffer; path: string; query: URLSearchParams; cookies: Record<string, string> };
type Res = http.ServerResponse;
type Handler = (req: Req, res: Res, params: Record<string, string>) => Promise<void> | void;
interface User { id: number; login: string }
interface ItemLike { id: number; uid: number; title: string; price: number; currency: string; catalog_id: number; brand_id: number | null; brand: string; status_id: number; is_reserved: boolean; closing: null | 'sold' | 'deleted'; views: number; favourites: number; created_at: string; photo_ids: number[]; size_id: number | null; description: string; color_ids: number[]; package_size_id: number; is_hidden: boolean; temp_uuid: string | null }

export interface FakeOrder {
  id: string;
  seller: number;
  buyer: number | null;
  buyer_login: string;
  item_id: number | null;
  title: string;
  price: number;
  currency: string;
  /** Vinted's word, kept as given (an unknown one too) */
  status: string;
  created_at: string;
  shipment_id: number | null;
  ship_by: string | null;
  pro: boolean;
  cancelled_reason?: string;
}

export interface OrdersHelpers {
  route(method: string, pattern: string, h: Handler): void;
  requireSession(req: Req, res: Res): User | null;
  proUser(req: Req, res: Res): User | null;
  json(res: Res, status: number, body: unknown, headers?: Record<string, string>): void;
  vintedError(res: Res, status: number, code: number, messageCode: string, message: string): void;
  bodyJson(req: Req): any;
  user(login?: string): User;
  items: Map<number, any>;
  nextItemId(): number;
  base(): string;
}

export interface FakeOrdersApi {
  addOrder(o: Partial<FakeOrder> & { login?: string; side?: 'sold' | 'purchased' }): FakeOrder;
  /** `listings` live items and `orders` sold ones for `login`, made directly (no photos): the bench's wardrobe */
  seed(o: { login?: string; listings: number; orders: number; catalogIds?: number[]; brands?: { id: number; title: string }[] }): { item_ids: number[]; order_ids: string[] };
  orders(): FakeOrder[];
}

export function registerOrders(h: OrdersHelpers): { api: FakeOrdersApi; control(req: Req, res: Res): Promise<boolean> } {
  const orders = new Map<string, FakeOrder>();
  let nextOrder = 7_300_000_001n;
  let nextShipment = 88_000_001;
  const dayMs = 86_400_000;

  const addOrder: FakeOrdersApi['addOrder'] = (o) => {
    const me = h.user(o.login);
    const side = o.side ?? 'sold';
    const other = h.user(o.buyer_login ?? (side === 'sold' ? 'fake-buyer' : 'fake-other-seller'));
    const id = o.id ?? String(nextOrder++);
    const status = o.status ?? 'shipping_pending';
    const order: FakeOrder = {
      id, seller: side === 'sold' ? me.id : other.id, buyer: side === 'sold' ? other.id : me.id, buyer_login: side === 'sold' ? other.login : me.login,
      item_id: o.item_id ?? null, title: o.title ?? 'Article', price: o.price ?? 10, currency: o.currency ?? 'EUR', status,
      created_at: o.created_at ?? new Date().toISOString(), shipment_id: o.shipment_id ?? nextShipment++,
      ship_by: o.ship_by !== undefined ? o.ship_by : new Date(Date.parse(o.created_at ?? new Date().toISOString()) + 5 * dayMs).toISOString(), pro: o.pro ?? false,
    };
    orders.set(id, order);
    if (order.item_id && side === 'sold') {
      const it = h.items.get(order.item_id);
      if (it && !['cancelled', 'refunded'].includes(status)) it.closing = 'sold';
    }
    return order;
  };

  const seed: FakeOrdersApi['seed'] = (o) => {
    const me = h.user(o.login);
    const cats = o.catalogIds?.length ? o.catalogIds : [5];
    const brands = o.brands?.length ? o.brands : [{ id: 53, title: "Levi's" }];
    const itemIds: number[] = [];
    const orderIds: string[] = [];
    const now = Date.now();
    for (let n = 0; n < o.listings; n++) {
      const id = h.nextItemId();
      const b = brands[n % brands.length];
      const created = new Date(now - ((n * 7919) % 365) * dayMs - (n % 24) * 3_600_000).toISOString();
      h.items.set(id, {
        id, uid: me.id, title: `Article ${n + 1} ${b.title}`, description: 'Très bon état, peu porté.', price: 5 + ((n * 37) % 120), currency: 'EUR',
        catalog_id: cats[n % cats.length], size_id: null, status_id: [6, 1, 2, 3, 4][n % 5], brand_id: b.id, brand: b.title, color_ids: [], package_size_id: 1,
        photo_ids: [], temp_uuid: null, is_hidden: false, is_reserved: false, closing: null, created_at: created, views: (n * 13) % 400, favourites: (n * 7) % 30,
      } satisfies ItemLike);
      itemIds.push(id);
    }
    for (let n = 0; n < Math.min(o.orders, itemIds.length); n++) {
      const it = h.items.get(itemIds[n])!;
      const at = new Date(Math.min(now, Date.parse(it.created_at) + ((n % 40) + 1) * dayMs)).toISOString();
      orderIds.push(addOrder({ login: o.login, side: 'sold', item_id: it.id, title: it.title, price: it.price, status: n % 10 === 0 ? 'shipping_pending' : 'completed', created_at: at }).id);
    }
    return { item_ids: itemIds, order_ids: orderIds };
  };

  // ---------- web (§1.8) ----------
  const webOrder = (o: FakeOrder) => ({
    transaction_id: Number(o.id), conversation_id: null, item_id: o.item_id, title: o.title, status: o.status,
    price: { amount: o.price.toFixed(2), currency_code: o.currency }, date: o.created_at, shipment_id: o.shipment_id,
    opposite_user: { login: o.buyer_login }, photo: null,
  });
  const phase = (s: string) => (['completed', 'delivered'].includes(s) ? 'completed' : ['cancelled', 'refunded'].includes(s) ? 'canceled' : 'in_progress');

  h.route('GET', '/api/v2/my_orders', (req, res) => {
    const u = h.requireSession(req, res);
    if (!u) return;
    const type = req.query.get('type') ?? 'sold';
    const status = req.query.get('status') ?? 'all';
    const page = Math.max(1, Number(req.query.get('page') ?? 1) || 1);
    const per = Math.min(100, Math.max(1, Number(req.query.get('per_page') ?? 20) || 20));
    const all = [...orders.values()].filter((o) => !o.pro && (type === 'purchased' ? o.buyer === u.id : o.seller === u.id) && (status === 'all' || phase(o.status) === status))
      .sort((a, b) => b.created_at.localeCompare(a.created_at));
    h.json(res, 200, {
      my_orders: all.slice((page - 1) * per, page * per).map(webOrder),
      pagination: { current_page: page, total_pages: Math.max(1, Math.ceil(all.length / per)), total_entries: all.length, per_page: per }, code: 0,
    });
  });

  h.route('GET', '/api/v2/transactions/:id', (req, res, p) => {
    const u = h.requireSession(req, res);
    if (!u) return;
    const o = orders.get(p.id);
    if (!o || (o.seller !== u.id && o.buyer !== u.id)) return h.vintedError(res, 404, 104, 'not_found', 'Transaction introuvable');
    h.json(res, 200, {
      transaction: { id: Number(o.id), status: o.status, item_id: o.item_id, offer: { price: { amount: o.price.toFixed(2), currency_code: o.currency } },
        shipment: o.shipment_id ? { id: o.shipment_id, status: o.status, shipping_deadline: o.ship_by } : null, buyer: { login: o.buyer_login } },
      code: 0,
    });
  });

  h.route('GET', '/api/v2/shipments/:id/label_url', (req, res, p) => {
    const u = h.requireSession(req, res);
    if (!u) return;
    const o = [...orders.values()].find((x) => String(x.shipment_id) === p.id && x.seller === u.id);
    if (!o) return h.vintedError(res, 404, 104, 'not_found', 'Envoi introuvable');
    h.json(res, 200, { label_url: `${h.base()}/__fake/labels/${o.shipment_id}.pdf`, code: 0 });
  });

  // ---------- Pro (§2) ----------
  const proOrder = (o: FakeOrder) => ({
    id: o.id, status: o.status, created_at: o.created_at, ship_by: o.ship_by, buyer: { login: o.buyer_login },
    items: [{ vinted_item_id: o.item_id, title: o.title, price: { amount: o.price.toFixed(2), currency_code: o.currency } }],
    total: { amount: o.price.toFixed(2), currency_code: o.currency }, shipment_id: o.shipment_id,
  });
  h.route('GET', '/api/v1/orders', (req, res) => {
    const u = h.proUser(req, res);
    if (!u) return;
    const after = req.query.get('after-id');
    const limit = Math.min(100, Math.max(1, Number(req.query.get('limit') ?? 100) || 100));
    const all = [...orders.values()].filter((o) => o.pro && o.seller === u.id).sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
    const from = after ? all.findIndex((o) => BigInt(o.id) > BigInt(after)) : 0;
    const page = from < 0 ? [] : all.slice(from, from + limit);
    h.json(res, 200, { orders: page.map(proOrder), has_more: from >= 0 && from + limit < all.length });
  });
  h.route('GET', '/api/v1/orders/:id', (req, res, p) => {
    const u = h.proUser(req, res);
    if (!u) return;
    const o = orders.get(p.id);
    if (!o || !o.pro || o.seller !== u.id) return h.json(res, 404, { error: { code: 'not_found', message: 'unknown order' } });
    h.json(res, 200, proOrder(o));
  });
  h.route('GET', '/api/v1/orders/:id/shipment-label', (req, res, p) => {
    const u = h.proUser(req, res);
    if (!u) return;
    const o = orders.get(p.id);
    if (!o || !o.pro || o.seller !== u.id) return h.json(res, 404, { error: { code: 'not_found', message: 'unknown order' } });
    res.writeHead(200, { 'content-type': 'application/pdf' }).end(labelPdf(o.id));
  });
  h.route('POST', '/api/v1/orders/:id/cancel', (req, res, p) => {
    const u = h.proUser(req, res);
    if (!u) return;
    const o = orders.get(p.id);
    if (!o || !o.pro || o.seller !== u.id) return h.json(res, 404, { error: { code: 'not_found', message: 'unknown order' } });
    const why = String(h.bodyJson(req)?.cancellation_reason_explanation ?? '');
    if (!why || why.length > 100) return h.json(res, 400, { error: { code: 'validation', message: 'cancellation_reason_explanation: 1 to 100 characters' } });
    if (['shipped', 'delivered', 'completed'].includes(o.status)) return h.json(res, 409, { error: { code: 'conflict', message: `order is ${o.status}` } });
    o.status = 'cancelled';
    o.cancelled_reason = why;
    h.json(res, 202, { status: 'accepted' });
  });

  const control = async (req: Req, res: Res): Promise<boolean> => {
    const p = req.path;
    if (p === '/__fake/orders' && req.method === 'POST') {
      h.json(res, 200, { order: addOrder(h.bodyJson(req) ?? {}) });
      return true;
    }
    if (p === '/__fake/seed' && req.method === 'POST') {
      const b = h.bodyJson(req) ?? {};
      h.json(res, 200, seed({ login: b.login, listings: Number(b.listings) || 0, orders: Number(b.orders) || 0, catalogIds: b.catalog_ids, brands: b.brands }));
      return true;
    }
    const lab = /^\/__fake\/labels\/(\d+)\.pdf$/.exec(p);
    if (lab && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/pdf' }).end(labelPdf(lab[1]));
      return true;
    }
    return false;
  };

  return { api: { addOrder, seed, orders: () => [...orders.values()] }, control };
}

/** A one-page PDF that says which shipment it is for. */
function labelPdf(ref: string): Buffer {
  const text = `BT /F1 18 Tf 40 100 Td (Etiquette ${ref.replace(/[()\\]/g, '')}) Tj ET`;
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${text.length} >>\nstream\n${text}\nendstream`, '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
