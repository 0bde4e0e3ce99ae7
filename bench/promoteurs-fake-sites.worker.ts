// The benchmark's fake developer sites, served from a worker thread: real sites spend their own CPU
// on other machines, so the fakes (page generation, ETags, 150 kB bodies) must not share the scraper's
// event loop — otherwise the bench measures the fakes' speed as much as the engine's.
import { parentPort, workerData } from 'node:worker_threads';
import { startFakeSite, type FakeSite, type FakeSiteOptions } from '../src/promoteurs/fakes/sites.ts';

const defs = workerData as FakeSiteOptions[];
const sites: FakeSite[] = [];
for (const o of defs) sites.push(await startFakeSite(o));
parentPort!.on('message', async (m: { id: number; cmd: 'reset' | 'count' | 'close'; kind?: string }) => {
  let value: unknown = null;
  if (m.cmd === 'reset') for (const s of sites) s.reset();
  else if (m.cmd === 'count') value = sites.map((s) => s.requests.filter((q) => q.kind === m.kind).length);
  else if (m.cmd === 'close') for (const s of sites) await s.close();
  parentPort!.postMessage({ id: m.id, value });
});
parentPort!.postMessage({ ready: sites.map((s) => ({ url: s.url, programmes: s.programmes.length })) });
