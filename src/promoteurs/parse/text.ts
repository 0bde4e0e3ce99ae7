// Text helpers shared by the source parsers.

/** Collapses whitespace (incl. NBSP and narrow NBSP used as thousands separators) and trims. */
export function clean(s: string | null | undefined): string {
  if (!s) return '';
  return s.replace(/[\s\u00a0\u202f\u2009]+/g, ' ').trim();
}

/** Lowercase ASCII slug: "Saint-Étienne du Rouvray" → "saint-etienne-du-rouvray". */
export function slugify(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/œ/gi, 'oe')
    .replace(/æ/gi, 'ae')
    .toLowerCase()
    .replace(/['’]/g, '-')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Lowercase, accents removed, single spaces: for matching free text. */
export function fold(s: string): string {
  return clean(s)
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/** "SIGNAL" → "Signal", "LES JARDINS D'ALICE" → "Les Jardins d'Alice"; mixed-case names are kept. */
export function titleCase(s: string): string {
  const c = clean(s);
  if (c !== c.toUpperCase()) return c;
  const small = new Set(['de', 'du', 'des', 'la', 'le', 'les', 'et', 'sur', 'sous', 'en', 'aux', 'au', 'a', 'lès', 'les']);
  const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);
  const word = (w: string, first: boolean): string => {
    if (!first && small.has(w)) return w;
    // d'alice → d'Alice, l'orée → l'Orée
    const m = /^([dl]['’])(.+)$/.exec(w);
    if (m) return (first ? cap(m[1]) : m[1]) + cap(m[2]);
    return cap(w);
  };
  return c
    .toLowerCase()
    .split(' ')
    // "IVRY-SUR-SEINE" → "Ivry-sur-Seine"
    .map((w, i) => w.split('-').map((p, j) => word(p, i === 0 && j === 0)).join('-'))
    .join(' ');
}

/** Resolves a possibly relative URL against a base; returns null for empty/invalid/data: URLs. */
export function absUrl(href: string | null | undefined, base: string): string | null {
  if (!href) return null;
  const h = href.trim();
  if (!h || h.startsWith('data:') || h.startsWith('javascript:')) return null;
  try {
    return new URL(h, base).toString();
  } catch {
    return null;
  }
}

/** Strips tags and decodes the few entities found in JSON-held descriptions ("<BR>", "&amp;"). */
export function stripTags(s: string): string {
  return clean(
    s
      .replace(/<br\s*\/?>/gi, '\n')
      // inline tags join their text ("4<sup>e</sup>" → "4e"); others separate words
      .replace(/<\/?(?:sup|sub|span|strong|b|em|i|u|small|a)\b[^>]*>/gi, '')
      .replace(/<[^>]+>/g, ' ')
      .replace(/&nbsp;/g, ' ')
      .replace(/&amp;/g, '&')
      .replace(/&quot;/g, '"')
      .replace(/&#39;|&apos;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>'),
  );
}

/** Keeps line breaks (paragraphs) but normalises spaces within lines. */
export function cleanMultiline(s: string): string {
  return s
    .replace(/<br\s*\/?>|<\/p>|<\/div>|<\/li>/gi, '\n')
    .split(/\n+/)
    .map((l) => stripTags(l))
    .filter(Boolean)
    .join('\n');
}
