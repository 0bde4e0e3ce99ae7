// Photo touch-ups under /api/vinted/bulk/photos/:job/:photo/edit: read, apply, auto-enhance, reset.
// The original is never changed (touchup/touchup.ts).
import { z } from 'zod';
import type { App, CoreContext } from '../core/module.ts';
import { HttpError, notFound } from '../core/errors.ts';
import { Recipe, IDENTITY, applyEdit, autoEnhance, sourceOf, recipeHash, isIdentity } from './touchup/touchup.ts';
import type { PhotoBlobs } from './ingest/listing.ts';

const Params = z.object({ job: z.uuid(), photo: z.string().min(1).max(40) });
const EditView = z.object({
  ok: z.boolean(), photo: z.string(), edited: z.boolean(), recipe: Recipe, version: z.string().nullable(),
  backdrop: z.object({ r: z.number(), g: z.number(), b: z.number() }).nullable().optional(),
});
const parse = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;

export async function touchupRoutes(app: App, ctx: CoreContext): Promise<void> {
  const V = () => ctx.db.withSchema('vinted');
  const load = async (job: string, photo: string) => {
    const row = await V().selectFrom('photos').select(['blobs', 'edits']).where('job_id', '=', job).where('id', '=', photo).executeTakeFirst();
    if (!row) throw notFound(`photo ${photo} of job ${job}`);
    return { blobs: parse<PhotoBlobs>(row.blobs), recipe: row.edits ? Recipe.parse(parse(row.edits)) : IDENTITY };
  };
  const viewOf = (photo: string, recipe: Recipe, blobs: PhotoBlobs, extra: object = {}) => ({
    ok: true, photo, edited: !!blobs.edited, recipe, version: blobs.edited ? recipeHash(recipe) : null, ...extra,
  });
  const save = async (job: string, photo: string, recipe: Recipe) => {
    const cur = await load(job, photo);
    let blobs: PhotoBlobs;
    try {
      blobs = await applyEdit(ctx.files, cur.blobs, recipe);
    } catch (e) {
      if (/original of this photo is missing/.test((e as Error).message)) throw new HttpError(409, 'original_missing', 'the original of this photo is no longer stored (purged?): it cannot be touched up');
      throw new HttpError(422, 'edit_failed', `this photo could not be edited: ${(e as Error).message}`);
    }
    await V().updateTable('photos').set({ blobs: JSON.stringify(blobs), edits: isIdentity(recipe) ? null : JSON.stringify(recipe) })
      .where('job_id', '=', job).where('id', '=', photo).execute();
    return blobs;
  };

  app.get('/bulk/photos/:job/:photo/edit', {
    config: { role: 'viewer' },
    schema: { tags: ['vinted'], summary: 'the touch-up recipe of a photo (identity when untouched)', params: Params, response: { 200: EditView } },
  }, async (req) => {
    const cur = await load(req.params.job, req.params.photo);
    return viewOf(req.params.photo, cur.recipe, cur.blobs);
  });

  app.put('/bulk/photos/:job/:photo/edit', {
    config: { role: 'operator' },
    schema: {
      tags: ['vinted'], summary: 'touch a photo up: rotate (quarter turns), straighten (±15°), crop (fractions), brightness, contrast, white balance; the original is kept',
      params: Params, body: Recipe, response: { 200: EditView },
    },
  }, async (req) => {
    const blobs = await save(req.params.job, req.params.photo, req.body);
    req.log.info({ job: req.params.job, photo: req.params.photo }, 'vinted photo touched up');
    return viewOf(req.params.photo, req.body, blobs);
  });

  app.post('/bulk/photos/:job/:photo/auto', {
    config: { role: 'operator' },
    schema: {
      tags: ['vinted'], summary: 'auto-enhance from the backdrop (white balance and brightness from the colour step\'s background model), kept with the photo\'s rotation and crop',
      params: Params, response: { 200: EditView },
    },
  }, async (req) => {
    const cur = await load(req.params.job, req.params.photo);
    const src = await sourceOf(ctx.files, cur.blobs);
    if (!src) throw new HttpError(409, 'original_missing', 'the original of this photo is no longer stored (purged?): it cannot be touched up');
    const auto = await autoEnhance(src);
    if (!auto) throw new HttpError(422, 'no_backdrop', 'no plain backdrop found around the garment: adjust brightness and white balance by hand');
    const recipe = Recipe.parse({ ...cur.recipe, brightness: auto.recipe.brightness, white_balance: auto.recipe.white_balance });
    const blobs = await save(req.params.job, req.params.photo, recipe);
    return viewOf(req.params.photo, recipe, blobs, { backdrop: auto.backdrop });
  });

  app.delete('/bulk/photos/:job/:photo/edit', {
    config: { role: 'operator' },
    schema: { tags: ['vinted'], summary: 'undo every touch-up of a photo (back to the original)', params: Params, response: { 200: EditView } },
  }, async (req) => {
    const blobs = await save(req.params.job, req.params.photo, IDENTITY);
    return viewOf(req.params.photo, IDENTITY, blobs);
  });
}
