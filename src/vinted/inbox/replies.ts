// Reply templates: what a seller writes to buyers, with variables, rendered ONLY by the logic-less
// engine (listings/templates.ts, decision 003): `{acheteur}`, `{article}`, `{prix}`, `{offre}`,
// `{contre_offre}`, `{vendeur}`, sections `{#offre}…{/offre}`. A variable that is empty for this
// conversation (outside a section) is an error before anything is sent; `{{ … }}` / `{% … %}` that
// are not our plain variables are refused when the template is saved.
import { renderMessage, checkTemplate, vocabulary, TemplateError } from '../listings/templates.ts';

export const REPLY_VARIABLES = vocabulary({
  acheteur: ['buyer', 'buyer_name'],
  article: ['item', 'item_title'],
  prix: ['price'],
  offre: ['offer', 'offer_price'],
  contre_offre: ['counter', 'counter_price'],
  vendeur: ['seller'],
});

export const TRIGGERS = ['question', 'offer', 'sale'] as const;
export type Trigger = (typeof TRIGGERS)[number];

export interface ReplyContext { buyer: string | null; item: string | null; price: number | null; offer: number | null; counter: number | null; seller: string | null; currency: string | null }

const money = (v: number | null, cur: string | null) => (v === null ? null : `${Number.isInteger(v) ? v : v.toFixed(2).replace('.', ',')} ${cur === 'GBP' ? '£' : '€'}`);

export function replyValues(c: ReplyContext): Map<string, string | null> {
  return new Map<string, string | null>([
    ['acheteur', c.buyer], ['article', c.item], ['prix', money(c.price, c.currency)], ['offre', money(c.offer, c.currency)],
    ['contre_offre', money(c.counter, c.currency)], ['vendeur', c.seller],
  ]);
}

export function checkReplyTemplate(body: string): void {
  checkTemplate(body, REPLY_VARIABLES);
}

/** The message to send; TemplateError (French) when the template is wrong or a variable is empty. */
export function renderReply(body: string, c: ReplyContext): string {
  const text = renderMessage(body, replyValues(c), REPLY_VARIABLES);
  if (!text) throw new TemplateError('le message produit est vide');
  if (text.length > 2000) throw new TemplateError(`message trop long (${text.length} caractères, Vinted en accepte 2000)`);
  return text;
}

export { TemplateError };
