// RAR 4.x store-mode multi-volume writer (see docs/releases-formats.md).
import type { ArchiveSource, RarVolumesOptions, RarVolumesResult } from './types.ts';

/** Old-style volume name: index 0 → base.rar, 1 → base.r00 … 100 → base.r99, 101 → base.s00. */
export function rarVolumeName(baseName: string, index: number): string {
  if (index === 0) return `${baseName}.rar`;
  const n = index - 1;
  const letter = String.fromCharCode('r'.charCodeAt(0) + Math.floor(n / 100));
  return `${baseName}.${letter}${String(n % 100).padStart(2, '0')}`;
}

export async function writeRarVolumes(
  source: ArchiveSource | ArchiveSource[],
  outDir: string,
  baseName: string,
  opts: RarVolumesOptions,
): Promise<RarVolumesResult> {
  void source; void outDir; void baseName; void opts;
  throw new Error('writeRarVolumes: not implemented yet');
}
