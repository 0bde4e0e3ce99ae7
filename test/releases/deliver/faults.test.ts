// Delivery against real daemons on loopback (vsftpd for FTP and explicit FTPS, OpenSSH sshd for
// SFTP), one test per fault. Each ends with the file byte-identical on the server, or a clear
// error and nothing under the final name (only the ".part" file, which the next try resumes).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { startVsftpd, startSshd, cleanup, type Server } from './servers.ts';
import { connect } from '../../../src/releases/deliver/sftp.ts';
import { deliverRelease, listLocal, partName, type LocalFile } from '../../../src/releases/deliver/deliver.ts';
import { throttle } from '../../../src/releases/deliver/throttle.ts';
import { SFTP_IN_FLIGHT } from '../../../src/releases/deliver/sftp.ts';

let ftp: Server;
let ftps: Server;
let sftp: Server & { keyFile: string };
let dir: string;
let big: LocalFile;
const SIZE = 8 * 1024 * 1024;

beforeAll(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'rel-faults-'));
  const p = path.join(dir, 'show.s01e01.rar');
  await fsp.writeFile(p, crypto.randomBytes(SIZE));
  big = { name: 'show.s01e01.rar', size: SIZE, path: p };
  [ftp, ftps, sftp] = await Promise.all([startVsftpd(), startVsftpd({ tls: true }), startSshd()]);
}, 60_000);
afterAll(async () => {
  await cleanup(ftp, ftps, sftp);
  await fsp.rm(dir, { recursive: true, force: true });
});

const opts = (s: Server, over: Record<string, unknown> = {}) => ({ kind: s.kind, host: s.host, port: s.port, user: s.user, password: s.password, fingerprint: s.fingerprint, ...over });
const same = (a: string, b: string) => fs.readFileSync(a).equals(fs.readFileSync(b));

async function waitFor(cond: () => boolean, ms = 20_000) {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}
const sizeOf = (f: string) => { try { return fs.statSync(f).size; } catch { return 0; } };

/** a part file left on the server by an earlier attempt, owned by the login as the server would leave it */
async function plantPart(s: Server, remoteDir: string, bytes: Buffer) {
  await fsp.mkdir(remoteDir, { recursive: true });
  const p = path.join(remoteDir, partName(big.name));
  await fsp.writeFile(p, bytes);
  const { uid, gid } = fs.statSync(s.root);
  for (const f of [remoteDir, p]) await fsp.chown(f, uid, gid);
}

function send(s: Server, remoteDir: string, extra: Partial<Parameters<typeof deliverRelease>[1]> = {}, files = [big]) {
  return deliverRelease(files, { kind: s.kind, remoteDir, connect: () => connect(opts(s) as never), retries: 8, backoffMs: 200, ...extra });
}

