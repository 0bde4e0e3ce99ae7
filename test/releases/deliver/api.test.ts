// Destinations and delivery through the HTTP API on the whole platform (PGlite, workers running),
// against a real sshd: credentials are write-only (masked in every response, planted secret
// grepped), the Tester reports each step and the unpinned key, a pack names a destination and
// the deliver job verifies every file; roles are enforced.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { createTestPlatform, type TestPlatform } from '../../helpers/platform.ts';
import releases from '../../../src/releases/index.ts';
import { writeEpub } from '../samples.ts';
import { startSshd, cleanup, type Server } from './servers.ts';

function multipart(files: { name: string; data: Buffer }[]): { body: Buffer; headers: Record<string, string> } {
  const boundary = `----atelier${Date.now()}`;
  const parts: Buffer[] = [];
  for (const f of files) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${f.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`), f.data, Buffer.from('\r\n'));
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

let t: TestPlatform;
let sftp: Server;
const SECRET_TAIL = 'Zq9';

beforeAll(async () => {
  [t, sftp] = await Promise.all([createTestPlatform({ modules: [releases] }), startSshd()]);
}, 120_000);
afterAll(async () => { await t?.close(); await cleanup(sftp); });

describe('releases destinations API', () => {
  let id: string;
  const responses: string[] = [];
  const call = async (method: string, url: string, opts: { token?: string; body?: unknown } = {}) => {
    const r = await t.request(method, url, { token: opts.token ?? t.tokens.operator, body: opts.body as never });
    responses.push(JSON.stringify(r.body ?? ''));
    return r;
  };

  it('adds an SFTP destination without a pin: the Tester refuses and shows the key; pinning it makes the Tester pass', async () => {
    const r = await call('POST', '/api/releases/destinations', { body: { name: 'seedbox', kind: 'sftp', host: sftp.host, port: sftp.port, username: sftp.user, password: sftp.password, path: `${sftp.root}/{type}/{group}` } });
    expect(r.status).toBe(201);
    id = r.body.destination.id;
    expect(r.body.destination).toMatchObject({ name: 'seedbox', kind: 'sftp', fingerprint: null, password: `****${sftp.password.slice(-4)}` });
    const viewer = await call('POST', '/api/releases/destinations', { token: t.tokens.viewer, body: { name: 'x', kind: 'ftp', host: 'h', username: 'u', path: '/x' } });
    expect(viewer.status).toBe(403);
    const test1 = await call('POST', `/api/releases/destinations/${id}/test`);
    expect(test1.body.ok).toBe(false);
    expect(test1.body.fingerprint).toBe(sftp.fingerprint);
    expect(test1.body.steps[0].detail).toMatch(/not pinned yet/);
    const pin = await call('POST', `/api/releases/destinations/${id}/pin`, { body: { fingerprint: test1.body.fingerprint } });
    expect(pin.body.destination.fingerprint).toBe(sftp.fingerprint);
    const test2 = await call('POST', `/api/releases/destinations/${id}/test`);
    expect(test2.body.ok, JSON.stringify(test2.body)).toBe(true);
    expect(test2.body.steps.map((s: any) => s.step)).toEqual(['connect', 'list', 'write', 'delete']);
  }, 60_000);

  it('a pack naming the destination is delivered and verified; the export route sends it again with nothing uploaded', async () => {
    const epub = await writeEpub(path.join(t.dataDir, 'api-src.epub'), { title: 'Le Rouge et le Noir', author: 'Stendhal', date: '2015-01-01', language: 'fr' });
    const m = multipart([{ name: 'rouge.epub', data: fs.readFileSync(epub) }]);
    const up = await t.request('POST', '/api/releases/uploads', { token: t.tokens.operator, body: m.body, headers: m.headers });
    const pack = await call('POST', '/api/releases/jobs', { body: { source: { upload: up.body.uploads[0].id }, type: 'EBOOK', group: 'ATL', destinations: ['seedbox'] } });
    expect(pack.status).toBe(202);
    expect((await t.ctx.jobs.wait(pack.body.job.id)).status).toBe('completed');
    let deliveries: any[] = [];
    const until = Date.now() + 60_000;
    while (Date.now() < until) {
      deliveries = (await call('GET', `/api/releases/deliveries?pack=${pack.body.job.id}`)).body.deliveries;
      if (deliveries[0] && ['verified', 'failed'].includes(deliveries[0].status)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(deliveries[0], JSON.stringify(deliveries)).toMatchObject({ status: 'verified', destination_name: 'seedbox' });
    const name = 'Stendhal.Le.Rouge.Et.Le.Noir.2015.FRENCH.RETAiL.ePUB.eBOOK-ATL';
    expect(deliveries[0].remote_dir).toBe(`${sftp.root}/ebook/ATL/${name}`);
    const files = fs.readdirSync(deliveries[0].remote_dir).sort();
    expect(files).toEqual(['atlslr.nfo', 'atlslr1.zip']);
    const again = await call('POST', `/api/releases/jobs/${pack.body.job.id}/export`, { body: { destinations: ['seedbox'] } });
    expect(again.status).toBe(202);
    const done = await t.ctx.jobs.wait(again.body.jobs[0].id);
    expect(done.status).toBe('completed');
    expect((done.result as any).sent).toBe(0);
    expect((done.result as any).files.every((f: any) => f.skipped && f.verified)).toBe(true);
  }, 120_000);

  it('a password change is write-only; no response ever held a password in clear', async () => {
    const r = await call('PUT', `/api/releases/destinations/${id}`, { body: { password: `new-planted-${SECRET_TAIL}` } });
    expect(r.body.destination.password).toBe(`****-${SECRET_TAIL}`);
    await call('GET', '/api/releases/destinations');
    for (const body of responses) {
      expect(body).not.toContain(sftp.password);
      expect(body).not.toContain(`new-planted-${SECRET_TAIL}`);
    }
  });
});
