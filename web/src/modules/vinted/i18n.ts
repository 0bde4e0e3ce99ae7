// Strings of the vinted module pages (placeholder written by the web shell; the vinted module owns this file).
import { registerStrings } from '../../i18n.ts';

registerStrings('vinted', {
  fr: { title: 'Studio Vinted', empty: 'Cette page arrive bientôt.' },
  en: { title: 'Vinted Studio', empty: 'This page is coming soon.' },
});
