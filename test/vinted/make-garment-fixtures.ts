// One-off generator of test/fixtures/vinted/garments/ from the CC0 photos in ../shared/data (run by a
// developer, not by the tests): `node test/vinted/make-garment-fixtures.ts`.
import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';

const SRC = path.resolve(import.meta.dirname, '../../../shared/data/clothing-validation');
if (!fs.existsSync(SRC)) throw new Error(`${SRC} is absent: this generator needs ../shared/data`);

// test/fixtures/vinted/garments/: the "new user" set of issue 13 — 20 photos of 5 garments (4 shots
// each: whole, rotated crop, close-up, darker zoomed-out), the first photo by name of five classes
// (chosen by that rule, not by what the classifier says of them).
const OUT2 = path.resolve(import.meta.dirname, '../fixtures/vinted/garments');
fs.mkdirSync(OUT2, { recursive: true });
let m = 101;
for (const cls of ['dress', 'pants', 'shoes', 'shorts', 't-shirt']) {
  const first = fs.readdirSync(path.join(SRC, cls)).filter((f) => f.endsWith('.jpg')).sort()[0]!;
  const src = path.join(SRC, cls, first);
  const meta = await sharp(src).metadata();
  const w = meta.width!, h = meta.height!;
  const out = () => path.join(OUT2, `IMG_${String(m++).padStart(4, '0')}.jpg`);
  await sharp(src).resize(360).jpeg({ quality: 82 }).toFile(out());
  await sharp(src).rotate(-5, { background: '#ffffff' }).extract({ left: Math.round(w * 0.1), top: Math.round(h * 0.06), width: Math.round(w * 0.8), height: Math.round(h * 0.82) })
    .resize(360).jpeg({ quality: 80 }).toFile(out());
  await sharp(src).extract({ left: Math.round(w * 0.2), top: Math.round(h * 0.25), width: Math.round(w * 0.6), height: Math.round(h * 0.5) })
    .modulate({ brightness: 1.08 }).resize(360).jpeg({ quality: 85 }).toFile(out());
  await sharp(src).extend({ top: 40, bottom: 40, left: 40, right: 40, background: '#f2f2f2' }).modulate({ brightness: 0.9 }).resize(360).jpeg({ quality: 80 }).toFile(out());
  console.log(cls, first);
}
