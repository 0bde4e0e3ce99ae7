// releases delivery: a 1 GiB TV release (20 × 50 MB random RAR-sized volumes + NFO/SFV; --quick:
// 256 MiB) sent to a local vsftpd and a local OpenSSH sshd started for the run (test harness of
// test/releases/deliver/servers.ts; needs root, vsftpd, openssh-server, curl and openssh-client).
// - throughput as a ratio to `curl -T` (FTP) and OpenSSH `sftp` (SFTP) on the same files in the
//   same run, one file at a time like them (target ≥ 0.8×), and with our default 2 parallel files.
//   The machine is shared and its load swings within seconds, so the tools and ours take turns for
//   a few rounds, each round gives its ratio, and the median is reported; the CPU seconds each
//   sender used per GiB (user + system, load-independent) are reported beside it;
// - bytes sent again after the connections are cut when half of the release is on the server's
//   disk (target ≤ 1 MiB);
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

interface ChildResult { ok: boolean; sent: number; issued: number; resumes: number; retries: number; bytes: number; seconds: number; cpuSeconds: number; maxRssBytes: number }

function child(opts: Record<string, unknown>): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const p = spawn(NODE, [CHILD, JSON.stringify(opts)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (c) => { out += c; });
    p.on('error', reject);
    p.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      try { resolve(JSON.parse(line)); } catch { reject(new Error(`deliver child exited ${code}: ${out}`)); }
    });
  });
}

/** bytes under a directory (the server's files seen from this machine) */
function bytesUnder(dir: string): number {
  let n = 0;
  try {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      try { n += e.isDirectory() ? bytesUnder(p) : fs.statSync(p).size; } catch { /* renamed meanwhile */ }
    }
  } catch { /* not made yet */ }
  return n;
}

