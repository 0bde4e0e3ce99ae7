// Builds the web app (web/dist) when it is missing or older than its sources, so that
// `npm install && npm start` serves the UI on a fresh clone (run by `prestart`; the e2e test uses it too).
//
// The build goes to a temporary folder that then replaces web/dist in two renames, so a server that
// is reading web/dist never sees a half-written app, and a lock folder keeps two builds from racing.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(import.meta.dirname, '..');
const web = path.join(root, 'web');
const dist = path.join(web, 'dist');
const stampFile = path.join(dist, '.build-stamp.json');
const lockDir = path.join(web, '.build-lock');
const SOURCES = ['src', 'public', 'index.html', 'vite.config.ts'].map((p) => path.join(web, p));

/** Newest modification time under the web sources (directories count: a deleted file changes its folder). */
function newestSource(): { mtimeMs: number; files: number } {
  let mtimeMs = 0;
  let files = 0;
  const walk = (p: string) => {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      return;
    }
    mtimeMs = Math.max(mtimeMs, st.mtimeMs);
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) walk(path.join(p, e));
    else files++;
  };
  for (const s of SOURCES) walk(s);
  const lock = path.join(root, 'package-lock.json');
  if (fs.existsSync(lock)) mtimeMs = Math.max(mtimeMs, fs.statSync(lock).mtimeMs);
  return { mtimeMs, files };
}

/** Why web/dist must be rebuilt, or null when it is up to date. */
export function staleReason(): string | null {
  if (!fs.existsSync(path.join(dist, 'index.html'))) return 'web/dist is missing';
  let stamp: { mtimeMs: number; files: number } | undefined;
  try {
    stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8'));
  } catch {
    return 'web/dist has no build stamp';
  }
  const now = newestSource();
  if (now.mtimeMs > stamp!.mtimeMs || now.files !== stamp!.files) return 'web/src changed since the last build';
  return null;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      // a build killed half-way leaves its lock behind: builds take seconds, so 5 minutes is dead
      try {
        if (Date.now() - fs.statSync(lockDir).mtimeMs > 300_000) fs.rmSync(lockDir, { recursive: true, force: true });
      } catch {
        // removed by its owner meanwhile
      }
      if (Date.now() > deadline) throw new Error(`another web build holds ${lockDir} for too long; remove it if no build is running`);
      await sleep(200);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

export interface EnsureResult {
  built: boolean;
  reason: string | null;
  ms: number;
}

/** Builds web/dist if needed. `force` rebuilds anyway. */
export async function ensureWeb(o: { force?: boolean; quiet?: boolean } = {}): Promise<EnsureResult> {
  const t0 = Date.now();
  const first = o.force ? 'forced' : staleReason();
  if (!first) return { built: false, reason: null, ms: 0 };
  return withLock(async () => {
    const reason = o.force ? 'forced' : staleReason(); // someone else may have built it while we waited
    if (!reason) return { built: false, reason: null, ms: Date.now() - t0 };
    let vite: typeof import('vite');
    try {
      vite = await import('vite');
    } catch {
      throw new Error('the web app needs building but vite is not installed: run `npm install` (with dev dependencies), then `npm run build:web`');
    }
    if (!o.quiet) console.error(`[atelier] building the web app (${reason})…`);
    const sources = newestSource();
    const tmp = path.join(web, `.dist-tmp-${process.pid}`);
    const old = path.join(web, `.dist-old-${process.pid}`);
    fs.rmSync(tmp, { recursive: true, force: true });
    try {
      await vite.build({
        configFile: path.join(web, 'vite.config.ts'),
        logLevel: o.quiet ? 'error' : 'warn',
        build: { outDir: tmp, emptyOutDir: true },
      });
      fs.writeFileSync(path.join(tmp, '.build-stamp.json'), JSON.stringify(sources));
      if (fs.existsSync(dist)) fs.renameSync(dist, old);
      fs.renameSync(tmp, dist);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
      fs.rmSync(old, { recursive: true, force: true });
    }
    const ms = Date.now() - t0;
    if (!o.quiet) console.error(`[atelier] web app built in ${(ms / 1000).toFixed(1)} s → web/dist`);
    return { built: true, reason, ms };
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureWeb({ force: process.argv.includes('--force') }).catch((e: Error) => {
    console.error(`[atelier] ${e.message}`);
    process.exit(1);
  });
}
