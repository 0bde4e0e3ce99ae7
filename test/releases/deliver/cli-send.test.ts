// The CLI contract of issue 12, as scripts use it, on real daemons: `destinations add … --json`,
// `send <release-dir> --dest N --json` (files in <path>/<release name>/, exit 1 on failure, a
// second send uploads nothing), `kill -9` of the sending process resumed by the next send, and a
// planted password that must never appear in any output.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { spawn } from 'node:child_process';
import { startVsftpd, startSshd, cleanup, type Server } from './servers.ts';
import { partName } from '../../../src/releases/deliver/deliver.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const NODE = path.join(ROOT, 'node_modules/.bin/node');
let dir: string;
let env: Record<string, string>;
let ftp: Server;
let sftp: Server;
const REL = 'Show.S01E01.720p.WEB.H264-ATL';
let output = '';

function atelier(args: string[], onSpawn?: (pid: number) => void): Promise<{ code: number; json: any; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(NODE, [path.join(ROOT, 'src/cli.ts'), ...args, '--json'], { env, cwd: dir });
    onSpawn?.(p.pid!);
    let out = '';
    let err = '';
    p.stdout.on('data', (c) => (out += c));
    p.stderr.on('data', (c) => (err += c));
    p.on('error', reject);
    p.on('close', (code, signal) => {
      output += out + err;
      let json: any;
      try { json = JSON.parse(out.trim().split('\n').pop() ?? ''); } catch { json = undefined; }
      resolve({ code: code ?? (signal ? 137 : -1), json, stderr: err });
    });
  });
}

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'rel-send-'));
  env = { ...process.env, ATELIER_DATA_DIR: path.join(dir, 'data'), ATELIER_SECRET_KEY: 'send-test-key-0123456789abcdef012345678', LOG_LEVEL: 'info', ATELIER_DELIVERY_BACKOFF_MS: '200' } as Record<string, string>;
  const rel = path.join(dir, REL);
  await fsp.mkdir(path.join(rel, 'Sample'), { recursive: true });
  await fsp.writeFile(path.join(rel, 'show.s01e01.720p.web.h264-atl.nfo'), 'nfo\r\n');
  await fsp.writeFile(path.join(rel, 'show.s01e01.720p.web.h264-atl.sfv'), '; sfv\r\n');
  await fsp.writeFile(path.join(rel, 'show.s01e01.720p.web.h264-atl.rar'), crypto.randomBytes(6 * 1024 * 1024));
  await fsp.writeFile(path.join(rel, 'show.s01e01.720p.web.h264-atl.r00'), crypto.randomBytes(3 * 1024 * 1024));
  await fsp.writeFile(path.join(rel, 'Sample', 'show-sample.mkv'), crypto.randomBytes(100_000));
  [ftp, sftp] = await Promise.all([startVsftpd(), startSshd()]);
  await fsp.writeFile(path.join(dir, 'pw'), `${ftp.password}\n`, { mode: 0o600 });
}, 60_000);
afterAll(async () => {
  await cleanup(ftp, sftp);
  await fsp.rm(dir, { recursive: true, force: true });
});

const relDir = () => path.join(dir, REL);
const same = (a: string, b: string) => fs.readFileSync(a).equals(fs.readFileSync(b));

