// Publishing from the Studio: pick the account and the articles → the dry run shows the exact data
// sent to Vinted → a confirmation dialog (one Idempotency-Key per dialog, so a double click publishes
// once) → the account's queue with each article's state and expected time, and why it stopped.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { api, apiFetch, ApiError, useApi } from '../../api.ts';
import { formatDuration, useI18n } from '../../i18n.ts';
import { Alert, Button, Card, Modal, cx } from '../../components/ui.tsx';
import type { AccountView, PlanView, PreparedItem, QueueView } from './types.ts';
import { ACTIVE_STATES } from './types.ts';
import { STATE_STYLE, problemText } from './publishing.ts';

const badge = 'inline-flex items-center rounded-full px-2.5 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset';

export function PublishPanel({ jobId, plan, canEdit }: { jobId: string; plan: PlanView; canEdit: boolean }) {
  const { t, formatDate } = useI18n();
  const accounts = useApi<{ accounts: AccountView[] }>('/api/vinted/accounts');
  const usable = (accounts.data?.accounts ?? []).filter((a) => a.status === 'ok');
  const [accountName, setAccountName] = useState('');
  const account = usable.find((a) => a.name === accountName) ?? usable[0];
  const ready = useMemo(() => plan.items.filter((i) => i.publish_ready).map((i) => i.cluster_id), [plan]);
  const [selected, setSelected] = useState<Set<string>>(() => new Set(ready));
  const [prepared, setPrepared] = useState<PreparedItem[] | null>(null);
  const [queue, setQueue] = useState<QueueView | null>(null);
  const [confirmKey, setConfirmKey] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  useEffect(() => setSelected(new Set(ready)), [ready]);

  const loadQueue = useCallback(async () => {
    if (!account) return;
    try {
      setQueue(await api.get<QueueView>(`/api/vinted/publish/queue?account=${encodeURIComponent(account.name)}&job=${jobId}`));
    } catch {
      // shown on the next successful poll
    }
  }, [account, jobId]);

  useEffect(() => {
    void loadQueue();
  }, [loadQueue]);
  const active = !!queue?.items.some((i) => ACTIVE_STATES.includes(i.state));
  useEffect(() => {
    if (!active) return;
    const id = setInterval(() => void loadQueue(), 1500);
    return () => clearInterval(id);
  }, [active, loadQueue]);

  if (!accounts.data) return null;

  const preview = async () => {
    if (!account) return;
    setBusy(true);
    setError(undefined);
    try {
      const r = await api.post<{ items: PreparedItem[] }>('/api/vinted/listings/prepare', { job: jobId, account: account.name, clusters: [...selected] });
      setPrepared(r.items);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const toPublish = (prepared ?? []).filter((p) => p.ready && !p.existing?.vinted_id && !(p.existing && ACTIVE_STATES.includes(p.existing.state)));
  const writes = toPublish.reduce((n, p) => n + (account?.kind === 'pro' ? 1 : p.photos.length + 1), 0);
  const eta = account ? new Date(Math.max(Date.now(), account.next_write_at ? Date.parse(account.next_write_at) : 0) + (writes * 3600_000) / account.effective.writes_per_hour) : null;

  const publish = async () => {
    if (!account || !confirmKey) return;
    setBusy(true);
    setError(undefined);
    try {
      const res = await apiFetch('/api/vinted/bulk/listings/execute', {
        method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', 'idempotency-key': confirmKey },
        body: JSON.stringify({ job: jobId, account: account.name, confirm_tokens: toPublish.map((p) => p.confirm_token), dry_run: false }),
      });
      const body = await res.json().catch(() => ({}));
      if (!res.ok) throw new ApiError(res.status, body?.error?.code ?? 'error', body?.error?.message ?? res.statusText);
      setConfirmKey(null);
      setPrepared(null);
      await loadQueue();
      void accounts.reload();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const resume = async () => {
    if (!account) return;
    try {
      await api.post(`/api/vinted/accounts/${account.id}/queue`, { action: 'resume' });
      await accounts.reload();
      await loadQueue();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  const retry = async (id: string) => {
    try {
      await api.post(`/api/vinted/publish/${id}/retry`);
      await loadQueue();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };

  const stopped = queue && queue.queue_state !== 'running' && queue.queue_code;
  return (
    <Card title={t('vinted.publish.title')}>
      <div className="space-y-4" data-testid="publish-panel">
        {!account ? <Alert kind="info">{t('vinted.publish.noAccount')}</Alert> : (
          <>
            <div className="flex flex-wrap items-center gap-3">
              <label className="text-sm text-slate-700">{t('vinted.publish.account')}{' '}
                <select aria-label={t('vinted.publish.account')} value={account.name} onChange={(e) => { setAccountName(e.target.value); setPrepared(null); }}
                  className="ml-1 rounded-md border-0 py-1.5 pr-8 pl-2 text-sm ring-1 ring-slate-300 ring-inset">
                  {usable.map((a) => <option key={a.id} value={a.name}>{a.name}{a.login ? ` (${a.login})` : ''}</option>)}
                </select>
              </label>
              <span className="text-xs text-slate-500">{account.effective.writes_per_hour} / h · {account.effective.active_hours}</span>
            </div>
            {canEdit && (
              <fieldset className="flex flex-wrap gap-2" data-testid="publish-select">
                <label className="inline-flex items-center gap-1.5 rounded-md px-2 py-1 text-sm ring-1 ring-slate-200">
                  <input type="checkbox" checked={ready.length > 0 && ready.every((c) => selected.has(c))} onChange={(e) => { setSelected(new Set(e.target.checked ? ready : [])); setPrepared(null); }} />
                  {t('vinted.publish.selectAll')}
                </label>
                {ready.map((c) => (
                  <label key={c} className="inline-flex items-center gap-1.5 rounded-md px-2 py-1 text-sm ring-1 ring-slate-200">
                    <input type="checkbox" aria-label={c} checked={selected.has(c)} onChange={(e) => {
                      const next = new Set(selected);
                      if (e.target.checked) next.add(c); else next.delete(c);
                      setSelected(next);
                      setPrepared(null);
                    }} />
                    {c}
                  </label>
                ))}
              </fieldset>
            )}
            {canEdit && (
              <div className="flex flex-wrap items-center gap-3">
                <Button variant="secondary" onClick={() => void preview()} disabled={busy || selected.size === 0}>{t('vinted.publish.preview')}</Button>
                {prepared && <Button onClick={() => setConfirmKey(crypto.randomUUID())} disabled={busy || toPublish.length === 0}>{t('vinted.publish.publish', { count: toPublish.length })}</Button>}
                <span className="text-xs text-slate-500">{t('vinted.publish.previewHelp')}</span>
              </div>
            )}
            {prepared && (
              <ul className="space-y-2" data-testid="dry-run">
                {prepared.map((p) => (
                  <li key={p.cluster_id} data-testid="dry-run-item" data-ready={p.ready} className={cx('rounded-lg p-3 ring-1 ring-inset', p.ready ? 'ring-slate-200' : 'bg-amber-50 ring-amber-200')}>
                    <div className="flex flex-wrap items-baseline justify-between gap-2">
                      <span className="font-medium text-slate-900">{p.cluster_id} · {p.title} · {p.price} €</span>
                      <span className="text-xs text-slate-600">{p.catalog_path.join(' › ')} · {t('vinted.publish.photos', { count: p.photos.length })}</span>
                    </div>
                    {p.existing && <p className="text-xs text-slate-600">{t('vinted.publish.existing', { state: t(`vinted.publish.state.${p.existing.state}`) })}</p>}
                    {p.warnings.length > 0 && <p className="text-xs text-amber-800">{p.warnings.map((w) => t(`vinted.publish.warning.${w}`)).join(' · ')}</p>}
                    {!p.ready && <p className="text-xs text-amber-900">{p.missing.map((m) => t(`vinted.gate.${m}`)).join(' · ')}</p>}
                    <details className="mt-1">
                      <summary className="cursor-pointer text-xs text-indigo-700">{t('vinted.publish.payload')}</summary>
                      <pre data-testid="payload" className="mt-1 max-h-72 overflow-auto rounded bg-slate-900 p-2 text-[11px] leading-snug text-slate-100">{JSON.stringify(p.payload, null, 2)}</pre>
                    </details>
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
        {error && <Alert>{error}</Alert>}
        {stopped && (
          <div className="space-y-2" data-testid="queue-stopped">
            <Alert>{t(`vinted.queue.code.${queue!.queue_code}`)}</Alert>
            {canEdit && account?.status === 'ok' && <Button size="sm" onClick={() => void resume()}>{t('vinted.accounts.resume')}</Button>}
          </div>
        )}
        {queue && queue.items.length > 0 && (
          <div>
            <h3 className="mb-2 text-sm font-semibold text-slate-800">{t('vinted.publish.queue')}</h3>
            <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="publish-queue">
              <tbody className="divide-y divide-slate-100">
                {queue.items.map((i) => (
                  <tr key={i.id} data-testid="queue-row" data-state={i.state} data-cluster={i.cluster_id}>
                    <td className="py-2 pr-3 font-mono text-xs text-slate-500">{i.cluster_id}</td>
                    <td className="px-3 py-2">{i.title}</td>
                    <td className="px-3 py-2"><span data-testid="queue-state" className={cx(badge, STATE_STYLE[i.state])}>{t(`vinted.publish.state.${i.state}`)}</span></td>
                    <td className="px-3 py-2 text-xs text-slate-600">
                      {i.url ? <a href={i.url} target="_blank" rel="noreferrer" className="text-indigo-700 hover:underline">{t('vinted.publish.open')}</a>
                        : i.expected_at ? <span data-testid="expected-at">{t('vinted.publish.expected', { at: formatDate(i.expected_at) })} ({formatDuration(Date.parse(i.expected_at) - Date.now())})</span> : null}
                      {i.error_code && i.state !== 'published' && <span className="block text-red-700" data-testid="queue-error">{problemText(i)}</span>}
                      {i.manual_url && <a href={i.manual_url} target="_blank" rel="noreferrer" className="block text-indigo-700 hover:underline">{t('vinted.publish.manual')}</a>}
                    </td>
                    <td className="px-3 py-2">{canEdit && ['dead', 'needs_manual'].includes(i.state) && <Button size="sm" variant="secondary" onClick={() => void retry(i.id)}>{t('vinted.publish.retry')}</Button>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
      <Modal open={confirmKey !== null} title={t('vinted.publish.confirmTitle')} onClose={() => setConfirmKey(null)}
        actions={<>
          <Button variant="secondary" onClick={() => setConfirmKey(null)}>{t('vinted.publish.cancel')}</Button>
          <Button onClick={() => void publish()} disabled={busy}>{t('vinted.publish.confirm')}</Button>
        </>}>
        {account && t('vinted.publish.confirmBody', { count: toPublish.length, account: account.name, rate: account.effective.writes_per_hour, eta: eta ? formatDate(eta) : '—' })}
      </Modal>
    </Card>
  );
}
