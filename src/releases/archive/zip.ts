// Independent ZIP volumes (EBOOK/DOCS): every zip carries the NFO + FILE_ID.DIZ, names ≤ 8.3.
import type { ArchiveSource, ZipVolumesOptions, ZipVolumesResult } from './types.ts';

export async function writeZipVolumes(
  files: ArchiveSource[],
  outDir: string,
  baseName8dot3: string,
  opts: ZipVolumesOptions,
): Promise<ZipVolumesResult> {
  void files; void outDir; void baseName8dot3; void opts;
  throw new Error('writeZipVolumes: not implemented yet');
}
