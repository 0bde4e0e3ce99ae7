// cheerio helpers shared by the parsers.
import * as cheerio from 'cheerio';
import type { CheerioAPI } from 'cheerio';
import { clean } from './text.ts';

export type { CheerioAPI };

/**
 * Loads a page for selector work. Inline scripts, styles and SVG drawings are dropped first (string operations,
 * much cheaper than parsing them): on developer sites they weigh half of the document and no
 * selector targets them. Pass keepScripts when a parser needs JSON-LD or an inline state.
 */
export function loadHtml(html: string, opts: { keepScripts?: boolean } = {}): CheerioAPI {
  let h = html;
  if (!opts.keepScripts) {
    h = h.replace(/<script\b(?![^>]*application\/(?:ld\+)?json)[^>]*>[\s\S]*?<\/script>/gi, '');
  }
  h = h.replace(/<style\b[^>]*>[\s\S]*?<\/style>/gi, '');
  // inline SVG icons: a quarter of what remains on Nexity pages, never selected
  h = h.replace(/(<svg\b[^>]*>)[\s\S]*?<\/svg>/gi, '$1</svg>');
  // htmlparser2 (xmlMode off) instead of parse5: 3–6× faster on 500 KB pages, and lenient enough
  // for server-rendered markup; throughput matters (hundreds of pages per run, benchmarked).
  return cheerio.load(h, { xml: { xmlMode: false, decodeEntities: true } });
}

/** Cleaned text of the first match (or of a cheerio selection). */
export function textOf($: CheerioAPI, sel: string | ReturnType<CheerioAPI>, scope?: ReturnType<CheerioAPI>): string {
  const el = typeof sel === 'string' ? (scope ? scope.find(sel) : $(sel)) : sel;
  return clean(el.first().text());
}

/** Attribute of the first match, trimmed; '' when absent. */
export function attrOf($: CheerioAPI, sel: string, name: string, scope?: ReturnType<CheerioAPI>): string {
  const el = scope ? scope.find(sel) : $(sel);
  return (el.first().attr(name) ?? '').trim();
}

/** <meta property|name=…> content. */
export function meta($: CheerioAPI, key: string): string {
  return ($(`meta[property="${key}"]`).attr('content') ?? $(`meta[name="${key}"]`).attr('content') ?? '').trim();
}

/** JSON-LD blocks of the page (invalid ones skipped); needs loadHtml(…, {keepScripts}) or default (kept). */
export function jsonLd($: CheerioAPI): unknown[] {
  const out: unknown[] = [];
  $('script[type="application/ld+json"]').each((_i, el) => {
    try {
      const v = JSON.parse($(el).text());
      if (Array.isArray(v)) out.push(...v);
      else out.push(v);
    } catch {
      /* a broken block must not break the page */
    }
  });
  return out;
}

/** Text of an element keeping paragraphs and <br> as line breaks (entities decoded by the DOM). */
export function multilineText($: CheerioAPI, el: ReturnType<CheerioAPI>): string {
  if (!el.length) return '';
  const c = el.first().clone();
  c.find('br').replaceWith('\n');
  c.find('p, li, div, h2, h3, h4').each((_i, x) => {
    $(x).append('\n');
  });
  return c
    .text()
    .split(/\n+/)
    .map((l) => clean(l))
    .filter(Boolean)
    .join('\n');
}
