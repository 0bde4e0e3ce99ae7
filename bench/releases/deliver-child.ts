// Child process for the delivery benchmark: sends a release directory to one server and prints
// {sent, seconds, ok, maxRssBytes}. With "dropAt" it signals the parent (stdout line "HALF") when
// half of the bytes are on the server and waits for the parent to cut the connections.
// Usage: node deliver-child.ts '<json options>'
import { readFileSync } from 'node:fs';
import { connect } from '../../src/releases/deliver/sftp.ts';
import { deliverRelease, listLocal } from '../../src/releases/deliver/deliver.ts';

const o = JSON.parse(process.argv[2]!) as { kind: 'ftp' | 'sftp'; host: string; port: number; user: string; password?: string; keyFile?: string; fingerprint?: string; dir: string; remoteDir: string; parallel: number; dropAt?: number };
const files = await listLocal(o.dir);
const total = files.reduce((n, f) => n + f.size, 0);
let signalled = false;
const t0 = performance.now();
const r = await deliverRelease(files, {
  kind: o.kind, remoteDir: o.remoteDir, parallel: o.parallel, retries: 10, backoffMs: 300,
  connect: () => connect({ kind: o.kind, host: o.host, port: o.port, user: o.user, password: o.password, privateKey: o.keyFile ? readFileSync(o.keyFile, 'utf8') : undefined, fingerprint: o.fingerprint }),
  onProgress: (p) => {
    if (o.dropAt && !signalled && p.bytes >= total * o.dropAt) { signalled = true; process.stdout.write('HALF\n'); }
  },
});
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
process.stdout.write(JSON.stringify({ ok: r.ok, sent: r.sent, bytes: r.bytes, seconds: (performance.now() - t0) / 1000, maxRssBytes: hwm ? Number(hwm[1]) * 1024 : 0 }) + '\n');
