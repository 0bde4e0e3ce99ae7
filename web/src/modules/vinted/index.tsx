// The Studio page (mounted by the shell at /vinted/*): drop photos → live progress → garment cards to
// correct → drafted listings with quality checks → exports. ?job=<id> selects a batch.
import './i18n.ts';
import './i18n-after.ts';
import './i18n-data.ts';
import './i18n-touchup.ts';
import './i18n-admin.ts';
import { lazy, useCallback, useEffect, useState } from 'react';
import { Link, NavLink, Route, Routes, useSearchParams } from 'react-router-dom';
import { api, ApiError, download, isFinished, useApi } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { useAuth, hasRole } from '../../auth.tsx';
import { useJob } from '../../jobs.ts';
import { Alert, Button, Card, EmptyState, ErrorBox, Loading, PageHeader, ProgressBar, StatusBadge } from '../../components/ui.tsx';
import { DropZone } from './DropZone.tsx';
import { Cards, type Edits } from './Cards.tsx';
import { PlanTable } from './PlanTable.tsx';
import { Templates } from './Templates.tsx';
import { PublishPanel } from './PublishPanel.tsx';
import { NotificationBell } from './Notifications.tsx';
import type { CatalogRow, CatalogView, Override, PlanView } from './types.ts';

const AccountsPage = lazy(() => import('./Accounts.tsx'));
const ListingsPage = lazy(() => import('./Listings.tsx'));
const MessagesPage = lazy(() => import('./Messages.tsx'));
const NotificationsPage = lazy(() => import('./Notifications.tsx'));
const WebhooksPage = lazy(() => import('./Webhooks.tsx'));
const RelistPage = lazy(() => import('./Relist.tsx'));
const OrdersPage = lazy(() => import('./Orders.tsx'));
const AnalyticsPage = lazy(() => import('./Analytics.tsx'));
const DataPage = lazy(() => import('./Data.tsx'));
const AdminPage = lazy(() => import('./Admin.tsx'));

