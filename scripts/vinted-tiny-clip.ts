// Writes a tiny CLIP-like model in the Hugging Face / transformers.js repository layout, so the
// real CLIP loading code (transformers.js → onnxruntime-node) can be exercised offline: no model
// hub is reachable in CI, and the real Xenova/clip-vit-base-patch32 is ~600 MB.
//   <dir>/<model>/config.json, preprocessor_config.json, tokenizer.json, tokenizer_config.json,
//   onnx/vision_model.onnx  (pixel_values [b,3,32,32] → Conv 8×8/8 → ReLU → Flatten → MatMul → image_embeds [b,D])
//   onnx/text_model.onnx    (input_ids [b,s] → Gather(embedding) → ReduceMean → text_embeds [b,D])
// The ONNX protobuf is encoded by hand (a few message types of onnx.proto). Random weights: the
// embeddings mean nothing; shapes, loading, tokenising and the zero-shot path are what is tested.
// Usage: node scripts/vinted-tiny-clip.ts <modelsDir> [modelId]
import fs from 'node:fs';
import path from 'node:path';

// --- minimal protobuf writer -------------------------------------------------------------------
type Field = Buffer;
function varint(n: number | bigint): Buffer {
  let v = BigInt(n);
  if (v < 0n) v += 1n << 64n;
  const out: number[] = [];
  do { let b = Number(v & 0x7fn); v >>= 7n; if (v) b |= 0x80; out.push(b); } while (v);
  return Buffer.from(out);
}
const key = (num: number, wire: number) => varint((num << 3) | wire);
const fVarint = (num: number, v: number | bigint): Field => Buffer.concat([key(num, 0), varint(v)]);
const fBytes = (num: number, b: Buffer): Field => Buffer.concat([key(num, 2), varint(b.length), b]);
const fStr = (num: number, s: string): Field => fBytes(num, Buffer.from(s, 'utf8'));
const msg = (...fields: Field[]): Buffer => Buffer.concat(fields);

// --- onnx.proto subset ---------------------------------------------------------------------------
const FLOAT = 1, INT64 = 7;
function tensor(name: string, dims: number[], type: number, data: Float32Array | BigInt64Array): Buffer {
  return msg(...dims.map((d) => fVarint(1, d)), fVarint(2, type), fStr(8, name), fBytes(9, Buffer.from(data.buffer, data.byteOffset, data.byteLength)));
}
function valueInfo(name: string, elem: number, dims: (number | string)[]): Buffer {
  const shape = msg(...dims.map((d) => fBytes(1, typeof d === 'number' ? fVarint(1, d) : fStr(2, d))));
  return msg(fStr(1, name), fBytes(2, fBytes(1, msg(fVarint(1, elem), fBytes(2, shape)))));
}
type Attr = { name: string; i?: number; ints?: number[] };
function attr(a: Attr): Buffer {
  if (a.ints) return msg(fStr(1, a.name), ...a.ints.map((v) => fVarint(8, v)), fVarint(20, 7));
  return msg(fStr(1, a.name), fVarint(3, a.i!), fVarint(20, 2));
}
function node(op: string, inputs: string[], outputs: string[], attrs: Attr[] = []): Buffer {
  return msg(...inputs.map((s) => fStr(1, s)), ...outputs.map((s) => fStr(2, s)), fStr(3, `${op}_${outputs[0]}`), fStr(4, op), ...attrs.map((a) => fBytes(5, attr(a))));
}
function model(graph: { nodes: Buffer[]; inits: Buffer[]; inputs: Buffer[]; outputs: Buffer[]; name: string }): Buffer {
  const g = msg(...graph.nodes.map((n) => fBytes(1, n)), fStr(2, graph.name), ...graph.inits.map((t) => fBytes(5, t)), ...graph.inputs.map((v) => fBytes(11, v)), ...graph.outputs.map((v) => fBytes(12, v)));
  return msg(fVarint(1, 7), fStr(2, 'atelier-tiny-clip'), fBytes(7, g), fBytes(8, msg(fStr(1, ''), fVarint(2, 13))));
}

