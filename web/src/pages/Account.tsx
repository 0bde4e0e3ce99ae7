// The signed-in user's profile, interface language and personal API tokens.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { api, useApi } from '../api.ts';
import { useAuth } from '../auth.tsx';
import { useI18n } from '../i18n.ts';
import { Alert, Button, Card, CopyButton, ErrorBox, Field, Loading, Modal, PageHeader, Spinner, useErrorText } from '../components/ui.tsx';
import { LanguageSwitch } from '../components/Layout.tsx';

interface Token {
  id: string;
  name: string;
  prefix: string;
  created_at?: string;
  last_used_at?: string | null;
}

export default function AccountPage() {
  const { t } = useI18n();
  const { user } = useAuth();
  return (
    <div className="space-y-6">
      <PageHeader title={t('account.title')} />
      <Card title={t('account.profile')}>
        <dl className="grid gap-4 text-sm sm:grid-cols-3">
          <div>
            <dt className="text-slate-500">{t('account.email')}</dt>
            <dd className="font-medium break-all text-slate-900">{user?.email}</dd>
          </div>
          <div>
            <dt className="text-slate-500">{t('account.role')}</dt>
            <dd className="font-medium text-slate-900">{user ? t(`role.${user.role}`) : ''}</dd>
          </div>
          <div>
            <dt className="mb-1 text-slate-500">{t('account.language')}</dt>
            <dd>
              <LanguageSwitch />
            </dd>
          </div>
        </dl>
      </Card>
      <Tokens />
    </div>
  );
}

function Tokens() {
  const { t, formatDate } = useI18n();
  const errorText = useErrorText();
  const { data, error, loading, reload } = useApi<Token[] | { tokens: Token[] }>('/api/tokens');
  const tokens = Array.isArray(data) ? data : data?.tokens;
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [formError, setFormError] = useState<unknown>();
  const [created, setCreated] = useState<{ token: string; name: string }>();
  const [toDelete, setToDelete] = useState<Token>();
  const [deleteError, setDeleteError] = useState<unknown>();

  const create = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return;
    setBusy(true);
    setFormError(undefined);
    try {
      const r = await api.post<{ token: string; id: string; name: string; prefix: string }>('/api/tokens', { name: name.trim() });
      setCreated({ token: r.token, name: r.name });
      setName('');
      await reload();
    } catch (err) {
      setFormError(err);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!toDelete) return;
    setDeleteError(undefined);
    try {
      await api.delete(`/api/tokens/${encodeURIComponent(toDelete.id)}`);
      setToDelete(undefined);
      await reload();
    } catch (err) {
      setDeleteError(err);
    }
  };

  return (
    <Card title={t('tokens.title')}>
      <p className="max-w-3xl text-sm text-slate-600">{t('tokens.intro')}</p>

      <form onSubmit={create} className="mt-5 flex flex-wrap items-end gap-3">
        <div className="w-full max-w-sm">
          <Field label={t('tokens.name')} placeholder={t('tokens.namePlaceholder')} value={name} onChange={(e) => setName(e.target.value)} maxLength={100} />
        </div>
        <Button type="submit" disabled={busy || !name.trim()}>
          {busy && <Spinner />}
          {busy ? t('tokens.creating') : t('tokens.create')}
        </Button>
      </form>
      {formError !== undefined && (
        <div className="mt-3">
          <Alert>{errorText(formError)}</Alert>
        </div>
      )}

      {created && (
        <div className="mt-5 rounded-xl bg-emerald-50 p-4 ring-1 ring-emerald-200" data-testid="new-token">
          <p className="font-medium text-emerald-900">
            {t('tokens.newTitle')} — {created.name}
          </p>
          <p className="mt-1 text-sm text-emerald-800">{t('tokens.newText')}</p>
          <div className="mt-3 flex flex-wrap items-center gap-2">
            <code className="min-w-0 flex-1 rounded-lg bg-white px-3 py-2 font-mono text-sm break-all text-slate-900 ring-1 ring-emerald-200 select-all">{created.token}</code>
            <CopyButton text={created.token} />
            <Button variant="ghost" size="sm" onClick={() => setCreated(undefined)}>
              {t('common.close')}
            </Button>
          </div>
          <p className="mt-2 font-mono text-xs text-emerald-800">{t('tokens.usage')}</p>
        </div>
      )}

      <div className="mt-6">
        {error && !tokens ? (
          <ErrorBox error={error} onRetry={() => void reload()} />
        ) : loading && !tokens ? (
          <Loading />
        ) : !tokens || tokens.length === 0 ? (
          <p className="text-sm text-slate-500">{t('tokens.empty')}</p>
        ) : (
          <div className="overflow-x-auto">
            <table className="min-w-full divide-y divide-slate-200 text-sm">
              <thead className="text-left text-xs font-semibold tracking-wide text-slate-500 uppercase">
                <tr>
                  <th className="py-2 pr-4">{t('tokens.col.name')}</th>
                  <th className="py-2 pr-4">{t('tokens.col.prefix')}</th>
                  <th className="py-2 pr-4">{t('tokens.col.created')}</th>
                  <th className="py-2 pr-4">{t('tokens.col.lastUsed')}</th>
                  <th className="py-2" />
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {tokens.map((tok) => (
                  <tr key={tok.id} data-token-id={tok.id}>
                    <td className="py-2 pr-4 font-medium text-slate-900">{tok.name}</td>
                    <td className="py-2 pr-4 font-mono text-slate-600">{tok.prefix}…</td>
                    <td className="py-2 pr-4 whitespace-nowrap text-slate-600">{formatDate(tok.created_at)}</td>
                    <td className="py-2 pr-4 whitespace-nowrap text-slate-600">{tok.last_used_at ? formatDate(tok.last_used_at) : t('tokens.never')}</td>
                    <td className="py-2 text-right">
                      <Button variant="dangerGhost" size="sm" onClick={() => setToDelete(tok)}>
                        {t('common.delete')}
                      </Button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>

      <Modal
        open={!!toDelete}
        onClose={() => setToDelete(undefined)}
        title={t('tokens.deleteTitle')}
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
        <p>{t('tokens.deleteText', { name: toDelete?.name ?? '' })}</p>
        {deleteError !== undefined && (
          <div className="mt-3">
            <Alert>{errorText(deleteError)}</Alert>
          </div>
        )}
      </Modal>
    </Card>
  );
}
