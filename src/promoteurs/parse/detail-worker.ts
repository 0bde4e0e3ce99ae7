// A parse worker (see detail-pool.ts): runs a registry source's detail parser on a page. Errors
// cross back as plain data; the pool rebuilds them.
import { getSource } from '../sources/index.ts';
import { SourceParseError, type ParseContext, type ProgrammeCard, type ProgrammeDetail } from '../types.ts';

export interface DetailTask { source: string; html: string; card: ProgrammeCard; ctx: ParseContext }
export type DetailOutcome =
  | { ok: true; detail: ProgrammeDetail }
  | { ok: false; name: string; message: string; source?: string; level?: 'listing' | 'detail' };

export default function parseDetailTask(t: DetailTask): DetailOutcome {
  if (!t.source) return { ok: false, name: 'Warm', message: 'warm-up: parsers loaded' };
  const src = getSource(t.source);
  if (!src) return { ok: false, name: 'Error', message: `unknown source ${t.source}` };
  try {
    return { ok: true, detail: src.parseDetail(t.html, t.card, t.ctx) };
  } catch (e) {
    const err = e as Error;
    if (e instanceof SourceParseError) return { ok: false, name: err.name, message: err.message, source: e.source, level: e.level };
    return { ok: false, name: err?.name ?? 'Error', message: err?.message ?? String(e) };
  }
}
