// Title/description templates ({Variable}, filters, sections), saved for the next plans.
import { useEffect, useState } from 'react';
import { api, ApiError } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { Alert, Button } from '../../components/ui.tsx';

interface T { title: string; description: string }

export function Templates({ onSaved }: { onSaved: () => void }) {
  const { t } = useI18n();
  const [cur, setCur] = useState<T>();
  const [defaults, setDefaults] = useState<T>();
  const [error, setError] = useState<string>();
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    void api.get<{ templates: T; defaults: T }>('/api/vinted/settings/templates').then((r) => {
      setCur(r.templates);
      setDefaults(r.defaults);
    }).catch((e) => setError(String(e)));
  }, []);

  if (!cur || !defaults) return error ? <Alert>{error}</Alert> : null;

  const save = async (body: Partial<T>) => {
    setError(undefined);
    setSaved(false);
    try {
      const r = await api.put<{ templates: T }>('/api/vinted/settings/templates', body);
      setCur(r.templates);
      setSaved(true);
      onSaved();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };

  const area = 'mt-1 block w-full rounded-md border-0 px-2 py-1.5 font-mono text-xs text-slate-900 ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600';
  return (
    <details className="mb-4 rounded-lg bg-slate-50 p-3 text-sm">
      <summary className="cursor-pointer font-medium text-slate-700">{t('vinted.templates')}</summary>
      <p className="mt-2 text-xs text-slate-500">{t('vinted.templates.help')}</p>
      <label className="mt-3 block">
        <span className="text-xs font-medium text-slate-600">{t('vinted.templates.title')}</span>
        <input aria-label={t('vinted.templates.title')} className={area} value={cur.title} onChange={(e) => setCur({ ...cur, title: e.target.value })} />
      </label>
      <label className="mt-3 block">
        <span className="text-xs font-medium text-slate-600">{t('vinted.templates.description')}</span>
        <textarea aria-label={t('vinted.templates.description')} rows={4} className={area} value={cur.description} onChange={(e) => setCur({ ...cur, description: e.target.value })} />
      </label>
      {error && <div className="mt-3"><Alert>{error}</Alert></div>}
      <div className="mt-3 flex items-center gap-2">
        <Button size="sm" onClick={() => void save(cur)}>{t('vinted.templates.save')}</Button>
        <Button size="sm" variant="secondary" onClick={() => void save({ title: '', description: '' })}>{t('vinted.templates.reset')}</Button>
        {saved && <span className="text-xs text-emerald-700">{t('vinted.saved')}</span>}
      </div>
    </details>
  );
}
