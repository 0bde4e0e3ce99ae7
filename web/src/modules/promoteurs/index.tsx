// The promoteurs pages, mounted by the shell at /promoteurs/*: programmes with filters, a programme's
// lots, runs (start one; live progress per developer and per city over SSE), dry-run preview.
import './i18n.ts';
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { Link, Route, Routes, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { api } from '../../api.ts';
import { useAuth, hasRole } from '../../auth.tsx';
import { logText, useI18n } from '../../i18n.ts';
import { useJob } from '../../jobs.ts';
import { Alert, Button, Card, ErrorBox, Loading, PageHeader, ProgressBar, StatusBadge, cx } from '../../components/ui.tsx';

interface Lot { type: string; surface: number | null; etage: string | null; prix: number | null; prixTvaReduite?: number | null; parking?: boolean; numero?: string }
interface Programme {
  id?: number; name: string; ville: string | null; codePostal: string | null; zoneFiscale: string | null; promoteur: string; sourceApi: string; idExterne: string;
  urlExterne: string; prixMin: number | null; prixMax: number | null; surfaceMin: number | null; surfaceMax: number | null; nbLotsDisponibles: number;
  typesLots: string[]; dateLivraison: string | null; adresse?: string | null; statut: string; imagePrincipale?: string | null; description?: string | null;
  lotsDetails?: Lot[]; lastSeenAt?: string; espoId?: string | null; espoError?: string | null; nbLots?: number;
}
const TYPES = ['Studio', 'T1', 'T2', 'T3', 'T4', 'T5', 'Maison'];
const ZONES = ['A_bis', 'A', 'B1'];
const eur = (n: number | null | undefined) => (n == null ? '—' : new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0 }).format(n));
const m2 = (n: number | null | undefined) => (n == null ? '—' : `${new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 }).format(n)} m²`);
const range = (a: string, b: string) => (a === b ? a : `${a} – ${b}`);
const zoneLabel = (z: string | null) => (z ? z.replace('_bis', ' bis') : '—');

