// Webhook and callback URLs often carry a credential: `https://user:pass@host/…` or `…?token=…`.
// Such a URL is split: the address without its secrets (safe to store, show and log) and the
// secrets (kept in the vault), which go out as headers — user:password as Basic auth, a token as a
// Bearer token. Other secret-looking query parameters (key, signature…) stay where receivers read
// them, but are vaulted and masked like the rest.
import { registerSecret } from './log.ts';

const TOKEN_PARAMS = /^(token|access_token)$/i;
const SECRET_PARAMS = /^(token|access_token|api[_-]?key|apikey|key|secret|client_secret|password|passwd|pass|pwd|sig|signature|auth)$/i;

export interface SecretUrl {
  /** the URL without user:password and without secret query parameters */
  url: string;
  /** what must stay secret: put it in the vault */
  secret: { username?: string; password?: string; token?: string; params: Record<string, string> };
}

export function splitSecretUrl(raw: string): SecretUrl {
  const u = new URL(raw);
  const secret: SecretUrl['secret'] = { params: {} };
  if (u.username || u.password) {
    secret.username = decodeURIComponent(u.username);
    secret.password = decodeURIComponent(u.password);
    u.username = '';
    u.password = '';
  }
  for (const [k, v] of [...u.searchParams]) {
    if (!SECRET_PARAMS.test(k)) continue;
    if (TOKEN_PARAMS.test(k) && secret.token === undefined) secret.token = v;
    else secret.params[k] = v;
    u.searchParams.delete(k);
  }
  return { url: u.toString(), secret };
}

/** The request to send: the URL (with the non-token secret parameters back) and the auth headers. */
export function secretRequest(s: SecretUrl): { url: string; headers: Record<string, string> } {
  const u = new URL(s.url);
  for (const [k, v] of Object.entries(s.secret.params)) u.searchParams.set(k, v);
  const headers: Record<string, string> = {};
  if (s.secret.token !== undefined) headers.authorization = `Bearer ${s.secret.token}`;
  else if (s.secret.username !== undefined) headers.authorization = `Basic ${Buffer.from(`${s.secret.username}:${s.secret.password ?? ''}`).toString('base64')}`;
  for (const v of [s.secret.token, s.secret.password, ...Object.values(s.secret.params)]) registerSecret(v);
  return { url: u.toString(), headers };
}

/** The URL as shown to people: every secret part replaced by •••. */
export function maskUrl(raw: string | undefined | null): string | null {
  if (!raw) return null;
  try {
    const u = new URL(raw);
    if (u.username) u.username = '•••';
    if (u.password) u.password = '•••';
    for (const k of [...u.searchParams.keys()]) if (SECRET_PARAMS.test(k)) u.searchParams.set(k, '•••');
    return decodeURI(u.toString());
  } catch {
    return '•••';
  }
}
