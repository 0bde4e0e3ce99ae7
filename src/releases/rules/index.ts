// Rule sets are data: src/releases/rules/sets/<type>-<year>.yaml (js-yaml), checked with zod when
// loaded so a broken file fails with the field named rather than half-working.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load as yamlLoad } from 'js-yaml';
import { z } from 'zod';
import type { ReleaseType, RuleSet, VolumeSizeRule } from './types.ts';
export type { ReleaseType, RuleSet, VolumeSizeRule } from './types.ts';

export const RULES_DIR = fileURLToPath(new URL('./sets/', import.meta.url));
export const RELEASE_TYPES: ReleaseType[] = ['EBOOK', 'DOCS', 'TV'];

const regexSource = z.string().refine((s) => { try { new RegExp(s); return true; } catch { return false; } }, 'not a valid regular expression');

const schema = z.object({
  id: z.string().regex(/^[a-z]+-\d{4}$/),
  type: z.enum(['EBOOK', 'DOCS', 'TV']),
  year: z.number().int().min(2000).max(2100),
  title: z.string(),
  naming: z.object({
    pattern: z.string(),
    grammar: z.string(),
    languages: z.array(z.string().regex(/^[A-Za-z]+$/)).default([]),
    allowedChars: z.string(),
    maxLength: z.number().int().positive(),
    forbidden: z.array(z.object({ regex: regexSource, detail: z.string(), code: z.enum(['repeated', 'edge']).optional() })).default([]),
  }),
  archive: z.object({
    format: z.enum(['zip', 'rar4']),
    store: z.boolean().optional(),
    volumeName: regexSource,
    volumeNaming: z.string(),
    volumeNaming_fr: z.string().optional(),
    maxVolumes: z.number().int().positive(),
    units: z.array(z.number().int().positive()).min(1).default([1_000_000]),
    volumeSizes: z.array(z.object({
      label: z.string(),
      label_fr: z.string().optional(),
      when: regexSource.optional(),
      sizes: z.array(z.number().positive()),
      multipleOf: z.number().positive().optional(),
    })).min(1),
    insideEachVolume: z.array(z.string()).optional(),
    forbiddenInside: z.array(z.string()).optional(),
  }),
  files: z.object({
    mandatory: z.array(z.string()),
    allowed: z.array(z.string()),
    optionalDirs: z.array(z.string()).optional(),
  }),
  nfo: z.object({ maxColumns: z.number().int().positive(), encodings: z.array(z.string()), maxCount: z.number().int().positive() }),
  sample: z.object({ minSeconds: z.number().positive(), maxSeconds: z.number().positive() })
    .refine((b) => b.minSeconds <= b.maxSeconds, 'minSeconds is larger than maxSeconds').optional(),
  diz: z.object({ maxColumns: z.number().int().positive(), maxLines: z.number().int().positive(), diskCount: regexSource }).optional(),
  sfv: z.object({ required: z.boolean(), coverAllVolumes: z.boolean() }).optional(),
});

/** The grammar regex with whitespace removed and {LANGUAGES} expanded. */
export function grammarRegex(rs: RuleSet): RegExp {
  const src = rs.naming.grammar.replace(/\s+/g, '').replace('{LANGUAGES}', rs.naming.languages.join('|') || '(?!)');
  return new RegExp(src);
}

/** Parses and checks one rule-set document (YAML or JSON text). */
export function parseRuleSet(text: string, source = 'rule set'): RuleSet {
  let doc: unknown;
  try {
    doc = yamlLoad(text);
  } catch (err) {
    throw new Error(`${source}: invalid YAML: ${(err as Error).message}`);
  }
  const r = schema.safeParse(doc);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`${source}: ${issues}`);
  }
  const rs = r.data as RuleSet;
  try {
    grammarRegex(rs);
  } catch (err) {
    throw new Error(`${source}: naming.grammar: ${(err as Error).message}`);
  }
  return rs;
}

const cache = new Map<string, RuleSet>();