function rand(seed: number): () => number {
  let a = seed >>> 0;
  return () => { a = (a + 0x6d2b79f5) >>> 0; let t = Math.imul(a ^ (a >>> 15), a | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return (((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1; };
}
const weights = (n: number, r: () => number, scale: number) => Float32Array.from({ length: n }, () => r() * scale);

export const TINY_CLIP = { image: 32, patch: 8, dim: 16 };
const CHARS = "abcdefghijklmnopqrstuvwxyz0123456789-,.'éèàçêô";

export function makeTinyClip(modelsDir: string, modelId = 'Xenova/clip-vit-base-patch32'): string {
  const dir = path.join(modelsDir, modelId);
  fs.mkdirSync(path.join(dir, 'onnx'), { recursive: true });
  const { image, patch, dim } = TINY_CLIP;
  const r = rand(42);
  const grid = (image / patch) ** 2;
  const vision = model({
    name: 'tiny_clip_vision',
    nodes: [
      node('Conv', ['pixel_values', 'conv_w'], ['patches'], [{ name: 'kernel_shape', ints: [patch, patch] }, { name: 'strides', ints: [patch, patch] }]),
      node('Relu', ['patches'], ['act']),
      node('Flatten', ['act'], ['flat'], [{ name: 'axis', i: 1 }]),
      node('MatMul', ['flat', 'proj_w'], ['image_embeds']),
    ],
    inits: [tensor('conv_w', [8, 3, patch, patch], FLOAT, weights(8 * 3 * patch * patch, r, 0.1)), tensor('proj_w', [8 * grid, dim], FLOAT, weights(8 * grid * dim, r, 0.3))],
    inputs: [valueInfo('pixel_values', FLOAT, ['batch_size', 3, image, image])],
    outputs: [valueInfo('image_embeds', FLOAT, ['batch_size', dim])],
  });
  // vocabulary: CLIP-style BPE over single characters (with the "</w>" end-of-word form), no merges
  const vocab: Record<string, number> = {};
  for (const c of CHARS) { vocab[c] = Object.keys(vocab).length; vocab[`${c}</w>`] = Object.keys(vocab).length; }
  const bos = Object.keys(vocab).length, eos = bos + 1;
  vocab['<|startoftext|>'] = bos; vocab['<|endoftext|>'] = eos;
  const V = eos + 1;
  const text = model({
    name: 'tiny_clip_text',
    nodes: [
      node('Gather', ['token_embedding', 'input_ids'], ['tokens'], [{ name: 'axis', i: 0 }]),
      node('ReduceMean', ['tokens'], ['text_embeds'], [{ name: 'axes', ints: [1] }, { name: 'keepdims', i: 0 }]),
    ],
    inits: [tensor('token_embedding', [V, dim], FLOAT, weights(V * dim, r, 1))],
    inputs: [valueInfo('input_ids', INT64, ['batch_size', 'sequence_length'])],
    outputs: [valueInfo('text_embeds', FLOAT, ['batch_size', dim])],
  });
  fs.writeFileSync(path.join(dir, 'onnx/vision_model.onnx'), vision);
  fs.writeFileSync(path.join(dir, 'onnx/text_model.onnx'), text);
  const special = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify({
    version: '1.0', truncation: null, padding: null,
    added_tokens: [special(bos, '<|startoftext|>'), special(eos, '<|endoftext|>')],
    normalizer: { type: 'Sequence', normalizers: [{ type: 'NFC' }, { type: 'Lowercase' }] },
    pre_tokenizer: { type: 'Whitespace' },
    post_processor: { type: 'RobertaProcessing', sep: ['<|endoftext|>', eos], cls: ['<|startoftext|>', bos], trim_offsets: false, add_prefix_space: false },
    decoder: { type: 'BPEDecoder', suffix: '</w>' },
    model: { type: 'BPE', dropout: null, unk_token: '<|endoftext|>', continuing_subword_prefix: '', end_of_word_suffix: '</w>', fuse_unk: false, byte_fallback: false, vocab, merges: [] },
  }));
  fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify({
    tokenizer_class: 'CLIPTokenizer', model_max_length: 77, do_lower_case: true,
    bos_token: '<|startoftext|>', eos_token: '<|endoftext|>', pad_token: '<|endoftext|>', unk_token: '<|endoftext|>',
  }));
  fs.writeFileSync(path.join(dir, 'preprocessor_config.json'), JSON.stringify({
    image_processor_type: 'CLIPImageProcessor', feature_extractor_type: 'CLIPFeatureExtractor',
    do_resize: true, size: { shortest_edge: image }, resample: 3, do_center_crop: true, crop_size: { height: image, width: image },
    do_rescale: true, rescale_factor: 1 / 255, do_normalize: true,
    image_mean: [0.48145466, 0.4578275, 0.40821073], image_std: [0.26862954, 0.26130258, 0.27577711], do_convert_rgb: true,
  }));
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({
    model_type: 'clip', architectures: ['CLIPModel'], projection_dim: dim, logit_scale_init_value: 2.6592,
    text_config: { model_type: 'clip_text_model', vocab_size: V, hidden_size: dim, max_position_embeddings: 77, bos_token_id: bos, eos_token_id: eos, pad_token_id: eos },
    vision_config: { model_type: 'clip_vision_model', image_size: image, patch_size: patch, hidden_size: dim, num_channels: 3 },
    'transformers.js_config': { dtype: 'fp32' },
  }, null, 1));
  return dir;
}

if (import.meta.main) {
  const [dir, id] = process.argv.slice(2);
  if (!dir) { console.error('usage: node scripts/vinted-tiny-clip.ts <modelsDir> [modelId]'); process.exit(2); }
  console.log(makeTinyClip(dir, id));
}
