// PDF: the document information dictionary (trailer /Info, possibly inside a compressed object
// stream) and the XMP packet, read without a PDF library: only the few objects we need are parsed.
import fs from 'node:fs/promises';
import zlib from 'node:zlib';
import type { ReleaseMetadata } from './types.ts';
import { MetadataError } from './types.ts';
import { parseXml, text, texts } from './zip.ts';
import { cleanIsbn, personName, yearOf } from './util.ts';
import { normalizeLanguage } from './language.ts';

const WHOLE_LIMIT = 64 * 1024 * 1024;

async function load(file: string, label: string): Promise<string> {
  const fh = await fs.open(file);
  try {
    const { size } = await fh.stat();
    if (size <= WHOLE_LIMIT) return (await fh.readFile()).toString('latin1');
    // big scans: the info dictionary and the XMP live at the start or the end (incremental updates)
    const head = Buffer.alloc(8 * 1024 * 1024);
    const tail = Buffer.alloc(8 * 1024 * 1024);
    await fh.read(head, 0, head.length, 0);
    await fh.read(tail, 0, tail.length, size - tail.length);
    return head.toString('latin1') + '\n' + tail.toString('latin1');
  } catch (e) {
    throw new MetadataError('unreadable', label, (e as Error).message);
  } finally {
    await fh.close();
  }
}

/** decodes the bytes of a PDF text string (UTF-16BE with BOM, UTF-8 with BOM, else PDFDocEncoding≈Latin-1) */
function decodeTextBytes(bytes: Buffer): string {
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    const b = Buffer.from(bytes.subarray(2, 2 + ((bytes.length - 2) & ~1)));
    return b.swap16().toString('utf16le').replace(/\0+$/, '');
  }
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.subarray(3).toString('utf8');
  return bytes.toString('latin1');
}

/** parses a literal (…) or hex <…> string starting at s[i]; returns the decoded text and the end index */
function parseString(s: string, i: number): { value: string; end: number } | undefined {
  if (s[i] === '(') {
    const out: number[] = [];
    let depth = 1;
    let j = i + 1;
    while (j < s.length && depth > 0) {
      const c = s[j];
      if (c === '\\') {
        const n = s[j + 1];
        const esc: Record<string, number> = { n: 10, r: 13, t: 9, b: 8, f: 12, '(': 40, ')': 41, '\\': 92 };
        if (n in esc) { out.push(esc[n]); j += 2; continue; }
        if (n === '\r' || n === '\n') { j += 2; if (n === '\r' && s[j] === '\n') j++; continue; }
        const oct = /^[0-7]{1,3}/.exec(s.slice(j + 1, j + 4));
        if (oct) { out.push(parseInt(oct[0], 8) & 0xff); j += 1 + oct[0].length; continue; }
        j += 1;
        continue;
      }
      if (c === '(') depth++;
      if (c === ')') { depth--; if (depth === 0) break; }
      out.push(s.charCodeAt(j) & 0xff);
      j++;
    }
    return { value: decodeTextBytes(Buffer.from(out)), end: j + 1 };
  }
  if (s[i] === '<' && s[i + 1] !== '<') {
    const close = s.indexOf('>', i);
    if (close < 0) return undefined;
    let hex = s.slice(i + 1, close).replace(/\s+/g, '');
    if (hex.length % 2) hex += '0';
    return { value: decodeTextBytes(Buffer.from(hex, 'hex')), end: close + 1 };
  }
  return undefined;
}

interface PdfDoc { raw: string; objstm: Map<number, string> }

/** body of object `num` (between "num gen obj" and "endobj"), from the file or from an object stream */
function findObject(doc: PdfDoc, num: number): string | undefined {
  const re = new RegExp(`(?:^|[^0-9])${num}\\s+\\d+\\s+obj\\b`, 'g');
  let m: RegExpExecArray | null;
  let last: string | undefined;
  while ((m = re.exec(doc.raw))) {
    const start = m.index + m[0].length;
    const end = doc.raw.indexOf('endobj', start);
    last = doc.raw.slice(start, end < 0 ? undefined : end);
  }
  return last ?? doc.objstm.get(num);
}

