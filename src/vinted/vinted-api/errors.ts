// What can go wrong talking to Vinted, sorted by what the queue must do about it (contract §1.9):
// a 2xx whose `code` is not 0 is an error too; an HTML page where JSON was expected is a block or a
// misconfiguration, never data.
import type { HttpResponse } from '../../core/http.ts';

export type VintedErrorKind =
  | 'auth'            // 401 that one refresh did not cure: the account must be reconnected
  | 'captcha'         // DataDome 403 (x-dd-b) or an HTML page: stop the account's queue, never retry by itself
  | 'access_denied'   // 403 code 106: CSRF, not the owner, or refused to automation on that route
  | 'rate_limited'    // 429
  | 'validation'      // code 99: Vinted's field messages
  | 'photo_rejected'  // codes 50/51/52
  | 'not_found'       // 404 / code 104
  | 'slots'           // Pro: not enough free item slots (the whole request is refused)
  | 'server'          // 5xx
  | 'network'         // no answer (timeout, refused connection, reset)
  | 'unexpected';

export interface FieldError { field: string; message: string }

export class VintedError extends Error {
  readonly kind: VintedErrorKind;
  readonly status: number | null;
  readonly code: number | string | null;
  readonly fields: FieldError[];
  readonly retryAfterMs: number | null;
  /** where a person can act (a captcha page, the item form) */
  readonly link: string | null;
  readonly details: Record<string, unknown>;
  constructor(kind: VintedErrorKind, message: string, o: { status?: number | null; code?: number | string | null; fields?: FieldError[]; retryAfterMs?: number | null; link?: string | null; details?: Record<string, unknown> } = {}) {
    super(message);
    this.name = 'VintedError';
    this.kind = kind;
    this.status = o.status ?? null;
    this.code = o.code ?? null;
    this.fields = o.fields ?? [];
    this.retryAfterMs = o.retryAfterMs ?? null;
    this.link = o.link ?? null;
    this.details = o.details ?? {};
  }
}

export function retryAfterMs(v: string | undefined): number | null {
  if (!v) return null;
  const s = Number(v);
  if (Number.isFinite(s) && s >= 0) return Math.min(s * 1000, 3600_000);
  const d = Date.parse(v);
  return Number.isFinite(d) ? Math.max(0, Math.min(d - Date.now(), 3600_000)) : null;
}

const looksHtml = (r: HttpResponse) => /text\/html/i.test(r.headers['content-type'] ?? '') || /^\s*<(!doctype|html|head|body)/i.test(r.body.subarray(0, 200).toString('utf8'));

function bodyOf(r: HttpResponse): any {
  try {
    return r.body.length ? JSON.parse(r.body.toString('utf8')) : null;
  } catch {
    return undefined;
  }
}

/** Vinted's `errors: [{field, value}]`, or the Pro API's shapes, as field messages. */
export function fieldErrors(body: any): FieldError[] {
  const list = body?.errors ?? body?.error?.details?.errors ?? body?.error?.errors ?? [];
  if (!Array.isArray(list)) return [];
  return list.map((e: any) => ({ field: String(e?.field ?? e?.attribute ?? ''), message: String(e?.value ?? e?.message ?? e?.error ?? '') })).filter((e) => e.field || e.message);
}

/** null when the answer is a success; the error otherwise. */
export function classify(r: HttpResponse, what: string): VintedError | null {
  const html = looksHtml(r);
  if ((r.status === 403 && (r.headers['x-dd-b'] !== undefined || html)) || (r.status < 300 && html)) {
    const b = bodyOf(r);
    return new VintedError('captcha', `${what}: Vinted answered with an anti-bot challenge (${r.status}${r.headers['x-dd-b'] !== undefined ? ', DataDome' : html ? ', HTML page' : ''})`, {
      status: r.status, link: typeof b?.url === 'string' ? b.url : null, details: { html, datadome: r.headers['x-dd-b'] !== undefined },
    });
  }
  const b = bodyOf(r);
  const code = b && typeof b === 'object' ? (b.code ?? b.error?.code ?? null) : null;
  const msg = (b && typeof b === 'object' ? (b.message ?? b.error?.message ?? b.message_code) : null) ?? r.body.subarray(0, 120).toString('utf8');
  if (r.status === 401) return new VintedError('auth', `${what}: session refused (401${code !== null ? `, code ${code}` : ''})`, { status: 401, code });
  if (r.status === 429) return new VintedError('rate_limited', `${what}: too many requests (429)`, { status: 429, retryAfterMs: retryAfterMs(r.headers['retry-after']) });
  if (r.status >= 500) return new VintedError('server', `${what}: Vinted error ${r.status}`, { status: r.status, code, retryAfterMs: retryAfterMs(r.headers['retry-after']) });
  if (b === undefined) return new VintedError('unexpected', `${what}: answer is not JSON (${r.status})`, { status: r.status });
  if (r.status === 403) return new VintedError('access_denied', `${what}: access denied (403${code !== null ? `, code ${code}` : ''})`, { status: 403, code });
  if (code === 99 || code === 'validation_error') return new VintedError('validation', `${what}: Vinted refused some fields`, { status: r.status, code, fields: fieldErrors(b) });
  if (code === 50 || code === 51 || code === 52) return new VintedError('photo_rejected', `${what}: photo refused: ${msg}`, { status: r.status, code, details: { message: String(msg) } });
  if (code === 'insufficient_slots') return new VintedError('slots', `${what}: ${msg}`, { status: r.status, code, details: b?.error?.details ?? {} });
  if (r.status === 404 || code === 104) return new VintedError('not_found', `${what}: not found`, { status: r.status, code });
  if (r.status === 400 || r.status === 422) return new VintedError('validation', `${what}: ${msg}`, { status: r.status, code, fields: fieldErrors(b) });
  if (r.status >= 300) return new VintedError('unexpected', `${what}: HTTP ${r.status}`, { status: r.status, code });
  if (code !== null && code !== 0 && typeof code === 'number') return new VintedError('unexpected', `${what}: Vinted code ${code}: ${msg}`, { status: r.status, code });
  return null;
}
