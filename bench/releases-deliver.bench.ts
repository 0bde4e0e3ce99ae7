// releases delivery: a 1 GiB TV release (20 × 50 MB random RAR-sized volumes + NFO/SFV; --quick:
// 256 MiB) sent to a local vsftpd and a local OpenSSH sshd started for the run (test harness of
// test/releases/deliver/servers.ts; needs root, vsftpd, openssh-server, curl and openssh-client).
// - throughput as a ratio to `curl -T` (FTP) and OpenSSH `sftp` (SFTP) on the same files in the
//   same run, one file at a time like them (target ≥ 0.8×), and with our default 2 parallel files;
// - bytes sent again after the connections are cut at 50 % (target ≤ 1 MiB);
// - peak RSS of the sending process (target ≤ 200 MB).
// The data is generated into a temp dir and removed at the end, as are the servers' files.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { randomFillSync } from 'node:crypto';
import type { BenchFn, BenchRow } from './types.ts';
import { startSshd, startVsftpd, cleanup, type Server } from '../test/releases/deliver/servers.ts';

const NODE = process.execPath;
const CHILD = path.join(import.meta.dirname, 'releases', 'deliver-child.ts');
const MiB = 1024 * 1024;

async function makeRelease(dir: string, total: number): Promise<void> {
  await fsp.mkdir(dir, { recursive: true });
  await fsp.writeFile(path.join(dir, 'bench.s01e01.720p.web.h264-atl.nfo'), 'bench nfo\r\n');
  await fsp.writeFile(path.join(dir, 'bench.s01e01.720p.web.h264-atl.sfv'), '; bench\r\n');
  const vol = 50_000_000;
  const buf = Buffer.allocUnsafe(4 * MiB);
  for (let i = 0, left = total; left > 0; i++) {
    const name = `bench.s01e01.720p.web.h264-atl.${i === 0 ? 'rar' : `r${String(i - 1).padStart(2, '0')}`}`;
    const fd = await fsp.open(path.join(dir, name), 'w');
    for (let n = Math.min(vol, left); n > 0;) {
      const c = Math.min(n, buf.length);
      randomFillSync(buf, 0, c);
      await fd.write(buf, 0, c);
      n -= c;
    }
    await fd.close();
    left -= Math.min(vol, left);
  }
}

function child(opts: Record<string, unknown>, onHalf?: () => Promise<void>): Promise<{ ok: boolean; sent: number; bytes: number; seconds: number; maxRssBytes: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn(NODE, [CHILD, JSON.stringify(opts)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (c) => {
      out += c;
      if (onHalf && out.includes('HALF\n')) { const f = onHalf; onHalf = undefined; void f(); }
    });
    p.on('error', reject);
    p.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      try { resolve(JSON.parse(line)); } catch { reject(new Error(`deliver child exited ${code}: ${out}`)); }
    });
  });
}

const timed = (cmd: string, args: string[], input?: string) => {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { input, encoding: 'utf8', maxBuffer: 16 * MiB });
  if (r.status !== 0) throw new Error(`${cmd} failed (${r.status}): ${r.stderr}`);
  return (performance.now() - t0) / 1000;
};

