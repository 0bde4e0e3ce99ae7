// MOBI / AZW3 (KF8) / PRC: a PalmDB container whose record 0 holds the PalmDOC header, the MOBI
// header and the EXTH block (100 author, 101 publisher, 103 description, 104 ISBN, 105 subject,
// 106 date, 503 title, 524 language). Only the header and record 0 are read.
import fs from 'node:fs/promises';
import type { ReleaseMetadata, SourceFormat } from './types.ts';
import { MetadataError } from './types.ts';
import { cleanIsbn, personName, uniq, yearOf } from './util.ts';
import { lcidToLanguage, normalizeLanguage } from './language.ts';

export async function extractMobi(file: string, label: string): Promise<Partial<ReleaseMetadata> & { format: SourceFormat }> {
  const fh = await fs.open(file);
  try {
    const { size } = await fh.stat();
    const head = Buffer.alloc(Math.min(size, 78 + 8 * 4096));
    await fh.read(head, 0, head.length, 0);
    if (head.length < 78) throw new MetadataError('corrupt', label, `bad PalmDB: ${size} bytes is shorter than the 78-byte PalmDB header`);
    const type = head.toString('latin1', 60, 64);
    const creator = head.toString('latin1', 64, 68);
    if (!((type === 'BOOK' && creator === 'MOBI') || (type === 'TEXt' && creator === 'REAd'))) {
      throw new MetadataError('corrupt', label, `bad PalmDB: type/creator is "${type}${creator}", expected "BOOKMOBI" (MOBI/AZW3) or "TEXtREAd" (PalmDOC)`);
    }
    const numRecords = head.readUInt16BE(76);
    if (numRecords < 1 || 78 + numRecords * 8 > head.length) throw new MetadataError('corrupt', label, `bad PalmDB: record count ${numRecords} does not fit the file`);
    const rec0 = head.readUInt32BE(78);
    const rec1 = numRecords > 1 ? head.readUInt32BE(86) : size;
    if (rec0 >= size || rec1 > size || rec1 <= rec0) throw new MetadataError('corrupt', label, `bad PalmDB: record 0 spans ${rec0}–${rec1} outside the ${size}-byte file (truncated?)`);
    const r0 = Buffer.alloc(rec1 - rec0);
    await fh.read(r0, 0, r0.length, rec0);
    const palmTitle = head.toString('latin1', 0, 32).replace(/\0.*$/s, '').replace(/_/g, ' ');
    if (creator !== 'MOBI' || r0.length < 24 || r0.toString('latin1', 16, 20) !== 'MOBI') {
      return { format: 'MOBI', title: palmTitle || undefined, extra: { palmdb: `${type}${creator}` } };
    }
    const mobiLen = r0.readUInt32BE(20);
    const encoding = r0.readUInt32BE(28) === 65001 ? 'utf8' : 'latin1';
    const fileVersion = r0.length >= 40 ? r0.readUInt32BE(36) : 0;
    const fullNameOff = r0.length >= 92 ? r0.readUInt32BE(84) : 0;
    const fullNameLen = r0.length >= 92 ? r0.readUInt32BE(88) : 0;
    const locale = r0.length >= 96 ? r0.readUInt32BE(92) : 0;
    const exthFlags = r0.length >= 132 ? r0.readUInt32BE(128) : 0;
    const decode = (b: Buffer) => (encoding === 'utf8' ? b.toString('utf8') : new TextDecoder('windows-1252').decode(b)).replace(/\0+$/, '').trim();
    const fullName = fullNameOff && fullNameOff + fullNameLen <= r0.length ? decode(r0.subarray(fullNameOff, fullNameOff + fullNameLen)) : undefined;

    const exth = new Map<number, string[]>();
    if (exthFlags & 0x40) {
      let p = 16 + mobiLen;
      if (r0.toString('latin1', p, p + 4) !== 'EXTH') throw new MetadataError('corrupt', label, 'bad MOBI: the EXTH flag is set but no EXTH block follows the MOBI header');
      const count = r0.readUInt32BE(p + 8);
      p += 12;
      for (let i = 0; i < count; i++) {
        if (p + 8 > r0.length) throw new MetadataError('corrupt', label, `bad MOBI: EXTH record ${i + 1}/${count} runs past record 0`);
        const t = r0.readUInt32BE(p);
        const len = r0.readUInt32BE(p + 4);
        if (len < 8 || p + len > r0.length) throw new MetadataError('corrupt', label, `bad MOBI: EXTH record ${t} has an impossible length ${len}`);
        const data = r0.subarray(p + 8, p + len);
        const list = exth.get(t) ?? [];
        list.push(t === 121 || t === 125 ? String(data.length === 4 ? data.readUInt32BE(0) : 0) : decode(data));
        exth.set(t, list);
        p += len;
      }
    }
    const first = (t: number) => exth.get(t)?.find(Boolean);
    // KF8: file version 8 (AZW3) or a MOBI7 with a KF8 boundary record (EXTH 121) → hybrid
    const isKf8 = fileVersion >= 8 || /\.azw3$/i.test(label);
    const authors = uniq((exth.get(100) ?? []).flatMap((a) => a.split(/\s*[;&]\s*/)).filter(Boolean).map(personName));
    const date = first(106);
    return {
      format: isKf8 ? 'AZW3' : 'MOBI',
      title: first(503) ?? fullName ?? (palmTitle || undefined),
      authors,
      author: authors[0],
      publisher: first(101),
      description: first(103),
      isbn: cleanIsbn(first(104)),
      subjects: exth.get(105),
      date,
      year: yearOf(date),
      language: normalizeLanguage(first(524)) ?? lcidToLanguage(locale),
      extra: { mobiVersion: String(fileVersion), ...(exth.has(121) && fileVersion < 8 ? { kf8: 'hybrid' } : {}) },
    };
  } finally {
    await fh.close();
  }
}
