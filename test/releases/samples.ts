// Real sample files written by the tests themselves: EPUB/DOCX/ODT/CBZ are real ZIP containers
// (yazl), the PDF has a correct xref table, the MOBI/AZW3 is a PalmDB with a MOBI header and EXTH;
// videos are encoded by ffmpeg.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import zlib from 'node:zlib';
import { spawnSync } from 'node:child_process';
import yazl from 'yazl';
import iconv from 'iconv-lite';

export async function writeZip(file: string, entries: [string, string | Buffer, boolean?][]): Promise<string> {
  const zip = new yazl.ZipFile();
  for (const [name, data, compress] of entries) zip.addBuffer(Buffer.isBuffer(data) ? data : Buffer.from(data), name, { compress: compress ?? true });
  zip.end();
  await fsp.mkdir(path.dirname(file), { recursive: true });
  await new Promise<void>((resolve, reject) => {
    zip.outputStream.pipe(fs.createWriteStream(file)).on('close', resolve).on('error', reject);
  });
  return file;
}

export interface BookInfo { title: string; author: string; publisher?: string; date?: string; language?: string; isbn?: string; body?: string }

export function writeEpub(file: string, b: BookInfo): Promise<string> {
  const opf = `<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="bookid">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:opf="http://www.idpf.org/2007/opf">
    <dc:title>${b.title}</dc:title>
    <dc:creator id="cre1">${b.author}</dc:creator>
    <meta refines="#cre1" property="role" scheme="marc:relators">aut</meta>
    <dc:creator id="cre2">Ann Illustrator</dc:creator>
    <meta refines="#cre2" property="role" scheme="marc:relators">ill</meta>
    ${b.publisher ? `<dc:publisher>${b.publisher}</dc:publisher>` : ''}
    ${b.date ? `<dc:date>${b.date}</dc:date>` : ''}
    <dc:language>${b.language ?? 'en'}</dc:language>
    <dc:identifier id="bookid">urn:uuid:0f0e0d0c-0b0a-4908-8706-050403020100</dc:identifier>
    ${b.isbn ? `<dc:identifier>urn:isbn:${b.isbn}</dc:identifier>` : ''}
    <dc:subject>Fiction</dc:subject>
    <meta property="dcterms:modified">2024-01-01T00:00:00Z</meta>
  </metadata>
  <manifest>
    <item id="c1" href="chapter1.xhtml" media-type="application/xhtml+xml"/>
    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
  </manifest>
  <spine><itemref idref="c1"/></spine>
</package>`;
  const chapter = `<?xml version="1.0" encoding="UTF-8"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>${b.title}</title></head><body><h1>${b.title}</h1><p>${b.body ?? 'Lorem ipsum dolor sit amet.'}</p></body></html>`;
  const nav = `<?xml version="1.0" encoding="UTF-8"?><html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"><head><title>nav</title></head><body><nav epub:type="toc"><ol><li><a href="chapter1.xhtml">1</a></li></ol></nav></body></html>`;
  return writeZip(file, [
    ['mimetype', 'application/epub+zip', false],
    ['META-INF/container.xml', `<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles></container>`],
    ['OEBPS/content.opf', opf],
    ['OEBPS/chapter1.xhtml', chapter],
    ['OEBPS/nav.xhtml', nav],
  ]);
}

export function writeDocx(file: string, b: BookInfo & { pages: number; company?: string }): Promise<string> {
  return writeZip(file, [
    ['[Content_Types].xml', `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`],
    ['word/document.xml', `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>${b.title}</w:t></w:r></w:p></w:body></w:document>`],
    ['docProps/core.xml', `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<dc:title>${b.title}</dc:title><dc:creator>${b.author}</dc:creator><cp:keywords>manual, guide</cp:keywords><dc:language>${b.language ?? 'en-US'}</dc:language>
<dcterms:created xsi:type="dcterms:W3CDTF">${b.date ?? '2023-05-06T10:00:00Z'}</dcterms:created></cp:coreProperties>`],
    ['docProps/app.xml', `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Microsoft Office Word</Application><Pages>${b.pages}</Pages><Words>1234</Words>${b.company ? `<Company>${b.company}</Company>` : ''}</Properties>`],
  ]);
}

