// In-process fake of EspoCRM's REST API (/api/v1/), built from the contract in spec/promoteurs.md and
// EspoCRM's documented API: X-Api-Key auth (401), {total, list} lists with where[n][type|attribute|value]
// filters and maxSize ≤ 200, POST create, PUT partial update, errors carrying X-Status-Reason.
// It enforces the CJeanbrunProgramme field types (lotsDetails must be a JSON *string*, typesLots a
// multiEnum, no unknown fields) and can be told to fail (5xx, 409) like a real server. Attachments as
// documented (docs.espocrm.com/development/api/attachment/): POST Attachment with role "Attachment",
// `file` as a base64 data URI, `relatedType` + `field` for an image/file field (then `<field>Id` on the
// record) or `parentType` + `field` for an attachment-multiple field (then `<field>Ids`); a record may
// only name attachments uploaded for that entity and field; too large a file is refused (403).
// Run standalone for a walkthrough: `node src/promoteurs/fakes/espocrm.ts [port] [apiKey]`.
import http from 'node:http';
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';

type FieldType = 'varchar' | 'text' | 'int' | 'float' | 'date' | 'enum' | 'multiEnum' | 'array' | 'link' | 'url' | 'bool' | 'image' | 'attachmentMultiple';
interface FieldDef { type: FieldType; options?: string[]; required?: boolean }

export const PROGRAMME_FIELDS: Record<string, FieldDef> = {
  name: { type: 'varchar', required: true },
  slug: { type: 'varchar' },
  promoteur: { type: 'varchar' },
  sourceApi: { type: 'varchar' },
  idExterne: { type: 'varchar' },
  urlExterne: { type: 'url' },
  villeId: { type: 'link' },
  zoneFiscale: { type: 'enum', options: ['', 'A_bis', 'A', 'B1'] },
  adresse: { type: 'varchar' },
  dateLivraison: { type: 'varchar' },
  livraison: { type: 'date' },
  statut: { type: 'enum', options: ['disponible', 'vendu'] },
  description: { type: 'text' },
  // attributes imagesIds / imagesNames
  images: { type: 'attachmentMultiple' },
  // attributes imagePrincipaleId / imagePrincipaleName
  imagePrincipale: { type: 'image' },
  imageAlt: { type: 'varchar' },
  lotsDetails: { type: 'text' },
  prixMin: { type: 'float' },
  prixMax: { type: 'float' },
  surfaceMin: { type: 'float' },
  surfaceMax: { type: 'float' },
  nbLotsDisponibles: { type: 'int' },
  typesLots: { type: 'multiEnum', options: ['Studio', 'T1', 'T2', 'T3', 'T4', 'T5', 'Maison', 'Autre'] },
  prixM2Moyen: { type: 'float' },
};

const VILLE_FIELDS: Record<string, FieldDef> = {
  name: { type: 'varchar', required: true },
  codePostal: { type: 'varchar' },
  slug: { type: 'varchar' },
  codeInsee: { type: 'varchar' },
  zone: { type: 'varchar' },
};

const ENTITIES: Record<string, Record<string, FieldDef>> = { CJeanbrunProgramme: PROGRAMME_FIELDS, CJeanbrunVille: VILLE_FIELDS };
const SYSTEM_FIELDS = new Set(['id', 'createdAt', 'modifiedAt', 'deleted', 'villeName']);

/** an uploaded file as the fake keeps it */
export interface FakeAttachment { id: string; name: string; type: string; size: number; role: string; field: string; relatedType: string | null; parentType: string | null; sha256: string }

/** EspoCRM's default upload limit is set by the admin; the fake refuses files above 2 MB */
export const FAKE_MAX_UPLOAD_BYTES = 2 * 1024 * 1024;

/** the attribute names a field type adds: image → xId/xName, attachmentMultiple → xIds/xNames */
function attributeOf(defs: Record<string, FieldDef>, key: string): { field: string; def: FieldDef; kind: 'id' | 'ids' | 'name' | 'names' } | null {
  const m = /^(.+?)(Id|Ids|Name|Names)$/.exec(key);
  if (!m || !defs[m[1]]) return null;
  const def = defs[m[1]];
  const kinds: Record<string, 'id' | 'ids' | 'name' | 'names'> = { Id: 'id', Ids: 'ids', Name: 'name', Names: 'names' };
  const kind = kinds[m[2]];
  if (def.type === 'image' && (kind === 'id' || kind === 'name')) return { field: m[1], def, kind };
  if (def.type === 'attachmentMultiple' && (kind === 'ids' || kind === 'names')) return { field: m[1], def, kind };
  return null;
}

