// Worker thread for HEIC decoding (see heic.ts): one libheif-js WASM instance per worker.
import { format } from 'node:util';
import { parentPort } from 'node:worker_threads';
import { decodeHeicInline, PixelLimitError } from './heic.ts';

// libheif-js prints its decoding errors with console.log; keep them for the error reason instead.
let captured = '';
console.log = console.error = console.warn = (...args: unknown[]) => { captured += format(...args) + '\n'; };

parentPort!.on('message', async (m: { buf: Uint8Array; maxPixels: number }) => {
  captured = '';
  try {
    const r = await decodeHeicInline(Buffer.from(m.buf.buffer, m.buf.byteOffset, m.buf.byteLength), m.maxPixels);
    const data = new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength);
    parentPort!.postMessage({ ok: true, data, width: r.width, height: r.height }, [data.buffer as ArrayBuffer]);
  } catch (e) {
    const limit = e instanceof PixelLimitError ? [e.width, e.height, e.limit] : undefined;
    const detail = captured.match(/message: '([^'\n]+?)(\\n)?'/)?.[1];
    const message = (e as Error).message ?? String(e);
    parentPort!.postMessage({ ok: false, message: detail ? `${message} (${detail.trim()})` : message, limit });
  }
});
