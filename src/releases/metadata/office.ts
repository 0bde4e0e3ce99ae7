// DOCX (OOXML: docProps/core.xml + docProps/app.xml) and ODT (OpenDocument: meta.xml).
import type { ReleaseMetadata } from './types.ts';
import { MetadataError } from './types.ts';
import { openZip, parseXml, text, texts } from './zip.ts';
import { personName, yearOf } from './util.ts';
import { normalizeLanguage } from './language.ts';

const num = (v: string | undefined) => (v && /^\d+$/.test(v) ? Number(v) : undefined);

export async function extractDocx(file: string, label: string): Promise<Partial<ReleaseMetadata>> {
  const zip = await openZip(file, label);
  try {
    if (!zip.names.includes('[Content_Types].xml') || !zip.names.some((n) => n.startsWith('word/'))) {
      throw new MetadataError('corrupt', label, 'not a DOCX: [Content_Types].xml or word/ is missing');
    }
    const coreXml = await zip.read('docProps/core.xml');
    const appXml = await zip.read('docProps/app.xml');
    const core = coreXml ? parseXml(coreXml, label, 'docProps/core.xml')?.coreProperties ?? {} : {};
    const app = appXml ? parseXml(appXml, label, 'docProps/app.xml')?.Properties ?? {} : {};
    const creators = texts(core.creator).flatMap((c) => c.split(/\s*;\s*/)).map(personName);
    const date = text(core.created) ?? text(core.modified);
    return {
      title: texts(core.title)[0],
      authors: creators,
      author: creators[0],
      publisher: text(app.Company),
      description: text(core.description) ?? texts(core.subject)[0],
      subjects: text(core.keywords)?.split(/\s*[,;]\s*/).filter(Boolean),
      language: normalizeLanguage(texts(core.language)[0]),
      date: date?.slice(0, 10),
      year: yearOf(date),
      pages: num(text(app.Pages)),
      words: num(text(app.Words)),
      application: text(app.Application),
    };
  } finally {
    zip.close();
  }
}

export async function extractOdt(file: string, label: string): Promise<Partial<ReleaseMetadata>> {
  const zip = await openZip(file, label);
  try {
    const mimetype = (await zip.read('mimetype'))?.toString('ascii').trim();
    if (mimetype && !mimetype.startsWith('application/vnd.oasis.opendocument')) {
      throw new MetadataError('corrupt', label, `not an OpenDocument file: mimetype is "${mimetype}"`);
    }
    const metaXml = await zip.read('meta.xml');
    if (!metaXml && !mimetype) throw new MetadataError('corrupt', label, 'not an ODT: neither mimetype nor meta.xml is present');
    // <office:meta> comes back as an array ("meta" is an array tag for EPUB's <meta> elements)
    const metaNode = metaXml ? parseXml(metaXml, label, 'meta.xml')?.['document-meta']?.meta : undefined;
    const meta = (Array.isArray(metaNode) ? metaNode[0] : metaNode) ?? {};
    const stats = meta['document-statistic'] ?? {};
    const author = text(meta['initial-creator']) ?? text(meta.creator);
    const date = text(meta['creation-date']) ?? texts(meta.date)[0];
    return {
      title: texts(meta.title)[0],
      authors: author ? [personName(author)] : [],
      author: author ? personName(author) : undefined,
      description: text(meta.description) ?? texts(meta.subject)[0],
      subjects: [].concat(meta.keyword ?? []).map((k) => text(k)).filter((x): x is string => !!x),
      language: normalizeLanguage(texts(meta.language)[0]),
      date: date?.slice(0, 10),
      year: yearOf(date),
      pages: num(stats['@page-count']),
      words: num(stats['@word-count']),
      application: text(meta.generator),
    };
  } finally {
    zip.close();
  }
}
