// Child process for the memory figure: runs the whole pipeline on the files listed in argv[2]
// (JSON [{name,path}]) with a temp blob store, prints one JSON line with its own peak RSS and writes
// the pipeline's result to argv[3].
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalBlobStore } from '../../src/core/files.ts';
import { runPipeline } from '../../src/vinted/vision/pipeline.ts';

const inputs = JSON.parse(fs.readFileSync(process.argv[2]!, 'utf8')) as { name: string; path: string }[];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vinted-rss-'));
const t = Date.now();
try {
  const r = await runPipeline(inputs, { backend: 'classic', dupHamming: 5, maxPerArticle: 8, categories: [], modelsDir: '', blobPrefix: 'rss/' }, new LocalBlobStore(tmp));
  fs.writeFileSync(process.argv[3]!, JSON.stringify(r));
  console.log(JSON.stringify({ photos: r.photos.length, clusters: r.clusters.length, errors: r.errors.length, ms: Date.now() - t, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
