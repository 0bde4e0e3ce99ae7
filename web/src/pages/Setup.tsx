// First run: create the administrator (POST /api/auth/setup works only while no user exists).
import { useState } from 'react';
import type { FormEvent } from 'react';
import { Navigate, useNavigate } from 'react-router-dom';
import { ApiError } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { useI18n } from '../i18n.ts';
import { Alert, Button, Field, Spinner, useErrorText } from '../components/ui.tsx';
import { AuthFrame } from './Login.tsx';

// The server has the final word (its message is shown); this only spares a round trip.
const MIN_PASSWORD = 10;

export default function SetupPage() {
  const { t } = useI18n();
  const { status, needsSetup, setup, check } = useAuth();
  const errorText = useErrorText();
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [touched, setTouched] = useState(false);

  if (status === 'signedIn') return <Navigate to="/" replace />;
  if (!needsSetup) return <Navigate to="/login" replace />;

  const tooShort = password.length > 0 && password.length < MIN_PASSWORD;
  const mismatch = confirm.length > 0 && confirm !== password;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (password.length < MIN_PASSWORD || confirm !== password) return;
    setBusy(true);
    setError(undefined);
    try {
      await setup(email.trim(), password);
      navigate('/', { replace: true });
    } catch (err) {
      if (err instanceof ApiError && (err.status === 409 || err.status === 403)) {
        // someone else created the admin in the meantime
        setError(t('setup.done'));
        await check();
      } else setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <AuthFrame title={t('setup.title')} subtitle={t('setup.subtitle')}>
      <form onSubmit={submit} className="space-y-4" noValidate>
        {error && <Alert>{error}</Alert>}
        <Field label={t('setup.email')} type="email" name="email" autoComplete="username" required autoFocus value={email} onChange={(e) => setEmail(e.target.value)} />
        <Field
          label={t('setup.password')}
          type="password"
          name="password"
          autoComplete="new-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          hint={t('setup.passwordHint', { min: MIN_PASSWORD })}
          error={(touched || tooShort) && password.length < MIN_PASSWORD && password.length > 0 ? t('setup.tooShort', { min: MIN_PASSWORD }) : undefined}
        />
        <Field
          label={t('setup.confirm')}
          type="password"
          name="confirm"
          autoComplete="new-password"
          required
          value={confirm}
          onChange={(e) => setConfirm(e.target.value)}
          error={mismatch || (touched && confirm !== password) ? t('setup.mismatch') : undefined}
        />
        <Button type="submit" className="w-full" disabled={busy || !email || !password || !confirm}>
          {busy && <Spinner />}
          {busy ? t('setup.submitting') : t('setup.submit')}
        </Button>
      </form>
    </AuthFrame>
  );
}
