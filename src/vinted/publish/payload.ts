// The exact bodies sent to Vinted for one article, and the hash that binds a confirmation to them.
// Web (contract §1.4): {item:{…}, feedback_id, push_up:false, parcel, upload_session_id}, size and
// condition sent both flat (size_id, status_id) and as item_attributes — "sending both satisfies
// either" [M]; one UUID per listing for photo[temp_uuid], item.temp_uuid and upload_session_id.
// Pro (§2): {item_reference, title, description, catalog_id, price, currency, status_id,
// package_size_id, brand, photo_urls, is_draft:false, color_ids, size_id}.
import crypto from 'node:crypto';
import type { PlanItem } from '../listings/plan.ts';

export interface PublishPhoto { photo: string; file: string; sha256: string }

export const MAX_PHOTOS = 20;

/** Title and description limits Vinted is reported to enforce (5–100, 5–2000) [L/M]. */
export function vintedTextIssues(item: Pick<PlanItem, 'title' | 'description'>): string[] {
  const out: string[] = [];
  const t = [...item.title.trim()].length;
  const d = [...item.description.trim()].length;
  if (t < 5 || t > 100) out.push('vinted_title_length');
  if (d < 5 || d > 2000) out.push('vinted_description_length');
  return out;
}

/** The item fields common to both adapters (what the seller confirms). */
export function itemFields(item: PlanItem) {
  const v = item.vinted;
  return {
    title: item.title.trim(),
    description: item.description.trim(),
    price: item.price,
    currency: 'EUR',
    catalog_id: v.catalog_id,
    size_id: v.size_id,
    status_id: v.status_id,
    color_ids: v.color_ids,
    package_size_id: v.package_size_id,
    brand_id: v.brand_id,
    brand: v.brand_title ?? '',
  };
}
export type ItemFields = ReturnType<typeof itemFields>;

/** A UUID v4-shaped id derived from the article's identity and content: the same article, the same listing UUID. */
export function listingUuid(...parts: string[]): string {
  const h = crypto.createHash('sha256').update(parts.join('\u0000')).digest();
  h[6] = (h[6] & 0x0f) | 0x40;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

export function contentHash(fields: ItemFields, photos: PublishPhoto[]): string {
  const canon = JSON.stringify({ fields, photos: photos.map((p) => [p.photo, p.sha256]) });
  return crypto.createHash('sha256').update(canon).digest('hex');
}

/** POST /api/v2/item_upload/items; `photoIds` are Vinted's ids of the uploaded photos (placeholders in a dry run). */
export function webBody(f: ItemFields, tempUuid: string, photoIds: (number | string)[]) {
  return {
    item: {
      id: null,
      currency: f.currency,
      temp_uuid: tempUuid,
      title: f.title,
      description: f.description,
      brand_id: f.brand_id,
      brand: f.brand,
      size_id: f.size_id,
      catalog_id: f.catalog_id,
      isbn: null,
      is_unisex: false,
      status_id: f.status_id,
      video_game_rating_id: null,
      price: f.price,
      package_size_id: f.package_size_id,
      shipment_prices: { domestic: null, international: null },
      color_ids: f.color_ids,
      assigned_photos: photoIds.map((id) => ({ id, orientation: 0 })),
      measurement_length: null,
      measurement_width: null,
      item_attributes: [
        ...(f.size_id ? [{ code: 'size', ids: [f.size_id] }] : []),
        ...(f.status_id ? [{ code: 'condition', ids: [f.status_id] }] : []),
      ],
      manufacturer: null,
      manufacturer_labelling: null,
      ai_photo: false,
    },
    feedback_id: null,
    push_up: false,
    parcel: null,
    upload_session_id: tempUuid,
  };
}

export function proItem(f: ItemFields, reference: string, photoUrls: string[]) {
  return {
    item_reference: reference,
    title: f.title,
    description: f.description,
    catalog_id: f.catalog_id,
    price: f.price,
    currency: f.currency,
    status_id: f.status_id,
    package_size_id: f.package_size_id,
    brand: f.brand || 'Sans marque',
    brand_id: f.brand_id,
    photo_urls: photoUrls,
    is_draft: false,
    color_ids: f.color_ids,
    size_id: f.size_id,
  };
}