/** inflates every /Type /ObjStm stream and indexes the objects inside (PDF 1.5 compressed objects) */
function indexObjectStreams(raw: string): Map<number, string> {
  const map = new Map<number, string>();
  const re = /\/Type\s*\/ObjStm/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(raw))) {
    const dictStart = raw.lastIndexOf('obj', m.index);
    const streamKw = raw.indexOf('stream', m.index);
    if (dictStart < 0 || streamKw < 0) continue;
    const dict = raw.slice(dictStart, streamKw);
    const n = Number(/\/N\s+(\d+)/.exec(dict)?.[1]);
    const first = Number(/\/First\s+(\d+)/.exec(dict)?.[1]);
    const len = Number(/\/Length\s+(\d+)(?!\s+\d+\s+R)/.exec(dict)?.[1]);
    let dataStart = streamKw + 6;
    if (raw[dataStart] === '\r') dataStart++;
    if (raw[dataStart] === '\n') dataStart++;
    const dataEnd = Number.isFinite(len) ? dataStart + len : raw.indexOf('endstream', dataStart);
    if (!/FlateDecode/.test(dict) || !Number.isFinite(n) || !Number.isFinite(first)) continue;
    let body: string;
    try {
      body = zlib.inflateSync(Buffer.from(raw.slice(dataStart, dataEnd), 'latin1')).toString('latin1');
    } catch {
      continue;
    }
    const nums = body.slice(0, first).trim().split(/\s+/).map(Number);
    for (let k = 0; k < n; k++) {
      const objNum = nums[2 * k];
      const off = first + nums[2 * k + 1];
      const next = k + 1 < n ? first + nums[2 * k + 3] : body.length;
      map.set(objNum, body.slice(off, next));
    }
  }
  return map;
}

/** reads /Key values of a dictionary body: strings directly, indirect references resolved */
function dictStrings(doc: PdfDoc, dict: string, keys: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of keys) {
    const re = new RegExp(`/${key}\\s*`, 'g');
    const m = re.exec(dict);
    if (!m) continue;
    const at = m.index + m[0].length;
    const str = parseString(dict, at);
    if (str) { out[key] = str.value.trim(); continue; }
    const ref = /^(\d+)\s+\d+\s+R/.exec(dict.slice(at));
    if (ref) {
      const body = findObject(doc, Number(ref[1]))?.trim();
      if (body) {
        const s2 = parseString(body, 0);
        if (s2) out[key] = s2.value.trim();
      }
    }
  }
  return out;
}

function pdfDate(d: string | undefined): string | undefined {
  const m = /^(?:D:)?(\d{4})(\d{2})?(\d{2})?/.exec(d ?? '');
  if (!m) return undefined;
  return [m[1], m[2], m[3]].filter(Boolean).join('-');
}

function pageCount(doc: PdfDoc): number | undefined {
  const bodies = [doc.raw, ...doc.objstm.values()].join('\nendobj\n');
  // the root /Pages node is the one without /Parent; its /Count is the page total
  let best: number | undefined;
  const re = /\/Type\s*\/Pages\b/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(bodies))) {
    const start = Math.max(bodies.lastIndexOf('obj', m.index), bodies.lastIndexOf('endobj', m.index));
    const end = bodies.indexOf('endobj', m.index);
    const obj = bodies.slice(start, end < 0 ? undefined : end);
    const count = /\/Count\s+(\d+)/.exec(obj);
    if (count && !/\/Parent\s/.test(obj)) best = Math.max(best ?? 0, Number(count[1]));
  }
  if (best !== undefined) return best;
  const pages = bodies.match(/\/Type\s*\/Page\b(?!s)/g);
  return pages ? pages.length : undefined;
}

