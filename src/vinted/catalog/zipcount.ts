// Counts the photos a ZIP announces in its central directory (no extraction), so that the upload
// route can answer `{files}` at once and refuse over BULK_MAX_FILES with a 413.
import yauzl from 'yauzl';
import { isImageCandidate } from './names.ts';

export function countZipFiles(zipPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, // decodeStrings false: yauzl would reject the whole archive on one "../" name; the extractor
    // refuses such entries one by one instead
    { lazyEntries: true, autoClose: true, decodeStrings: false, validateEntrySizes: false }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('cannot open'));
      let n = 0;
      zip.on('entry', (e: yauzl.Entry) => {
        const name = Buffer.isBuffer(e.fileName) ? (e.fileName as Buffer).toString('utf8') : String(e.fileName);
        if (!name.endsWith('/') && isImageCandidate(name)) n++;
        zip.readEntry();
      });
      zip.on('end', () => resolve(n));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}
