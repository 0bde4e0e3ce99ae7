// Job widgets shared by the jobs pages and the module pages.
//
// Labels: a module can name its job kinds and counters in its strings:
//   registerStrings('vinted', { fr: { 'kind.ingest': 'Import de photos', 'counter.photos': 'Photos' } })
// and they show instead of the raw names.
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { api, isFinished } from '../api.ts';
import type { JobRecord } from '../api.ts';
import { formatDuration, logText, useI18n } from '../i18n.ts';
import { useAuth, hasRole } from '../auth.tsx';
import { useJob } from '../jobs.ts';
import { Alert, Button, Modal, ProgressBar, StatusBadge, useErrorText } from './ui.tsx';

type T = (key: string, vars?: Record<string, string | number>) => string;

/** `t(key)` or `fallback` when the key has no translation. */
function label(t: T, key: string, fallback: string): string {
  const s = t(key);
  return s === key ? fallback : s;
}

/** kind is "<module>.<kind>" or just "<kind>" */
export function kindLabel(t: T, job: Pick<JobRecord, 'module' | 'kind'>): string {
  const short = job.kind.startsWith(`${job.module}.`) ? job.kind.slice(job.module.length + 1) : job.kind;
  return label(t, `${job.module}.kind.${short}`, short);
}

export function counterLabel(t: T, module: string, name: string): string {
  return label(t, `${module}.counter.${name}`, name.replace(/[_-]+/g, ' '));
}

/** The job's title; a `<module>.title.<kind>` string, when registered, replaces a fixed server title. */
export function jobTitle(t: T, job: JobRecord): string {
  const short = job.kind.startsWith(`${job.module}.`) ? job.kind.slice(job.module.length + 1) : job.kind;
  const fixed = t(`${job.module}.title.${short}`);
  if (fixed !== `${job.module}.title.${short}`) return fixed;
  // jobs enqueued by a cron schedule are titled "scheduled: <schedule>" by the server
  if (job.title?.startsWith('scheduled: ')) return t('jobs.scheduled', { kind: kindLabel(t, job) });
  return job.title || t('jobs.untitled', { kind: kindLabel(t, job) });
}

export function moduleLabel(t: T, pick: (x: { fr: string; en: string } | undefined) => string, module: string, titles?: Record<string, { fr: string; en: string }>): string {
  return titles?.[module] ? pick(titles[module]) : label(t, `${module}.title`, module);
}

export function jobDuration(job: JobRecord, now = Date.now()): number | undefined {
  if (!job.started_at) return undefined;
  const end = job.finished_at ? Date.parse(job.finished_at) : now;
  return end - Date.parse(job.started_at);
}

export function Duration({ job }: { job: JobRecord }) {
  const { lang } = useI18n();
  const [, tick] = useState(0);
  const ticking = !!job.started_at && !job.finished_at && !isFinished(job.status);
  useEffect(() => {
    if (!ticking) return;
    const i = setInterval(() => tick((n) => n + 1), 1000);
    return () => clearInterval(i);
  }, [ticking]);
  const ms = jobDuration(job);
  return <span className="tabular-nums">{ms === undefined ? '—' : formatDuration(ms, lang)}</span>;
}

