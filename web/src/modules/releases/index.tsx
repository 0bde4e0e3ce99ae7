// Placeholder page of the releases module (written by the web shell; the releases module owns this file).
// The shell lazy-loads this default export at /releases/* inside its layout (header, navigation).
import './i18n.ts';
import { useI18n } from '../../i18n.ts';

export default function Page() {
  const { t } = useI18n();
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold text-slate-900">{t('releases.title')}</h1>
      <p className="text-slate-600">{t('releases.empty')}</p>
    </div>
  );
}
