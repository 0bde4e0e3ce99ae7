// TXT: encoding detection (BOM, strict UTF-8, else Windows-1252/Latin-1) and metadata from the
// first lines: Project Gutenberg style headers ("Title:", "Author:", "Language:", "Release Date:"),
// "by …" lines, else the first non-empty line as the title.
import fs from 'node:fs/promises';
import type { ReleaseMetadata } from './types.ts';
import { MetadataError } from './types.ts';
import { cleanIsbn, personName, yearOf } from './util.ts';
import { normalizeLanguage } from './language.ts';

const HEAD = 64 * 1024;

export function detectEncoding(buf: Buffer): string {
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return 'utf-8';
  if (buf[0] === 0xff && buf[1] === 0xfe) return 'utf-16le';
  if (buf[0] === 0xfe && buf[1] === 0xff) return 'utf-16be';
  let high = false;
  for (let i = 0; i < buf.length; i++) if (buf[i] >= 0x80) { high = true; break; }
  if (!high) return 'ascii';
  try {
    // a multi-byte sequence cut by the read window is fine; anything else invalid means not UTF-8
    new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, lastCompleteUtf8(buf)));
    return 'utf-8';
  } catch {
    // 0x80–0x9F are printable in Windows-1252 (€, ’, “…) and control codes in ISO-8859-1
    for (let i = 0; i < buf.length; i++) if (buf[i] >= 0x80 && buf[i] <= 0x9f) return 'windows-1252';
    return 'iso-8859-1';
  }
}

function lastCompleteUtf8(buf: Buffer): number {
  let end = buf.length;
  for (let k = 1; k <= 3 && end - k >= 0; k++) {
    const b = buf[end - k];
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > k ? end - k : end;
  }
  return end;
}

export function decodeText(buf: Buffer, encoding: string): string {
  const enc = encoding === 'ascii' ? 'utf-8' : encoding;
  const label = enc === 'iso-8859-1' ? 'latin1' : enc;
  return new TextDecoder(label).decode(buf).replace(/^\uFEFF/, '');
}

export async function extractTxt(file: string, label: string): Promise<Partial<ReleaseMetadata>> {
  const fh = await fs.open(file);
  let buf: Buffer;
  try {
    const { size } = await fh.stat();
    buf = Buffer.alloc(Math.min(size, HEAD));
    await fh.read(buf, 0, buf.length, 0);
  } finally {
    await fh.close();
  }
  if (!buf.length) throw new MetadataError('corrupt', label, 'empty text file');
  const encoding = detectEncoding(buf);
  if (encoding === 'ascii' || encoding === 'utf-8' || encoding.startsWith('iso') || encoding.startsWith('windows')) {
    let nul = 0;
    for (let i = 0; i < Math.min(buf.length, 4096); i++) if (buf[i] === 0) nul++;
    if (nul > 0) throw new MetadataError('corrupt', label, 'not a text file: it contains NUL bytes (binary data)');
  }
  const text = decodeText(buf, encoding);
  const lines = text.split(/\r?\n/).map((l) => l.trim()).slice(0, 80);
  const header = (name: RegExp) => {
    for (const l of lines) {
      const m = new RegExp(`^(?:${name.source})\\s*:\\s*(.+)$`, 'i').exec(l);
      if (m) return m[1].trim();
    }
    return undefined;
  };
  let title = header(/title|titre/);
  let author = header(/author|auteur|by/);
  if (!title) {
    const first = lines.findIndex((l) => l && !/^\*\*\*|^the project gutenberg/i.test(l));
    if (first >= 0) {
      title = lines[first];
      const by = lines.slice(first + 1, first + 6).find((l) => /^(by|par)\s+\S/i.test(l));
      if (by && !author) author = by.replace(/^(by|par)\s+/i, '');
    }
  }
  const date = header(/release date|date|published|publication/);
  const words = text.split(/\s+/).filter(Boolean).length;
  return {
    title,
    authors: author ? [personName(author)] : [],
    author: author ? personName(author) : undefined,
    language: normalizeLanguage(header(/language|langue/)),
    date,
    year: yearOf(date),
    isbn: cleanIsbn(header(/isbn/)),
    encoding,
    words: buf.length < HEAD ? words : undefined,
  };
}