export function writeOdt(file: string, b: BookInfo & { pages: number }): Promise<string> {
  return writeZip(file, [
    ['mimetype', 'application/vnd.oasis.opendocument.text', false],
    ['META-INF/manifest.xml', `<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/></manifest:manifest>`],
    ['content.xml', `<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text><text:p>${b.title}</text:p></office:text></office:body></office:document-content>`],
    ['meta.xml', `<?xml version="1.0" encoding="UTF-8"?>
<office:document-meta xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.3">
<office:meta><meta:generator>LibreOffice/7.4</meta:generator><dc:title>${b.title}</dc:title><meta:initial-creator>${b.author}</meta:initial-creator><dc:language>${b.language ?? 'fr-FR'}</dc:language>
<meta:creation-date>${b.date ?? '2022-02-03T04:05:06'}</meta:creation-date><meta:document-statistic meta:page-count="${b.pages}" meta:word-count="321"/></office:meta></office:document-meta>`],
  ]);
}

/** a tiny valid PNG (1×1) for comic pages */
export const PNG_1x1 = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360f8cf00000301010018dd8db00000000049454e44ae426082', 'hex');

export function writeCbz(file: string, opts: { pages: number; comicInfo?: string }): Promise<string> {
  const entries: [string, string | Buffer, boolean?][] = [];
  for (let i = 1; i <= opts.pages; i++) entries.push([`page${String(i).padStart(3, '0')}.png`, PNG_1x1, false]);
  if (opts.comicInfo) entries.push(['ComicInfo.xml', opts.comicInfo]);
  return writeZip(file, entries);
}

/** PDF string literal in UTF-16BE with BOM (hex form) for non-Latin-1 text */
function pdfHex(s: string): string {
  return `<FEFF${Buffer.from(s, 'utf16le').swap16().toString('hex').toUpperCase()}>`;
}

/** a real PDF (xref offsets correct), `pages` blank pages, info dict and optional XMP packet */
export async function writePdf(file: string, b: BookInfo & { pages: number; xmp?: boolean; compressInfo?: boolean }): Promise<string> {
  const objs: string[] = [];
  const kids = Array.from({ length: b.pages }, (_, i) => `${4 + i} 0 R`).join(' ');
  const infoNum = 4 + b.pages;
  const xmpNum = infoNum + 1;
  objs[1] = `<< /Type /Catalog /Pages 2 0 R${b.xmp ? ` /Metadata ${xmpNum} 0 R` : ''} /Lang (${b.language ?? 'en-GB'}) >>`;
  objs[2] = `<< /Type /Pages /Kids [${kids}] /Count ${b.pages} >>`;
  objs[3] = `<< /Length 0 >>\nstream\n\nendstream`;
  for (let i = 0; i < b.pages; i++) objs[4 + i] = `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>`;
  const info = `<< /Title ${pdfHex(b.title)} /Author (${b.author.replace(/[()\\]/g, '\\$&')}) /Subject (ISBN ${b.isbn ?? ''}) /Producer (atelier test \\(sample\\)) /CreationDate (D:${(b.date ?? '2021-03-15').replace(/-/g, '')}120000+01'00') >>`;
  if (!b.compressInfo) objs[infoNum] = info;
  if (b.xmp) {
    const xmp = `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" pdf:Producer="atelier">
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">${b.title}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>${b.author}</rdf:li></rdf:Seq></dc:creator>
<dc:publisher><rdf:Bag><rdf:li>${b.publisher ?? ''}</rdf:li></rdf:Bag></dc:publisher>
<dc:language><rdf:Bag><rdf:li>${b.language ?? 'en'}</rdf:li></rdf:Bag></dc:language>
</rdf:Description></rdf:RDF></x:xmpmeta>
<?xpacket end="w"?>`;
    const bytes = Buffer.from(xmp, 'utf8');
    objs[xmpNum] = `<< /Type /Metadata /Subtype /XML /Length ${bytes.length} >>\nstream\n${bytes.toString('latin1')}\nendstream`;
  }
  let body = '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  for (let n = 1; n < objs.length; n++) {
    if (objs[n] === undefined) continue;
    offsets[n] = Buffer.byteLength(body, 'latin1');
    body += `${n} 0 obj\n${objs[n]}\nendobj\n`;
  }
  if (b.compressInfo) {
    // PDF 1.5: the info dictionary inside a compressed object stream
    const header = `${infoNum} 0 `;
    const content = Buffer.from(header + info, 'latin1');
    const deflated = zlib.deflateSync(content);
    const stmNum = xmpNum + 1;
    offsets[stmNum] = Buffer.byteLength(body, 'latin1');
    body += `${stmNum} 0 obj\n<< /Type /ObjStm /N 1 /First ${header.length} /Filter /FlateDecode /Length ${deflated.length} >>\nstream\n${deflated.toString('latin1')}\nendstream\nendobj\n`;
  }
  const xrefAt = Buffer.byteLength(body, 'latin1');
  const size = offsets.length;
  let xref = `xref\n0 ${size}\n0000000000 65535 f \n`;
  for (let n = 1; n < size; n++) xref += offsets[n] !== undefined ? `${String(offsets[n]).padStart(10, '0')} 00000 n \n` : '0000000000 00000 f \n';
  body += `${xref}trailer\n<< /Size ${size} /Root 1 0 R /Info ${infoNum} 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`;
  await fsp.writeFile(file, Buffer.from(body, 'latin1'));
  return file;
}

