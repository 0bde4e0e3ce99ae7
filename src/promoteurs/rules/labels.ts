// Tax-scheme labels (LMNP/LMP, LLI, BRS, ANRU / TVA réduite, Pinel, PTZ…) and availability or
// marketing flags ("Nouveau", "Dernières opportunités", "8 lots disponibles") are not programme
// data: they change with the law and the sales pace, and the site we feed computes its own tax
// simulation. Parsers use these helpers to drop them from names, badges and feature lists.
// Reduced-VAT PRICES are NOT labels: they are kept as Lot.prixTvaReduite.
import { clean, fold } from '../parse/text.ts';

const TAX = [
  'lmnp', 'lmp', 'lli', 'brs', 'anru', 'qpv', 'pinel', 'pinel\\+', 'pinel plus', 'denormandie', 'malraux', 'censi[- ]bouvard',
  'scellier', 'duflot', 'jeanbrun', 'ptz', 'pret a taux zero', 'psla', 'bail reel solidaire', 'loyer intermediaire',
  'logement locatif intermediaire', 'nue[- ]propriete', 'deficit foncier', 'monument historique', 'zone anru',
  'tva (?:reduite|a )?\\s*(?:5[.,]5|7|10)\\s*%?', 'tva reduite', 'eligible (?:a la )?tva reduite', 'accession (?:sociale|maitrisee|aidee)',
  'prix maitrises?', 're ?2020', 'rt ?2012', 'nf habitat(?: hqe)?', 'bbc', 'investissement locatif', 'residence principale',
  'frais de notaire (?:offerts|reduits)',
];
const AVAILABILITY = [
  'nouveau', 'nouveaute', 'exclusivite', 'avant[- ]premiere', 'lancement commercial', 'dernieres? opportunites?',
  'derniers? lots?', 'plus que \\d+ lots?', '\\d+ lots? disponibles?', 'disponible', 'indisponible', 'vendu', 'epuise',
  'sous option', 'optionne', 'reserve', 'coup de coeur', 'offre speciale', 'promo(?:tion)?', 'travaux en cours',
  'livraison immediate', 'cles en main', 'bientot', 'prochainement', 'en vente', 'actable', 'commercialisation terminee',
];
const LABEL_RE = new RegExp(`^(?:${[...TAX, ...AVAILABILITY].join('|')})(?:\\s*[*!(\\d)]*)?$`);
const TAX_RE = new RegExp(`\\b(?:${TAX.join('|')})\\b`);

/** True when the whole text is a tax label or an availability/marketing flag. */
export function isLabel(text: string | null | undefined): boolean {
  const s = fold(text ?? '').replace(/^[\s•·|\-–—:]+|[\s•·|\-–—:]+$/g, '');
  if (!s) return true;
  return LABEL_RE.test(s) || /^(?:eligible|dispositif|loi|zone)\b/.test(s) && TAX_RE.test(s);
}

/** True when the text mentions a tax scheme anywhere (used to filter feature lists). */
export function mentionsTaxScheme(text: string | null | undefined): boolean {
  return TAX_RE.test(fold(text ?? ''));
}

/** Keeps only the entries of a badge/feature list that are real data. */
export function withoutLabels(items: readonly string[]): string[] {
  return items.map(clean).filter((x) => x && !isLabel(x) && !mentionsTaxScheme(x));
}

/**
 * Removes labels glued to a programme name by the site: "SIGNAL - TVA 5,5 %" → "SIGNAL",
 * "Le Clos des Vignes | Nouveauté" → "Le Clos des Vignes", "Éligible LMNP - Résidence Alto" → "Résidence Alto".
 */
export function stripLabelsFromName(name: string): string {
  const parts = clean(name).split(/\s+[-–—|•·]\s+|\s*[|•·]\s*/);
  const kept = parts.filter((p) => !isLabel(p) && !(TAX_RE.test(fold(p)) && fold(p).split(' ').length <= 4));
  return clean((kept.length ? kept : parts).join(' - '));
}
