// The shared formatters every page uses: sizes in one decimal unit system per language, plurals
// chosen by Intl.PluralRules, job log lines worded from their code, validation errors readable.
import { describe, expect, test } from 'vitest';
import { formatBytes, formatDate, formatTime, logText, registerStrings, t } from '../../web/src/i18n.ts';
import { ApiError } from '../../web/src/api.ts';
import { retryable, validationText } from '../../web/src/components/ui.tsx';
import '../../web/src/strings.ts';
import '../../web/src/modules/vinted/i18n.ts';
import '../../web/src/modules/promoteurs/i18n.ts';
import '../../web/src/modules/releases/i18n.ts';

describe('web formatters', () => {
  test('sizes: ko/Mo/Go in French, KB/MB/GB in English, base 1000 in both', () => {
    expect(formatBytes(999, 'fr')).toBe('999 o');
    expect(formatBytes(1500, 'fr')).toBe('1,5 ko');
    expect(formatBytes(1500, 'en')).toBe('1.5 KB');
    expect(formatBytes(25_300_000, 'fr')).toBe('25 Mo');
    expect(formatBytes(3_200_000_000, 'en')).toBe('3.2 GB');
    expect(formatBytes(12, 'en')).toBe('12 B');
  });

  test('dates and times follow the chosen language', () => {
    const d = '2026-12-03T12:24:52Z';
    expect(formatDate(d, 'fr')).toMatch(/3 déc\. 2026/);
    expect(formatDate(d, 'en')).toMatch(/3 Dec 2026/);
    expect(formatDate(d, 'fr')).not.toMatch(/AM|PM/);
    expect(formatTime(d, 'fr')).toMatch(/^\d\d:\d\d:52$/);
    expect(formatDate(null, 'fr')).toBe('—');
  });

  test('plurals: the #one form for 1 (and 0 in French), the plain key otherwise', () => {
    registerStrings('fmt', { fr: { photos: '{count} photos', 'photos#one': '{count} photo' }, en: { photos: '{count} photos', 'photos#one': '{count} photo' } });
    expect(t('fmt.photos', { count: 1 }, 'fr')).toBe('1 photo');
    expect(t('fmt.photos', { count: 0 }, 'fr')).toBe('0 photo');
    expect(t('fmt.photos', { count: 0 }, 'en')).toBe('0 photos');
    expect(t('fmt.photos', { count: 2 }, 'fr')).toBe('2 photos');
    expect(t('fmt.photos', { count: '1' }, 'fr')).toBe('1 photos'); // a string count is not counted
    // the message files use it: "1 photos" on a Studio card was the reported case
    expect(t('vinted.card.photos', { count: 1 }, 'fr')).toBe('1 photo');
    expect(t('vinted.card.photos', { count: 3 }, 'en')).toBe('3 photos');
    expect(t('promoteurs.run.cities.n', { n: 1 }, 'en')).toBe('1 city');
    expect(t('promoteurs.run.cities.n', { n: 68 }, 'fr')).toBe('68 villes');
  });

  test('job log lines with a code are worded in the UI language; others show as written', () => {
    const requeued = { message: 'stopped by a shutdown: queued again', data: { code: 'job.requeued_on_shutdown' } };
    expect(logText(requeued, 'vinted', 'fr')).toMatch(/remise en file/);
    expect(logText(requeued, 'vinted', 'en')).toMatch(/queued again/);
    expect(logText({ message: 'artifact a.zip', data: { code: 'job.artifact', name: 'a.zip', size: 2_500_000 } }, undefined, 'fr')).toBe('Fichier produit : a.zip (2,5 Mo)');
    expect(logText({ message: 'failed: boom', data: { code: 'job.failed', error: 'boom' } }, undefined, 'fr')).toBe('Échec : boom');
    expect(logText({ message: 'as written', data: { code: 'no.such.code' } }, 'vinted', 'fr')).toBe('as written');
    expect(logText({ message: 'plain', data: null }, 'vinted', 'fr')).toBe('plain');
    // a value that is itself a coded message (a refused photo's reason, a delivery's error) is worded too
    const rejected = { message: 'photo rejected: a.jpg: corrupt JPEG', data: { code: 'ingest.rejected', file: 'a.jpg', reason: { code: 'refused.corrupt', params: { format: 'JPEG', detail: '' } } } };
    expect(logText(rejected, 'vinted', 'fr')).toBe('Photo refusée : a.jpg — fichier JPEG tronqué ou illisible ');
    expect(logText(rejected, 'vinted', 'en')).toMatch(/^Photo refused: a\.jpg — /);
    const lost = { message: 'x.rar: connection lost (ECONNRESET)', data: { code: 'deliver.retrying', reason: { code: 'deliverError.network' }, error: 'x.rar: connection lost (ECONNRESET)', seconds: 0.4, attempt: 2, attempts: 4 } };
    expect(logText(lost, 'releases', 'fr')).toBe('connexion perdue : nouvel essai dans 0.4 s (essai 2/4) (détail : x.rar: connection lost (ECONNRESET))');
  });

  test('a validation error reads as a sentence naming the fields, and offers no retry', () => {
    const details = [
      { instancePath: '/price', keyword: 'too_small', params: { issue: { code: 'too_small', path: ['price'] } }, message: 'Too small' },
      { instancePath: '/title', keyword: 'invalid_type', params: { issue: { code: 'invalid_type', path: ['title'], input: undefined } }, message: 'Required' },
    ];
    const fr = (k: string, v?: Record<string, string | number>) => t(k, v, 'fr');
    expect(validationText(fr, details)).toBe('Donnée refusée : « price » est trop court ou trop petit, « title » est obligatoire.');
    expect(validationText(fr, undefined)).toBe('Donnée refusée : n’est pas valable.');
    expect(retryable(new ApiError(400, 'validation', 'invalid request'))).toBe(false);
    expect(retryable(new ApiError(404, 'not_found', 'no'))).toBe(false);
    expect(retryable(new ApiError(429, 'rate_limited', 'slow down'))).toBe(true);
    expect(retryable(new ApiError(503, 'unavailable', 'later'))).toBe(true);
    expect(retryable(new ApiError(0, 'network', 'down'))).toBe(true);
  });
});
