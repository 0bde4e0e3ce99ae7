// The fake Vinted against the contract's checklist (vinted-contract.md §4), over real HTTP, so that
// the adapters are tested against something that behaves like the documented service.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { startFakeVinted, type FakeVinted } from '../../src/vinted/fakes/vinted.ts';
import { parseCookies, cookieHeader } from '../../src/vinted/accounts/cookies.ts';
import { signRequest } from '../../src/vinted/vinted-api/hmac.ts';

let fake: FakeVinted;
beforeAll(async () => {
  fake = await startFakeVinted();
});
afterAll(async () => fake?.close());

async function session() {
  const jar = parseCookies(await (await fetch(`${fake.url}/__fake/session?login=contract`)).text());
  const page = await (await fetch(`${fake.url}/items/new`, { headers: { cookie: cookieHeader(jar.values) } })).text();
  const csrf = /CSRF_TOKEN\\?"?\s*:\s*\\?"?([0-9a-f-]{36})/.exec(page)![1];
  return { jar, csrf, h: (extra: Record<string, string> = {}) => ({ cookie: cookieHeader(jar.values), 'x-csrf-token': csrf, accept: 'application/json', ...extra }) };
}

async function photo(s: Awaited<ReturnType<typeof session>>, temp: string) {
  const f = new FormData();
  f.append('photo[type]', 'item');
  f.append('photo[temp_uuid]', temp);
  f.append('photo[file]', new Blob([new Uint8Array(await sharp({ create: { width: 50, height: 60, channels: 3, background: '#c00' } }).jpeg().toBuffer())], { type: 'image/jpeg' }), 'photo.jpg');
  return (await fetch(`${fake.url}/api/v2/photos`, { method: 'POST', headers: s.h(), body: f })).json() as Promise<any>;
}

const item = (photoId: number, extra: Record<string, unknown> = {}) => ({
  id: null, currency: 'EUR', temp_uuid: 't', title: 'Levi\'s 501 Jeans', description: 'Très bon état, peu porté.', brand_id: 53, brand: 'Nike', catalog_id: 1845,
  price: 27.9, package_size_id: 2, color_ids: [9], assigned_photos: [{ id: photoId, orientation: 0 }], ...extra,
});

