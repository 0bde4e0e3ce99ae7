// Skip programmes already delivered: the end of the announced period is before today.
// Unknown delivery text → keep (we would rather show a programme than lose it).
import { parseDelivery, todayIso, type ParsedDelivery } from '../parse/delivery.ts';

export interface DeliveryDecision {
  parsed: ParsedDelivery;
  /** true → drop the programme */
  delivered: boolean;
  reason: string;
}

export function deliveryDecision(text: string | null | undefined, now: Date = new Date()): DeliveryDecision {
  const parsed = parseDelivery(text);
  if (parsed.delivered) return { parsed, delivered: true, reason: `already delivered ("${text}")` };
  if (!parsed.date) return { parsed, delivered: false, reason: text ? `unknown delivery text kept ("${text}")` : 'no delivery text' };
  const today = todayIso(now);
  if (parsed.date < today) return { parsed, delivered: true, reason: `delivered: end of period ${parsed.date} < ${today}` };
  return { parsed, delivered: false, reason: `delivery ${parsed.date}` };
}

/** Shorthand: true when the programme must be skipped as delivered. */
export function isDelivered(text: string | null | undefined, now: Date = new Date()): boolean {
  return deliveryDecision(text, now).delivered;
}
