// Photos for Vinted Pro, which fetches them itself: a signed, expiring public URL per listing copy,
// served by GET /api/vinted/public/photos/:job/:photo?e=&s= (a 'public' route whose access is decided
// by the signature over job, photo and expiry: nothing else can be asked for).
import type { CoreContext } from '../../core/module.ts';
import { settingsOf } from '../catalog/runtime.ts';
import { photoQuery } from './tokens.ts';

export const photoUrlKey = (ctx: Pick<CoreContext, 'vault'>) => ctx.vault.derive('vinted.photo-url');

export function signedPhotoUrl(ctx: CoreContext, job: string, photo: string): string | null {
  const s = settingsOf(ctx).publish;
  if (!s.publicUrl) return null;
  const q = photoQuery(photoUrlKey(ctx), job, photo, s.photoUrlTtl);
  return `${s.publicUrl}/api/vinted/public/photos/${job}/${encodeURIComponent(photo)}?e=${q.e}&s=${q.s}`;
}
