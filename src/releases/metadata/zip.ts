// Reading a few small entries of a ZIP container (EPUB, DOCX, ODT, CBZ) with yauzl, which reads
// the central directory and only inflates what is asked: a 500 MB comic costs a few KB here.
import yauzl from 'yauzl';
import { XMLParser } from 'fast-xml-parser';
import { MetadataError } from './types.ts';

export interface ZipListing {
  names: string[];
  read(name: string, maxBytes?: number): Promise<Buffer | undefined>;
  close(): void;
}

export function openZip(file: string, label: string): Promise<ZipListing> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: false, strictFileNames: false, validateEntrySizes: true }, (err, zip) => {
      if (err || !zip) {
        reject(new MetadataError('corrupt', label, `not a readable ZIP container (${err?.message ?? 'unknown error'}); the file is truncated or not a ZIP`));
        return;
      }
      const entries = new Map<string, yauzl.Entry>();
      zip.on('entry', (e: yauzl.Entry) => { entries.set(e.fileName, e); zip.readEntry(); });
      zip.on('error', (e: Error) => reject(new MetadataError('corrupt', label, `damaged ZIP: ${e.message}`)));
      zip.on('end', () => {
        resolve({
          names: [...entries.keys()],
          close: () => zip.close(),
          read: (name, maxBytes = 16 * 1024 * 1024) => new Promise((res, rej) => {
            const entry = entries.get(name) ?? [...entries.values()].find((x) => x.fileName.toLowerCase() === name.toLowerCase());
            if (!entry) { res(undefined); return; }
            if (entry.uncompressedSize > maxBytes) { rej(new MetadataError('corrupt', label, `${name} is larger than ${maxBytes} bytes`)); return; }
            zip.openReadStream(entry, (e2, stream) => {
              if (e2 || !stream) { rej(new MetadataError('corrupt', label, `cannot read ${name}: ${e2?.message}`)); return; }
              const chunks: Buffer[] = [];
              stream.on('data', (c: Buffer) => chunks.push(c));
              stream.on('error', (e3: Error) => rej(new MetadataError('corrupt', label, `cannot inflate ${name}: ${e3.message}`)));
              stream.on('end', () => res(Buffer.concat(chunks)));
            });
          }),
        });
      });
      zip.readEntry();
    });
  });
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: true,
  isArray: (name) => ['creator', 'contributor', 'subject', 'identifier', 'language', 'title', 'date', 'meta', 'rootfile', 'item', 'li', 'Page'].includes(name),
});

export function parseXml(buf: Buffer | string, label: string, what: string): any {
  try {
    return parser.parse(typeof buf === 'string' ? buf : buf.toString('utf8'));
  } catch (e) {
    throw new MetadataError('corrupt', label, `${what} is not well-formed XML: ${(e as Error).message}`);
  }
}

/** text of an XML node as fast-xml-parser gives it (string, {#text}, or array of those) */
export function text(node: unknown): string | undefined {
  if (node === undefined || node === null) return undefined;
  if (Array.isArray(node)) return text(node[0]);
  if (typeof node === 'object') return text((node as Record<string, unknown>)['#text']);
  const s = String(node).trim();
  return s || undefined;
}

export function texts(node: unknown): string[] {
  if (node === undefined || node === null) return [];
  const arr = Array.isArray(node) ? node : [node];
  return arr.map(text).filter((x): x is string => !!x);
}
