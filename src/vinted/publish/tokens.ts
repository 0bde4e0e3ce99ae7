// Signed, expiring tokens made with keys derived from the vault's master key:
// - the confirm token of a prepared article (spec §6): account, article and the hash of the exact
//   payload the seller saw; an edit after prepare changes the hash and the token no longer matches;
// - the public photo URLs given to Vinted Pro: one listing copy of one photo, until an expiry; the
//   signature covers job, photo and expiry, so a URL cannot be bent to read anything else.
import crypto from 'node:crypto';

export interface ConfirmClaims { a: string; j: string; c: string; h: string; e: number }

function sign(key: Buffer, payload: unknown): string {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${crypto.createHmac('sha256', key).update(body).digest('base64url')}`;
}

function open<T>(key: Buffer, token: string): T | null {
  const [body, mac, ...rest] = token.split('.');
  if (!body || !mac || rest.length) return null;
  const want = crypto.createHmac('sha256', key).update(body).digest();
  let got: Buffer;
  try {
    got = Buffer.from(mac, 'base64url');
  } catch {
    return null;
  }
  if (got.length !== want.length || !crypto.timingSafeEqual(got, want)) return null;
  try {
    return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as T;
  } catch {
    return null;
  }
}

export const CONFIRM_TTL_MS = 30 * 60_000;

export function confirmToken(key: Buffer, c: Omit<ConfirmClaims, 'e'>, ttlMs = CONFIRM_TTL_MS): { token: string; expiresAt: Date } {
  const e = Date.now() + ttlMs;
  return { token: sign(key, { ...c, e }), expiresAt: new Date(e) };
}

export type Opened<T> = { ok: true; claims: T } | { ok: false; reason: 'invalid' | 'expired' };

export function openConfirm(key: Buffer, token: string): Opened<ConfirmClaims> {
  const c = open<ConfirmClaims>(key, token);
  if (!c || typeof c.a !== 'string' || typeof c.j !== 'string' || typeof c.c !== 'string' || typeof c.h !== 'string' || typeof c.e !== 'number') return { ok: false, reason: 'invalid' };
  if (c.e < Date.now()) return { ok: false, reason: 'expired' };
  return { ok: true, claims: c };
}

/** The signature of one photo's public URL: job, photo and expiry (unix seconds) are all covered. */
export function photoSignature(key: Buffer, job: string, photo: string, e: number): string {
  return crypto.createHmac('sha256', key).update(`vinted-photo\n${job}\n${photo}\n${e}`).digest('base64url');
}

export function photoQuery(key: Buffer, job: string, photo: string, ttlS: number): { e: number; s: string } {
  const e = Math.floor(Date.now() / 1000) + ttlS;
  return { e, s: photoSignature(key, job, photo, e) };
}

export function checkPhotoSignature(key: Buffer, job: string, photo: string, e: number, sig: string): 'ok' | 'invalid' | 'expired' {
  const want = Buffer.from(photoSignature(key, job, photo, e));
  const got = Buffer.from(sig);
  if (got.length !== want.length || !crypto.timingSafeEqual(got, want)) return 'invalid';
  return e * 1000 < Date.now() ? 'expired' : 'ok';
}
