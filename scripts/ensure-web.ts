// Builds the web app (web/dist) when it is missing or older than its sources, so that
// `npm install && npm start` serves the UI on a fresh clone (run by `prestart`; the e2e test uses it too).
//
// The build goes to a temporary folder and is then put in place so that a server reading web/dist
// never sees a half-written app (see install()); a lock folder keeps two builds from racing.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(import.meta.dirname, '..');
const web = path.join(root, 'web');
const dist = path.join(web, 'dist');
const stampFile = path.join(dist, '.build-stamp.json');
const lockDir = path.join(web, '.build-lock');
const SOURCES = ['src', 'public', 'index.html', 'vite.config.ts'].map((p) => path.join(web, p));
// server files the web app imports too (one catalogue for the CLI and the page)
SOURCES.push(path.join(root, 'src/releases/validate/messages.ts'));

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

/**
 * Puts a new build in place over an existing web/dist without a moment where pages break: the new
 * hashed assets are added next to the old ones (a page loaded just before can still fetch its lazy
 * chunks), then index.html is swapped in one rename, then assets of older builds that are no longer
 * referenced are removed once they are 10 minutes old.
 */
function install(tmp: string): void {
  const fresh = new Set<string>();
  const copy = (from: string, rel: string) => {
    for (const e of fs.readdirSync(from, { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      if (e.isDirectory()) {
        fs.mkdirSync(path.join(dist, r), { recursive: true });
        copy(path.join(from, e.name), r);
      } else if (r !== 'index.html' && r !== '.build-stamp.json') {
        fs.copyFileSync(path.join(from, e.name), path.join(dist, r));
        fresh.add(r);
      }
    }
  };
  copy(tmp, '');
  fs.renameSync(path.join(tmp, 'index.html'), path.join(dist, 'index.html'));
  fs.renameSync(path.join(tmp, '.build-stamp.json'), stampFile);
  const assets = path.join(dist, 'assets');
  if (!fs.existsSync(assets)) return;
  for (const name of fs.readdirSync(assets)) {
    const f = path.join(assets, name);
    if (!fresh.has(path.join('assets', name)) && Date.now() - fs.statSync(f).mtimeMs > 600_000) fs.rmSync(f, { force: true });
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
    fs.rmSync(tmp, { recursive: true, force: true });
    try {
      await vite.build({
        configFile: path.join(web, 'vite.config.ts'),
        logLevel: o.quiet ? 'error' : 'warn',
        build: { outDir: tmp, emptyOutDir: true },
      });
      fs.writeFileSync(path.join(tmp, '.build-stamp.json'), JSON.stringify(sources));
      if (!fs.existsSync(path.join(dist, 'index.html'))) {
        fs.rmSync(dist, { recursive: true, force: true });
        fs.renameSync(tmp, dist);
      } else {
        install(tmp);
      }
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
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