/** PalmDB BOOKMOBI with a MOBI header (version 6, or 8 for AZW3) and EXTH records */
export async function writeMobi(file: string, b: BookInfo & { kf8?: boolean; exthTitle?: boolean }): Promise<string> {
  const exthRecs: [number, Buffer][] = [
    [100, Buffer.from(b.author, 'utf8')],
    ...(b.publisher ? [[101, Buffer.from(b.publisher, 'utf8')] as [number, Buffer]] : []),
    ...(b.isbn ? [[104, Buffer.from(b.isbn, 'utf8')] as [number, Buffer]] : []),
    ...(b.date ? [[106, Buffer.from(b.date, 'utf8')] as [number, Buffer]] : []),
    ...(b.exthTitle !== false ? [[503, Buffer.from(b.title, 'utf8')] as [number, Buffer]] : []),
    [524, Buffer.from(b.language ?? 'en', 'utf8')],
  ];
  const exthBody = Buffer.concat(exthRecs.map(([t, d]) => { const h = Buffer.alloc(8); h.writeUInt32BE(t, 0); h.writeUInt32BE(d.length + 8, 4); return Buffer.concat([h, d]); }));
  const exthPad = (4 - (exthBody.length % 4)) % 4;
  const exth = Buffer.concat([Buffer.from('EXTH'), u32(12 + exthBody.length + exthPad), u32(exthRecs.length), exthBody, Buffer.alloc(exthPad)]);
  const mobiLen = 232;
  const palmdoc = Buffer.alloc(16);
  palmdoc.writeUInt16BE(1, 0); // no compression
  const text = Buffer.from(`<html><body><p>${b.body ?? 'Hello'}</p></body></html>`);
  palmdoc.writeUInt32BE(text.length, 4);
  palmdoc.writeUInt16BE(1, 8);
  palmdoc.writeUInt16BE(4096, 10);
  const mobi = Buffer.alloc(mobiLen);
  mobi.write('MOBI', 0, 'latin1');
  mobi.writeUInt32BE(mobiLen, 4);
  mobi.writeUInt32BE(2, 8); // book
  mobi.writeUInt32BE(65001, 12); // UTF-8
  mobi.writeUInt32BE(0x12345678, 16);
  mobi.writeUInt32BE(b.kf8 ? 8 : 6, 20); // file version
  const fullName = Buffer.from(b.title, 'utf8');
  const fullNameOff = 16 + mobiLen + exth.length;
  mobi.writeUInt32BE(fullNameOff, 84 - 16);
  mobi.writeUInt32BE(fullName.length, 88 - 16);
  mobi.writeUInt32BE(0x040c, 92 - 16); // locale fr-FR (overridden by EXTH 524)
  mobi.writeUInt32BE(0x50, 128 - 16); // EXTH present
  const rec0 = Buffer.concat([palmdoc, mobi, exth, fullName, Buffer.alloc(4)]);
  const records = [rec0, text];
  const header = Buffer.alloc(78 + records.length * 8 + 2);
  header.write(b.title.replace(/\s+/g, '_').slice(0, 31), 0, 'latin1');
  header.write('BOOKMOBI', 60, 'latin1');
  header.writeUInt16BE(records.length, 76);
  let off = header.length;
  records.forEach((r, i) => { header.writeUInt32BE(off, 78 + i * 8); header.writeUInt32BE(i * 2, 78 + i * 8 + 4); off += r.length; });
  await fsp.writeFile(file, Buffer.concat([header, ...records]));
  return file;
}

