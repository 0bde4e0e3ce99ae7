// NFO / FILE_ID.DIZ rendering: Nunjucks with autoescape off (plain text), in a locked-down
// environment: no loaders (no include/import/extends), templates checked before compiling so
// that no lookup can reach `constructor`/`__proto__` (the known Nunjucks escape) and no method is
// called; the context is plain JSON data. Output is wrapped to the width limit and encoded CP437.
import nunjucks from 'nunjucks';
import { languageName } from '../metadata/language.ts';

export class TemplateError extends Error {
  readonly line?: number;
  constructor(message: string, line?: number) {
    super(line ? `template line ${line}: ${message}` : message);
    this.name = 'TemplateError';
    this.line = line;
  }
}

const FORBIDDEN_NODES = new Set(['Import', 'FromImport', 'Include', 'Extends', 'Super', 'CallExtension', 'CallExtensionAsync']);

function checkAst(node: any): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) { node.forEach(checkAst); return; }
  const type: string = node.typename;
  const line = typeof node.lineno === 'number' ? node.lineno + 1 : undefined;
  if (FORBIDDEN_NODES.has(type)) throw new TemplateError(`{% ${type.toLowerCase()} %} is not allowed in NFO templates`, line);
  if (type === 'LookupVal') {
    const v = node.val;
    if (!v || v.typename !== 'Literal' || (typeof v.value !== 'string' && typeof v.value !== 'number')) throw new TemplateError('computed attribute access (x[expr]) is not allowed; use x.name or x[0]', line);
    if (typeof v.value === 'string' && (v.value.startsWith('_') || ['constructor', 'prototype', 'caller', 'callee', 'arguments'].includes(v.value))) {
      throw new TemplateError(`attribute "${v.value}" is not allowed`, line);
    }
  }
  if (type === 'FunCall' && node.name?.typename !== 'Symbol') {
    checkAst(node.name); // a forbidden attribute in the callee is the better message
    throw new TemplateError('calling methods is not allowed; use filters (x | upper)', line);
  }
  for (const f of node.fields ?? []) checkAst(node[f]);
}

function human(bytes: unknown): string {
  const n = Number(bytes);
  if (!Number.isFinite(n)) return '';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return i === 0 ? `${n} B` : `${v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${units[i]}`;
}

/** word-wraps one paragraph to `width` columns (hard-cuts words longer than a line) */
export function wrapLine(line: string, width: number, indent = ''): string[] {
  if ([...line].length <= width) return [line];
  const lead = /^\s*/.exec(line)![0];
  const cont = indent || lead;
  const out: string[] = [];
  let cur = '';
  for (const word of line.trim().split(/\s+/)) {
    const prefix = out.length ? cont : lead;
    let w = word;
    while ([...(prefix + w)].length > width) {
      if (cur) { out.push(cur); cur = ''; }
      const room = width - [...(out.length ? cont : lead)].length;
      const chars = [...w];
      out.push((out.length ? cont : lead) + chars.slice(0, room).join(''));
      w = chars.slice(room).join('');
    }
    if (!w) continue;
    const candidate = cur ? `${cur} ${w}` : `${out.length ? cont : lead}${w}`;
    if ([...candidate].length > width) { out.push(cur); cur = `${cont}${w}`; } else cur = candidate;
  }
  if (cur) out.push(cur);
  return out;
}

function pad(value: unknown, width: number, align: 'left' | 'right' | 'center' = 'left', fill = ' '): string {
  const s = value === undefined || value === null ? '' : String(value);
  const len = [...s].length;
  if (len >= width) return s;
  const n = width - len;
  if (align === 'right') return fill.repeat(n) + s;
  if (align === 'center') return fill.repeat(Math.floor(n / 2)) + s + fill.repeat(Math.ceil(n / 2));
  return s + fill.repeat(n);
}

