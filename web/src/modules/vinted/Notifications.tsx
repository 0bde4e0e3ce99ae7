// Notifications: the bell (unread count, live over SSE) and the page (list, mark as read, which
// events come by e-mail).
import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { api, ApiError, useApi } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { Alert, Button, Card, EmptyState, ErrorBox, Loading, PageHeader, cx } from '../../components/ui.tsx';
import './i18n-messages.ts';

export interface NotificationView { id: string; type: string; account_id: string | null; text: string; read: boolean; created_at: string }

/** The bell: unread count from /api/vinted/notifications/stream; each new one is announced to the page too. */
export function NotificationBell() {
  const { t } = useI18n();
  const [count, setCount] = useState(0);
  useEffect(() => {
    let es: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let alive = true;
    const open = () => {
      es = new EventSource('/api/vinted/notifications/stream');
      es.addEventListener('unread', (e) => setCount(JSON.parse((e as MessageEvent).data).count));
      es.addEventListener('notification', (e) => window.dispatchEvent(new CustomEvent('atelier:notification', { detail: JSON.parse((e as MessageEvent).data) })));
      es.onerror = () => {
        // a 401 (the access token expired while the page was idle) closes an EventSource for good:
        // an API call refreshes the session, then the stream is opened again
        if (es?.readyState !== EventSource.CLOSED || !alive) return;
        timer = setTimeout(() => void api.get('/api/vinted/notifications?limit=1').catch(() => undefined).finally(() => alive && open()), 5000);
      };
    };
    open();
    return () => {
      alive = false;
      clearTimeout(timer);
      es?.close();
    };
  }, []);
  return (
    <Link to="/vinted/notifications" aria-label={t('vinted.bell.label', { count })} data-testid="notification-bell" className="relative ml-2 inline-flex items-center rounded-md px-2 py-1.5 text-slate-600 hover:bg-white hover:text-slate-900">
      <svg viewBox="0 0 24 24" className="size-5" fill="none" stroke="currentColor" strokeWidth="1.8" aria-hidden="true">
        <path d="M15 17h5l-1.4-1.4A2 2 0 0 1 18 14.2V11a6 6 0 1 0-12 0v3.2a2 2 0 0 1-.6 1.4L4 17h5m6 0a3 3 0 1 1-6 0" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      {count > 0 && <span data-testid="notification-count" className="absolute -top-1 -right-1 grid min-w-5 place-items-center rounded-full bg-rose-600 px-1 text-xs font-semibold text-white">{count}</span>}
    </Link>
  );
}

function Prefs() {
  const { t } = useI18n();
  const { data, error, setData } = useApi<{ email_events: string[]; available: string[]; smtp_configured: boolean }>('/api/vinted/notifications/prefs');
  const [msg, setMsg] = useState<string>();
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  const toggle = async (type: string) => {
    const next = data.email_events.includes(type) ? data.email_events.filter((x) => x !== type) : [...data.email_events, type];
    const r = await api.put<{ email_events: string[] }>('/api/vinted/notifications/prefs', { email_events: next });
    setData({ ...data, email_events: r.email_events });
    setMsg(t('vinted.notify.prefs.saved'));
  };
  return (
    <Card title={t('vinted.notify.prefs')}>
      {!data.smtp_configured && <Alert kind="warning">{t('vinted.notify.prefs.noSmtp')}</Alert>}
      <div className="mt-3 grid gap-2 sm:grid-cols-2">
        {data.available.map((type) => (
          <label key={type} className="flex items-center gap-2 text-sm text-slate-700">
            <input type="checkbox" checked={data.email_events.includes(type)} onChange={() => void toggle(type)} />
            {t(`vinted.notify.type.${type}`)}
          </label>
        ))}
      </div>
      {msg && <p className="mt-2 text-xs text-emerald-700">{msg}</p>}
    </Card>
  );
}

export default function NotificationsPage() {
  const { t, formatDate } = useI18n();
  const { data, error, reload } = useApi<{ unread: number; notifications: NotificationView[] }>('/api/vinted/notifications');
  const [err, setErr] = useState<string>();
  useEffect(() => {
    const on = () => void reload();
    window.addEventListener('atelier:notification', on);
    return () => window.removeEventListener('atelier:notification', on);
  }, [reload]);
  const read = async (body: { ids?: string[]; all?: boolean }) => {
    try {
      await api.post('/api/vinted/notifications/read', body);
      await reload();
    } catch (e) {
      setErr(e instanceof ApiError ? e.message : String(e));
    }
  };
  return (
    <div className="space-y-6">
      <PageHeader title={t('vinted.notify.title')} subtitle={t('vinted.notify.subtitle')} actions={data && data.unread > 0 ? <Button variant="secondary" onClick={() => void read({ all: true })}>{t('vinted.notify.markAll')}</Button> : undefined} />
      {err && <Alert>{err}</Alert>}
      <Card title={data ? t('vinted.notify.unread', { count: data.unread }) : undefined}>
        {error ? <ErrorBox error={error} onRetry={() => void reload()} /> : !data ? <Loading /> : data.notifications.length === 0 ? <EmptyState title={t('vinted.notify.empty')} /> : (
          <ul className="divide-y divide-slate-100" data-testid="notifications">
            {data.notifications.map((n) => (
              <li key={n.id} data-testid="notification" data-type={n.type} data-read={n.read} className={cx('flex items-center justify-between gap-4 py-2 text-sm', !n.read && 'font-medium')}>
                <span className="flex items-center gap-2">
                  {!n.read && <span className="size-2 rounded-full bg-indigo-600" aria-hidden="true" />}
                  <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">{t(`vinted.notify.type.${n.type}`)}</span>
                  <span className="text-slate-800">{n.text}</span>
                </span>
                <span className="flex shrink-0 items-center gap-3 text-xs text-slate-500">
                  {formatDate(n.created_at)}
                  {!n.read && <Button size="sm" variant="ghost" onClick={() => void read({ ids: [n.id] })}>{t('vinted.notify.markOne')}</Button>}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Prefs />
    </div>
  );
}
