// Commandes: sold and purchased orders as last read from Vinted, with their states (an unknown one
// shown as such, with Vinted's own word), the deadline to ship (overdue sales highlighted), the
// shipping label, and cancel for Vinted Pro orders.
import { useState } from 'react';
import { api, ApiError, download, useApi } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { useAuth, hasRole } from '../../auth.tsx';
import { Alert, Button, Card, EmptyState, ErrorBox, Loading, PageHeader, cx } from '../../components/ui.tsx';
import type { AccountView } from './types.ts';

interface Order { account_id: string; order_id: string; side: 'sold' | 'purchased'; source: 'web' | 'pro'; status: string; state: string; title: string; price: number | null; currency: string | null; counterpart: string | null; ship_by: string | null; ordered_at: string; overdue: boolean; label_url: string | null }

const badge = 'inline-flex items-center rounded-full px-2.5 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset';
const STYLE: Record<string, string> = {
  pending: 'bg-slate-50 text-slate-700 ring-slate-500/20', to_ship: 'bg-amber-50 text-amber-800 ring-amber-600/20', shipped: 'bg-sky-50 text-sky-700 ring-sky-600/20',
  delivered: 'bg-indigo-50 text-indigo-700 ring-indigo-600/20', completed: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20', cancelled: 'bg-slate-100 text-slate-500 ring-slate-400/20',
  refunded: 'bg-slate-100 text-slate-500 ring-slate-400/20', disputed: 'bg-red-50 text-red-700 ring-red-600/20', unknown: 'bg-fuchsia-50 text-fuchsia-700 ring-fuchsia-600/20',
};

