// "Check" an account: call Vinted with it, show the login and when the session ends, and mark it
// à reconnecter when Vinted refuses it (after the adapter's one refresh). A Pro account also gets
// its webhook registered once (the signing key Vinted answers goes to the vault).
import type { CoreContext } from '../../core/module.ts';
import { registerSecret } from '../../core/log.ts';
import { settingsOf } from '../catalog/runtime.ts';
import { adapterFor, VintedError } from '../vinted-api/index.ts';
import { getAccount, setQueue, updateAccount, webhookVaultName, type Account } from './store.ts';

export async function checkAccount(ctx: CoreContext, account: Account): Promise<Account> {
  const a = adapterFor(ctx, account);
  try {
    const me = await a.currentUser();
    await updateAccount(ctx, account.id, {
      login: me.login, vinted_user_id: me.id, status: 'ok', status_code: null, checked_at: new Date(),
      ...(a.kind === 'web' ? { session_expires_at: me.expiresAt } : {}),
    });
    // a queue stopped because the session was gone resumes with the new one
    if (account.queue_state === 'stopped' && account.queue_code === 'reconnect') await setQueue(ctx, account.id, 'running', null);
    if (a.kind === 'pro') await ensureWebhook(ctx, account);
  } catch (e) {
    if (!(e instanceof VintedError)) throw e;
    const status = e.kind === 'auth' ? 'reconnect' : 'error';
    await updateAccount(ctx, account.id, { status, status_code: e.kind === 'captcha' ? 'captcha' : e.kind, checked_at: new Date() });
    if (e.kind === 'auth') await setQueue(ctx, account.id, 'stopped', 'reconnect');
  }
  return (await getAccount(ctx, account.id))!;
}

async function ensureWebhook(ctx: CoreContext, account: Account): Promise<void> {
  if (await ctx.vault.has(webhookVaultName(account.id))) return;
  const publicUrl = settingsOf(ctx).publish.publicUrl;
  if (!publicUrl) {
    ctx.log.warn({ account: account.name }, 'VINTED_PUBLIC_URL is not set: no Vinted Pro webhook registered (results come by status poll only)');
    return;
  }
  const a = adapterFor(ctx, account);
  if (a.kind !== 'pro') return;
  try {
    const w = await a.registerWebhook(`${publicUrl}/api/vinted/pro/webhook/${account.id}`);
    registerSecret(w.signingKey);
    await ctx.vault.set(webhookVaultName(account.id), JSON.stringify({ id: w.id, signing_key: w.signingKey }));
  } catch (e) {
    ctx.log.warn({ account: account.name, err: (e as Error).message }, 'Vinted Pro webhook registration failed (results come by status poll)');
  }
}
