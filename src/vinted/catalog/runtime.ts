// Job handlers receive only their JobContext, not the CoreContext (src/core/module.ts): the module
// keeps the CoreContext it is given by routes() (server) or by cliCtx.open() (CLI) here.
// TODO(core): pass the CoreContext to module job handlers so `atelier worker` processes need no routes().
import type { CoreContext } from '../../core/module.ts';
import { readSettings, type VintedSettings } from '../settings.ts';

let current: CoreContext | null = null;
const waiters: ((ctx: CoreContext) => void)[] = [];

export function bindCore(ctx: CoreContext): void {
  current = ctx;
  for (const w of waiters.splice(0)) w(ctx);
}

/** The context, waiting for it a while: at start the platform runs workers before routes are registered. */
export function coreReady(timeoutMs = 60_000): Promise<CoreContext> {
  if (current) return Promise.resolve(current);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('vinted: the platform context was never bound (routes not registered in this process)')), timeoutMs);
    waiters.push((ctx) => { clearTimeout(timer); resolve(ctx); });
  });
}

export function core(): CoreContext {
  if (!current) throw new Error('vinted: the platform context is not bound yet (the server registers routes before workers take jobs)');
  return current;
}

export function settingsOf(ctx: CoreContext): VintedSettings {
  return readSettings(ctx.config.env, ctx.config.dataDir);
}
