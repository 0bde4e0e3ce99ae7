// Templates: the shipped defaults (read-only, ids "builtin-<type>-<kind>") and the users' own,
// stored in releases.templates.
import type { Kysely } from 'kysely';
import { defaultTemplate, type ReleaseType, type TemplateKind } from './index.ts';

export interface TemplateRecord {
  id: string;
  name: string;
  type: ReleaseType;
  kind: TemplateKind;
  body: string;
  builtin: boolean;
  created_at?: string;
  updated_at?: string;
}

const TYPES: ReleaseType[] = ['EBOOK', 'DOCS', 'TV'];
const KINDS: TemplateKind[] = ['nfo', 'diz'];

export function builtinTemplates(): TemplateRecord[] {
  const out: TemplateRecord[] = [];
  for (const type of TYPES) for (const kind of KINDS) {
    const body = defaultTemplate(type, kind);
    if (body) out.push({ id: `builtin-${type.toLowerCase()}-${kind}`, name: `${type} ${kind.toUpperCase()} (default)`, type, kind, body, builtin: true });
  }
  return out;
}

const row = (r: any): TemplateRecord => ({
  id: r.id, name: r.name, type: r.type, kind: r.kind, body: r.body, builtin: false,
  created_at: new Date(r.created_at).toISOString(), updated_at: new Date(r.updated_at).toISOString(),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function listTemplates(db: Kysely<any>, f: { type?: string; kind?: string } = {}): Promise<TemplateRecord[]> {
  let q = db.withSchema('releases').selectFrom('templates').selectAll().orderBy('name');
  if (f.type) q = q.where('type', '=', f.type);
  if (f.kind) q = q.where('kind', '=', f.kind);
  const own = (await q.execute()).map(row);
  const builtin = builtinTemplates().filter((t) => (!f.type || t.type === f.type) && (!f.kind || t.kind === f.kind));
  return [...builtin, ...own];
}

export async function getTemplate(db: Kysely<any>, id: string): Promise<TemplateRecord | undefined> {
  const b = builtinTemplates().find((t) => t.id === id);
  if (b) return b;
  if (!UUID.test(id)) return undefined;
  const r = await db.withSchema('releases').selectFrom('templates').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? row(r) : undefined;
}

export async function createTemplate(db: Kysely<any>, t: { name: string; type: ReleaseType; kind: TemplateKind; body: string }, createdBy?: string | null): Promise<TemplateRecord> {
  const r = await db.withSchema('releases').insertInto('templates')
    .values({ name: t.name, type: t.type, kind: t.kind, body: t.body, created_by: createdBy ?? null })
    .returningAll().executeTakeFirstOrThrow();
  return row(r);
}

export async function updateTemplate(db: Kysely<any>, id: string, t: Partial<{ name: string; body: string }>): Promise<TemplateRecord | undefined> {
  if (!UUID.test(id)) return undefined;
  const r = await db.withSchema('releases').updateTable('templates')
    .set({ ...t, updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirst();
  return r ? row(r) : undefined;
}

export async function deleteTemplate(db: Kysely<any>, id: string): Promise<boolean> {
  if (!UUID.test(id)) return false;
  const r = await db.withSchema('releases').deleteFrom('templates').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** the template a pack uses: the id given, else the shipped default of the type */
export async function resolveTemplate(db: Kysely<any> | null, type: ReleaseType, kind: TemplateKind, id?: string): Promise<TemplateRecord | undefined> {
  if (id) {
    const t = db ? await getTemplate(db, id) : builtinTemplates().find((x) => x.id === id);
    if (!t) throw new Error(`template ${id} not found`);
    if (t.kind !== kind) throw new Error(`template ${id} is a ${t.kind.toUpperCase()} template, not ${kind.toUpperCase()}`);
    return t;
  }
  return builtinTemplates().find((t) => t.type === type && t.kind === kind);
}
