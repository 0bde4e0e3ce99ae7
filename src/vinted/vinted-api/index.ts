// The two adapters behind one entry point. The publish queue, the wardrobe sync and the account
// check pick the adapter of the account's kind; issue 14's inbox, offers and orders add their calls
// to the same classes.
import type { CoreContext } from '../../core/module.ts';
import type { Account } from '../accounts/store.ts';
import { settingsOf } from '../catalog/runtime.ts';
import { WebAdapter } from './web.ts';
import { ProAdapter } from './pro.ts';

export { WebAdapter } from './web.ts';
export { ProAdapter } from './pro.ts';
export { VintedError, type VintedErrorKind } from './errors.ts';

export type Adapter = WebAdapter | ProAdapter;

export function adapterFor(ctx: CoreContext, account: Account): Adapter {
  const s = settingsOf(ctx).publish;
  return account.kind === 'pro' ? new ProAdapter(ctx, account, s.proBaseUrl) : new WebAdapter(ctx, account, s.baseUrl);
}
