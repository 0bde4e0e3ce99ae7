// Pure helpers of the extension (no browser API here, so Node can test them too).

/** The Vinted sites the extension may read cookies from (the contract's: .fr, .nl, .co.uk). */
export const VINTED_HOSTS = /^(?:[a-z0-9-]+\.)*vinted\.(fr|nl|co\.uk)$/;
export const VINTED_TAB_PATTERNS = ['*://*.vinted.fr/*', '*://*.vinted.nl/*', '*://*.vinted.co.uk/*'];

/**
 * The atelier address, checked: https, or http only on this machine (localhost, 127.0.0.1, [::1]) for
 * development. No credentials, path or query in it. Returns its origin or throws a message key.
 */
export function checkAtelierUrl(raw) {
  let u;
  try { u = new URL(String(raw).trim()); } catch { throw new Error('errUrl'); }
  if (u.username || u.password) throw new Error('errUrlCredentials');
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(u.hostname);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && local)) throw new Error('errUrlHttps');
  return u.origin;
}

/** A personal API token of atelier (atl_…), nothing else. */
export function checkToken(raw) {
  const t = String(raw).trim();
  if (!/^atl_[A-Za-z0-9_-]{16,200}$/.test(t)) throw new Error('errToken');
  return t;
}

export function checkAccountName(raw) {
  const n = String(raw).trim() || 'vinted';
  if (!/^[\w.-]{1,64}$/.test(n)) throw new Error('errAccount');
  return n;
}

/** www.vinted.fr → vinted.fr (the cookie domain to read), or null for a non-Vinted host. */
export function vintedDomain(host) {
  const m = VINTED_HOSTS.exec(host);
  return m ? `vinted.${m[1]}` : null;
}

/** The id of a listing page (https://www.vinted.fr/items/4821234567-levis-501), or null. */
export function itemId(url) {
  try {
    const u = new URL(url);
    if (!vintedDomain(u.hostname)) return null;
    const m = /^\/items\/(\d+)(?:[-/]|$)/.exec(u.pathname);
    return m ? m[1] : null;
  } catch { return null; }
}

/** Cookies as one Cookie header, the form atelier's account route reads. */
export function cookieHeader(cookies) {
  return cookies.filter((c) => c.name && typeof c.value === 'string').map((c) => `${c.name}=${c.value}`).join('; ');
}

/** The account's state as the popup shows it: connected | reconnect | stopped | paused | missing | error. */
export function accountState(a) {
  if (!a) return 'missing';
  if (a.status === 'reconnect') return 'reconnect';
  if (a.queue_state === 'stopped') return 'stopped';
  if (a.queue_state === 'paused') return 'paused';
  if (a.status === 'ok') return 'connected';
  return a.status === 'error' ? 'error' : 'unchecked';
}
