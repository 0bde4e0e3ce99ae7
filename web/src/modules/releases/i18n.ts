// Strings of the releases module pages (placeholder written by the web shell; the releases module owns this file).
import { registerStrings } from '../../i18n.ts';

registerStrings('releases', {
  fr: { title: 'Packer', empty: 'Cette page arrive bientôt.' },
  en: { title: 'Packer', empty: 'This page is coming soon.' },
});
