// The EspoCRM API key lives in the vault (promoteurs.espocrm.apiKey). PROMOTEURS_ESPOCRM_API_KEY, when
// set, is moved into the vault on first use so that it is read from one place and scrubbed from logs.
import type { CoreContext } from '../../core/module.ts';
import type { PromoteursSettings } from '../settings.ts';

export const ESPO_KEY_NAME = 'promoteurs.espocrm.apiKey';

export async function espoApiKey(core: Pick<CoreContext, 'vault'>, settings: PromoteursSettings): Promise<string | undefined> {
  if (settings.espo.apiKeyEnv) {
    const stored = await core.vault.get(ESPO_KEY_NAME);
    if (stored !== settings.espo.apiKeyEnv) await core.vault.set(ESPO_KEY_NAME, settings.espo.apiKeyEnv);
    return settings.espo.apiKeyEnv;
  }
  return core.vault.get(ESPO_KEY_NAME);
}