function Home({ onOpen, canEdit }: { onOpen: (job: string) => void; canEdit: boolean }) {
  const { t, formatDate } = useI18n();
  const { data, error, reload } = useApi<{ max_files: number; catalogs: CatalogRow[] }>('/api/vinted/bulk/catalogs');
  return (
    <div className="space-y-8">
      {canEdit && <DropZone maxFiles={data?.max_files ?? 500} onStarted={onOpen} />}
      <Card title={t('vinted.recent')}>
        {error ? <ErrorBox error={error} onRetry={() => void reload()} /> : !data ? <Loading /> : data.catalogs.length === 0 ? (
          <p className="text-sm text-slate-500">{t('vinted.recent.empty')}</p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {data.catalogs.map((c) => (
              <li key={c.job_id} className="flex items-center justify-between gap-4 py-2 text-sm">
                <span className="text-slate-700">{formatDate(c.created_at)} — {t('vinted.recent.row', { files: c.files, clusters: c.clusters })}</span>
                <Button size="sm" variant="secondary" onClick={() => onOpen(c.job_id)}>{t('vinted.open')}</Button>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}

function Batch({ jobId, canEdit }: { jobId: string; canEdit: boolean }) {
  const { t, formatNumber } = useI18n();
  const { job, error: jobError } = useJob(jobId);
  const [catalog, setCatalog] = useState<CatalogView>();
  const [plan, setPlan] = useState<PlanView>();
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [city, setCity] = useState('');
  const [gender, setGender] = useState<'femmes' | 'hommes' | ''>('');
  const [overrides, setOverrides] = useState<Record<string, Override>>({});
  const done = job && isFinished(job.status);

  const load = useCallback(async () => {
    try {
      setCatalog(await api.get<CatalogView>(`/api/vinted/bulk/catalog/${jobId}`));
      const p = await api.get<PlanView>(`/api/vinted/bulk/listings/plan?job=${jobId}`).catch(() => undefined);
      setPlan(p);
      if (p) {
        setOverrides(p.options.overrides ?? {});
        setCity(p.options.defaults.city ?? '');
        setGender(p.options.defaults.gender ?? '');
      }
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  }, [jobId]);

  useEffect(() => {
    if (job?.status === 'completed') void load();
  }, [job?.status, load]);

  const run = async (route: string, body: Record<string, unknown>) => {
    if (!catalog) return;
    setBusy(true);
    setError(undefined);
    try {
      setCatalog(await api.post<CatalogView>(`/api/vinted/bulk/catalog/${jobId}/${route}`, { ...body, version: catalog.version }));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
      if (e instanceof ApiError && e.status === 409) void load();
    } finally {
      setBusy(false);
    }
  };

  const edits: Edits = {
    move: (photo, to, index) => void run('move', { photo, to, index }),
    merge: (clusters) => void run('merge', { clusters }),
    split: (cluster, photos) => void run('split', { cluster, photos }),
    cover: (cluster, photo) => void run('cover', { cluster, photo }),
    fields: (cluster, patch) => void run('fields', { cluster, ...patch }),
    touchedUp: () => void load(),
  };

  const makePlan = async (next = overrides) => {
    setBusy(true);
    setError(undefined);
    try {
      // overrides of articles merged away since are dropped
      const live = Object.fromEntries(Object.entries(next).filter(([id, o]) => catalog?.clusters.some((c) => c.id === id) && (o.title || o.price)));
      setPlan(await api.post<PlanView>('/api/vinted/bulk/listings/plan', { job: jobId, defaults: { ...(city ? { city } : {}), ...(gender ? { gender } : {}) }, overrides: live }));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  if (jobError) return <ErrorBox error={jobError} />;
  if (!job) return <Loading />;

  const counters = job.counters ?? {};
  return (
    <div className="space-y-6">
      {!done || job.status !== 'completed' ? (
        <Card
          title={job.status === 'failed' ? t('vinted.analysisFailed') : job.status === 'cancelled' ? t('vinted.analysisCancelled') : t('vinted.analysing')}
          actions={<div className="flex items-center gap-3"><Link to={`/jobs/${job.id}`} className="text-sm text-indigo-700 hover:underline">{t('vinted.jobLog')}</Link><StatusBadge status={job.status} /></div>}
        >
          <ProgressBar value={job.progress} status={job.status} label={t('vinted.analysing')} />
          <dl className="mt-3 flex flex-wrap gap-x-6 gap-y-1 text-sm" data-testid="live-counters">
            {['scanned', 'total', 'clusters', 'duplicates', 'errors'].filter((k) => k in counters).map((k) => (
              <div key={k} className="flex gap-1.5">
                <dt className="text-slate-500">{t(`vinted.counter.${k}`)}</dt>
                <dd className="font-medium text-slate-900 tabular-nums">{formatNumber(counters[k])}</dd>
              </div>
            ))}
          </dl>
          {job.error && <div className="mt-3"><Alert>{job.error}</Alert></div>}
        </Card>
      ) : null}

      {error && <Alert>{error}</Alert>}

      {catalog && (
        <>
          <div className="flex flex-wrap items-center justify-between gap-3">
            <p className="text-sm text-slate-600" data-testid="catalog-summary">
              {([['articles', catalog.clusters.length], ['photos', catalog.photos.length], ['duplicates', catalog.duplicates.length], ['errors', catalog.errors.length]] as const)
                .map(([part, count]) => t(`vinted.summary.${part}`, { count })).join(' · ')}
            </p>
            <div className="flex gap-2">
              <Button size="sm" variant="secondary" onClick={() => void download(`/api/vinted/bulk/export/catalog.json?job=${jobId}`, 'catalog.json')}>{t('vinted.export.catalog')}</Button>
            </div>
          </div>

          {(catalog.errors.length > 0 || catalog.duplicates.length > 0) && (
            <div className="grid gap-4 md:grid-cols-2">
              {catalog.errors.length > 0 && (
                <Card title={t('vinted.errors')}>
                  <ul className="space-y-1 text-sm" data-testid="file-errors">
                    {catalog.errors.map((e, i) => <li key={i}><span className="font-mono text-red-700">{e.file}</span> — <span className="text-slate-600" data-code={e.code}>{e.code ? t(`vinted.refused.${e.code}`, e.code === 'other' ? { detail: e.reason, ...e.params } : e.params) : e.reason}</span></li>)}
                  </ul>
                </Card>
              )}
              {catalog.duplicates.length > 0 && (
                <Card title={t('vinted.duplicates')}>
                  <ul className="space-y-1 text-sm" data-testid="duplicates">
                    {catalog.duplicates.map((d) => <li key={d.file}><span className="font-mono">{d.file}</span> — <span className="text-slate-600">{t('vinted.duplicate.of', { of: d.of })}</span></li>)}
                  </ul>
                </Card>
              )}
            </div>
          )}

          <div className={busy ? 'pointer-events-none opacity-70 transition-opacity' : 'transition-opacity'}>
            {catalog.clusters.length === 0 ? <EmptyState title={t('vinted.recent.empty')} /> : <Cards catalog={catalog} edits={edits} canEdit={canEdit} />}
          </div>

          <Card
            title={t('vinted.plan')}
            actions={
              <div className="flex flex-wrap items-center gap-2">
                {plan && <span className="text-sm text-slate-600" data-testid="plan-summary">{t('vinted.plan.ready', { ready: plan.summary.publish_ready, total: plan.summary.items })}</span>}
                {canEdit && (
                  <input
                    aria-label={t('vinted.plan.city')} placeholder={t('vinted.plan.city')} value={city} onChange={(e) => setCity(e.target.value)}
                    className="w-36 rounded-md border-0 px-2 py-1.5 text-sm ring-1 ring-slate-300 ring-inset"
                  />
                )}
                {canEdit && (
                  <select aria-label={t('vinted.plan.gender')} value={gender} onChange={(e) => setGender(e.target.value as typeof gender)}
                    className="rounded-md border-0 py-1.5 pr-8 pl-2 text-sm ring-1 ring-slate-300 ring-inset">
                    <option value="">{t('vinted.plan.gender')}</option>
                    <option value="femmes">{t('vinted.gender.femmes')}</option>
                    <option value="hommes">{t('vinted.gender.hommes')}</option>
                  </select>
                )}
                {canEdit && <Button size="sm" onClick={() => void makePlan()} disabled={busy}>{plan ? t('vinted.plan.remake') : t('vinted.plan.make')}</Button>}
                {plan && <Button size="sm" variant="secondary" onClick={() => void download(`/api/vinted/bulk/export/plan.json?job=${jobId}`, 'plan.json')}>{t('vinted.export.plan')}</Button>}
              </div>
            }
          >
            {canEdit && <Templates onSaved={() => { if (plan) void makePlan(); }} />}
            {plan ? (
              <PlanTable
                plan={plan} job={jobId} canEdit={canEdit}
                onOverride={(cluster, o) => {
                  const next = { ...overrides, [cluster]: { ...overrides[cluster], ...o } };
                  setOverrides(next);
                  void makePlan(next);
                }}
              />
            ) : <p className="text-sm text-slate-500">{t('vinted.plan.empty')}</p>}
          </Card>

          {plan && <PublishPanel jobId={jobId} plan={plan} canEdit={canEdit} />}
        </>
      )}
    </div>
  );
}

function StudioPage() {
  const { t } = useI18n();
  const { user } = useAuth();
  const [params, setParams] = useSearchParams();
  const job = params.get('job');
  const canEdit = hasRole(user, 'operator');
  return (
    <div>
      <PageHeader
        title={t('vinted.title')}
        subtitle={t('vinted.subtitle')}
        actions={job ? <Button variant="secondary" onClick={() => setParams({})}>{t('vinted.back')}</Button> : undefined}
      />
      {job ? <Batch key={job} jobId={job} canEdit={canEdit} /> : <Home canEdit={canEdit} onOpen={(id) => setParams({ job: id })} />}
    </div>
  );
}

function Tabs() {
  const { t } = useI18n();
  const { user } = useAuth();
  const link = ({ isActive }: { isActive: boolean }) => `rounded-md px-3 py-1.5 text-sm font-medium ${isActive ? 'bg-white text-slate-900 shadow-sm' : 'text-slate-600 hover:text-slate-900'}`;
  // the tabs wrap on a narrow screen (ten of them are wider than a 390 px phone)
  return (
    <nav aria-label={t('vinted.title')} className="mb-6 inline-flex max-w-full flex-wrap rounded-lg bg-slate-100 p-1">
      <NavLink to="/vinted" end className={link}>{t('vinted.nav.studio')}</NavLink>
      <NavLink to="/vinted/accounts" className={link}>{t('vinted.nav.accounts')}</NavLink>
      <NavLink to="/vinted/listings" className={link}>{t('vinted.nav.listings')}</NavLink>
      <NavLink to="/vinted/messages" className={link}>{t('vinted.nav.messages')}</NavLink>
      <NavLink to="/vinted/webhooks" className={link}>{t('vinted.nav.webhooks')}</NavLink>
      <NavLink to="/vinted/relist" className={link}>{t('vinted.nav.relist')}</NavLink>
      <NavLink to="/vinted/orders" className={link}>{t('vinted.nav.orders')}</NavLink>
      <NavLink to="/vinted/analytics" className={link}>{t('vinted.nav.analytics')}</NavLink>
      <NavLink to="/vinted/data" className={link}>{t('vinted.nav.data')}</NavLink>
      {hasRole(user, 'admin') && <NavLink to="/vinted/admin" className={link}>{t('vinted.nav.admin')}</NavLink>}
      <NotificationBell />
    </nav>
  );
}

/** /vinted (the Studio), /vinted/accounts (Comptes Vinted), /vinted/listings (Annonces). */
export default function VintedModule() {
  return (
    <div>
      <Tabs />
      <Routes>
        <Route index element={<StudioPage />} />
        <Route path="accounts" element={<AccountsPage />} />
        <Route path="listings" element={<ListingsPage />} />
        <Route path="messages" element={<MessagesPage />} />
        <Route path="notifications" element={<NotificationsPage />} />
        <Route path="webhooks" element={<WebhooksPage />} />
        <Route path="relist" element={<RelistPage />} />
        <Route path="orders" element={<OrdersPage />} />
        <Route path="analytics" element={<AnalyticsPage />} />
        <Route path="data" element={<DataPage />} />
        <Route path="admin" element={<AdminPage />} />
        <Route path="*" element={<StudioPage />} />
      </Routes>
    </div>
  );
}
