// Child process for the delivery benchmark: sends a release directory to one server and prints
// {sent, issued, resumes, retries, seconds, cpuSeconds, ok, maxRssBytes}. `sent` is what the
// transport counted (SFTP: acknowledged writes, so a write lost in flight is never counted);
// with "countIssued", `issued` is every byte read from disk and handed to the connection (counted
// by a no-limit throttle hook, called once per chunk before it goes out), so `issued − size` is
// what really went on the wire twice. The parent cuts the connections itself (drop runs).
// Usage: node deliver-child.ts '<json options>'
import { readFileSync } from 'node:fs';
import { connect } from '../../src/releases/deliver/sftp.ts';
import { deliverRelease, listLocal } from '../../src/releases/deliver/deliver.ts';

const o = JSON.parse(process.argv[2]!) as { kind: 'ftp' | 'sftp'; host: string; port: number; user: string; password?: string; keyFile?: string; fingerprint?: string; dir: string; remoteDir: string; parallel: number; countIssued?: boolean };
const files = await listLocal(o.dir);
let issued = 0;
let resumes = 0;
let retries = 0;
const t0 = performance.now();
const cpu0 = process.cpuUsage();
const r = await deliverRelease(files, {
  kind: o.kind, remoteDir: o.remoteDir, parallel: o.parallel, retries: 10, backoffMs: 300,
  ...(o.countIssued ? { throttle: async (n: number) => { issued += n; } } : {}),
  log: (_level, m) => { if (/resuming at byte/.test(m)) resumes++; if (/retrying in/.test(m)) retries++; },
  connect: () => connect({ kind: o.kind, host: o.host, port: o.port, user: o.user, password: o.password, privateKey: o.keyFile ? readFileSync(o.keyFile, 'utf8') : undefined, fingerprint: o.fingerprint }),
});
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
process.stdout.write(JSON.stringify({ ok: r.ok, sent: r.sent, issued, resumes, retries, bytes: r.bytes, seconds: (performance.now() - t0) / 1000, cpuSeconds: ((c) => (c.user + c.system) / 1e6)(process.cpuUsage(cpu0)), maxRssBytes: hwm ? Number(hwm[1]) * 1024 : 0 }) + '\n');
