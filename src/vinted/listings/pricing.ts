// Price rules (spec §5): base price per category (PRICE_RULES_JSON) or DEFAULT_PRICE, times a brand
// tier multiplier range and a condition factor → price_min / price_target / price_max.
import type { BrandTier } from '../settings.ts';
import { fold, hasWords } from './text.ts';
import { normalizeCondition } from './conditions.ts';

export interface PriceRules {
  defaultPrice: number;
  priceRules: Record<string, number>;
  brandTiers: BrandTier[];
  conditionFactors: Record<string, number>;
}

export interface BrandMatch { tier: string; brand: string; min: number; max: number }

/** Finds the brand tier of a free-text brand, matching aliases on whole words only. */
export function matchBrandTier(brand: string | null | undefined, tiers: BrandTier[]): BrandMatch | null {
  if (!brand || fold(brand) === '' || fold(brand) === 'unknown') return null;
  let best: BrandMatch | null = null;
  let bestLen = -1;
  for (const t of tiers) {
    for (const b of t.brands) {
      if (!hasWords(brand, b.alias)) continue;
      const len = fold(b.alias).length;
      // the longest alias wins ("Polo Ralph Lauren" over "Polo"); on a tie the dearer tier
      if (len > bestLen || (len === bestLen && best && t.max > best.max)) {
        best = { tier: t.name, brand: b.brand, min: t.min, max: t.max };
        bestLen = len;
      }
    }
  }
  return best;
}

export function basePrice(category: string | null | undefined, rules: PriceRules): number {
  if (category) {
    const f = fold(category);
    for (const [k, v] of Object.entries(rules.priceRules)) if (fold(k) === f) return v;
  }
  return rules.defaultPrice;
}

export function conditionFactor(condition: string | null | undefined, rules: PriceRules): number {
  const c = normalizeCondition(condition);
  if (!c) return 1;
  for (const [k, v] of Object.entries(rules.conditionFactors)) if (normalizeCondition(k) === c) return v;
  return 1;
}

const round = (n: number) => Math.max(1, Math.round(n));

export interface PriceResult { price_min: number; price_target: number; price_max: number; base: number; brand_tier: string | null; brand_canonical: string | null; factor: number }

export function computePrice(input: { category?: string | null; brand?: string | null; condition?: string | null }, rules: PriceRules): PriceResult {
  const base = basePrice(input.category, rules);
  const factor = conditionFactor(input.condition, rules);
  const tier = matchBrandTier(input.brand, rules.brandTiers);
  const p = base * factor;
  if (tier) {
    return {
      price_min: round(p * tier.min), price_target: round(p * (tier.min + tier.max) / 2), price_max: round(p * tier.max),
      base, brand_tier: tier.tier, brand_canonical: tier.brand, factor,
    };
  }
  // no tier: a ±20 % negotiation band around the target
  return { price_min: round(p * 0.8), price_target: round(p), price_max: round(p * 1.2), base, brand_tier: null, brand_canonical: null, factor };
}

export interface LearnedEvidence { sales: number; median: number; p25: number; p75: number }

/**
 * The seller's own sales move the price once there are enough of them (median as the target, the
 * middle half as the range); the evidence stays with the result so the UI can show it.
 */
export function withLearned(r: PriceResult, e: LearnedEvidence | null, minSales = 3): PriceResult & { learned: LearnedEvidence | null } {
  if (!e || e.sales < minSales || !(e.median > 0)) return { ...r, learned: null };
  return { ...r, price_min: round(Math.min(e.p25, e.median)), price_target: round(e.median), price_max: round(Math.max(e.p75, e.median)), learned: e };
}
