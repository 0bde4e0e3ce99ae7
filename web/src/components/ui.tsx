// Small building blocks shared by the shell and the module pages, so every page looks the same.
import { useEffect, useId, useRef, useState } from 'react';
import type { ButtonHTMLAttributes, InputHTMLAttributes, ReactNode } from 'react';
import { useI18n } from '../i18n.ts';
import { ApiError } from '../api.ts';
import type { JobStatus } from '../api.ts';

export function cx(...parts: Array<string | false | null | undefined>): string {
  return parts.filter(Boolean).join(' ');
}

type Variant = 'primary' | 'secondary' | 'danger' | 'ghost' | 'dangerGhost';
const variants: Record<Variant, string> = {
  primary: 'bg-indigo-600 text-white shadow-sm hover:bg-indigo-500 focus-visible:outline-indigo-600 disabled:bg-indigo-300',
  secondary: 'bg-white text-slate-800 shadow-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50 disabled:text-slate-400',
  danger: 'bg-red-600 text-white shadow-sm hover:bg-red-500 focus-visible:outline-red-600 disabled:bg-red-300',
  ghost: 'text-slate-700 hover:bg-slate-100 disabled:text-slate-400',
  dangerGhost: 'text-red-700 hover:bg-red-50 disabled:text-red-300',
};

export function Button({
  variant = 'primary',
  size = 'md',
  className,
  ...props
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: Variant; size?: 'sm' | 'md' }) {
  return (
    <button
      type="button"
      {...props}
      className={cx(
        'inline-flex items-center justify-center gap-2 rounded-lg font-medium transition-colors',
        'focus-visible:outline-2 focus-visible:outline-offset-2 disabled:cursor-not-allowed',
        size === 'sm' ? 'px-2.5 py-1.5 text-sm' : 'px-4 py-2 text-sm',
        variants[variant],
        className,
      )}
    />
  );
}

export function Card({ children, className, title, actions }: { children: ReactNode; className?: string; title?: ReactNode; actions?: ReactNode }) {
  return (
    <section className={cx('rounded-xl bg-white shadow-sm ring-1 ring-slate-200', className)}>
      {(title || actions) && (
        <header className="flex flex-wrap items-center justify-between gap-x-4 gap-y-2 border-b border-slate-100 px-5 py-3">
          <h2 className="text-base font-semibold text-slate-900">{title}</h2>
          {actions}
        </header>
      )}
      <div className="p-5">{children}</div>
    </section>
  );
}

/** Sets the browser tab's title ("Tâches · atelier") while the page is shown. */
export function useDocumentTitle(title: string | undefined): void {
  useEffect(() => {
    if (!title) return;
    const before = document.title;
    document.title = `${title} · atelier`;
    return () => {
      document.title = before;
    };
  }, [title]);
}

export function PageHeader({ title, subtitle, actions }: { title: ReactNode; subtitle?: ReactNode; actions?: ReactNode }) {
  useDocumentTitle(typeof title === 'string' ? title : undefined);
  return (
    <div className="mb-6 flex flex-wrap items-end justify-between gap-4">
      <div className="min-w-0">
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{title}</h1>
        {subtitle && <p className="mt-1 text-sm text-slate-600">{subtitle}</p>}
      </div>
      {actions && <div className="flex flex-wrap gap-2">{actions}</div>}
    </div>
  );
}

