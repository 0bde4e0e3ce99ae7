// Sign-in page. Sends to /setup on a fresh install (no user yet).
import { useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { ApiError } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { useI18n } from '../i18n.ts';
import { Alert, Button, Field, Spinner, useDocumentTitle, useErrorText } from '../components/ui.tsx';
import { LanguageSwitch, Logo } from '../components/Layout.tsx';

/** Centered card used by the sign-in and first-run pages. */
export function AuthFrame({ title, subtitle, children }: { title: string; subtitle: ReactNode; children: ReactNode }) {
  useDocumentTitle(title);
  return (
    <div className="flex min-h-screen flex-col bg-gradient-to-b from-indigo-50 to-slate-50">
      <div className="flex items-center justify-between px-6 py-4">
        <Logo />
        <LanguageSwitch />
      </div>
      <div className="flex flex-1 items-start justify-center px-4 pt-8 pb-16 sm:pt-16">
        <div className="w-full max-w-md rounded-2xl bg-white p-8 shadow-sm ring-1 ring-slate-200">
          <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{title}</h1>
          <p className="mt-1 text-sm text-slate-600">{subtitle}</p>
          <div className="mt-6">{children}</div>
        </div>
      </div>
    </div>
  );
}

export default function LoginPage() {
  const { t } = useI18n();
  const { status, needsSetup, expired, login } = useAuth();
  const errorText = useErrorText();
  const navigate = useNavigate();
  const location = useLocation();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();

  const next = new URLSearchParams(location.search).get('next');
  const target = next && next.startsWith('/') && !next.startsWith('//') ? next : '/';
  if (status === 'signedIn') return <Navigate to={target} replace />;
  if (needsSetup) return <Navigate to="/setup" replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await login(email.trim(), password);
      navigate(target, { replace: true });
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setError(t('login.invalid'));
      else if (err instanceof ApiError && err.code === 'account_locked') setError(errorText(err));
      else if (err instanceof ApiError && err.status === 429) setError(t('login.rateLimited'));
      else setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthFrame title={t('login.title')} subtitle={t('login.subtitle')}>
      <form onSubmit={submit} className="space-y-4" noValidate>
        {expired && !error && <Alert kind="info">{t('login.expired')}</Alert>}
        {error && <Alert>{error}</Alert>}
        <Field label={t('login.email')} type="email" name="email" autoComplete="username" required autoFocus value={email} onChange={(e) => setEmail(e.target.value)} />
        <Field label={t('login.password')} type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        <Button type="submit" className="w-full" disabled={busy || !email || !password}>
          {busy && <Spinner />}
          {busy ? t('login.submitting') : t('login.submit')}
        </Button>
      </form>
    </AuthFrame>
  );
}
