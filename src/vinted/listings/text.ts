// Text normalisation shared by brand matching and the quality gates: accents folded, lower case,
// every run of non-alphanumerics turned into one space, so that matching on " word " is whole-word.
export function fold(s: string): string {
  return s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
}

/** true when `phrase` occurs in `text` as whole words ("lv" is not in "calvin klein"). */
export function hasWords(text: string, phrase: string): boolean {
  const p = fold(phrase);
  if (!p) return false;
  return ` ${fold(text)} `.includes(` ${p} `);
}

export function capitalize(s: string): string {
  return s ? s.charAt(0).toUpperCase() + s.slice(1) : s;
}

/** "Tommy Hilfiger" → "tommyhilfiger", "t-shirt" → "tshirt": the body of a hashtag. */
export function hashtagSlug(s: string): string {
  return fold(s).replace(/ /g, '');
}
