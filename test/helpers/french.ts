// A guard for the French UI (issue 10 item 7): common English words, and plural slips such as
// "1 photos", in the text a page shows. The real fix is that every server text travels as a code
// worded by the web app; this catches what slips through. Technical content the user supplied or
// that has no language (NFO previews, file trees, release names: <pre>, <code>, [data-raw]) is left out.
import type { Page } from 'playwright-core';

const ENGLISH = /\b(the|and|with|without|failed|error|errors|retry|retrying|loading|save|cancel|delete|bytes|characters|columns|found|missing|allowed|not|only|file\(s\)|volume\(s\)|photo\(s\)|photos to|ready|done|skipped|unknown|queued|sent|verified|resuming|step)\b/gi;
const PLURAL_SLIP = /\b[01] (photos|fichiers|articles|règles|tâches|programmes|volumes|villes|octets|caractères|erreurs|doublons|annonces)\b/g;

/** the English words and plural slips visible in `root` (default: the page's main area) */
export async function englishShown(page: Page, root = 'main'): Promise<string[]> {
  const { text, own } = await page.locator(root).first().evaluate((el) => {
    const copy = el.cloneNode(true) as HTMLElement;
    for (const x of copy.querySelectorAll('pre, code, [data-raw]')) x.remove();
    // each element's own words (its direct text), where a plural slip would sit ("1 photos")
    const own = [...copy.querySelectorAll('*')].map((x) => [...x.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join(''));
    // the whole text with a space after every element (textContent would glue "0" and "octets" of two cells)
    for (const x of copy.querySelectorAll('*')) x.append(' ');
    return { text: copy.textContent ?? '', own };
  });
  return [...text.matchAll(ENGLISH), ...own.flatMap((o) => [...o.matchAll(PLURAL_SLIP)])].map((m) => m[0]);
}

/**
 * What makes the page scroll sideways: the outermost elements reaching past the viewport's right
 * edge (inside a sideways-scrolling box is fine), as "tag.class#testid"; empty when nothing does.
 */
export async function overflowsSideways(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    if (document.documentElement.scrollWidth <= window.innerWidth + 1) return [];
    const scrolls = (e: Element) => ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(e).overflowX);
    const out: string[] = [];
    for (const e of document.body.querySelectorAll('*')) {
      if (e.getBoundingClientRect().right <= window.innerWidth + 1) continue;
      let p = e.parentElement;
      let inside = false;
      for (; p && p !== document.body; p = p.parentElement) if (scrolls(p) || p.getBoundingClientRect().right > window.innerWidth + 1) { inside = true; break; }
      if (!inside) out.push(`${e.tagName.toLowerCase()}.${String(e.getAttribute('class') ?? '').split(' ').slice(0, 4).join('.')}${e.getAttribute('data-testid') ? `#${e.getAttribute('data-testid')}` : ''}`);
    }
    return out.length ? out : ['(the document)'];
  });
}

/** true when the element's box lies within the viewport, all four sides */
export async function withinViewport(page: Page, selector: string): Promise<boolean> {
  const box = await page.locator(selector).first().boundingBox();
  const vp = page.viewportSize();
  if (!box || !vp) return false;
  return box.x >= 0 && box.y >= 0 && box.x + box.width <= vp.width + 0.5 && box.y + box.height <= vp.height + 0.5;
}
