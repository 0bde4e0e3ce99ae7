// Per-group preferences: for each release type, the default rule set, NFO/DIZ templates, the
// destinations a valid pack is sent to, and the output folder of the CLI. Group "*" holds the
// defaults of every group; a group's own value wins over it. Stored in releases.group_prefs.
import type { Kysely } from 'kysely';
import { listRuleSets } from './rules/index.ts';
import { getTemplate } from './nfo/store.ts';
import { getDestination } from './deliver/destinations.ts';

export const PREF_TYPES = ['EBOOK', 'DOCS', 'TV'] as const;
export type PrefType = (typeof PREF_TYPES)[number];
export const PREF_KEYS = ['ruleSet', 'nfoTemplate', 'dizTemplate', 'destinations', 'outputPath'] as const;
export type PrefKey = (typeof PREF_KEYS)[number];

export interface TypePrefs { ruleSet?: string; nfoTemplate?: string; dizTemplate?: string; destinations?: string[]; outputPath?: string }
export type GroupPrefs = Partial<Record<PrefType, TypePrefs>>;

export class PrefsError extends Error {
  readonly status = 400;
  readonly code = 'invalid_prefs';
}

const table = (db: Kysely<any>) => db.withSchema('releases');
const parse = (v: unknown): GroupPrefs => (typeof v === 'string' ? JSON.parse(v) : (v as GroupPrefs)) ?? {};

export async function listPrefs(db: Kysely<any>): Promise<{ group: string; prefs: GroupPrefs; updatedAt: Date }[]> {
  const rows = await table(db).selectFrom('group_prefs').selectAll().orderBy('grp').execute();
  return rows.map((r) => ({ group: r.grp, prefs: parse(r.prefs), updatedAt: r.updated_at }));
}

export async function getPrefs(db: Kysely<any>, group: string): Promise<GroupPrefs> {
  const r = await table(db).selectFrom('group_prefs').select('prefs').where('grp', '=', group).executeTakeFirst();
  return r ? parse(r.prefs) : {};
}

/** what applies to a pack of this group and type: the group's own values over the "*" defaults */
export async function effectivePrefs(db: Kysely<any>, group: string, type: PrefType): Promise<TypePrefs> {
  const [all, own] = await Promise.all([getPrefs(db, '*'), group === '*' ? Promise.resolve({}) : getPrefs(db, group)]);
  return { ...all[type], ...(own as GroupPrefs)[type] };
}

/** every value checked against what exists: a rule set of the right type, templates of the right kind and type, known destinations */
export async function checkPrefs(db: Kysely<any>, prefs: GroupPrefs): Promise<void> {
  const sets = await listRuleSets();
  for (const type of PREF_TYPES) {
    const p = prefs[type];
    if (!p) continue;
    if (p.ruleSet && !sets.some((r) => r.id === p.ruleSet && r.type === type)) throw new PrefsError(`${type}.ruleSet: no ${type} rule set "${p.ruleSet}" (have: ${sets.filter((r) => r.type === type).map((r) => r.id).join(', ')})`);
    for (const [k, kind] of [['nfoTemplate', 'nfo'], ['dizTemplate', 'diz']] as const) {
      const id = p[k];
      if (!id) continue;
      const t = await getTemplate(db, id);
      if (!t || t.kind !== kind || t.type !== type) throw new PrefsError(`${type}.${k}: "${id}" is not a ${type} ${kind.toUpperCase()} template`);
    }
    if (type === 'TV' && p.dizTemplate) throw new PrefsError('TV.dizTemplate: TV releases have no FILE_ID.DIZ');
    for (const d of p.destinations ?? []) if (!(await getDestination(db, d))) throw new PrefsError(`${type}.destinations: no destination "${d}"`);
    if (p.outputPath !== undefined && !p.outputPath.startsWith('/')) throw new PrefsError(`${type}.outputPath: an absolute folder is expected, got "${p.outputPath}"`);
  }
}

export async function setPrefs(db: Kysely<any>, group: string, prefs: GroupPrefs): Promise<GroupPrefs> {
  // empty values are dropped, so that "unset" is just a missing key
  const clean: GroupPrefs = {};
  for (const type of PREF_TYPES) {
    const p = prefs[type];
    if (!p) continue;
    const q: TypePrefs = {};
    for (const k of PREF_KEYS) {
      const v = p[k];
      if (v === undefined || v === '' || (Array.isArray(v) && !v.length)) continue;
      (q as Record<string, unknown>)[k] = v;
    }
    if (Object.keys(q).length) clean[type] = q;
  }
  await checkPrefs(db, clean);
  await table(db).insertInto('group_prefs').values({ grp: group, prefs: JSON.stringify(clean), updated_at: new Date() })
    .onConflict((oc) => oc.column('grp').doUpdateSet({ prefs: JSON.stringify(clean), updated_at: new Date() })).execute();
  return clean;
}

export async function deletePrefs(db: Kysely<any>, group: string): Promise<boolean> {
  const r = await table(db).deleteFrom('group_prefs').where('grp', '=', group).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** "tv.ruleSet" → ['TV', 'ruleSet'] (the CLI's flat keys) */
export function parseKey(key: string): [PrefType, PrefKey] {
  const [t, k] = key.split('.');
  const type = PREF_TYPES.find((x) => x.toLowerCase() === (t ?? '').toLowerCase());
  const name = PREF_KEYS.find((x) => x.toLowerCase() === (k ?? '').toLowerCase());
  if (!type || !name) throw new PrefsError(`unknown preference "${key}": use <type>.<key> with type ebook|docs|tv and key ${PREF_KEYS.join('|')}`);
  return [type, name];
}
