// The module's settings as read from the platform's environment.
import type { CoreContext } from '../../core/module.ts';
import { readSettings, type VintedSettings } from '../settings.ts';

export function settingsOf(ctx: CoreContext): VintedSettings {
  return readSettings(ctx.config.env, ctx.config.dataDir);
}
