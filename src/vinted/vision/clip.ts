// The `clip` backend: CLIP image embeddings and zero-shot categories through transformers.js
// (onnxruntime-node). Files are read from ATELIER_MODELS_DIR/<model id>/ (the Hugging Face repo
// layout: config.json, preprocessor_config.json, tokenizer files, onnx/*.onnx); when they are
// missing they are downloaded once into that same directory, which transformers.js's file cache
// lays out identically, so the next start is offline.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

export const DEFAULT_CLIP_MODEL = 'Xenova/clip-vit-base-patch32';
/** pinned so the same model files (and so the same embeddings) are used everywhere */
export const CLIP_DTYPE = 'fp32';
const ONNX_FILES = ['onnx/vision_model.onnx', 'onnx/text_model.onnx'];
const REQUIRED = ['config.json', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json', ...ONNX_FILES];

/** English prompts for the default French label set (CLIP was trained on English captions). */
export const LABEL_PROMPTS: Record<string, string> = {
  't-shirt': 't-shirt', hoodie: 'hoodie', sweatshirt: 'sweatshirt', joggers: 'jogging pants', jeans: 'jeans',
  pantalon: 'trousers', short: 'shorts', 'puffer jacket': 'puffer jacket', veste: 'jacket', manteau: 'coat',
  parka: 'parka', windbreaker: 'windbreaker', chemise: 'shirt', polo: 'polo shirt', robe: 'dress', jupe: 'skirt',
  casquette: 'cap', bonnet: 'beanie', sneakers: 'sneakers', chaussures: 'shoes', sac: 'bag', pull: 'sweater',
};

export function clipModelPresent(modelsDir: string, model = DEFAULT_CLIP_MODEL): boolean {
  if (!modelsDir) return false;
  return REQUIRED.every((f) => fs.existsSync(path.join(modelsDir, model, f)));
}

export interface ClipBackend {
  model: string;
  dim: number;
  embedImages(jpegs: Buffer[]): Promise<Float32Array[]>;
  embedLabels(labels: string[]): Promise<Float32Array[]>;
  /** mean of the (normalised) image embeddings against the label embeddings; softmax with CLIP's logit scale */
  zeroShot(images: Float32Array[], labels: Float32Array[]): { index: number; score: number; scores: number[] };
}

function normalise(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const n = Math.sqrt(s) || 1;
  return v.map((x) => x / n);
}

function rows(t: { data: ArrayLike<number>; dims: number[] }): Float32Array[] {
  const [b, d] = t.dims as [number, number];
  const out: Float32Array[] = [];
  for (let i = 0; i < b; i++) out.push(normalise(Float32Array.from(Array.prototype.slice.call(t.data, i * d, (i + 1) * d))));
  return out;
}

const cache = new Map<string, Promise<ClipBackend>>();

export function loadClip(modelsDir: string, model = DEFAULT_CLIP_MODEL): Promise<ClipBackend> {
  const key = `${path.resolve(modelsDir || '.')}\u0000${model}`;
  let p = cache.get(key);
  if (!p) {
    p = load(modelsDir, model);
    p.catch(() => cache.delete(key)); // a failed load can be retried (e.g. after the files were added)
    cache.set(key, p);
  }
  return p;
}

async function load(modelsDir: string, model: string): Promise<ClipBackend> {
  const tf = await import('@huggingface/transformers');
  const present = clipModelPresent(modelsDir, model);
  if (!modelsDir) throw new Error('CLIP backend: ATELIER_MODELS_DIR is not set');
  fs.mkdirSync(modelsDir, { recursive: true });
  tf.env.allowLocalModels = true;
  tf.env.localModelPath = modelsDir;
  tf.env.cacheDir = modelsDir;
  // never reach for the network when the files are here; otherwise download once into modelsDir
  tf.env.allowRemoteModels = !present;
  const opts = { dtype: CLIP_DTYPE, device: 'cpu', local_files_only: present } as const;
  let processor, tokenizer, vision, text;
  try {
    [processor, tokenizer, vision, text] = await Promise.all([
      tf.AutoProcessor.from_pretrained(model, { local_files_only: present }),
      tf.AutoTokenizer.from_pretrained(model, { local_files_only: present }),
      tf.CLIPVisionModelWithProjection.from_pretrained(model, opts),
      tf.CLIPTextModelWithProjection.from_pretrained(model, opts),
    ]);
  } catch (e) {
    throw new Error(`CLIP backend: cannot load ${model} from ${modelsDir}${present ? '' : ' (files absent and download failed)'}: ${(e as Error).message}`);
  }
  const cfg = JSON.parse(fs.readFileSync(path.join(modelsDir, model, 'config.json'), 'utf8'));
  const logitScale = Math.exp(typeof cfg.logit_scale_init_value === 'number' ? cfg.logit_scale_init_value : Math.log(100));
  const size: number = (() => {
    const pc = JSON.parse(fs.readFileSync(path.join(modelsDir, model, 'preprocessor_config.json'), 'utf8'));
    return Number(pc.crop_size?.height ?? pc.crop_size ?? pc.size?.shortest_edge ?? pc.size ?? 224);
  })();
  return {
    model,
    dim: Number(cfg.projection_dim ?? 512),
    async embedImages(jpegs) {
      const images = await Promise.all(jpegs.map(async (j) => {
        // pre-shrink with sharp (fast, libvips) so the JS image processor only touches ~size² pixels
        const { data, info } = await sharp(j).resize(size, size, { fit: 'outside' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
        return new tf.RawImage(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height, 3);
      }));
      const inputs = await processor(images);
      const out = await vision(inputs);
      return rows(out.image_embeds);
    },
    async embedLabels(labels) {
      const prompts = labels.map((l) => `a photo of a ${LABEL_PROMPTS[l.toLowerCase()] ?? l}, a piece of clothing`);
      const inputs = tokenizer(prompts, { padding: true, truncation: true });
      const out = await text(inputs);
      return rows(out.text_embeds);
    },
    zeroShot(images, labels) {
      const mean = new Float32Array(images[0]!.length);
      for (const v of images) for (let i = 0; i < v.length; i++) mean[i]! += v[i]!;
      const m = normalise(mean);
      const logits = labels.map((t) => { let s = 0; for (let i = 0; i < t.length; i++) s += t[i]! * m[i]!; return s * logitScale; });
      const mx = Math.max(...logits);
      const ex = logits.map((l) => Math.exp(l - mx));
      const sum = ex.reduce((a, b) => a + b, 0);
      const scores = ex.map((e) => e / sum);
      let index = 0;
      scores.forEach((s, i) => { if (s > scores[index]!) index = i; });
      return { index, score: scores[index]!, scores };
    },
  };
}
