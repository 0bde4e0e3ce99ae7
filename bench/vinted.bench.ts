// vinted: the photo pipeline on generated phone "shoots" built from the real CC0 clothing photos
// in ../shared/data/clothing-validation (see bench/vinted/generate.ts).
// - grouping: Adjusted Rand Index vs the truth, capture order and shuffled (classic backend),
//   next to the naive "chunks of 6" baseline of existing bots;
// - duplicates: precision / recall of {file, of};
// - speed: files → finished catalog, as a ratio to a bare sharp decode of the same files to the
//   working size in the same run (JPEG), and to a bare libheif-js decode (HEIC);
// - memory: peak RSS of a child process running the pipeline on ~500 phone photos;
// - categories (issue 13): the shipped classifier per photo on the validation set (top-1/top-3,
//   confusion matrix, inference time on one thread), per garment on the shoots, per article as the
//   pipeline grouped them, and the share of listings ready with no seller input;
// - labels: brand and size read on generated label close-ups (scripts/garments/labels-render.ts).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { LocalBlobStore } from '../src/core/files.ts';
import { LISTING_EDGE, WORK_EDGE } from '../src/vinted/ingest/decode.ts';
import { decodeHeic } from '../src/vinted/ingest/heic.ts';
import { listingCopy } from '../src/vinted/ingest/listing.ts';
import { LABEL_READ_MIN, runPipeline } from '../src/vinted/vision/pipeline.ts';
import type { PipelineResult } from '../src/vinted/vision/types.ts';
import type { BenchFn, BenchRow } from './types.ts';
import { buildShoot, byteVariants, CACHE_DIR, heicVariant, shuffled, SOURCE_DIR, sourceAvailable, type ShootFile } from './vinted/generate.ts';
import { adjustedRandIndex, chunkBaseline, duplicateScores } from './vinted/metrics.ts';
import { confusionTable, garmentAccuracy, labelOfClass, photoAccuracy } from './vinted/classifier-eval.ts';
import { generatedLabels } from '../scripts/garments/labels-render.ts';
import { buildPlan } from '../src/vinted/listings/plan.ts';
import { readSettings } from '../src/vinted/settings.ts';
import { readLabel } from '../src/vinted/labels/read.ts';
import { COMMON_BRANDS } from '../src/vinted/labels/parse.ts';
import { closeOcr } from '../src/vinted/labels/ocr.ts';
import { loadGarmentModel } from '../src/vinted/vision/garments.ts';
import { decodePhoto } from '../src/vinted/ingest/decode.ts';

const OPTS = { backend: 'classic' as const, dupHamming: 5, maxPerArticle: 8, categories: [], modelsDir: '' };

async function pipelineRun(files: ShootFile[], label: string, after?: (store: LocalBlobStore, r: PipelineResult) => Promise<void>): Promise<{ r: PipelineResult; ms: number }> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `vinted-bench-${label}-`));
  try {
    const store = new LocalBlobStore(tmp);
    const t = performance.now();
    const r = await runPipeline(files.map((f) => ({ name: f.name, path: f.path })), { ...OPTS, blobPrefix: `${label}/` }, store);
    const ms = performance.now() - t;
    await after?.(store, r);
    return { r, ms };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function pool<T>(items: T[], fn: (x: T) => Promise<unknown>, limit = os.availableParallelism()): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: limit }, async () => { while (i < items.length) await fn(items[i++]!); }));
}

/**
 * bare decode baseline: read + decode to the working size, nothing else. Run with one and with two
 * files per core (the pipeline's setting), and the faster one counts: the baseline gets its best.
 */
async function bareJpeg(files: ShootFile[], edge = WORK_EDGE): Promise<number> {
  const times: number[] = [];
  for (const limit of [os.availableParallelism(), 2 * os.availableParallelism()]) {
    const t = performance.now();
    await pool(files, async (f) => sharp(await fs.promises.readFile(f.path)).rotate().resize(edge, edge, { fit: 'inside' }).raw().toBuffer(), limit);
    times.push(performance.now() - t);
  }
  return Math.min(...times);
}

