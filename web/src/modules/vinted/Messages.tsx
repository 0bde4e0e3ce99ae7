// Messages: buyer conversations (as last read from Vinted), one conversation with the replies its
// state suggests (question, offer, sale) already written, one-click send, offer answers above the
// floor, and the reply templates.
import { useEffect, useMemo, useState } from 'react';
import { api, ApiError, useApi } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { useAuth, hasRole } from '../../auth.tsx';
import { Alert, Button, Card, EmptyState, ErrorBox, Loading, PageHeader, cx } from '../../components/ui.tsx';
import './i18n-messages.ts';

interface Offer { id: string; price: number; currency: string; status: string; from_buyer: boolean }
interface Conversation { account_id: string; id: string; buyer_login: string | null; item_id: string | null; item_title: string | null; item_price: number | null; unread: boolean; buyer_wrote: boolean; last_body: string | null; last_at: string | null; offer: Offer | null }
interface Template { id: string; name: string; trigger: 'question' | 'offer' | 'sale'; body: string; auto: boolean; daily_cap: number; sent_today: number }
interface Detail {
  conversation: Conversation; trigger: string; floor: number | null; floor_source: string | null;
  messages: { id: string; from_me: boolean; body: string; at: string }[];
  suggestions: { template: Template; text: string | null; error: string | null }[];
}
interface Account { id: string; name: string; kind: string }

const key = () => (crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2));

