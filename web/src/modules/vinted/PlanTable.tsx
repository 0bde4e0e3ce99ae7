// The drafted listings: one row per article, gate failures highlighted, exports.
import { useState } from 'react';
import { hasString, useI18n } from '../../i18n.ts';
import { cx } from '../../components/ui.tsx';
import type { Override, PlanView } from './types.ts';
import { photoUrl } from './types.ts';

/** An input that commits on blur / Enter, and follows the value when the plan is redrafted. */
function Inline({ value, onCommit, label, className, type = 'text', testId }: { value: string; onCommit: (v: string) => void; label: string; className?: string; type?: string; testId: string }) {
  const [v, setV] = useState(value);
  const [seen, setSeen] = useState(value);
  if (seen !== value) {
    setSeen(value);
    setV(value);
  }
  return (
    <input
      aria-label={label} data-testid={testId} type={type} value={v} onChange={(e) => setV(e.target.value)}
      onBlur={() => { if (v !== value) onCommit(v); }}
      onKeyDown={(e) => { if (e.key === 'Enter') (e.target as HTMLInputElement).blur(); }}
      className={cx('rounded-md border-0 px-2 py-1 text-sm ring-1 ring-transparent ring-inset hover:ring-slate-300 focus:ring-2 focus:ring-indigo-600', className)}
    />
  );
}

export function PlanTable({ plan, job, canEdit, onOverride }: { plan: PlanView; job: string; canEdit: boolean; onOverride: (cluster: string, o: Override) => void }) {
  const { t } = useI18n();
  return (
    <div className="overflow-x-auto">
      <table className="w-full min-w-[48rem] divide-y divide-slate-200 text-sm" data-testid="plan-table">
        <thead>
          <tr className="text-left text-xs font-medium tracking-wide text-slate-500 uppercase">
            <th className="py-2 pr-3">{t('vinted.plan.col.photo')}</th>
            <th className="px-3 py-2">{t('vinted.plan.col.title')}</th>
            <th className="px-3 py-2">{t('vinted.plan.col.price')}</th>
            <th className="px-3 py-2">{t('vinted.plan.col.details')}</th>
            <th className="px-3 py-2">{t('vinted.plan.col.gates')}</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {plan.items.map((i) => (
            <tr key={i.cluster_id} data-testid="plan-row" data-ready={i.publish_ready} className={cx(!i.publish_ready && 'bg-red-50')}>
              <td className="py-2 pr-3">
                <img src={photoUrl(job, i.cover)} alt="" className="size-14 rounded-md object-cover" />
              </td>
              <td className="max-w-md px-3 py-2">
                {canEdit ? (
                  <Inline testId="plan-title" label={t('vinted.plan.col.title')} value={i.title} className="-ml-2 w-full font-medium text-slate-900"
                    onCommit={(v) => onOverride(i.cluster_id, { title: v.trim() || undefined })} />
                ) : <p className="font-medium text-slate-900">{i.title || '—'}</p>}
                <p className="mt-0.5 line-clamp-2 text-xs whitespace-pre-line text-slate-500">{i.description}</p>
              </td>
              <td className="px-3 py-2 whitespace-nowrap">
                {canEdit ? (
                  <span className="flex items-center gap-1 font-semibold text-slate-900">
                    <Inline testId="plan-price" type="number" label={t('vinted.plan.col.price')} value={String(i.price ?? '')} className="w-16 px-1 text-right tabular-nums"
                      onCommit={(v) => onOverride(i.cluster_id, { price: Number(v) > 0 ? Number(v) : undefined })} /> €
                  </span>
                ) : <p className="font-semibold text-slate-900 tabular-nums">{i.price ?? '—'} €</p>}
                {i.price_min !== null && <p className="text-xs text-slate-500">{t('vinted.plan.col.range', { min: i.price_min, max: i.price_max ?? '' })}</p>}
                {i.price_learned && <p data-testid="plan-price-learned" className="text-xs text-emerald-700">{t('vinted.plan.col.learned', { sales: i.price_learned.sales, median: i.price_learned.median })}</p>}
              </td>
              <td className="px-3 py-2 text-xs text-slate-600">
                <p>{i.category ?? '—'} · {i.color ?? '—'}</p>
                <p>{i.condition ?? '—'} ({i.status_id ?? '?'}) · {i.size ?? '—'}</p>
                {/* 'Unknown' is the plan's no-brand value (sent as such to Vinted); built-in tiers have words, a configured one shows as named */}
                <p>{i.brand === 'Unknown' ? t('vinted.plan.noBrand') : i.brand}{i.brand_tier ? ` · ${hasString(`vinted.plan.tier.${i.brand_tier}`) ? t(`vinted.plan.tier.${i.brand_tier}`) : i.brand_tier}` : ''}</p>
                {i.vinted && i.vinted.catalog_path.length > 0 && (
                  <p className="mt-0.5 text-slate-500" data-testid="vinted-path">{t('vinted.plan.vinted', { path: i.vinted.catalog_path.slice(1).join(' › ') })}{i.vinted.size_title ? ` · ${i.vinted.size_title}` : ''}</p>
                )}
              </td>
              <td className="px-3 py-2">
                {i.publish_ready ? (
                  <span className="rounded-full bg-emerald-100 px-2 py-0.5 text-xs font-medium text-emerald-800">{t('vinted.plan.ok')}</span>
                ) : (
                  <ul className="flex flex-wrap gap-1">
                    {i.missing_fields.map((m) => (
                      <li key={m} data-testid="gate-failure" className="rounded-full bg-red-100 px-2 py-0.5 text-xs font-medium text-red-800">{t(`vinted.gate.${m}`)}</li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
