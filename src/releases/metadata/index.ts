// extractMetadata(file): picks the extractor from the file's extension, checked against its
// first bytes, and returns one ReleaseMetadata or throws a MetadataError naming the problem.
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ReleaseMetadata, SourceFormat } from './types.ts';
import { MetadataError } from './types.ts';
import { extractEpub } from './epub.ts';
import { extractPdf } from './pdf.ts';
import { extractMobi } from './mobi.ts';
import { extractCbz } from './cbz.ts';
import { extractDocx, extractOdt } from './office.ts';
import { extractRtf } from './rtf.ts';
import { extractTxt } from './txt.ts';
import { extractVideo } from './video.ts';
import { compact } from './util.ts';

export * from './types.ts';
export { normalizeLanguage, languageTag, languageName } from './language.ts';
export { parseEpisodeName, resolutionOf } from './video.ts';

const BY_EXT: Record<string, SourceFormat> = {
  '.epub': 'EPUB', '.pdf': 'PDF', '.mobi': 'MOBI', '.prc': 'MOBI', '.azw': 'MOBI', '.azw3': 'AZW3', '.kf8': 'AZW3',
  '.cbz': 'CBZ', '.docx': 'DOCX', '.odt': 'ODT', '.rtf': 'RTF', '.txt': 'TXT', '.mkv': 'MKV', '.mp4': 'MP4', '.m4v': 'MP4',
};

export const SUPPORTED_EXTENSIONS = Object.keys(BY_EXT);

export function formatOf(fileName: string): SourceFormat | undefined {
  return BY_EXT[path.extname(fileName).toLowerCase()];
}

/** `label` is the name shown in errors and used for name parsing (the upload's original name). */
export async function extractMetadata(file: string, label = path.basename(file)): Promise<ReleaseMetadata> {
  const format = formatOf(label) ?? formatOf(file);
  if (!format) throw new MetadataError('unsupported', label, `unsupported file type "${path.extname(label)}" (supported: ${SUPPORTED_EXTENSIONS.join(' ')})`);
  let size: number;
  try {
    size = (await fs.stat(file)).size;
  } catch (e) {
    throw new MetadataError('unreadable', label, (e as Error).message);
  }
  if (size === 0) throw new MetadataError('corrupt', label, 'the file is empty');
  let found: Partial<ReleaseMetadata>;
  switch (format) {
    case 'EPUB': found = await extractEpub(file, label); break;
    case 'PDF': found = await extractPdf(file, label); break;
    case 'MOBI': case 'AZW3': found = await extractMobi(file, label); break;
    case 'CBZ': found = await extractCbz(file, label); break;
    case 'DOCX': found = await extractDocx(file, label); break;
    case 'ODT': found = await extractOdt(file, label); break;
    case 'RTF': found = await extractRtf(file, label); break;
    case 'TXT': found = await extractTxt(file, label); break;
    case 'MKV': case 'MP4': found = await extractVideo(file, label); break;
  }
  const md: ReleaseMetadata = { ...found, format: (found.format as SourceFormat) ?? format, fileName: label, size };
  if (md.authors?.length && !md.author) md.author = md.authors[0];
  return compact(md);
}
