import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase } from '../../src/core/db.ts';
import { migrate } from '../../src/core/migrate.ts';
import { Vault, loadMasterKey, mask, type Sealed } from '../../src/core/vault.ts';

describe('vault', () => {
  it('encrypts with AES-256-GCM, tags the key id and supports rotation', async () => {
    const d = await openDatabase({ dataDir: '', memory: true });
    await migrate(d, [{ module: 'core', dir: path.resolve(import.meta.dirname, '../../src/core/migrations') }]);
    const v1 = new Vault(d.db, 'first key material that is long enough');
    await v1.set('ftp.password', 's3cret-value');
    const row = (await d.db.withSchema('core').selectFrom('secrets').selectAll().executeTakeFirstOrThrow()) as Sealed;
    expect(row.key_id).toBe(v1.keyId);
    expect(Buffer.from(row.ciphertext, 'base64').toString()).not.toContain('s3cret');
    // tampering is detected (GCM tag)
    expect(() => v1.open({ ...row, ciphertext: Buffer.from('x' + row.ciphertext).toString('base64') })).toThrow();
    // a new key without the old one cannot read; with it, it can, and rotate re-seals
    const lost = new Vault(d.db, 'second key material that is long enough');
    await expect(lost.get('ftp.password')).rejects.toThrow(/ATELIER_SECRET_KEYS_OLD/);
    const v2 = new Vault(d.db, 'second key material that is long enough', ['first key material that is long enough']);
    expect(await v2.get('ftp.password')).toBe('s3cret-value');
    expect(await v2.rotate()).toBe(1);
    expect(await lost.get('ftp.password')).toBe('s3cret-value');
    await d.close();
  });

  it('generates the key once into the data dir with mode 0600', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-'));
    const k1 = loadMasterKey(undefined, dir);
    const k2 = loadMasterKey(undefined, dir);
    expect(k1).toBe(k2);
    expect(fs.statSync(path.join(dir, 'secret.key')).mode & 0o777).toBe(0o600);
    expect(loadMasterKey('from-env', dir)).toBe('from-env');
    fs.rmSync(dir, { recursive: true });
  });

  it('masks secrets for display', () => {
    expect(mask('abcdefghijkl')).toBe('****ijkl');
    expect(mask('short')).toBe('****');
    expect(mask(undefined)).toBeNull();
  });
});
