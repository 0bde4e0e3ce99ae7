// Republier: relist rules for stale listings. The warning (new id, likes lost) is shown before the
// first run and must be acknowledged; a rule previews what it would do and stays in dry-run until
// the seller turns it off; the history maps each old listing to its new one, or to its failure.
import { useState } from 'react';
import { api, ApiError, useApi } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { useAuth, hasRole } from '../../auth.tsx';
import { Alert, Button, Card, EmptyState, ErrorBox, Loading, PageHeader, cx } from '../../components/ui.tsx';
import type { AccountView } from './types.ts';

interface Rule { id: string; account_id: string; name: string; enabled: boolean; dry_run: boolean; min_age_days: number; max_views: number | null; max_favourites: number | null; catalog_ids: number[]; daily_cap: number; cron: string | null; acknowledged_at: string | null; last_run_at: string | null; updated_at: string }
interface Candidate { vinted_id: string; title: string; price: number | null; views: number | null; favourites: number | null; age_days: number; reason: string | null }
interface Preview { matched: number; will_relist: number; caps: { rule: number; account: number; account_used_24h: number; left: number }; offers_checked: boolean; offers_error: string | null; items: Candidate[]; truncated: boolean }
interface Relist { id: string; old_vinted_id: string; new_vinted_id: string | null; state: string; error: string | null; error_code: string | null; created_at: string }

const badge = 'inline-flex items-center rounded-full px-2.5 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset';
const STATE: Record<string, string> = {
  done: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20', failed: 'bg-red-50 text-red-700 ring-red-600/20', skipped: 'bg-slate-50 text-slate-600 ring-slate-500/20',
  queued: 'bg-sky-50 text-sky-700 ring-sky-600/20', deleting: 'bg-amber-50 text-amber-700 ring-amber-600/20', recreating: 'bg-amber-50 text-amber-700 ring-amber-600/20',
};
const num = (v: string) => (v.trim() === '' ? null : Math.max(0, Math.round(Number(v))));

