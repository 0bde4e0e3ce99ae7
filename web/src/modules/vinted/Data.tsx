// Données: export the Studio (ZIP of JSON + photos, CSV of listings), import an export from another
// install, and the scheduled purge (dry-run count, settings, switch).
import { useState } from 'react';
import { api, ApiError, download, useApi } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { useAuth, hasRole } from '../../auth.tsx';
import { Alert, Button, Card, ErrorBox, Loading, PageHeader } from '../../components/ui.tsx';

interface PurgeSettings { enabled: boolean; draftsDays: number; abandonedDays: number; tempDays: number; logsDays: number; notificationsDays: number; deliveriesDays: number; eventsDays: number }
interface Counts {
  drafts: number; abandoned: number; orphan_folders: number; temp_blobs: number; photo_blobs: number; log_lines: number; bytes: number;
  notifications: number; deliveries: number; delivery_attempts: number; events: number;
}
interface PurgeView { settings: PurgeSettings; defaults: PurgeSettings; preview: { at: string; counts: Counts }; last: { dry_run: boolean; at: string; counts: Counts } | null }
interface ImportResult { counts: Record<string, number>; jobs: Record<string, string>; warnings?: { code: string; name: string }[] }

const DAY_FIELDS = ['draftsDays', 'abandonedDays', 'tempDays', 'logsDays', 'notificationsDays', 'deliveriesDays', 'eventsDays'] as const;

function Purge({ isAdmin }: { isAdmin: boolean }) {
  const { t, formatNumber, formatDate } = useI18n();
  const { data, error, reload, setData } = useApi<PurgeView>('/api/vinted/purge');
  const [draft, setDraft] = useState<Partial<PurgeSettings>>({});
  const [msg, setMsg] = useState<{ kind: 'error' | 'success'; text: string }>();
  if (error) return <ErrorBox error={error} onRetry={() => void reload()} />;
  if (!data) return <Loading />;
  const cur = { ...data.settings, ...draft };
  const save = async (patch: Partial<PurgeSettings>) => {
    setMsg(undefined);
    try {
      setData(await api.put<PurgeView>('/api/vinted/purge/settings', patch));
      setDraft({});
      setMsg({ kind: 'success', text: t('vinted.saved') });
    } catch (e) {
      setMsg({ kind: 'error', text: e instanceof ApiError ? e.message : String(e) });
    }
  };
  const runNow = async () => {
    setMsg(undefined);
    try {
      await api.post('/api/vinted/purge/run', { dry_run: false });
      setMsg({ kind: 'success', text: t('vinted.data.purge.started') });
    } catch (e) {
      setMsg({ kind: 'error', text: e instanceof ApiError ? e.message : String(e) });
    }
  };
  const c = data.preview.counts;
  return (
    <Card title={t('vinted.data.purge')}>
      <p className="text-sm text-slate-600">{t('vinted.data.purge.help')}</p>
      <div className="mt-4 rounded-lg bg-slate-50 p-3 text-sm" data-testid="purge-preview">
        <p className="font-medium text-slate-800">{t('vinted.data.purge.preview')}</p>
        <ul className="mt-1 list-disc pl-5 text-slate-700">
          <li>{t('vinted.data.purge.drafts', { n: formatNumber(c.drafts) })}</li>
          <li>{t('vinted.data.purge.abandoned', { n: formatNumber(c.abandoned), folders: formatNumber(c.orphan_folders) })}</li>
          <li>{t('vinted.data.purge.temp', { n: formatNumber(c.temp_blobs) })}</li>
          <li>{t('vinted.data.purge.logs', { n: formatNumber(c.log_lines) })}</li>
          <li>{t('vinted.data.purge.outbox', { notifications: formatNumber(c.notifications), deliveries: formatNumber(c.deliveries), events: formatNumber(c.events) })}</li>
          <li>{t('vinted.data.purge.space', { mb: formatNumber(Math.round(c.bytes / 1024 / 1024)) })}</li>
        </ul>
        {data.last && <p className="mt-2 text-xs text-slate-500">{t(data.last.dry_run ? 'vinted.data.purge.lastDry' : 'vinted.data.purge.last', { at: formatDate(data.last.at) })}</p>}
      </div>
      <div className="mt-4 grid grid-cols-2 gap-3 sm:grid-cols-4">
        {DAY_FIELDS.map((k) => (
          <label key={k} className="block text-sm">
            <span className="text-xs font-medium text-slate-600">{t(`vinted.data.purge.${k}`)}</span>
            <input
              type="number" min={1} max={3650} disabled={!isAdmin} aria-label={t(`vinted.data.purge.${k}`)} value={cur[k]}
              onChange={(e) => setDraft({ ...draft, [k]: Number(e.target.value) })}
              className="mt-1 block w-full rounded-md border-0 px-2 py-1.5 text-sm ring-1 ring-slate-300 ring-inset"
            />
          </label>
        ))}
      </div>
      {msg && <div className="mt-3"><Alert kind={msg.kind}>{msg.text}</Alert></div>}
      {isAdmin ? (
        <div className="mt-4 flex flex-wrap items-center gap-2">
          <Button size="sm" variant="secondary" disabled={!Object.keys(draft).length} onClick={() => void save(draft)}>{t('vinted.data.purge.save')}</Button>
          {data.settings.enabled ? (
            <>
              <Button size="sm" variant="secondary" onClick={() => void save({ enabled: false })}>{t('vinted.data.purge.disable')}</Button>
              <Button size="sm" onClick={() => void runNow()}>{t('vinted.data.purge.run')}</Button>
            </>
          ) : (
            <Button size="sm" onClick={() => void save({ enabled: true })}>{t('vinted.data.purge.enable')}</Button>
          )}
          <span className="text-xs text-slate-500" data-testid="purge-state">{t(data.settings.enabled ? 'vinted.data.purge.on' : 'vinted.data.purge.off')}</span>
        </div>
      ) : <p className="mt-3 text-xs text-slate-500">{t('vinted.data.purge.adminOnly')}</p>}
    </Card>
  );
}

