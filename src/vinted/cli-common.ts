// What the Studio's CLI files share: the embedded platform when no server owns the data dir, and one
// JSON object (--json) or a human line on stdout.
import type { CoreContext, CliContext } from '../core/module.ts';
import { DataDirLockedError } from '../core/lock.ts';

export type Ctx = CoreContext & { close(): Promise<void> };

/**
 * The embedded platform, or null when a server owns the data dir (the command then goes through its API).
 * `work: false` for a command that only reads (no queue, no workers started).
 */
export async function openOrNull(cli: CliContext, o?: { work?: boolean }): Promise<Ctx | null> {
  try {
    return await cli.open(o);
  } catch (e) {
    if (e instanceof DataDirLockedError) return null;
    throw e;
  }
}

export function out(cli: CliContext, json: unknown, human: string): void {
  if (cli.json()) process.stdout.write(JSON.stringify(json) + '\n');
  else if (human) console.log(human);
}
