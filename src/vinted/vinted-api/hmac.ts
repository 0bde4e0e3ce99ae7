// Vinted Pro Integrations signatures (vinted-contract.md §2): requests carry
// `X-Vpi-Hmac-Sha256: t=<unix s>,v1=<hex>` with v1 = HMAC-SHA256(signing_key,
// "<t>.<METHOD>.<path?query>.<access_key>.<body>") — the body as sent, "" when there is none; webhooks
// carry `X-Vpi-Webhook-Hmac-Sha256: t=…,v1=HMAC(webhook_key, "<t>.<raw body>")`. Re-signed on every
// retry (stale timestamps are refused); replays are refused outside ±300 s.
import crypto from 'node:crypto';

export const REPLAY_WINDOW_S = 300;

const hex = (key: string, msg: string | Buffer) => crypto.createHmac('sha256', key).update(msg).digest('hex');

/** "<access_key>,<signing_key>" as the Pro portal shows it once. */
export function splitProToken(token: string): { accessKey: string; signingKey: string } | null {
  const [accessKey, signingKey, ...rest] = token.trim().split(',').map((s) => s.trim());
  if (!accessKey || !signingKey || rest.length) return null;
  return { accessKey, signingKey };
}

export function signRequest(o: { method: string; pathAndQuery: string; accessKey: string; signingKey: string; body: string; t?: number }): string {
  const t = o.t ?? Math.floor(Date.now() / 1000);
  return `t=${t},v1=${hex(o.signingKey, `${t}.${o.method.toUpperCase()}.${o.pathAndQuery}.${o.accessKey}.${o.body}`)}`;
}

function parseHeader(header: string | undefined): { t: number; v1: string } | null {
  if (!header) return null;
  const parts = Object.fromEntries(header.split(',').map((p) => p.trim().split('=') as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || !/^[0-9a-f]{64}$/i.test(parts.v1 ?? '')) return null;
  return { t, v1: parts.v1.toLowerCase() };
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

export function verifyRequest(o: { header: string | undefined; method: string; pathAndQuery: string; accessKey: string; signingKey: string; body: string; now?: number }): boolean {
  const h = parseHeader(o.header);
  if (!h || Math.abs((o.now ?? Date.now() / 1000) - h.t) > REPLAY_WINDOW_S) return false;
  return safeEqual(h.v1, hex(o.signingKey, `${h.t}.${o.method.toUpperCase()}.${o.pathAndQuery}.${o.accessKey}.${o.body}`));
}

export function signWebhook(key: string, rawBody: string | Buffer, t = Math.floor(Date.now() / 1000)): string {
  return `t=${t},v1=${hex(key, Buffer.concat([Buffer.from(`${t}.`), Buffer.isBuffer(rawBody) ? rawBody : Buffer.from(rawBody)]))}`;
}

export function verifyWebhook(key: string, header: string | undefined, rawBody: Buffer, now = Date.now() / 1000): boolean {
  const h = parseHeader(header);
  if (!h || Math.abs(now - h.t) > REPLAY_WINDOW_S) return false;
  return safeEqual(h.v1, hex(key, Buffer.concat([Buffer.from(`${h.t}.`), rawBody])));
}