export function Field({ label, hint, error, ...props }: InputHTMLAttributes<HTMLInputElement> & { label: ReactNode; hint?: ReactNode; error?: ReactNode }) {
  const id = useId();
  return (
    <div>
      <label htmlFor={props.id ?? id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <input
        id={props.id ?? id}
        {...props}
        className={cx(
          'mt-1 block w-full rounded-lg border-0 px-3 py-2 text-slate-900 shadow-sm ring-1 ring-inset placeholder:text-slate-400',
          'focus:ring-2 focus:ring-inset focus:outline-none',
          error ? 'ring-red-400 focus:ring-red-500' : 'ring-slate-300 focus:ring-indigo-600',
          props.className,
        )}
      />
      {error ? <p className="mt-1 text-sm text-red-600">{error}</p> : hint ? <p className="mt-1 text-sm text-slate-500">{hint}</p> : null}
    </div>
  );
}

export function Alert({ kind = 'error', children }: { kind?: 'error' | 'info' | 'success' | 'warning'; children: ReactNode }) {
  const styles = {
    error: 'bg-red-50 text-red-800 ring-red-200',
    info: 'bg-sky-50 text-sky-800 ring-sky-200',
    success: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
    warning: 'bg-amber-50 text-amber-900 ring-amber-200',
  }[kind];
  return (
    <div role={kind === 'error' ? 'alert' : 'status'} className={cx('rounded-lg px-4 py-3 text-sm ring-1 ring-inset', styles)}>
      {children}
    </div>
  );
}

/**
 * Turns any error into a sentence for the user: a translated one for the errors the shell knows,
 * otherwise the server's own message (precise, but in English).
 */
export function useErrorText(): (err: unknown) => string {
  const { t } = useI18n();
  return (err) => {
    if (err instanceof ApiError) {
      if (err.status === 0) return t('common.network');
      if (err.code === 'weak_password') return /too easy/.test(err.message) ? t('setup.tooEasy') : t('setup.tooShort', { min: 10 });
      if (err.code === 'account_locked') return t('login.locked', { seconds: (err.details as { retry_after?: number } | undefined)?.retry_after ?? 60 });
      if (err.code === 'cross_site') return t('error.crossSite');
      if (err.code === 'bad_path') return t('error.badPath');
      if (err.code === 'invalid_user') return /already exists/.test(err.message) ? t('user.exists') : /invalid email/.test(err.message) ? t('user.invalidEmail') : err.message;
      if (err.status === 429) return t('login.rateLimited');
      if (err.code === 'validation') return validationText(t, err.details);
      return err.message || t('common.error');
    }
    if (err instanceof Error && err.message) return err.message;
    return t('common.error');
  };
}

const PROBLEMS = ['invalid_type', 'too_small', 'too_big', 'invalid_format', 'invalid_value', 'unrecognized_keys'];

/** A 400 `validation` answer (details = the schema's issues) as "Donnée refusée : « prix » est trop petit." */
export function validationText(t: (k: string, v?: Record<string, string | number>) => string, details: unknown): string {
  const issues = Array.isArray(details) ? (details as Array<{ instancePath?: string; keyword?: string; params?: { issue?: { path?: unknown[]; code?: string; input?: unknown } } }>) : [];
  const parts = issues.slice(0, 3).map((v) => {
    const path = v.params?.issue?.path?.map(String).join('.') || (v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
    const code = v.params?.issue?.code ?? v.keyword ?? '';
    const required = code === 'invalid_type' && v.params?.issue && 'input' in v.params.issue && v.params.issue.input === undefined;
    const problem = t(`error.problem.${required ? 'required' : PROBLEMS.includes(code) ? code : 'other'}`);
    return t('error.validationField', { field: path || t('error.body'), problem });
  });
  return t('error.validation', { fields: parts.length ? parts.join(', ') : t('error.problem.other') });
}

/** Whether trying the same request again may work: not for a refused input (4xx but 408/429). */
export function retryable(err: unknown): boolean {
  if (!(err instanceof ApiError)) return true;
  return !(err.status >= 400 && err.status < 500 && err.status !== 408 && err.status !== 429);
}

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useI18n();
  const text = useErrorText();
  return (
    <Alert>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <span>{text(error)}</span>
        {onRetry && retryable(error) && (
          <Button variant="secondary" size="sm" onClick={onRetry}>
            {t('common.retry')}
          </Button>
        )}
      </div>
    </Alert>
  );
}

export function Spinner({ className }: { className?: string }) {
  return (
    <svg className={cx('animate-spin text-current', className ?? 'size-4')} viewBox="0 0 24 24" fill="none" aria-hidden="true">
      <circle className="opacity-25" cx="12" cy="12" r="10" stroke="currentColor" strokeWidth="4" />
      <path className="opacity-75" fill="currentColor" d="M4 12a8 8 0 0 1 8-8v4a4 4 0 0 0-4 4H4z" />
    </svg>
  );
}

export function Loading() {
  const { t } = useI18n();
  return (
    <div className="flex items-center gap-2 py-8 text-slate-500">
      <Spinner /> {t('common.loading')}
    </div>
  );
}

export function EmptyState({ title, children, action }: { title: ReactNode; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className="rounded-xl border-2 border-dashed border-slate-200 px-6 py-10 text-center">
      <p className="font-medium text-slate-800">{title}</p>
      {children && <p className="mx-auto mt-1 max-w-md text-sm text-slate-500">{children}</p>}
      {action && <div className="mt-4">{action}</div>}
    </div>
  );
}

const statusStyles: Record<JobStatus, string> = {
  queued: 'bg-slate-100 text-slate-700 ring-slate-300',
  running: 'bg-indigo-50 text-indigo-700 ring-indigo-200',
  retrying: 'bg-amber-50 text-amber-800 ring-amber-200',
  completed: 'bg-emerald-50 text-emerald-700 ring-emerald-200',
  failed: 'bg-red-50 text-red-700 ring-red-200',
  cancelled: 'bg-slate-100 text-slate-500 ring-slate-200',
};

export function StatusBadge({ status }: { status: JobStatus }) {
  const { t } = useI18n();
  return (
    <span
      data-status={status}
      className={cx('inline-flex items-center gap-1.5 rounded-full px-2.5 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset', statusStyles[status])}
    >
      {(status === 'running' || status === 'retrying') && <span className="size-1.5 animate-pulse rounded-full bg-current" />}
      {t(`status.${status}`)}
    </span>
  );
}

const barColors: Record<JobStatus, string> = {
  queued: 'bg-slate-300',
  running: 'bg-indigo-500',
  retrying: 'bg-amber-500',
  completed: 'bg-emerald-500',
  failed: 'bg-red-500',
  cancelled: 'bg-slate-400',
};

function percent(x: number, lang: string): string {
  return new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { style: 'percent', maximumFractionDigits: 0 }).format(x);
}

