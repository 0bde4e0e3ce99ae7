// One-off generator of test/fixtures/vinted/studio/ from the CC0 photos in ../shared/data (run by a
// developer, not by the tests): 4 garments × 3 shots (original, rotated crop, brighter close-up) in
// capture order, one exact duplicate, one HEIC shot. `node test/vinted/make-fixtures.ts`
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import sharp from 'sharp';

const SRC = path.resolve(import.meta.dirname, '../../../shared/data/clothing-validation');
const OUT = path.resolve(import.meta.dirname, '../fixtures/vinted/studio');
const garments = [
  't-shirt/0090ca2c-e8c8-43f6-b764-e48e0e954006.jpg', // yellow top
  'pants/0d0bb91d-01d7-45df-827d-da96bbc44b15.jpg', // blue jeans
  'dress/19e4de0d-fb90-47c2-83b4-37e3652c5a16.jpg', // magenta dress
  'outwear/161e35df-93d4-4b30-817e-de03c8c1d55a.jpg', // red jacket
];
if (!fs.existsSync(SRC)) throw new Error(`${SRC} is absent: this generator needs ../shared/data`);
fs.mkdirSync(OUT, { recursive: true });
let n = 1;
const name = () => `IMG_${String(n++).padStart(4, '0')}.jpg`;
for (const g of garments) {
  const src = path.join(SRC, g);
  const meta = await sharp(src).metadata();
  const w = meta.width!, h = meta.height!;
  await sharp(src).resize(300).jpeg({ quality: 82 }).toFile(path.join(OUT, name()));
  await sharp(src).rotate(4, { background: '#ffffff' }).extract({ left: Math.round(w * 0.08), top: Math.round(h * 0.08), width: Math.round(w * 0.8), height: Math.round(h * 0.8) })
    .resize(300).jpeg({ quality: 80 }).toFile(path.join(OUT, name()));
  await sharp(src).modulate({ brightness: 1.12 }).extract({ left: Math.round(w * 0.15), top: Math.round(h * 0.2), width: Math.round(w * 0.7), height: Math.round(h * 0.6) })
    .resize(300).jpeg({ quality: 85 }).toFile(path.join(OUT, name()));
}
// exact duplicate of the jeans' first shot, taken "later"
fs.copyFileSync(path.join(OUT, 'IMG_0004.jpg'), path.join(OUT, 'IMG_0013.jpg'));
// a HEIC version of the dress' second shot (iPhone style), via Debian's heif-enc
const png = path.join(OUT, 'tmp.png');
await sharp(path.join(OUT, 'IMG_0008.jpg')).png().toFile(png);
execFileSync('heif-enc', ['-q', '60', '-o', path.join(OUT, 'IMG_0008.heic'), png]);
fs.rmSync(png);
fs.rmSync(path.join(OUT, 'IMG_0008.jpg'));
console.log(fs.readdirSync(OUT).join('\n'));