describe('fake Vinted (contract §4)', () => {
  it('sessions: 401 code 100 without a token, 403 code 106 on a write without CSRF, refresh needs both cookies and rotates', async () => {
    const s = await session();
    expect(await (await fetch(`${fake.url}/api/v2/users/current`)).json()).toMatchObject({ code: 100, message_code: 'invalid_authentication_token' });
    const me = await (await fetch(`${fake.url}/api/v2/users/current`, { headers: s.h() })).json();
    expect(me.user.login).toBe('contract');
    const noCsrf = await fetch(`${fake.url}/api/v2/items/1/is_hidden`, { method: 'PUT', headers: { cookie: cookieHeader(s.jar.values), 'content-type': 'application/json' }, body: '{"is_hidden":true}' });
    expect(noCsrf.status).toBe(403);
    expect(await noCsrf.json()).toMatchObject({ code: 106, message_code: 'access_denied' });
    const onlyRefresh = await fetch(`${fake.url}/web/api/auth/refresh`, { method: 'POST', headers: { cookie: `refresh_token_web=${s.jar.values.refresh_token_web}` } });
    expect(onlyRefresh.status).toBe(400);
    expect(await onlyRefresh.text()).toBe('');
    const r1 = await fetch(`${fake.url}/web/api/auth/refresh`, { method: 'POST', headers: s.h() });
    expect(r1.status).toBe(200);
    expect((await r1.json()).access_token).toMatch(/^ey/);
    expect(r1.headers.getSetCookie().map((c) => c.split('=')[0])).toEqual(['access_token_web', 'refresh_token_web']);
    // the old refresh token is dead
    expect((await fetch(`${fake.url}/web/api/auth/refresh`, { method: 'POST', headers: s.h() })).status).toBe(401);
  });

  it('photos and items: both size/condition encodings, validation with field messages, edit, hide, delete (404 once gone), wardrobe', async () => {
    const s = await session();
    const p = await photo(s, 'temp-1');
    expect(p).toMatchObject({ id: expect.any(Number), temp_uuid: 'temp-1', width: 50, height: 60, code: 0 });
    expect((await (await fetch(`${fake.url}/api/v2/photos?temp_uuid=temp-1`, { headers: s.h() })).json()).photos.map((x: any) => x.id)).toEqual([p.id]);
    const create = (it: unknown) => fetch(`${fake.url}/api/v2/item_upload/items`, { method: 'POST', headers: s.h({ 'content-type': 'application/json' }), body: JSON.stringify({ item: it, upload_session_id: 't' }) });
    const flat = await (await create(item(p.id, { size_id: 5, status_id: 2 }))).json();
    expect(flat).toMatchObject({ code: 0, item: { id: expect.any(Number), url: expect.stringContaining('/items/') } });
    const p2 = await photo(s, 'temp-2');
    const attrs = await create(item(p2.id, { item_attributes: [{ code: 'size', ids: [5] }, { code: 'condition', ids: [2] }] }));
    expect(attrs.status).toBe(200);
    const bad = await create(item(999, { package_size_id: null, catalog_id: 4 }));
    expect(bad.status).toBe(400);
    const err = await bad.json();
    expect(err).toMatchObject({ code: 99, message_code: 'validation_error' });
    expect(err.errors.map((e: any) => e.field).sort()).toEqual(['category', 'condition', 'package_size', 'photos', 'size']);
    expect(err.errors.find((e: any) => e.field === 'package_size').value).toBe('Sélectionne le format de ton colis');
    const id = flat.item.id;
    const put = await fetch(`${fake.url}/api/v2/item_upload/items/${id}`, { method: 'PUT', headers: s.h({ 'content-type': 'application/json' }), body: JSON.stringify({ item: { title: 'Jean Levi\'s 501 bleu', price: 30 } }) });
    expect((await put.json()).item).toMatchObject({ title: 'Jean Levi\'s 501 bleu', price: { amount: '30.00', currency_code: 'EUR' } });
    expect((await fetch(`${fake.url}/api/v2/items/${id}/is_hidden`, { method: 'PUT', headers: s.h({ 'content-type': 'application/json' }), body: '{"is_hidden":true}' })).status).toBe(200);
    const uid = (await (await fetch(`${fake.url}/api/v2/users/current`, { headers: s.h() })).json()).user.id;
    const w = await (await fetch(`${fake.url}/api/v2/wardrobe/${uid}/items?page=1&per_page=1`, { headers: s.h() })).json();
    expect(w.pagination).toMatchObject({ current_page: 1, total_pages: 2, total_entries: 2, per_page: 1 });
    const all = await (await fetch(`${fake.url}/api/v2/wardrobe/${uid}/items?per_page=96`, { headers: s.h() })).json();
    expect(all.items.find((x: any) => x.id === id)).toMatchObject({ is_hidden: true, item_closing_action: null });
    expect((await fetch(`${fake.url}/api/v2/items/${id}/delete`, { method: 'POST', headers: s.h() })).status).toBe(200);
    expect((await fetch(`${fake.url}/api/v2/items/${id}/delete`, { method: 'POST', headers: s.h() })).status).toBe(404);
    // not the owner: 403 code 106
    const other = await (async () => {
      const o = parseCookies(await (await fetch(`${fake.url}/__fake/session?login=someone-else`)).text());
      return fetch(`${fake.url}/api/v2/items/${attrs.status === 200 ? (await (await create(item((await photo(s, 't3')).id, { size_id: 5, status_id: 2 }))).json()).item.id : 0}/delete`, { method: 'POST', headers: { cookie: cookieHeader(o.values), 'x-csrf-token': s.csrf } });
    })();
    expect(other.status).toBe(403);
  });

  it('failure modes: DataDome 403 with x-dd-b, HTML 403, 429 with Retry-After, 5xx; counted and switchable', async () => {
    const s = await session();
    const before = fake.stats().requests;
    fake.setMode({ mode: 'captcha', count: 1 });
    const c = await fetch(`${fake.url}/api/v2/users/current`, { headers: s.h() });
    expect(c.status).toBe(403);
    expect(c.headers.get('x-dd-b')).toBe('1');
    expect((await c.json()).url).toMatch(/geo\.captcha-delivery\.com\/captcha\/.*t=fe/);
    fake.setMode({ mode: 'html403', count: 1 });
    const h = await fetch(`${fake.url}/api/v2/users/current`, { headers: s.h() });
    expect([h.status, h.headers.get('content-type')]).toEqual([403, 'text/html; charset=utf-8']);
    fake.setMode({ mode: 'rate_limit', count: 1, retry_after: 7 });
    const r = await fetch(`${fake.url}/api/v2/users/current`, { headers: s.h() });
    expect([r.status, r.headers.get('retry-after')]).toEqual([429, '7']);
    fake.setMode({ mode: 'server_error', count: 1 });
    expect((await fetch(`${fake.url}/api/v2/users/current`, { headers: s.h() })).status).toBe(503);
    expect((await fetch(`${fake.url}/api/v2/users/current`, { headers: s.h() })).status).toBe(200);
    expect(fake.stats().requests - before).toBe(5);
    const stats = await (await fetch(`${fake.url}/__fake/stats`)).json();
    expect(Object.keys(stats)).toEqual(expect.arrayContaining(['photos', 'items', 'deleted', 'requests']));
  });

  it('Pro: HMAC required, 202 then status, slot limit refuses the whole request', async () => {
    const [accessKey, signingKey] = fake.proToken('contract-shop').split(',');
    const send = (method: string, path: string, body = '', sign = true) => fetch(`${fake.url}${path}`, {
      method, body: body || undefined,
      headers: { 'content-type': 'application/json', 'x-vpi-access-key': accessKey, ...(sign ? { 'x-vpi-hmac-sha256': signRequest({ method, pathAndQuery: path, accessKey, signingKey, body }) } : {}) },
    });
    expect((await send('GET', '/api/v1/items?limit=1', '', false)).status).toBe(401);
    expect((await send('GET', '/api/v1/items?limit=1')).status).toBe(200);
    const stale = await fetch(`${fake.url}/api/v1/items`, { headers: { 'x-vpi-access-key': accessKey, 'x-vpi-hmac-sha256': signRequest({ method: 'GET', pathAndQuery: '/api/v1/items', accessKey, signingKey, body: '', t: Math.floor(Date.now() / 1000) - 3600 }) } });
    expect(stale.status).toBe(401);
    fake.configure({ slot_limit: 1 });
    try {
      const two = JSON.stringify({ items: [{ title: 'a' }, { title: 'b' }] });
      const refused = await send('POST', '/api/v1/items', two);
      expect(refused.status).toBe(422);
      expect((await refused.json()).error).toMatchObject({ code: 'insufficient_slots', details: { free_slots: 1, slot_limit: 1 } });
      const one = await send('POST', '/api/v1/items', JSON.stringify({ items: [{ title: 'x', item_reference: 'r1', photo_urls: ['http://127.0.0.1:1/none.jpg'] }] }));
      expect(one.status).toBe(202);
      const ref = (await one.json()).items[0].item_id;
      let st: any;
      for (let i = 0; i < 50; i++) {
        st = await (await send('GET', `/api/v1/items/${ref}/status`)).json();
        if (st.status !== 'IN_PROGRESS') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(st.status).toBe('FAILURE');
      expect(st.errors.map((e: any) => e.field)).toContain('title');
    } finally {
      fake.configure({ slot_limit: 500 });
    }
  });
});
