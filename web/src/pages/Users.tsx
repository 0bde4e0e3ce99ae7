// Admins manage who can sign in: add a user with a role, change a role, remove a user.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { Navigate } from 'react-router-dom';
import { api, useApi } from '../api.ts';
import type { Role, User } from '../api.ts';
import { useAuth, hasRole } from '../auth.tsx';
import { useI18n } from '../i18n.ts';
import { Alert, Button, Card, ErrorBox, Field, Loading, Modal, PageHeader, Spinner, useErrorText } from '../components/ui.tsx';

const ROLES: Role[] = ['viewer', 'operator', 'admin'];
const MIN_PASSWORD = 10;

type Row = User & { created_at: string };

const selectClass =
  'rounded-lg border-0 bg-white py-1.5 pr-8 pl-3 text-sm text-slate-800 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600 disabled:bg-slate-50 disabled:text-slate-500';

export default function UsersPage() {
  const { t, formatDate } = useI18n();
  const { user: me } = useAuth();
  const errorText = useErrorText();
  const { data, error, reload } = useApi<{ users: Row[] }>(hasRole(me, 'admin') ? '/api/users' : null);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('operator');
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState<unknown>();
  const [added, setAdded] = useState<string>();
  const [rowError, setRowError] = useState<unknown>();
  const [toDelete, setToDelete] = useState<Row>();

  if (!hasRole(me, 'admin')) return <Navigate to="/" replace />;

  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (password.length < MIN_PASSWORD) {
      setFormError(new Error(t('setup.tooShort', { min: MIN_PASSWORD })));
      return;
    }
    setBusy(true);
    setFormError(undefined);
    setAdded(undefined);
    try {
      const r = await api.post<{ user: User }>('/api/users', { email: email.trim(), password, role });
      setAdded(r.user.email);
      setEmail('');
      setPassword('');
      await reload();
    } catch (err) {
      setFormError(err);
    } finally {
      setBusy(false);
    }
  };

  const changeRole = async (u: Row, r: Role) => {
    setRowError(undefined);
    try {
      await api.patch(`/api/users/${encodeURIComponent(u.id)}`, { role: r });
      await reload();
    } catch (err) {
      setRowError(err);
    }
  };

  const remove = async () => {
    if (!toDelete) return;
    setRowError(undefined);
    try {
      await api.delete(`/api/users/${encodeURIComponent(toDelete.id)}`);
      setToDelete(undefined);
      await reload();
    } catch (err) {
      setToDelete(undefined);
      setRowError(err);
    }
  };

  const formMessage = formError !== undefined ? errorText(formError) : undefined;

  return (
    <div className="space-y-6">
      <PageHeader title={t('users.title')} subtitle={t('users.subtitle')} />

      <Card title={t('users.add')}>
        <form onSubmit={add} className="grid gap-4 md:grid-cols-[1fr_1fr_auto_auto] md:items-end" noValidate>
          <Field label={t('login.email')} type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="off" required />
          <Field
            label={t('users.password')}
            type="password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            autoComplete="new-password"
            required
          />
          <label className="block text-sm font-medium text-slate-800">
            {t('account.role')}
            <select value={role} onChange={(e) => setRole(e.target.value as Role)} className={`mt-1 block ${selectClass}`}>
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`role.${r}`)}
                </option>
              ))}
            </select>
          </label>
          <Button type="submit" disabled={busy || !email || !password}>
            {busy && <Spinner />}
            {t('users.addButton')}
          </Button>
        </form>
        <p className="mt-3 text-sm text-slate-500">
          {t('setup.passwordHint', { min: MIN_PASSWORD })} {t(`users.roleHelp.${role}`)}
        </p>
        {formMessage && (
          <div className="mt-3">
            <Alert>{formMessage}</Alert>
          </div>
        )}
        {added && (
          <div className="mt-3">
            <Alert kind="success">{t('users.added', { email: added })}</Alert>
          </div>
        )}
      </Card>

      <Card title={t('users.list')}>
        {rowError !== undefined && (
          <div className="mb-3">
            <Alert>{errorText(rowError)}</Alert>
          </div>
        )}
        {error && !data ? (
          <ErrorBox error={error} onRetry={() => void reload()} />
        ) : !data ? (
          <Loading />
        ) : (
          <div className="overflow-x-auto">
            <table className="min-w-full divide-y divide-slate-200 text-sm">
              <thead className="text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
                <tr>
                  <th className="py-2 pr-4">{t('login.email')}</th>
                  <th className="py-2 pr-4">{t('account.role')}</th>
                  <th className="py-2 pr-4">{t('users.since')}</th>
                  <th className="py-2" />
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {data.users.map((u) => (
                  <tr key={u.id} data-user={u.email}>
                    <td className="py-2 pr-4 font-medium break-all text-slate-900">
                      {u.email}
                      {u.id === me?.id && <span className="ml-2 text-xs font-normal text-slate-500">({t('users.you')})</span>}
                    </td>
                    <td className="py-2 pr-4">
                      <select
                        aria-label={t('account.role')}
                        value={u.role}
                        disabled={u.id === me?.id}
                        title={u.id === me?.id ? t('users.selfRole') : undefined}
                        onChange={(e) => void changeRole(u, e.target.value as Role)}
                        className={selectClass}
                      >
                        {ROLES.map((r) => (
                          <option key={r} value={r}>
                            {t(`role.${r}`)}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td className="py-2 pr-4 whitespace-nowrap text-slate-600">{formatDate(u.created_at)}</td>
                    <td className="py-2 text-right">
                      {u.id !== me?.id && (
                        <Button variant="dangerGhost" size="sm" onClick={() => setToDelete(u)}>
                          {t('common.delete')}
                        </Button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Card>

      <Modal
        open={!!toDelete}
        onClose={() => setToDelete(undefined)}
        title={t('users.deleteTitle')}
        actions={
          <>
            <Button variant="secondary" onClick={() => setToDelete(undefined)}>
              {t('common.cancel')}
            </Button>
            <Button variant="danger" onClick={() => void remove()}>
              {t('common.delete')}
            </Button>
          </>
        }
      >
        <p>{t('users.deleteText', { email: toDelete?.email ?? '' })}</p>
      </Modal>
    </div>
  );
}
