// CBZ: a ZIP of page images, with an optional ComicInfo.xml (the ComicRack schema) for metadata.
import path from 'node:path';
import type { ReleaseMetadata } from './types.ts';
import { MetadataError } from './types.ts';
import { openZip, parseXml, text } from './zip.ts';
import { normalizeLanguage } from './language.ts';

const IMAGE = /\.(jpe?g|png|gif|webp|avif|bmp|jxl)$/i;

export async function extractCbz(file: string, label: string): Promise<Partial<ReleaseMetadata>> {
  const zip = await openZip(file, label);
  try {
    const pages = zip.names.filter((n) => IMAGE.test(n) && !n.startsWith('__MACOSX/'));
    if (!pages.length) throw new MetadataError('corrupt', label, 'not a comic book archive: the ZIP holds no page images');
    const infoName = zip.names.find((n) => path.posix.basename(n).toLowerCase() === 'comicinfo.xml');
    const ci = infoName ? parseXml((await zip.read(infoName))!, label, infoName)?.ComicInfo ?? {} : {};
    const writers = (text(ci.Writer) ?? '').split(/\s*,\s*/).filter(Boolean);
    const year = Number(text(ci.Year)) || undefined;
    const series = text(ci.Series);
    const number = text(ci.Number);
    return {
      title: text(ci.Title) ?? (series ? `${series}${number ? ` ${number}` : ''}` : undefined),
      series,
      number,
      authors: writers,
      author: writers[0],
      publisher: text(ci.Publisher),
      year,
      date: year ? [year, text(ci.Month)?.padStart(2, '0'), text(ci.Day)?.padStart(2, '0')].filter(Boolean).join('-') : undefined,
      language: normalizeLanguage(text(ci.LanguageISO)),
      description: text(ci.Summary),
      pages: Number(text(ci.PageCount)) || pages.length,
    };
  } finally {
    zip.close();
  }
}