describe.each(['ftp', 'ftps', 'sftp'] as const)('%s', (kind) => {
  const srv = () => (kind === 'ftp' ? ftp : kind === 'ftps' ? ftps : sftp);

  it('sends, verifies, and a second send uploads nothing', async () => {
    const s = srv();
    const remote = `${s.root}/plain`;
    const r = await send(s, remote);
    expect(r.ok, JSON.stringify(r.files)).toBe(true);
    expect(r.files[0]).toMatchObject({ verified: true, skipped: false });
    expect(same(path.join(remote, big.name), big.path)).toBe(true);
    const again = await send(s, remote);
    expect(again.ok).toBe(true);
    expect(again.sent).toBe(0);
    expect(again.files[0]).toMatchObject({ verified: true, skipped: true });
  });

  it('the connection killed mid-file: resumes at the byte, file identical, little sent twice', async () => {
    const s = srv();
    const remote = `${s.root}/killed`;
    const part = path.join(remote, partName(big.name));
    // every byte read and handed to the connection passes the throttle once
    const limit = throttle(6 * 1024 * 1024)!;
    let issued = 0;
    const run = send(s, remote, { throttle: async (n) => { issued += n; await limit(n); } });
    await waitFor(() => sizeOf(part) > SIZE / 2);
    // SIGKILL every session process of the daemon: the TCP connection dies mid-transfer
    await s.kill();
    await s.start();
    const r = await run;
    expect(r.ok).toBe(true);
    expect(same(path.join(remote, big.name), big.path)).toBe(true);
    expect(fs.existsSync(part)).toBe(false);
    // sent twice = only what the drop lost in flight: SFTP's WRITE window; FTP's socket buffers
    expect(issued - SIZE).toBeGreaterThanOrEqual(0);
    expect(issued - SIZE).toBeLessThanOrEqual(kind === 'sftp' ? SFTP_IN_FLIGHT : 4 * 1024 * 1024);
  });

  it('resumes at the server\'s size when the part\'s tail matches the file', async () => {
    const s = srv();
    const remote = `${s.root}/resume-exact`;
    const have = 3 * 1024 * 1024 + 12_345;
    await plantPart(s, remote, fs.readFileSync(big.path).subarray(0, have));
    const lines: string[] = [];
    const r = await send(s, remote, { log: (_l, m) => { lines.push(m); } });
    expect(r.ok, JSON.stringify(r.files)).toBe(true);
    expect(lines).toContain(`${big.name}: resuming at byte ${have} of ${SIZE}`);
    expect(r.sent).toBe(SIZE - have);
    expect(same(path.join(remote, big.name), big.path)).toBe(true);
  });

  it('a part whose tail differs from the file is not appended to', async () => {
    const s = srv();
    const remote = `${s.root}/resume-hole`;
    const have = 3 * 1024 * 1024;
    // SFTP: zeros 300 KiB before the end, as a write still out at the cut that landed after a later
    // one leaves them (a hole). FTP lands bytes in order; its part differs at the end when another
    // version of the file (a release packed again) was sent under the same name.
    const planted = Buffer.from(fs.readFileSync(big.path).subarray(0, have));
    const hole = kind === 'sftp' ? have - 300 * 1024 : have - 10 * 1024;
    planted.fill(0, hole, Math.min(hole + 100 * 1024, have));
    await plantPart(s, remote, planted);
    const lines: string[] = [];
    const r = await send(s, remote, { log: (_l, m) => { lines.push(m); } });
    expect(r.ok, JSON.stringify(r.files)).toBe(true);
    expect(same(path.join(remote, big.name), big.path)).toBe(true);
    if (kind === 'sftp') {
      // SFTP writes again from the first byte that differs
      expect(lines).toContain(`${big.name}: resuming at byte ${hole} of ${SIZE}`);
      expect(r.sent).toBe(SIZE - hole);
    } else {
      // FTP can only append: the file goes again whole
      expect(lines).toContain(`${big.name}: the part on the server does not match this file: sending it again whole`);
      expect(r.sent).toBe(SIZE);
    }
  });

  it('a wrong password: a clear error, nothing written', async () => {
    const s = srv();
    const remote = `${s.root}/wrongpw`;
    const r = await deliverRelease([big], { kind: s.kind, remoteDir: remote, connect: () => connect(opts(s, { password: 'not-the-password' }) as never), retries: 2, backoffMs: 50 });
    expect(r.ok).toBe(false);
    expect(r.files[0]!.error).toMatchObject({ code: 'auth' });
    expect(r.files[0]!.error!.message).toMatch(/refused the login/);
    expect(fs.existsSync(remote)).toBe(false);
  });

  it('permission denied: a clear error, nothing under the final name', async () => {
    const s = srv();
    const locked = `${s.root}/locked`;
    await fsp.mkdir(locked, { mode: 0o555 });
    await fsp.chmod(locked, 0o555); // owned by root, not writable by the login
    const r = await send(s, `${locked}/Release`, { retries: 1 });
    expect(r.ok).toBe(false);
    expect(r.files[0]!.error!.code).toBe('permission');
    expect(fs.existsSync(path.join(locked, 'Release', big.name))).toBe(false);
  });
});

