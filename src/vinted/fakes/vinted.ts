// A fake Vinted, built from ../shared/spec/vinted-contract.md (§1 web API, §2 Pro Integrations, §4 the
// checklist), for the tests and for trying the app offline: `atelier vinted fake-server --port N`.
// Real Vinted has not been exercised by the test suite; this is what the contract's public sources
// say it does, including the ways it fails (captcha, 429, expired or revoked session, HTML 403,
// validation error, 5xx, slow responses, timeouts), switched on through /__fake/*.
//
// Web: session cookies (JWT access/refresh tokens, rotating refresh), CSRF from /items/new, photos,
// item create/read/edit/hide/delete, wardrobe pages, lookups (catalogs, colours, conditions, sizes,
// brands). Pro: HMAC-signed /api/v1, asynchronous CreateItems (202, photos fetched from photo_urls,
// status poll, signed webhooks), 500 item slots. Routes live in one table (ROUTES) so that inbox,
// offers and orders can be added the same way.
import http from 'node:http';
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { Taxonomy, snapshotTaxonomy, type TaxonomyData } from '../catalogue/taxonomy.ts';
import { signWebhook, verifyRequest } from '../vinted-api/hmac.ts';

export type FakeMode = 'captcha' | 'html403' | 'cloudflare' | 'rate_limit' | 'validation' | 'server_error' | 'slow' | 'timeout' | 'hang_after' | 'access_denied';

export interface ModeRule {
  mode: FakeMode;
  /** how many matching requests it applies to (default: until cleared) */
  count?: number;
  /** which requests: writes (POST/PUT/DELETE on the APIs), reads (GET on the APIs), or all (default) */
  scope?: 'write' | 'read' | 'all';
  /** only requests whose path matches this regular expression */
  path?: string;
  retry_after?: number;
  delay_ms?: number;
  status?: number;
  errors?: { field: string; value: string }[];
}

export interface FakeConfig {
  photo_max_bytes: number;
  photo_max_edge: number;
  slot_limit: number;
  pro_delay_ms: number;
  access_ttl_s: number;
}

interface User { id: number; login: string; anon_id: string }
interface Photo { id: number; uid: number; temp_uuid: string; size: number; width: number; height: number; exif: boolean; bytes: Buffer; sha256: string }
interface Item {
  id: number; uid: number; title: string; description: string; price: number; currency: string; catalog_id: number;
  size_id: number | null; status_id: number; brand_id: number | null; brand: string; color_ids: number[]; package_size_id: number;
  photo_ids: number[]; temp_uuid: string | null; is_hidden: boolean; is_reserved: boolean; closing: null | 'sold' | 'deleted';
  created_at: string; views: number; favourites: number; pro_ref?: string | null;
}
interface ProItem { uuid: string; uid: number; reference: string | null; status: 'IN_PROGRESS' | 'SUCCESS' | 'FAILURE'; vinted_item_id: number | null; errors: { field: string; message: string }[]; kind: 'create' | 'update' | 'delete' }
interface Webhook { id: string; uid: number; url: string; event_types: string[]; signing_key: string }

export interface FakeStats {
  photos: number; items: number; deleted: number; requests: number;
  creates: number; photo_requests: number; refreshes: number; pro_items: number; webhooks_sent: number; blocked: number;
}

export interface FakeVinted {
  url: string;
  stats(): FakeStats;
  /** a new web session for `login` (created on first use): the Netscape cookie file's text */
  session(login?: string): string;
  /** a Pro token "<access_key>,<signing_key>" for `login` */
  proToken(login?: string): string;
  setMode(rule: ModeRule | null): void;
  configure(c: Partial<FakeConfig>): void;
  expireTokens(): void;
  revokeSessions(): void;
  items(): Item[];
  photos(): Photo[];
  setItemState(id: number, state: 'sold' | 'reserved' | 'live' | 'deleted'): boolean;
  close(): Promise<void>;
}

type Req = http.IncomingMessage & { body: Buffer; path: string; query: URLSearchParams; cookies: Record<string, string> };
type Res = http.ServerResponse;
type Handler = (req: Req, res: Res, params: Record<string, string>) => Promise<void> | void;

const json = (res: Res, status: number, body: unknown, headers: Record<string, string | string[]> = {}) => {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
};
const vintedError = (res: Res, status: number, code: number, messageCode: string, message: string, extra: Record<string, unknown> = {}) =>
  json(res, status, { code, message_code: messageCode, message, ...extra });

function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of (header ?? '').split(/;\s*/)) {
    const eq = p.indexOf('=');
    if (eq > 0) out[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
  }
  return out;
}

const slug = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);

