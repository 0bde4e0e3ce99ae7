// Comptes Vinted: connect a web session (cookies + user agent) or a Pro token, check it, see the
// queue's state with the reason it stopped, resume it, set the pace, refresh Vinted's catalogue.
import { useState } from 'react';
import { api, ApiError, useApi } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { useAuth, hasRole } from '../../auth.tsx';
import { Alert, Button, Card, EmptyState, ErrorBox, Field, Loading, Modal, PageHeader, cx } from '../../components/ui.tsx';
import type { AccountView } from './types.ts';

const STATUS_STYLE: Record<string, string> = {
  ok: 'bg-emerald-50 text-emerald-700 ring-emerald-200',
  reconnect: 'bg-red-50 text-red-700 ring-red-200',
  error: 'bg-red-50 text-red-700 ring-red-200',
  unchecked: 'bg-slate-100 text-slate-600 ring-slate-300',
};
const QUEUE_STYLE: Record<string, string> = {
  running: 'bg-emerald-50 text-emerald-700 ring-emerald-200',
  paused: 'bg-slate-100 text-slate-600 ring-slate-300',
  stopped: 'bg-red-50 text-red-700 ring-red-200',
};
const badge = 'inline-flex items-center rounded-full px-2.5 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset';

function AddAccount({ onAdded }: { onAdded: () => void }) {
  const { t } = useI18n();
  const [kind, setKind] = useState<'web' | 'pro'>('web');
  const [name, setName] = useState('');
  const [cookies, setCookies] = useState('');
  const [ua, setUa] = useState(typeof navigator !== 'undefined' ? navigator.userAgent : '');
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await api.post<{ ok: boolean; account: AccountView }>('/api/vinted/accounts', kind === 'web' ? { name, kind, cookies, user_agent: ua } : { name, kind, token });
      setCookies('');
      setToken('');
      setName('');
      if (!r.ok) setError(t(`vinted.accounts.status.${r.account.status}`));
      onAdded();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={t('vinted.accounts.add')}>
      <div className="space-y-4" data-testid="add-account">
        <div role="radiogroup" className="inline-flex rounded-lg bg-slate-100 p-0.5 text-sm font-medium">
          {(['web', 'pro'] as const).map((k) => (
            <button key={k} type="button" role="radio" aria-checked={kind === k} onClick={() => setKind(k)}
              className={cx('rounded-md px-3 py-1.5', kind === k ? 'bg-white text-slate-900 shadow-sm' : 'text-slate-600')}>{t(`vinted.accounts.kind.${k}`)}</button>
          ))}
        </div>
        <Field label={t('vinted.accounts.name')} value={name} onChange={(e) => setName(e.target.value)} placeholder="boutique" />
        {kind === 'web' ? (
          <>
            <label className="block text-sm font-medium text-slate-800">
              {t('vinted.accounts.cookies')}
              <textarea aria-label={t('vinted.accounts.cookies')} value={cookies} onChange={(e) => setCookies(e.target.value)} rows={5} spellCheck={false} autoComplete="off"
                className="mt-1 block w-full rounded-lg border-0 px-3 py-2 font-mono text-xs shadow-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600" />
              <span className="mt-1 block text-sm font-normal text-slate-500">{t('vinted.accounts.cookiesHelp')}</span>
            </label>
            <Field label={t('vinted.accounts.userAgent')} hint={t('vinted.accounts.userAgentHelp')} value={ua} onChange={(e) => setUa(e.target.value)} />
          </>
        ) : (
          <Field label={t('vinted.accounts.token')} hint={t('vinted.accounts.tokenHelp')} value={token} onChange={(e) => setToken(e.target.value)} type="password" autoComplete="off" />
        )}
        {error && <Alert>{error}</Alert>}
        <Button onClick={() => void submit()} disabled={busy || !name || (kind === 'web' ? !cookies || !ua : !token)}>{t('vinted.accounts.connect')}</Button>
      </div>
    </Card>
  );
}