function u32(n: number): Buffer { const b = Buffer.alloc(4); b.writeUInt32BE(n, 0); return b; }

/** RTF with an \info group; non-ASCII written as \'hh in cp1252 and \uN for the rest */
export async function writeRtf(file: string, b: BookInfo & { pages: number }): Promise<string> {
  const esc = (s: string) => [...s].map((ch) => {
    const c = ch.charCodeAt(0);
    if (c < 0x80) return ch.replace(/[\\{}]/g, '\\$&');
    const enc = iconv.encode(ch, 'cp1252');
    if (enc.length === 1 && enc[0] !== 0x3f) return `\\'${enc[0].toString(16)}`;
    return `\\u${c > 32767 ? c - 65536 : c}?`;
  }).join('');
  const [y, m, d] = (b.date ?? '2020-01-02').split('-');
  const rtf = `{\\rtf1\\ansi\\ansicpg1252\\deff0\\deflang1036{\\fonttbl{\\f0 Times New Roman;}}
{\\info{\\title ${esc(b.title)}}{\\author ${esc(b.author)}}{\\company ${esc(b.publisher ?? '')}}{\\creatim\\yr${y}\\mo${Number(m)}\\dy${Number(d)}\\hr10\\min0}{\\nofpages${b.pages}}{\\nofwords200}}
\\pard\\plain ${esc(b.body ?? 'Bonjour')}\\par
}`;
  await fsp.writeFile(file, rtf, 'latin1');
  return file;
}

export async function writeTxt(file: string, content: string, encoding: 'utf-8' | 'latin1' | 'utf-16le-bom'): Promise<string> {
  const buf = encoding === 'utf-8' ? Buffer.from(content, 'utf8')
    : encoding === 'latin1' ? iconv.encode(content, 'latin1')
    : Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(content, 'utf16le')]);
  await fsp.writeFile(file, buf);
  return file;
}

/**
 * A real H.264 video of `seconds` made by ffmpeg (installed here and on CI): tiny on purpose —
 * 64×36 px, 2 fps, a keyframe every 2 frames so a stream-copy cut lands where it is asked — so a
 * 2-minute episode is ~10 kB and takes a fraction of a second to write.
 */
export async function writeVideo(file: string, seconds: number): Promise<string> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const r = spawnSync(process.env.FFMPEG_BINARY || 'ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-f', 'lavfi', '-i', 'testsrc=size=64x36:rate=2',
    '-t', String(seconds), '-c:v', 'libx264', '-preset', 'ultrafast', '-g', '2', '-pix_fmt', 'yuv420p', '-y', file], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`ffmpeg could not write ${file} (apt-get install ffmpeg): ${r.error?.message ?? r.stderr}`);
  return file;
}

export const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/releases');
