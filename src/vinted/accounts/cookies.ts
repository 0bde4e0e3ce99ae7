// The cookies of a seller's logged-in browser, as they paste or export them. Accepted: a Netscape
// cookies.txt (what "export cookies" extensions write, tab-separated), a JSON export (an array of
// {name, value, expirationDate?}), or a Cookie header ("a=1; b=2"). Values are never logged.

export interface CookieJar {
  /** name → value */
  values: Record<string, string>;
  /** name → expiry in ms since epoch, when the file gave one */
  expires: Record<string, number>;
}

export class CookieFileError extends Error {}

const ATTRS = new Set(['expires', 'max-age', 'path', 'domain', 'secure', 'httponly', 'samesite', 'priority', 'partitioned']);

function fromNetscape(text: string): CookieJar | null {
  const jar: CookieJar = { values: {}, expires: {} };
  let lines = 0;
  for (const raw of text.split(/\r?\n/)) {
    let line = raw;
    if (line.startsWith('#HttpOnly_')) line = line.slice('#HttpOnly_'.length);
    else if (line.startsWith('#') || !line.trim()) continue;
    const f = line.split('\t');
    if (f.length < 7) return null;
    const [, , , , expiry, name, ...rest] = f;
    if (!name) continue;
    jar.values[name] = rest.join('\t').trim();
    const e = Number(expiry);
    if (Number.isFinite(e) && e > 0) jar.expires[name] = e * 1000;
    lines++;
  }
  return lines ? jar : null;
}

function fromJson(text: string): CookieJar | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  const list = Array.isArray(data) ? data : (data as { cookies?: unknown })?.cookies;
  if (!Array.isArray(list)) return null;
  const jar: CookieJar = { values: {}, expires: {} };
  for (const c of list as { name?: unknown; value?: unknown; expirationDate?: unknown; expires?: unknown }[]) {
    if (typeof c?.name !== 'string' || typeof c.value !== 'string') continue;
    jar.values[c.name] = c.value;
    const e = Number(c.expirationDate ?? c.expires);
    if (Number.isFinite(e) && e > 0) jar.expires[c.name] = e < 1e12 ? e * 1000 : e;
  }
  return Object.keys(jar.values).length ? jar : null;
}

function fromHeader(text: string): CookieJar {
  const jar: CookieJar = { values: {}, expires: {} };
  const body = text.replace(/^\s*cookie\s*:/i, '');
  for (const part of body.split(/;\s*|\r?\n/)) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (!name || ATTRS.has(name.toLowerCase())) continue;
    jar.values[name] = part.slice(eq + 1).trim();
  }
  return jar;
}

/** Reads any of the three formats; throws CookieFileError (without echoing values) when nothing is found. */
export function parseCookies(text: string): CookieJar {
  const t = text.trim();
  if (!t) throw new CookieFileError('the cookie file is empty');
  const jar = (t.startsWith('[') || t.startsWith('{') ? fromJson(t) : null) ?? (t.includes('\t') ? fromNetscape(t) : null) ?? fromHeader(t);
  if (!Object.keys(jar.values).length) throw new CookieFileError('no cookie found: paste a cookies.txt export, a JSON export or a Cookie header');
  return jar;
}

export function cookieHeader(values: Record<string, string>): string {
  return Object.entries(values).map(([k, v]) => `${k}=${v}`).join('; ');
}

/** Applies Set-Cookie lines (one per line, as the HTTP client keeps them) to a jar; returns the names changed. */
export function applySetCookie(jar: CookieJar, setCookie: string | undefined, now = Date.now()): string[] {
  if (!setCookie) return [];
  const changed: string[] = [];
  for (const line of setCookie.split('\n')) {
    const [pair, ...attrs] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    let expires: number | null = null;
    for (const a of attrs) {
      const [k, v = ''] = a.split('=');
      const key = k.trim().toLowerCase();
      if (key === 'max-age' && Number.isFinite(Number(v))) expires = now + Number(v) * 1000;
      else if (key === 'expires' && expires === null && Number.isFinite(Date.parse(v))) expires = Date.parse(v);
    }
    if (expires !== null && expires <= now) {
      delete jar.values[name];
      delete jar.expires[name];
    } else {
      jar.values[name] = value;
      if (expires !== null) jar.expires[name] = expires;
    }
    changed.push(name);
  }
  return changed;
}

/** The claims of a JWT cookie (Vinted's access_token_web / refresh_token_web), or null. */
export function jwtClaims(value: string | undefined): Record<string, unknown> | null {
  if (!value) return null;
  const parts = value.split('.');
  if (parts.length !== 3) return null;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return claims && typeof claims === 'object' ? claims : null;
  } catch {
    return null;
  }
}

/** When the session ends: the refresh token's expiry (the access token is renewed from it), else the access token's. */
export function sessionExpiry(jar: CookieJar): number | null {
  for (const name of ['refresh_token_web', 'access_token_web']) {
    const exp = jwtClaims(jar.values[name])?.exp;
    if (typeof exp === 'number' && Number.isFinite(exp)) return exp * 1000;
    if (jar.expires[name]) return jar.expires[name];
  }
  return null;
}