function RuleForm({ account, onSaved }: { account: string; onSaved: (r: Rule) => void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [age, setAge] = useState('30');
  const [views, setViews] = useState('');
  const [favs, setFavs] = useState('');
  const [cap, setCap] = useState('5');
  const [cron, setCron] = useState('');
  const [error, setError] = useState<string>();
  const save = async () => {
    setError(undefined);
    try {
      const r = await api.post<{ rule: Rule }>('/api/vinted/relist/rules', {
        account, name: name || t('vinted.relist.defaultName'), min_age_days: num(age) ?? 30, max_views: num(views), max_favourites: num(favs), daily_cap: Math.max(1, num(cap) ?? 5), cron: cron.trim() || null,
      });
      onSaved(r.rule);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  const input = 'w-full rounded-md border-0 px-2 py-1.5 text-sm ring-1 ring-slate-300 ring-inset';
  return (
    <Card title={t('vinted.relist.new')}>
      <div className="grid grid-cols-2 gap-3 md:grid-cols-3">
        <label className="text-sm">{t('vinted.relist.name')}<input className={input} value={name} onChange={(e) => setName(e.target.value)} placeholder={t('vinted.relist.defaultName')} /></label>
        <label className="text-sm">{t('vinted.relist.minAge')}<input className={input} inputMode="numeric" value={age} onChange={(e) => setAge(e.target.value)} /></label>
        <label className="text-sm">{t('vinted.relist.maxViews')}<input className={input} inputMode="numeric" value={views} onChange={(e) => setViews(e.target.value)} placeholder="—" /></label>
        <label className="text-sm">{t('vinted.relist.maxFavourites')}<input className={input} inputMode="numeric" value={favs} onChange={(e) => setFavs(e.target.value)} placeholder="—" /></label>
        <label className="text-sm">{t('vinted.relist.dailyCap')}<input className={input} inputMode="numeric" value={cap} onChange={(e) => setCap(e.target.value)} /></label>
        <label className="text-sm">{t('vinted.relist.cron')}<input className={input} value={cron} onChange={(e) => setCron(e.target.value)} placeholder="0 9 * * *" /></label>
      </div>
      {error && <div className="mt-3"><Alert>{error}</Alert></div>}
      <div className="mt-4"><Button onClick={() => void save()} data-testid="relist-create">{t('vinted.relist.create')}</Button></div>
    </Card>
  );
}

function RuleCard({ rule, canEdit, onChanged }: { rule: Rule; canEdit: boolean; onChanged: () => void }) {
  const { t, formatNumber } = useI18n();
  const [preview, setPreview] = useState<Preview>();
  const [ack, setAck] = useState(false);
  const [message, setMessage] = useState<{ kind: 'error' | 'success'; text: string }>();
  const [busy, setBusy] = useState(false);
  const act = async (fn: () => Promise<unknown>, ok?: string) => {
    setBusy(true);
    setMessage(undefined);
    try {
      await fn();
      if (ok) setMessage({ kind: 'success', text: ok });
      onChanged();
    } catch (e) {
      setMessage({ kind: 'error', text: e instanceof ApiError ? e.message : String(e) });
    } finally {
      setBusy(false);
    }
  };
  const runPreview = () => act(async () => setPreview(await api.post<Preview>(`/api/vinted/relist/rules/${rule.id}/preview`, {})));
  return (
    <Card title={rule.name} actions={<span className={cx(badge, rule.dry_run ? 'bg-sky-50 text-sky-700 ring-sky-600/20' : 'bg-emerald-50 text-emerald-700 ring-emerald-600/20')} data-testid="rule-mode">{rule.dry_run ? t('vinted.relist.dryRun') : t('vinted.relist.live')}</span>}>
      <p className="text-sm text-slate-600">{t('vinted.relist.summary', { age: rule.min_age_days, views: rule.max_views ?? '∞', favourites: rule.max_favourites ?? '∞', cap: rule.daily_cap })}{rule.cron ? ` · ${t('vinted.relist.schedule', { cron: rule.cron })}` : ''}</p>
      <div className="mt-3 flex flex-wrap gap-2">
        <Button size="sm" variant="secondary" disabled={busy} onClick={() => void runPreview()} data-testid="relist-preview">{t('vinted.relist.preview')}</Button>
        {canEdit && !rule.dry_run && <Button size="sm" disabled={busy} onClick={() => void act(() => api.post(`/api/vinted/relist/rules/${rule.id}/run`), t('vinted.relist.started'))}>{t('vinted.relist.run')}</Button>}
        {canEdit && !rule.dry_run && <Button size="sm" variant="ghost" disabled={busy} onClick={() => void act(() => api.patch(`/api/vinted/relist/rules/${rule.id}`, { dry_run: true }))}>{t('vinted.relist.backToDry')}</Button>}
        {canEdit && <Button size="sm" variant="dangerGhost" disabled={busy} onClick={() => void act(() => api.delete(`/api/vinted/relist/rules/${rule.id}`))}>{t('vinted.relist.delete')}</Button>}
      </div>
      {canEdit && rule.dry_run && (
        <div className="mt-4 rounded-md bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-600/20" data-testid="relist-warning">
          <p className="font-medium">{t('vinted.relist.warningTitle')}</p>
          <p className="mt-1">{t('vinted.relist.warning')}</p>
          <label className="mt-2 flex items-center gap-2"><input type="checkbox" checked={ack} onChange={(e) => setAck(e.target.checked)} data-testid="relist-ack" />{t('vinted.relist.ack')}</label>
          <Button size="sm" className="mt-2" disabled={!ack || busy} onClick={() => void act(() => api.patch(`/api/vinted/relist/rules/${rule.id}`, { dry_run: false, acknowledge: true }))}>{t('vinted.relist.goLive')}</Button>
        </div>
      )}
      {message && <div className="mt-3"><Alert kind={message.kind}>{message.text}</Alert></div>}
      {preview && (
        <div className="mt-4" data-testid="relist-preview-result">
          <p className="text-sm font-medium text-slate-800">{t('vinted.relist.previewSummary', { matched: preview.matched, will: preview.will_relist, left: preview.caps.left, used: preview.caps.account_used_24h, account: preview.caps.account })}</p>
          {!preview.offers_checked && <p className="text-xs text-amber-700">{t('vinted.relist.offersUnchecked', { error: preview.offers_error ?? '' })}</p>}
          <div className="mt-2 max-h-80 overflow-auto">
            <table className="min-w-full divide-y divide-slate-200 text-sm">
              <thead><tr className="text-left text-xs text-slate-500 uppercase"><th className="py-1 pr-3">{t('vinted.relist.col.listing')}</th><th className="px-3">{t('vinted.relist.col.age')}</th><th className="px-3">{t('vinted.relist.col.views')}</th><th className="px-3">{t('vinted.relist.col.decision')}</th></tr></thead>
              <tbody className="divide-y divide-slate-100">
                {preview.items.map((i) => (
                  <tr key={i.vinted_id} data-testid="preview-row" data-reason={i.reason ?? 'relist'}>
                    <td className="py-1 pr-3">{i.title || i.vinted_id} <span className="text-xs text-slate-400">#{i.vinted_id}</span></td>
                    <td className="px-3 tabular-nums">{t('vinted.relist.days', { n: i.age_days })}</td>
                    <td className="px-3 tabular-nums">{formatNumber(i.views ?? 0)} · ♥ {formatNumber(i.favourites ?? 0)}</td>
                    <td className="px-3">{i.reason === null ? <span className={cx(badge, STATE.done)}>{t('vinted.relist.reason.relist')}</span> : <span className={cx(badge, STATE.skipped)}>{t(`vinted.relist.reason.${i.reason}`)}</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {preview.truncated && <p className="mt-1 text-xs text-slate-500">{t('vinted.relist.truncated')}</p>}
          </div>
        </div>
      )}
    </Card>
  );
}

export default function RelistPage() {
  const { t, formatDate } = useI18n();
  const { user } = useAuth();
  const canEdit = hasRole(user, 'operator');
  const accounts = useApi<{ accounts: AccountView[] }>('/api/vinted/accounts');
  const [picked, setPicked] = useState('');
  const account = picked || accounts.data?.accounts[0]?.name || '';
  const rules = useApi<{ rules: Rule[] }>(account ? `/api/vinted/relist/rules?account=${encodeURIComponent(account)}` : null);
  const hist = useApi<{ relists: Relist[] }>(account ? `/api/vinted/relist/history?account=${encodeURIComponent(account)}&limit=200` : null);
  const reload = () => { void rules.reload(); void hist.reload(); };
  return (
    <div className="space-y-6">
      <PageHeader title={t('vinted.relist.title')} subtitle={t('vinted.relist.subtitle')}
        actions={<select aria-label={t('vinted.publish.account')} value={account} onChange={(e) => setPicked(e.target.value)} className="rounded-md border-0 py-1.5 pr-8 pl-2 text-sm ring-1 ring-slate-300 ring-inset">
          {(accounts.data?.accounts ?? []).map((a) => <option key={a.id} value={a.name}>{a.name}</option>)}
        </select>} />
      {accounts.error ? <ErrorBox error={accounts.error} /> : !accounts.data ? <Loading /> : !account ? <EmptyState title={t('vinted.relist.noAccount')} /> : (
        <>
          <Alert kind="warning">{t('vinted.relist.warning')}</Alert>
          {canEdit && <RuleForm account={account} onSaved={() => reload()} />}
          {rules.error ? <ErrorBox error={rules.error} /> : !rules.data ? <Loading /> : rules.data.rules.length === 0 ? <EmptyState title={t('vinted.relist.none')} /> : rules.data.rules.map((r) => <RuleCard key={`${r.id}-${r.dry_run}-${r.updated_at ?? ''}`} rule={r} canEdit={canEdit} onChanged={reload} />)}
          <Card title={t('vinted.relist.history')}>
            {!hist.data ? <Loading /> : hist.data.relists.length === 0 ? <p className="text-sm text-slate-500">{t('vinted.relist.historyEmpty')}</p> : (
              <table className="min-w-full divide-y divide-slate-200 text-sm" data-testid="relist-history">
                <thead><tr className="text-left text-xs text-slate-500 uppercase"><th className="py-1 pr-3">{t('vinted.relist.col.date')}</th><th className="px-3">{t('vinted.relist.col.old')}</th><th className="px-3">{t('vinted.relist.col.new')}</th><th className="px-3">{t('vinted.relist.col.state')}</th></tr></thead>
                <tbody className="divide-y divide-slate-100">
                  {hist.data.relists.map((r) => (
                    <tr key={r.id}>
                      <td className="py-1 pr-3 whitespace-nowrap">{formatDate(r.created_at)}</td>
                      <td className="px-3 tabular-nums">{r.old_vinted_id}</td>
                      <td className="px-3 tabular-nums">{r.new_vinted_id ?? '—'}</td>
                      <td className="px-3"><span className={cx(badge, STATE[r.state] ?? STATE.skipped)}>{t(`vinted.relist.state.${r.state}`)}</span>{r.error && <span className="ml-2 text-xs text-red-700">{r.error}</span>}</td>
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