function useLoad<T>(url: string | null, deps: unknown[] = []): { data: T | undefined; error: unknown; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [n, setN] = useState(0);
  useEffect(() => {
    if (!url) return;
    let cancelled = false;
    api.get<T>(url).then((d) => { if (!cancelled) { setData(d); setError(undefined); } }).catch((e) => !cancelled && setError(e));
    return () => { cancelled = true; };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [url, n, ...deps]);
  return { data, error, reload: useCallback(() => setN((x) => x + 1), []) };
}

function Tabs() {
  const { t } = useI18n();
  const tab = (to: string, label: string, active: boolean) => (
    <Link to={to} className={cx('rounded-lg px-3 py-1.5 text-sm font-medium', active ? 'bg-indigo-600 text-white' : 'text-slate-700 hover:bg-slate-100')}>{label}</Link>
  );
  const path = typeof window !== 'undefined' ? window.location.pathname : '';
  return (
    <nav className="mb-6 flex gap-2" aria-label={t('promoteurs.nav.label')}>
      {tab('/promoteurs', t('promoteurs.tab.programmes'), !path.includes('/runs') && !path.includes('/settings'))}
      {tab('/promoteurs/runs', t('promoteurs.tab.runs'), path.includes('/runs'))}
      {tab('/promoteurs/settings', t('promoteurs.tab.settings'), path.includes('/settings'))}
    </nav>
  );
}

function Stats() {
  const { t, formatNumber } = useI18n();
  const { data } = useLoad<{ totals: { active: number; sold: number; lots: number; cities: number; builtinCities: number } }>('/api/promoteurs/stats');
  if (!data) return null;
  const item = (n: number, label: string) => (
    <div className="rounded-xl bg-white px-4 py-3 shadow-sm ring-1 ring-slate-200"><div className="text-xl font-semibold text-slate-900">{formatNumber(n)}</div><div className="text-xs text-slate-500">{label}</div></div>
  );
  return (
    <div className="mb-6 grid grid-cols-2 gap-3 sm:grid-cols-4" data-testid="stats">
      {item(data.totals.active, t('promoteurs.stats.active'))}{item(data.totals.lots, t('promoteurs.stats.lots'))}
      {item(data.totals.sold, t('promoteurs.stats.sold'))}{data.totals.cities > 0 ? item(data.totals.cities, t('promoteurs.stats.cities')) : item(data.totals.builtinCities, t('promoteurs.stats.builtinCities'))}
    </div>
  );
}

function Select({ label, value, onChange, options }: { label: string; value: string; onChange: (v: string) => void; options: [string, string][] }) {
  return (
    <label className="block text-sm"><span className="mb-1 block font-medium text-slate-700">{label}</span>
      <select className="w-full rounded-lg border-0 py-1.5 text-sm ring-1 ring-slate-300" value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
      </select>
    </label>
  );
}
function Input({ label, value, onChange, type = 'text', name }: { label: string; value: string; onChange: (v: string) => void; type?: string; name: string }) {
  return (
    <label className="block text-sm"><span className="mb-1 block font-medium text-slate-700">{label}</span>
      <input name={name} type={type} className="w-full rounded-lg border-0 px-2 py-1.5 text-sm ring-1 ring-slate-300" value={value} onChange={(e) => onChange(e.target.value)} />
    </label>
  );
}

function ProgrammesPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const f = (k: string) => params.get(k) ?? '';
  const set = (k: string) => (v: string) => { const p = new URLSearchParams(params); if (v) p.set(k, v); else p.delete(k); setParams(p, { replace: true }); };
  const { data: sources } = useLoad<{ sources: { key: string; name: string }[] }>('/api/promoteurs/sources');
  const query = new URLSearchParams([...params].filter(([, v]) => v)).toString();
  const { data, error } = useLoad<{ total: number; programmes: Programme[] }>(`/api/promoteurs/programmes?limit=200${query ? `&${query}` : ''}`);
  return (
    <>
      <Stats />
      <Card className="mb-6">
        <div className="grid grid-cols-2 gap-3 md:grid-cols-4 lg:grid-cols-8">
          <Input name="city" label={t('promoteurs.f.city')} value={f('city')} onChange={set('city')} />
          <Select label={t('promoteurs.f.zone')} value={f('zone')} onChange={set('zone')} options={[['', t('promoteurs.f.all')], ...ZONES.map((z): [string, string] => [z, zoneLabel(z)])]} />
          <Select label={t('promoteurs.f.promoteur')} value={f('promoteur')} onChange={set('promoteur')} options={[['', t('promoteurs.f.all')], ...(sources?.sources ?? []).map((s): [string, string] => [s.key, s.name])]} />
          <Select label={t('promoteurs.f.type')} value={f('type')} onChange={set('type')} options={[['', t('promoteurs.f.all')], ...TYPES.map((x): [string, string] => [x, x])]} />
          <Input name="prixMin" type="number" label={t('promoteurs.f.prixMin')} value={f('prixMin')} onChange={set('prixMin')} />
          <Input name="prixMax" type="number" label={t('promoteurs.f.prixMax')} value={f('prixMax')} onChange={set('prixMax')} />
          <Input name="surfaceMin" type="number" label={t('promoteurs.f.surfaceMin')} value={f('surfaceMin')} onChange={set('surfaceMin')} />
          <Input name="surfaceMax" type="number" label={t('promoteurs.f.surfaceMax')} value={f('surfaceMax')} onChange={set('surfaceMax')} />
        </div>
      </Card>
      {error ? <ErrorBox error={error} /> : !data ? <Loading /> : data.programmes.length === 0 ? <Alert kind="info">{t('promoteurs.list.empty')}</Alert> : (
        <Card title={t('promoteurs.list.count', { n: data.total })}>
          <div className="overflow-x-auto">
            <table className="min-w-full text-sm" data-testid="programmes">
              <thead><tr className="text-left text-xs uppercase text-slate-500">
                {['name', 'ville', 'zone', 'promoteur', 'prix', 'surface', 'lots', 'types', 'livraison'].map((c) => <th key={c} className="px-2 py-2">{t(`promoteurs.col.${c}`)}</th>)}
              </tr></thead>
              <tbody className="divide-y divide-slate-100">
                {data.programmes.map((p) => (
                  <tr key={p.id} className="hover:bg-slate-50">
                    <td className="px-2 py-2 font-medium"><Link className="text-indigo-700 hover:underline" to={`/promoteurs/programmes/${p.id}`}>{p.name}</Link></td>
                    <td className="px-2 py-2">{p.ville} <span className="text-slate-400">{p.codePostal}</span></td>
                    <td className="px-2 py-2">{zoneLabel(p.zoneFiscale)}</td>
                    <td className="px-2 py-2">{p.promoteur}</td>
                    <td className="px-2 py-2 whitespace-nowrap">{range(eur(p.prixMin), eur(p.prixMax))}</td>
                    <td className="px-2 py-2 whitespace-nowrap">{range(m2(p.surfaceMin), m2(p.surfaceMax))}</td>
                    <td className="px-2 py-2 text-right">{p.nbLotsDisponibles}</td>
                    <td className="px-2 py-2">{p.typesLots.join(', ')}</td>
                    <td className="px-2 py-2">{p.dateLivraison ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
      )}
    </>
  );
}

function LotsTable({ lots }: { lots: Lot[] }) {
  const { t } = useI18n();
  if (!lots.length) return <p className="text-sm text-slate-500">{t('promoteurs.detail.noLots')}</p>;
  return (
    <table className="min-w-full text-sm" data-testid="lots">
      <thead><tr className="text-left text-xs uppercase text-slate-500">
        {['numero', 'type', 'surface', 'etage', 'prixTva', 'prixReduit', 'parking'].map((c) => <th key={c} className="px-2 py-2">{t(`promoteurs.col.${c}`)}</th>)}
      </tr></thead>
      <tbody className="divide-y divide-slate-100">
        {lots.map((l, i) => (
          <tr key={`${l.numero ?? ''}-${i}`}>
            <td className="px-2 py-1.5 font-mono text-xs">{l.numero ?? '—'}</td><td className="px-2 py-1.5">{l.type}</td><td className="px-2 py-1.5">{m2(l.surface)}</td>
            <td className="px-2 py-1.5">{l.etage ?? '—'}</td><td className="px-2 py-1.5 font-medium">{eur(l.prix)}</td><td className="px-2 py-1.5">{l.prixTvaReduite ? eur(l.prixTvaReduite) : '—'}</td>
            <td className="px-2 py-1.5">{l.parking === undefined ? '—' : l.parking ? '✓' : '✗'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ProgrammePage() {
  const { t, formatDate } = useI18n();
  const { id } = useParams();
  const { data, error } = useLoad<{ programme: Programme; lots: Lot[]; images: { src: string | null; position: number }[] }>(`/api/promoteurs/programmes/${id}`);
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  const p = data.programme;
  return (
    <>
      <Link to="/promoteurs" className="text-sm text-indigo-700 hover:underline">{t('promoteurs.detail.back')}</Link>
      <PageHeader title={p.name} subtitle={`${p.promoteur} · ${p.ville ?? ''} ${p.codePostal ?? ''} · zone ${zoneLabel(p.zoneFiscale)} · ${p.dateLivraison ?? ''}`}
        actions={<a href={p.urlExterne} target="_blank" rel="noreferrer noopener" className="text-sm text-indigo-700 hover:underline">{t('promoteurs.detail.source')}</a>} />
      <div className="mb-6 grid gap-3 text-sm sm:grid-cols-3">
        <div><span className="text-slate-500">{t('promoteurs.col.prix')}: </span>{range(eur(p.prixMin), eur(p.prixMax))}</div>
        <div><span className="text-slate-500">{t('promoteurs.col.surface')}: </span>{range(m2(p.surfaceMin), m2(p.surfaceMax))}</div>
        <div><span className="text-slate-500">{t('promoteurs.detail.address')}: </span>{p.adresse ?? '—'}</div>
        <div><span className="text-slate-500">{t('promoteurs.detail.seen')}: </span>{formatDate(p.lastSeenAt)}</div>
        <div><span className="text-slate-500">{t('promoteurs.detail.crm')}: </span>{p.espoError ? <span className="text-red-700">{p.espoError}</span> : p.espoId ?? '—'}</div>
      </div>
      {data.images.some((i) => i.src) && (
        <div className="mb-6 flex flex-wrap gap-2" data-testid="images">
          {data.images.filter((i) => i.src).map((i) => <img key={i.position} src={i.src!} alt={`${p.name} ${i.position + 1}`} className="h-32 rounded-lg object-cover ring-1 ring-slate-200" loading="lazy" />)}
        </div>
      )}
      {p.description && <p className="mb-6 max-w-3xl text-sm text-slate-700">{p.description}</p>}
      <Card title={t('promoteurs.detail.lots', { n: data.lots.length })}><div className="overflow-x-auto"><LotsTable lots={data.lots} /></div></Card>
    </>
  );
}

interface RunRow { id: string; startedAt: string; dryRun: boolean; scheduled: boolean; status: string; outcome?: string | null; progress: number | null; counters: Record<string, number>; error: string | null; title: string | null;
  sources: { source: string; healthy: boolean; reason: string | null; reasonDetail: ({ code: string } & Record<string, string | number>) | null; finished: boolean }[] }

function NewRun({ onStarted }: { onStarted: (id: string) => void }) {
  const { t } = useI18n();
  const [promoteurs, setPromoteurs] = useState('all');
  const [cities, setCities] = useState('');
  const [dryRun, setDryRun] = useState(true);
  const [skipImages, setSkipImages] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const start = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const { job } = await api.post<{ job: { id: string } }>('/api/promoteurs/runs', { promoteurs, cities: cities || undefined, dryRun, skipImages });
      onStarted(job.id);
    } catch (e) { setError(e); } finally { setBusy(false); }
  };
  return (
    <Card title={t('promoteurs.run.new')} className="mb-6">
      {error ? <div className="mb-3"><ErrorBox error={error} /></div> : null}
      <div className="grid items-end gap-3 md:grid-cols-5">
        <Input name="promoteurs" label={t('promoteurs.run.promoteurs')} value={promoteurs} onChange={setPromoteurs} />
        <Input name="cities" label={t('promoteurs.run.cities')} value={cities} onChange={setCities} />
        <label className="flex items-center gap-2 text-sm"><input name="dryRun" type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} />{t('promoteurs.run.dryRun')}</label>
        <label className="flex items-center gap-2 text-sm"><input type="checkbox" checked={skipImages} onChange={(e) => setSkipImages(e.target.checked)} />{t('promoteurs.run.skipImages')}</label>
        <Button onClick={() => void start()} disabled={busy}>{t('promoteurs.run.start')}</Button>
      </div>
    </Card>
  );
}

/** the run's verdict (ScrapeResult.outcome) in the user's language; the technical first error as the server saw it */
interface RunOutcome { status: 'failed' | 'partial'; pagesFailed: number; sources: number; networkErrors: number; httpErrors: number; robotsBlocked: number; parseErrors: number; first: string | null }
function outcomeText(o: RunOutcome, t: (k: string, p?: Record<string, string | number>) => string): string {
  const causes = (['networkErrors', 'httpErrors', 'robotsBlocked', 'parseErrors'] as const).filter((k) => o[k] > 0).map((k) => `${o[k]} ${t(`promoteurs.counter.${k}`)}`).join(', ');
  const head = o.status === 'failed' ? t('promoteurs.outcome.failed') : t('promoteurs.outcome.partial', { pages: o.pagesFailed, sources: o.sources });
  return `${head}${causes ? ` (${causes})` : ''}`;
}
/** the first failing source's own words (technical, English), under the sentence */
function OutcomeDetail({ o }: { o: RunOutcome | null }) {
  const { t } = useI18n();
  if (!o?.first) return null;
  return <div className="mt-1 break-words font-mono text-xs opacity-80" data-testid="run-error-detail">{t('promoteurs.outcome.detail')} {o.first}</div>;
}

function Counters({ counters }: { counters: Record<string, number> }) {
  const { t } = useI18n();
  const keys = ['found', 'created', 'updated', 'unchanged', 'sold', 'skipped', 'errors'];
  return (
    <div className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600">
      {keys.map((k) => <span key={k}><span className="font-semibold text-slate-900">{counters?.[k] ?? 0}</span> {t(`promoteurs.counter.${k}`)}</span>)}
    </div>
  );
}

function RunsPage() {
  const { t, formatDate } = useI18n();
  const { user } = useAuth();
  const navigate = useNavigate();
  const { data, error, reload } = useLoad<{ runs: RunRow[] }>('/api/promoteurs/runs');
  useEffect(() => {
    if (!data?.runs.some((r) => r.status === 'running' || r.status === 'queued')) return;
    const timer = setInterval(reload, 2000);
    return () => clearInterval(timer);
  }, [data, reload]);
  return (
    <>
      {hasRole(user, 'operator') && <NewRun onStarted={(id) => navigate(`/promoteurs/runs/${id}`)} />}
      {error ? <ErrorBox error={error} /> : !data ? <Loading /> : data.runs.length === 0 ? <Alert kind="info">{t('promoteurs.runs.empty')}</Alert> : (
        <div className="space-y-3" data-testid="runs">
          {data.runs.map((r) => (
            <Link key={r.id} to={`/promoteurs/runs/${r.id}`} className="block rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200 hover:ring-indigo-300">
              <div className="mb-2 flex flex-wrap items-center gap-3">
                <StatusBadge status={r.status as any} />
                {r.outcome === 'partial' && <span className="rounded bg-amber-100 px-2 py-0.5 text-xs font-medium text-amber-800" data-testid="partial">{t('promoteurs.run.partial')}</span>}
                <span className="font-medium text-slate-900">{r.title ?? r.id}</span>
                {r.dryRun && <span className="rounded bg-amber-100 px-2 py-0.5 text-xs text-amber-800">{t('promoteurs.runs.dry')}</span>}
                {r.scheduled && <span className="rounded bg-slate-100 px-2 py-0.5 text-xs">{t('promoteurs.runs.scheduled')}</span>}
                <span className="text-xs text-slate-500">{formatDate(r.startedAt)}</span>
                {r.sources.filter((s) => s.finished && !s.healthy).map((s) => <span key={s.source} className="rounded bg-red-100 px-2 py-0.5 text-xs text-red-800">{s.source}: {s.reasonDetail ? t(`promoteurs.reason.${s.reasonDetail.code}`, s.reasonDetail) : s.reason}</span>)}
              </div>
              {r.status === 'running' && r.progress != null && <ProgressBar value={r.progress} className="mb-2" />}
              <Counters counters={r.counters} />
            </Link>
          ))}
        </div>
      )}
    </>
  );
}

interface RunDetail {
  run: { dry_run: boolean; status: string; error: string | null } | null;
  sources: { source: string; complete: boolean; healthy: boolean; reason: string | null; reasonDetail: ({ code: string } & Record<string, string | number>) | null; counters: Record<string, number>; finishedAt: string | null; cities: { city: string; nom: string; ok: boolean; error?: string; counters: Record<string, number> }[] }[];
  preview: Programme[] | null;
  alerts: { id: number; source: string | null; message: string; details?: Record<string, unknown> | string | null }[];
}

function RunPage() {
  const { t } = useI18n();
  const { id } = useParams();
  const { job, events, live } = useJob(id);
  const { data, reload } = useLoad<RunDetail>(`/api/promoteurs/runs/${id}`, [job?.status]);
  const [open, setOpen] = useState<string | null>(null);
  // per-source / per-city progress is in the run record: refresh it as the job's SSE stream moves
  useEffect(() => { reload(); }, [job?.progress, reload]);
  if (!job) return <Loading />;
  const outcome = (job.result as { outcome?: RunOutcome | null } | null)?.outcome ?? null;
  return (
    <>
      <Link to="/promoteurs/runs" className="text-sm text-indigo-700 hover:underline">{t('promoteurs.run.back')}</Link>
      <PageHeader title={job.title ?? job.id} subtitle={live ? `● ${t('promoteurs.run.live')}` : undefined} actions={<StatusBadge status={job.status} />} />
      <Card className="mb-6">
        <ProgressBar value={job.progress} status={job.status} className="mb-3" /><Counters counters={job.counters} />
        {job.error && <div className="mt-3" data-testid="run-error"><Alert>{t('promoteurs.run.failed', { reason: outcome?.status === 'failed' ? outcomeText(outcome, t) : job.error })}{outcome?.status === 'failed' && <OutcomeDetail o={outcome} />}</Alert></div>}
        {data?.run?.status === 'partial' && <div className="mt-3" data-testid="run-partial"><Alert kind="warning">{t('promoteurs.run.partialReason', { reason: outcome?.status === 'partial' ? outcomeText(outcome, t) : data.run.error ?? '' })}{outcome?.status === 'partial' && <OutcomeDetail o={outcome} />}</Alert></div>}
        {(job.result as { skippedSources?: { source: string; reason: string }[] } | null)?.skippedSources?.length ? (
          <details className="mt-3 text-xs text-slate-600"><summary>{t('promoteurs.run.skipped', { n: (job.result as any).skippedSources.length })}</summary>
            <ul className="mt-1 list-disc pl-5">{(job.result as any).skippedSources.map((x: any) => <li key={x.source}><span className="font-medium">{x.source}</span> — {x.code ? t(`promoteurs.skip.${x.code}`, { detail: x.detail ?? '' }) : x.reason}</li>)}</ul></details>
        ) : null}
      </Card>
      {data?.alerts.length ? <div className="mb-6 space-y-2">{data.alerts.map((a) => <Alert key={a.id} kind="warning">{alertText(t, a)}</Alert>)}</div> : null}
      <Card title={t('promoteurs.run.sources')} className="mb-6">
        <div className="space-y-4" data-testid="sources">
          {(data?.sources ?? []).map((s) => (
            <div key={s.source}>
              <div className="mb-1 flex items-center gap-3">
                <span className="font-medium">{s.source}</span>
                {s.finishedAt && <span className={cx('rounded px-2 py-0.5 text-xs', s.healthy ? 'bg-emerald-100 text-emerald-800' : 'bg-red-100 text-red-800')}>{s.healthy ? t('promoteurs.run.healthy') : t('promoteurs.run.unhealthy', { reason: s.reasonDetail ? t(`promoteurs.reason.${s.reasonDetail.code}`, s.reasonDetail) : s.reason ?? '' })}</span>}
                <span className="text-xs text-slate-500">{t('promoteurs.run.cities.n', { n: s.cities.length })}</span>
              </div>
              <Counters counters={s.counters} />
              <div className="mt-2 flex flex-wrap gap-1">
                {s.cities.map((c) => <span key={c.city} title={c.error ?? ''} className={cx('rounded px-1.5 py-0.5 text-xs', c.ok && !c.counters.pagesFailed ? 'bg-slate-100' : c.ok ? 'bg-amber-100 text-amber-800' : 'bg-red-100 text-red-800')}>{c.nom} · {c.counters.found}{c.counters.pagesFailed ? ` · ${t('promoteurs.run.failedPages', { n: c.counters.pagesFailed })}` : ''}</span>)}
              </div>
            </div>
          ))}
        </div>
      </Card>
      {data?.preview && (
        <Card title={t('promoteurs.run.preview', { n: data.preview.length })} className="mb-6">
          <div className="divide-y divide-slate-100" data-testid="preview">
            {data.preview.map((p) => (
              <div key={`${p.sourceApi}-${p.idExterne}`} className="py-2">
                <button type="button" className="flex w-full flex-wrap items-center gap-3 text-left text-sm" onClick={() => setOpen(open === p.idExterne ? null : p.idExterne)}>
                  <span className="font-medium text-indigo-700">{p.name}</span><span>{p.ville} {p.codePostal}</span><span className="text-slate-500">{p.promoteur}</span>
                  <span>{range(eur(p.prixMin), eur(p.prixMax))}</span><span className="text-slate-500">{t('promoteurs.list.lots', { n: p.lotsDetails?.length ?? 0 })}</span>
                </button>
                {open === p.idExterne && <div className="mt-2 overflow-x-auto"><LotsTable lots={p.lotsDetails ?? []} /></div>}
              </div>
            ))}
          </div>
        </Card>
      )}
      <Card title={t('promoteurs.run.log')}>
        <div className="max-h-80 overflow-auto font-mono text-xs text-slate-700" data-testid="log">
          {events.filter((e) => e.type === 'log' || !e.type).map((e) => (
            <p key={e.seq} className={cx('whitespace-pre-wrap break-words', e.level === 'error' ? 'text-red-700' : e.level === 'warn' ? 'text-amber-800' : '')}>[{e.level ? t(`job.level.${e.level}`) : ''}] {logText(e, 'promoteurs')}</p>
          ))}
        </div>
      </Card>
    </>
  );
}


/** an alert in the user's language when it carries a code (details.code + values), else as the server wrote it */
function alertText(t: (k: string, v?: Record<string, string | number>) => string, a: { message: string; details?: Record<string, unknown> | string | null }): string {
  const d = typeof a.details === 'string' ? (JSON.parse(a.details) as Record<string, unknown>) : a.details;
  if (typeof d?.code !== 'string') return a.message;
  const vars = Object.fromEntries(Object.entries(d).filter(([, v]) => typeof v === 'string' || typeof v === 'number')) as Record<string, string | number>;
  const key = `promoteurs.alert.${d.code}`;
  const text = t(key, vars);
  return text === key ? a.message : text;
}

interface SourceSetting { key: string; name: string; status: string; discovery: string; extractor: string; fixtureKind: string; reason: string; enabled: boolean; offReason: string | null; delayBetweenCitiesSec: number; delayBetweenDetailsSec: number }
interface SettingsData { sources: SourceSetting[]; espocrm: { url: string | null; apiKey: string | null }; alerts: { emailTo: string[]; emailFrom: string; smtpConfigured: boolean; webhookUrl: string | null; webhookSecret: string | null } }

function SettingsPage() {
  const { t } = useI18n();
  const { user } = useAuth();
  const admin = hasRole(user, 'admin');
  const { data, error, reload } = useLoad<SettingsData>('/api/promoteurs/settings');
  const [msg, setMsg] = useState<{ kind: 'success' | 'error'; text: string } | null>(null);
  const [espoUrl, setEspoUrl] = useState<string | null>(null);
  const [espoKey, setEspoKey] = useState('');
  const [emails, setEmails] = useState<string | null>(null);
  const [hook, setHook] = useState('');
  const [csv, setCsv] = useState<File | null>(null);
  const act = async (fn: () => Promise<unknown>, ok: string) => {
    setMsg(null);
    try { await fn(); setMsg({ kind: 'success', text: ok }); reload(); } catch (e) { setMsg({ kind: 'error', text: (e as Error).message }); }
  };
  if (error) return <ErrorBox error={error} />;
  if (!data) return <Loading />;
  return (
    <div className="space-y-6">
      {msg && <Alert kind={msg.kind}>{msg.text}</Alert>}
      <Card title={t('promoteurs.settings.sources')}>
        <p className="mb-3 text-sm text-slate-600">{t('promoteurs.settings.sourcesHelp')}</p>
        <div className="overflow-x-auto">
          <table className="min-w-full text-sm" data-testid="sources-settings">
            <thead><tr className="text-left text-xs uppercase text-slate-500">
              {['source', 'status', 'discovery', 'extractor', 'delays', 'on'].map((c) => <th key={c} className="px-2 py-2">{t(`promoteurs.settings.col.${c}`)}</th>)}
            </tr></thead>
            <tbody className="divide-y divide-slate-100">
              {data.sources.map((s) => (
                <tr key={s.key} data-source={s.key}>
                  <td className="px-2 py-2"><div className="font-medium">{s.name}</div><div className="font-mono text-xs text-slate-500">{s.key}</div></td>
                  <td className="px-2 py-2">
                    <span className={cx('rounded px-2 py-0.5 text-xs font-medium', s.status === 'verified' ? 'bg-emerald-100 text-emerald-800' : 'bg-amber-100 text-amber-800')}>{t(`promoteurs.status.${s.status}`)}</span>
                    <div className="mt-1 max-w-md text-xs text-slate-500">{s.reason} · {t(`promoteurs.fixture.${s.fixtureKind}`)}</div>
                  </td>
                  <td className="px-2 py-2 text-xs">{s.discovery}</td>
                  <td className="px-2 py-2 text-xs">{t(`promoteurs.extractor.${s.extractor}`)}</td>
                  <td className="px-2 py-2 text-xs whitespace-nowrap">
                    {admin ? (
                      <span className="flex gap-1">
                        <input aria-label={`${s.key} ${t('promoteurs.settings.cityDelay')}`} type="number" min={1} max={600} defaultValue={s.delayBetweenCitiesSec} className="w-16 rounded ring-1 ring-slate-300"
                          onBlur={(e) => Number(e.target.value) !== s.delayBetweenCitiesSec && void act(() => api.put(`/api/promoteurs/settings/sources/${s.key}`, { delayBetweenCitiesSec: Number(e.target.value) }), t('promoteurs.settings.saved'))} />
                        <input aria-label={`${s.key} ${t('promoteurs.settings.detailDelay')}`} type="number" min={1} max={600} defaultValue={s.delayBetweenDetailsSec} className="w-16 rounded ring-1 ring-slate-300"
                          onBlur={(e) => Number(e.target.value) !== s.delayBetweenDetailsSec && void act(() => api.put(`/api/promoteurs/settings/sources/${s.key}`, { delayBetweenDetailsSec: Number(e.target.value) }), t('promoteurs.settings.saved'))} />
                      </span>
                    ) : `${s.delayBetweenCitiesSec} s / ${s.delayBetweenDetailsSec} s`}
                  </td>
                  <td className="px-2 py-2">
                    <label className="flex items-center gap-2 text-xs" title={s.offReason ?? ''}>
                      <input type="checkbox" aria-label={`${s.key} ${t('promoteurs.settings.col.on')}`} checked={s.enabled} disabled={!admin}
                        onChange={(e) => void act(() => api.put(`/api/promoteurs/settings/sources/${s.key}`, { enabled: e.target.checked }), t('promoteurs.settings.saved'))} />
                      {s.enabled ? t('promoteurs.settings.on') : t('promoteurs.settings.off')}
                    </label>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
      <Card title="EspoCRM">
        <div className="grid items-end gap-3 md:grid-cols-4">
          <Input name="espoUrl" label={t('promoteurs.settings.espoUrl')} value={espoUrl ?? data.espocrm.url ?? ''} onChange={setEspoUrl} />
          <Input name="espoKey" type="password" label={t('promoteurs.settings.espoKey', { current: data.espocrm.apiKey ?? '—' })} value={espoKey} onChange={setEspoKey} />
          <Button disabled={!admin} onClick={() => void act(() => api.put('/api/promoteurs/settings/espocrm', { ...(espoUrl !== null ? { url: espoUrl || null } : {}), ...(espoKey ? { apiKey: espoKey } : {}) }).then(() => setEspoKey('')), t('promoteurs.settings.saved'))}>{t('promoteurs.settings.save')}</Button>
          <Button disabled={!admin} onClick={() => void act(async () => { const r = await api.post<{ ok: boolean; error?: string; villes?: number }>('/api/promoteurs/settings/espocrm/test'); if (!r.ok) throw new Error(r.error); return r; }, t('promoteurs.settings.espoOk'))}>{t('promoteurs.settings.test')}</Button>
        </div>
      </Card>
      <Card title={t('promoteurs.settings.cities')}>
        <div className="flex flex-wrap items-end gap-3">
          <label className="text-sm">{t('promoteurs.settings.csv')}<input type="file" accept=".csv,text/csv" className="mt-1 block text-sm" onChange={(e) => setCsv(e.target.files?.[0] ?? null)} /></label>
          <Button disabled={!csv} onClick={() => void act(async () => { const text = await csv!.text(); return api.post('/api/promoteurs/cities/import', { csv: text }); }, t('promoteurs.settings.imported'))}>{t('promoteurs.settings.importCsv')}</Button>
          <Button onClick={() => void act(() => api.post('/api/promoteurs/cities/import-espocrm'), t('promoteurs.settings.imported'))}>{t('promoteurs.settings.importCrm')}</Button>
        </div>
      </Card>
      <Card title={t('promoteurs.settings.alerts')}>
        <div className="grid items-end gap-3 md:grid-cols-3">
          <Input name="emails" label={t('promoteurs.settings.emails')} value={emails ?? data.alerts.emailTo.join(', ')} onChange={setEmails} />
          <Input name="webhook" label={t('promoteurs.settings.webhook', { current: data.alerts.webhookUrl ?? '—', secret: data.alerts.webhookSecret ?? '—' })} value={hook} onChange={setHook} />
          <Button disabled={!admin} onClick={() => void act(() => api.put('/api/promoteurs/settings/alerts', { ...(emails !== null ? { emailTo: emails.split(',').map((x) => x.trim()).filter(Boolean) } : {}), ...(hook ? { webhookUrl: hook } : {}) }).then(() => setHook('')), t('promoteurs.settings.saved'))}>{t('promoteurs.settings.save')}</Button>
        </div>
        <p className="mt-2 text-xs text-slate-500">{t(data.alerts.smtpConfigured ? 'promoteurs.settings.smtpOn' : 'promoteurs.settings.smtpOff')} {t('promoteurs.settings.webhookHelp')}</p>
      </Card>
    </div>
  );
}

function Shell({ children }: { children: ReactNode }) {
  const { t } = useI18n();
  return (<><PageHeader title={t('promoteurs.title')} subtitle={t('promoteurs.subtitle')} /><Tabs />{children}</>);
}

export default function PromoteursPage() {
  return (
    <Routes>
      <Route index element={<Shell><ProgrammesPage /></Shell>} />
      <Route path="programmes/:id" element={<Shell><ProgrammePage /></Shell>} />
      <Route path="runs" element={<Shell><RunsPage /></Shell>} />
      <Route path="runs/:id" element={<Shell><RunPage /></Shell>} />
      <Route path="settings" element={<Shell><SettingsPage /></Shell>} />
      <Route path="*" element={<Shell><ProgrammesPage /></Shell>} />
    </Routes>
  );
}
