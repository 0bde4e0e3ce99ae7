// Landing page after sign-in: the workshops and the latest jobs.
import { Link } from 'react-router-dom';
import { useAuth } from '../auth.tsx';
import { useI18n } from '../i18n.ts';
import { useJobList } from '../jobs.ts';
import { Card, ErrorBox, Loading, PageHeader, ProgressBar, StatusBadge } from '../components/ui.tsx';
import { jobTitle } from '../components/jobs.tsx';
import { useModules } from '../components/Layout.tsx';

const icons: Record<string, string> = {
  vinted: 'M4 7h16l-1.5 12.5a1 1 0 0 1-1 .9H6.5a1 1 0 0 1-1-.9L4 7Zm4 0V6a4 4 0 1 1 8 0v1',
  promoteurs: 'M3 21h18M5 21V8l7-4 7 4v13M9 21v-5h6v5M9 11h.01M15 11h.01',
  releases: 'M21 8 12 3 3 8v8l9 5 9-5V8Zm-18 0 9 5 9-5M12 13v8',
};

export default function HomePage() {
  const { t, pick } = useI18n();
  const { user } = useAuth();
  const modules = useModules();
  const { jobs, error, reload } = useJobList('limit=5');

  return (
    <div className="space-y-8">
      <PageHeader title={`${t('home.title')}${user ? `, ${user.email.split('@')[0]}` : ''}`} subtitle={t('home.subtitle')} />

      <section>
        <h2 className="mb-3 text-sm font-semibold tracking-wide text-slate-500 uppercase">{t('home.modules')}</h2>
        {!modules ? (
          <Loading />
        ) : (
          <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
            {modules.map((m) => (
              <Link
                key={m.name}
                to={`/${m.name}`}
                className="group rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200 transition hover:shadow-md hover:ring-indigo-300"
              >
                <div className="flex items-center gap-3">
                  <span className="grid size-10 place-items-center rounded-lg bg-indigo-50 text-indigo-600">
                    <svg viewBox="0 0 24 24" className="size-6" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
                      <path d={icons[m.name] ?? icons.releases} />
                    </svg>
                  </span>
                  <h3 className="text-lg font-semibold text-slate-900">{pick(m.title) || t(`${m.name}.title`)}</h3>
                </div>
                <p className="mt-3 text-sm text-slate-600">{t(`module.${m.name}.desc`)}</p>
                <p className="mt-4 text-sm font-medium text-indigo-700 group-hover:text-indigo-900">{t('home.open')} →</p>
              </Link>
            ))}
          </div>
        )}
      </section>

      <Card
        title={t('home.recent')}
        actions={
          <Link to="/jobs" className="text-sm font-medium text-indigo-700 hover:text-indigo-900">
            {t('home.allJobs')} →
          </Link>
        }
      >
        {error && !jobs ? (
          <ErrorBox error={error} onRetry={() => void reload()} />
        ) : !jobs ? (
          <Loading />
        ) : jobs.length === 0 ? (
          <p className="text-sm text-slate-500">{t('home.noJobs')}</p>
        ) : (
          <ul className="divide-y divide-slate-100">
            {jobs.map((job) => (
              <li key={job.id}>
                <Link to={`/jobs/${job.id}`} className="grid grid-cols-1 items-center gap-2 py-3 hover:bg-slate-50 sm:grid-cols-[1fr_auto_16rem] sm:gap-4">
                  <span className="truncate font-medium text-slate-900">{jobTitle(t, job)}</span>
                  <StatusBadge status={job.status} />
                  <ProgressBar value={job.progress} status={job.status} label={jobTitle(t, job)} />
                </Link>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
