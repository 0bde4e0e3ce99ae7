// The `atelier` command's entry. Plain JavaScript on purpose: with Node's compile cache on, every
// TypeScript module below comes already stripped and compiled from the cache, so Node never has to
// load its TypeScript stripper (a WebAssembly module: half of `atelier --help`'s start).
import { enableCompileCache } from 'node:module';

enableCompileCache?.();
const { main } = await import('../src/cli.ts');
await main();