function ConversationPane({ account, id, canEdit, onChanged }: { account: string; id: string; canEdit: boolean; onChanged: () => void }) {
  const { t, formatDate, formatNumber } = useI18n();
  const { data, error, reload } = useApi<Detail>(`/api/vinted/inbox/${encodeURIComponent(account)}/${id}`);
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<{ kind: 'success' | 'error'; text: string }>();
  const [free, setFree] = useState('');
  const [counter, setCounter] = useState('');
  // one key per rendering of the conversation: a double click is one send
  const clickKey = useMemo(() => key(), [data]);
  const act = async (path: string, body: Record<string, unknown>, ok: string) => {
    setBusy(true);
    setMsg(undefined);
    try {
      await api.post(`/api/vinted/inbox/${encodeURIComponent(account)}/${id}/${path}`, { ...body, idempotency_key: `${clickKey}:${path}:${JSON.stringify(body)}` });
      setMsg({ kind: 'success', text: ok });
      setFree('');
      await reload();
      onChanged();
    } catch (e) {
      setMsg({ kind: 'error', text: e instanceof ApiError ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };
  if (error) return <ErrorBox error={error} onRetry={() => void reload()} />;
  if (!data) return <Loading />;
  const c = data.conversation;
  const money = (v: number) => `${formatNumber(v)} €`;
  return (
    <div className="space-y-4" data-testid="conversation">
      <div>
        <h3 className="text-base font-semibold text-slate-900">{c.buyer_login}</h3>
        <p className="text-sm text-slate-500">{t('vinted.msg.about', { item: c.item_title ?? c.item_id ?? '—' })}{c.item_price !== null ? ` · ${money(c.item_price)}` : ''}</p>
      </div>
      <ol className="max-h-80 space-y-2 overflow-y-auto rounded-lg bg-slate-50 p-3">
        {data.messages.map((m) => (
          <li key={m.id} data-testid="message" data-from-me={m.from_me} className={cx('max-w-[80%] rounded-lg px-3 py-2 text-sm', m.from_me ? 'ml-auto bg-indigo-600 text-white' : 'bg-white ring-1 ring-slate-200')}>
            <p className="whitespace-pre-wrap">{m.body}</p>
            <p className={cx('mt-1 text-xs', m.from_me ? 'text-indigo-100' : 'text-slate-400')}>{formatDate(m.at)}</p>
          </li>
        ))}
      </ol>
      {msg && <Alert kind={msg.kind}>{msg.text}</Alert>}
      {c.offer && c.offer.status === 'pending' && c.offer.from_buyer && (
        <div className="rounded-lg bg-amber-50 p-3 ring-1 ring-amber-200" data-testid="offer">
          <p className="text-sm font-medium text-amber-900">{t('vinted.msg.offer', { price: money(c.offer.price) })}</p>
          {data.floor !== null && <p className="text-xs text-amber-800">{t('vinted.msg.floor', { floor: money(data.floor), source: t(`vinted.msg.floor.${data.floor_source}`) })}</p>}
          {canEdit && (
            <div className="mt-2 flex flex-wrap items-center gap-2">
              <Button size="sm" disabled={busy} onClick={() => void act('offer', { action: 'accept' }, t('vinted.msg.offerDone'))}>{t('vinted.msg.accept')}</Button>
              <Button size="sm" variant="secondary" disabled={busy} onClick={() => void act('offer', { action: 'reject' }, t('vinted.msg.offerDone'))}>{t('vinted.msg.reject')}</Button>
              <input aria-label={t('vinted.msg.counterPrice')} value={counter} onChange={(e) => setCounter(e.target.value)} inputMode="decimal" placeholder={data.floor !== null ? String(data.floor) : ''} className="w-24 rounded-md border-0 px-2 py-1 text-sm ring-1 ring-slate-300 ring-inset" />
              <Button size="sm" variant="secondary" disabled={busy || !counter} onClick={() => void act('offer', { action: 'counter', price: Number(counter.replace(',', '.')) }, t('vinted.msg.offerDone'))}>{t('vinted.msg.counter')}</Button>
            </div>
          )}
        </div>
      )}
      <div>
        <h4 className="mb-2 text-sm font-semibold text-slate-700">{t('vinted.msg.suggested', { trigger: t(`vinted.msg.trigger.${data.trigger}`) })}</h4>
        {data.suggestions.length === 0 ? <p className="text-sm text-slate-500">{t('vinted.msg.noTemplates')}</p> : (
          <ul className="space-y-2">
            {data.suggestions.map((s) => (
              <li key={s.template.id} data-testid="suggestion" data-template={s.template.name} className="rounded-lg p-3 ring-1 ring-slate-200">
                <div className="flex items-start justify-between gap-3">
                  <div>
                    <p className="text-xs font-medium text-slate-500">{s.template.name} · {t(`vinted.msg.trigger.${s.template.trigger}`)}</p>
                    {s.text ? <p className="mt-1 text-sm whitespace-pre-wrap text-slate-800">{s.text}</p> : <p className="mt-1 text-sm text-red-700">{s.error}</p>}
                  </div>
                  {canEdit && s.text && <Button size="sm" disabled={busy} onClick={() => void act('reply', { template_id: s.template.id }, t('vinted.msg.sent'))}>{t('vinted.msg.send')}</Button>}
                </div>
              </li>
            ))}
          </ul>
        )}
      </div>
      {canEdit && (
        <div className="flex items-end gap-2">
          <label className="flex-1 text-sm text-slate-700">
            {t('vinted.msg.free')}
            <textarea value={free} onChange={(e) => setFree(e.target.value)} rows={2} className="mt-1 block w-full rounded-md border-0 px-2 py-1 text-sm ring-1 ring-slate-300 ring-inset" />
          </label>
          <Button disabled={busy || !free.trim()} onClick={() => void act('reply', { body: free }, t('vinted.msg.sent'))}>{t('vinted.msg.send')}</Button>
        </div>
      )}
    </div>
  );
}

function Templates({ canEdit, onChanged }: { canEdit: boolean; onChanged: () => void }) {
  const { t } = useI18n();
  const { data, error, reload } = useApi<{ templates: Template[]; triggers: string[] }>('/api/vinted/reply-templates');
  const [form, setForm] = useState({ name: '', trigger: 'question', body: '', auto: false, daily_cap: 10 });
  const [err, setErr] = useState<string>();
  const run = async (fn: () => Promise<unknown>) => {
    setErr(undefined);
    try {
      await fn();
      await reload();
      onChanged();
    } catch (e) {
      setErr(e instanceof ApiError ? e.message : String(e));
    }
  };
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  return (
    <Card title={t('vinted.tpl.title')}>
      <p className="mb-3 text-xs text-slate-500">{t('vinted.tpl.hint')}</p>
      <ul className="mb-4 divide-y divide-slate-100">
        {data.templates.map((tp) => (
          <li key={tp.id} data-testid="template" className="flex items-start justify-between gap-3 py-2 text-sm">
            <div>
              <p className="font-medium text-slate-800">{tp.name} <span className="text-xs font-normal text-slate-500">· {t(`vinted.msg.trigger.${tp.trigger}`)}{tp.auto ? ` · ${t('vinted.tpl.autoOn', { sent: tp.sent_today, cap: tp.daily_cap })}` : ''}</span></p>
              <p className="whitespace-pre-wrap text-slate-600">{tp.body}</p>
            </div>
            {canEdit && <Button size="sm" variant="dangerGhost" onClick={() => void run(() => api.delete(`/api/vinted/reply-templates/${tp.id}`))}>{t('vinted.tpl.delete')}</Button>}
          </li>
        ))}
      </ul>
      {err && <Alert>{err}</Alert>}
      {canEdit && (
        <form className="grid gap-2 sm:grid-cols-2" onSubmit={(e) => { e.preventDefault(); void run(async () => { await api.post('/api/vinted/reply-templates', form); setForm({ ...form, name: '', body: '' }); }); }}>
          <label className="text-sm text-slate-700">{t('vinted.tpl.name')}<input required value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} className="mt-1 block w-full rounded-md border-0 px-2 py-1 text-sm ring-1 ring-slate-300 ring-inset" /></label>
          <label className="text-sm text-slate-700">{t('vinted.tpl.trigger')}
            <select value={form.trigger} onChange={(e) => setForm({ ...form, trigger: e.target.value })} className="mt-1 block w-full rounded-md border-0 px-2 py-1 text-sm ring-1 ring-slate-300 ring-inset">
              {data.triggers.map((x) => <option key={x} value={x}>{t(`vinted.msg.trigger.${x}`)}</option>)}
            </select>
          </label>
          <label className="text-sm text-slate-700 sm:col-span-2">{t('vinted.tpl.body')}<textarea required rows={3} value={form.body} onChange={(e) => setForm({ ...form, body: e.target.value })} className="mt-1 block w-full rounded-md border-0 px-2 py-1 text-sm ring-1 ring-slate-300 ring-inset" /></label>
          <label className="flex items-center gap-2 text-sm text-slate-700"><input type="checkbox" checked={form.auto} onChange={(e) => setForm({ ...form, auto: e.target.checked })} />{t('vinted.tpl.auto')}</label>
          <label className="text-sm text-slate-700">{t('vinted.tpl.cap')}<input type="number" min={0} max={500} value={form.daily_cap} onChange={(e) => setForm({ ...form, daily_cap: Number(e.target.value) })} className="mt-1 block w-24 rounded-md border-0 px-2 py-1 text-sm ring-1 ring-slate-300 ring-inset" /></label>
          <div className="sm:col-span-2"><Button type="submit">{t('vinted.tpl.add')}</Button></div>
        </form>
      )}
    </Card>
  );
}

export default function MessagesPage() {
  const { t, formatDate } = useI18n();
  const { user } = useAuth();
  const canEdit = hasRole(user, 'operator');
  const { data, error, reload } = useApi<{ unread: number; conversations: Conversation[] }>('/api/vinted/inbox');
  const accounts = useApi<{ accounts: Account[] }>('/api/vinted/accounts');
  const [open, setOpen] = useState<Conversation>();
  const [version, setVersion] = useState(0);
  const [msg, setMsg] = useState<{ kind: 'success' | 'error'; text: string }>();
  const [busy, setBusy] = useState(false);
  const names = new Map((accounts.data?.accounts ?? []).map((a) => [a.id, a.name]));
  useEffect(() => {
    const on = () => void reload();
    window.addEventListener('atelier:notification', on);
    return () => window.removeEventListener('atelier:notification', on);
  }, [reload]);
  const sync = async () => {
    setBusy(true);
    setMsg(undefined);
    try {
      const r = await api.post<{ accounts: Record<string, { conversations?: number; new_messages?: number; new_offers?: number; error?: string }> }>('/api/vinted/inbox/sync', {});
      const all = Object.values(r.accounts);
      const failed = all.find((x) => x.error);
      setMsg(failed ? { kind: 'error', text: String(failed.error) } : { kind: 'success', text: t('vinted.msg.synced', { count: all.reduce((s, x) => s + (x.conversations ?? 0), 0), messages: all.reduce((s, x) => s + (x.new_messages ?? 0), 0), offers: all.reduce((s, x) => s + (x.new_offers ?? 0), 0) }) });
      await reload();
      setVersion((v) => v + 1);
    } catch (e) {
      setMsg({ kind: 'error', text: e instanceof ApiError ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="space-y-6">
      <PageHeader title={t('vinted.msg.title')} subtitle={t('vinted.msg.subtitle')} actions={canEdit ? <Button disabled={busy} onClick={() => void sync()}>{t('vinted.msg.sync')}</Button> : undefined} />
      {msg && <Alert kind={msg.kind}>{msg.text}</Alert>}
      <div className="grid gap-6 lg:grid-cols-[22rem_1fr]">
        <Card>
          {error ? <ErrorBox error={error} onRetry={() => void reload()} /> : !data ? <Loading /> : data.conversations.length === 0 ? <EmptyState title={t('vinted.msg.empty')} /> : (
            <ul className="-m-2 divide-y divide-slate-100">
              {data.conversations.map((c) => (
                <li key={`${c.account_id}:${c.id}`}>
                  <button type="button" data-testid="conversation-row" data-unread={c.unread} onClick={() => setOpen(c)} className={cx('w-full rounded-md p-2 text-left hover:bg-slate-50', open?.id === c.id && 'bg-indigo-50')}>
                    <p className="flex items-center justify-between text-sm">
                      <span className={cx('text-slate-900', c.unread && 'font-semibold')}>{c.buyer_login}</span>
                      {c.unread && <span className="rounded-full bg-indigo-600 px-2 text-xs text-white">{t('vinted.msg.unread')}</span>}
                    </p>
                    <p className="truncate text-xs text-slate-500">{c.item_title} · {names.get(c.account_id) ?? ''}</p>
                    <p className="truncate text-xs text-slate-600">{c.last_body}</p>
                    <p className="text-xs text-slate-400">{formatDate(c.last_at)}</p>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card>
          {open ? <ConversationPane key={`${open.id}:${version}`} account={names.get(open.account_id) ?? open.account_id} id={open.id} canEdit={canEdit} onChanged={() => void reload()} /> : <p className="text-sm text-slate-500">{t('vinted.msg.pick')}</p>}
        </Card>
      </div>
      <Templates canEdit={canEdit} onChanged={() => setVersion((v) => v + 1)} />
    </div>
  );
}
