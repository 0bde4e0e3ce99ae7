// Refused files carry a message code + values (ingest/refusal.ts) read from the sentences the ingest
// steps really write; every code has a French and an English text, and the French one is French.
import { describe, expect, test } from 'vitest';
import { refusalOf } from '../../src/vinted/ingest/refusal.ts';
import { sniffImage } from '../../src/vinted/ingest/detect.ts';
import { safeEntryName } from '../../src/vinted/ingest/zip.ts';
import { PixelLimitError } from '../../src/vinted/ingest/heic.ts';
import { t, hasString } from '../../web/src/i18n.ts';
import '../../web/src/modules/vinted/i18n.ts';

const reasonOf = (s: ReturnType<typeof sniffImage>) => (s.ok ? '' : s.reason);

describe('refused-file reasons as message codes', () => {
  test('the sentences the producers write map to codes with their values', () => {
    expect(refusalOf(reasonOf(sniffImage(Buffer.alloc(0), 'a.jpg')))).toEqual({ code: 'empty', params: {} });
    expect(refusalOf(reasonOf(sniffImage(Buffer.from('GIF89a-----'), 'a.gif')))).toEqual({ code: 'unsupported', params: { format: 'GIF', accepted: 'JPEG, PNG, WebP, HEIC' } });
    expect(refusalOf(reasonOf(sniffImage(Buffer.from('%PDF-1.7 xxxx'), 'a.jpg'))).code).toBe('pdf');
    expect(refusalOf(reasonOf(sniffImage(Buffer.from('PK\u0003\u0004xxxxxxxx'), 'a.jpg'))).code).toBe('zip_inside');
    expect(refusalOf(reasonOf(sniffImage(Buffer.from('hello world, not an image'), 'a.jpg'))).code).toBe('unsupported');
    const traversal = safeEntryName('../../etc/passwd');
    expect(refusalOf(traversal.ok ? '' : traversal.reason).code).toBe('zip_unsafe_path');
    expect(refusalOf(new PixelLimitError(20000, 10000, 100e6).message)).toEqual({ code: 'too_many_pixels', params: { width: 20000, height: 10000, limit: 100 } });
    expect(refusalOf('file too large: at most 40 MB per photo (BULK_MAX_FILE_MB)')).toEqual({ code: 'too_big', params: { mb: 40 } });
    expect(refusalOf('truncated or corrupt HEIC: decoding failed')).toEqual({ code: 'heic_corrupt', params: { detail: 'decoding failed' } });
    expect(refusalOf('truncated or corrupt JPEG (the decoder could not read it)')).toEqual({ code: 'corrupt', params: { format: 'JPEG', detail: '' } });
    expect(refusalOf('suspicious compression ratio 1200:1 (zip bomb?), limit 200:1')).toEqual({ code: 'zip_bomb', params: { ratio: '1200', limit: 200 } });
    expect(refusalOf('something nobody wrote')).toEqual({ code: 'other', params: { detail: 'something nobody wrote' } }); // worded 'refusé ({detail})'
  });

  test('every code has its FR and EN text, worded with the values', () => {
    const codes = ['empty', 'too_big', 'unsupported', 'video', 'pdf', 'zip_inside', 'hidden_file', 'over_limit', 'too_many_pixels', 'too_many_pixels_unknown', 'heic_corrupt', 'corrupt', 'unreadable', 'zip_unsafe_path', 'zip_symlink', 'zip_encrypted', 'zip_entry_too_large', 'zip_bomb', 'zip_duplicate', 'zip_extract', 'zip_invalid', 'zip_too_many_entries', 'zip_too_large'];
    for (const c of codes) expect(hasString(`vinted.refused.${c}`), c).toBe(true);
    const r = refusalOf('file too large: at most 40 MB per photo (BULK_MAX_FILE_MB)');
    expect(t(`vinted.refused.${r.code}`, r.params, 'fr')).toBe('fichier trop lourd : 40 Mo au plus par photo (BULK_MAX_FILE_MB)');
    expect(t(`vinted.refused.${r.code}`, r.params, 'en')).toBe('file too large: at most 40 MB per photo (BULK_MAX_FILE_MB)');
  });
});