export function ProgressBar({ value, status = 'running', label, className }: { value: number; status?: JobStatus; label?: string; className?: string }) {
  const { lang } = useI18n();
  const v = Math.max(0, Math.min(100, Math.round(value || 0)));
  return (
    <div className={cx('flex items-center gap-3', className)}>
      <div
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={v}
        aria-label={label}
        className="h-2.5 flex-1 overflow-hidden rounded-full bg-slate-100 ring-1 ring-inset ring-slate-200"
      >
        <div className={cx('h-full rounded-full transition-[width] duration-500 ease-out', barColors[status])} style={{ width: `${v}%` }} />
      </div>
      <span className="w-12 shrink-0 text-right text-sm whitespace-nowrap text-slate-700 tabular-nums">{percent(v / 100, lang)}</span>
    </div>
  );
}

/** A small modal dialog (native <dialog>: focus trap and Escape for free). */
export function Modal({ open, title, children, actions, onClose }: { open: boolean; title: ReactNode; children: ReactNode; actions: ReactNode; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      onClose={onClose}
      // a dialog opened from a table cell inherits its text-align and nowrap (the /jobs Arrêter
      // confirmation was cut off): reset both, and keep it inside a 390 px screen
      className="m-auto w-[calc(100%-2rem)] max-w-md rounded-xl bg-white p-0 text-left whitespace-normal shadow-xl backdrop:bg-slate-900/40"
    >
      <div className="p-6">
        <h2 className="text-lg font-semibold text-slate-900">{title}</h2>
        <div className="mt-2 text-sm text-slate-600">{children}</div>
        <div className="mt-6 flex flex-wrap justify-end gap-2">{actions}</div>
      </div>
    </dialog>
  );
}

export function CopyButton({ text }: { text: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  return (
    <Button
      variant="secondary"
      size="sm"
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(text);
        } catch {
          // clipboard API refused (plain http): select the text for a manual copy instead
          return;
        }
        setCopied(true);
        setTimeout(() => setCopied(false), 2000);
      }}
    >
      {copied ? t('common.copied') : t('common.copy')}
    </Button>
  );
}