export interface FakeRequestLog { method: string; path: string; query: string; body?: unknown; status: number }

export interface FakeEspoCrm {
  url: string;
  apiKey: string;
  records: Record<string, Map<string, Record<string, unknown>>>;
  attachments: Map<string, FakeAttachment>;
  requests: FakeRequestLog[];
  /** the next n requests (optionally only those with this method, and to this entity) answer with this status */
  failNext(n: number, status: number, method?: string, entity?: string): void;
  seedVille(v: { name: string; codePostal: string; slug?: string; codeInsee?: string }): string;
  close(): Promise<void>;
}

function validate(entity: string, body: unknown, isCreate: boolean, attachments: Map<string, FakeAttachment>): string | null {
  const defs = ENTITIES[entity];
  if (!body || typeof body !== 'object' || Array.isArray(body)) return 'Body must be a JSON object.';
  const rec = body as Record<string, unknown>;
  for (const [k, v] of Object.entries(rec)) {
    if (SYSTEM_FIELDS.has(k)) continue;
    const att = attributeOf(defs, k);
    if (att) {
      if (v === null || att.kind === 'name' || att.kind === 'names') continue;
      const ids = att.kind === 'ids' ? v : [v];
      if (!Array.isArray(ids) || ids.some((x) => typeof x !== 'string')) return `Field "${k}" must be ${att.kind === 'ids' ? 'an array of attachment ids' : 'an attachment id'}.`;
      for (const id of ids as string[]) {
        const a = attachments.get(id);
        if (!a) return `Attachment ${id} does not exist.`;
        const owner = att.def.type === 'image' ? a.relatedType : a.parentType;
        if (a.field !== att.field || owner !== entity) return `Attachment ${id} was not uploaded for ${entity}.${att.field}.`;
      }
      continue;
    }
    const def = defs[k];
    if (!def) return `Unknown field "${k}".`;
    if (def.type === 'image' || def.type === 'attachmentMultiple') return `Field "${k}" takes attachments: send ${k}${def.type === 'image' ? 'Id' : 'Ids'}.`;
    if (v === null) { if (def.required) return `Field "${k}" is required.`; continue; }
    switch (def.type) {
      case 'varchar': case 'url': case 'link':
        if (typeof v !== 'string') return `Field "${k}" must be a string.`;
        break;
      case 'text':
        // EspoCRM stores TEXT as a string; an array/object here is the classic lotsDetails mistake
        if (typeof v !== 'string') return `Field "${k}" must be a string (text field); got ${Array.isArray(v) ? 'array' : typeof v}.`;
        break;
      case 'int':
        if (typeof v !== 'number' || !Number.isInteger(v)) return `Field "${k}" must be an integer.`;
        break;
      case 'float':
        if (typeof v !== 'number' || !Number.isFinite(v)) return `Field "${k}" must be a number.`;
        break;
      case 'bool':
        if (typeof v !== 'boolean') return `Field "${k}" must be a boolean.`;
        break;
      case 'date':
        if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v)) return `Field "${k}" must be a date YYYY-MM-DD.`;
        break;
      case 'enum':
        if (typeof v !== 'string' || !def.options!.includes(v)) return `Field "${k}" has a value not in the enum options: ${JSON.stringify(v)}.`;
        break;
      case 'multiEnum':
        if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || !def.options!.includes(x))) return `Field "${k}" must be an array of: ${def.options!.join(', ')}.`;
        break;
      case 'array':
        if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) return `Field "${k}" must be an array of strings.`;
        break;
    }
  }
  if (isCreate) for (const [k, def] of Object.entries(defs)) if (def.required && (rec[k] === undefined || rec[k] === '')) return `Field "${k}" is required.`;
  return null;
}

/** Parses where[0][type]=equals&where[0][attribute]=x&where[0][value]=y into a list of clauses. */
function parseWhere(q: URLSearchParams): { type: string; attribute: string; value: unknown }[] | string {
  const clauses: Record<string, Record<string, string | string[]>> = {};
  for (const [k, v] of q) {
    const m = /^where\[(\d+)\]\[(type|attribute|value)\](\[\])?$/.exec(k);
    if (!m) continue;
    const c = (clauses[m[1]] ??= {});
    if (m[3]) ((c[m[2]] ??= []) as string[]).push(v); else c[m[2]] = v;
  }
  const out = [];
  for (const c of Object.values(clauses)) {
    if (typeof c.type !== 'string' || typeof c.attribute !== 'string') return 'Bad where clause.';
    if (!['equals', 'notEquals', 'in', 'isNull', 'isNotNull'].includes(c.type)) return `Unsupported where type ${c.type}.`;
    out.push({ type: c.type, attribute: c.attribute, value: c.value });
  }
  return out;
}

