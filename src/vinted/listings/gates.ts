// Quality gates (spec §5): an item is publish_ready only when all pass; missing_fields says why.
import { fold } from './text.ts';

export interface GateInput {
  title: string;
  description: string;
  condition: string | null;
  size: string | null;
  price: number | null;
  category: string | null;
}

export const TITLE_MAX = 70;
const HASHTAG = /#[\p{L}\p{N}_]+/gu;
const TRAILING_TAGS = /(?:\s*#[\p{L}\p{N}_]+)+\s*$/u;
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u{FE0F}/u;

export function countHashtags(text: string): number {
  return (text.match(HASHTAG) ?? []).length;
}

/** 3–5 hashtags, all of them in the trailing run of the description. */
export function hashtagsValid(description: string): boolean {
  const n = countHashtags(description);
  if (n < 3 || n > 5) return false;
  const body = description.replace(TRAILING_TAGS, '');
  return !body.includes('#');
}

/** sizes whose words are also marketing words: "Taille unique" is Vinted's own size title (hats, bags), not a boast */
const SIZE_WORDS = / taille unique /g;

export function findMarketing(text: string, phrases: string[]): string[] {
  const t = ` ${fold(text)} `.replace(SIZE_WORDS, ' ');
  return phrases.filter((p) => fold(p) && t.includes(` ${fold(p)} `));
}

export function runGates(item: GateInput, marketingPhrases: string[]): { publish_ready: boolean; missing_fields: string[]; marketing: string[] } {
  const missing: string[] = [];
  if (!item.title.trim()) missing.push('title_missing');
  else if ([...item.title].length > TITLE_MAX) missing.push('title_too_long');
  if (!item.description.trim()) missing.push('description_missing');
  if (!hashtagsValid(item.description)) missing.push('hashtags_invalid');
  if (EMOJI.test(item.title) || EMOJI.test(item.description)) missing.push('emoji');
  const marketing = findMarketing(`${item.title}\n${item.description}`, marketingPhrases);
  if (marketing.length) missing.push('marketing_phrase');
  if (!item.condition) missing.push('condition_missing');
  if (!item.size) missing.push('size_missing');
  if (item.price === null || !(item.price > 0)) missing.push('price_missing');
  // Vinted refuses an item without a category: without CLIP the seller picks it in the Studio
  if (!item.category) missing.push('category_missing');
  return { publish_ready: missing.length === 0, missing_fields: missing, marketing };
}
