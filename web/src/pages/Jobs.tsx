// All jobs: live table with progress bars (SSE for running jobs, polling for the rest), filters,
// stop button, and a demo job to try the page.
import { useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router-dom';
import { api, isFinished } from '../api.ts';
import type { JobRecord, JobStatus } from '../api.ts';
import { useAuth, hasRole } from '../auth.tsx';
import { useI18n } from '../i18n.ts';
import { useJobList } from '../jobs.ts';
import { Alert, Button, EmptyState, ErrorBox, Loading, PageHeader, ProgressBar, Spinner, StatusBadge, cx, useErrorText } from '../components/ui.tsx';
import { CancelJobButton, Duration, jobTitle, kindLabel } from '../components/jobs.tsx';
import { useModules } from '../components/Layout.tsx';

type Filter = 'all' | 'active' | 'completed' | 'failed' | 'cancelled';
const FILTERS: Filter[] = ['all', 'active', 'completed', 'failed', 'cancelled'];
const ACTIVE: JobStatus[] = ['queued', 'running', 'retrying'];

export default function JobsPage() {
  const { t, pick, formatDate } = useI18n();
  const { user } = useAuth();
  const errorText = useErrorText();
  const navigate = useNavigate();
  const modules = useModules();
  const [params, setParams] = useSearchParams();
  const filter = (FILTERS.includes(params.get('filter') as Filter) ? params.get('filter') : 'all') as Filter;
  const module = params.get('module') ?? '';

  // a single finished status is filtered by the server; "active" groups three statuses, filtered here
  const [limit, setLimit] = useState(100);
  const query = useMemo(() => {
    const q = new URLSearchParams({ limit: String(limit) });
    if (filter !== 'all' && filter !== 'active') q.set('status', filter);
    if (module) q.set('module', module);
    return q.toString();
  }, [filter, module, limit]);
  const { jobs, error, reload, update, streaming } = useJobList(query);
  const shown = filter === 'active' ? jobs?.filter((j) => ACTIVE.includes(j.status)) : jobs;

  const [starting, setStarting] = useState(false);
  const [demoError, setDemoError] = useState<unknown>();
  const startDemo = async () => {
    setStarting(true);
    setDemoError(undefined);
    try {
      await api.post<{ job: JobRecord }>('/api/jobs/demo', {});
      await reload();
    } catch (err) {
      setDemoError(err);
    } finally {
      setStarting(false);
    }
  };
  const canOperate = hasRole(user, 'operator');
  const demoButton = canOperate && (
    <Button variant="secondary" onClick={startDemo} disabled={starting} data-action="demo-job">
      {starting ? <Spinner /> : <PlayIcon />}
      {t('jobs.demo')}
    </Button>
  );

  const setParam = (k: string, v: string) => {
    const p = new URLSearchParams(params);
    if (v && v !== 'all') p.set(k, v);
    else p.delete(k);
    setParams(p, { replace: true });
  };

  const titles = Object.fromEntries((modules ?? []).map((m) => [m.name, m.title]));
  const moduleName = (name: string) => (titles[name] ? pick(titles[name]) : t(`${name}.title`) === `${name}.title` ? name : t(`${name}.title`));

  return (
    <div>
      <PageHeader title={t('jobs.title')} subtitle={t('jobs.subtitle')} actions={demoButton} />

      {demoError !== undefined && (
        <div className="mb-4">
          <Alert>{errorText(demoError)}</Alert>
        </div>
      )}

      <div className="mb-4 flex flex-wrap items-center justify-between gap-3">
        <div role="tablist" className="inline-flex flex-wrap gap-1 rounded-lg bg-white p-1 shadow-sm ring-1 ring-slate-200">
          {FILTERS.map((f) => (
            <button
              key={f}
              role="tab"
              type="button"
              aria-selected={filter === f}
              onClick={() => setParam('filter', f)}
              className={cx('rounded-md px-3 py-1.5 text-sm font-medium', filter === f ? 'bg-indigo-600 text-white' : 'text-slate-600 hover:bg-slate-100')}
            >
              {t(`jobs.filter.${f}`)}
            </button>
          ))}
        </div>
        <label className="flex items-center gap-2 text-sm text-slate-600">
          {t('jobs.filter.module')}
          <select
            value={module}
            onChange={(e) => setParam('module', e.target.value)}
            className="rounded-lg border-0 bg-white py-1.5 pr-8 pl-3 text-sm text-slate-800 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600"
          >
            <option value="">{t('jobs.filter.allModules')}</option>
            {(modules ?? []).map((m) => (
              <option key={m.name} value={m.name}>
                {moduleName(m.name)}
              </option>
            ))}
          </select>
        </label>
      </div>

      {error && !jobs ? (
        <ErrorBox error={error} onRetry={() => void reload()} />
      ) : !shown ? (
        <Loading />
      ) : shown.length === 0 ? (
        <EmptyState title={t('jobs.empty')} action={demoButton}>
          {t('jobs.emptyHint')}
        </EmptyState>
      ) : (
        <div className="overflow-hidden rounded-xl bg-white shadow-sm ring-1 ring-slate-200">
          {error && (
            <div className="border-b border-red-100 bg-red-50 px-4 py-2 text-sm text-red-700">{errorText(error)}</div>
          )}
          {/* phones: one card per job */}
          <ul className="divide-y divide-slate-100 md:hidden">
            {shown.map((job) => (
              <li key={job.id} data-job-id={job.id} data-status={job.status} className="space-y-2 px-4 py-3">
                <div className="flex items-start justify-between gap-3">
                  <div className="min-w-0">
                    <Link to={`/jobs/${job.id}`} className="block truncate font-medium text-slate-900">
                      {jobTitle(t, job)}
                    </Link>
                    <p className="truncate text-xs text-slate-500">
                      {moduleName(job.module)} · {formatDate(job.created_at)}
                    </p>
                  </div>
                  <StatusBadge status={job.status} />
                </div>
                <ProgressBar value={job.progress} status={job.status} label={jobTitle(t, job)} />
                {job.status === 'failed' && job.error && <p className="text-xs text-red-700">{job.error}</p>}
                <div className="flex justify-end gap-2">
                  <CancelJobButton job={job} onCancelled={update} />
                  <Link to={`/jobs/${job.id}`} className="rounded-lg px-2.5 py-1.5 text-sm font-medium text-indigo-700 hover:bg-indigo-50">
                    {t('jobs.details')}
                  </Link>
                </div>
              </li>
            ))}
          </ul>
          {/* relative: keeps the absolutely positioned screen-reader labels inside the scroll box */}
          <div className="relative hidden overflow-x-auto md:block">
            <table className="min-w-full divide-y divide-slate-200 text-sm">
              <thead className="bg-slate-50 text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
                <tr>
                  <th scope="col" className="px-4 py-3">{t('jobs.col.job')}</th>
                  <th scope="col" className="px-4 py-3">{t('jobs.col.status')}</th>
                  <th scope="col" className="w-64 px-4 py-3">{t('jobs.col.progress')}</th>
                  <th scope="col" className="hidden px-4 py-3 lg:table-cell">{t('jobs.col.created')}</th>
                  <th scope="col" className="hidden px-4 py-3 md:table-cell">{t('jobs.col.duration')}</th>
                  <th scope="col" className="px-4 py-3 text-right">
                    <span className="sr-only">{t('jobs.col.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {shown.map((job) => (
                  <tr
                    key={job.id}
                    data-job-id={job.id}
                    data-status={job.status}
                    onClick={(e) => {
                      if ((e.target as HTMLElement).closest('button,a,dialog')) return;
                      navigate(`/jobs/${job.id}`);
                    }}
                    className="cursor-pointer hover:bg-slate-50"
                  >
                    <td className="max-w-xs px-4 py-3 lg:max-w-sm">
                      <Link to={`/jobs/${job.id}`} className="block truncate font-medium text-slate-900 hover:text-indigo-700">
                        {jobTitle(t, job)}
                      </Link>
                      <p className="truncate text-xs text-slate-500">
                        {moduleName(job.module)} · {kindLabel(t, job)}
                        {job.attempts > 1 && ` · ${t('jobs.attempt', { n: job.attempts })}`}
                      </p>
                      {job.status === 'failed' && job.error && (
                        <p className="mt-0.5 truncate text-xs text-red-700" title={job.error}>
                          {job.error}
                        </p>
                      )}
                    </td>
                    <td className="px-4 py-3">
                      <div className="flex items-center gap-2">
                        <StatusBadge status={job.status} />
                        {streaming.has(job.id) && !isFinished(job.status) && (
                          <span title={t('jobs.live')} className="size-2 rounded-full bg-emerald-500" />
                        )}
                      </div>
                    </td>
                    <td className="w-64 min-w-48 px-4 py-3">
                      <ProgressBar value={job.progress} status={job.status} label={jobTitle(t, job)} />
                    </td>
                    <td className="hidden px-4 py-3 whitespace-nowrap text-slate-600 lg:table-cell">{formatDate(job.created_at)}</td>
                    <td className="hidden px-4 py-3 whitespace-nowrap text-slate-600 md:table-cell">
                      <Duration job={job} />
                    </td>
                    <td className="px-4 py-3 text-right whitespace-nowrap">
                      <div className="flex justify-end gap-2">
                        <CancelJobButton job={job} onCancelled={update} />
                        <Link to={`/jobs/${job.id}`} className="rounded-lg px-2.5 py-1.5 text-sm font-medium text-indigo-700 hover:bg-indigo-50">
                          {t('jobs.details')}
                        </Link>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {jobs && jobs.length >= limit && limit < 500 && (
            <div className="border-t border-slate-100 px-4 py-3 text-center">
              <Button variant="ghost" size="sm" onClick={() => setLimit((l) => Math.min(500, l + 100))}>
                {t('jobs.more')}
              </Button>
            </div>
          )}
        </div>
      )}
    </div>
  );
}

function PlayIcon() {
  return (
    <svg viewBox="0 0 20 20" className="size-4" fill="currentColor" aria-hidden="true">
      <path d="M6.3 2.84A1.5 1.5 0 0 0 4 4.11v11.78a1.5 1.5 0 0 0 2.3 1.27l9.34-5.89a1.5 1.5 0 0 0 0-2.54L6.3 2.84Z" />
    </svg>
  );
}
