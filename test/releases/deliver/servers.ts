// Real FTP/FTPS (vsftpd) and SFTP (OpenSSH sshd) servers for the delivery tests, started on
// 127.0.0.1 on free ports with their own config files in a temp dir, as root (here and in CI),
// and stopped afterwards. Logins use a system user `atelierftp` created once (useradd) whose
// password is set anew by each run; each server's root is a fresh temp dir owned by that user.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import crypto from 'node:crypto';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

export const FTP_USER = 'atelierftp';
const VSFTPD = process.env.VSFTPD_BINARY || '/usr/sbin/vsftpd';
const SSHD = process.env.SSHD_BINARY || '/usr/sbin/sshd';

function need(bin: string, pkg: string) {
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: apt-get install -y ${pkg} (it is in the DEBS of .ci/run)`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); });
  });
}

/** waits until the port accepts connections (2-core CI machines can be slow to start a daemon) */
export async function waitPort(port: number, proc: ChildProcess, what: string, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`${what} exited with code ${proc.exitCode} before listening on ${port}`);
    const ok = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1', () => { s.destroy(); r(true); });
      s.on('error', () => r(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`${what} did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let userPassword: string | undefined;

/**
 * One password for every test file of a run: the files run in parallel processes, and each used to
 * set its own with chpasswd, logging the others' servers out (their uploads then failed at random).
 * The first process to publish the file (link: atomic, fails if it exists) wins; all use its value.
 */
function sharedPassword(): string {
  const file = path.join(os.tmpdir(), 'atelier-ftp-test-password');
  try {
    const pw = fs.readFileSync(file, 'utf8').trim();
    if (pw) return pw;
  } catch { /* first of the run */ }
  const tmp = `${file}.${process.pid}`;
  fs.writeFileSync(tmp, `pw-${crypto.randomBytes(9).toString('base64url')}`, { mode: 0o600 });
  try {
    fs.linkSync(tmp, file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  return fs.readFileSync(file, 'utf8').trim();
}

/** the test login: created when missing, with the run's shared password */
export function ftpUser(): { user: string; password: string; uid: number; gid: number } {
  if (process.getuid?.() !== 0) throw new Error('the delivery tests start vsftpd and sshd as root (as CI does); run them as root');
  if (spawnSync('id', ['-u', FTP_USER]).status !== 0) {
    // home /tmp: vsftpd enters the home before local_root; nothing is written there
    const r = spawnSync('useradd', ['-M', '-d', '/tmp', '-s', '/bin/bash', FTP_USER], { encoding: 'utf8' });
    if (r.status !== 0 && !/already exists/.test(r.stderr)) throw new Error(`useradd ${FTP_USER}: ${r.stderr}`);
  }
  spawnSync('usermod', ['-d', '/tmp', FTP_USER]);
  if (!userPassword) {
    userPassword = sharedPassword();
    // every process sets the same value: harmless when several do it at once
    const r = spawnSync('chpasswd', [], { input: `${FTP_USER}:${userPassword}\n`, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`chpasswd: ${r.stderr}`);
  }
  const uid = Number(spawnSync('id', ['-u', FTP_USER], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', FTP_USER], { encoding: 'utf8' }).stdout.trim());
  return { user: FTP_USER, password: userPassword, uid, gid };
}

export interface Server {
  kind: 'ftp' | 'ftps' | 'sftp';
  host: string;
  port: number;
  /** the directory logins land in; remote paths are this machine's paths (no chroot) */
  root: string;
  user: string;
  password: string;
  /** OpenSSH fingerprint of the host key (sftp) / certificate (ftps) */
  fingerprint?: string;
  /** remote path → local path */
  local(remote: string): string;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** SIGKILL the daemon and all its sessions (a crash, connections cut mid-transfer) */
  kill(): Promise<void>;
}

/** pids whose parent is `pid` (the daemons' per-connection processes, which leave its group) */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(d));
    } catch { /* gone */ }
  }
  return out;
}

async function stopProc(p: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM') {
  if (!p || p.exitCode !== null || p.signalCode) return;
  if (signal === 'SIGKILL') {
    // a crash: the sessions die with the daemon, connections are cut mid-transfer
    const kids = childrenOf(p.pid!);
    for (const k of [...kids, ...kids.flatMap(childrenOf)]) { try { process.kill(k, 'SIGKILL'); } catch { /* gone */ } }
  }
  const gone = new Promise((r) => p.once('exit', r));
  try { process.kill(-p.pid!, signal); } catch { p.kill(signal); }
  await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
  if (p.exitCode === null && !p.signalCode) { try { process.kill(-p.pid!, 'SIGKILL'); } catch { /* gone */ } await gone; }
}

async function makeRoot(base: string, uid: number, gid: number): Promise<string> {
  await fsp.chmod(base, 0o755);
  const root = path.join(base, 'root');
  await fsp.mkdir(root);
  await fsp.chown(root, uid, gid);
  return root;
}

/** vsftpd for FTP, or explicit FTPS with a self-signed certificate made here by openssl */
export async function startVsftpd(opts: { tls?: boolean } = {}): Promise<Server> {
  need(VSFTPD, 'vsftpd');
  const u = ftpUser();
  const base = await fsp.mkdtemp(path.join(os.tmpdir(), 'atelier-vsftpd-'));
  const root = await makeRoot(base, u.uid, u.gid);
  const empty = path.join(base, 'empty');
  await fsp.mkdir(empty, { mode: 0o755 });
  const port = await freePort();
  const pasv = 20000 + Math.floor(Math.random() * 20000);
  let fingerprint: string | undefined;
  const lines = [
    'listen=YES', 'listen_ipv6=NO', 'listen_address=127.0.0.1', `listen_port=${port}`, 'background=NO',
    'anonymous_enable=NO', 'local_enable=YES', 'write_enable=YES', 'local_umask=022', `local_root=${root}`,
    'pasv_enable=YES', `pasv_min_port=${pasv}`, `pasv_max_port=${pasv + 50}`, 'pasv_address=127.0.0.1', 'port_enable=NO',
    'seccomp_sandbox=NO', 'isolate=NO', 'isolate_network=NO', `secure_chroot_dir=${empty}`,
    'pam_service_name=vsftpd', 'userlist_enable=NO', 'tcp_wrappers=NO', 'use_localtime=NO',
    'xferlog_enable=NO', 'dirmessage_enable=NO', 'idle_session_timeout=60', 'data_connection_timeout=30',
    `vsftpd_log_file=${path.join(base, 'vsftpd.log')}`, 'dual_log_enable=NO', 'max_clients=50', 'max_per_ip=50',
  ];
  if (opts.tls) {
    const key = path.join(base, 'key.pem');
    const cert = path.join(base, 'cert.pem');
    const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl: ${r.stderr}`);
    const der = spawnSync('openssl', ['x509', '-in', cert, '-outform', 'DER']).stdout;
    fingerprint = `SHA256:${crypto.createHash('sha256').update(der).digest('base64').replace(/=+$/, '')}`;
    lines.push('ssl_enable=YES', `rsa_cert_file=${cert}`, `rsa_private_key_file=${key}`, 'force_local_logins_ssl=YES', 'force_local_data_ssl=YES',
      'ssl_tlsv1=NO', 'ssl_sslv2=NO', 'ssl_sslv3=NO', 'require_ssl_reuse=NO', 'ssl_ciphers=HIGH');
  }
  const conf = path.join(base, 'vsftpd.conf');
  await fsp.writeFile(conf, lines.join('\n') + '\n', { mode: 0o600 });
  let proc: ChildProcess | undefined;
  const srv: Server = {
    kind: opts.tls ? 'ftps' : 'ftp', host: '127.0.0.1', port, root, user: u.user, password: u.password, fingerprint,
    local: (remote) => (remote.startsWith('/') ? remote : path.join(root, remote)),
    async start() {
      proc = spawn(VSFTPD, [conf], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
      let err = '';
      proc.stderr!.on('data', (c) => (err += c));
      await waitPort(port, proc, 'vsftpd').catch((e) => { throw new Error(`${(e as Error).message}: ${err.trim()}`); });
    },
    async stop() { await stopProc(proc); },
    async kill() { await stopProc(proc, 'SIGKILL'); },
  };
  const stop = srv.stop;
  srv.stop = async () => { await stop(); };
  await srv.start();
  (srv as Server & { cleanup?: () => Promise<void> }).cleanup = () => fsp.rm(base, { recursive: true, force: true });
  return srv;
}

/** OpenSSH sshd with the sftp subsystem only (internal-sftp, landing in the server's root) */
export async function startSshd(): Promise<Server & { keyFile: string; publicKey: string }> {
  need(SSHD, 'openssh-server');
  const u = ftpUser();
  const base = await fsp.mkdtemp(path.join(os.tmpdir(), 'atelier-sshd-'));
  const root = await makeRoot(base, u.uid, u.gid);
  await fsp.mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  const hostKey = path.join(base, 'host_ed25519');
  const clientKey = path.join(base, 'client_ed25519');
  for (const k of [hostKey, clientKey]) {
    const r = spawnSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', k], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ssh-keygen: ${r.stderr}`);
  }
  const fp = spawnSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${hostKey}.pub`], { encoding: 'utf8' }).stdout.split(' ')[1]!;
  const authorized = path.join(base, 'authorized_keys');
  await fsp.copyFile(`${clientKey}.pub`, authorized);
  await fsp.chmod(authorized, 0o644);
  const port = await freePort();
  const conf = path.join(base, 'sshd_config');
  await fsp.writeFile(conf, [
    `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${hostKey}`, `PidFile ${path.join(base, 'sshd.pid')}`,
    `AuthorizedKeysFile ${authorized}`, 'StrictModes no', 'PasswordAuthentication yes', 'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes', 'UsePAM yes', 'PermitRootLogin no', `AllowUsers ${u.user}`, 'MaxStartups 50', 'MaxSessions 50',
    'Subsystem sftp internal-sftp', `ForceCommand internal-sftp -d ${root}`, 'X11Forwarding no', 'AllowTcpForwarding no',
    'LogLevel ERROR', 'ClientAliveInterval 10',
  ].join('\n') + '\n', { mode: 0o600 });
  let proc: ChildProcess | undefined;
  const srv = {
    kind: 'sftp' as const, host: '127.0.0.1', port, root, user: u.user, password: u.password, fingerprint: fp,
    keyFile: clientKey, publicKey: await fsp.readFile(`${clientKey}.pub`, 'utf8'),
    local: (remote: string) => (remote.startsWith('/') ? remote : path.join(root, remote)),
    async start() {
      proc = spawn(SSHD, ['-D', '-e', '-f', conf], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
      let err = '';
      proc.stderr!.on('data', (c) => (err += c));
      await waitPort(port, proc, 'sshd').catch((e) => { throw new Error(`${(e as Error).message}: ${err.trim()}`); });
    },
    async stop() { await stopProc(proc); },
    async kill() { await stopProc(proc, 'SIGKILL'); },
    cleanup: () => fsp.rm(base, { recursive: true, force: true }),
  };
  await srv.start();
  return srv;
}

export async function cleanup(...servers: (Server | undefined)[]) {
  for (const s of servers) {
    if (!s) continue;
    await s.stop().catch(() => {});
    await (s as { cleanup?: () => Promise<void> }).cleanup?.().catch(() => {});
  }
}
