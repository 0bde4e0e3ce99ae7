// Generated garment labels (deterministic, seeded): measured by the label bench (bench/vinted/labels.bench
// part of vinted.bench.ts, seeds 1…) and, with other seeds, shown to the classifier's label detector in
// training (scripts/garments/prepare.ts):
// a woven or printed care label with a brand and a size in one of the forms real labels use,
// rendered with the machine's fonts (Debian fonts-dejavu-core and fonts-liberation), on a fabric
// texture, rotated, blurred, unevenly lit, photographed close-up on a garment-coloured backdrop,
// JPEG-compressed. The truth is the brand and the size as the Studio should suggest them.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { COMMON_BRANDS } from '../../src/vinted/labels/parse.ts';
import { CACHE_DIR, rng } from '../../bench/vinted/generate.ts';

export interface GeneratedLabel { file: string; brand: string; size: string; kind: string }

const FONTS = ['DejaVu Sans', 'DejaVu Serif', 'DejaVu Sans Condensed', 'DejaVu Sans Mono', 'Liberation Sans', 'Liberation Serif', 'Liberation Mono'];
const LETTERS = ['XS', 'S', 'M', 'L', 'XL', 'XXL'];
const COMPOSITION = ['100% COTON', '100% COTTON', '95% COTON 5% ELASTHANNE', '60% POLYESTER 40% COTON', '100% LAINE', '80% VISCOSE 20% POLYAMIDE'];
const ORIGIN = ['MADE IN PORTUGAL', 'FABRIQUÉ EN TURQUIE', 'MADE IN BANGLADESH', 'MADE IN CHINA', 'FABRIQUÉ EN FRANCE', 'MADE IN MOROCCO'];
const SCHEMES = [
  { bg: '#f7f4ee', fg: '#1d1d1d' }, { bg: '#141414', fg: '#f2f2f2' }, { bg: '#e9dcc4', fg: '#3b2a1a' },
  { bg: '#1f2a44', fg: '#f4f4f4' }, { bg: '#d9d9d9', fg: '#111111' }, { bg: '#ffffff', fg: '#9b1c1c' },
];
const BACKDROPS = ['#2b4c7e', '#7a1f2b', '#d8d2c4', '#3a3a3a', '#556b2f', '#c9a227', '#f0f0f0', '#8a5a44'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;');

/** size line as printed + the size the Studio should suggest */
function sizeFor(r: () => number): { lines: string[]; truth: string; kind: string } {
  const pick = <T>(a: T[]) => a[Math.floor(r() * a.length)]!;
  const k = r();
  if (k < 0.3) { const l = pick(LETTERS); return { lines: [pick([l, `TAILLE ${l}`, `SIZE ${l}`, `T. ${l}`])], truth: l, kind: 'letter' }; }
  if (k < 0.5) {
    const l = pick(LETTERS), eu = 34 + 2 * LETTERS.indexOf(l) + 2;
    return { lines: [l, `EU ${eu} / UK ${eu - 28} / US ${eu - 32}`], truth: l, kind: 'letter + numbers' };
  }
  if (k < 0.7) { const n = 34 + 2 * Math.floor(r() * 9); return { lines: [pick([`TAILLE ${n}`, `FR ${n}`, `EU ${n}`, `T. ${n}`])], truth: String(n), kind: 'FR/EU number' }; }
  if (k < 0.85) { const w = 26 + Math.floor(r() * 13), l = pick([30, 32, 34]); return { lines: [pick([`W${w} L${l}`, `W${w}/L${l}`, `W ${w} L ${l}`])], truth: `W${w} L${l}`, kind: 'jeans W/L' }; }
  const s = 36 + Math.floor(r() * 11); return { lines: [pick([`EU ${s}`, `EUR ${s}`, `FR ${s}`])], truth: String(s), kind: 'shoes' };
}

async function fabric(w: number, h: number, r: () => number): Promise<Buffer> {
  // weave: fine horizontal + vertical threads with random strength, as a grey overlay
  const px = Buffer.alloc(w * h);
  const a = 10 + r() * 18;
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const v = 128 + a * (Math.sin(x * 1.9) * 0.5 + Math.sin(y * 2.3) * 0.5) + (r() - 0.5) * 18;
    px[y * w + x] = Math.max(0, Math.min(255, Math.round(v)));
  }
  return sharp(px, { raw: { width: w, height: h, channels: 1 } }).png().toBuffer();
}

