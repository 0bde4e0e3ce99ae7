// What the seller is told when publishing does not go as planned, in French and English
// (ATELIER_LANG for the CLI and the stored text; the web app has the same codes in
// web/src/modules/vinted/i18n.ts under `publish.error.*` / `queue.code.*`).
export type Lang = 'fr' | 'en';

const M: Record<string, { fr: string; en: string }> = {
  captcha: {
    fr: 'Vinted a demandé une vérification anti-robot (DataDome). La file de ce compte est arrêtée et rien ne sera réessayé automatiquement : ouvrez Vinted dans votre navigateur, faites la vérification vous-même, puis publiez cet article à la main ou relancez la file.',
    en: 'Vinted asked for an anti-bot check (DataDome). This account\'s queue is stopped and nothing will be retried automatically: open Vinted in your browser, pass the check yourself, then publish this article by hand or restart the queue.',
  },
  html_block: {
    fr: 'Vinted a répondu par une page web au lieu de données (blocage anti-robot, ou adresse VINTED_BASE_URL erronée). La file de ce compte est arrêtée.',
    en: 'Vinted answered with a web page instead of data (an anti-bot block, or a wrong VINTED_BASE_URL). This account\'s queue is stopped.',
  },
  reconnect: {
    fr: 'La session Vinted de ce compte a expiré ou a été révoquée. Reconnectez le compte (collez de nouveaux cookies) : la file reprendra là où elle s\'est arrêtée, sans rien publier deux fois.',
    en: 'This account\'s Vinted session expired or was revoked. Reconnect the account (paste new cookies): the queue will resume where it stopped, without publishing anything twice.',
  },
  access_denied: {
    fr: 'Vinted a refusé l\'action (accès refusé). La file de ce compte est arrêtée : vérifiez que le navigateur d\'où viennent les cookies est connecté à ce compte.',
    en: 'Vinted refused the action (access denied). This account\'s queue is stopped: check that the browser the cookies come from is logged into this account.',
  },
  rate_limited: { fr: 'Vinted demande de ralentir (429). Nouvel essai à {at}.', en: 'Vinted asks to slow down (429). Next try at {at}.' },
  server: { fr: 'Vinted répond mal ({status}). Nouvel essai à {at}.', en: 'Vinted is failing ({status}). Next try at {at}.' },
  network: { fr: 'Vinted ne répond pas (délai dépassé ou réseau). Nouvel essai à {at}.', en: 'Vinted does not answer (timeout or network). Next try at {at}.' },
  circuit_open: { fr: 'Vinted semble en panne (erreurs répétées) : la file de ce compte fait une pause jusqu\'à {at}.', en: 'Vinted seems down (repeated errors): this account\'s queue pauses until {at}.' },
  validation: { fr: 'Vinted a refusé l\'annonce : {fields}. Corrigez l\'article dans le Studio puis publiez-le à nouveau.', en: 'Vinted refused the listing: {fields}. Fix the article in the Studio and publish it again.' },
  photo_rejected: { fr: 'Vinted a refusé la photo {file} : {reason}. Remplacez-la dans le Studio puis publiez à nouveau.', en: 'Vinted refused the photo {file}: {reason}. Replace it in the Studio and publish again.' },
  dead: { fr: 'Abandonné après {attempts} essais (dernière erreur : {last}). Relancez-le quand Vinted répondra.', en: 'Given up after {attempts} attempts (last error: {last}). Retry it once Vinted answers.' },
  slots: { fr: 'Plus d\'emplacement libre sur Vinted Pro ({free} libre(s) sur {total}) : supprimez ou vendez des articles avant d\'en publier d\'autres.', en: 'No free item slot left on Vinted Pro ({free} free of {total}): delete or sell items before publishing more.' },
  no_photo: { fr: 'Cet article n\'a aucune photo : ajoutez-en au moins une.', en: 'This article has no photo: add at least one.' },
  too_many_photos: { fr: 'Vinted accepte au plus 20 photos par annonce ({count} ici).', en: 'Vinted takes at most 20 photos per listing ({count} here).' },
  photo_missing: { fr: 'La photo {file} n\'est plus disponible sur ce serveur.', en: 'The photo {file} is no longer available on this server.' },
  not_ready: { fr: 'L\'article n\'est pas prêt à publier : {fields}.', en: 'The article is not ready to publish: {fields}.' },
  stale: { fr: 'L\'article a changé depuis la prévisualisation : prévisualisez-le à nouveau avant de publier.', en: 'The article changed since the preview: preview it again before publishing.' },
  unexpected: { fr: 'Réponse inattendue de Vinted : {detail}.', en: 'Unexpected answer from Vinted: {detail}.' },
  pro_failure: { fr: 'Vinted Pro a refusé l\'annonce : {fields}.', en: 'Vinted Pro refused the listing: {fields}.' },
  user: { fr: 'File mise en pause par un utilisateur.', en: 'Queue paused by a user.' },
  blocked: { fr: 'Vinted a bloqué les écritures de ce compte. La file est arrêtée.', en: 'Vinted blocked this account\'s writes. The queue is stopped.' },
};

export function message(lang: Lang, code: string, params: Record<string, unknown> = {}): string {
  const t = M[code]?.[lang] ?? M[code]?.fr ?? code;
  return t.replace(/\{(\w+)\}/g, (_m, k: string) => (params[k] === undefined || params[k] === null ? '' : String(params[k])));
}

export const MESSAGE_CODES = Object.keys(M);
