// Job handlers receive only their JobContext (src/core/module.ts); the module keeps the CoreContext
// it is given by routes() (server) or by cliCtx.open() (CLI) here, like the vinted module does.
import type { CoreContext } from '../../core/module.ts';
import { readSettings, type ReleasesSettings } from '../settings.ts';

let current: CoreContext | null = null;

export function bindCore(ctx: CoreContext): void {
  current = ctx;
}

export function core(): CoreContext {
  if (!current) throw new Error('releases: the platform context is not bound yet (routes() or the CLI binds it before workers take jobs)');
  return current;
}

export function settingsOf(ctx: CoreContext): ReleasesSettings {
  return readSettings(ctx.config.env, ctx.config.dataDir);
}