function AccountCard({ a, canEdit, onChange }: { a: AccountView; canEdit: boolean; onChange: () => void }) {
  const { t, formatDate } = useI18n();
  const [error, setError] = useState<string>();
  const [info, setInfo] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [wph, setWph] = useState(String(a.writes_per_hour ?? ''));
  const [hours, setHours] = useState(a.active_hours ?? '');
  const [confirmDelete, setConfirmDelete] = useState(false);
  const act = async (fn: () => Promise<unknown>, done?: string) => {
    setBusy(true);
    setError(undefined);
    setInfo(undefined);
    try {
      await fn();
      if (done) setInfo(done);
      onChange();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const q = a.queue ?? {};
  const problems = (q.needs_review ?? 0) + (q.needs_manual ?? 0) + (q.dead ?? 0);
  const queued = (q.queued ?? 0) + (q.uploading ?? 0) + (q.creating ?? 0) + (q.submitted ?? 0);
  const circuit = a.circuit_until && Date.parse(a.circuit_until) > Date.now();
  return (
    <Card
      title={<span className="flex items-center gap-2">{a.name} <span className="text-xs font-normal text-slate-500">{t(`vinted.accounts.kind.${a.kind}`)}</span></span>}
      actions={<span data-testid="account-status" className={cx(badge, STATUS_STYLE[a.status])}>{t(`vinted.accounts.status.${a.status}`)}</span>}
    >
      <div className="space-y-3 text-sm" data-testid="account-card" data-account={a.name}>
        <div className="flex flex-wrap gap-x-6 gap-y-1 text-slate-700">
          {a.login && <span>{t('vinted.accounts.login', { login: a.login })}</span>}
          {a.session_expires_at && <span>{t('vinted.accounts.expires', { date: formatDate(a.session_expires_at) })}</span>}
          {a.checked_at && <span className="text-slate-500">{t('vinted.accounts.checked', { date: formatDate(a.checked_at) })}</span>}
          {a.slots_total !== null && <span>{t('vinted.accounts.slots', { used: a.slots_used ?? 0, total: a.slots_total })}</span>}
        </div>
        <div className="flex flex-wrap items-center gap-3">
          <span className="font-medium text-slate-800">{t('vinted.accounts.queue')}</span>
          <span data-testid="queue-state" className={cx(badge, QUEUE_STYLE[a.queue_state])}>{t(`vinted.queue.state.${a.queue_state}`)}</span>
          <span className="text-slate-600">{t('vinted.accounts.counts', { published: q.published ?? 0, queued, problems })}</span>
        </div>
        {a.queue_code && a.queue_state !== 'running' && (
          <div data-testid="queue-message"><Alert kind={a.queue_code === 'user' ? 'info' : 'error'}>{t(`vinted.queue.code.${a.queue_code}`)}</Alert></div>
        )}
        {circuit && <Alert kind="warning">{t('vinted.queue.circuit', { at: formatDate(a.circuit_until) })}</Alert>}
        {canEdit && (
          <div className="flex flex-wrap items-end gap-3">
            <label className="text-xs text-slate-600">{t('vinted.accounts.writesPerHour', { max: a.effective.writes_per_hour })}
              <input aria-label={t('vinted.accounts.writesPerHour', { max: a.effective.writes_per_hour })} value={wph} onChange={(e) => setWph(e.target.value)} placeholder={String(a.effective.writes_per_hour)} inputMode="numeric"
                className="mt-1 block w-28 rounded-md border-0 px-2 py-1.5 text-sm ring-1 ring-slate-300 ring-inset" />
            </label>
            <label className="text-xs text-slate-600">{t('vinted.accounts.activeHours')}
              <input aria-label={t('vinted.accounts.activeHours')} value={hours} onChange={(e) => setHours(e.target.value)} placeholder={a.effective.active_hours}
                className="mt-1 block w-28 rounded-md border-0 px-2 py-1.5 text-sm ring-1 ring-slate-300 ring-inset" />
            </label>
            <Button size="sm" variant="secondary" disabled={busy} onClick={() => void act(() => api.patch(`/api/vinted/accounts/${a.id}`, { writes_per_hour: wph ? Number(wph) : null, active_hours: hours || null }))}>{t('vinted.accounts.savePacing')}</Button>
          </div>
        )}
        {info && <Alert kind="success">{info}</Alert>}
        {error && <Alert>{error}</Alert>}
        {canEdit && (
          <div className="flex flex-wrap gap-2 border-t border-slate-100 pt-3">
            <Button size="sm" variant="secondary" disabled={busy} onClick={() => void act(() => api.post(`/api/vinted/accounts/${a.id}/check`))}>{t('vinted.accounts.check')}</Button>
            {a.queue_state === 'running'
              ? <Button size="sm" variant="secondary" disabled={busy} onClick={() => void act(() => api.post(`/api/vinted/accounts/${a.id}/queue`, { action: 'pause' }))}>{t('vinted.accounts.pause')}</Button>
              : <Button size="sm" disabled={busy || a.status === 'reconnect'} onClick={() => void act(() => api.post(`/api/vinted/accounts/${a.id}/queue`, { action: 'resume' }))}>{t('vinted.accounts.resume')}</Button>}
            <Button size="sm" variant="secondary" disabled={busy || a.status !== 'ok'} onClick={() => void act(() => api.post(`/api/vinted/accounts/${a.id}/catalogue/refresh`), t('vinted.accounts.catalogueRefreshed'))}>{t('vinted.accounts.refreshCatalogue')}</Button>
            <Button size="sm" variant="dangerGhost" disabled={busy} onClick={() => setConfirmDelete(true)}>{t('vinted.accounts.delete')}</Button>
          </div>
        )}
      </div>
      <Modal open={confirmDelete} title={t('vinted.accounts.delete')} onClose={() => setConfirmDelete(false)}
        actions={<>
          <Button variant="secondary" onClick={() => setConfirmDelete(false)}>{t('vinted.publish.cancel')}</Button>
          <Button variant="danger" onClick={() => { setConfirmDelete(false); void act(() => api.delete(`/api/vinted/accounts/${a.id}`)); }}>{t('vinted.accounts.delete')}</Button>
        </>}>
        {t('vinted.accounts.deleteConfirm', { name: a.name })}
      </Modal>
    </Card>
  );
}

export default function AccountsPage() {
  const { t } = useI18n();
  const { user } = useAuth();
  const canEdit = hasRole(user, 'operator');
  const { data, error, reload } = useApi<{ accounts: AccountView[] }>('/api/vinted/accounts');
  return (
    <div className="space-y-6">
      <PageHeader title={t('vinted.accounts.title')} subtitle={t('vinted.accounts.subtitle')} />
      {error ? <ErrorBox error={error} onRetry={() => void reload()} /> : !data ? <Loading /> : (
        <div className="grid gap-6 lg:grid-cols-2">
          <div className="space-y-4">
            {data.accounts.length === 0 ? <EmptyState title={t('vinted.accounts.empty')} /> : data.accounts.map((a) => <AccountCard key={`${a.id}-${a.status}-${a.queue_state}-${a.writes_per_hour}-${a.active_hours}`} a={a} canEdit={canEdit} onChange={() => void reload()} />)}
          </div>
          {canEdit && <AddAccount onAdded={() => void reload()} />}
        </div>
      )}
    </div>
  );
}
