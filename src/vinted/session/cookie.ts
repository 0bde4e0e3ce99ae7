// What can be learned about a Vinted session cookie offline, without a network call: its expiry,
// from a Set-Cookie style `Expires=` / `Max-Age=` attribute or from the `exp` claim of a JWT value
// (Vinted's access_token_web is a JWT). Never returns the cookie itself.

export interface CookieInfo {
  /** names of the cookies found (not their values) */
  names: string[];
  expires_at: string | null;
  /** where the expiry came from */
  expiry_source: 'expires' | 'max-age' | 'jwt' | null;
}

const ATTRS = new Set(['expires', 'max-age', 'path', 'domain', 'secure', 'httponly', 'samesite', 'priority', 'partitioned']);

function jwtExp(value: string): number | null {
  const parts = value.split('.');
  if (parts.length !== 3 || !parts.every((p) => /^[A-Za-z0-9_-]+$/.test(p))) return null;
  try {
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp * 1000 : null;
  } catch {
    return null;
  }
}

export function inspectCookie(cookie: string, now = Date.now()): CookieInfo {
  const names: string[] = [];
  const candidates: { at: number; source: CookieInfo['expiry_source'] }[] = [];
  for (const raw of cookie.split(/;\s*|\n/)) {
    const part = raw.trim();
    if (!part) continue;
    const eq = part.indexOf('=');
    const name = (eq >= 0 ? part.slice(0, eq) : part).trim();
    let value = eq >= 0 ? part.slice(eq + 1).trim() : '';
    const lname = name.toLowerCase();
    if (lname === 'expires') {
      const t = Date.parse(value);
      if (Number.isFinite(t)) candidates.push({ at: t, source: 'expires' });
      continue;
    }
    if (lname === 'max-age') {
      const n = Number(value);
      if (Number.isFinite(n)) candidates.push({ at: now + n * 1000, source: 'max-age' });
      continue;
    }
    if (ATTRS.has(lname) || !name) continue;
    names.push(name);
    try { value = decodeURIComponent(value); } catch { /* keep as is */ }
    const exp = jwtExp(value);
    if (exp !== null) candidates.push({ at: exp, source: 'jwt' });
  }
  // the session lasts as long as its first cookie to expire
  candidates.sort((a, b) => a.at - b.at);
  const first = candidates[0];
  return { names, expires_at: first ? new Date(first.at).toISOString() : null, expiry_source: first?.source ?? null };
}