const bench: BenchFn = async ({ quick, log }) => {
  if (process.getuid?.() !== 0) throw new Error('the delivery bench starts vsftpd and sshd as root: run it as root');
  for (const bin of ['curl', 'sftp']) if (spawnSync('which', [bin]).status !== 0) throw new Error(`${bin} is missing (apt-get install -y ${bin === 'sftp' ? 'openssh-client' : 'curl'})`);
  const total = quick ? 256 * MiB : 1024 * MiB;
  const work = await fsp.mkdtemp(path.join(os.tmpdir(), 'atelier-bench-deliver-'));
  const rel = path.join(work, 'Bench.S01E01.720p.WEB.H264-ATL');
  let ftp: Server | undefined;
  let sftp: (Server & { keyFile: string }) | undefined;
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  try {
    log(`generating a ${total / MiB} MiB release in ${rel}`);
    await makeRelease(rel, total);
    const files = fs.readdirSync(rel).sort();
    [ftp, sftp] = await Promise.all([startVsftpd(), startSshd()]);
    const mib = (bytes: number, s: number) => bytes / MiB / s;
    const peak: number[] = [];

    // FTP: curl -T, then ours one file at a time, then ours with 2 parallel files
    const curlDir = `${ftp.root}/curl`;
    const curlS = timed('curl', ['-sS', '--ftp-create-dirs', '-K', '-', ...files.flatMap((f) => ['-T', path.join(rel, f), `ftp://${ftp!.host}:${ftp!.port}${curlDir}/`])], `user = "${ftp.user}:${ftp.password}"\n`);
    await fsp.rm(curlDir, { recursive: true, force: true });
    const base = { host: ftp.host, port: ftp.port, user: ftp.user, password: ftp.password, dir: rel };
    const f1 = await child({ ...base, kind: 'ftp', remoteDir: `${ftp.root}/ours1`, parallel: 1 });
    await fsp.rm(`${ftp.root}/ours1`, { recursive: true, force: true });
    const f2 = await child({ ...base, kind: 'ftp', remoteDir: `${ftp.root}/ours2`, parallel: 2 });
    await fsp.rm(`${ftp.root}/ours2`, { recursive: true, force: true });
    log(`FTP: curl ${curlS.toFixed(1)} s, ours ${f1.seconds.toFixed(1)} s (1 file at a time), ${f2.seconds.toFixed(1)} s (2 parallel)`);
    peak.push(f1.maxRssBytes, f2.maxRssBytes);
    const fr = curlS / f1.seconds;
    rows.push({ metric: 'FTP throughput, 1 file at a time', value: mib(total, f1.seconds), unit: 'MiB/s', baseline: { label: 'curl -T', value: mib(total, curlS), unit: 'MiB/s' }, ratio: fr, target: '≥ 0.8×', ok: fr >= 0.8 && f1.ok });
    rows.push({ metric: 'FTP throughput, 2 parallel files', value: mib(total, f2.seconds), unit: 'MiB/s', baseline: { label: 'curl -T', value: mib(total, curlS), unit: 'MiB/s' }, ratio: curlS / f2.seconds, ok: f2.ok });

    // SFTP: OpenSSH sftp (key login, default 64 × 32 KiB requests in flight) vs ours
    const sftpDir = `${sftp.root}/openssh`;
    await fsp.mkdir(sftpDir);
    await fsp.chown(sftpDir, fs.statSync(sftp.root).uid, fs.statSync(sftp.root).gid);
    const sftpS = timed('sftp', ['-q', '-b', '-', '-P', String(sftp.port), '-i', sftp.keyFile, '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', `${sftp.user}@${sftp.host}`],
      files.map((f) => `put ${path.join(rel, f)} ${sftpDir}/${f}`).join('\n') + '\n');
    await fsp.rm(sftpDir, { recursive: true, force: true });
    const sbase = { host: sftp.host, port: sftp.port, user: sftp.user, keyFile: sftp.keyFile, fingerprint: sftp.fingerprint, dir: rel };
    const s1 = await child({ ...sbase, kind: 'sftp', remoteDir: `${sftp.root}/ours1`, parallel: 1 });
    await fsp.rm(`${sftp.root}/ours1`, { recursive: true, force: true });
    const s2 = await child({ ...sbase, kind: 'sftp', remoteDir: `${sftp.root}/ours2`, parallel: 2 });
    await fsp.rm(`${sftp.root}/ours2`, { recursive: true, force: true });
    log(`SFTP: openssh ${sftpS.toFixed(1)} s, ours ${s1.seconds.toFixed(1)} s (1 file at a time), ${s2.seconds.toFixed(1)} s (2 parallel)`);
    peak.push(s1.maxRssBytes, s2.maxRssBytes);
    const sr = sftpS / s1.seconds;
    rows.push({ metric: 'SFTP throughput, 1 file at a time', value: mib(total, s1.seconds), unit: 'MiB/s', baseline: { label: 'OpenSSH sftp', value: mib(total, sftpS), unit: 'MiB/s' }, ratio: sr, target: '≥ 0.8×', ok: sr >= 0.8 && s1.ok });
    rows.push({ metric: 'SFTP throughput, 2 parallel files', value: mib(total, s2.seconds), unit: 'MiB/s', baseline: { label: 'OpenSSH sftp', value: mib(total, sftpS), unit: 'MiB/s' }, ratio: sftpS / s2.seconds, ok: s2.ok });

    // connections cut at 50 %: the daemon and its sessions SIGKILLed, restarted; bytes sent twice
    for (const [label, srv, opts] of [['FTP', ftp, { ...base, kind: 'ftp' }], ['SFTP', sftp, { ...sbase, kind: 'sftp' }]] as const) {
      const r = await child({ ...opts, remoteDir: `${srv.root}/drop`, parallel: 1, dropAt: 0.5 }, async () => { await srv.kill(); await srv.start(); });
      await fsp.rm(`${srv.root}/drop`, { recursive: true, force: true });
      const resent = r.sent - r.bytes;
      peak.push(r.maxRssBytes);
      rows.push({ metric: `${label}: bytes sent again after a drop at 50 %`, value: resent / MiB, unit: 'MiB', target: '≤ 1 MiB', ok: r.ok && resent <= MiB });
    }
    const maxRss = Math.max(...peak);
    rows.push({ metric: 'peak RSS of the sending process', value: maxRss / 1e6, unit: 'MB', target: '≤ 200 MB', ok: maxRss <= 200e6 });
    notes.push(`${total / MiB} MiB in ${files.length} files, loopback, ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(1)} at the end; the machine is shared, so absolute MiB/s vary between runs — the ratios compare runs made one after the other`);
    notes.push('SFTP: "bytes sent again" includes the up to 1 MiB (16 × 64 KiB pipelined writes) resent before the server\'s size, since writes in flight may land out of order');
  } finally {
    await cleanup(ftp, sftp);
    await fsp.rm(work, { recursive: true, force: true });
  }
  return { name: 'releases-deliver', rows, notes };
};

export default bench;
