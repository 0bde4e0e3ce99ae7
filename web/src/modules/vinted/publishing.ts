// Small helpers shared by the publishing pages: the state badges' colours and the sentence for a
// publication's problem (translated from its code and parameters; the server's own text otherwise).
import { formatDate, t } from '../../i18n.ts';
import type { PublicationView } from './types.ts';

export const STATE_STYLE: Record<string, string> = {
  queued: 'bg-slate-100 text-slate-700 ring-slate-300',
  uploading: 'bg-indigo-50 text-indigo-700 ring-indigo-200',
  creating: 'bg-indigo-50 text-indigo-700 ring-indigo-200',
  submitted: 'bg-indigo-50 text-indigo-700 ring-indigo-200',
  published: 'bg-emerald-50 text-emerald-700 ring-emerald-200',
  live: 'bg-emerald-50 text-emerald-700 ring-emerald-200',
  needs_review: 'bg-amber-50 text-amber-800 ring-amber-200',
  needs_manual: 'bg-red-50 text-red-700 ring-red-200',
  dead: 'bg-red-50 text-red-700 ring-red-200',
  stale: 'bg-amber-50 text-amber-800 ring-amber-200',
  not_ready: 'bg-amber-50 text-amber-800 ring-amber-200',
  cancelled: 'bg-slate-100 text-slate-500 ring-slate-200',
  dry_run: 'bg-sky-50 text-sky-800 ring-sky-200',
  hidden: 'bg-slate-100 text-slate-600 ring-slate-300',
  reserved: 'bg-amber-50 text-amber-800 ring-amber-200',
  sold: 'bg-violet-50 text-violet-700 ring-violet-200',
  deleted: 'bg-slate-100 text-slate-500 ring-slate-200',
  draft: 'bg-slate-100 text-slate-600 ring-slate-300',
};

export function problemText(p: Pick<PublicationView, 'error_code' | 'error' | 'error_params' | 'field_errors'>): string | null {
  if (!p.error_code) return p.error;
  const key = `vinted.publish.error.${p.error_code}`;
  const params: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(p.error_params ?? {})) params[k] = k === 'at' && typeof v === 'string' ? formatDate(v) : String(v ?? '');
  if (p.error_code === 'validation' && p.field_errors?.length) params.fields = p.field_errors.map((f) => `${f.field} (${f.message})`).join(', ');
  const text = t(key, params);
  return text === key ? p.error : text;
}
