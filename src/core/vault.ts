// Secrets at rest: AES-256-GCM, one row per secret in core.secrets, each tagged with the id of the
// key that sealed it so the master key can rotate (old keys stay readable via ATELIER_SECRET_KEYS_OLD).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import { registerSecret } from './log.ts';

interface Key { id: string; key: Buffer }
export interface Sealed { key_id: string; iv: string; tag: string; ciphertext: string }

function deriveKey(material: string): Key {
  // 32 bytes base64 is used as is; any other string is stretched with SHA-256.
  const raw = Buffer.from(material, 'base64');
  const key = raw.length === 32 && /^[A-Za-z0-9+/=]+$/.test(material) ? raw : crypto.createHash('sha256').update(material).digest();
  const id = crypto.createHash('sha256').update(key).digest('hex').slice(0, 8);
  return { id, key };
}

/** Reads ATELIER_SECRET_KEY, or the key generated once into <dataDir>/secret.key (mode 0600). */
export function loadMasterKey(secretKey: string | undefined, dataDir: string): string {
  if (secretKey) return secretKey;
  const file = path.join(dataDir, 'secret.key');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(dataDir, { recursive: true });
  const generated = crypto.randomBytes(32).toString('base64');
  fs.writeFileSync(file, generated + '\n', { mode: 0o600, flag: 'wx' });
  return generated;
}

export class Vault {
  private current: Key;
  private keys = new Map<string, Key>();
  private db: Kysely<any>;

  constructor(db: Kysely<any>, masterKey: string, oldKeys: string[] = []) {
    this.db = db;
    this.current = deriveKey(masterKey);
    for (const k of [this.current, ...oldKeys.map(deriveKey)]) this.keys.set(k.id, k);
  }

  get keyId(): string {
    return this.current.id;
  }

  /** Key material derived for another purpose (e.g. JWT signing), never the master key itself. */
  derive(purpose: string): Buffer {
    return Buffer.from(crypto.hkdfSync('sha256', this.current.key, Buffer.alloc(0), purpose, 32));
  }

  seal(plain: string): Sealed {
    const iv = crypto.randomBytes(12);
    const c = crypto.createCipheriv('aes-256-gcm', this.current.key, iv);
    const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return { key_id: this.current.id, iv: iv.toString('base64'), tag: c.getAuthTag().toString('base64'), ciphertext: ct.toString('base64') };
  }

  open(sealed: Sealed): string {
    const k = this.keys.get(sealed.key_id);
    if (!k) throw new Error(`vault: secret sealed with unknown key id ${sealed.key_id}; add the old key to ATELIER_SECRET_KEYS_OLD`);
    const d = crypto.createDecipheriv('aes-256-gcm', k.key, Buffer.from(sealed.iv, 'base64'));
    d.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    const plain = Buffer.concat([d.update(Buffer.from(sealed.ciphertext, 'base64')), d.final()]).toString('utf8');
    registerSecret(plain);
    return plain;
  }

  /** Stores a secret under a name like "vinted.session.<account>" (upsert). */
  async set(name: string, value: string): Promise<void> {
    registerSecret(value);
    const s = this.seal(value);
    await this.db.withSchema('core').insertInto('secrets')
      .values({ name, ...s, updated_at: new Date() })
      .onConflict((oc) => oc.column('name').doUpdateSet({ ...s, updated_at: new Date() }))
      .execute();
  }

  async get(name: string): Promise<string | undefined> {
    const row = await this.db.withSchema('core').selectFrom('secrets').selectAll().where('name', '=', name).executeTakeFirst();
    return row ? this.open(row as Sealed) : undefined;
  }

  async has(name: string): Promise<boolean> {
    const row = await this.db.withSchema('core').selectFrom('secrets').select('name').where('name', '=', name).executeTakeFirst();
    return !!row;
  }

  async delete(name: string): Promise<void> {
    await this.db.withSchema('core').deleteFrom('secrets').where('name', '=', name).execute();
  }

  async list(prefix = ''): Promise<{ name: string; updated_at: Date }[]> {
    return this.db.withSchema('core').selectFrom('secrets').select(['name', 'updated_at']).where('name', 'like', `${prefix}%`).orderBy('name').execute();
  }

  /** Re-seals every secret with the current key (after a rotation). */
  async rotate(): Promise<number> {
    const rows = await this.db.withSchema('core').selectFrom('secrets').selectAll().where('key_id', '!=', this.current.id).execute();
    for (const r of rows) await this.set(r.name, this.open(r as Sealed));
    return rows.length;
  }
}

/** "****abcd": the only form in which a stored secret is ever shown. */
export function mask(value: string | undefined | null): string | null {
  if (!value) return null;
  return '****' + (value.length > 8 ? value.slice(-4) : '');
}
