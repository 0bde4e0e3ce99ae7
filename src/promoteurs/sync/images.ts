// Programme images: ≤ 5 per programme, downloaded with the source page as Referer, ≤ N per minute for
// all sources together (PROMOTEURS_IMAGES_PER_MIN, default 30), 30 s timeout, into the blob store.
// Runs beside the crawl (its own queue), so images never slow the listing/detail pacing.
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { HttpClient } from '../../core/http.ts';
import type { BlobStore } from '../../core/files.ts';
import { Pacer } from '../crawl/pacer.ts';

export interface ImageTask { programmeId: number; sourceApi: string; idExterne: string; referer: string; urls: string[] }

const EXT: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/gif': 'gif', 'image/avif': 'avif' };

export class ImageDownloader {
  private queue: ImageTask[] = [];
  private pacer = new Pacer();
  private running: Promise<void> | null = null;
  private o: { db: Kysely<any>; files: BlobStore; http: HttpClient; intervalMs: number; allowPrivate?: boolean; signal?: AbortSignal };
  stats = { downloaded: 0, errors: 0, skipped: 0 };

  constructor(o: ImageDownloader['o']) {
    this.o = o;
  }

  add(task: ImageTask): void {
    this.queue.push({ ...task, urls: task.urls.slice(0, 5) });
    this.running ??= this.loop().finally(() => { this.running = null; });
  }

  private async loop(): Promise<void> {
    while (this.queue.length && !this.o.signal?.aborted) {
      const t = this.queue.shift()!;
      const have = new Set((await this.o.db.withSchema('promoteurs').selectFrom('images').select('url')
        .where('programme_id', '=', t.programmeId).where('blob_key', 'is not', null).execute()).map((r: any) => r.url));
      for (const [i, url] of t.urls.entries()) {
        if (have.has(url)) { this.stats.skipped++; continue; }
        let blobKey: string | null = null;
        let contentType: string | null = null;
        let size: number | null = null;
        let hash: string | null = null;
        let error: string | null = null;
        try {
          await this.pacer.run(this.o.intervalMs, 0, async () => {
            const res = await this.o.http.request(url, { referer: t.referer, timeoutMs: 30_000, retries: 1, allowPrivate: this.o.allowPrivate, signal: this.o.signal });
            if (res.status >= 400) throw new Error(`HTTP ${res.status}`);
            contentType = (res.headers['content-type'] || '').split(';')[0].trim();
            if (!contentType.startsWith('image/')) throw new Error(`not an image (${contentType || 'no content-type'})`);
            blobKey = `promoteurs/images/${t.sourceApi}/${encodeURIComponent(t.idExterne)}/${i + 1}.${EXT[contentType] ?? 'img'}`;
            await this.o.files.put(blobKey, res.body);
            size = res.body.length;
            // the content hash is what EspoCRM uploads are deduplicated by
            hash = crypto.createHash('sha256').update(res.body).digest('hex');
          }, this.o.signal);
          this.stats.downloaded++;
        } catch (e) {
          if (this.o.signal?.aborted) return;
          error = (e as Error).message;
          this.stats.errors++;
        }
        const row = { programme_id: t.programmeId, url, position: i, blob_key: blobKey, content_type: contentType, size, content_hash: hash, error, fetched_at: new Date() };
        await this.o.db.withSchema('promoteurs').insertInto('images').values(row)
          .onConflict((oc) => oc.columns(['programme_id', 'url']).doUpdateSet(row)).execute();
      }
    }
  }

  /** resolves when every queued image has been tried */
  async drain(): Promise<void> {
    while (this.running) await this.running;
  }
}
