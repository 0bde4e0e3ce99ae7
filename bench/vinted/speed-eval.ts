// Where the pipeline's time goes on the bench's 162 phone JPEGs (a quicker loop than the whole
// `npm run bench -- vinted`): rounds of bare decode / pipeline / pipeline without the classifier,
// alternated so they see the same machine, with the time of each stage.
//   node_modules/.bin/node bench/vinted/speed-eval.ts [rounds]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { LocalBlobStore } from '../../src/core/files.ts';
import { WORK_EDGE } from '../../src/vinted/ingest/decode.ts';
import { runPipeline } from '../../src/vinted/vision/pipeline.ts';
import { buildShoot } from './generate.ts';

const shoot = await buildShoot(150, 1, (m) => console.error(m));
const files = shoot.files;
async function pool<T>(items: T[], fn: (x: T) => Promise<unknown>, limit: number): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: limit }, async () => { while (i < items.length) await fn(items[i++]!); }));
}
async function bare(): Promise<number> {
  const t = performance.now();
  await pool(files, async (f) => sharp(await fs.promises.readFile(f.path)).rotate().resize(WORK_EDGE, WORK_EDGE, { fit: 'inside' }).raw().toBuffer(), 2 * os.availableParallelism());
  return performance.now() - t;
}
async function pipe(classifier: boolean, readLabels = true): Promise<{ ms: number; stages: string }> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vinted-speed-'));
  const t = performance.now();
  const last = new Map<string, number>();
  try {
    await runPipeline(files.map((f) => ({ name: f.name, path: f.path })), { backend: 'classic', dupHamming: 5, maxPerArticle: 8, categories: [], modelsDir: '', blobPrefix: 'x/', classifier, readLabels },
      new LocalBlobStore(tmp), { progress: (p) => { last.set(p.stage, performance.now() - t); } });
    const ms = performance.now() - t;
    return { ms, stages: [...last].map(([k, v]) => `${k} ${(v / 1000).toFixed(2)}`).join(', ') };
  } finally { fs.rmSync(tmp, { recursive: true, force: true }); }
}
const rounds = Number(process.argv[2] ?? 2);
for (let k = 0; k < rounds; k++) {
  const b = await bare();
  const p = await pipe(true);
  const n = await pipe(false);
  const o = await pipe(true, false);
  console.log(`round ${k + 1}, load ${os.loadavg()[0]!.toFixed(1)}: bare ${(b / 1000).toFixed(2)} s; pipeline ${(p.ms / 1000).toFixed(2)} s = ${(p.ms / b).toFixed(2)}× (stages end at: ${p.stages}); without classifier ${(n.ms / 1000).toFixed(2)} s = ${(n.ms / b).toFixed(2)}×; without label OCR ${(o.ms / 1000).toFixed(2)} s = ${(o.ms / b).toFixed(2)}× (${o.stages})`);
}