/** Lists the available rule sets: [{id, type, year, title}], newest year first per type. */
export async function listRuleSets(dir = RULES_DIR): Promise<{ id: string; type: ReleaseType; year: number; title: string }[]> {
  const out: { id: string; type: ReleaseType; year: number; title: string }[] = [];
  for (const f of (await readdir(dir)).sort()) {
    if (!/^[a-z]+-\d{4}\.(ya?ml|json)$/.test(f)) continue;
    const rs = await loadFile(join(dir, f));
    out.push({ id: rs.id, type: rs.type, year: rs.year, title: rs.title });
  }
  return out.sort((a, b) => a.type.localeCompare(b.type) || b.year - a.year);
}

async function loadFile(path: string): Promise<RuleSet> {
  const hit = cache.get(path);
  if (hit) return hit;
  const rs = parseRuleSet(await readFile(path, 'utf8'), path);
  cache.set(path, rs);
  return rs;
}

/** Loads the rule set of a type for a rule year (default: the newest available). */
export async function loadRuleSet(type: ReleaseType, year?: number, dir = RULES_DIR): Promise<RuleSet> {
  const t = String(type).toUpperCase();
  if (!RELEASE_TYPES.includes(t as ReleaseType)) throw new Error(`unknown release type ${JSON.stringify(type)} (EBOOK, DOCS or TV)`);
  const all = (await listRuleSets(dir)).filter((r) => r.type === t);
  const pick = year === undefined ? all[0] : all.find((r) => r.year === year);
  if (!pick) {
    const years = all.map((r) => r.year).join(', ') || 'none';
    throw new Error(`no ${t} rule set${year === undefined ? '' : ` for ${year}`} (available: ${years})`);
  }
  for (const ext of ['yaml', 'yml', 'json']) {
    try {
      return await loadFile(join(dir, `${pick.id}.${ext}`));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  throw new Error(`rule set file for ${pick.id} not found`);
}

/** Byte sizes allowed for a release name: the first matching `when` entry (or the default). */
export function volumeSizeRule(rs: RuleSet, releaseName: string): VolumeSizeRule {
  return rs.archive.volumeSizes.find((v) => !v.when || new RegExp(v.when).test(releaseName)) ?? rs.archive.volumeSizes.at(-1)!;
}

/** Whether `bytes` is an allowed volume size (in any of the rule set's MB units). */
export function isAllowedVolumeSize(rs: RuleSet, rule: VolumeSizeRule, bytes: number): boolean {
  return rs.archive.units.some((u) =>
    rule.sizes.some((mb) => Math.round(mb * u) === bytes) ||
    (rule.multipleOf !== undefined && bytes > 0 && bytes % Math.round(rule.multipleOf * u) === 0));
}

/** The default volume size (bytes) writers should use for a release: the first listed size, or the multiple. */
export function defaultVolumeSize(rs: RuleSet, releaseName: string, preferMb?: number): number {
  const rule = volumeSizeRule(rs, releaseName);
  const unit = rs.archive.units[0]!;
  if (preferMb !== undefined && isAllowedVolumeSize(rs, rule, Math.round(preferMb * unit))) return Math.round(preferMb * unit);
  return Math.round((rule.sizes[0] ?? rule.multipleOf!) * unit);
}

/**
 * Volume size (bytes) for packing `totalBytes` under this rule set: ZIP → the smallest allowed size
 * holding everything in one volume, else the largest; RAR → the smallest allowed size keeping the
 * count within maxVolumes (50 MB for most HD episodes, 15 MB for SD).
 */
export function pickVolumeSize(rs: RuleSet, releaseName: string, totalBytes: number): number {
  const rule = volumeSizeRule(rs, releaseName);
  const unit = rs.archive.units[0]!;
  const candidates = [...rule.sizes].sort((a, b) => a - b).map((mb) => Math.round(mb * unit));
  if (rule.multipleOf !== undefined) {
    const step = Math.round(rule.multipleOf * unit);
    const need = Math.ceil(totalBytes / rs.archive.maxVolumes / step) * step;
    candidates.push(Math.max(step, need + (need * rs.archive.maxVolumes < totalBytes * 1.001 ? step : 0)));
  }
  candidates.sort((a, b) => a - b);
  if (rs.archive.format === 'zip') return candidates.find((c) => c * 0.98 >= totalBytes) ?? candidates.at(-1)!;
  // headers take a few dozen bytes per volume: keep a 0.1 % margin
  return candidates.find((c) => c * rs.archive.maxVolumes >= totalBytes * 1.001) ?? candidates.at(-1)!;
}
