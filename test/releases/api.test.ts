// The releases API on the whole platform (PGlite in memory, workers running): uploads, naming,
// pack jobs with artefacts/metadata/logs/re-run, templates CRUD + render, rule sets, roles, cleanup.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import fs from 'node:fs/promises';
import path from 'node:path';
import yauzl from 'yauzl';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import releases from '../../src/releases/index.ts';
import { FIXTURES, writeEpub } from './samples.ts';

let t: TestPlatform;
let epub: Buffer;

export function multipart(files: { name: string; data: Buffer }[]): { body: Buffer; headers: Record<string, string> } {
  const boundary = `----atelier${Date.now()}`;
  const parts: Buffer[] = [];
  for (const f of files) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${f.name}"\r\nContent-Type: application/octet-stream\r\n\r\n`));
    parts.push(f.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

beforeAll(async () => {
  t = await createTestPlatform({ modules: [releases] });
  const f = await writeEpub(path.join(t.dataDir, 'src.epub'), { title: 'Le Rouge et le Noir', author: 'Stendhal', publisher: 'Folio', date: '2015-01-01', language: 'fr' });
  epub = await fs.readFile(f);
}, 120_000);
afterAll(async () => { await t?.close(); });

async function upload(files: { name: string; data: Buffer }[], token = t.tokens.operator) {
  const m = multipart(files);
  return t.request('POST', '/api/releases/uploads', { token, body: m.body, headers: m.headers });
}

async function waitJob(id: string) {
  return t.ctx.jobs.wait(id);
}

describe('releases API', () => {
  let uploadId: string;
  let jobId: string;

  it('uploads sources: metadata for the good ones, a clear error for a corrupt one', async () => {
    const r = await upload([{ name: 'Le Rouge.epub', data: epub }, { name: 'broken.epub', data: epub.subarray(0, 300) }]);
    expect(r.status).toBe(201);
    const [good, bad] = r.body.uploads;
    expect(good).toMatchObject({ file_name: 'Le Rouge.epub', metadata: { format: 'EPUB', title: 'Le Rouge et le Noir', author: 'Stendhal', language: 'fr' } });
    expect(bad.id).toBeUndefined();
    expect(bad.error).toMatch(/broken\.epub: not a readable ZIP/);
    expect(bad.code).toBe('corrupt'); // worded by the wizard (releases.uploadError.corrupt), the reader's text kept as the detail
    uploadId = good.id;
    const only = await upload([{ name: 'x.exe', data: Buffer.from('MZ') }]);
    expect(only.status).toBe(422);
    expect(only.body.error.message).toMatch(/x\.exe: unsupported file type/);
    expect(only.body.error.details.uploads[0].error).toMatch(/unsupported file type/);
    expect(only.body.error.details.uploads[0].code).toBe('unsupported');
  });

  it('names from metadata + edits and re-validates an edited name', async () => {
    const r = await t.request('POST', '/api/releases/naming', { token: t.tokens.viewer, body: { type: 'EBOOK', group: 'ATL', upload: uploadId } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ name: 'Stendhal.Le.Rouge.Et.Le.Noir.2015.FRENCH.RETAiL.ePUB.eBOOK-ATL', ok: true, ruleSet: 'ebook-2024' });
    const edited = await t.request('POST', '/api/releases/naming', { token: t.tokens.viewer, body: { type: 'EBOOK', group: 'ATL', upload: uploadId, metadata: { title: 'Rouge', year: 2016 } } });
    expect(edited.body.name).toBe('Stendhal.Rouge.2016.FRENCH.RETAiL.ePUB.eBOOK-ATL');
    const bad = await t.request('POST', '/api/releases/naming', { token: t.tokens.viewer, body: { type: 'EBOOK', group: 'ATL', name: 'Stendhal Rouge!.2016.RETAiL.eBOOK-ATL' } });
    expect(bad.body.ok).toBe(false);
    expect(bad.body.checks.filter((c: any) => !c.ok).map((c: any) => c.rule)).toContain('naming.characters');
  });

  it('packs an upload as a job: artefacts downloadable, metadata and validation stored, logs', async () => {
    const r = await t.request('POST', '/api/releases/jobs', { token: t.tokens.operator, body: { source: { upload: uploadId }, type: 'EBOOK', group: 'ATL', metadata: { publisher: 'Gallimard' }, notes: 'Packed by the API test.' } });
    expect(r.status).toBe(202);
    jobId = r.body.job.id;
    const done = await waitJob(jobId);
    expect(done.status, done.error ?? '').toBe('completed');
    expect(done.counters.bytes).toBe(epub.length);
    const md = await t.request('GET', `/api/releases/jobs/${jobId}/metadata`, { token: t.tokens.viewer });
    expect(md.status).toBe(200);
    expect(md.body).toMatchObject({ name: 'Stendhal.Le.Rouge.Et.Le.Noir.2015.FRENCH.RETAiL.ePUB.eBOOK-ATL', ok: true, metadata: { publisher: 'Gallimard', title: 'Le Rouge et le Noir' }, validation: { ok: true } });
    expect(md.body.validation.checks.length).toBeGreaterThan(5);
    const arts = await t.request('GET', `/api/releases/jobs/${jobId}/artifacts`, { token: t.tokens.viewer });
    expect(arts.body.artifacts.map((a: any) => a.name)).toEqual(['Stendhal.Le.Rouge.Et.Le.Noir.2015.FRENCH.RETAiL.ePUB.eBOOK-ATL/atlslr.nfo', 'Stendhal.Le.Rouge.Et.Le.Noir.2015.FRENCH.RETAiL.ePUB.eBOOK-ATL/atlslr1.zip']);
    const zip = arts.body.artifacts[1];
    const dl = await t.app.inject({ method: 'GET', url: zip.url, headers: { authorization: `Bearer ${t.tokens.viewer}` } });
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['content-disposition']).toBe('attachment; filename="atlslr1.zip"');
    const names = await new Promise<string[]>((resolve, reject) => yauzl.fromBuffer(dl.rawPayload, { lazyEntries: true }, (e, z) => {
      if (e || !z) return reject(e);
      const n: string[] = [];
      z.on('entry', (en: yauzl.Entry) => { n.push(en.fileName); z.readEntry(); });
      z.on('end', () => resolve(n.sort()));
      z.readEntry();
    }));
    expect(names).toEqual(['FILE_ID.DIZ', 'Stendhal.Le.Rouge.Et.Le.Noir.2015.FRENCH.RETAiL.ePUB.eBOOK-ATL.epub', 'atlslr.nfo']);
    const nfo = await t.app.inject({ method: 'GET', url: arts.body.artifacts[0].url, headers: { authorization: `Bearer ${t.tokens.viewer}` } });
    expect(nfo.rawPayload.toString('latin1')).toContain('Packed by the API test.');
    const logs = await t.request('GET', `/api/releases/jobs/${jobId}/logs`, { token: t.tokens.viewer });
    expect(logs.body.events.map((e: any) => e.message).join('\n')).toMatch(/validation against ebook-2024: passed/);
    const list = await t.request('GET', '/api/releases/jobs', { token: t.tokens.viewer });
    expect(list.body.jobs[0]).toMatchObject({ id: jobId, pack: { ok: true } });
  });

  it('re-runs a pack as a new job with the same options', async () => {
    const r = await t.request('POST', `/api/releases/jobs/${jobId}/rerun`, { token: t.tokens.operator });
    expect(r.status).toBe(202);
    expect(r.body.job.id).not.toBe(jobId);
    const done = await waitJob(r.body.job.id);
    expect(done.status).toBe('completed');
    expect((done.result as any).release.name).toBe('Stendhal.Le.Rouge.Et.Le.Noir.2015.FRENCH.RETAiL.ePUB.eBOOK-ATL');
  });

  it('packs a server-side MKV from the inbox; a path outside the inbox is refused', async () => {
    const inbox = path.join(t.dataDir, 'releases', 'inbox');
    await fs.mkdir(inbox, { recursive: true });
    const mkv = path.join(inbox, 'Sample.Show.S01E02.Pilot.Episode.mkv');
    await fs.copyFile(path.join(FIXTURES, 'Sample.Show.S01E02.Pilot.Episode.mkv'), mkv);
    const r = await t.request('POST', '/api/releases/jobs', { token: t.tokens.operator, body: { source: { path: mkv }, type: 'TV', group: 'ATL', naming: { source: 'HDTV' } } });
    expect(r.status).toBe(202);
    const done = await waitJob(r.body.job.id);
    expect(done.status, done.error ?? '').toBe('completed');
    const res = done.result as any;
    expect(res.release.name).toBe('Sample.Show.S01E02.Pilot.Episode.MULTi.720p.HDTV.x264-ATL');
    expect(res.validation.ok).toBe(true);
    expect(res.release.files.map((f: any) => f.name)).toEqual(['sample.show.s01e02.pilot.episode.multi.720p.hdtv.x264-atl.nfo', 'sample.show.s01e02.pilot.episode.multi.720p.hdtv.x264-atl.rar', 'sample.show.s01e02.pilot.episode.multi.720p.hdtv.x264-atl.sfv']);
    const outside = await t.request('POST', '/api/releases/jobs', { token: t.tokens.operator, body: { source: { path: '/etc/passwd' }, type: 'DOCS', group: 'ATL' } });
    expect(outside.status).toBe(403);
    expect(outside.body.error.message).toMatch(/outside the server's inbox/);
  });

  it('templates: shipped defaults, CRUD, render preview (sample, upload, draft body), sandbox errors as 422', async () => {
    const list = await t.request('GET', '/api/releases/templates?type=EBOOK', { token: t.tokens.viewer });
    expect(list.body.templates.map((x: any) => x.id)).toEqual(['builtin-ebook-nfo', 'builtin-ebook-diz']);
    const c = await t.request('POST', '/api/releases/templates', { token: t.tokens.operator, body: { name: 'mine', type: 'EBOOK', kind: 'nfo', body: '{{ group }} :: {{ title }} by {{ author }} ({{ language | langname }})' } });
    expect(c.status).toBe(201);
    const id = c.body.template.id;
    const sample = await t.request('POST', `/api/releases/templates/${id}/render`, { token: t.tokens.viewer, body: { group: 'ATL' } });
    expect(sample.body).toMatchObject({ text: 'ATL :: Les Misérables by Victor Hugo (French)', encoding: 'cp437', columns: 45 });
    const real = await t.request('POST', `/api/releases/templates/${id}/render`, { token: t.tokens.viewer, body: { upload: uploadId, group: 'ATL' } });
    expect(real.body.text).toBe('ATL :: Le Rouge et le Noir by Stendhal (French)');
    const fromJob = await t.request('POST', `/api/releases/templates/builtin-ebook-nfo/render`, { token: t.tokens.viewer, body: { job: jobId } });
    expect(fromJob.body.text).toContain('Stendhal.Le.Rouge.Et.Le.Noir.2015.FRENCH.RETAiL.ePUB.eBOOK-ATL');
    expect(fromJob.body.columns).toBeLessThanOrEqual(80);
    const draft = await t.request('POST', `/api/releases/templates/${id}/render`, { token: t.tokens.viewer, body: { body: '{{ title | upper }}' } });
    expect(draft.body.text).toBe('LES MISÉRABLES');
    const evil = await t.request('PUT', `/api/releases/templates/${id}`, { token: t.tokens.operator, body: { body: "{{ range.constructor('return process')() }}" } });
    expect(evil.status).toBe(422);
    expect(evil.body.error.message).toMatch(/constructor.*not allowed/);
    const upd = await t.request('PUT', `/api/releases/templates/${id}`, { token: t.tokens.operator, body: { body: '{{ name }}' } });
    expect(upd.status).toBe(200);
    expect((await t.request('PUT', '/api/releases/templates/builtin-ebook-nfo', { token: t.tokens.operator, body: { body: 'x' } })).status).toBe(409);
    expect((await t.request('DELETE', `/api/releases/templates/${id}`, { token: t.tokens.operator })).status).toBe(204);
    expect((await t.request('GET', `/api/releases/templates/${id}`, { token: t.tokens.viewer })).status).toBe(404);
  });

  it('rule sets, roles, bad requests', async () => {
    const rs = await t.request('GET', '/api/releases/rulesets', { token: t.tokens.viewer });
    expect(rs.body.rulesets.map((r: any) => r.id).sort()).toEqual(['docs-2024', 'ebook-2024', 'tv-2024']);
    expect((await t.request('POST', '/api/releases/jobs', { token: t.tokens.viewer, body: { source: { upload: uploadId }, type: 'EBOOK', group: 'ATL' } })).status).toBe(403);
    expect((await t.request('GET', '/api/releases/jobs', { token: null })).status).toBe(401);
    const noSource = await t.request('POST', '/api/releases/jobs', { token: t.tokens.operator, body: { source: {}, type: 'EBOOK', group: 'ATL' } });
    expect(noSource.status).toBe(400);
    const badGroup = await t.request('POST', '/api/releases/jobs', { token: t.tokens.operator, body: { source: { upload: uploadId }, type: 'EBOOK', group: 'A B' } });
    expect(badGroup.status).toBe(400);
    const wrongRules = await t.request('POST', '/api/releases/jobs', { token: t.tokens.operator, body: { source: { upload: uploadId }, type: 'EBOOK', group: 'ATL', ruleSet: 'tv-2024' } });
    expect(wrongRules.status).toBe(400);
    expect((await t.request('GET', '/api/releases/jobs/00000000-0000-4000-8000-000000000000/metadata', { token: t.tokens.viewer })).status).toBe(404);
  });

  it('retention cleanup deletes old artefacts and uploads, keeps the record', async () => {
    await t.ctx.db.withSchema('releases').updateTable('packs').set({ created_at: new Date(Date.now() - 10 * 86400_000) }).where('job_id', '=', jobId).execute();
    const job = await t.ctx.jobs.enqueue('releases.cleanup', {});
    const done = await waitJob(job.id);
    expect(done.result).toMatchObject({ packs: 1, days: 7, orphans: 0 });
    expect((await t.request('GET', `/api/releases/jobs/${jobId}/artifacts`, { token: t.tokens.viewer })).body.artifacts).toEqual([]);
    expect(await t.ctx.files.list(`jobs/${jobId}/`)).toEqual([]);
    expect((await t.request('GET', `/api/releases/jobs/${jobId}/metadata`, { token: t.tokens.viewer })).body.ok).toBe(true);
  });
});

describe('inbox guard', () => {
  it('a symlink inside the inbox pointing outside is refused', async () => {
    const inbox = path.join(t.dataDir, 'releases', 'inbox');
    await fs.mkdir(inbox, { recursive: true });
    await fs.symlink('/etc/hostname', path.join(inbox, 'escape.txt'));
    const r = await t.request('POST', '/api/releases/jobs', { token: t.tokens.operator, body: { source: { path: path.join(inbox, 'escape.txt') }, type: 'DOCS', group: 'ATL' } });
    expect(r.status).toBe(403);
  });
});

describe('plan (dry run in the request)', () => {
  it('returns the name, NFO text and planned tree without a job or a file written', async () => {
    const up = await upload([{ name: 'plan.epub', data: epub }]);
    const before = (await t.ctx.jobs.list({ module: 'releases' })).length;
    const r = await t.request('POST', '/api/releases/plan', { token: t.tokens.viewer, body: { upload: up.body.uploads[0].id, type: 'EBOOK', group: 'ATL', nfoBody: 'NFO of {{ name }}' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: true, dryRun: true, release: { name: 'Stendhal.Le.Rouge.Et.Le.Noir.2015.FRENCH.RETAiL.ePUB.eBOOK-ATL', files: [{ name: 'atlslr.nfo' }, { name: 'atlslr1.zip' }] } });
    expect(r.body.nfo.text).toBe('NFO of Stendhal.Le.Rouge.Et.Le.Noir.2015.FRENCH.RETAiL.ePUB.eBOOK-ATL');
    expect((await t.ctx.jobs.list({ module: 'releases' })).length).toBe(before);
    const tv = await t.request('POST', '/api/releases/plan', { token: t.tokens.viewer, body: { upload: up.body.uploads[0].id, type: 'TV', group: 'ATL' } });
    expect(tv.status).toBe(422);
    expect(tv.body.error.message).toMatch(/EPUB file cannot make a TV release/);
  });
});

describe('CLI pack through a running server (remotePack)', () => {
  it('uploads, packs on the server and downloads the release files into --out', async () => {
    const { remotePack } = await import('../../src/releases/cli.ts');
    const url = await t.listen();
    const src = path.join(t.dataDir, 'remote', 'rouge.epub');
    await fs.mkdir(path.dirname(src), { recursive: true });
    await fs.writeFile(src, epub);
    const out = path.join(t.dataDir, 'remote-out');
    const r = await remotePack({ url, token: t.tokens.operator }, { source: { path: src, name: 'rouge.epub' }, type: 'EBOOK', group: 'ATL', outDir: out, local: true }, out);
    expect(r.ok).toBe(true);
    expect(r.release.dir).toBe(path.join(out, 'Stendhal.Le.Rouge.Et.Le.Noir.2015.FRENCH.RETAiL.ePUB.eBOOK-ATL'));
    expect((await fs.readdir(r.release.dir)).sort()).toEqual(['atlslr.nfo', 'atlslr1.zip']);
    const { validateRelease } = await import('../../src/releases/validate/index.ts');
    const { loadRuleSet } = await import('../../src/releases/rules/index.ts');
    expect((await validateRelease(r.release.dir, await loadRuleSet('EBOOK'))).ok).toBe(true);
    await expect(remotePack({ url, token: t.tokens.viewer }, { source: { path: src }, type: 'EBOOK', group: 'ATL' }, out)).rejects.toThrow(/server answered 403/);
    await expect(remotePack({ url, token: undefined }, { source: { path: src }, type: 'EBOOK', group: 'ATL' }, out)).rejects.toThrow(/ATELIER_TOKEN is not set/);
  });
});
