// The listing copy (long edge ≤ 1600 px, JPEG, no metadata) — what a listing shows and what publishing
// uploads. For JPEG inputs it is made on first use from the stored metadata-free original, so the
// catalog never waits for it; for other inputs ingest made it already.
import sharp from 'sharp';
import type { BlobStore } from '../../core/files.ts';
import { LISTING_EDGE, LISTING_QUALITY } from './decode.ts';

// edited / edited_thumb: the renditions of the seller's touch-ups (touchup/touchup.ts), made from the
// original, which is never changed
export interface PhotoBlobs { listing: string; work: string; thumb: string; original?: string; edited?: string; edited_thumb?: string }

export async function listingCopy(files: BlobStore, blobs: PhotoBlobs): Promise<Buffer | null> {
  // a touched-up photo is published (and shown) as edited
  if (blobs.edited && (await files.stat(blobs.edited))) return files.get(blobs.edited);
  if (await files.stat(blobs.listing)) return files.get(blobs.listing);
  if (!blobs.original || !(await files.stat(blobs.original))) return null;
  const out = await sharp(await files.get(blobs.original), { failOn: 'none' })
    .rotate()
    .resize({ width: LISTING_EDGE, height: LISTING_EDGE, fit: 'inside', withoutEnlargement: true })
    .toColourspace('srgb')
    .jpeg({ quality: LISTING_QUALITY, optimiseCoding: false })
    .toBuffer();
  // two requests at once both make it: same bytes, the second write is harmless
  await files.put(blobs.listing, out);
  return out;
}