function makeEnv(): nunjucks.Environment {
  const env = new nunjucks.Environment([], { autoescape: false, throwOnUndefined: false, trimBlocks: true, lstripBlocks: true });
  env.addFilter('pad', (v: unknown, width: number, align?: 'left' | 'right' | 'center', fill?: string) => pad(v, Number(width) || 0, align, fill || ' '));
  env.addFilter('wrap', (v: unknown, width: number, indent?: string) => String(v ?? '').split('\n').flatMap((l) => wrapLine(l, Number(width) || 80, indent ?? '')).join('\n'));
  env.addFilter('bytes', human);
  // Jinja's center pads the whole string; NFO text is multi-line, so each line is centred
  env.addFilter('center', (v: unknown, width?: number) => String(v ?? '').split('\n').map((l) => pad(l.trim(), Number(width) || 80, 'center')).join('\n'));
  env.addFilter('langname', (v: unknown) => languageName(typeof v === 'string' ? v : undefined) ?? '');
  env.addFilter('duration', (v: unknown) => {
    const s = Math.round(Number(v) || 0);
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    return h ? `${h}h ${String(m).padStart(2, '0')}min` : m ? `${m}min ${String(s % 60).padStart(2, '0')}s` : `${s}s`;
  });
  env.addFilter('kbps', (v: unknown) => (Number(v) > 0 ? `${Math.round(Number(v) / 1000)} kb/s` : ''));
  env.addFilter('dots', (v: unknown, width: number) => pad(`${String(v ?? '')} `, Number(width) || 0, 'left', '.'));
  return env;
}

const env = makeEnv();

/** throws TemplateError when the template does not parse or uses something the sandbox forbids */
export function checkTemplate(source: string): void {
  let ast: unknown;
  try {
    ast = (nunjucks as any).parser.parse(source, [], { trimBlocks: true, lstripBlocks: true });
  } catch (e) {
    const m = /\[Line (\d+)/.exec((e as Error).message);
    throw new TemplateError(((e as Error).message.split('\n').pop() ?? '').trim() || 'syntax error', m ? Number(m[1]) : undefined);
  }
  checkAst(ast);
}

export interface RenderOptions {
  /** maximum columns per line; longer lines are word-wrapped (and reported) */
  width: number;
  /** maximum number of lines (DIZ: 30); extra lines are cut (and reported) */
  maxLines?: number;
}

export interface RenderResult {
  text: string;
  lines: number;
  /** widest line after wrapping */
  columns: number;
  warnings: string[];
}

/** the most text a template may produce (a real NFO is a few KB) */
export const OUTPUT_MAX_CHARS = 256 * 1024;

/**
 * Renders in the calling thread: only for the worker (render-worker.ts). Everything else calls
 * render-isolated.ts, which bounds the time and memory of a render.
 */
export function renderTemplateInline(source: string, context: Record<string, unknown>, opts: RenderOptions): RenderResult {
  checkTemplate(source);
  let out: string;
  try {
    // JSON round-trip: the template only ever sees plain data, never functions or prototypes
    out = env.renderString(source, JSON.parse(JSON.stringify(context)));
  } catch (e) {
    throw new TemplateError(((e as Error).message.split('\n').pop() ?? '').trim());
  }
  if (out.length > OUTPUT_MAX_CHARS) throw new TemplateError(`the template produced ${out.length} characters, more than the ${OUTPUT_MAX_CHARS} allowed`);
  const warnings: string[] = [];
  const lines: string[] = [];
  out.replace(/\r\n?/g, '\n').replace(/\t/g, '    ').replace(/\n+$/, '').split('\n').forEach((l, i) => {
    const line = l.replace(/\s+$/, '');
    const len = [...line].length;
    if (len > opts.width) {
      warnings.push(`line ${i + 1} was ${len} columns, wrapped to ${opts.width}`);
      lines.push(...wrapLine(line, opts.width));
    } else lines.push(line);
  });
  if (opts.maxLines && lines.length > opts.maxLines) {
    warnings.push(`${lines.length} lines, cut to ${opts.maxLines}`);
    lines.length = opts.maxLines;
  }
  return { text: lines.join('\n'), lines: lines.length, columns: Math.max(0, ...lines.map((l) => [...l].length)), warnings };
}
