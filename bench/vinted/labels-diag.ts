// Label reading, one line per label (truth, what was read, the OCR text): to see what the misses are.
//   node_modules/.bin/node bench/vinted/labels-diag.ts [seed] [count]
// Seed 1 is the bench's set (report only); choose on other seeds (3 by default).
import fs from 'node:fs';
import { generatedLabels } from '../../scripts/garments/labels-render.ts';
import { readLabel } from '../../src/vinted/labels/read.ts';
import { closeOcr } from '../../src/vinted/labels/ocr.ts';

const seed = Number(process.argv[2] ?? 3), count = Number(process.argv[3] ?? 40);
const labels = await generatedLabels(count, seed);
let b = 0, s = 0;
const byKind = new Map<string, [number, number]>();
for (const l of labels) {
  const r = await readLabel(fs.readFileSync(l.file));
  const bo = r.brands[0]?.value === l.brand, so = r.sizes[0]?.value === l.size;
  if (bo) b++;
  if (so) s++;
  const k = byKind.get(l.kind) ?? [0, 0]; k[0]++; if (so) k[1]++; byKind.set(l.kind, k);
  console.log(`${bo ? 'ok' : 'XX'} ${so ? 'ok' : 'XX'} ${l.brand} | ${l.size} (${l.kind}) → ${r.brands[0]?.value ?? '-'} | ${r.sizes[0]?.value ?? '-'}  ${Math.round(r.ms)}ms  «${r.text.replace(/\s+/g, ' ').slice(0, 110)}»`);
}
await closeOcr();
console.log(`seed ${seed}: brand ${b}/${labels.length} = ${(b / labels.length).toFixed(3)}, size ${s}/${labels.length} = ${(s / labels.length).toFixed(3)}; size by kind: ${[...byKind].map(([k, [n, ok]]) => `${k} ${ok}/${n}`).join(', ')}`);
