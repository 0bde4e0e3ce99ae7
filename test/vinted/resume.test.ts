// Resumability of the ingest job: the analysis is checkpointed; a run that dies after it (here: the
// process "dies" right after writing the checkpoint) is resumed by the next attempt without
// re-analysing, and the uploads stay until the catalog is saved.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import crypto from 'node:crypto';
import { createTestPlatform, type TestPlatform } from '../helpers/platform.ts';
import vinted from '../../src/vinted/index.ts';
import { ingestHandler, type IngestPayload } from '../../src/vinted/catalog/ingest-job.ts';
import { loadCatalog } from '../../src/vinted/catalog/store.ts';
import type { JobContext } from '../../src/core/jobs/types.ts';
import { fixtureFiles } from './helpers.ts';

let t: TestPlatform;
beforeAll(async () => {
  t = await createTestPlatform({ modules: [vinted], work: false });
}, 60_000);
afterAll(async () => t?.close());

class Crash extends Error {}

function jobContext(id: string, payload: IngestPayload, attempt: number, store: { checkpoint?: unknown; logs: string[] }, crashAfterCheckpoint = false): JobContext<IngestPayload> {
  const controller = new AbortController();
  return {
    id, payload, attempt, signal: controller.signal,
    async progress() {},
    async log(_level, message) { store.logs.push(message); },
    async artifact() { throw new Error('not used'); },
    checkpoint: {
      async get<T>() { return store.checkpoint as T; },
      async set(v) {
        store.checkpoint = v;
        if (crashAfterCheckpoint && (v as { stage: string }).stage === 'analysed') throw new Crash('killed');
      },
    },
    throwIfCancelled() {},
  };
}

describe('ingest checkpoint', () => {
  it('a second attempt resumes from the stored analysis', async () => {
    const id = crypto.randomUUID();
    const prefix = `vinted/uploads/${id}/`;
    const inputs = [];
    for (const [i, f] of fixtureFiles().slice(0, 6).entries()) {
      const key = `${prefix}${i}`;
      await t.ctx.files.put(key, f.data);
      inputs.push({ name: f.name, blob: key });
    }
    const payload: IngestPayload = { source: 'upload', inputs, uploadPrefix: prefix };
    const store: { checkpoint?: unknown; logs: string[] } = { logs: [] };

    await expect(ingestHandler(jobContext(id, payload, 1, store, true), t.ctx)).rejects.toBeInstanceOf(Crash);
    expect(store.checkpoint).toMatchObject({ stage: 'analysed' });
    // nothing lost: the uploads are still there for the retry
    expect((await t.ctx.files.list(prefix)).length).toBe(6);

    // the retry must not need the uploads any more: remove them to prove the analysis is not re-run
    await t.ctx.files.deletePrefix(prefix);
    const result = await ingestHandler(jobContext(id, payload, 2, store), t.ctx) as Record<string, number>;
    expect(store.logs.some((l) => l.startsWith('resuming from the checkpoint'))).toBe(true);
    expect(result).toMatchObject({ total: 6, clusters: 2, duplicates: 0, errors: 0 });
    expect(store.checkpoint).toMatchObject({ stage: 'saved' });
    const c = await loadCatalog(t.ctx.db, id);
    expect(c!.clusters.map((x) => x.photos.length)).toEqual([3, 3]);
    expect(c!.photos.map((p) => p.file)).toEqual(fixtureFiles().slice(0, 6).map((f) => f.name));

    // a third run (e.g. a duplicate delivery) rewrites the same catalog, no duplicates rows
    await ingestHandler(jobContext(id, payload, 3, store), t.ctx);
    expect((await loadCatalog(t.ctx.db, id))!.photos).toHaveLength(6);
  }, 120_000);
});