function readXmp(raw: string, label: string): Partial<ReleaseMetadata> {
  const start = raw.lastIndexOf('<x:xmpmeta');
  if (start < 0) return {};
  const end = raw.indexOf('</x:xmpmeta>', start);
  if (end < 0) return {};
  const xml = Buffer.from(raw.slice(start, end + 12), 'latin1').toString('utf8');
  let doc: any;
  try { doc = parseXml(xml, label, 'XMP packet'); } catch { return {}; }
  const descs: any[] = [].concat(doc?.xmpmeta?.RDF?.Description ?? []);
  const get = (name: string): any => {
    for (const d of descs) {
      if (d?.[name] !== undefined) return d[name];
      if (d?.[`@${name}`] !== undefined) return d[`@${name}`];
    }
    return undefined;
  };
  const listOf = (node: any): string[] => {
    if (!node) return [];
    if (typeof node !== 'object') return texts(node);
    const inner = node.Alt ?? node.Seq ?? node.Bag;
    return inner ? texts(inner.li) : texts(node);
  };
  const date = text(get('CreateDate')) ?? listOf(get('date'))[0];
  return {
    title: listOf(get('title'))[0],
    authors: listOf(get('creator')).map(personName),
    publisher: listOf(get('publisher'))[0],
    language: normalizeLanguage(listOf(get('language'))[0]),
    description: listOf(get('description'))[0],
    date: date?.slice(0, 10),
    isbn: cleanIsbn(text(get('isbn'))),
  };
}

export async function extractPdf(file: string, label: string): Promise<Partial<ReleaseMetadata>> {
  const raw = await load(file, label);
  const headerAt = raw.slice(0, 1024).indexOf('%PDF-');
  if (headerAt < 0) throw new MetadataError('corrupt', label, 'not a PDF: the %PDF- header is missing');
  if (raw.slice(-2048).indexOf('%%EOF') < 0) throw new MetadataError('corrupt', label, 'truncated PDF: no %%EOF marker at the end of the file');
  const doc: PdfDoc = { raw, objstm: indexObjectStreams(raw) };
  const infoRefs = [...raw.matchAll(/\/Info\s+(\d+)\s+\d+\s+R/g)];
  const infoBody = infoRefs.length ? findObject(doc, Number(infoRefs[infoRefs.length - 1][1])) : undefined;
  const info = infoBody ? dictStrings(doc, infoBody, ['Title', 'Author', 'Subject', 'Keywords', 'Creator', 'Producer', 'CreationDate', 'ModDate']) : {};
  const xmp = readXmp(raw, label);
  const authorStr = info.Author;
  const authors = authorStr ? authorStr.split(/\s*(?:;|&|\band\b)\s*/).filter(Boolean).map(personName) : xmp.authors ?? [];
  const date = pdfDate(info.CreationDate) ?? xmp.date;
  const isbnInText = /ISBN(?:-1[03])?:?\s*([0-9][0-9\- ]{8,16}[0-9Xx])/.exec(info.Subject ?? info.Keywords ?? '')?.[1];
  const version = /^%PDF-(\d\.\d)/.exec(raw.slice(headerAt))?.[1];
  return {
    title: info.Title || xmp.title,
    authors,
    author: authors[0],
    publisher: xmp.publisher,
    date,
    year: yearOf(date),
    language: xmp.language ?? normalizeLanguage(/\/Lang\s*\(([^)]*)\)/.exec(raw)?.[1]),
    isbn: xmp.isbn ?? cleanIsbn(isbnInText),
    description: info.Subject || xmp.description,
    subjects: info.Keywords ? info.Keywords.split(/\s*[,;]\s*/).filter(Boolean) : undefined,
    pages: pageCount(doc),
    application: info.Producer || info.Creator,
    extra: version ? { pdfVersion: version } : undefined,
  };
}
