// Strings of the promoteurs module pages (placeholder written by the web shell; the promoteurs module owns this file).
import { registerStrings } from '../../i18n.ts';

registerStrings('promoteurs', {
  fr: { title: 'Promoteurs', empty: 'Cette page arrive bientôt.' },
  en: { title: 'Developers', empty: 'This page is coming soon.' },
});
