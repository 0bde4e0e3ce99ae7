// EPUB: META-INF/container.xml names the OPF package; its <metadata> holds the Dublin Core fields.
import type { ReleaseMetadata } from './types.ts';
import { MetadataError } from './types.ts';
import { openZip, parseXml, text, texts } from './zip.ts';
import { cleanIsbn, personName, yearOf } from './util.ts';
import { normalizeLanguage } from './language.ts';

export async function extractEpub(file: string, label: string): Promise<Partial<ReleaseMetadata>> {
  const zip = await openZip(file, label);
  try {
    const containerXml = await zip.read('META-INF/container.xml');
    if (!containerXml) throw new MetadataError('corrupt', label, 'not an EPUB: META-INF/container.xml is missing');
    const container = parseXml(containerXml, label, 'META-INF/container.xml');
    const rootfiles = container?.container?.rootfiles?.rootfile ?? [];
    const opfPath: string | undefined = (rootfiles.find((r: any) => (r['@media-type'] ?? '').includes('oebps-package')) ?? rootfiles[0])?.['@full-path'];
    if (!opfPath) throw new MetadataError('corrupt', label, 'container.xml names no OPF package (rootfile full-path)');
    const opfXml = await zip.read(opfPath);
    if (!opfXml) throw new MetadataError('corrupt', label, `OPF package ${opfPath} named in container.xml is missing`);
    const opf = parseXml(opfXml, label, opfPath);
    const md = opf?.package?.metadata;
    if (!md) throw new MetadataError('corrupt', label, `${opfPath} has no <metadata>`);

    const creators: any[] = Array.isArray(md.creator) ? md.creator : md.creator ? [md.creator] : [];
    // EPUB 2 marks roles with opf:role; EPUB 3 with <meta refines="#id" property="role">
    const roles = new Map<string, string>();
    for (const m of md.meta ?? []) {
      if (m?.['@property'] === 'role' && m['@refines']) roles.set(String(m['@refines']).replace(/^#/, ''), text(m) ?? '');
    }
    const authors = creators
      .filter((c) => {
        const role = (typeof c === 'object' && (c['@role'] || roles.get(c['@id']))) || 'aut';
        return role === 'aut';
      })
      .map((c) => text(c))
      .filter((x): x is string => !!x)
      .map(personName);

    let isbn: string | undefined;
    for (const id of Array.isArray(md.identifier) ? md.identifier : [md.identifier]) {
      const v = text(id);
      const scheme = typeof id === 'object' ? String(id?.['@scheme'] ?? '') : '';
      if (v && (scheme.toUpperCase() === 'ISBN' || /isbn/i.test(v) || cleanIsbn(v))) {
        isbn = cleanIsbn(v);
        if (isbn) break;
      }
    }
    const date = texts(md.date)[0];
    const spineCount = (opf?.package?.spine?.itemref ? ([] as unknown[]).concat(opf.package.spine.itemref).length : undefined);
    return {
      title: texts(md.title)[0],
      authors,
      author: authors[0],
      publisher: text(md.publisher),
      date,
      year: yearOf(date),
      language: normalizeLanguage(texts(md.language)[0]),
      isbn,
      description: text(md.description)?.replace(/<[^>]+>/g, '').slice(0, 2000),
      subjects: texts(md.subject),
      extra: spineCount ? { chapters: String(spineCount), opf: opfPath } : { opf: opfPath },
    };
  } finally {
    zip.close();
  }
}
