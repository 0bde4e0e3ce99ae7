// How the jobs pages name jobs, kinds and counters, and which of two versions of a job wins when
// the SSE stream and the list polling race.
import { describe, expect, test } from 'vitest';
import { registerStrings, t as translate } from '../../web/src/i18n.ts';
import '../../web/src/strings.ts';
import { counterLabel, jobTitle, kindLabel } from '../../web/src/components/jobs.tsx';
import { newer } from '../../web/src/jobs.ts';
import type { JobRecord } from '../../web/src/api.ts';

const fr = (key: string, vars?: Record<string, string | number>) => translate(key, vars, 'fr');
const en = (key: string, vars?: Record<string, string | number>) => translate(key, vars, 'en');

function job(o: Partial<JobRecord>): JobRecord {
  return {
    id: 'j1', module: 'labels', kind: 'scan', status: 'running', title: null, progress: 0, counters: {}, error: null,
    attempts: 1, created_at: '2026-11-22T10:00:00Z', started_at: null, finished_at: null, updated_at: '2026-11-22T10:00:00Z', ...o,
  };
}

registerStrings('labels', {
  fr: { 'kind.scan': 'Analyse', 'counter.pages_done': 'Pages lues' },
  en: { 'kind.scan': 'Scan', 'counter.pages_done': 'Pages read' },
});

describe('job labels', () => {
  test('kinds and counters use the module strings, else readable raw names', () => {
    expect(kindLabel(fr, job({}))).toBe('Analyse');
    expect(kindLabel(en, job({ kind: 'labels.scan' }))).toBe('Scan');
    expect(kindLabel(fr, job({ kind: 'other' }))).toBe('other');
    expect(counterLabel(fr, 'labels', 'pages_done')).toBe('Pages lues');
    expect(counterLabel(fr, 'labels', 'files_skipped')).toBe('files skipped');
  });

  test('titles: server title, fixed translated title, scheduled jobs, untitled', () => {
    expect(jobTitle(fr, job({ title: 'Import de 40 photos' }))).toBe('Import de 40 photos');
    expect(jobTitle(fr, job({ module: 'core', kind: 'demo', title: 'Demo job' }))).toBe('Tâche de démonstration');
    expect(jobTitle(en, job({ title: 'scheduled: labels.scan' }))).toBe('Scan (scheduled)');
    expect(jobTitle(fr, job({}))).toBe('Tâche Analyse');
  });

  test('a finished version is never replaced by an older running one; otherwise the latest update wins', () => {
    const done = job({ status: 'completed', progress: 100, updated_at: '2026-11-22T10:00:05Z' });
    const late = job({ status: 'running', progress: 90, updated_at: '2026-11-22T10:00:04Z' });
    expect(newer(done, late)).toBe(done);
    const a = job({ progress: 30, updated_at: '2026-11-22T10:00:02Z' });
    const b = job({ progress: 20, updated_at: '2026-11-22T10:00:01Z' });
    expect(newer(a, b)).toBe(a);
    expect(newer(b, a)).toBe(a);
    expect(newer(undefined, b)).toBe(b);
  });
});