describe('atelier releases destinations / send', () => {
  it('adds an SFTP destination pinning the key seen (--accept-host-key), an FTP one, and lists them masked', async () => {
    const s = await atelier(['releases', 'destinations', 'add', '--name', 'seedbox', '--kind', 'sftp', '--host', sftp.host, '--port', String(sftp.port), '--user', sftp.user, '--password-file', 'pw', '--path', `${sftp.root}/{type}`, '--accept-host-key']);
    expect(s.code, s.stderr).toBe(0);
    expect(s.json).toMatchObject({ ok: true, destination: { name: 'seedbox', kind: 'sftp', fingerprint: sftp.fingerprint } });
    expect(s.json.destination.id).toMatch(/^[0-9a-f-]{36}$/);
    const f = await atelier(['releases', 'destinations', 'add', '--name', 'site', '--kind', 'ftp', '--host', ftp.host, '--port', String(ftp.port), '--user', ftp.user, '--password-file', 'pw', '--path', `${ftp.root}/incoming`]);
    expect(f.code, f.stderr).toBe(0);
    const dup = await atelier(['releases', 'destinations', 'add', '--name', 'site', '--kind', 'ftp', '--host', ftp.host, '--user', 'x', '--password-file', 'pw', '--path', '/x']);
    expect(dup.code).toBe(1);
    const l = await atelier(['releases', 'destinations', 'list']);
    expect(l.json.destinations.map((d: any) => d.password)).toEqual([`****${ftp.password.slice(-4)}`, `****${ftp.password.slice(-4)}`]);
    const t = await atelier(['releases', 'destinations', 'test', 'site']);
    expect(t.code, t.stderr).toBe(0);
    expect(t.json.steps.map((x: any) => x.step)).toEqual(['connect', 'list', 'write', 'delete']);
  }, 240_000);

  it('a given --host-key that does not match is refused at send time with a clear message, exit 1', async () => {
    const wrong = 'SHA256:' + crypto.randomBytes(32).toString('base64').replace(/=+$/, '');
    const a = await atelier(['releases', 'destinations', 'add', '--name', 'pinned-wrong', '--kind', 'sftp', '--host', sftp.host, '--port', String(sftp.port), '--user', sftp.user, '--password-file', 'pw', '--path', `${sftp.root}/wrong`, '--host-key', wrong]);
    expect(a.code, a.stderr).toBe(0);
    const r = await atelier(['releases', 'send', relDir(), '--dest', 'pinned-wrong']);
    expect(r.code).toBe(1);
    expect(r.json.ok).toBe(false);
    expect(r.json.files[0].error.message).toMatch(/changed: expected .* got SHA256:/);
    expect(fs.existsSync(`${sftp.root}/wrong`)).toBe(false);
  }, 240_000);

  it('send --json: every file verified under <path>/<release name>/, then again: nothing uploaded', async () => {
    const r = await atelier(['releases', 'send', relDir(), '--dest', 'seedbox', '--type', 'TV']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json).toMatchObject({ ok: true, destination: { name: 'seedbox', kind: 'sftp' } });
    expect(r.json.files.map((f: any) => f.name)).toEqual(['show.s01e01.720p.web.h264-atl.nfo', 'show.s01e01.720p.web.h264-atl.sfv', 'show.s01e01.720p.web.h264-atl.rar', 'show.s01e01.720p.web.h264-atl.r00', 'Sample/show-sample.mkv']);
    expect(r.json.files.every((f: any) => f.verified && typeof f.bytes === 'number')).toBe(true);
    for (const f of r.json.files) expect(same(path.join(sftp.root, 'tv', REL, f.name), path.join(relDir(), f.name))).toBe(true);
    const again = await atelier(['releases', 'send', relDir(), '--dest', 'seedbox', '--type', 'TV']);
    expect(again.code).toBe(0);
    expect(again.json.sent).toBe(0);
    expect(again.json.files.every((f: any) => f.verified && f.skipped)).toBe(true);
  }, 240_000);

  it('kill -9 of the sending process mid-file: the next send resumes at the byte and the files are identical', async () => {
    await atelier(['releases', 'destinations', 'add', '--name', 'slow', '--kind', 'ftp', '--host', ftp.host, '--port', String(ftp.port), '--user', ftp.user, '--password-file', 'pw', '--path', `${ftp.root}/slow`, '--limit-kbps', '3072', '--parallel', '1']);
    const part = path.join(ftp.root, 'slow', REL, partName('show.s01e01.720p.web.h264-atl.rar'));
    let pid = 0;
    const first = atelier(['releases', 'send', relDir(), '--dest', 'slow'], (p) => (pid = p));
    const until = Date.now() + 30_000;
    while (!(fs.existsSync(part) && fs.statSync(part).size > 2 * 1024 * 1024) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    process.kill(pid, 'SIGKILL');
    expect((await first).code).toBe(137);
    const had = fs.statSync(part).size;
    expect(fs.existsSync(path.join(ftp.root, 'slow', REL, 'show.s01e01.720p.web.h264-atl.rar'))).toBe(false);
    const r = await atelier(['releases', 'send', relDir(), '--dest', 'slow']);
    expect(r.code, r.stderr).toBe(0);
    const rar = r.json.files.find((f: any) => f.name.endsWith('.rar'));
    expect(rar).toMatchObject({ verified: true });
    expect(rar.sent).toBe(6 * 1024 * 1024 - had);
    for (const f of r.json.files) expect(same(path.join(ftp.root, 'slow', REL, f.name), path.join(relDir(), f.name))).toBe(true);
  }, 240_000);

  it('a wrong password fails the send with exit 1 and the planted password never appears in any output', async () => {
    await fsp.writeFile(path.join(dir, 'badpw'), 'planted-Secret-9f8e7d\n');
    await atelier(['releases', 'destinations', 'add', '--name', 'badlogin', '--kind', 'ftp', '--host', ftp.host, '--port', String(ftp.port), '--user', ftp.user, '--password-file', 'badpw', '--path', `${ftp.root}/bad`]);
    const r = await atelier(['releases', 'send', relDir(), '--dest', 'badlogin']);
    expect(r.code).toBe(1);
    expect(r.json.files[0].error.code).toBe('auth');
    const l = await atelier(['releases', 'destinations', 'list']);
    expect(l.json.destinations.find((d: any) => d.name === 'badlogin').password).toBe('****8e7d');
    expect(output).not.toContain('planted-Secret-9f8e7d');
    expect(output).not.toContain(ftp.password);
  }, 240_000);
});
