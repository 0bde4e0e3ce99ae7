// The module's settings as read from the platform's environment.
import type { CoreContext } from '../../core/module.ts';
import { readSettings, type ReleasesSettings } from '../settings.ts';

export function settingsOf(ctx: CoreContext): ReleasesSettings {
  return readSettings(ctx.config.env, ctx.config.dataDir);
}