export async function startFakeVinted(o: { port?: number; host?: string; taxonomy?: TaxonomyData; config?: Partial<FakeConfig> } = {}): Promise<FakeVinted> {
  const tax = o.taxonomy ? new Taxonomy(o.taxonomy) : snapshotTaxonomy();
  const secret = crypto.randomBytes(32);
  const csrf = crypto.randomUUID();
  const config: FakeConfig = { photo_max_bytes: 8 * 1024 * 1024, photo_max_edge: 8000, slot_limit: 500, pro_delay_ms: 150, access_ttl_s: 7200, ...o.config };
  const users = new Map<string, User>();
  const access = new Map<string, { uid: number; exp: number; revoked: boolean }>();
  const refresh = new Map<string, { uid: number; used: boolean; revoked: boolean }>();
  const pro = new Map<string, { uid: number; signingKey: string }>();
  const photos = new Map<number, Photo>();
  const items = new Map<number, Item>();
  const proItems = new Map<string, ProItem>();
  const webhooks: Webhook[] = [];
  let rules: (ModeRule & { left: number })[] = [];
  let nextUser = 1001;
  let nextPhoto = 900_000_001;
  let nextItem = 4_821_000_001;
  const stats = { photos: 0, deleted: 0, requests: 0, creates: 0, photo_requests: 0, refreshes: 0, webhooks_sent: 0, blocked: 0 };
  let base = '';
  const hanging = new Set<Res>();

  const user = (login = 'fake-seller'): User => {
    let u = users.get(login);
    if (!u) users.set(login, (u = { id: nextUser++, login, anon_id: crypto.randomUUID() }));
    return u;
  };
  const userById = (id: number) => [...users.values()].find((u) => u.id === id)!;

  // tokens look like Vinted's: JWTs with sub, anid, account_id, aud, client_id, exp
  const jwt = (claims: Record<string, unknown>) => {
    const enc = (x: unknown) => Buffer.from(JSON.stringify(x)).toString('base64url');
    const head = enc({ alg: 'HS256', typ: 'JWT' });
    const body = enc(claims);
    return `${head}.${body}.${crypto.createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url')}`;
  };
  const issue = (u: User) => {
    const now = Math.floor(Date.now() / 1000);
    const a = jwt({ sub: String(u.id), anid: u.anon_id, account_id: u.id, aud: 'fr.core.api', client_id: 'web', exp: now + config.access_ttl_s, jti: crypto.randomUUID() });
    const r = jwt({ sub: String(u.id), aud: 'fr.core.api', client_id: 'web', exp: now + 7 * 86400, jti: crypto.randomUUID() });
    access.set(a, { uid: u.id, exp: (now + config.access_ttl_s) * 1000, revoked: false });
    refresh.set(r, { uid: u.id, used: false, revoked: false });
    return { access: a, refresh: r };
  };

  const cookieFile = (u: User) => {
    const t = issue(u);
    const exp = Math.floor(Date.now() / 1000) + 7 * 86400;
    const host = new URL(base).hostname;
    const rows: [string, string][] = [
      ['access_token_web', t.access], ['refresh_token_web', t.refresh], ['anon_id', u.anon_id],
      ['_vinted_fr_session', crypto.randomBytes(24).toString('hex')], ['datadome', crypto.randomBytes(32).toString('base64url')],
      ['v_udt', crypto.randomBytes(16).toString('base64url')], ['anonymous-locale', 'fr'],
    ];
    return ['# Netscape HTTP Cookie File', '# exported from the fake Vinted', ...rows.map(([n, v]) => `${host}\tFALSE\t/\tFALSE\t${exp}\t${n}\t${v}`)].join('\n') + '\n';
  };

  /** the session user of a web API request, or null (bearer header or access_token_web cookie) */
  const sessionUser = (req: Req): User | null => {
    const h = req.headers.authorization;
    const token = h?.startsWith('Bearer ') ? h.slice(7) : req.cookies.access_token_web;
    const a = token ? access.get(token) : undefined;
    if (!a || a.revoked || a.exp <= Date.now()) return null;
    return userById(a.uid);
  };

  const isApi = (p: string) => p.startsWith('/api/') || p.startsWith('/web/api/') || p.startsWith('/items/');

  // ---------- failure modes ----------
  const matchRule = (req: Req) => {
    if (!isApi(req.path)) return null;
    const write = req.method !== 'GET' && req.method !== 'HEAD';
    for (const r of rules) {
      if (r.left <= 0) continue;
      if (r.scope === 'write' && !write) continue;
      if (r.scope === 'read' && write) continue;
      if (r.path && !new RegExp(r.path).test(req.path)) continue;
      // a validation error is what an item creation answers, not a photo upload
      if (r.mode === 'validation' && !(req.method === 'POST' && req.path === '/api/v2/item_upload/items')) continue;
      r.left--;
      return r;
    }
    return null;
  };

  const applyRule = async (r: ModeRule, res: Res): Promise<boolean> => {
    switch (r.mode) {
      case 'captcha': {
        stats.blocked++;
        const cid = crypto.randomBytes(12).toString('hex');
        json(res, 403, { url: `https://geo.captcha-delivery.com/captcha/?initialCid=${cid}&cid=${cid}&hash=FAKE&t=fe&referer=${encodeURIComponent(base)}&s=1&e=${cid}` },
          { 'x-dd-b': '1', 'x-datadome-cid': cid, 'x-datadome': 'protected' });
        return true;
      }
      case 'html403':
        stats.blocked++;
        res.writeHead(403, { 'content-type': 'text/html; charset=utf-8' })
          .end(`<html><head><title>vinted.fr</title></head><body><script>var dd={'cid':'${crypto.randomBytes(8).toString('hex')}','hsh':'FAKE','t':'fe','host':'geo.captcha-delivery.com'}</script></body></html>`);
        return true;
      case 'cloudflare':
        stats.blocked++;
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>Checking your browser</body></html>');
        return true;
      case 'access_denied':
        vintedError(res, 403, 106, 'access_denied', 'Accès refusé');
        return true;
      case 'rate_limit':
        json(res, 429, { code: 429, message: 'Too Many Requests' }, r.retry_after !== undefined ? { 'retry-after': String(r.retry_after) } : {});
        return true;
      case 'server_error':
        json(res, r.status ?? 503, { code: 105, message_code: 'server_error', message: 'Service temporarily unavailable' });
        return true;
      case 'slow':
        await new Promise((x) => setTimeout(x, r.delay_ms ?? 2000));
        return false;
      case 'timeout':
        hanging.add(res);
        return true; // never answered (until the server closes)
      default:
        return false; // validation / hang_after: applied by the handler
    }
  };

  // ---------- web API ----------
  const requireSession = (req: Req, res: Res): User | null => {
    const u = sessionUser(req);
    if (!u) {
      vintedError(res, 401, 100, 'invalid_authentication_token', "Jeton d'authentification invalide");
      return null;
    }
    const write = req.method !== 'GET';
    if (write && req.headers['x-csrf-token'] !== csrf) {
      vintedError(res, 403, 106, 'access_denied', 'Accès refusé');
      return null;
    }
    return u;
  };

  const bodyJson = (req: Req): any => {
    try {
      return req.body.length ? JSON.parse(req.body.toString('utf8')) : {};
    } catch {
      return null;
    }
  };

  const validateItem = (u: User | null, it: any): { field: string; value: string }[] => {
    const errors: { field: string; value: string }[] = [];
    const len = (v: unknown) => (typeof v === 'string' ? [...v.trim()].length : 0);
    if (len(it?.title) < 5 || len(it?.title) > 100) errors.push({ field: 'title', value: 'Le titre doit contenir entre 5 et 100 caractères' });
    if (len(it?.description) < 5 || len(it?.description) > 2000) errors.push({ field: 'description', value: 'La description doit contenir entre 5 et 2000 caractères' });
    const catalogId = Number(it?.catalog_id);
    if (!tax.catalog(catalogId) || !tax.isLeaf(catalogId)) errors.push({ field: 'category', value: 'Sélectionne une catégorie' });
    if (!(typeof it?.price === 'number' || typeof it?.price === 'string') || !(Number(it.price) >= 1)) errors.push({ field: 'price', value: 'Indique un prix' });
    if (it?.currency !== undefined && !['EUR', 'GBP'].includes(it.currency)) errors.push({ field: 'price', value: 'Devise inconnue' });
    if (!(Number(it?.brand_id) > 0) && !(typeof it?.brand === 'string' && it.brand.trim())) errors.push({ field: 'brand', value: 'Indique la marque' });
    // size and condition: the flat field or the attribute, either satisfies (contract §1.4)
    const attr = (code: string) => (Array.isArray(it?.item_attributes) ? it.item_attributes.find((a: any) => a?.code === code)?.ids?.[0] : undefined);
    const sizeId = Number(it?.size_id ?? attr('size'));
    const group = tax.catalog(catalogId) ? tax.sizeGroupOf(catalogId) : null;
    if (group && !group.sizes.some((s) => s.id === sizeId)) errors.push({ field: 'size', value: 'Indique la taille' });
    const statusId = Number(it?.status_id ?? attr('condition'));
    if (!tax.data.conditions.some((c) => c.id === statusId)) errors.push({ field: 'condition', value: "Indique l'état" });
    if (!tax.data.package_sizes.some((p) => p.id === Number(it?.package_size_id))) errors.push({ field: 'package_size', value: 'Sélectionne le format de ton colis' });
    const colorIds: unknown[] = Array.isArray(it?.color_ids) ? it.color_ids : [];
    if (colorIds.length > 2 || colorIds.some((c) => !tax.data.colors.some((x) => x.id === Number(c)))) errors.push({ field: 'color', value: 'Choisis au plus deux couleurs' });
    if (u) {
      const assigned: any[] = Array.isArray(it?.assigned_photos) ? it.assigned_photos : [];
      if (!assigned.length || assigned.length > 20 || assigned.some((p) => photos.get(Number(p?.id))?.uid !== u.id)) {
        errors.push({ field: 'photos', value: 'Ajoute au moins une photo' });
      }
    }
    return errors;
  };

  const itemUrl = (i: Item) => `${base}/items/${i.id}-${slug(i.title)}`;
  const photoUrl = (id: number) => `${base}/__fake/photos/${id}.jpeg`;
  const live = (i: Item) => i.closing === null;
  const editorShape = (i: Item) => ({
    id: i.id, title: i.title, description: i.description, brand_id: i.brand_id, brand_dto: i.brand_id ? { id: i.brand_id, title: tax.data.brands.find((b) => b.id === i.brand_id)?.title ?? i.brand } : null,
    catalog_id: i.catalog_id, size_id: i.size_id, status_id: i.status_id, color1_id: i.color_ids[0] ?? null, color2_id: i.color_ids[1] ?? null,
    package_size_id: i.package_size_id, price: { amount: i.price.toFixed(2), currency_code: i.currency }, is_unisex: false, isbn: null,
    item_attributes: [{ code: 'size', ids: i.size_id ? [i.size_id] : [] }, { code: 'condition', ids: [i.status_id] }],
    photos: i.photo_ids.map((id, n) => ({ id, url: photoUrl(id), full_size_url: photoUrl(id), image_no: n + 1 })), is_draft: false, url: itemUrl(i),
  });
  const wardrobeShape = (i: Item) => ({
    id: i.id, title: i.title, price: { amount: i.price.toFixed(2), currency_code: i.currency }, url: itemUrl(i),
    photos: i.photo_ids.map((id) => ({ id, url: photoUrl(id) })), photo: i.photo_ids[0] ? { id: i.photo_ids[0], url: photoUrl(i.photo_ids[0]) } : null,
    view_count: i.views, favourite_count: i.favourites, is_closed: i.closing === 'sold', is_hidden: i.is_hidden, is_reserved: i.is_reserved,
    is_draft: false, item_closing_action: i.closing, created_at_ts: i.created_at,
  });

  const applyItem = (i: Item, it: any) => {
    const attr = (code: string) => (Array.isArray(it?.item_attributes) ? it.item_attributes.find((a: any) => a?.code === code)?.ids?.[0] : undefined);
    i.title = String(it.title).trim();
    i.description = String(it.description).trim();
    i.price = Number(it.price);
    i.currency = it.currency ?? 'EUR';
    i.catalog_id = Number(it.catalog_id);
    i.size_id = Number(it.size_id ?? attr('size')) || null;
    i.status_id = Number(it.status_id ?? attr('condition'));
    i.brand_id = Number(it.brand_id) || null;
    i.brand = typeof it.brand === 'string' ? it.brand : '';
    i.color_ids = (it.color_ids ?? []).map(Number);
    i.package_size_id = Number(it.package_size_id);
    if (Array.isArray(it.assigned_photos)) i.photo_ids = it.assigned_photos.map((p: any) => Number(p.id));
  };

  const ownItem = (req: Req, res: Res, u: User, id: string): Item | null => {
    const i = items.get(Number(id));
    if (!i || i.closing === 'deleted') {
      vintedError(res, 404, 104, 'not_found', 'Article introuvable');
      return null;
    }
    if (i.uid !== u.id) {
      vintedError(res, 403, 106, 'access_denied', 'Accès refusé');
      return null;
    }
    return i;
  };

  const wardrobe = (res: Res, req: Req, uid: number) => {
    const page = Math.max(1, Number(req.query.get('page') ?? 1) || 1);
    const per = Math.min(96, Math.max(1, Number(req.query.get('per_page') ?? 20) || 20));
    const all = [...items.values()].filter((i) => i.uid === uid && i.closing !== 'deleted').sort((a, b) => b.id - a.id);
    json(res, 200, {
      items: all.slice((page - 1) * per, page * per).map(wardrobeShape),
      pagination: { current_page: page, total_pages: Math.max(1, Math.ceil(all.length / per)), total_entries: all.length, per_page: per },
      code: 0,
    });
  };

  // ---------- Pro API ----------
  const proUser = (req: Req, res: Res): User | null => {
    const key = String(req.headers['x-vpi-access-key'] ?? '');
    const p = pro.get(key);
    const pathAndQuery = req.url!;
    if (!p || !verifyRequest({ header: req.headers['x-vpi-hmac-sha256'] as string | undefined, method: req.method!, pathAndQuery, accessKey: key, signingKey: p.signingKey, body: req.body.toString('utf8') })) {
      json(res, 401, { error: { code: 'unauthorized', message: 'invalid access key or signature' } });
      return null;
    }
    return userById(p.uid);
  };

  const sendWebhooks = async (uid: number, event: string, payload: Record<string, unknown>) => {
    for (const w of webhooks.filter((x) => x.uid === uid && (!x.event_types.length || x.event_types.includes(event)))) {
      const body = JSON.stringify({ event, created_at: new Date().toISOString(), payload });
      try {
        await fetch(w.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-vpi-webhook-hmac-sha256': signWebhook(w.signing_key, body) }, body, signal: AbortSignal.timeout(5000) });
        stats.webhooks_sent++;
      } catch { /* the receiver is down: Vinted would retry; the status poll still answers */ }
    }
  };

  const processPro = async (p: ProItem, it: any) => {
    await new Promise((r) => setTimeout(r, config.pro_delay_ms));
    const errors = validateItem(null, it).map((e) => ({ field: e.field, message: e.value }));
    const urls: string[] = Array.isArray(it?.photo_urls) ? it.photo_urls : [];
    if (!urls.length || urls.length > 20) errors.push({ field: 'photo_urls', message: 'between 1 and 20 photo URLs' });
    const photoIds: number[] = [];
    // Vinted fetches the photos itself: a URL it cannot read fails the item
    for (const u of errors.length ? [] : urls) {
      try {
        const r = await fetch(u, { signal: AbortSignal.timeout(5000) });
        const bytes = Buffer.from(await r.arrayBuffer());
        if (!r.ok) throw new Error(`HTTP ${r.status}`);
        const meta = await sharp(bytes).metadata();
        const id = nextPhoto++;
        photos.set(id, { id, uid: p.uid, temp_uuid: p.uuid, size: bytes.length, width: meta.width ?? 0, height: meta.height ?? 0, exif: !!meta.exif, bytes, sha256: crypto.createHash('sha256').update(bytes).digest('hex') });
        stats.photos++;
        photoIds.push(id);
      } catch (e) {
        errors.push({ field: 'photo_urls', message: `cannot fetch ${u.split('?')[0]}: ${(e as Error).message}` });
        break;
      }
    }
    if (errors.length) {
      p.status = 'FAILURE';
      p.errors = errors;
      await sendWebhooks(p.uid, 'CREATE_ITEM_FAILURE', { item_id: p.uuid, item_reference: p.reference, errors });
      return;
    }
    const i: Item = {
      id: nextItem++, uid: p.uid, title: '', description: '', price: 0, currency: 'EUR', catalog_id: 0, size_id: null, status_id: 0, brand_id: null, brand: '',
      color_ids: [], package_size_id: 0, photo_ids: photoIds, temp_uuid: null, is_hidden: Boolean(it.is_draft), is_reserved: false, closing: null,
      created_at: new Date().toISOString(), views: 0, favourites: 0, pro_ref: p.uuid,
    };
    applyItem(i, { ...it, assigned_photos: undefined });
    items.set(i.id, i);
    stats.creates++;
    p.status = 'SUCCESS';
    p.vinted_item_id = i.id;
    await sendWebhooks(p.uid, 'CREATE_ITEM_SUCCESS', { item_id: p.uuid, item_reference: p.reference, vinted_item_id: i.id, url: itemUrl(i) });
  };

  const proStatus = (p: ProItem) => ({
    item_id: p.uuid, item_reference: p.reference, status: p.status, vinted_item_id: p.vinted_item_id,
    url: p.vinted_item_id ? itemUrl(items.get(p.vinted_item_id)!) : null, errors: p.errors,
  });

  // ---------- the route table ----------
  const ROUTES: [string, RegExp, Handler][] = [];
  const route = (method: string, pattern: string, h: Handler) => {
    ROUTES.push([method, new RegExp(`^${pattern.replace(/:(\w+)/g, '(?<$1>[^/]+)')}$`), h]);
  };

  route('GET', '/items/new', (req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      .end(`<!DOCTYPE html><html><head><meta name="accept-language" content="fr-FR"></head><body><div id="__next"></div><script>self.__next_f.push([1,"{\\"CSRF_TOKEN\\":\\"${csrf}\\",\\"ANON_ID\\":\\"x\\"}"])</script></body></html>`);
  });

  route('POST', '/web/api/auth/refresh', (req, res) => {
    const r = req.cookies.refresh_token_web;
    if (!r || !req.cookies.access_token_web) return void res.writeHead(400).end();
    const t = refresh.get(r);
    if (!t || t.used || t.revoked) return vintedError(res, 401, 100, 'invalid_authentication_token', "Jeton d'authentification invalide");
    t.used = true; // single use: the previous refresh token dies
    stats.refreshes++;
    const next = issue(userById(t.uid));
    json(res, 200, { access_token: next.access }, {
      'set-cookie': [`access_token_web=${next.access}; Path=/; Max-Age=${config.access_ttl_s}; Secure; HttpOnly`, `refresh_token_web=${next.refresh}; Path=/; Max-Age=${7 * 86400}; Secure; HttpOnly`],
    });
  });

  route('GET', '/api/v2/users/current', (req, res) => {
    const u = requireSession(req, res);
    if (u) json(res, 200, { user: { id: u.id, login: u.login, business: false, locale: 'fr' }, code: 0 });
  });

  route('POST', '/api/v2/photos', async (req, res) => {
    const u = requireSession(req, res);
    if (!u) return;
    stats.photo_requests++;
    let form: FormData;
    try {
      form = await new Response(new Uint8Array(req.body), { headers: { 'content-type': String(req.headers['content-type'] ?? '') } }).formData();
    } catch {
      return vintedError(res, 400, 50, 'photo_upload_error', 'Photo illisible');
    }
    const file = form.get('photo[file]');
    if (!(file instanceof Blob)) return vintedError(res, 400, 50, 'photo_upload_error', 'Aucune photo reçue');
    const bytes = Buffer.from(await file.arrayBuffer());
    if (bytes.length > config.photo_max_bytes) return vintedError(res, 400, 50, 'photo_upload_error', 'La photo est trop lourde');
    let meta: Awaited<ReturnType<ReturnType<typeof sharp>["metadata"]>>;
    try {
      meta = await sharp(bytes).metadata();
    } catch {
      return vintedError(res, 400, 50, 'photo_upload_error', 'Format de photo non pris en charge');
    }
    if ((meta.width ?? 0) > config.photo_max_edge || (meta.height ?? 0) > config.photo_max_edge) return vintedError(res, 400, 51, 'photo_dimensions_too_big', 'Les dimensions de la photo sont trop grandes');
    const id = nextPhoto++;
    const tempUuid = String(form.get('photo[temp_uuid]') ?? '');
    photos.set(id, { id, uid: u.id, temp_uuid: tempUuid, size: bytes.length, width: meta.width ?? 0, height: meta.height ?? 0, exif: !!meta.exif, bytes, sha256: crypto.createHash('sha256').update(bytes).digest('hex') });
    stats.photos++;
    json(res, 200, { id, temp_uuid: tempUuid, url: photoUrl(id), width: meta.width, height: meta.height, thumbnails: [{ type: 'thumb70x100', url: photoUrl(id) }], code: 0 });
  });

  route('GET', '/api/v2/photos', (req, res) => {
    const u = requireSession(req, res);
    if (!u) return;
    const t = req.query.get('temp_uuid');
    const list = [...photos.values()].filter((p) => p.uid === u.id && (!t || p.temp_uuid === t)).map((p) => ({ id: p.id, temp_uuid: p.temp_uuid, url: photoUrl(p.id) }));
    json(res, 200, { photos: list, code: 0 });
  });

  route('POST', '/api/v2/item_upload/items', (req, res, _p) => {
    const u = requireSession(req, res);
    if (!u) return;
    const body = bodyJson(req);
    if (!body?.item) return vintedError(res, 400, 99, 'validation_error', 'Requête invalide', { errors: [{ field: 'item', value: 'Article manquant' }] });
    const forced = (req as any).forcedValidation as ModeRule | undefined;
    const errors = forced ? (forced.errors ?? [{ field: 'brand', value: 'Cette marque est indisponible' }, { field: 'price', value: 'Le prix est trop bas pour cette catégorie' }]) : validateItem(u, body.item);
    if (errors.length) return vintedError(res, 400, 99, 'validation_error', 'Certains champs sont invalides', { errors });
    const i: Item = {
      id: nextItem++, uid: u.id, title: '', description: '', price: 0, currency: 'EUR', catalog_id: 0, size_id: null, status_id: 0, brand_id: null, brand: '',
      color_ids: [], package_size_id: 0, photo_ids: [], temp_uuid: body.item.temp_uuid ?? null, is_hidden: false, is_reserved: false, closing: null,
      created_at: new Date().toISOString(), views: 0, favourites: 0,
    };
    applyItem(i, body.item);
    items.set(i.id, i);
    stats.creates++;
    json(res, 200, { item: { ...body.item, id: i.id, url: itemUrl(i), is_draft: false, temp_uuid: i.temp_uuid }, code: 0 });
  });

  route('GET', '/api/v2/item_upload/items/:id', (req, res, p) => {
    const u = requireSession(req, res);
    const i = u && ownItem(req, res, u, p.id);
    if (i) json(res, 200, { item: editorShape(i), code: 0 });
  });

  route('PUT', '/api/v2/item_upload/items/:id', (req, res, p) => {
    const u = requireSession(req, res);
    const i = u && ownItem(req, res, u, p.id);
    if (!i || !u) return;
    const body = bodyJson(req);
    const merged = { ...editorShape(i), price: i.price, assigned_photos: i.photo_ids.map((id) => ({ id })), ...(body?.item ?? {}) };
    const errors = validateItem(u, merged);
    if (errors.length) return vintedError(res, 400, 99, 'validation_error', 'Certains champs sont invalides', { errors });
    applyItem(i, merged);
    json(res, 200, { item: editorShape(i), code: 0 });
  });

  const del: Handler = (req, res, p) => {
    const u = requireSession(req, res);
    const i = u && ownItem(req, res, u, p.id);
    if (!i) return;
    i.closing = 'deleted';
    stats.deleted++;
    json(res, 200, { code: 0 });
  };
  route('POST', '/api/v2/items/:id/delete', del);
  route('DELETE', '/api/v2/items/:id', del);

  route('PUT', '/api/v2/items/:id/is_hidden', (req, res, p) => {
    const u = requireSession(req, res);
    const i = u && ownItem(req, res, u, p.id);
    if (!i) return;
    const body = bodyJson(req);
    if (typeof body?.is_hidden !== 'boolean') return vintedError(res, 400, 99, 'validation_error', 'is_hidden manquant', { errors: [{ field: 'is_hidden', value: 'obligatoire' }] });
    i.is_hidden = body.is_hidden;
    json(res, 200, { code: 0 });
  });

  route('GET', '/api/v2/wardrobe/:uid/items', (req, res, p) => {
    if (requireSession(req, res)) wardrobe(res, req, Number(p.uid));
  });
  route('GET', '/api/v2/users/:uid/items', (req, res, p) => {
    if (requireSession(req, res)) wardrobe(res, req, Number(p.uid));
  });

  // lookups
  route('GET', '/api/v2/item_upload/catalogs', (req, res) => {
    if (requireSession(req, res)) json(res, 200, { catalogs: tax.data.catalogs, code: 0 });
  });
  route('GET', '/api/v2/item_upload/colors', (req, res) => {
    if (requireSession(req, res)) json(res, 200, { colors: tax.data.colors, code: 0 });
  });
  route('GET', '/api/v2/item_upload/conditions', (req, res) => {
    if (requireSession(req, res)) json(res, 200, { conditions: tax.data.conditions.map((c) => ({ ...c, explanation: '' })), code: 0 });
  });
  route('GET', '/api/v2/size_groups', (req, res) => {
    if (!requireSession(req, res)) return;
    const ids = (req.query.get('catalog_ids') ?? '').split(',').map(Number).filter(Boolean);
    const groups = new Map<number, unknown>();
    for (const id of ids) {
      const g = tax.sizeGroupOf(id);
      if (g) groups.set(g.id, g);
    }
    json(res, 200, { size_groups: ids.length ? [...groups.values()] : tax.data.size_groups, code: 0 });
  });
  route('GET', '/api/v2/item_upload/brands', (req, res) => {
    if (!requireSession(req, res)) return;
    const k = (req.query.get('keyword') ?? '').toLowerCase();
    json(res, 200, { brands: k ? tax.data.brands.filter((b) => b.id !== tax.data.no_brand_id && b.title.toLowerCase().includes(k)).slice(0, 20) : [], disable_custom_brands: false, code: 0 });
  });
  route('GET', '/api/v2/item_upload/catalogs/search', (req, res) => {
    if (!requireSession(req, res)) return;
    json(res, 200, { catalog_ids: tax.search(req.query.get('keyword') ?? '').map((n) => n.id), code: 0 });
  });

  // Pro Integrations
  route('GET', '/api/v1/ontologies', (req, res) => {
    if (!proUser(req, res)) return;
    json(res, 200, { enumerations: { catalogs: tax.data.catalogs, statuses: tax.data.conditions, package_sizes: tax.data.package_sizes, colors: tax.data.colors, size_groups: tax.data.size_groups } });
  });
  route('POST', '/api/v1/items', (req, res) => {
    const u = proUser(req, res);
    if (!u) return;
    const body = bodyJson(req);
    const list: any[] = Array.isArray(body?.items) ? body.items : [];
    if (!list.length || list.length > 100) return json(res, 400, { error: { code: 'invalid_request', message: 'items: between 1 and 100' } });
    const active = [...items.values()].filter((i) => i.uid === u.id && live(i)).length + [...proItems.values()].filter((p) => p.uid === u.id && p.status === 'IN_PROGRESS' && p.kind === 'create').length;
    if (active + list.length > config.slot_limit) {
      return json(res, 422, { error: { code: 'insufficient_slots', message: `not enough free item slots: ${Math.max(0, config.slot_limit - active)} free, ${list.length} requested`, details: { free_slots: Math.max(0, config.slot_limit - active), slot_limit: config.slot_limit } } });
    }
    const out = list.map((it) => {
      const p: ProItem = { uuid: crypto.randomUUID(), uid: u.id, reference: it?.item_reference ?? null, status: 'IN_PROGRESS', vinted_item_id: null, errors: [], kind: 'create' };
      proItems.set(p.uuid, p);
      void processPro(p, it);
      return { item_id: p.uuid, item_reference: p.reference };
    });
    json(res, 202, { items: out });
  });
  route('GET', '/api/v1/items/:uuid/status', (req, res, p) => {
    const u = proUser(req, res);
    if (!u) return;
    const x = proItems.get(p.uuid);
    if (!x || x.uid !== u.id) return json(res, 404, { error: { code: 'not_found', message: 'unknown item' } });
    json(res, 200, proStatus(x));
  });
  route('GET', '/api/v1/items', (req, res) => {
    const u = proUser(req, res);
    if (!u) return;
    const limit = Math.min(100, Math.max(1, Number(req.query.get('limit') ?? 50) || 50));
    const after = req.query.get('after_item_id');
    const all = [...proItems.values()].filter((x) => x.uid === u.id && x.kind === 'create');
    const start = after ? all.findIndex((x) => x.uuid === after) + 1 : 0;
    const page = all.slice(start, start + limit).map((x) => {
      const i = x.vinted_item_id ? items.get(x.vinted_item_id) : undefined;
      return { ...proStatus(x), title: i?.title ?? null, price: i ? { amount: i.price.toFixed(2), currency_code: i.currency } : null, is_hidden: i?.is_hidden ?? false, is_closed: i?.closing === 'sold', item_closing_action: i?.closing ?? null, view_count: i?.views ?? 0, favourite_count: i?.favourites ?? 0 };
    });
    json(res, 200, { items: page, has_more: start + limit < all.length });
  });
  route('DELETE', '/api/v1/items', async (req, res) => {
    const u = proUser(req, res);
    if (!u) return;
    const body = bodyJson(req);
    for (const uuid of Array.isArray(body?.item_ids) ? body.item_ids : []) {
      const x = proItems.get(String(uuid));
      const i = x?.uid === u.id && x.vinted_item_id ? items.get(x.vinted_item_id) : undefined;
      if (i && i.closing === null) {
        i.closing = 'deleted';
        stats.deleted++;
        void sendWebhooks(u.id, 'DELETE_ITEM_SUCCESS', { item_id: x!.uuid, vinted_item_id: i.id });
      }
    }
    json(res, 202, { status: 'accepted' });
  });
  route('PUT', '/api/v1/items', (req, res) => {
    const u = proUser(req, res);
    if (!u) return;
    const body = bodyJson(req);
    for (const it of Array.isArray(body?.items) ? body.items : []) {
      const x = proItems.get(String(it?.item_id));
      const i = x?.uid === u.id && x.vinted_item_id ? items.get(x.vinted_item_id) : undefined;
      if (i && validateItem(null, it).length === 0) {
        applyItem(i, { ...it, assigned_photos: undefined });
        i.is_hidden = Boolean(it.is_draft);
        void sendWebhooks(u.id, 'UPDATE_ITEM_SUCCESS', { item_id: x!.uuid, vinted_item_id: i.id });
      }
    }
    json(res, 202, { status: 'accepted' });
  });
  route('POST', '/api/v1/webhooks', (req, res) => {
    const u = proUser(req, res);
    if (!u) return;
    const body = bodyJson(req);
    if (typeof body?.url !== 'string' || !/^https?:\/\//.test(body.url)) return json(res, 400, { error: { code: 'invalid_request', message: 'url required' } });
    const w: Webhook = { id: crypto.randomUUID(), uid: u.id, url: body.url, event_types: Array.isArray(body.event_types) ? body.event_types : [], signing_key: crypto.randomBytes(24).toString('hex') };
    webhooks.push(w);
    json(res, 201, { id: w.id, url: w.url, event_types: w.event_types, signing_key: w.signing_key });
  });
  route('GET', '/api/v1/webhooks', (req, res) => {
    const u = proUser(req, res);
    if (u) json(res, 200, { webhooks: webhooks.filter((w) => w.uid === u.id).map(({ signing_key: _k, ...w }) => w) });
  });
  route('DELETE', '/api/v1/webhooks/:id', (req, res, p) => {
    const u = proUser(req, res);
    if (!u) return;
    const i = webhooks.findIndex((w) => w.id === p.id && w.uid === u.id);
    if (i >= 0) webhooks.splice(i, 1);
    json(res, 204, {});
  });
  route('POST', '/dev/v1/triggers/item-sold/:uuid', async (req, res, p) => {
    const u = proUser(req, res);
    if (!u) return;
    const x = proItems.get(p.uuid);
    const i = x?.vinted_item_id ? items.get(x.vinted_item_id) : undefined;
    if (!i) return json(res, 404, { error: { code: 'not_found', message: 'unknown item' } });
    i.closing = 'sold';
    await sendWebhooks(u.id, 'ITEM_SOLD', { item_id: x!.uuid, vinted_item_id: i.id });
    json(res, 200, { status: 'ok' });
  });

  // ---------- control (/__fake/*): not part of Vinted ----------
  const fakeApi = {
    stats: (): FakeStats => ({
      photos: stats.photos, items: [...items.values()].filter(live).length, deleted: stats.deleted, requests: stats.requests, creates: stats.creates,
      photo_requests: stats.photo_requests, refreshes: stats.refreshes, pro_items: proItems.size, webhooks_sent: stats.webhooks_sent, blocked: stats.blocked,
    }),
    setMode(rule: ModeRule | null) {
      rules = rule ? [...rules.filter((r) => r.left > 0), { ...rule, left: rule.count ?? Number.POSITIVE_INFINITY }] : [];
    },
    configure(c: Partial<FakeConfig>) {
      Object.assign(config, c);
    },
    expireTokens() {
      for (const a of access.values()) a.exp = Date.now() - 1000;
    },
    revokeSessions() {
      for (const a of access.values()) a.revoked = true;
      for (const r of refresh.values()) r.revoked = true;
    },
    setItemState(id: number, state: 'sold' | 'reserved' | 'live' | 'deleted') {
      const i = items.get(id);
      if (!i) return false;
      if (state === 'sold') i.closing = 'sold';
      else if (state === 'deleted') i.closing = 'deleted';
      else if (state === 'reserved') i.is_reserved = true;
      else Object.assign(i, { closing: null, is_reserved: false, is_hidden: false });
      return true;
    },
  };

  const control = async (req: Req, res: Res): Promise<void> => {
    const p = req.path;
    if (p === '/__fake/stats' && req.method === 'GET') return json(res, 200, fakeApi.stats());
    if (p === '/__fake/session' && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(cookieFile(user(req.query.get('login') ?? undefined)));
      return;
    }
    if (p === '/__fake/pro/token' && req.method === 'GET') {
      const u = user(req.query.get('login') ?? 'fake-pro-shop');
      const accessKey = `vpi_${crypto.randomBytes(12).toString('hex')}`;
      const signingKey = crypto.randomBytes(24).toString('hex');
      pro.set(accessKey, { uid: u.id, signingKey });
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(`${accessKey},${signingKey}`);
      return;
    }
    if (p === '/__fake/mode' && req.method === 'POST') {
      const rule = bodyJson(req) as ModeRule | null;
      if (!rule?.mode) return json(res, 400, { error: 'mode required' });
      fakeApi.setMode(rule);
      return json(res, 200, { ok: true, rules });
    }
    if (p === '/__fake/mode' && req.method === 'DELETE') {
      fakeApi.setMode(null);
      return json(res, 200, { ok: true });
    }
    if (p === '/__fake/config' && req.method === 'POST') {
      fakeApi.configure(bodyJson(req) ?? {});
      return json(res, 200, { ok: true, config });
    }
    if (p === '/__fake/expire' && req.method === 'POST') {
      fakeApi.expireTokens();
      return json(res, 200, { ok: true });
    }
    if (p === '/__fake/revoke' && req.method === 'POST') {
      fakeApi.revokeSessions();
      return json(res, 200, { ok: true });
    }
    if (p === '/__fake/items' && req.method === 'GET') {
      return json(res, 200, { items: [...items.values()].map((i) => ({ ...wardrobeShape(i), catalog_id: i.catalog_id, size_id: i.size_id, status_id: i.status_id, brand_id: i.brand_id, description: i.description, temp_uuid: i.temp_uuid, uid: i.uid })) });
    }
    const m = /^\/__fake\/items\/(\d+)$/.exec(p);
    if (m && req.method === 'POST') {
      const ok = fakeApi.setItemState(Number(m[1]), bodyJson(req)?.state);
      return json(res, ok ? 200 : 404, { ok });
    }
    const ph = /^\/__fake\/photos\/(\d+)\.jpeg$/.exec(p);
    if (ph && req.method === 'GET') {
      const photo = photos.get(Number(ph[1]));
      if (!photo) return json(res, 404, {});
      res.writeHead(200, { 'content-type': 'image/jpeg' }).end(photo.bytes);
      return;
    }
    json(res, 404, { error: `no fake control ${req.method} ${p}` });
  };

  const server = http.createServer((rq, res) => {
    const chunks: Buffer[] = [];
    rq.on('data', (c: Buffer) => chunks.push(c));
    rq.on('end', () => {
      const req = rq as Req;
      const u = new URL(rq.url ?? '/', 'http://x');
      req.body = Buffer.concat(chunks);
      req.path = u.pathname;
      req.query = u.searchParams;
      req.cookies = parseCookies(rq.headers.cookie);
      void (async () => {
        try {
          if (req.path.startsWith('/__fake/')) return await control(req, res);
          stats.requests++;
          const rule = matchRule(req);
          if (rule && (await applyRule(rule, res))) return;
          if (rule?.mode === 'validation') (req as any).forcedValidation = rule;
          for (const [method, re, h] of ROUTES) {
            const mm = re.exec(req.path);
            if (!mm || method !== req.method) continue;
            if (rule?.mode === 'hang_after') {
              // the work is done (an upload accepted, an item created), the answer comes late
              const real = res.end.bind(res);
              (res as any).end = (...args: unknown[]) => {
                setTimeout(() => real(...(args as [])), rule.delay_ms ?? 60_000);
                return res;
              };
            }
            await h(req, res, { ...mm.groups });
            return;
          }
          if (req.path.startsWith('/api/')) vintedError(res, 404, 104, 'not_found', `no route ${req.method} ${req.path}`);
          else res.writeHead(404, { 'content-type': 'text/html' }).end('<html><body>Page introuvable</body></html>');
        } catch (e) {
          json(res, 500, { code: 105, message: (e as Error).message });
        }
      })();
    });
  });
  // idle connections stay open a minute (as behind a usual proxy), so clients' pooled sockets are not cut mid-request
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(o.port ?? 0, o.host ?? '127.0.0.1', resolve));
  const addr = server.address() as AddressInfo;
  base = `http://${addr.address.includes(':') ? `[${addr.address}]` : addr.address}:${addr.port}`;

  return {
    url: base,
    stats: fakeApi.stats,
    session: (login?: string) => cookieFile(user(login)),
    proToken(login = 'fake-pro-shop') {
      const u = user(login);
      const accessKey = `vpi_${crypto.randomBytes(12).toString('hex')}`;
      const signingKey = crypto.randomBytes(24).toString('hex');
      pro.set(accessKey, { uid: u.id, signingKey });
      return `${accessKey},${signingKey}`;
    },
    setMode: fakeApi.setMode,
    configure: fakeApi.configure,
    expireTokens: fakeApi.expireTokens,
    revokeSessions: fakeApi.revokeSessions,
    setItemState: fakeApi.setItemState,
    items: () => [...items.values()],
    photos: () => [...photos.values()],
    async close() {
      for (const r of hanging) r.destroy();
      server.closeAllConnections();
      // answers held back on purpose (hang_after) must not keep the server open
      await Promise.race([new Promise<void>((resolve) => server.close(() => resolve())), new Promise<void>((resolve) => setTimeout(resolve, 2000).unref())]);
    },
  };
}
