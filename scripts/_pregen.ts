import { buildShoot } from '/work/wt-vision/bench/vinted/generate.ts';
import { generatedLabels } from '/work/wt-vision/scripts/garments/labels-render.ts';
const log = (m: string) => console.log(new Date().toISOString(), m);
await generatedLabels(60, 1); log('labels');
await buildShoot(150, 1, log); log('main');
await buildShoot(500, 2, log, { w: 756, h: 1008 }); log('second');
for (const seed of [3, 4, 5, 6]) { await buildShoot(150, seed, log, { w: 756, h: 1008 }); log(`s${seed}`); }
await buildShoot(150, 2, log, { w: 756, h: 1008 }); log('s2 150');
await buildShoot(60, 1, log); log('quick');