interface Quota { limits: { articles_per_month: number; accounts: number; storage_mb: number }; usage: { articles_this_month: number; accounts: number; storage_bytes: number } }

function MyUsage() {
  const { t } = useI18n();
  const { data } = useApi<Quota>('/api/vinted/quota');
  if (!data) return null;
  const lim = (n: number) => (n > 0 ? String(n) : t('vinted.quota.unlimited'));
  const used = { articles: data.usage.articles_this_month, accounts: data.usage.accounts, storage: Math.round(data.usage.storage_bytes / 1024 / 1024) };
  const full = (data.limits.articles_per_month > 0 && used.articles >= data.limits.articles_per_month)
    || (data.limits.accounts > 0 && used.accounts >= data.limits.accounts) || (data.limits.storage_mb > 0 && used.storage >= data.limits.storage_mb);
  return (
    <Card title={t('vinted.quota.title')}>
      <ul className="text-sm text-slate-700" data-testid="my-usage">
        <li>{t('vinted.quota.articles', { used: used.articles, limit: lim(data.limits.articles_per_month) })}</li>
        <li>{t('vinted.quota.accounts', { used: used.accounts, limit: lim(data.limits.accounts) })}</li>
        <li>{t('vinted.quota.storage', { used: used.storage, limit: data.limits.storage_mb > 0 ? `${data.limits.storage_mb} Mo` : lim(0) })}</li>
      </ul>
      {full && <div className="mt-3"><Alert kind="warning">{t('vinted.quota.full')}</Alert></div>}
    </Card>
  );
}

export default function DataPage() {
  const { t, formatNumber } = useI18n();
  const { user } = useAuth();
  const canEdit = hasRole(user, 'operator');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ImportResult>();
  const [error, setError] = useState<string>();
  const importFile = async (file: File) => {
    setBusy(true);
    setError(undefined);
    setResult(undefined);
    try {
      const form = new FormData();
      form.append('file', file, file.name);
      setResult(await api.upload<ImportResult>('/api/vinted/transfer/import', form));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="space-y-6">
      <PageHeader title={t('vinted.data.title')} subtitle={t('vinted.data.subtitle')} />
      <MyUsage />
      <Card title={t('vinted.data.export')}>
        <p className="text-sm text-slate-600">{t('vinted.data.export.help')}</p>
        <Alert kind="info">{t('vinted.data.noSecrets')}</Alert>
        <div className="mt-3 flex flex-wrap gap-2">
          {canEdit && <Button size="sm" onClick={() => void download('/api/vinted/transfer/export.zip?scope=account')}>{t('vinted.data.export.zip')}</Button>}
          <Button size="sm" variant="secondary" onClick={() => void download('/api/vinted/transfer/listings.csv')}>{t('vinted.data.export.csv')}</Button>
        </div>
      </Card>
      {canEdit && (
        <Card title={t('vinted.data.import')}>
          <p className="text-sm text-slate-600">{t('vinted.data.import.help')}</p>
          <label className="mt-3 inline-block">
            <span className="sr-only">{t('vinted.data.import.pick')}</span>
            <input
              type="file" accept=".zip,application/zip" disabled={busy} aria-label={t('vinted.data.import.pick')}
              onChange={(e) => { const f = e.target.files?.[0]; if (f) void importFile(f); e.target.value = ''; }}
              className="text-sm"
            />
          </label>
          {busy && <p className="mt-2 text-sm text-slate-500">{t('vinted.data.import.running')}</p>}
          {error && <div className="mt-3"><Alert>{t('vinted.data.import.failed', { message: error })}</Alert></div>}
          {result && (
            <div className="mt-3" data-testid="import-result">
              <Alert kind="success">
                {t('vinted.data.import.done', { batches: formatNumber(result.counts.catalogs ?? 0), photos: formatNumber(result.counts.photos ?? 0), publications: formatNumber(result.counts.publications ?? 0) })}
                {(result.counts.accounts ?? 0) > 0 && <> {t('vinted.data.import.reconnect')}</>}
              </Alert>
              {!!result.warnings?.length && (
                <ul className="mt-2 list-disc pl-5 text-sm text-amber-800" data-testid="import-warnings">
                  {result.warnings.map((w, i) => <li key={i}>{t(`vinted.data.import.warn.${w.code}`, { name: w.name })}</li>)}
                </ul>
              )}
            </div>
          )}
        </Card>
      )}
      <Purge isAdmin={hasRole(user, 'admin')} />
    </div>
  );
}
