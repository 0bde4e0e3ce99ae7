// The popup: the account's state in atelier, "connect my Vinted session" (the Vinted cookies of the
// site the seller is on, and this browser's user agent, sent to the configured atelier only), and
// "open in atelier" on a listing page.
import { VINTED_TAB_PATTERNS, vintedDomain, itemId, cookieHeader, accountState } from './lib.js';

const $ = (id) => document.getElementById(id);
const t = (key, subs) => chrome.i18n.getMessage(key, subs) || key;
for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
$('options').addEventListener('click', (e) => { e.preventDefault(); chrome.runtime.openOptionsPage(); });

const show = (state, detail = '') => {
  $('state').dataset.state = state;
  $('state').textContent = t(`state_${state}`);
  $('detail').textContent = detail;
};

const cfg = await chrome.storage.local.get(['url', 'token', 'account']);

/** The Vinted tab the seller is on: the active tab if it is one, else the last Vinted tab used. */
async function vintedTab() {
  const [active] = await chrome.tabs.query({ active: true, lastFocusedWindow: true });
  if (active?.url && vintedDomain(new URL(active.url).hostname)) return active;
  const tabs = await chrome.tabs.query({ url: VINTED_TAB_PATTERNS });
  return tabs.sort((a, b) => (b.lastAccessed ?? 0) - (a.lastAccessed ?? 0))[0] ?? null;
}

async function api(method, path, body) {
  const res = await fetch(`${cfg.url}${path}`, {
    method,
    credentials: 'omit',
    headers: { authorization: `Bearer ${cfg.token}`, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => ({}));
  if (res.status === 404) return null;
  if (!res.ok) throw new Error(json?.error?.message ?? `HTTP ${res.status}`);
  return json;
}

async function refresh() {
  try {
    const r = await api('GET', `/api/vinted/accounts/${encodeURIComponent(cfg.account)}`);
    const a = r?.account ?? null;
    show(accountState(a), a?.login ? t('loggedAs', [a.login]) : a?.queue_message ?? '');
  } catch (e) {
    show('error', e.message);
  }
}

if (!cfg.url || !cfg.token) {
  show('unconfigured');
} else {
  const tab = await vintedTab();
  const domain = tab?.url ? vintedDomain(new URL(tab.url).hostname) : 'vinted.fr';
  $('connect').hidden = false;
  $('connect').addEventListener('click', async () => {
    $('connect').disabled = true;
    try {
      const cookies = await chrome.cookies.getAll({ domain });
      if (!cookies.length) { show('error', t('noCookies', [domain])); return; }
      const r = await api('POST', '/api/vinted/accounts', { name: cfg.account, kind: 'web', cookies: cookieHeader(cookies), user_agent: navigator.userAgent });
      show(accountState(r?.account), r?.account?.login ? t('loggedAs', [r.account.login]) : '');
    } catch (e) {
      show('error', e.message);
    } finally {
      $('connect').disabled = false;
    }
  });
  const id = tab?.url ? itemId(tab.url) : null;
  if (id) {
    $('open').hidden = false;
    $('open').addEventListener('click', () => chrome.tabs.create({ url: `${cfg.url}/vinted/listings?item=${id}` }));
  }
  await refresh();
}
