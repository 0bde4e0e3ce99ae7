// Placeholder page of the promoteurs module (written by the web shell; the promoteurs module owns this file).
// The shell lazy-loads this default export at /promoteurs/* inside its layout (header, navigation).
import './i18n.ts';
import { useI18n } from '../../i18n.ts';

export default function Page() {
  const { t } = useI18n();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold text-slate-900">{t('promoteurs.title')}</h1>
      <p className="text-slate-600">{t('promoteurs.empty')}</p>
    </div>
  );
}
