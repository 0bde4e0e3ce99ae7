// A programme's stored images → EspoCRM attachment ids. Each content (sha256 of the bytes) is uploaded
// once per CRM and field, and its id kept in promoteurs.espo_attachments: a rerun, an update of the
// programme or another programme showing the same picture reuses the id. One image that fails to
// upload is left out (and reported); it never stops the programme's own sync.
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { BlobStore } from '../../core/files.ts';
import { EspoError, type EspoCrmSink, type EspoMedia } from './espocrm.ts';

const EXT: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'image/gif': 'gif', 'image/avif': 'avif' };

export interface MediaOutcome {
  /** undefined: the programme has no stored image (its CRM image fields are left alone) */
  media?: EspoMedia;
  uploaded: number;
  reused: number;
  /** dry-run: uploads a real run would make */
  wouldUpload: number;
  errors: string[];
}

export class EspoImages {
  private o: { db: Kysely<any>; files: BlobStore; sink: EspoCrmSink; espoUrl: string; dryRun: boolean };
  /** (field|hash) → id, for this run: two programmes of one run sharing an image upload it once */
  private known = new Map<string, string>();

  constructor(o: EspoImages['o']) {
    this.o = { ...o, espoUrl: o.espoUrl.replace(/\/+$/, '') };
  }

  private t() {
    return this.o.db.withSchema('promoteurs');
  }

  private async idFor(field: 'images' | 'imagePrincipale', hash: string, file: () => { name: string; type: string; data: Buffer }, out: MediaOutcome): Promise<string | null> {
    const k = `${field}|${hash}`;
    let id = this.known.get(k) ?? null;
    if (!id) {
      const row = await this.t().selectFrom('espo_attachments').select('attachment_id')
        .where('espo_url', '=', this.o.espoUrl).where('field', '=', field).where('content_hash', '=', hash).executeTakeFirst();
      id = (row?.attachment_id as string | undefined) ?? null;
    }
    if (id) { out.reused++; this.known.set(k, id); return id; }
    if (this.o.dryRun) { out.wouldUpload++; return null; }
    const f = file();
    id = await this.o.sink.uploadAttachment(field, f);
    out.uploaded++;
    this.known.set(k, id);
    await this.t().insertInto('espo_attachments').values({ espo_url: this.o.espoUrl, field, content_hash: hash, attachment_id: id, size: f.data.length })
      .onConflict((oc) => oc.columns(['espo_url', 'field', 'content_hash']).doNothing()).execute();
    return id;
  }

  /** The attachment ids of programme `programmeId`'s stored images (≤ 5, in page order). */
  async forProgramme(programmeId: number, idExterne: string): Promise<MediaOutcome> {
    const out: MediaOutcome = { uploaded: 0, reused: 0, wouldUpload: 0, errors: [] };
    const rows = await this.t().selectFrom('images').select(['url', 'position', 'blob_key', 'content_type', 'content_hash'])
      .where('programme_id', '=', programmeId).where('blob_key', 'is not', null).orderBy('position').limit(5).execute();
    if (!rows.length) return out;
    const media: EspoMedia = { imagesIds: [], imagePrincipaleId: null };
    for (const r of rows as { url: string; position: number; blob_key: string; content_type: string | null; content_hash: string | null }[]) {
      try {
        const data = await this.o.files.get(r.blob_key);
        let hash = r.content_hash;
        if (!hash) {
          hash = crypto.createHash('sha256').update(data).digest('hex');
          await this.t().updateTable('images').set({ content_hash: hash }).where('programme_id', '=', programmeId).where('url', '=', r.url).execute();
        }
        const type = r.content_type || 'image/jpeg';
        const name = `${idExterne}-${r.position + 1}.${EXT[type] ?? 'img'}`.replace(/[^\w.-]+/g, '_');
        const file = () => ({ name, type, data });
        const id = await this.idFor('images', hash, file, out);
        if (id) media.imagesIds.push(id);
        // the first image is also the record's main picture (an image field takes its own upload)
        if (media.imagePrincipaleId === null && r.position === rows[0].position) media.imagePrincipaleId = await this.idFor('imagePrincipale', hash, file, out);
      } catch (e) {
        // the key is wrong: nothing else will work either, the sink stops
        if (e instanceof EspoError && e.status === 401) throw e;
        out.errors.push(`${r.url}: ${(e as Error).message}`);
      }
    }
    out.media = media;
    return out;
  }
}