/** wall and CPU seconds (user + system, from bash's `times`) of a command */
function timed(cmd: string[], input?: string): { seconds: number; cpuSeconds: number } {
  const t0 = performance.now();
  const r = spawnSync('bash', ['-c', '"$@" || exit $?; times >&2', 'timed', ...cmd], { input, encoding: 'utf8', maxBuffer: 16 * MiB });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd[0]} failed (${r.status}): ${r.stderr}`);
  // `times` prints the shell's user/system times, then its children's: "0m1.234s 0m0.567s"
  const child = r.stderr.trim().split('\n').pop()!.match(/(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/);
  const cpuSeconds = child ? Number(child[1]) * 60 + Number(child[2]) + Number(child[3]) * 60 + Number(child[4]) : NaN;
  return { seconds, cpuSeconds };
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2; };

const bench: BenchFn = async ({ quick, log }) => {
  if (process.getuid?.() !== 0) throw new Error('the delivery bench starts vsftpd and sshd as root: run it as root');
  for (const bin of ['curl', 'sftp']) if (spawnSync('which', [bin]).status !== 0) throw new Error(`${bin} is missing (apt-get install -y ${bin === 'sftp' ? 'openssh-client' : 'curl'})`);
  const total = quick ? 256 * MiB : 1024 * MiB;
  const rounds = 3;
  const work = await fsp.mkdtemp(path.join(os.tmpdir(), 'atelier-bench-deliver-'));
  const rel = path.join(work, 'Bench.S01E01.720p.WEB.H264-ATL');
  let ftp: Server | undefined;
  let sftp: (Server & { keyFile: string }) | undefined;
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  const loads: number[] = [];
  try {
    log(`generating a ${total / MiB} MiB release in ${rel}`);
    await makeRelease(rel, total);
    const files = fs.readdirSync(rel).sort();
    [ftp, sftp] = await Promise.all([startVsftpd(), startSshd()]);
    const mib = (bytes: number, s: number) => bytes / MiB / s;
    const perGiB = (cpu: number) => cpu / (total / (1024 * MiB));
    const peak: number[] = [];
    const base = { host: ftp.host, port: ftp.port, user: ftp.user, password: ftp.password, dir: rel, kind: 'ftp' };
    const sbase = { host: sftp.host, port: sftp.port, user: sftp.user, keyFile: sftp.keyFile, fingerprint: sftp.fingerprint, dir: rel, kind: 'sftp' };
    const ftpTool = (dir: string) => timed(['curl', '-sS', '--ftp-create-dirs', '-K', '-', ...files.flatMap((f) => ['-T', path.join(rel, f), `ftp://${ftp!.host}:${ftp!.port}${dir}/`])], `user = "${ftp!.user}:${ftp!.password}"\n`);
    const sftpTool = async (dir: string) => {
      await fsp.mkdir(dir);
      await fsp.chown(dir, fs.statSync(sftp!.root).uid, fs.statSync(sftp!.root).gid);
      // key login, OpenSSH's defaults (64 requests of 32 KiB in flight)
      return timed(['sftp', '-q', '-b', '-', '-P', String(sftp!.port), '-i', sftp!.keyFile, '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'BatchMode=yes', `${sftp!.user}@${sftp!.host}`],
        files.map((f) => `put ${path.join(rel, f)} ${dir}/${f}`).join('\n') + '\n');
    };

    for (const [label, tool, toolLabel, srv, opts] of [
      ['FTP', ftpTool, 'curl -T', ftp, base],
      ['SFTP', sftpTool, 'OpenSSH sftp', sftp, sbase],
    ] as const) {
      // the tool, ours one file at a time, ours with 2 parallel files: in turn, `rounds` times
      const tool1: { seconds: number; cpuSeconds: number }[] = [];
      const ours1: ChildResult[] = [];
      const ours2: ChildResult[] = [];
      for (let r = 0; r < rounds; r++) {
        tool1.push(await tool(`${srv.root}/tool${r}`));
        await fsp.rm(`${srv.root}/tool${r}`, { recursive: true, force: true });
        ours1.push(await child({ ...opts, remoteDir: `${srv.root}/ours1-${r}`, parallel: 1 }));
        await fsp.rm(`${srv.root}/ours1-${r}`, { recursive: true, force: true });
        ours2.push(await child({ ...opts, remoteDir: `${srv.root}/ours2-${r}`, parallel: 2 }));
        await fsp.rm(`${srv.root}/ours2-${r}`, { recursive: true, force: true });
        loads.push(os.loadavg()[0]!);
        log(`${label} round ${r + 1}: ${toolLabel} ${tool1[r]!.seconds.toFixed(1)} s, ours ${ours1[r]!.seconds.toFixed(1)} s (1 file at a time), ${ours2[r]!.seconds.toFixed(1)} s (2 parallel); load ${os.loadavg()[0]!.toFixed(1)}`);
      }
      peak.push(...ours1.map((o) => o.maxRssBytes), ...ours2.map((o) => o.maxRssBytes));
      const r1 = tool1.map((t, i) => t.seconds / ours1[i]!.seconds);
      const r2 = tool1.map((t, i) => t.seconds / ours2[i]!.seconds);
      const toolS = median(tool1.map((t) => t.seconds));
      rows.push({ metric: `${label} throughput, 1 file at a time (median of ${rounds} rounds)`, value: mib(total, median(ours1.map((o) => o.seconds))), unit: 'MiB/s', baseline: { label: toolLabel, value: mib(total, toolS), unit: 'MiB/s' }, ratio: median(r1), target: '≥ 0.8×', ok: median(r1) >= 0.8 && ours1.every((o) => o.ok) });
      rows.push({ metric: `${label} throughput, 2 parallel files (median of ${rounds} rounds)`, value: mib(total, median(ours2.map((o) => o.seconds))), unit: 'MiB/s', baseline: { label: toolLabel, value: mib(total, toolS), unit: 'MiB/s' }, ratio: median(r2), ok: ours2.every((o) => o.ok) });
      rows.push({ metric: `${label} sender CPU, 1 file at a time (user+system per GiB)`, value: perGiB(median(ours1.map((o) => o.cpuSeconds))), unit: 's', baseline: { label: toolLabel, value: perGiB(median(tool1.map((t) => t.cpuSeconds))), unit: 's' } });
      notes.push(`${label} per-round ratios, 1 file at a time: ${r1.map((x) => x.toFixed(2)).join(', ')}; 2 parallel: ${r2.map((x) => x.toFixed(2)).join(', ')}`);
    }

    // connections cut when half of the release is on the server's disk: the daemon and its sessions
    // SIGKILLed (what they had received but not written is lost), restarted; bytes sent twice
    for (const [label, srv, opts] of [['FTP', ftp, base], ['SFTP', sftp, sbase]] as const) {
      const remoteDir = `${srv.root}/drop`;
      let cut = 0;
      let finished = false;
      const watch = (async () => {
        while (!finished && bytesUnder(remoteDir) < total / 2) await new Promise((r) => setTimeout(r, 10));
        if (finished) return;
        cut = bytesUnder(remoteDir);
        await srv.kill();
        await srv.start();
      })();
      const r = await child({ ...opts, remoteDir, parallel: 1, countIssued: true }).finally(() => { finished = true; });
      await watch;
      await fsp.rm(remoteDir, { recursive: true, force: true });
      // bytes read and handed to the connection twice (the transport's own count, for SFTP, only
      // has acknowledged writes); a run in which no upload was cut and resumed proves nothing
      const resent = r.issued - r.bytes;
      peak.push(r.maxRssBytes);
      rows.push({ metric: `${label}: bytes sent again after a drop at 50 %`, value: resent / MiB, unit: 'MiB', target: '≤ 1 MiB', ok: r.ok && r.resumes > 0 && resent <= MiB });
      notes.push(`${label} drop: cut with ${(cut / MiB).toFixed(1)} MiB on the server's disk; ${r.retries} failed attempt(s), ${r.resumes} resume(s), ${(r.issued / MiB).toFixed(2)} MiB issued for ${(r.bytes / MiB).toFixed(2)} MiB of files (transport's own count: ${(r.sent / MiB).toFixed(2)} MiB)${r.resumes ? '' : ' — NO resume seen: the drop did not cut an upload, the figure is void'}`);
    }
    const maxRss = Math.max(...peak);
    rows.push({ metric: 'peak RSS of the sending process', value: maxRss / 1e6, unit: 'MB', target: '≤ 200 MB', ok: maxRss <= 200e6 });
    notes.push(`${total / MiB} MiB in ${files.length} files, loopback, ${os.cpus().length} cores, 1-minute load average ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} over the rounds; absolute MiB/s vary with the load, the per-round ratios compare runs made one after the other`);
    notes.push('"bytes sent again" = bytes read and handed to the connection minus the release size: what the cut lost in flight — for SFTP at most the WRITEs in flight (1 MiB), for FTP what sat in the TCP buffers and the server had not written yet (the client cannot see how much that is: TCP acknowledges bytes when the server\'s kernel has them, not its disk)');
  } finally {
    await cleanup(ftp, sftp);
    await fsp.rm(work, { recursive: true, force: true });
  }
  return { name: 'releases-deliver', rows, notes };
};

export default bench;
