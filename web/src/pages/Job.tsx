// One job: status, progress, counters, live log and the files it produced.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { Link, useParams } from 'react-router-dom';
import { download } from '../api.ts';
import type { JobEvent } from '../api.ts';
import { logText, useI18n } from '../i18n.ts';
import { useJob } from '../jobs.ts';
import { Alert, Button, Card, ErrorBox, useDocumentTitle, Loading, ProgressBar, StatusBadge, cx, useErrorText } from '../components/ui.tsx';
import { CancelJobButton, RerunJobButton, Duration, counterLabel, jobTitle, kindLabel } from '../components/jobs.tsx';

export default function JobPage() {
  const { id } = useParams();
  const { t, formatDate, formatNumber } = useI18n();
  const { job, events, artifacts, error, live, setJob } = useJob(id);
  useDocumentTitle(job ? jobTitle(t, job) : undefined);

  if (error && !job) {
    return (
      <div className="space-y-4">
        <BackLink />
        {error.status === 404 ? <Alert kind="warning">{t('job.notFound')}</Alert> : <ErrorBox error={error} onRetry={() => location.reload()} />}
      </div>
    );
  }
  if (!job) return <Loading />;

  const counters = Object.entries(job.counters ?? {});
  return (
    <div className="space-y-6" data-job-id={job.id} data-status={job.status}>
      <div>
        <BackLink />
        <div className="mt-3 flex flex-wrap items-start justify-between gap-4">
          <div className="min-w-0">
            <h1 className="text-2xl font-semibold tracking-tight break-words text-slate-900">{jobTitle(t, job)}</h1>
            <div className="mt-2 flex flex-wrap items-center gap-2 text-sm text-slate-500">
              <StatusBadge status={job.status} />
              {live && (
                <span className="inline-flex items-center gap-1.5 text-emerald-700">
                  <span className="size-2 animate-pulse rounded-full bg-emerald-500" />
                  {t('jobs.live')}
                </span>
              )}
            </div>
          </div>
          <div className="flex gap-2">
            <CancelJobButton job={job} onCancelled={setJob} size="md" />
            <RerunJobButton job={job} />
          </div>
        </div>
      </div>

      <Card>
        <ProgressBar value={job.progress} status={job.status} label={t('job.progress')} />
        {job.error && (
          <div className="mt-4">
            <Alert kind={job.status === 'failed' ? 'error' : 'warning'}>
              <p className="font-medium">{t('job.error')}</p>
              <p className="mt-1 break-words whitespace-pre-wrap">{job.error}</p>
            </Alert>
          </div>
        )}
        <dl className="mt-5 grid grid-cols-2 gap-4 text-sm sm:grid-cols-3 lg:grid-cols-6">
          <Meta label={t('job.module')} value={t(`${job.module}.title`) === `${job.module}.title` ? job.module : t(`${job.module}.title`)} />
          <Meta label={t('job.kind')} value={kindLabel(t, job)} />
          <Meta label={t('job.created')} value={formatDate(job.created_at)} />
          <Meta label={t('job.started')} value={formatDate(job.started_at)} />
          <Meta label={t('job.duration')} value={<Duration job={job} />} />
          <Meta label={t('job.attempts')} value={String(job.attempts ?? 0)} />
        </dl>
      </Card>

      <div className="grid gap-6 lg:grid-cols-3">
        <div className="space-y-6 lg:col-span-1">
          <Card title={t('job.counters')}>
            {counters.length === 0 ? (
              <p className="text-sm text-slate-500">{t('job.noCounters')}</p>
            ) : (
              <dl className="grid grid-cols-2 gap-3">
                {counters.map(([k, v]) => (
                  <div key={k} className="rounded-lg bg-slate-50 px-3 py-2 ring-1 ring-inset ring-slate-200" data-counter={k}>
                    <dt className="truncate text-xs text-slate-500 first-letter:uppercase">{counterLabel(t, job.module, k)}</dt>
                    <dd className="text-xl font-semibold text-slate-900 tabular-nums">{formatNumber(v)}</dd>
                  </div>
                ))}
              </dl>
            )}
          </Card>
          <Artifacts jobId={job.id} artifacts={artifacts} />
        </div>
        <div className="lg:col-span-2">
          <Log events={events} running={live} module={job.module} />
        </div>
      </div>
    </div>
  );
}