export async function renderLabel(seed: number, brands: string[] = COMMON_BRANDS): Promise<{ jpeg: Buffer; brand: string; size: string; kind: string }> {
  const r = rng(seed);
  const pick = <T>(a: T[]) => a[Math.floor(r() * a.length)]!;
  const brand = pick(brands);
  const size = sizeFor(r);
  const font = pick(FONTS), scheme = pick(SCHEMES);
  const W = 640;
  const upper = r() < 0.5;
  // every line fits the label's width (a glyph is at most ~0.72 em wide in these fonts)
  const fit = (text: string, size: number) => Math.min(size, Math.floor((W - 60) / (0.72 * [...text].length)));
  const line = (text: string, size: number, bold: boolean) => ({ text, size: fit(text, size), bold });
  const brandText = upper ? brand.toUpperCase() : brand;
  const lines: { text: string; size: number; bold: boolean }[] = [
    line(brandText, 58 + Math.floor(r() * 22), r() < 0.7),
    ...size.lines.map((t) => line(t, 40 + Math.floor(r() * 14), r() < 0.5)),
    line(pick(COMPOSITION), 24, false),
    line(pick(ORIGIN), 22, false),
  ];
  const H = Math.round(140 + lines.reduce((a, l) => a + l.size * 1.25 + 10, 0));
  let y = 70 + lines[0]!.size * 0.4;
  const texts = lines.map((l, i) => {
    const el = `<text x="${W / 2}" y="${Math.round(y + l.size * 0.35)}" font-family="${font}" font-size="${l.size}" font-weight="${l.bold ? 'bold' : 'normal'}" text-anchor="middle" fill="${scheme.fg}">${esc(l.text)}</text>`;
    y += l.size * 1.25 + (i === 0 ? 24 : 10);
    return el;
  }).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="${W}" height="${H}" fill="${scheme.bg}"/>${texts}</svg>`;
  let label = await sharp(Buffer.from(svg)).composite([{ input: await fabric(W, H, r), blend: 'soft-light' }]).png().toBuffer();
  // close-up photo: the label fills 55–85 % of the frame width, on a backdrop, rotated, lit unevenly
  const PW = 1200, PH = 1600;
  const scale = (0.55 + r() * 0.3) * PW / W;
  const rot = (r() - 0.5) * 24;
  label = await sharp(label).resize(Math.round(W * scale)).rotate(rot, { background: { r: 0, g: 0, b: 0, alpha: 0 } }).png().toBuffer();
  const lm = await sharp(label).metadata();
  const left = Math.max(0, Math.round((PW - lm.width!) / 2 + (r() - 0.5) * 80)), top = Math.max(0, Math.round((PH - lm.height!) / 2 + (r() - 0.5) * 160));
  const light = `<svg xmlns="http://www.w3.org/2000/svg" width="${PW}" height="${PH}"><defs><linearGradient id="g" x1="${r()}" y1="0" x2="${r()}" y2="1"><stop offset="0" stop-color="#fff" stop-opacity="${0.15 + r() * 0.25}"/><stop offset="1" stop-color="#000" stop-opacity="${0.15 + r() * 0.35}"/></linearGradient></defs><rect width="${PW}" height="${PH}" fill="url(#g)"/></svg>`;
  const jpeg = await sharp({ create: { width: PW, height: PH, channels: 3, background: pick(BACKDROPS) } })
    .composite([{ input: label, left: Math.min(left, Math.max(0, PW - lm.width!)), top: Math.min(top, Math.max(0, PH - lm.height!)) }, { input: Buffer.from(light), blend: 'over' }])
    .blur(0.3 + r() * 1.2).modulate({ brightness: 0.8 + r() * 0.35 }).jpeg({ quality: 70 + Math.floor(r() * 20) }).toBuffer();
  return { jpeg, brand, size: size.truth, kind: size.kind };
}

/** `count` labels (cached under bench/.cache/vinted/labels-<seed>-<count>/). */
export async function generatedLabels(count: number, seed = 1): Promise<GeneratedLabel[]> {
  const dir = path.join(CACHE_DIR, `labels-${seed}-${count}-v2`);
  const truthFile = path.join(dir, 'truth.json');
  if (fs.existsSync(truthFile)) return (JSON.parse(fs.readFileSync(truthFile, 'utf8')) as GeneratedLabel[]).map((l) => ({ ...l, file: path.join(dir, l.file) }));
  fs.mkdirSync(dir, { recursive: true });
  const out: GeneratedLabel[] = [];
  for (let i = 0; i < count; i++) {
    const l = await renderLabel(seed * 100_000 + i);
    const name = `label-${String(i + 1).padStart(3, '0')}.jpg`;
    fs.writeFileSync(path.join(dir, name), l.jpeg);
    out.push({ file: name, brand: l.brand, size: l.size, kind: l.kind });
  }
  fs.writeFileSync(truthFile, JSON.stringify(out, null, 1));
  return out.map((l) => ({ ...l, file: path.join(dir, l.file) }));
}