async function bareHeic(files: ShootFile[]): Promise<number> {
  const t = performance.now();
  await pool(files, async (f) => {
    const raw = await decodeHeic(await fs.promises.readFile(f.path), 2e8);
    return sharp(raw.data, { raw: { width: raw.width, height: raw.height, channels: 4 } }).resize(WORK_EDGE, WORK_EDGE, { fit: 'inside' }).raw().toBuffer();
  });
  return performance.now() - t;
}

function ari(files: ShootFile[], r: PipelineResult): number {
  const byName = new Map(files.map((f) => [f.name, f]));
  const idToFile = new Map(r.photos.map((p) => [p.id, p.file]));
  const truth: number[] = [], pred: string[] = [];
  for (const c of r.clusters) for (const p of c.photos) { truth.push(byName.get(idToFile.get(p)!)!.garment); pred.push(c.id); }
  return adjustedRandIndex(truth, pred);
}

function baselineAri(files: ShootFile[]): number {
  const kept = files.filter((f) => !f.dupOf);
  const chunks = chunkBaseline(kept.map((f) => f.name), 6);
  return adjustedRandIndex(kept.map((f) => f.garment), kept.map((f) => chunks.get(f.name)!));
}

const bench: BenchFn = async ({ quick, log }) => {
  if (!sourceAvailable()) {
    log(`${SOURCE_DIR} is absent: vinted benchmark skipped`);
    return { name: 'vinted', rows: [], notes: [`source photos absent (${SOURCE_DIR}): skipped`] };
  }
  const rows: BenchRow[] = [];
  const notes: string[] = [];
  const n = quick ? 60 : 150;
  const shoot = await buildShoot(n, 1, log);
  const files = shoot.files;
  notes.push(`shoot: ${files.length} phone JPEGs 3024×4032 (${shoot.garments} garments, ${files.filter((f) => f.dupOf).length} duplicates), cache ${path.relative(process.cwd(), CACHE_DIR)}; ${os.availableParallelism()} cores, load average at start ${os.loadavg()[0]!.toFixed(1)}`);

  // speed (JPEG): rounds of bare decode then pipeline (capture order), alternated so that both see
  // the same machine (a shared VM's speed drifts by 10–20 % within minutes); medians of the rounds
  const rounds = quick ? 1 : 3;
  const bares: number[] = [], pipes: number[] = [];
  let listingMs = 0, listingCount = 0;
  let cap!: { r: PipelineResult; ms: number };
  for (let k = 0; k < rounds; k++) {
    log(`JPEG round ${k + 1}/${rounds}: bare decode baseline, then the pipeline in capture order`);
    bares.push(await bareJpeg(files));
    // after the first: what the deferred listing copy (1600 px, made on first use) costs per photo
    cap = await pipelineRun(files, 'capture', k > 0 ? undefined : async (store, r) => {
      const some = r.photos.slice(0, 20);
      const t = performance.now();
      for (const p of some) if (await listingCopy(store, p.blobs)) listingCount++;
      listingMs = (performance.now() - t) / Math.max(1, some.length);
    });
    pipes.push(cap.ms);
  }
  const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const bare = median(bares), pipeMs = median(pipes);
  // for reference: the listing copy (1600 px) cannot be made without decoding at ≥ 1600 px
  const bl = await bareJpeg(files, LISTING_EDGE);
  const shuf = shuffled(shoot, 7);
  log('JPEG: pipeline, shuffled names');
  const sh = await pipelineRun(shuf, 'shuffled');

  const ariCap = ari(files, cap.r), ariShuf = ari(shuf, sh.r);
  rows.push({ metric: `grouping ARI, capture order (${files.length} photos)`, value: ariCap, unit: 'ARI', baseline: { label: 'chunks of 6', value: baselineAri(files), unit: 'ARI' }, target: '≥ 0.97', ok: ariCap >= 0.97 });
  rows.push({ metric: 'grouping ARI, shuffled names', value: ariShuf, unit: 'ARI', baseline: { label: 'chunks of 6', value: baselineAri(shuf), unit: 'ARI' }, target: '≥ 0.92', ok: ariShuf >= 0.92 });
  const d = duplicateScores(files, cap.r.duplicates);
  const ds = duplicateScores(shuf, sh.r.duplicates);
  const prec = Math.min(d.precision, ds.precision), rec = Math.min(d.recall, ds.recall);
  rows.push({ metric: `duplicates precision (${d.tp}/${d.reported}; shuffled ${ds.tp}/${ds.reported})`, value: prec, unit: '', target: '≥ 0.99', ok: prec >= 0.99 });
  rows.push({ metric: `duplicates recall (${d.tp}/${d.expected}; shuffled ${ds.tp}/${ds.expected})`, value: rec, unit: '', target: '≥ 0.99', ok: rec >= 0.99 });
  const ratio = pipeMs / bare;
  rows.push({ metric: `${files.length} phone JPEGs → catalog with categories (median of ${rounds})`, value: pipeMs / 1000, unit: 's', baseline: { label: `bare sharp decode to ${WORK_EDGE} px`, value: bare / 1000, unit: 's' }, ratio, target: '≤ 1.6×', ok: ratio <= 1.6 });
  rows.push({ metric: `${files.length} phone JPEGs → catalog (reference)`, value: pipeMs / 1000, unit: 's', baseline: { label: `bare sharp decode to ${LISTING_EDGE} px (listing size)`, value: bl / 1000, unit: 's' }, ratio: pipeMs / bl });
  rows.push({ metric: `listing copy (1600 px) made on first use, per photo (${listingCount} photos, one at a time)`, value: listingMs, unit: 'ms' });
  notes.push(`articles found: capture ${cap.r.clusters.length}, shuffled ${sh.r.clusters.length}, truth ${shoot.garments}; rounds (bare / pipeline, s): ${bares.map((b, k) => `${(b / 1000).toFixed(2)} / ${(pipes[k]! / 1000).toFixed(2)}`).join(', ')}`);

  // speed (HEIC)
  const heic = await heicVariant(shoot, quick ? 12 : 60, log);
  if (!heic) notes.push('heif-enc not installed: HEIC speed skipped');
  else {
    log(`HEIC: ${heic.length} files, bare decode / pipeline / bare decode`);
    const h1 = await bareHeic(heic);
    const hp = await pipelineRun(heic, 'heic');
    const h2 = await bareHeic(heic);
    const hb = (h1 + h2) / 2;
    rows.push({ metric: `${heic.length} phone HEICs → catalog (${hp.r.errors.length} errors)`, value: hp.ms / 1000, unit: 's', baseline: { label: 'bare libheif-js decode + resize', value: hb / 1000, unit: 's' }, ratio: hp.ms / hb, target: '≤ 2×', ok: hp.ms / hb <= 2 });
  }

  // memory, in a child process so the figure is the pipeline's own peak
  const big = await byteVariants(shoot, quick ? 150 : 500);
  const list = path.join(os.tmpdir(), `vinted-rss-${process.pid}.json`);
  const resultFile = path.join(os.tmpdir(), `vinted-rss-${process.pid}-result.json`);
  fs.writeFileSync(list, JSON.stringify(big));
  log(`memory: pipeline on ${big.length} photos in a child process`);
  const out = execFileSync(process.execPath, [path.join(import.meta.dirname, 'vinted/rss-child.ts'), list, resultFile], { encoding: 'utf8', maxBuffer: 1 << 20 });
  fs.rmSync(list, { force: true });
  fs.rmSync(resultFile, { force: true });
  const m = JSON.parse(out.trim().split('\n').pop()!);
  rows.push({ metric: `peak RSS, ${big.length} phone photos (child process, ${(m.ms / 1000).toFixed(0)} s)`, value: m.maxRssMB, unit: 'MB', target: '≤ 1536 MB', ok: m.maxRssMB <= 1536 });
  notes.push(`memory run: ${big.length} 12 MP JPEGs = the ${files.length} shoot photos + byte variants (own SHA-256, fully decoded and stored, deduplicated after decoding)`);

  // grouping on a second, bigger shoot the thresholds were not tuned on (other seed, other garments);
  // rendered at 756×1008 because rendering 500 phone-size images takes too long here: the analysis
  // works on the 512 px working raster either way
  const second = await buildShoot(quick ? 150 : 500, 2, log, { w: 756, h: 1008 });
  log(`second shoot: ${second.files.length} photos, capture order and shuffled`);
  const c2 = await pipelineRun(second.files, 'second');
  const secondShuf = shuffled(second, 11);
  const s2 = await pipelineRun(secondShuf, 'second-shuffled');
  const a2 = ari(second.files, c2.r), a2s = ari(secondShuf, s2.r);
  rows.push({ metric: `second shoot: grouping ARI, capture order (${second.files.length} photos)`, value: a2, unit: 'ARI', baseline: { label: 'chunks of 6', value: baselineAri(second.files), unit: 'ARI' }, target: '≥ 0.97', ok: a2 >= 0.97 });
  rows.push({ metric: 'second shoot: grouping ARI, shuffled names', value: a2s, unit: 'ARI', baseline: { label: 'chunks of 6', value: baselineAri(secondShuf), unit: 'ARI' }, target: '≥ 0.92', ok: a2s >= 0.92 });
  const d2 = duplicateScores(second.files, c2.r.duplicates), d2s = duplicateScores(secondShuf, s2.r.duplicates);
  const p2 = Math.min(d2.precision, d2s.precision), r2 = Math.min(d2.recall, d2s.recall);
  rows.push({ metric: `second shoot: duplicates precision (${d2.tp}/${d2.reported}; shuffled ${d2s.tp}/${d2s.reported})`, value: p2, unit: '', target: '≥ 0.99', ok: p2 >= 0.99 });
  rows.push({ metric: `second shoot: duplicates recall (${d2.tp}/${d2.expected}; shuffled ${d2s.tp}/${d2s.expected})`, value: r2, unit: '', target: '≥ 0.99', ok: r2 >= 0.99 });
  notes.push(`second shoot: ${second.files.length} photos 756×1008 (${second.garments} garments, seed 2); articles found ${c2.r.clusters.length} / shuffled ${s2.r.clusters.length}`);

  // categories: the classifier on the validation photos, then per garment and per article
  log('categories: classifier on the validation photos');
  const model = await loadGarmentModel();
  const pe = await photoAccuracy(model, log);
  rows.push({ metric: `category per photo, top-1 (${pe.photos} validation photos)`, value: pe.top1, unit: '' });
  rows.push({ metric: 'category per photo, top-3', value: pe.top3, unit: '' });
  rows.push({ metric: 'classifier inference per photo, one thread (median)', value: pe.msMedian, unit: 'ms', target: '≤ 15 ms', ok: pe.msMedian <= 15 });
  notes.push(`confusion matrix, validation photos (rows: truth, columns: predicted; p95 inference ${pe.msP95.toFixed(1)} ms; ${pe.labelFalse} garment photos taken for labels):\n${confusionTable(pe.confusion)}`);
  for (const [label, f] of [[`main shoot, ${shoot.garments} garments`, files], [`second shoot, ${second.garments} garments`, second.files]] as const) {
    log(`categories per garment: ${label}`);
    const ga = await garmentAccuracy(f, model);
    rows.push({ metric: `category per garment, top-1 (${label})`, value: ga.top1, unit: '', target: '≥ 0.85', ok: ga.top1 >= 0.85 });
    rows.push({ metric: `category per garment, top-3 (${label})`, value: ga.top3, unit: '', target: '≥ 0.97', ok: ga.top3 >= 0.97 });
    notes.push(`${label}: ${ga.unsure} garments under the 0.5 score (shown "à choisir" with the top 3)`);
  }
  // per article as grouped by the pipeline (capture order): the article's truth is its photos' majority garment
  const settings = readSettings({});
  for (const [label, f, r] of [['main shoot', files, cap.r], ['second shoot', second.files, c2.r]] as const) {
    const byName = new Map(f.map((x) => [x.name, x]));
    const fileOf = new Map(r.photos.map((p) => [p.id, p.file]));
    let right = 0, top3 = 0, unsure = 0;
    for (const c of r.clusters) {
      const counts = new Map<string, number>();
      for (const p of c.photos) { const cls = byName.get(fileOf.get(p)!)!.cls; counts.set(cls, (counts.get(cls) ?? 0) + 1); }
      const want = labelOfClass([...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0]);
      if (c.category === want) right++;
      if (!c.category) unsure++;
      if ((c.suggestions?.category ?? []).some((x) => x.value === want)) top3++;
    }
    const n = r.clusters.length;
    rows.push({ metric: `${label}: article category right as shown (${n} articles, ${unsure} "à choisir")`, value: right / n, unit: '' });
    rows.push({ metric: `${label}: article category in the top 3 suggestions`, value: top3 / n, unit: '' });
    // the seller types the size (the one input besides the brand the issue allows; Vinted needs a size
    // id since publishing landed): what a seller would type for the article's true garment
    const sizeOf = (c: PipelineResult['clusters'][number]) => {
      const counts = new Map<string, number>();
      for (const p of c.photos) { const cls = byName.get(fileOf.get(p)!)!.cls; counts.set(cls, (counts.get(cls) ?? 0) + 1); }
      const cls = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
      return cls === 'shoes' ? '40' : cls === 'hat' ? 'Taille unique' : 'M';
    };
    const catalog = { job_id: 'bench', backend: r.backend, files: f.length, photos: [], duplicates: [], errors: [], version: 1,
      clusters: r.clusters.map((c) => ({ ...c, brand: null, size: sizeOf(c), condition: null, edited: false })) };
    const ready = buildPlan(catalog, settings).items.filter((i) => i.publish_ready).length;
    // today's figure: the same articles as the pipeline had them before the classifier (no category without CLIP)
    const before = buildPlan({ ...catalog, clusters: catalog.clusters.map((c) => ({ ...c, category: null })) }, settings).items.filter((i) => i.publish_ready).length;
    rows.push({ metric: `${label}: listings ready with no seller input but the size (${ready}/${n})`, value: ready / n, unit: '', baseline: { label: `before (no category): ${before}/${n}`, value: before / n, unit: '' } });
  }

  // labels: generated close-ups, read offline
  const labels = await generatedLabels(quick ? 20 : 60, 1);
  log(`labels: reading ${labels.length} generated label photos`);
  let brandOk = 0, sizeOk = 0, detected = 0;
  const lt: number[] = [];
  for (const l of labels) {
    const buf = fs.readFileSync(l.file);
    if ((await model.classify((await decodePhoto(buf, path.basename(l.file))).garment)).label >= LABEL_READ_MIN) detected++;
    const t = performance.now();
    const r = await readLabel(buf, [...new Set([...COMMON_BRANDS, ...settings.brandTiers.flatMap((x) => x.brands.map((b) => b.brand))])]);
    lt.push(performance.now() - t);
    if (r.brands[0]?.value === l.brand) brandOk++;
    if (r.sizes[0]?.value === l.size) sizeOk++;
  }
  await closeOcr();
  lt.sort((a, b) => a - b);
  rows.push({ metric: `label close-ups detected and read (score ≥ ${LABEL_READ_MIN}; ${labels.length} generated labels)`, value: detected / labels.length, unit: '' });
  rows.push({ metric: 'label brand exact match (generated labels)', value: brandOk / labels.length, unit: '', target: '≥ 0.9', ok: brandOk / labels.length >= 0.9 });
  rows.push({ metric: 'label size exact match (generated labels)', value: sizeOk / labels.length, unit: '', target: '≥ 0.9', ok: sizeOk / labels.length >= 0.9 });
  rows.push({ metric: 'label reading time per photo (median, OCR + matching)', value: lt[lt.length >> 1]!, unit: 'ms' });
  notes.push('labels: rendered with DejaVu/Liberation fonts, fabric texture, ±12° rotation, blur, uneven light, JPEG (scripts/garments/labels-render.ts, seed 1); the CC0 photo sets hold no label close-ups, so no real label photo was measured');
  return { name: 'vinted', rows, notes };
};

export default bench;
