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
    const { date, from: dateFrom } = epubDate(md);
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
      extra: { ...(spineCount ? { chapters: String(spineCount) } : {}), opf: opfPath, ...(dateFrom ? { dateFrom } : {}) },
    };
  } finally {
    zip.close();
  }
}

const DATE_META = ['dcterms:date', 'dc:date', 'dcterms:issued', 'dcterms:available', 'dcterms:created', 'dc:created', 'DC.date', 'DC.Date', 'date'];

/**
 * The publication date, from every form EPUB 2 and 3 put it in, best first:
 *   <dc:date> (EPUB 2: opf:event="publication" / "original-publication" first, "modification" last),
 *   <meta property="dcterms:date|dc:date|dcterms:issued…">…</meta> (EPUB 3),
 *   <meta name="dc:date" content="…"/> (EPUB 2 / OPF 2 meta),
 *   and only then <meta property="dcterms:modified"> (the file's last change: `from` says so, the
 *   name step warns about it). Nothing found: undefined — never today's date.
 */
export function epubDate(md: any): { date?: string; from?: string } {
  const usable = (v: string | undefined) => (v && yearOf(v) ? v : undefined);
  const rank = (ev: string) => (ev === 'publication' || ev === 'original-publication' ? 0 : ev === '' || ev === 'issued' ? 1 : ev === 'modification' ? 3 : 2);
  const dcDates = ([] as any[]).concat(md.date ?? [])
    .map((d) => ({ v: text(d), ev: typeof d === 'object' ? String(d?.['@event'] ?? '').toLowerCase() : '' }))
    .filter((d) => usable(d.v))
    .sort((a, b) => rank(a.ev) - rank(b.ev));
  const first = dcDates.find((d) => d.ev !== 'modification');
  if (first) return { date: first.v, from: 'dc:date' };
  const metas: any[] = [].concat(md.meta ?? []);
  for (const key of DATE_META) {
    for (const m of metas) {
      if (typeof m !== 'object' || m['@refines']) continue;
      if (m['@property'] === key && usable(text(m))) return { date: text(m), from: key };
      if (m['@name'] === key && usable(String(m['@content'] ?? ''))) return { date: String(m['@content']), from: key };
    }
  }
  if (dcDates[0]) return { date: dcDates[0].v, from: 'dc:date (modification)' };
  const modified = metas.find((m) => typeof m === 'object' && m['@property'] === 'dcterms:modified' && usable(text(m)));
  if (modified) return { date: text(modified), from: 'dcterms:modified' };
  return {};
}
