// Webhooks: endpoints atelier calls on each event (HMAC-SHA256 signed), their secret shown once, the
// delivery log (status code, duration, attempts) and a replay button.
import { useState } from 'react';
import { api, ApiError, useApi } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { Alert, Button, Card, CopyButton, EmptyState, ErrorBox, Loading, PageHeader, cx } from '../../components/ui.tsx';
import './i18n-messages.ts';

interface Endpoint { id: string; url: string; events: string[]; active: boolean; description: string | null; created_at: string; delivered: number; failing: number }
interface Delivery { id: string; event_id: string; event_type: string; state: string; attempts: number; next_at: string; last_status: number | null; last_error: string | null; last_ms: number | null; log: { at: string; status: number | null; ms: number; error: string | null; replay: boolean }[] }

const STATE = { delivered: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20', pending: 'bg-amber-50 text-amber-800 ring-amber-600/20', dead: 'bg-red-50 text-red-700 ring-red-600/20' } as Record<string, string>;

function Log({ id }: { id: string }) {
  const { t, formatDate } = useI18n();
  const { data, error, reload } = useApi<{ deliveries: Delivery[] }>(`/api/vinted/webhooks/${id}/deliveries`);
  const [msg, setMsg] = useState<string>();
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  if (!data.deliveries.length) return <p className="text-sm text-slate-500">{t('vinted.hooks.log.empty')}</p>;
  return (
    <div>
      {msg && <Alert kind="success">{msg}</Alert>}
      <table className="mt-2 w-full text-left text-sm" data-testid="deliveries">
        <tbody className="divide-y divide-slate-100">
          {data.deliveries.map((d) => (
            <tr key={d.id} data-testid="delivery" data-state={d.state}>
              <td className="py-1.5 pr-3 font-mono text-xs">{d.event_type}</td>
              <td className="px-3"><span className={cx('rounded-full px-2 py-0.5 text-xs ring-1 ring-inset', STATE[d.state])}>{t(`vinted.hooks.state.${d.state}`)}</span></td>
              <td className="px-3 text-xs text-slate-600">{d.log.map((a) => `${a.status ?? '—'} (${a.ms} ms)`).join(' → ')}</td>
              <td className="px-3 text-xs text-slate-500">{t('vinted.hooks.attempts', { n: d.attempts })}{d.last_error && d.state !== 'delivered' ? ` · ${d.last_error}` : ''}</td>
              <td className="px-3 text-xs text-slate-400">{formatDate(d.log.at(-1)?.at ?? d.next_at)}</td>
              <td className="pl-3 text-right">
                <Button size="sm" variant="secondary" onClick={() => void api.post(`/api/vinted/webhooks/deliveries/${d.id}/replay`, {}).then(() => { setMsg(t('vinted.hooks.replayed')); setTimeout(() => void reload(), 2500); })}>{t('vinted.hooks.replay')}</Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function WebhooksPage() {
  const { t } = useI18n();
  const { data, error, reload } = useApi<{ signature_header: string; event_types: string[]; endpoints: Endpoint[] }>('/api/vinted/webhooks');
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>(['listing.created', 'listing.sold', 'message.received', 'order.created', 'account.blocked']);
  const [secret, setSecret] = useState<string>();
  const [err, setErr] = useState<string>();
  const run = async (fn: () => Promise<unknown>) => {
    setErr(undefined);
    try {
      await fn();
      await reload();
    } catch (e) {
      setErr(e instanceof ApiError ? e.message : String(e));
    }
  };
  return (
    <div className="space-y-6">
      <PageHeader title={t('vinted.hooks.title')} subtitle={t('vinted.hooks.subtitle')} />
      {data && <p className="rounded-lg bg-slate-100 px-3 py-2 font-mono text-xs text-slate-700">{t('vinted.hooks.signature', { header: data.signature_header })}</p>}
      {err && <Alert>{err}</Alert>}
      {secret && (
        <Alert kind="warning">
          <span>{t('vinted.hooks.secret')} <code data-testid="webhook-secret" className="font-mono">{secret}</code></span> <CopyButton text={secret} />
        </Alert>
      )}
      <Card>
        <form className="space-y-3" onSubmit={(e) => { e.preventDefault(); void run(async () => { const r = await api.post<{ secret: string }>('/api/vinted/webhooks', { url, events }); setSecret(r.secret); setUrl(''); }); }}>
          <label className="block text-sm text-slate-700">{t('vinted.hooks.url')}<input required value={url} onChange={(e) => setUrl(e.target.value)} className="mt-1 block w-full rounded-md border-0 px-2 py-1.5 text-sm ring-1 ring-slate-300 ring-inset" /></label>
          <fieldset>
            <legend className="text-sm text-slate-700">{t('vinted.hooks.events')}</legend>
            <div className="mt-1 flex flex-wrap gap-3">
              {(data?.event_types ?? []).map((ev) => (
                <label key={ev} className="flex items-center gap-1.5 font-mono text-xs text-slate-700">
                  <input type="checkbox" checked={events.includes(ev)} onChange={() => setEvents(events.includes(ev) ? events.filter((x) => x !== ev) : [...events, ev])} />{ev}
                </label>
              ))}
            </div>
          </fieldset>
          <Button type="submit" disabled={!events.length}>{t('vinted.hooks.add')}</Button>
        </form>
      </Card>
      {error ? <ErrorBox error={error} onRetry={() => void reload()} /> : !data ? <Loading /> : data.endpoints.length === 0 ? <EmptyState title={t('vinted.hooks.empty')} /> : data.endpoints.map((ep) => (
        <Card key={ep.id} title={<span className="font-mono text-sm" data-testid="webhook-url">{ep.url}</span>} actions={
          <div className="flex items-center gap-2">
            <span className="text-xs text-slate-500">{t('vinted.hooks.stats', { delivered: ep.delivered, failing: ep.failing })}</span>
            <span className={cx('rounded-full px-2 py-0.5 text-xs ring-1 ring-inset', ep.active ? STATE.delivered : STATE.pending)}>{ep.active ? t('vinted.hooks.active') : t('vinted.hooks.paused')}</span>
            <Button size="sm" variant="secondary" onClick={() => void run(() => api.patch(`/api/vinted/webhooks/${ep.id}`, { active: !ep.active }))}>{ep.active ? t('vinted.hooks.pause') : t('vinted.hooks.resume')}</Button>
            <Button size="sm" variant="dangerGhost" onClick={() => void run(() => api.delete(`/api/vinted/webhooks/${ep.id}`))}>{t('vinted.hooks.delete')}</Button>
          </div>
        }>
          <p className="mb-2 font-mono text-xs text-slate-500">{ep.events.join(', ')}</p>
          <h3 className="text-sm font-semibold text-slate-700">{t('vinted.hooks.log')}</h3>
          <Log id={ep.id} />
        </Card>
      ))}
    </div>
  );
}
