// Settings: atelier's address (https, or http on localhost for development), a personal API token,
// the account name. The address's origin is asked for as an optional host permission, so the
// extension can reach that one server and no other.
import { checkAtelierUrl, checkToken, checkAccountName } from './lib.js';

const $ = (id) => document.getElementById(id);
const msg = (key, kind = 'error') => { $('msg').textContent = chrome.i18n.getMessage(key) || key; $('msg').className = kind; };
for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = chrome.i18n.getMessage(el.dataset.i18n);

const saved = await chrome.storage.local.get(['url', 'account', 'token']);
$('url').value = saved.url ?? '';
$('account').value = saved.account ?? '';
if (saved.token) $('token').placeholder = chrome.i18n.getMessage('tokenKept');

$('form').addEventListener('submit', async (e) => {
  e.preventDefault();
  let url, token, account;
  try {
    url = checkAtelierUrl($('url').value);
    token = $('token').value.trim() ? checkToken($('token').value) : saved.token;
    if (!token) throw new Error('errToken');
    account = checkAccountName($('account').value);
  } catch (err) {
    return msg(err.message);
  }
  // the one server this extension talks to besides Vinted
  const granted = await chrome.permissions.request({ origins: [`${url}/*`] }).catch(() => false);
  if (!granted) return msg('errPermission');
  await chrome.storage.local.set({ url, token, account });
  $('token').value = '';
  msg('saved', 'ok');
});
