// The drafted listings: one row per article, gate failures highlighted, exports.
import { useI18n } from '../../i18n.ts';
import { cx } from '../../components/ui.tsx';
import type { PlanView } from './types.ts';
import { photoUrl } from './types.ts';

export function PlanTable({ plan, job }: { plan: PlanView; job: string }) {
  const { t } = useI18n();
  return (
    <div className="overflow-x-auto">
      <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="plan-table">
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
                <p className="font-medium text-slate-900">{i.title || '—'}</p>
                <p className="mt-0.5 line-clamp-2 text-xs whitespace-pre-line text-slate-500">{i.description}</p>
              </td>
              <td className="px-3 py-2 whitespace-nowrap">
                <p className="font-semibold text-slate-900 tabular-nums">{i.price ?? '—'} €</p>
                {i.price_min !== null && <p className="text-xs text-slate-500">{t('vinted.plan.col.range', { min: i.price_min, max: i.price_max ?? '' })}</p>}
              </td>
              <td className="px-3 py-2 text-xs text-slate-600">
                <p>{i.category ?? '—'} · {i.color ?? '—'}</p>
                <p>{i.condition ?? '—'} ({i.status_id ?? '?'}) · {i.size ?? '—'}</p>
                <p>{i.brand}{i.brand_tier ? ` · ${i.brand_tier}` : ''}</p>
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