function BackLink() {
  const { t } = useI18n();
  return (
    <Link to="/jobs" className="text-sm font-medium text-indigo-700 hover:text-indigo-900">
      ← {t('job.back')}
    </Link>
  );
}

function Meta({ label, value }: { label: string; value: ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs text-slate-500">{label}</dt>
      <dd className="truncate font-medium text-slate-800">{value}</dd>
    </div>
  );
}

function Artifacts({ jobId, artifacts }: { jobId: string; artifacts: { id: string; name: string; size: number; content_type: string }[] }) {
  const { t, formatBytes: size } = useI18n();
  const errorText = useErrorText();
  const [error, setError] = useState<unknown>();
  return (
    <Card title={t('job.artifacts')}>
      {error !== undefined && (
        <div className="mb-3">
          <Alert>{errorText(error)}</Alert>
        </div>
      )}
      {artifacts.length === 0 ? (
        <p className="text-sm text-slate-500">{t('job.noArtifacts')}</p>
      ) : (
        <ul className="divide-y divide-slate-100">
          {artifacts.map((a) => {
            const href = `/api/jobs/${encodeURIComponent(jobId)}/artifacts/${encodeURIComponent(a.id)}`;
            return (
              <li key={a.id} className="flex items-center justify-between gap-3 py-2">
                <div className="min-w-0">
                  <p className="truncate text-sm font-medium text-slate-900" title={a.name}>{a.name}</p>
                  <p className="text-xs text-slate-500">{size(a.size)}</p>
                </div>
                <Button
                  variant="secondary"
                  size="sm"
                  onClick={() => download(href, a.name).catch((err: unknown) => setError(err))}
                >
                  {t('job.download')}
                </Button>
              </li>
            );
          })}
        </ul>
      )}
    </Card>
  );
}

const levelStyles: Record<string, string> = {
  debug: 'text-slate-400',
  info: 'text-sky-700',
  warn: 'text-amber-700',
  error: 'text-red-700',
};

function Log({ events, running, module }: { events: JobEvent[]; running: boolean; module: string }) {
  const { t, lang, formatTime } = useI18n();
  const [debug, setDebug] = useState(false);
  const [follow, setFollow] = useState(true);
  const box = useRef<HTMLDivElement>(null);
  const lines = useMemo(
    () => events.filter((e) => e.message && (debug || e.level !== 'debug')),
    [events, debug],
  );
  useEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [lines.length, follow]);

  return (
    <Card
      title={t('job.log')}
      actions={
        <div className="flex items-center gap-4 text-sm text-slate-600">
          <label className="flex items-center gap-1.5">
            <input type="checkbox" checked={debug} onChange={(e) => setDebug(e.target.checked)} className="rounded border-slate-300 text-indigo-600" />
            {t('job.showDebug')}
          </label>
          {running && (
            <label className="flex items-center gap-1.5">
              <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} className="rounded border-slate-300 text-indigo-600" />
              {t('job.follow')}
            </label>
          )}
        </div>
      }
    >
      {lines.length === 0 ? (
        <p className="text-sm text-slate-500">{t('job.noLog')}</p>
      ) : (
        <div ref={box} className="-m-2 max-h-[32rem] overflow-y-auto p-2 font-mono text-xs leading-relaxed" data-testid="job-log">
          {lines.map((e) => (
            <div key={e.seq} className="flex gap-3 rounded px-1 hover:bg-slate-50">
              <span className="shrink-0 text-slate-400 tabular-nums">{formatTime(e.ts)}</span>
              <span className={cx('w-12 shrink-0 font-semibold uppercase', levelStyles[e.level ?? 'info'] ?? 'text-slate-500')}>{e.level ? t(`job.level.${e.level}`) : ''}</span>
              <span className="min-w-0 break-words whitespace-pre-wrap text-slate-800">
                {logText(e, module, lang)}
                {debug && e.data && Object.keys(e.data).length > 0 && (
                  <span className="block text-slate-400">{JSON.stringify(e.data)}</span>
                )}
              </span>
            </div>
          ))}
        </div>
      )}
    </Card>
  );
}