export async function startFakeEspoCrm(opts: { apiKey?: string; port?: number } = {}): Promise<FakeEspoCrm> {
  const apiKey = opts.apiKey ?? crypto.randomBytes(16).toString('hex');
  const records: FakeEspoCrm['records'] = { CJeanbrunProgramme: new Map(), CJeanbrunVille: new Map() };
  const requests: FakeRequestLog[] = [];
  const failures: { status: number; method?: string; entity?: string }[] = [];
  const attachments = new Map<string, FakeAttachment>();
  const newId = () => crypto.randomBytes(8).toString('hex').slice(0, 17);

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url || '/', 'http://x');
      const method = req.method || 'GET';
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      const send = (status: number, payload?: unknown, reason?: string) => {
        requests.push({ method, path: u.pathname, query: u.search, body, status });
        const headers: Record<string, string> = { 'content-type': 'application/json' };
        if (reason) headers['x-status-reason'] = reason;
        res.writeHead(status, headers);
        res.end(payload === undefined ? (status >= 400 ? '' : 'true') : JSON.stringify(payload));
      };
      if (raw) {
        try { body = JSON.parse(raw); } catch { return send(400, undefined, 'Bad JSON body.'); }
      }
      if (req.headers['x-api-key'] !== apiKey) return send(401, undefined, 'Wrong API key.');
      const m = /^\/api\/v1\/([A-Za-z]+)(?:\/([^/]+))?$/.exec(u.pathname);
      const fi = failures.findIndex((f) => (!f.method || f.method === method) && (!f.entity || f.entity === m?.[1]));
      if (fi >= 0) { const f = failures.splice(fi, 1)[0]; return send(f.status, undefined, f.status >= 500 ? 'Internal error (injected).' : 'Injected failure.'); }
      if (!m) return send(404, undefined, 'Unknown route.');
      const [, entity, id] = m;
      if (entity === 'Attachment') {
        if (method === 'GET' && id) { const a = attachments.get(id); return a ? send(200, a) : send(404, undefined, 'Record not found.'); }
        if (method !== 'POST' || id) return send(405, undefined, 'Method not allowed.');
        return upload(body, send);
      }
      const defs = ENTITIES[entity];
      if (!defs) return send(403, undefined, `No access to scope ${entity}.`);
      const store = records[entity];
      const now = new Date().toISOString().replace('T', ' ').slice(0, 19);
      if (method === 'GET' && !id) {
        const maxSize = Number(u.searchParams.get('maxSize') ?? 20);
        if (!Number.isInteger(maxSize) || maxSize < 0 || maxSize > 200) return send(400, undefined, 'Max size should not exceed 200. Use offset and limit.');
        const offset = Number(u.searchParams.get('offset') ?? 0);
        const where = parseWhere(u.searchParams);
        if (typeof where === 'string') return send(400, undefined, where);
        for (const w of where) if (!defs[w.attribute] && w.attribute !== 'id') return send(400, undefined, `Unknown attribute ${w.attribute} in where.`);
        let list = [...store.values()].filter((r) => where.every((w) => {
          const v = r[w.attribute];
          switch (w.type) {
            case 'equals': return String(v ?? '') === String(w.value ?? '');
            case 'notEquals': return String(v ?? '') !== String(w.value ?? '');
            case 'in': return (Array.isArray(w.value) ? w.value : [w.value]).map(String).includes(String(v));
            case 'isNull': return v == null;
            default: return v != null;
          }
        }));
        const total = list.length;
        list = list.slice(offset, offset + maxSize);
        const select = u.searchParams.get('select');
        if (select) {
          const keep = ['id', ...select.split(',')];
          list = list.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => keep.includes(k))));
        }
        return send(200, { total, list });
      }
      if (method === 'GET' && id) {
        const r = store.get(id);
        return r ? send(200, r) : send(404, undefined, 'Record not found.');
      }
      if (method === 'POST' && !id) {
        const err = validate(entity, body, true, attachments);
        if (err) return send(400, undefined, err);
        const b = body as Record<string, unknown>;
        if (entity === 'CJeanbrunProgramme' && b.idExterne) {
          for (const r of store.values()) if (r.idExterne === b.idExterne && r.sourceApi === b.sourceApi) return send(409, [{ id: r.id }], 'Duplicate: a record with this idExterne exists.');
        }
        if (b.villeId && !records.CJeanbrunVille.has(String(b.villeId))) return send(400, undefined, `villeId ${b.villeId} does not exist.`);
        const rec = { ...b, id: newId(), createdAt: now, modifiedAt: now, deleted: false };
        store.set(rec.id, rec);
        return send(200, rec);
      }
      if ((method === 'PUT' || method === 'PATCH') && id) {
        const r = store.get(id);
        if (!r) return send(404, undefined, 'Record not found.');
        const err = validate(entity, body, false, attachments);
        if (err) return send(400, undefined, err);
        Object.assign(r, body as object, { modifiedAt: now });
        return send(200, r);
      }
      if (method === 'DELETE' && id) {
        return store.delete(id) ? send(200, true) : send(404, undefined, 'Record not found.');
      }
      return send(405, undefined, 'Method not allowed.');
    });
  });
  /** POST Attachment, as documented: the file arrives as a base64 data URI inside the JSON body */
  function upload(body: unknown, send: (status: number, payload?: unknown, reason?: string) => void): void {
    const b = (body ?? {}) as Record<string, unknown>;
    if (b.role !== 'Attachment') return send(400, undefined, 'role must be "Attachment".');
    if (typeof b.name !== 'string' || !b.name) return send(400, undefined, 'name is required.');
    if (typeof b.field !== 'string') return send(400, undefined, 'field is required.');
    const entity = typeof b.relatedType === 'string' ? b.relatedType : typeof b.parentType === 'string' ? b.parentType : null;
    const def = entity ? ENTITIES[entity]?.[b.field] : undefined;
    if (!entity || !def) return send(403, undefined, `No field ${String(b.field)} on ${String(entity)}.`);
    // relatedType for image/file fields, parentType for attachment-multiple ones (the documented split)
    if (def.type === 'image' && typeof b.relatedType !== 'string') return send(400, undefined, 'relatedType is required for an image field.');
    if (def.type === 'attachmentMultiple' && typeof b.parentType !== 'string') return send(400, undefined, 'parentType is required for an attachment-multiple field.');
    if (def.type !== 'image' && def.type !== 'attachmentMultiple') return send(403, undefined, `Field ${b.field} does not take files.`);
    const dm = typeof b.file === 'string' ? /^data:([\w.+-]+\/[\w.+-]+)?;base64,([A-Za-z0-9+/=]*)$/.exec(b.file) : null;
    if (!dm) return send(400, undefined, 'file must be a base64 data URI.');
    const bytes = Buffer.from(dm[2], 'base64');
    if (bytes.length === 0) return send(400, undefined, 'Empty file.');
    if (bytes.length > FAKE_MAX_UPLOAD_BYTES) return send(403, undefined, 'File size should not exceed 2Mb.');
    const type = typeof b.type === 'string' ? b.type : dm[1] ?? 'application/octet-stream';
    if (def.type === 'image' && !/^image\/(jpeg|png|gif|webp)$/.test(type)) return send(403, undefined, `Not allowed file type ${type}.`);
    const a: FakeAttachment = {
      id: newId(), name: b.name, type, size: bytes.length, role: 'Attachment', field: b.field,
      relatedType: typeof b.relatedType === 'string' ? b.relatedType : null, parentType: typeof b.parentType === 'string' ? b.parentType : null,
      sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
    };
    attachments.set(a.id, a);
    send(200, { id: a.id, name: a.name, type: a.type, size: a.size });
  }

  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    records,
    attachments,
    requests,
    failNext(n, status, method, entity) { for (let i = 0; i < n; i++) failures.push({ status, method, entity }); },
    seedVille(v) {
      const id = newId();
      records.CJeanbrunVille.set(id, { id, name: v.name, codePostal: v.codePostal, slug: v.slug ?? null, codeInsee: v.codeInsee ?? null, deleted: false });
      return id;
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const crm = await startFakeEspoCrm({ port: Number(process.argv[2] || 0), apiKey: process.argv[3] });
  for (const [name, cp, slug] of [['Lyon', '69000', 'lyon'], ['Bordeaux', '33000', 'bordeaux'], ['Bagneux', '92220', 'bagneux'], ['Paris', '75000', 'paris'], ['Nantes', '44000', 'nantes'], ['Lille', '59000', 'lille']]) crm.seedVille({ name, codePostal: cp, slug });
  console.log(`fake EspoCRM on ${crm.url}  (API key: ${crm.apiKey})`);
  console.log(`PROMOTEURS_ESPOCRM_URL=${crm.url} PROMOTEURS_ESPOCRM_API_KEY=${crm.apiKey}`);
}
