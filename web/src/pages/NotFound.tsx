import { Link } from 'react-router-dom';
import { useI18n } from '../i18n.ts';
import { EmptyState } from '../components/ui.tsx';

export default function NotFoundPage() {
  const { t } = useI18n();
  return (
    <EmptyState
      title={t('common.notFound')}
      action={
        <Link to="/" className="text-sm font-medium text-indigo-700 hover:text-indigo-900">
          {t('common.goHome')}
        </Link>
      }
    >
      {t('common.notFoundText')}
    </EmptyState>
  );
}