describe('server restart, host keys, disk full', () => {
  it('FTP: the server stopped halfway and started again: the upload resumes, files identical', async () => {
    const remote = `${ftp.root}/restart`;
    const part = path.join(remote, partName(big.name));
    const run = send(ftp, remote, { throttle: throttle(6 * 1024 * 1024) });
    await waitFor(() => sizeOf(part) > SIZE / 2);
    await ftp.kill();
    await new Promise((r) => setTimeout(r, 700)); // down for a while: connects are refused, the client backs off
    await ftp.start();
    const r = await run;
    expect(r.ok).toBe(true);
    expect(same(path.join(remote, big.name), big.path)).toBe(true);
  });

  it('FTP: a whole TV release (NFO, SFV, RAR volumes) — the server stopped when half of it is up, started again: resumes, every file identical', async () => {
    // the "done means": a release directory as the Packer writes it, sent volumes in order
    const rel = path.join(dir, 'Sample.Show.S01E02.720p.WEB.H264-ATL');
    await fsp.mkdir(rel, { recursive: true });
    const stem = 'sample.show.s01e02.720p.web.h264-atl';
    const vols = [`${stem}.rar`, `${stem}.r00`, `${stem}.r01`, `${stem}.r02`];
    for (const v of vols) await fsp.writeFile(path.join(rel, v), crypto.randomBytes(3 * 1024 * 1024));
    await fsp.writeFile(path.join(rel, `${stem}.sfv`), vols.map((v) => `${v} ${crypto.randomBytes(4).toString('hex')}`).join('\r\n'));
    await fsp.writeFile(path.join(rel, `${stem}.nfo`), 'Sample Show S01E02\r\n');
    const files = await listLocal(rel);
    expect(files.map((f) => f.name)).toEqual([`${stem}.nfo`, `${stem}.sfv`, ...vols]);
    const total = files.reduce((n, f) => n + f.size, 0);
    const remote = `${ftp.root}/tv-release`;
    const remoteSize = () => files.reduce((n, f) => n + Math.max(sizeOf(path.join(remote, f.name)), sizeOf(path.join(remote, partName(f.name)))), 0);
    const run = send(ftp, remote, { throttle: throttle(6 * 1024 * 1024), parallel: 1 }, files);
    await waitFor(() => remoteSize() > total / 2);
    await ftp.stop();
    await new Promise((r) => setTimeout(r, 700)); // down for a while: connects are refused, the client backs off
    await ftp.start();
    const r = await run;
    expect(r.ok, JSON.stringify(r.files)).toBe(true);
    for (const f of files) expect(same(path.join(remote, f.name), f.path), f.name).toBe(true);
    expect((await fsp.readdir(remote)).sort()).toEqual(files.map((f) => f.name).sort());
    expect(r.sent - total).toBeLessThanOrEqual(4 * 1024 * 1024);
  });

  it('SFTP: sshd restarted mid-file: resumes, identical', async () => {
    const remote = `${sftp.root}/restart`;
    const part = path.join(remote, partName(big.name));
    const run = send(sftp, remote, { throttle: throttle(6 * 1024 * 1024) });
    await waitFor(() => sizeOf(part) > SIZE / 2);
    await sftp.kill();
    await sftp.start();
    const r = await run;
    expect(r.ok).toBe(true);
    expect(same(path.join(remote, big.name), big.path)).toBe(true);
  });

  it('SFTP: a wrong host key is refused with both fingerprints named, before any login', async () => {
    const wrong = 'SHA256:' + crypto.randomBytes(32).toString('base64').replace(/=+$/, '');
    const r = await deliverRelease([big], { kind: 'sftp', remoteDir: `${sftp.root}/hk`, connect: () => connect(opts(sftp, { fingerprint: wrong }) as never), retries: 3, backoffMs: 50 });
    expect(r.ok).toBe(false);
    expect(r.files[0]!.error!.code).toBe('host_key_mismatch');
    expect(r.files[0]!.error!.message).toContain(wrong);
    expect(r.files[0]!.error!.message).toContain(sftp.fingerprint!);
    expect(fs.existsSync(`${sftp.root}/hk`)).toBe(false);
  });

  it('SFTP: an unpinned key is refused and shown; FTPS: a wrong certificate pin is refused', async () => {
    await expect(connect(opts(sftp, { fingerprint: undefined }) as never)).rejects.toThrow(new RegExp(`not pinned yet.*${sftp.fingerprint!.replace(/[+/]/g, '.')}`));
    const pinned = await connect(opts(sftp, { fingerprint: undefined, acceptUnpinned: true }) as never);
    expect(pinned.fingerprint).toBe(sftp.fingerprint);
    await pinned.close();
    await expect(connect(opts(ftps, { fingerprint: sftp.fingerprint }) as never)).rejects.toMatchObject({ code: 'host_key_mismatch' });
  });

  it('SFTP with a private key instead of a password', async () => {
    const remote = `${sftp.root}/bykey`;
    const r = await deliverRelease([big], { kind: 'sftp', remoteDir: remote, connect: () => connect(opts(sftp, { password: undefined, privateKey: fs.readFileSync(sftp.keyFile, 'utf8') }) as never) });
    expect(r.ok).toBe(true);
    expect(same(path.join(remote, big.name), big.path)).toBe(true);
  });

  const canMount = process.getuid?.() === 0 && spawnSync('mount', ['--version']).status === 0;
  it.skipIf(!canMount).each(['ftp', 'sftp'] as const)('%s: disk full (a 2 MiB tmpfs): a clear error, no final file, the part removed', async (kind) => {
    const s = kind === 'ftp' ? ftp : sftp;
    const mnt = `${s.root}/full-${kind}`;
    await fsp.mkdir(mnt);
    const m = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=2m,mode=0777`, 'tmpfs', mnt], { encoding: 'utf8' });
    if (m.status !== 0) throw new Error(`mount tmpfs failed (${m.stderr.trim()}): the disk-full test needs root with CAP_SYS_ADMIN`);
    try {
      const r = await send(s, `${mnt}/Release`, { retries: 3 });
      expect(r.ok).toBe(false);
      expect(['no_space', 'failed']).toContain(r.files[0]!.error!.code);
      expect(r.files[0]!.error!.message).toMatch(/space|quota|Failure|552|452/i);
      expect(fs.existsSync(path.join(mnt, 'Release', big.name))).toBe(false);
      expect(fs.existsSync(path.join(mnt, 'Release', partName(big.name)))).toBe(false);
    } finally {
      spawnSync('umount', ['-l', mnt]);
    }
  });
});