export default function OrdersPage() {
  const { t, formatDate, formatNumber } = useI18n();
  const { user } = useAuth();
  const canEdit = hasRole(user, 'operator');
  const accounts = useApi<{ accounts: AccountView[] }>('/api/vinted/accounts');
  const [account, setAccount] = useState('');
  const [side, setSide] = useState<'sold' | 'purchased'>('sold');
  const q = new URLSearchParams({ side, ...(account ? { account } : {}) });
  const { data, error, reload } = useApi<{ orders: Order[] }>(`/api/vinted/orders?${q}`);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string>();
  const names = new Map((accounts.data?.accounts ?? []).map((a) => [a.id, a.name]));
  const act = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    setMessage(undefined);
    try {
      await fn();
      await reload();
    } catch (e) {
      setMessage(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const label = (o: Order) => act(async () => {
    const acc = encodeURIComponent(names.get(o.account_id) ?? o.account_id);
    const path = `/api/vinted/orders/${acc}/${o.order_id}/label`;
    if (o.source === 'pro') return download(path, `etiquette-${o.order_id}.pdf`);
    const r = await api.get<{ label_url: string }>(path);
    window.open(r.label_url, '_blank', 'noopener');
  });
  const cancel = (o: Order) => act(async () => {
    const reason = window.prompt(t('vinted.orders.cancelReason'));
    if (!reason) return;
    await api.post(`/api/vinted/orders/${encodeURIComponent(names.get(o.account_id) ?? o.account_id)}/${o.order_id}/cancel`, { reason: reason.slice(0, 100) });
  });
  const overdue = (data?.orders ?? []).filter((o) => o.overdue).length;
  return (
    <div className="space-y-6">
      <PageHeader title={t('vinted.orders.title')} subtitle={t('vinted.orders.subtitle')}
        actions={<div className="flex items-center gap-2">
          <select aria-label={t('vinted.publish.account')} value={account} onChange={(e) => setAccount(e.target.value)} className="rounded-md border-0 py-1.5 pr-8 pl-2 text-sm ring-1 ring-slate-300 ring-inset">
            <option value="">{t('vinted.listings.all')}</option>
            {(accounts.data?.accounts ?? []).map((a) => <option key={a.id} value={a.name}>{a.name}</option>)}
          </select>
          {canEdit && <Button disabled={busy} onClick={() => void act(async () => {
            const r = await api.post<{ ok: boolean; error: string | null }>('/api/vinted/orders/sync', account ? { account } : {});
            if (!r.ok) throw new Error(r.error ?? t('vinted.orders.syncFailed'));
          })}>{t('vinted.orders.sync')}</Button>}
        </div>} />
      <div className="inline-flex rounded-lg bg-slate-100 p-1">
        {(['sold', 'purchased'] as const).map((s) => (
          <button key={s} type="button" onClick={() => setSide(s)} className={cx('rounded-md px-3 py-1.5 text-sm font-medium', side === s ? 'bg-white text-slate-900 shadow-sm' : 'text-slate-600')}>{t(`vinted.orders.side.${s}`)}</button>
        ))}
      </div>
      {overdue > 0 && <Alert kind="warning">{t('vinted.orders.overdueCount', { n: overdue })}</Alert>}
      {message && <Alert>{message}</Alert>}
      {error ? <ErrorBox error={error} onRetry={() => void reload()} /> : !data ? <Loading /> : data.orders.length === 0 ? <EmptyState title={t('vinted.orders.empty')} /> : (
        <Card>
          <div className="overflow-x-auto">
            <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="orders-table">
              <thead><tr className="text-left text-xs font-medium tracking-wide text-slate-500 uppercase">
                <th className="py-2 pr-3">{t('vinted.orders.col.date')}</th><th className="px-3 py-2">{t('vinted.orders.col.item')}</th><th className="px-3 py-2">{t('vinted.orders.col.counterpart')}</th>
                <th className="px-3 py-2">{t('vinted.orders.col.price')}</th><th className="px-3 py-2">{t('vinted.orders.col.state')}</th><th className="px-3 py-2">{t('vinted.orders.col.shipBy')}</th><th className="px-3 py-2" />
              </tr></thead>
              <tbody className="divide-y divide-slate-100">
                {data.orders.map((o) => (
                  <tr key={`${o.account_id}-${o.side}-${o.order_id}`} data-testid="order-row" data-state={o.state} data-overdue={o.overdue} className={cx(o.overdue && 'bg-red-50')}>
                    <td className="py-2 pr-3 whitespace-nowrap">{formatDate(o.ordered_at)}</td>
                    <td className="px-3 py-2">{o.title}<span className="ml-1 text-xs text-slate-400">#{o.order_id}</span></td>
                    <td className="px-3 py-2">{o.counterpart ?? '—'}</td>
                    <td className="px-3 py-2 tabular-nums whitespace-nowrap">{o.price !== null ? `${formatNumber(o.price)} ${o.currency === 'GBP' ? '£' : '€'}` : '—'}</td>
                    <td className="px-3 py-2"><span className={cx(badge, STYLE[o.state] ?? STYLE.unknown)} title={o.status}>{o.state === 'unknown' ? t('vinted.orders.state.unknownWith', { status: o.status || '?' }) : t(`vinted.orders.state.${o.state}`)}</span></td>
                    <td className={cx('px-3 py-2 whitespace-nowrap', o.overdue && 'font-semibold text-red-700')}>{o.ship_by ? formatDate(o.ship_by) : '—'}{o.overdue && <span className="ml-1" data-testid="overdue">{t('vinted.orders.overdue')}</span>}</td>
                    <td className="px-3 py-2 whitespace-nowrap">
                      {canEdit && o.side === 'sold' && ['to_ship', 'pending', 'shipped', 'unknown'].includes(o.state) && <Button size="sm" variant="ghost" disabled={busy} onClick={() => void label(o)}>{t('vinted.orders.label')}</Button>}
                      {canEdit && o.source === 'pro' && ['to_ship', 'pending'].includes(o.state) && <Button size="sm" variant="dangerGhost" disabled={busy} onClick={() => void cancel(o)}>{t('vinted.orders.cancel')}</Button>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
      )}
    </div>
  );
}
