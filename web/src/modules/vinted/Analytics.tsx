// Statistiques: revenue, sales, views, favourites and conversion over time and by category, brand and
// price band (charts with recharts), time to sell, a CSV export, and the prices the seller's own sales
// suggest per category, brand and condition, with the evidence.
import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { download, useApi } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { Button, Card, EmptyState, ErrorBox, Loading, PageHeader } from '../../components/ui.tsx';
import type { AccountView } from './types.ts';

interface Group { key: string; label: string; listings: number; sales: number; revenue: number; views: number; favourites: number; conversion: number }
interface Stats {
  totals: { listings: number; live: number; sales: number; revenue: number; views: number; favourites: number; conversion: number; avg_days_to_sell: number | null; median_days_to_sell: number | null; currency: string };
  over_time: { period: string; sales: number; revenue: number; listed: number }[];
  by_category: Group[]; by_brand: Group[]; by_price_band: Group[];
}
interface Suggestion { category: string; brand: string | null; status_id: number | null; sales: number; median: number; p25: number; p75: number; min: number; max: number; median_days_to_sell: number | null; price_min: number; price_target: number; price_max: number }

const CONDITION: Record<number, string> = { 6: 'new_tags', 1: 'new', 2: 'very_good', 3: 'good', 4: 'satisfactory' };

function Kpi({ label, value, testid }: { label: string; value: string; testid: string }) {
  return (
    <div className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200" data-testid={testid}>
      <p className="text-xs font-medium tracking-wide text-slate-500 uppercase">{label}</p>
      <p className="mt-1 text-2xl font-semibold text-slate-900 tabular-nums">{value}</p>
    </div>
  );
}