/** "Stop" button with a confirmation; hidden for viewers and finished jobs. */
export function CancelJobButton({ job, onCancelled, size = 'sm' }: { job: JobRecord; onCancelled?: (j: JobRecord) => void; size?: 'sm' | 'md' }) {
  const { t } = useI18n();
  const { user } = useAuth();
  const errorText = useErrorText();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  if (!hasRole(user, 'operator') || isFinished(job.status)) return null;
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const r = await api.post<{ job?: JobRecord } | JobRecord | undefined>(`/api/jobs/${encodeURIComponent(job.id)}/cancel`);
      const j = r && 'job' in r && r.job ? r.job : r && 'status' in r ? (r as JobRecord) : undefined;
      if (j) onCancelled?.(j);
      setOpen(false);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button variant="secondary" size={size} onClick={() => setOpen(true)} data-action="cancel-job">
        {t('jobs.cancel')}
      </Button>
      <Modal
        open={open}
        onClose={() => setOpen(false)}
        title={t('jobs.cancelTitle')}
        actions={
          <>
            <Button variant="secondary" onClick={() => setOpen(false)}>
              {t('jobs.cancelKeep')}
            </Button>
            <Button variant="danger" onClick={confirm} disabled={busy}>
              {t('jobs.cancelConfirm')}
            </Button>
          </>
        }
      >
        <p>{t('jobs.cancelText', { title: jobTitle(t, job) })}</p>
        {error !== undefined && (
          <div className="mt-3">
            <Alert>{errorText(error)}</Alert>
          </div>
        )}
      </Modal>
    </>
  );
}

/** "Run again" for a failed or cancelled job: starts a new job with the same payload and opens it. */
export function RerunJobButton({ job }: { job: JobRecord }) {
  const { t } = useI18n();
  const { user } = useAuth();
  const navigate = useNavigate();
  const errorText = useErrorText();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  if (!hasRole(user, 'operator') || (job.status !== 'failed' && job.status !== 'cancelled')) return null;
  return (
    <div className="flex flex-col items-end gap-2">
      <Button
        variant="secondary"
        disabled={busy}
        data-action="rerun-job"
        onClick={async () => {
          setBusy(true);
          setError(undefined);
          try {
            const r = await api.post<{ job: JobRecord }>(`/api/jobs/${encodeURIComponent(job.id)}/rerun`);
            navigate(`/jobs/${r.job.id}`);
          } catch (err) {
            setError(err);
          } finally {
            setBusy(false);
          }
        }}
      >
        {t('jobs.rerun')}
      </Button>
      {error !== undefined && <Alert>{errorText(error)}</Alert>}
    </div>
  );
}

/**
 * A live card for one job, for module pages: `<JobProgress jobId={id} />` shows its status,
 * progress bar, counters and last log line while it runs, and links to the job's page.
 */
export function JobProgress({ jobId, onFinished }: { jobId: string; onFinished?: (job: JobRecord) => void }) {
  const { t, formatNumber } = useI18n();
  const { job, events, setJob } = useJob(jobId);
  const notified = useRef(false);
  useEffect(() => {
    if (job && isFinished(job.status) && !notified.current) {
      notified.current = true;
      onFinished?.(job);
    }
  }, [job, onFinished]);
  if (!job) return <div className="h-24 animate-pulse rounded-xl bg-slate-100" />;
  const last = [...events].reverse().find((e) => e.message);
  return (
    <div className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-slate-200" data-job-id={job.id}>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <Link to={`/jobs/${job.id}`} className="font-medium text-slate-900 hover:text-indigo-700">
          {jobTitle(t, job)}
        </Link>
        <div className="flex items-center gap-2">
          <StatusBadge status={job.status} />
          <CancelJobButton job={job} onCancelled={setJob} />
        </div>
      </div>
      <ProgressBar className="mt-3" value={job.progress} status={job.status} label={t('job.progress')} />
      {Object.keys(job.counters ?? {}).length > 0 && (
        <dl className="mt-3 flex flex-wrap gap-x-6 gap-y-1 text-sm">
          {Object.entries(job.counters).map(([k, v]) => (
            <div key={k} className="flex gap-1.5">
              <dt className="text-slate-500">{counterLabel(t, job.module, k)}</dt>
              <dd className="font-medium text-slate-900 tabular-nums">{formatNumber(v)}</dd>
            </div>
          ))}
        </dl>
      )}
      {job.error ? (
        <p className="mt-2 text-sm text-red-700">{job.error}</p>
      ) : last?.message ? (
        <p className="mt-2 truncate text-sm text-slate-500">{logText(last, job.module)}</p>
      ) : null}
    </div>
  );
}
