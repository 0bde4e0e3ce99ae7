// Admin: every user's usage and limits (editable), platform totals, recent errors; suspend a user.
import { useState } from 'react';
import { api, ApiError, useApi } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { useAuth } from '../../auth.tsx';
import { Alert, Button, Card, ErrorBox, Loading, PageHeader, cx } from '../../components/ui.tsx';

interface Limits { articles_per_month: number; accounts: number; storage_mb: number }
interface Usage { articles_this_month: number; accounts: number; storage_bytes: number }
interface UserRow { id: string; email: string; role: string; suspended: boolean; last_seen_at: string | null; limits: Limits; usage: Usage }
interface Overview {
  users: UserRow[];
  totals: { listings_published: number; sales: number; active_users_7d: number; users: number };
  errors: { at: string; kind: string; title: string | null; error: string | null; user: string | null }[];
}

const mb = (b: number) => Math.round(b / 1024 / 1024);

/** "12 / 50" or "12 / ∞" */
export function UsageCell({ used, limit }: { used: number; limit: number }) {
  const full = limit > 0 && used >= limit;
  return <span className={cx('tabular-nums', full && 'font-semibold text-red-700')}>{used} / {limit > 0 ? limit : '∞'}</span>;
}

function Row({ u, self, onDone }: { u: UserRow; self: boolean; onDone: (msg?: string) => void }) {
  const { t, formatDate } = useI18n();
  const [l, setL] = useState<Limits>(u.limits);
  const dirty = JSON.stringify(l) !== JSON.stringify(u.limits);
  const act = async (fn: () => Promise<unknown>) => {
    try { await fn(); onDone(); } catch (e) { onDone(e instanceof ApiError ? e.message : String(e)); }
  };
  const input = (k: keyof Limits) => (
    <input type="number" min={0} aria-label={`${t(`vinted.admin.limit.${k}`)} ${u.email}`} value={l[k]} onChange={(e) => setL({ ...l, [k]: Math.max(0, Number(e.target.value)) })}
      className="w-20 rounded-md border-0 px-2 py-1 text-sm ring-1 ring-slate-300 ring-inset" />
  );
  return (
    <tr data-testid="admin-user" data-email={u.email} className={cx(u.suspended && 'bg-red-50')}>
      <td className="py-2 pr-3">
        <div className="font-medium text-slate-900">{u.email}</div>
        <div className="text-xs text-slate-500">{u.role} · {u.last_seen_at ? t('vinted.admin.seen', { date: formatDate(u.last_seen_at) }) : t('vinted.admin.notSeen')}</div>
      </td>
      <td className="px-3 py-2"><UsageCell used={u.usage.articles_this_month} limit={u.limits.articles_per_month} /><div className="mt-1">{input('articles_per_month')}</div></td>
      <td className="px-3 py-2"><UsageCell used={u.usage.accounts} limit={u.limits.accounts} /><div className="mt-1">{input('accounts')}</div></td>
      <td className="px-3 py-2"><UsageCell used={mb(u.usage.storage_bytes)} limit={u.limits.storage_mb} /> {t('vinted.admin.mb')}<div className="mt-1">{input('storage_mb')}</div></td>
      <td className="px-3 py-2">
        <div className="flex flex-wrap gap-2">
          <Button size="sm" variant="secondary" disabled={!dirty} onClick={() => void act(() => api.put(`/api/vinted/admin/quotas/${u.id}`, l))}>{t('vinted.admin.saveLimits')}</Button>
          {!self && <Button size="sm" variant={u.suspended ? 'secondary' : 'danger'} data-testid="admin-suspend"
            onClick={() => void act(() => api.patch(`/api/users/${u.id}`, { suspended: !u.suspended }))}>
            {u.suspended ? t('vinted.admin.unsuspend') : t('vinted.admin.suspend')}
          </Button>}
        </div>
        {u.suspended && <div className="mt-1 text-xs font-medium text-red-700">{t('vinted.admin.suspended')}</div>}
      </td>
    </tr>
  );
}

export default function AdminPage() {
  const { t, formatDate, formatNumber } = useI18n();
  const { data, error, reload } = useApi<Overview>('/api/vinted/admin/overview');
  const { user } = useAuth();
  const [msg, setMsg] = useState<string>();
  return (
    <div className="space-y-6">
      <PageHeader title={t('vinted.admin.title')} subtitle={t('vinted.admin.subtitle')} />
      {msg && <Alert>{msg}</Alert>}
      {error ? <ErrorBox error={error} onRetry={() => void reload()} /> : !data ? <Loading /> : (
        <>
          <dl className="grid grid-cols-2 gap-4 sm:grid-cols-4" data-testid="admin-totals">
            {(['listings_published', 'sales', 'active_users_7d', 'users'] as const).map((k) => (
              <div key={k} className="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200">
                <dt className="text-xs text-slate-500">{t(`vinted.admin.total.${k}`)}</dt>
                <dd className="text-2xl font-semibold text-slate-900 tabular-nums">{formatNumber(data.totals[k])}</dd>
              </div>
            ))}
          </dl>
          <Card title={t('vinted.admin.users')}>
            <p className="mb-3 text-xs text-slate-500">{t('vinted.admin.limitsHelp')}</p>
            <div className="overflow-x-auto">
              <table className="min-w-full divide-y divide-slate-200 text-sm">
                <thead>
                  <tr className="text-left text-xs font-medium tracking-wide text-slate-500 uppercase">
                    <th className="py-2 pr-3">{t('vinted.admin.col.user')}</th>
                    <th className="px-3 py-2">{t('vinted.admin.limit.articles_per_month')}</th>
                    <th className="px-3 py-2">{t('vinted.admin.limit.accounts')}</th>
                    <th className="px-3 py-2">{t('vinted.admin.limit.storage_mb')}</th>
                    <th className="px-3 py-2" />
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {data.users.map((u) => <Row key={`${u.id}-${JSON.stringify(u.limits)}-${u.suspended}`} u={u} self={u.id === user?.id} onDone={(m) => { setMsg(m); void reload(); }} />)}
                </tbody>
              </table>
            </div>
          </Card>
          <Card title={t('vinted.admin.errors')}>
            {data.errors.length === 0 ? <p className="text-sm text-slate-500">{t('vinted.admin.noErrors')}</p> : (
              <ul className="divide-y divide-slate-100 text-sm" data-testid="admin-errors">
                {data.errors.map((e, i) => (
                  <li key={i} className="py-2">
                    <span className="text-xs text-slate-500">{formatDate(e.at)} · {e.kind}{e.user ? ` · ${e.user}` : ''}</span>
                    <div className="text-slate-800">{e.title ? `${e.title} — ` : ''}{e.error}</div>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </>
      )}
    </div>
  );
}
