// Structured data embedded in a page, read once: schema.org JSON-LD and microdata, framework state
// (Nuxt 2 `window.__NUXT__`, Nuxt 3 `__NUXT_DATA__` in the devalue format, Next.js `__NEXT_DATA__`,
// Drupal `drupalSettings`), lot tables, and the page's own meta (canonical, title, h1, og:image).
// Every block is third-party input: a broken one is skipped (and noted), never fatal; JavaScript
// state is evaluated only in the sandbox (parse/sandbox.ts), JSON state only with JSON.parse/devalue.
import { unflatten } from 'devalue';
import { loadHtml, meta, type CheerioAPI } from './html.ts';
import { clean } from './text.ts';
import { findInlineScript, runInSandbox } from './sandbox.ts';
import { readTable, type TableRow } from './table.ts';

export type StateKind = 'nuxt' | 'nuxt-data' | 'next' | 'drupal';
export type JsonObject = Record<string, unknown>;

export interface StructuredData {
  /** JSON-LD nodes, @graph flattened (nested nodes stay inside their parent too) */
  jsonLd: JsonObject[];
  /** microdata items as JSON-LD-like objects: {'@type': 'Residence', name: …, address: {…}} */
  microdata: JsonObject[];
  /** framework states found in the page */
  states: { kind: StateKind; value: unknown }[];
  /** lot tables (header-driven): each one's rows */
  tables: TableRow[][];
  $: CheerioAPI;
  canonical: string;
  title: string;
  h1: string;
  ogImage: string;
  description: string;
  /** blocks that could not be read (a broken JSON-LD, a state the sandbox refused) */
  problems: string[];
}

const MAX_STATE_BYTES = 20 * 1024 * 1024;

/** Nuxt 3 payloads carry Vue reactivity wrappers as devalue custom types: unwrap them. */
function nuxtRevivers(values: unknown[]): Record<string, (v: unknown) => unknown> {
  const builtin = new Set(['Date', 'Set', 'Map', 'RegExp', 'Object', 'BigInt', 'null', 'URL', 'URLSearchParams', 'ArrayBuffer',
    'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array', 'Temporal.Duration', 'Temporal.Instant', 'Temporal.PlainDate', 'Temporal.PlainTime', 'Temporal.PlainDateTime', 'Temporal.PlainMonthDay', 'Temporal.PlainYearMonth', 'Temporal.ZonedDateTime']);
  const out: Record<string, (v: unknown) => unknown> = {};
  for (const v of values) {
    if (Array.isArray(v) && typeof v[0] === 'string' && !builtin.has(v[0]) && !(v[0] in out)) {
      // EmptyRef / EmptyShallowRef hold a JSON text ('_' = undefined); the rest wrap a value
      out[v[0]] = /^Empty/.test(v[0]) ? (x) => { try { return x === '_' ? null : JSON.parse(String(x)); } catch { return null; } } : (x) => x;
    }
  }
  return out;
}

export function parseNuxtData(text: string): unknown {
  const parsed = JSON.parse(text) as unknown;
  if (!Array.isArray(parsed)) return parsed;
  return unflatten(parsed, nuxtRevivers(parsed));
}

/** JSON text of `<script … id="ID" …>` (string search: the documents are big). */
function scriptById(html: string, id: string): string | null {
  const re = new RegExp(`<script\\b[^>]*\\bid=["']${id}["'][^>]*>([\\s\\S]*?)</script>`, 'i');
  return re.exec(html)?.[1] ?? null;
}

function flattenLd(v: unknown, out: JsonObject[], depth = 0): void {
  if (!v || typeof v !== 'object' || depth > 4) return;
  if (Array.isArray(v)) { for (const x of v) flattenLd(x, out, depth + 1); return; }
  const o = v as JsonObject;
  if (Array.isArray(o['@graph'])) flattenLd(o['@graph'], out, depth + 1);
  if (o['@type']) out.push(o);
}

