// Job handlers receive only their JobContext, not the CoreContext (src/core/module.ts): the module
// keeps the CoreContext it is given by routes() (server) or by cliCtx.open() (CLI) here.
// TODO(core): pass the CoreContext to module job handlers so `atelier worker` processes need no routes().
import type { CoreContext } from '../../core/module.ts';
import { readSettings, type VintedSettings } from '../settings.ts';

let current: CoreContext | null = null;

export function bindCore(ctx: CoreContext): void {
  current = ctx;
}

export function core(): CoreContext {
  if (!current) throw new Error('vinted: the platform context is not bound yet (the server registers routes before workers take jobs)');
  return current;
}

export function settingsOf(ctx: CoreContext): VintedSettings {
  return readSettings(ctx.config.env, ctx.config.dataDir);
}
