// Counts the photos a ZIP announces in its central directory (no extraction), so that the upload
// route can answer `{files}` at once and refuse over BULK_MAX_FILES with a 413.
import yauzl from 'yauzl';
import { isImageCandidate } from './names.ts';

export function countZipFiles(zipPath: string): Promise<number> {
  return new Promise((resolve, reject) => {
    yauzl.open(zipPath, { lazyEntries: true, autoClose: true, strictFileNames: false, validateEntrySizes: false }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('cannot open'));
      let n = 0;
      zip.on('entry', (e: yauzl.Entry) => {
        if (!e.fileName.endsWith('/') && isImageCandidate(e.fileName)) n++;
        zip.readEntry();
      });
      zip.on('end', () => resolve(n));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}
