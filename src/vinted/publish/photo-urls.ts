// Photos for Vinted Pro, which fetches them itself: a signed, expiring public URL per listing copy,
// served by GET /api/vinted/public/photos/:token (a 'public' route whose access is decided by the
// signature; the token names one photo of one job, nothing else can be asked for).
import type { CoreContext } from '../../core/module.ts';
import { settingsOf } from '../catalog/runtime.ts';
import { photoToken } from './tokens.ts';

export const photoUrlKey = (ctx: Pick<CoreContext, 'vault'>) => ctx.vault.derive('vinted.photo-url');

export function signedPhotoUrl(ctx: CoreContext, job: string, photo: string): string | null {
  const s = settingsOf(ctx).publish;
  if (!s.publicUrl) return null;
  return `${s.publicUrl}/api/vinted/public/photos/${photoToken(photoUrlKey(ctx), job, photo, s.photoUrlTtl)}`;
}