function GroupChart({ title, groups, money }: { title: string; groups: Group[]; money: (n: number) => string }) {
  const { t } = useI18n();
  const data = groups.slice(0, 12).map((g) => ({ name: (g.label || t('vinted.analytics.unknown')).split(' › ').pop()!.slice(0, 24), [t('vinted.analytics.revenue')]: g.revenue, [t('vinted.analytics.sales')]: g.sales }));
  return (
    <Card title={title}>
      {data.length === 0 ? <p className="text-sm text-slate-500">{t('vinted.analytics.noData')}</p> : (
        <div className="h-64" data-testid="chart">
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 8 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
              <XAxis dataKey="name" tick={{ fontSize: 11 }} interval={0} angle={-20} textAnchor="end" height={50} />
              <YAxis yAxisId="r" tick={{ fontSize: 11 }} />
              <YAxis yAxisId="s" orientation="right" tick={{ fontSize: 11 }} allowDecimals={false} />
              <Tooltip formatter={(v, n) => (n === t('vinted.analytics.revenue') ? money(Number(v)) : String(v))} />
              <Legend />
              <Bar yAxisId="r" dataKey={t('vinted.analytics.revenue')} fill="#4f46e5" isAnimationActive={false} />
              <Bar yAxisId="s" dataKey={t('vinted.analytics.sales')} fill="#10b981" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
    </Card>
  );
}

export default function AnalyticsPage() {
  const { t, formatNumber } = useI18n();
  const accounts = useApi<{ accounts: AccountView[] }>('/api/vinted/accounts');
  const [account, setAccount] = useState('');
  const [bucket, setBucket] = useState<'day' | 'week' | 'month'>('week');
  const q = new URLSearchParams({ bucket, ...(account ? { account } : {}) });
  const { data, error, reload } = useApi<Stats>(`/api/vinted/analytics?${q}`);
  const prices = useApi<{ suggestions: Suggestion[] }>(`/api/vinted/analytics/prices${account ? `?account=${encodeURIComponent(account)}` : ''}`);
  const money = (n: number) => `${formatNumber(Math.round(n * 100) / 100)} ${data?.totals.currency === 'GBP' ? '£' : '€'}`;
  const pct = (n: number) => `${formatNumber(Math.round(n * 1000) / 10)} %`;
  const select = 'rounded-md border-0 py-1.5 pr-8 pl-2 text-sm ring-1 ring-slate-300 ring-inset';
  return (
    <div className="space-y-6">
      <PageHeader title={t('vinted.analytics.title')} subtitle={t('vinted.analytics.subtitle')}
        actions={<div className="flex items-center gap-2">
          <select aria-label={t('vinted.publish.account')} value={account} onChange={(e) => setAccount(e.target.value)} className={select}>
            <option value="">{t('vinted.listings.all')}</option>
            {(accounts.data?.accounts ?? []).map((a) => <option key={a.id} value={a.name}>{a.name}</option>)}
          </select>
          <select aria-label={t('vinted.analytics.bucket')} value={bucket} onChange={(e) => setBucket(e.target.value as typeof bucket)} className={select}>
            {(['day', 'week', 'month'] as const).map((b) => <option key={b} value={b}>{t(`vinted.analytics.bucket.${b}`)}</option>)}
          </select>
          <Button variant="secondary" onClick={() => void download(`/api/vinted/analytics.csv?${q}`, 'ventes.csv')}>{t('vinted.analytics.csv')}</Button>
        </div>} />
      {error ? <ErrorBox error={error} onRetry={() => void reload()} /> : !data ? <Loading /> : data.totals.listings === 0 ? <EmptyState title={t('vinted.analytics.empty')} /> : (
        <>
          <div className="grid grid-cols-2 gap-4 md:grid-cols-3 lg:grid-cols-6">
            <Kpi testid="kpi-revenue" label={t('vinted.analytics.revenue')} value={money(data.totals.revenue)} />
            <Kpi testid="kpi-sales" label={t('vinted.analytics.sales')} value={formatNumber(data.totals.sales)} />
            <Kpi testid="kpi-views" label={t('vinted.analytics.views')} value={formatNumber(data.totals.views)} />
            <Kpi testid="kpi-favourites" label={t('vinted.analytics.favourites')} value={formatNumber(data.totals.favourites)} />
            <Kpi testid="kpi-conversion" label={t('vinted.analytics.conversion')} value={pct(data.totals.conversion)} />
            <Kpi testid="kpi-days" label={t('vinted.analytics.timeToSell')} value={data.totals.median_days_to_sell === null ? '—' : t('vinted.relist.days', { n: formatNumber(Math.round(data.totals.median_days_to_sell)) })} />
          </div>
          <Card title={t('vinted.analytics.overTime')}>
            <div className="h-72" data-testid="chart">
              <ResponsiveContainer width="100%" height="100%">
                <ComposedChart data={data.over_time.map((p) => ({ period: p.period, [t('vinted.analytics.revenue')]: p.revenue, [t('vinted.analytics.sales')]: p.sales, [t('vinted.analytics.listed')]: p.listed }))} margin={{ top: 8, right: 8, bottom: 8, left: 8 }}>
                  <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
                  <XAxis dataKey="period" tick={{ fontSize: 11 }} />
                  <YAxis yAxisId="r" tick={{ fontSize: 11 }} />
                  <YAxis yAxisId="s" orientation="right" tick={{ fontSize: 11 }} allowDecimals={false} />
                  <Tooltip />
                  <Legend />
                  <Bar yAxisId="r" dataKey={t('vinted.analytics.revenue')} fill="#4f46e5" isAnimationActive={false} />
                  <Line yAxisId="s" type="monotone" dataKey={t('vinted.analytics.sales')} stroke="#10b981" dot={false} isAnimationActive={false} />
                  <Line yAxisId="s" type="monotone" dataKey={t('vinted.analytics.listed')} stroke="#94a3b8" dot={false} isAnimationActive={false} />
                </ComposedChart>
              </ResponsiveContainer>
            </div>
          </Card>
          <div className="grid gap-6 lg:grid-cols-3">
            <GroupChart title={t('vinted.analytics.byCategory')} groups={data.by_category} money={money} />
            <GroupChart title={t('vinted.analytics.byBrand')} groups={data.by_brand} money={money} />
            <GroupChart title={t('vinted.analytics.byPriceBand')} groups={data.by_price_band} money={money} />
          </div>
          <Card title={t('vinted.analytics.prices')}>
            <p className="mb-3 text-sm text-slate-600">{t('vinted.analytics.pricesHint')}</p>
            {!prices.data ? <Loading /> : prices.data.suggestions.length === 0 ? <p className="text-sm text-slate-500">{t('vinted.analytics.pricesEmpty')}</p> : (
              <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="price-suggestions">
                <thead><tr className="text-left text-xs text-slate-500 uppercase">
                  <th className="py-1 pr-3">{t('vinted.analytics.col.category')}</th><th className="px-3">{t('vinted.analytics.col.brand')}</th><th className="px-3">{t('vinted.analytics.col.condition')}</th>
                  <th className="px-3">{t('vinted.analytics.col.suggested')}</th><th className="px-3">{t('vinted.analytics.col.evidence')}</th>
                </tr></thead>
                <tbody className="divide-y divide-slate-100">
                  {prices.data.suggestions.map((s, i) => (
                    <tr key={i}>
                      <td className="py-1 pr-3">{s.category || t('vinted.analytics.unknown')}</td>
                      <td className="px-3">{s.brand ?? '—'}</td>
                      <td className="px-3">{s.status_id !== null && CONDITION[s.status_id] ? t(`vinted.analytics.condition.${CONDITION[s.status_id]}`) : '—'}</td>
                      <td className="px-3 font-medium tabular-nums">{money(s.price_target)} <span className="text-xs text-slate-500">({money(s.price_min)} – {money(s.price_max)})</span></td>
                      <td className="px-3 text-xs text-slate-600">{t('vinted.analytics.evidence', { n: s.sales, min: money(s.min), max: money(s.max), median: money(s.median), days: s.median_days_to_sell === null ? '—' : Math.round(s.median_days_to_sell) })}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Card>
        </>
      )}
    </div>
  );
}
