// RTF: the {\info …} group (\title, \author, \company, \subject, \keywords, \doccomm, \creatim,
// \nofpages) decoded with the document's code page (\ansicpgN, \'hh escapes, \uN Unicode).
import fs from 'node:fs/promises';
import iconv from 'iconv-lite';
import type { ReleaseMetadata } from './types.ts';
import { MetadataError } from './types.ts';
import { personName } from './util.ts';
import { lcidToLanguage } from './language.ts';

/** text of an RTF fragment: control words dropped, escapes decoded */
function decodeRtfText(src: string, codepage: string): string {
  let out = '';
  const bytes: number[] = [];
  const flush = () => {
    if (bytes.length) { out += iconv.decode(Buffer.from(bytes), codepage); bytes.length = 0; }
  };
  let skip = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') {
      const n = src[i + 1];
      if (n === "'") {
        const hex = src.slice(i + 2, i + 4);
        if (skip > 0) skip--;
        else bytes.push(parseInt(hex, 16));
        i += 3;
        continue;
      }
      flush();
      if (n === '\\' || n === '{' || n === '}') { out += n; i++; continue; }
      if (n === '~') { out += '\u00a0'; i++; continue; }
      const m = /^([a-z]+)(-?\d+)? ?/.exec(src.slice(i + 1));
      if (m) {
        if (m[1] === 'u' && m[2] !== undefined) {
          let code = Number(m[2]);
          if (code < 0) code += 65536;
          out += String.fromCharCode(code);
          skip = 1; // the \uc1 fallback character that follows
        } else if (m[1] === 'par' || m[1] === 'line') out += '\n';
        else if (m[1] === 'tab') out += '\t';
        i += m[0].length;
        continue;
      }
      i++;
      continue;
    }
    if (c === '{' || c === '}' || c === '\r' || c === '\n') { flush(); continue; }
    if (skip > 0) { skip--; continue; }
    flush();
    out += c;
  }
  flush();
  return out.replace(/\s+/g, ' ').trim();
}

/** the content of the group starting at s[i] === '{' (without its braces), and the index after it */
function group(s: string, i: number): { body: string; end: number } | undefined {
  let depth = 0;
  for (let j = i; j < s.length; j++) {
    const c = s[j];
    if (c === '\\') { j++; continue; }
    if (c === '{') depth++;
    else if (c === '}') { depth--; if (depth === 0) return { body: s.slice(i + 1, j), end: j + 1 }; }
  }
  return undefined;
}

export async function extractRtf(file: string, label: string): Promise<Partial<ReleaseMetadata>> {
  // the \\info group sits in the header: big documents (embedded pictures) are read in their first 4 MB only
  const fh = await fs.open(file);
  let buf: Buffer;
  let whole: boolean;
  try {
    const { size } = await fh.stat();
    whole = size <= 32 * 1024 * 1024;
    buf = Buffer.alloc(whole ? size : 4 * 1024 * 1024);
    await fh.read(buf, 0, buf.length, 0);
  } finally {
    await fh.close();
  }
  const s = buf.toString('latin1');
  if (!s.startsWith('{\\rtf')) throw new MetadataError('corrupt', label, 'not an RTF document: it does not start with {\\rtf');
  if (whole && !group(s, 0)) throw new MetadataError('corrupt', label, 'truncated RTF: the outer group is never closed');
  const cpNum = /\\ansicpg(\d+)/.exec(s.slice(0, 4096))?.[1] ?? '1252';
  const codepage = iconv.encodingExists(`cp${cpNum}`) ? `cp${cpNum}` : 'cp1252';
  const infoAt = s.indexOf('{\\info');
  const out: Partial<ReleaseMetadata> = {};
  const langNum = /\\(?:deflang|lang)(\d+)/.exec(s.slice(0, 65536))?.[1];
  if (langNum) out.language = lcidToLanguage(Number(langNum) & 0x3ff);
  if (infoAt < 0) return out;
  const infoGroup = group(s, infoAt);
  if (!infoGroup) return out;
  const info = infoGroup.body;
  const fields: Record<string, string> = {};
  for (let i = 0; i < info.length; i++) {
    if (info[i] !== '{') continue;
    const g = group(info, i);
    if (!g) break;
    const m = /^\\\*?\\?([a-z]+)/.exec(g.body);
    if (m) fields[m[1]] = g.body.slice(m[0].length);
    i = g.end - 1;
  }
  const t = (k: string) => (fields[k] !== undefined ? decodeRtfText(fields[k], codepage) || undefined : undefined);
  const author = t('author');
  if (fields.creatim) {
    const yr = /\\yr(\d+)/.exec(fields.creatim)?.[1];
    const mo = /\\mo(\d+)/.exec(fields.creatim)?.[1];
    const dy = /\\dy(\d+)/.exec(fields.creatim)?.[1];
    if (yr) {
      out.year = Number(yr);
      out.date = [yr, mo?.padStart(2, '0'), mo && dy ? dy.padStart(2, '0') : undefined].filter(Boolean).join('-');
    }
  }
  const pages = /\\nofpages(\d+)/.exec(info)?.[1];
  const words = /\\nofwords(\d+)/.exec(info)?.[1];
  return {
    ...out,
    title: t('title'),
    authors: author ? [personName(author)] : [],
    author: author ? personName(author) : undefined,
    publisher: t('company'),
    description: t('subject') ?? t('doccomm'),
    subjects: t('keywords')?.split(/\s*[,;]\s*/).filter(Boolean),
    pages: pages ? Number(pages) : undefined,
    words: words ? Number(words) : undefined,
  };
}
