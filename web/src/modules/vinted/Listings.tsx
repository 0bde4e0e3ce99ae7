// Annonces: the wardrobe as last read from Vinted, with its states, and the actions a seller takes
// on a listing (hide/show, edit title and price, delete), done on Vinted first.
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api, ApiError, useApi } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { useAuth, hasRole } from '../../auth.tsx';
import { Alert, Button, Card, EmptyState, ErrorBox, Loading, Modal, PageHeader, cx } from '../../components/ui.tsx';
import type { AccountView, ListingView } from './types.ts';
import { STATE_STYLE } from './publishing.ts';

const badge = 'inline-flex items-center rounded-full px-2.5 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset';

function Row({ l, account, canEdit, onDone }: { l: ListingView; account: string; canEdit: boolean; onDone: (msg?: string) => void }) {
  const { t, formatNumber } = useI18n();
  const [editing, setEditing] = useState(false);
  const [title, setTitle] = useState(l.title);
  const [price, setPrice] = useState(String(l.price ?? ''));
  const [busy, setBusy] = useState(false);
  const [confirm, setConfirm] = useState(false);
  const act = async (fn: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await fn();
      setEditing(false);
      onDone();
    } catch (e) {
      onDone(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const base = `/api/vinted/listings/${encodeURIComponent(account)}/${l.vinted_id}`;
  const open = l.state !== 'sold' && l.state !== 'deleted';
  return (
    <tr data-testid="listing-row" data-state={l.state} data-vinted-id={l.vinted_id} className={cx(!open && 'opacity-60')}>
      <td className="py-2 pr-3">{l.thumb ? <img src={l.thumb} alt="" data-testid="listing-thumb" className="size-14 rounded-md object-cover" /> : <span className="block size-14 rounded-md bg-slate-100" />}</td>
      <td className="max-w-md px-3 py-2">
        {editing ? (
          <input aria-label={t('vinted.listings.col.title')} value={title} onChange={(e) => setTitle(e.target.value)} className="w-full rounded-md border-0 px-2 py-1 text-sm ring-1 ring-slate-300 ring-inset" />
        ) : l.url ? <a href={l.url} target="_blank" rel="noreferrer" className="font-medium text-indigo-700 hover:underline">{l.title || l.vinted_id}</a> : <span className="font-medium">{l.title}</span>}
        <p className="text-xs text-slate-500">
          {l.job_id && l.cluster_id ? <Link to={`/vinted?job=${l.job_id}`} className="hover:underline">{t('vinted.listings.article', { cluster: l.cluster_id })}</Link> : null}
          {l.views !== null && <span className="ml-2">{t('vinted.listings.stats', { views: l.views, favourites: l.favourites ?? 0 })}</span>}
        </p>
      </td>
      <td className="px-3 py-2 whitespace-nowrap tabular-nums">
        {editing ? <input aria-label={t('vinted.listings.col.price')} value={price} onChange={(e) => setPrice(e.target.value)} inputMode="decimal" className="w-20 rounded-md border-0 px-2 py-1 text-right text-sm ring-1 ring-slate-300 ring-inset" /> : `${l.price !== null ? formatNumber(l.price) : '—'} €`}
      </td>
      <td className="px-3 py-2"><span data-testid="listing-state" className={cx(badge, STATE_STYLE[l.state])}>{t(`vinted.listings.state.${l.state}`)}</span></td>
      <td className="px-3 py-2">
        {canEdit && open && (
          <div className="flex flex-wrap gap-1">
            {editing ? (
              <Button size="sm" disabled={busy} onClick={() => void act(() => api.patch(base, { ...(title !== l.title ? { title } : {}), ...(Number(price) !== l.price ? { price: Number(price) } : {}) }))}>{t('vinted.listings.save')}</Button>
            ) : <Button size="sm" variant="ghost" disabled={busy} onClick={() => setEditing(true)}>{t('vinted.listings.edit')}</Button>}
            {l.state === 'hidden'
              ? <Button size="sm" variant="ghost" disabled={busy} onClick={() => void act(() => api.post(`${base}/unhide`))}>{t('vinted.listings.unhide')}</Button>
              : <Button size="sm" variant="ghost" disabled={busy} onClick={() => void act(() => api.post(`${base}/hide`))}>{t('vinted.listings.hide')}</Button>}
            <Button size="sm" variant="dangerGhost" disabled={busy} onClick={() => setConfirm(true)}>{t('vinted.listings.delete')}</Button>
          </div>
        )}
        <Modal open={confirm} title={t('vinted.listings.delete')} onClose={() => setConfirm(false)}
          actions={<>
            <Button variant="secondary" onClick={() => setConfirm(false)}>{t('vinted.publish.cancel')}</Button>
            <Button variant="danger" onClick={() => { setConfirm(false); void act(() => api.post(`${base}/delete`)); }}>{t('vinted.listings.delete')}</Button>
          </>}>
          {t('vinted.listings.deleteConfirm', { title: l.title })}
        </Modal>
      </td>
    </tr>
  );
}

export default function ListingsPage() {
  const { t, formatDate } = useI18n();
  const { user } = useAuth();
  const canEdit = hasRole(user, 'operator');
  const accounts = useApi<{ accounts: AccountView[] }>('/api/vinted/accounts');
  const [account, setAccount] = useState('');
  const { data, error, reload } = useApi<{ listings: ListingView[] }>(`/api/vinted/listings${account ? `?account=${encodeURIComponent(account)}` : ''}`);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string>();
  const names = new Map((accounts.data?.accounts ?? []).map((a) => [a.id, a]));
  const sync = async () => {
    setBusy(true);
    setMessage(undefined);
    try {
      const r = await api.post<{ ok: boolean; error: string | null }>('/api/vinted/listings/sync', account ? { account } : {});
      if (!r.ok && r.error) setMessage(r.error);
      await reload();
      await accounts.reload();
    } catch (e) {
      setMessage(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const synced = (accounts.data?.accounts ?? []).filter((a) => !account || a.name === account).map((a) => a.synced_at).filter(Boolean).sort().pop();
  return (
    <div className="space-y-6">
      <PageHeader title={t('vinted.listings.title')} subtitle={t('vinted.listings.subtitle')}
        actions={<div className="flex items-center gap-2">
          <select aria-label={t('vinted.publish.account')} value={account} onChange={(e) => setAccount(e.target.value)} className="rounded-md border-0 py-1.5 pr-8 pl-2 text-sm ring-1 ring-slate-300 ring-inset">
            <option value="">{t('vinted.listings.all')}</option>
            {(accounts.data?.accounts ?? []).map((a) => <option key={a.id} value={a.name}>{a.name}</option>)}
          </select>
          {canEdit && <Button onClick={() => void sync()} disabled={busy}>{t('vinted.listings.sync')}</Button>}
        </div>} />
      {synced && <p className="text-sm text-slate-500" data-testid="synced-at">{t('vinted.listings.synced', { date: formatDate(synced) })}</p>}
      {message && <Alert>{message}</Alert>}
      {error ? <ErrorBox error={error} onRetry={() => void reload()} /> : !data ? <Loading /> : data.listings.length === 0 ? <EmptyState title={t('vinted.listings.empty')} /> : (
        <Card>
          <div className="overflow-x-auto">
            <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="listings-table">
              <thead>
                <tr className="text-left text-xs font-medium tracking-wide text-slate-500 uppercase">
                  <th className="py-2 pr-3">{t('vinted.listings.col.photo')}</th>
                  <th className="px-3 py-2">{t('vinted.listings.col.title')}</th>
                  <th className="px-3 py-2">{t('vinted.listings.col.price')}</th>
                  <th className="px-3 py-2">{t('vinted.listings.col.state')}</th>
                  <th className="px-3 py-2">{t('vinted.listings.col.actions')}</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {data.listings.map((l) => (
                  <Row key={`${l.account_id}-${l.vinted_id}-${l.state}-${l.title}-${l.price}`} l={l} account={names.get(l.account_id)?.name ?? l.account_id} canEdit={canEdit}
                    onDone={(msg) => { setMessage(msg); void reload(); }} />
                ))}
              </tbody>
            </table>
          </div>
        </Card>
      )}
    </div>
  );
}
