// What a notification says, in French and English: the in-app list (the web app has the same codes
// under `notify.type.*`) and the e-mails. Values come from the event's data (our own records).
import type { Lang } from '../publish/messages.ts';

const T: Record<string, { fr: string; en: string }> = {
  'listing.created': { fr: 'Annonce publiée : {title}', en: 'Listing published: {title}' },
  'listing.sold': { fr: 'Vendu : {title} ({price})', en: 'Sold: {title} ({price})' },
  'message.received': { fr: 'Nouveau message de {buyer} sur {title}', en: 'New message from {buyer} about {title}' },
  'offer.received': { fr: 'Offre de {buyer} : {offer} pour {title}', en: 'Offer from {buyer}: {offer} for {title}' },
  'order.created': { fr: 'Nouvelle commande : {title}', en: 'New order: {title}' },
  'account.reconnect': { fr: 'Le compte {account} doit être reconnecté', en: 'Account {account} needs reconnecting' },
  'account.blocked': { fr: 'Vinted a bloqué le compte {account} ({code}) : sa file est arrêtée', en: 'Vinted blocked account {account} ({code}): its queue is stopped' },
  'queue.blocked': { fr: 'La file du compte {account} est arrêtée ({code})', en: 'The queue of account {account} is stopped ({code})' },
};

const money = (v: unknown, cur: unknown) => (v === null || v === undefined || v === '' ? '' : `${v} ${cur === 'GBP' ? '£' : '€'}`);

export function notificationText(lang: Lang, type: string, data: Record<string, unknown>, accountName: string | null): string {
  const t = T[type]?.[lang] ?? T[type]?.fr ?? type;
  const params: Record<string, string> = {
    title: String(data.title ?? data.item_title ?? (lang === 'fr' ? 'un article' : 'an item')),
    price: money(data.price, data.currency),
    offer: money(data.offer_price ?? data.price, data.currency),
    buyer: String(data.buyer_login ?? (lang === 'fr' ? 'un membre' : 'a member')),
    account: accountName ?? String(data.account ?? ''),
    code: String(data.code ?? ''),
  };
  return t.replace(/\{(\w+)\}/g, (_m, k: string) => params[k] ?? '').replace(/\s*\(\s*\)/g, '').trim();
}

export function emailSubject(text: string): string {
  return `[atelier] ${text}`.slice(0, 200);
}

export function emailBody(lang: Lang, text: string, link: string | null): string {
  const lines = [text, ''];
  if (link) lines.push(lang === 'fr' ? `Ouvrir : ${link}` : `Open: ${link}`, '');
  lines.push(lang === 'fr'
    ? 'Vous recevez ce message parce que ces notifications par e-mail sont activées dans atelier (Notifications → Préférences).'
    : 'You get this message because these e-mail notifications are on in atelier (Notifications → Preferences).');
  return lines.join('\n');
}