/** Microdata (itemscope/itemtype/itemprop) → objects with '@type' and properties. */
function readMicrodata($: CheerioAPI): JsonObject[] {
  const items: JsonObject[] = [];
  const valueOf = (el: ReturnType<CheerioAPI>): unknown => {
    if (el.is('[itemscope]')) return item(el);
    const content = el.attr('content');
    if (content !== undefined) return clean(content);
    if (el.is('a, link, area')) return el.attr('href') ?? '';
    if (el.is('img, source, video, audio, iframe, embed')) return el.attr('src') ?? el.attr('data-src') ?? '';
    if (el.is('meta')) return clean(el.attr('content'));
    if (el.is('time')) return clean(el.attr('datetime') ?? el.text());
    if (el.is('data, meter')) return clean(el.attr('value') ?? el.text());
    return clean(el.text());
  };
  const item = (scope: ReturnType<CheerioAPI>): JsonObject => {
    const type = (scope.attr('itemtype') ?? '').split(/\s+/).filter(Boolean).map((t) => t.replace(/^https?:\/\/schema\.org\//, ''));
    const o: JsonObject = { '@type': type.length > 1 ? type : (type[0] ?? 'Thing') };
    // properties of this scope: itemprop descendants whose nearest itemscope ancestor is this scope
    scope.find('[itemprop]').each((_i, node) => {
      const el = $(node);
      const owner = el.parent().closest('[itemscope]');
      if (!owner.length || owner.get(0) !== scope.get(0)) return;
      const v = valueOf(el);
      for (const name of (el.attr('itemprop') ?? '').split(/\s+/).filter(Boolean)) {
        if (name in o) o[name] = ([] as unknown[]).concat(o[name], v);
        else o[name] = v;
      }
    });
    return o;
  };
  $('[itemscope]').each((_i, node) => {
    const el = $(node);
    if (el.is('[itemprop]') && el.parent().closest('[itemscope]').length) return; // nested: read with its parent
    items.push(item(el));
  });
  return items;
}

export function readStructured(html: string, opts: { sandboxTimeoutMs?: number } = {}): StructuredData {
  const problems: string[] = [];
  const states: StructuredData['states'] = [];
  // framework state first, from the raw text (loadHtml drops JavaScript scripts)
  const nuxt = findInlineScript(html, 'window.__NUXT__=') ?? findInlineScript(html, 'window.__NUXT__ =');
  if (nuxt) {
    try {
      states.push({ kind: 'nuxt', value: runInSandbox(nuxt, { timeoutMs: opts.sandboxTimeoutMs ?? 2000, extract: 'window.__NUXT__' }) });
    } catch (e) { problems.push(`__NUXT__: ${(e as Error).message}`); }
  }
  for (const [kind, id] of [['nuxt-data', '__NUXT_DATA__'], ['next', '__NEXT_DATA__']] as const) {
    const text = scriptById(html, id);
    if (text === null) continue;
    if (text.length > MAX_STATE_BYTES) { problems.push(`${id}: larger than ${MAX_STATE_BYTES} bytes, skipped`); continue; }
    try {
      states.push({ kind, value: kind === 'nuxt-data' ? parseNuxtData(text) : JSON.parse(text) });
    } catch (e) { problems.push(`${id}: ${(e as Error).message}`); }
  }
  const drupalJson = /<script\b[^>]*data-drupal-selector=["']drupal-settings-json["'][^>]*>([\s\S]*?)<\/script>/i.exec(html)?.[1];
  if (drupalJson) {
    try { states.push({ kind: 'drupal', value: JSON.parse(drupalJson) }); } catch (e) { problems.push(`drupalSettings: ${(e as Error).message}`); }
  }

  const $ = loadHtml(html);
  const jsonLd: JsonObject[] = [];
  $('script[type="application/ld+json"]').each((i, el) => {
    try { flattenLd(JSON.parse($(el).text()), jsonLd); } catch { problems.push(`JSON-LD block ${i + 1}: invalid JSON`); }
  });
  const tables: TableRow[][] = [];
  $('table').each((_i, el) => {
    const t = $(el);
    const headerCells = t.find('thead th').length ? 'thead th' : 'tr:first-child th, tr:first-child td';
    const rows = t.find('tbody tr').length ? 'tbody tr' : 'tr:not(:first-child)';
    const read = readTable($, t, { headerCells, rows });
    // a lot table names a price or a surface, and a typology or lot number
    const kinds = new Set(read.columns);
    if ((kinds.has('prix') || kinds.has('surface')) && (kinds.has('type') || kinds.has('numero')) && read.rows.length) tables.push(read.rows);
  });
  return {
    jsonLd, microdata: readMicrodata($), states, tables, $,
    canonical: ($('link[rel="canonical"]').attr('href') ?? meta($, 'og:url')).trim(),
    title: clean($('title').first().text()),
    h1: clean($('h1').first().text()),
    ogImage: meta($, 'og:image'),
    description: meta($, 'description') || meta($, 'og:description'),
    problems,
  };
}
