// Child process for the releases benchmark: packages one source into RAR4 volumes + SFV and prints
// {maxRssBytes, seconds} so the parent can report the peak RSS of packaging alone.
// Usage: node pack-child.ts <source> <outDir> <volumeSize> | node pack-child.ts --idle
import { writeRarVolumes } from '../../src/releases/archive/rar4.ts';
import { writeSfv } from '../../src/releases/archive/sfv.ts';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';

const [src, outDir, vol] = process.argv.slice(2);
const t0 = performance.now();
if (src !== '--idle') {
  const r = await writeRarVolumes({ path: src!, name: 'bench.s01e01.720p.hdtv.x264-atelier.mkv' }, outDir!, 'bench', { volumeSize: Number(vol) });
  await writeSfv(r.volumes, join(outDir!, 'bench.sfv'), { crcs: r.volumeCrcs });
}
// VmHWM (peak resident set of this process image) rather than resourceUsage().maxRSS: Linux
// carries ru_maxrss over from the parent across fork+exec, which would report the parent's peak.
const status = readFileSync('/proc/self/status', 'utf8');
const hwm = /VmHWM:\s+(\d+) kB/.exec(status);
const maxRssBytes = hwm ? Number(hwm[1]) * 1024 : process.resourceUsage().maxRSS * 1024;
process.stdout.write(JSON.stringify({ maxRssBytes, seconds: (performance.now() - t0) / 1000 }));
