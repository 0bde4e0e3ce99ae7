// The Packer wizard: group → type → rule set → files (drag & drop) → metadata (editable, name
// re-validated live) → NFO template with live preview → summary with the planned release tree
// (a dry run on the server) → pack (live job progress) → results with the validation report and downloads.
import './i18n.ts';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { DragEvent, ReactNode } from 'react';
import { api, ApiError, download, useApi } from '../../api.ts';
import type { JobRecord } from '../../api.ts';
import { formatBytes, formatDate, hasString, useI18n } from '../../i18n.ts';
import { Alert, Button, Card, ErrorBox, Field, PageHeader, Spinner, cx } from '../../components/ui.tsx';
import { JobProgress } from '../../components/jobs.tsx';
import { Destinations, EnrichPanel, MetadataSources, Preferences, SendPanel } from './setup.tsx';
// one catalogue of rule-detail words for the server (CLI, scripts) and this page
import { noteText, type Note } from '../../../../src/releases/validate/messages.ts';

type RType = 'EBOOK' | 'DOCS' | 'TV';
const TYPES: RType[] = ['EBOOK', 'DOCS', 'TV'];
const FORMATS: Record<RType, string[]> = {
  EBOOK: ['EPUB', 'PDF', 'MOBI', 'AZW3', 'CBZ'],
  DOCS: ['PDF', 'DOCX', 'TXT', 'ODT', 'RTF'],
  TV: ['MKV', 'MP4'],
};
const ACCEPT: Record<RType, string> = {
  EBOOK: '.epub,.pdf,.mobi,.azw3,.azw,.prc,.cbz',
  DOCS: '.pdf,.docx,.txt,.odt,.rtf',
  TV: '.mkv,.mp4,.m4v',
};

interface Metadata {
  format: string; fileName: string; size: number;
  title?: string; author?: string; authors?: string[]; publisher?: string; year?: number; language?: string; isbn?: string; pages?: number;
  show?: string; season?: number; episode?: number; episodeTitle?: string;
  video?: { videoCodec: string; resolution: string; durationSec: number; audio: unknown[] };
}
interface Upload { id?: string; file_name: string; size: number; metadata?: Metadata; error?: string; code?: string; limit_mb?: number }
interface RuleSetInfo { id: string; type: RType; year: number; title: string }
// code + params since issue 10; releases packed before carry only the English detail
interface Check { rule: string; ok: boolean; detail: string; code?: string; params?: Note['params'] }
interface NamingAnswer { name: string; warnings: string[]; ok: boolean; checks: Check[]; ruleSet: string }
interface TemplateInfo { id: string; name: string; type: RType; kind: 'nfo' | 'diz'; body: string; builtin: boolean }
interface Rendered { text: string; lines: number; columns: number; warnings: string[]; bytes: number }
interface PackResult {
  ok: boolean; release: { name: string; files: { name: string; size: number }[] };
  validation: { ok: boolean; ruleSet: string; checks: Check[] };
}
interface ArtifactInfo { id: string; name: string; size: number; url: string }

const STEPS = ['group', 'type', 'rules', 'files', 'metadata', 'template', 'summary', 'pack', 'results', 'send'] as const;
const TABS = ['packer', 'destinations', 'sources', 'prefs'] as const;
type Tab = (typeof TABS)[number];
type Step = (typeof STEPS)[number];

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

function Stepper({ step }: { step: Step }) {
  const { t } = useI18n();
  const at = STEPS.indexOf(step);
  return (
    <ol className="mb-6 flex flex-wrap gap-2 text-sm" aria-label={t('releases.steps.label')}>
      {STEPS.map((s, i) => (
        <li key={s} aria-current={s === step ? 'step' : undefined}
          className={cx('rounded-full px-3 py-1 ring-1 ring-inset', i < at ? 'bg-indigo-50 text-indigo-700 ring-indigo-200' : i === at ? 'bg-indigo-600 text-white ring-indigo-600' : 'bg-white text-slate-500 ring-slate-200')}>
          {i + 1}. {t(`releases.step.${s}`)}
        </li>
      ))}
    </ol>
  );
}

function Nav({ onBack, onNext, nextDisabled, nextLabel }: { onBack?: () => void; onNext?: () => void; nextDisabled?: boolean; nextLabel?: string }) {
  const { t } = useI18n();
  return (
    <div className="mt-6 flex justify-between gap-3">
      {onBack ? <Button variant="secondary" onClick={onBack}>{t('releases.back')}</Button> : <span />}
      {onNext && <Button onClick={onNext} disabled={nextDisabled}>{nextLabel ?? t('releases.next')}</Button>}
    </div>
  );
}

function TextArea({ label, value, onChange, rows = 12, mono }: { label: string; value: string; onChange: (v: string) => void; rows?: number; mono?: boolean }) {
  const id = useMemo(() => `ta-${Math.random().toString(36).slice(2)}`, []);
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">{label}</label>
      <textarea id={id} rows={rows} value={value} onChange={(e) => onChange(e.target.value)} spellCheck={false}
        className={cx('mt-1 block w-full rounded-lg border-0 px-3 py-2 text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600 focus:outline-none', mono && 'font-mono text-xs')} />
    </div>
  );
}

function Select({ label, value, onChange, children }: { label: string; value: string; onChange: (v: string) => void; children: ReactNode }) {
  const id = useMemo(() => `sel-${Math.random().toString(36).slice(2)}`, []);
  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}
        className="mt-1 block w-full rounded-lg border-0 px-3 py-2 text-slate-900 shadow-sm ring-1 ring-inset ring-slate-300 focus:ring-2 focus:ring-indigo-600 focus:outline-none">
        {children}
      </select>
    </div>
  );
}

function Checks({ checks }: { checks: Check[] }) {
  const { t, lang } = useI18n();
  // the rule's name in the user's language; its id stays visible (rule sets and the CLI use it)
  const label = (rule: string) => (hasString(`releases.rule.${rule}`) ? t(`releases.rule.${rule}`) : rule);
  return (
    <ul className="divide-y divide-slate-100 text-sm" data-testid="checks">
      {checks.map((c, i) => (
        <li key={`${c.rule}-${i}`} className="flex gap-3 py-1.5">
          <span className={cx('w-10 shrink-0 font-semibold', c.ok ? 'text-emerald-600' : 'text-red-600')}>{c.ok ? 'OK' : 'KO'}</span>
          <span className="w-48 shrink-0 text-xs leading-5 text-slate-700" title={c.rule} data-rule={c.rule}>{label(c.rule)}</span>
          <span className="min-w-0 break-words text-slate-600" data-check-detail>{c.code ? noteText({ code: c.code, params: c.params }, lang) : c.detail}</span>
        </li>
      ))}
    </ul>
  );
}

function Nfo({ text, testId }: { text: string; testId: string }) {
  // CP437 art needs a monospace font whose box-drawing glyphs join: the browser's own monospace does
  return (
    <pre data-testid={testId} className="max-h-[32rem] overflow-auto rounded-lg bg-slate-950 p-4 font-mono text-[11px] leading-[1.15] text-slate-100">{text}</pre>
  );
}


interface PackRow extends JobRecord { pack: { name: string | null; ok: boolean | null; purged_at: string | null } | null }

function RecentPacks({ onOpen, onSend, refreshKey }: { onOpen: (job: JobRecord) => void; onSend: (job: PackRow) => void; refreshKey: number }) {
  const { t } = useI18n();
  const list = useApi<{ jobs: PackRow[] }>(`/api/releases/jobs?limit=10&r=${refreshKey}`);
  const jobs = (list.data?.jobs ?? []).filter((j) => !(j.payload as { dryRun?: boolean } | undefined)?.dryRun);
  if (!jobs.length) return null;
  return (
    <Card title={t('releases.recent')} className="mt-8">
      <ul className="divide-y divide-slate-100 text-sm" data-testid="recent-packs">
        {jobs.map((j) => (
          <li key={j.id} className="flex flex-wrap items-center justify-between gap-3 py-2">
            <span className="min-w-0 font-mono text-xs break-all text-slate-800">{j.pack?.name ?? j.title}</span>
            <span className="flex items-center gap-3">
              <span className={cx('text-xs font-medium', j.pack?.ok ? 'text-emerald-700' : j.pack?.ok === false || j.status === 'failed' ? 'text-red-700' : 'text-slate-500')}>
                {j.status !== 'completed' ? t(`releases.status.${j.status}`) : j.pack?.ok ? t('releases.recent.valid') : t('releases.recent.invalid')}
              </span>
              <span className="text-xs text-slate-500 tabular-nums">{formatDate(j.created_at)}</span>
              {j.status === 'completed' || j.status === 'failed' ? <Button size="sm" variant="secondary" onClick={() => onOpen(j)}>{t('releases.recent.open')}</Button> : null}
              {j.status === 'completed' && j.pack?.ok && !j.pack.purged_at ? <Button size="sm" variant="secondary" aria-label={`${t('releases.send.short')} ${j.pack.name}`} onClick={() => onSend(j)}>{t('releases.send.short')}</Button> : null}
            </span>
          </li>
        ))}
      </ul>
    </Card>
  );
}

export default function ReleasesPage() {
  const { t } = useI18n();
  const [step, setStep] = useState<Step>('group');
  const [group, setGroup] = useState(() => localStorage.getItem('releases.group') ?? '');
  const [type, setType] = useState<RType>('EBOOK');
  const [ruleSet, setRuleSet] = useState('');
  const [upload, setUpload] = useState<Upload>();
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [uploading, setUploading] = useState(false);
  const [uploadError, setUploadError] = useState<unknown>();
  const [edits, setEdits] = useState<Record<string, string>>({});
  const [naming, setNaming] = useState<{ edition?: string; source?: string }>({});
  const [name, setName] = useState('');
  const [nameEdited, setNameEdited] = useState(false);
  // read by late naming answers: a name the user typed meanwhile must never be overwritten
  const nameEditedRef = useRef(nameEdited);
  nameEditedRef.current = nameEdited;
  const [nameAnswer, setNameAnswer] = useState<NamingAnswer>();
  const [nameError, setNameError] = useState<unknown>();
  const [nfoId, setNfoId] = useState('');
  const [dizId, setDizId] = useState('');
  const [nfoBody, setNfoBody] = useState('');
  const [nfoEdited, setNfoEdited] = useState(false);
  const [notes, setNotes] = useState('');
  const [preview, setPreview] = useState<Rendered>();
  const [previewDiz, setPreviewDiz] = useState<Rendered>();
  const [previewError, setPreviewError] = useState<unknown>();
  const [plan, setPlan] = useState<PackResult>();
  const [planError, setPlanError] = useState<unknown>();
  const [jobId, setJobId] = useState<string>();
  const [packError, setPackError] = useState<unknown>();
  const [done, setDone] = useState<JobRecord>();
  const [artifacts, setArtifacts] = useState<ArtifactInfo[]>([]);
  const fileInput = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const [recentKey, setRecentKey] = useState(0);
  const [tab, setTabState] = useState<Tab>(() => (TABS as readonly string[]).includes(location.hash.slice(1)) ? location.hash.slice(1) as Tab : 'packer');
  const setTab = (x: Tab) => { setTabState(x); history.replaceState(null, '', x === 'packer' ? location.pathname : `#${x}`); };
  const [sendJob, setSendJob] = useState<{ id: string; name: string }>();
  // the group's preferences for this type: preselected rule set, templates and destinations
  const [prefs, setPrefs] = useState<{ ruleSet?: string; nfoTemplate?: string; dizTemplate?: string; destinations?: string[] }>({});

  const rules = useApi<{ rulesets: RuleSetInfo[] }>('/api/releases/rulesets');
  const templates = useApi<{ templates: TemplateInfo[] }>(`/api/releases/templates?type=${type}`);
  const typeRules = useMemo(() => (rules.data?.rulesets ?? []).filter((r) => r.type === type).sort((a, b) => b.year - a.year), [rules.data, type]);
  useEffect(() => {
    if (!/^[A-Za-z0-9_]{1,32}$/.test(group)) return;
    let stale = false;
    api.get<{ effective: typeof prefs }>(`/api/releases/prefs/${group}?type=${type}`).then((r) => {
      if (stale) return;
      setPrefs(r.effective ?? {});
      if (r.effective?.ruleSet) setRuleSet(r.effective.ruleSet);
      if (r.effective?.nfoTemplate) setNfoId(r.effective.nfoTemplate);
      if (r.effective?.dizTemplate) setDizId(r.effective.dizTemplate);
    }).catch(() => setPrefs({}));
    return () => { stale = true; };
  }, [group, type]);
  useEffect(() => {
    if (!typeRules.some((r) => r.id === ruleSet)) setRuleSet(typeRules[0]?.id ?? '');
  }, [typeRules, ruleSet]);
  useEffect(() => {
    const list = templates.data?.templates ?? [];
    const nfo = list.find((x) => x.kind === 'nfo' && x.builtin) ?? list.find((x) => x.kind === 'nfo');
    const diz = list.find((x) => x.kind === 'diz' && x.builtin) ?? list.find((x) => x.kind === 'diz');
    setNfoId((cur) => (list.some((x) => x.id === cur) ? cur : nfo?.id ?? ''));
    setDizId((cur) => (list.some((x) => x.id === cur) ? cur : diz?.id ?? ''));
  }, [templates.data]);
  useEffect(() => {
    const tpl = templates.data?.templates.find((x) => x.id === nfoId);
    if (tpl) { setNfoBody(tpl.body); setNfoEdited(false); }
  }, [nfoId, templates.data]);

  const groupOk = /^[A-Za-z0-9_]{1,32}$/.test(group);
  const md = upload?.metadata;
  const metadataEdits = useMemo(() => {
    const out: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(edits)) {
      if (v === '') continue;
      out[k] = ['year', 'season', 'episode', 'pages'].includes(k) ? Number(v) : v;
    }
    return out;
  }, [edits]);

  // ---- files
  const sendFiles = useCallback(async (files: FileList | File[]) => {
    const list = [...files];
    if (!list.length) return;
    setUploading(true);
    setUploadError(undefined);
    try {
      const form = new FormData();
      for (const f of list) form.append('file', f, f.name);
      const r = await api.upload<{ uploads: Upload[] }>('/api/releases/uploads', form);
      setUploads((u) => [...r.uploads, ...u]);
      const good = r.uploads.find((u) => u.id && u.metadata && FORMATS[type].includes(u.metadata.format));
      if (good) chooseUpload(good);
    } catch (e) {
      // every file refused: the error lists each one's reason (details.uploads)
      const refused = e instanceof ApiError ? (e.details as { uploads?: Upload[] } | undefined)?.uploads : undefined;
      // each refused file says why in the list below; the request's own error only when there is no list
      if (refused) setUploads((u) => [...refused, ...u]);
      else setUploadError(e);
    } finally {
      setUploading(false);
    }
  }, [type]);
  const chooseUpload = (u: Upload) => {
    setUpload(u);
    setEdits({});
    setNameEdited(false);
    setName('');
  };
  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    void sendFiles(e.dataTransfer.files);
  };

  // ---- naming: rebuilt from metadata + edits, or the edited name checked, debounced
  const namingKey = useDebounced(JSON.stringify({ metadataEdits, naming, name: nameEdited ? name : undefined, type, group, ruleSet, upload: upload?.id }), 250);
  useEffect(() => {
    if (!upload?.id || !groupOk || !ruleSet || (step !== 'metadata' && step !== 'template' && step !== 'summary')) return;
    let stale = false;
    api.post<NamingAnswer>('/api/releases/naming', { type, group, ruleSet, upload: upload.id, metadata: metadataEdits, naming: type === 'TV' ? { source: naming.source || undefined } : { edition: naming.edition || undefined }, name: nameEdited ? name : undefined })
      .then((r) => {
        if (stale) return;
        // an answer about the computed name arriving after the user started typing is outdated
        if (!nameEdited && nameEditedRef.current) return;
        setNameAnswer(r); setNameError(undefined);
        if (!nameEdited) setName(r.name);
      })
      .catch((e) => { if (!stale) { setNameError(e); setNameAnswer(undefined); } });
    return () => { stale = true; };
  }, [namingKey, step]);

  // ---- live NFO / DIZ preview
  const previewKey = useDebounced(JSON.stringify({ nfoBody, dizId, name, notes, metadataEdits, upload: upload?.id, group }), 300);
  useEffect(() => {
    if (step !== 'template' || !upload?.id || !nfoId) return;
    let stale = false;
    const common = { upload: upload.id, metadata: metadataEdits, name: name || undefined, group, notes: notes || undefined };
    api.post<Rendered>(`/api/releases/templates/${nfoId}/render`, { ...common, body: nfoBody })
      .then((r) => { if (!stale) { setPreview(r); setPreviewError(undefined); } })
      .catch((e) => { if (!stale) setPreviewError(e); });
    if (type !== 'TV' && dizId) {
      api.post<Rendered>(`/api/releases/templates/${dizId}/render`, common).then((r) => { if (!stale) setPreviewDiz(r); }).catch(() => {});
    }
    return () => { stale = true; };
  }, [previewKey, step, nfoId]);

  // ---- pack (dry run for the summary, real run for pack)
  const packBody = async () => {
    let nfoTemplate = nfoId || undefined;
    if (nfoEdited) {
      const saved = await api.post<{ template: TemplateInfo }>('/api/releases/templates', { name: `${group} ${type} NFO ${new Date().toISOString().replace(/[:.]/g, '-')}`, type, kind: 'nfo', body: nfoBody });
      nfoTemplate = saved.template.id;
      setNfoId(saved.template.id);
      await templates.reload();
    }
    return {
      source: { upload: upload!.id }, type, group, ruleSet, name: nameEdited ? name : undefined, metadata: metadataEdits,
      naming: type === 'TV' ? { source: naming.source || undefined } : { edition: naming.edition || undefined },
      nfoTemplate, dizTemplate: type === 'TV' ? undefined : dizId || undefined, notes: notes || undefined,
    };
  };
  useEffect(() => {
    if (step !== 'summary') return;
    let stale = false;
    setPlan(undefined);
    setPlanError(undefined);
    // a dry run computed by the server in the request: nothing written, no job
    api.post<PackResult>('/api/releases/plan', {
      upload: upload!.id, type, group, ruleSet, name: nameEdited ? name : undefined, metadata: metadataEdits,
      naming: type === 'TV' ? { source: naming.source || undefined } : { edition: naming.edition || undefined },
      nfoTemplate: nfoId || undefined, nfoBody: nfoEdited ? nfoBody : undefined, dizTemplate: type === 'TV' ? undefined : dizId || undefined, notes: notes || undefined,
    }).then((r) => { if (!stale) setPlan(r); }).catch((e) => { if (!stale) setPlanError(e); });
    return () => { stale = true; };
  }, [step]);

  const startPack = async () => {
    setPackError(undefined);
    try {
      const { job } = await api.post<{ job: JobRecord }>('/api/releases/jobs', await packBody());
      setJobId(job.id);
      setStep('pack');
    } catch (e) {
      setPackError(e);
    }
  };
  const onFinished = useCallback(async (job: JobRecord) => {
    const { job: full } = await api.get<{ job: JobRecord }>(`/api/releases/jobs/${job.id}`);
    setDone(full);
    if (full.status === 'completed') {
      const r = await api.get<{ artifacts: ArtifactInfo[] }>(`/api/releases/jobs/${job.id}/artifacts`);
      setArtifacts(r.artifacts);
    }
    setStep('results');
    setRecentKey((k) => k + 1);
  }, []);

  const restart = () => {
    setStep('files'); setUpload(undefined); setEdits({}); setName(''); setNameEdited(false); setPlan(undefined); setJobId(undefined); setDone(undefined); setArtifacts([]); setNotes('');
  };

  const mdField = (key: string, label: string, type_: 'text' | 'number' = 'text') => {
    const original = (md as unknown as Record<string, unknown> | undefined)?.[key];
    return (
      <Field key={key} label={label} type={type_} value={edits[key] ?? (original === undefined ? '' : String(original))}
        onChange={(e) => setEdits((x) => ({ ...x, [key]: e.target.value }))} />
    );
  };

  const result = done?.result as PackResult | undefined;

  return (
    <div>
      <PageHeader title={t('releases.title')} subtitle={t('releases.subtitle')} />
      <nav className="mb-6 flex gap-2 border-b border-slate-200" role="tablist">
        {TABS.map((x) => (
          <button key={x} type="button" role="tab" aria-selected={tab === x} onClick={() => setTab(x)}
            className={cx('-mb-px border-b-2 px-3 py-2 text-sm font-medium', tab === x ? 'border-indigo-600 text-indigo-700' : 'border-transparent text-slate-600 hover:text-slate-900')}>
            {t(`releases.tab.${x}`)}
          </button>
        ))}
      </nav>
      {tab === 'destinations' && <Destinations />}
      {tab === 'sources' && <MetadataSources />}
      {tab === 'prefs' && <Preferences initialGroup={group} />}
      {tab === 'packer' && <>
      <Stepper step={step} />

      {step === 'group' && (
        <Card title={t('releases.step.group')}>
          <Field label={t('releases.group.label')} value={group} autoFocus hint={t('releases.group.hint')}
            error={group && !groupOk ? t('releases.group.invalid') : undefined} onChange={(e) => setGroup(e.target.value.trim())} />
          <Nav nextDisabled={!groupOk} onNext={() => { localStorage.setItem('releases.group', group); setStep('type'); }} />
        </Card>
      )}

      {step === 'type' && (
        <Card title={t('releases.step.type')}>
          <div className="grid gap-3 sm:grid-cols-3" role="radiogroup">
            {TYPES.map((x) => (
              <button key={x} type="button" role="radio" aria-checked={type === x} onClick={() => { setType(x); setUpload(undefined); }}
                className={cx('rounded-xl p-4 text-left ring-1 ring-inset', type === x ? 'bg-indigo-50 ring-2 ring-indigo-600' : 'bg-white ring-slate-200 hover:bg-slate-50')}>
                <span className="block font-semibold text-slate-900">{t(`releases.type.${x}`)}</span>
                <span className="mt-1 block text-sm text-slate-600">{t(`releases.type.${x}.hint`)}</span>
              </button>
            ))}
          </div>
          <Nav onBack={() => setStep('group')} onNext={() => setStep('rules')} />
        </Card>
      )}

      {step === 'rules' && (
        <Card title={t('releases.step.rules')}>
          {rules.error ? <ErrorBox error={rules.error} onRetry={rules.reload} /> : typeRules.length === 0 ? (
            rules.loading ? <Spinner /> : <Alert kind="warning">{t('releases.rules.none')}</Alert>
          ) : (
            <Select label={t('releases.rules.label')} value={ruleSet} onChange={setRuleSet}>
              {typeRules.map((r) => <option key={r.id} value={r.id}>{r.title} ({r.id})</option>)}
            </Select>
          )}
          <Nav onBack={() => setStep('type')} onNext={() => setStep('files')} nextDisabled={!ruleSet} />
        </Card>
      )}

      {step === 'files' && (
        <Card title={t('releases.step.files')}>
          <div data-testid="dropzone" onDragOver={(e) => { e.preventDefault(); setDragging(true); }} onDragLeave={() => setDragging(false)} onDrop={onDrop}
            className={cx('flex flex-col items-center justify-center gap-2 rounded-xl border-2 border-dashed p-10 text-center', dragging ? 'border-indigo-500 bg-indigo-50' : 'border-slate-300 bg-slate-50')}>
            <p className="font-medium text-slate-800">{t('releases.files.drop')}</p>
            <p className="text-sm text-slate-500">
              {t('releases.files.or')}{' '}
              <button type="button" className="font-medium text-indigo-700 underline" onClick={() => fileInput.current?.click()}>{t('releases.files.browse')}</button>
            </p>
            <p className="text-xs text-slate-500">{t('releases.files.accepted', { formats: FORMATS[type].join(', ') })}</p>
            <input ref={fileInput} type="file" accept={ACCEPT[type]} className="hidden" data-testid="file-input" onChange={(e) => { if (e.target.files) void sendFiles(e.target.files); e.target.value = ''; }} />
          </div>
          {uploading && <p className="mt-3 flex items-center gap-2 text-sm text-slate-600"><Spinner /> {t('releases.files.uploading')}</p>}
          {uploadError !== undefined && <div className="mt-3"><ErrorBox error={uploadError} /></div>}
          {uploads.length > 0 && (
            <fieldset className="mt-4">
              <legend className="text-sm font-medium text-slate-800">{t('releases.files.choose')}</legend>
              <ul className="mt-2 space-y-2">
                {uploads.map((u, i) => {
                  const fits = !!u.metadata && FORMATS[type].includes(u.metadata.format);
                  return (
                    <li key={u.id ?? `${u.file_name}-${i}`} className="rounded-lg p-3 ring-1 ring-slate-200">
                      <label className="flex items-start gap-3">
                        <input type="radio" name="source" disabled={!u.id || !fits} checked={upload?.id !== undefined && upload?.id === u.id} onChange={() => chooseUpload(u)} className="mt-1" />
                        <span className="min-w-0">
                          <span className="block font-medium text-slate-900">{u.file_name} <span className="font-normal text-slate-500">({formatBytes(u.size)})</span></span>
                          {u.error ? (
                            <span className="block text-sm text-red-700" data-upload-code={u.code}>
                              {u.code ? t(`releases.uploadError.${u.code}`, { mb: u.limit_mb ?? '' }) : t('releases.uploadError.unreadable')}
                              <span className="block text-xs text-red-600/80" data-raw>{t('releases.send.detail', { detail: u.error })}</span>
                            </span>
                          )
                            : !fits ? <span className="block text-sm text-amber-700">{t('releases.files.wrongType', { type: t(`releases.type.${type}`) })}</span>
                            : <span className="block text-sm text-slate-600">{u.metadata!.format} · {u.metadata!.title ?? u.metadata!.show ?? ''}{u.metadata!.author ? ` · ${u.metadata!.author}` : ''}</span>}
                        </span>
                      </label>
                    </li>
                  );
                })}
              </ul>
            </fieldset>
          )}
          <Nav onBack={() => setStep('rules')} onNext={() => setStep('metadata')} nextDisabled={!upload?.id} />
        </Card>
      )}

      {step === 'metadata' && md && (
        <Card title={t('releases.step.metadata')}>
          <p className="mb-4 text-sm text-slate-600">
            {t('releases.md.found', { format: md.format, size: formatBytes(md.size) })}
            {md.video ? ` — ${t('releases.md.video', { codec: md.video.videoCodec, resolution: md.video.resolution, duration: Math.round(md.video.durationSec), audio: md.video.audio.length })}` : ''}
          </p>
          <div className="grid gap-4 sm:grid-cols-2">
            {type === 'TV' ? [
              mdField('show', t('releases.md.show')), mdField('year', t('releases.md.year'), 'number'), mdField('season', t('releases.md.season'), 'number'),
              mdField('episode', t('releases.md.episode'), 'number'), mdField('episodeTitle', t('releases.md.episodeTitle')), mdField('language', t('releases.md.language')),
            ] : [
              mdField('title', t('releases.md.title')), mdField('author', t('releases.md.author')), mdField('publisher', t('releases.md.publisher')),
              mdField('year', t('releases.md.year'), 'number'), mdField('language', t('releases.md.language')), mdField('isbn', t('releases.md.isbn')), mdField('pages', t('releases.md.pages'), 'number'),
            ]}
            {type === 'TV' ? (
              <Select label={t('releases.md.source')} value={naming.source ?? ''} onChange={(v) => setNaming({ ...naming, source: v })}>
                <option value="">WEB</option>
                {['HDTV', 'WEBRip', 'BluRay', 'DVDRip'].map((s) => <option key={s} value={s}>{s}</option>)}
              </Select>
            ) : (
              <Select label={t('releases.md.edition')} value={naming.edition ?? ''} onChange={(v) => setNaming({ ...naming, edition: v })}>
                <option value="">RETAiL</option>
                <option value="SCAN">SCAN</option>
                <option value="HYBRiD">HYBRiD</option>
              </Select>
            )}
          </div>
          {upload?.id && (
            <EnrichPanel type={type} upload={upload.id} metadata={metadataEdits} onAccept={(field, value) => setEdits((x) => ({ ...x, [field]: value }))} />
          )}
          <div className="mt-6">
            <Field label={t('releases.name.label')} value={name} hint={t('releases.name.hint')} className="font-mono text-sm"
              onChange={(e) => { setName(e.target.value); setNameEdited(true); }} />
            {nameEdited && <Button variant="ghost" size="sm" className="mt-1" onClick={() => setNameEdited(false)}>{t('releases.name.reset')}</Button>}
            {nameError !== undefined && <div className="mt-2"><ErrorBox error={nameError} /></div>}
            {nameAnswer && (
              <div className="mt-3" data-testid="name-status">
                <Alert kind={nameAnswer.ok ? 'success' : 'error'}>{t(nameAnswer.ok ? 'releases.name.valid' : 'releases.name.invalid', { rules: nameAnswer.ruleSet })}</Alert>
                {!nameAnswer.ok && <div className="mt-2"><Checks checks={nameAnswer.checks.filter((c) => !c.ok)} /></div>}
                {nameAnswer.warnings.map((w) => <p key={w} className="mt-1 text-sm text-amber-700">{w}</p>)}
              </div>
            )}
          </div>
          <Nav onBack={() => setStep('files')} onNext={() => setStep('template')} nextDisabled={!nameAnswer?.ok} />
        </Card>
      )}

      {step === 'template' && (
        <Card title={t('releases.step.template')}>
          <div className="grid gap-6 lg:grid-cols-2">
            <div className="space-y-4">
              <Select label={t('releases.tpl.nfo')} value={nfoId} onChange={setNfoId}>
                {(templates.data?.templates ?? []).filter((x) => x.kind === 'nfo').map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
              </Select>
              {type !== 'TV' && (
                <Select label={t('releases.tpl.diz')} value={dizId} onChange={setDizId}>
                  {(templates.data?.templates ?? []).filter((x) => x.kind === 'diz').map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
                </Select>
              )}
              <TextArea label={t('releases.tpl.edit')} value={nfoBody} mono rows={16} onChange={(v) => { setNfoBody(v); setNfoEdited(true); }} />
              {nfoEdited && <p className="text-sm text-slate-600">{t('releases.tpl.edited')}</p>}
              <TextArea label={t('releases.tpl.notes')} value={notes} rows={3} onChange={setNotes} />
            </div>
            <div className="min-w-0 space-y-4">
              <div>
                <h3 className="mb-1 text-sm font-medium text-slate-800">{t('releases.tpl.preview')}</h3>
                {previewError !== undefined ? <ErrorBox error={previewError} /> : preview ? (
                  <>
                    <Nfo text={preview.text} testId="nfo-preview" />
                    <p className="mt-1 text-xs text-slate-500">{t('releases.tpl.size', { lines: preview.lines, columns: preview.columns, bytes: preview.bytes })}</p>
                    {preview.warnings.map((w) => <p key={w} className="text-xs text-amber-700">{w}</p>)}
                  </>
                ) : <Spinner />}
              </div>
              {type !== 'TV' && previewDiz && (
                <div>
                  <h3 className="mb-1 text-sm font-medium text-slate-800">{t('releases.tpl.previewDiz')}</h3>
                  <Nfo text={previewDiz.text} testId="diz-preview" />
                </div>
              )}
            </div>
          </div>
          <Nav onBack={() => setStep('metadata')} onNext={() => setStep('summary')} nextDisabled={previewError !== undefined || !preview} />
        </Card>
      )}

      {step === 'summary' && (
        <Card title={t('releases.step.summary')}>
          <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[10rem_1fr]">
            <dt className="text-slate-500">{t('releases.summary.name')}</dt><dd className="font-mono break-all text-slate-900">{name}</dd>
            <dt className="text-slate-500">{t('releases.summary.rules')}</dt><dd>{ruleSet}</dd>
            <dt className="text-slate-500">{t('releases.summary.source')}</dt><dd>{upload?.file_name} ({formatBytes(upload?.size ?? 0)})</dd>
          </dl>
          <h3 className="mt-6 mb-2 text-sm font-medium text-slate-800">{t('releases.summary.tree')}</h3>
          {planError !== undefined ? <ErrorBox error={planError} /> : !plan ? (
            <p className="flex items-center gap-2 text-sm text-slate-600"><Spinner /> {t('releases.summary.planning')}</p>
          ) : (
            <pre data-testid="release-tree" className="rounded-lg bg-slate-50 p-4 font-mono text-xs text-slate-800 ring-1 ring-slate-200">
              {`${plan.release.name}/\n${plan.release.files.map((f, i) => `${i === plan.release.files.length - 1 ? '└──' : '├──'} ${f.name}`).join('\n')}`}
            </pre>
          )}
          {packError !== undefined && <div className="mt-3"><ErrorBox error={packError} /></div>}
          <Nav onBack={() => setStep('template')} onNext={() => void startPack()} nextLabel={t('releases.pack')} nextDisabled={!plan || !plan.validation.ok} />
        </Card>
      )}

      {step === 'pack' && jobId && (
        <Card title={t('releases.packing')}>
          <JobProgress jobId={jobId} onFinished={onFinished} />
        </Card>
      )}

      {step === 'results' && done && (
        <Card title={t('releases.step.results')} actions={<Button variant="secondary" size="sm" onClick={restart}>{t('releases.restart')}</Button>}>
          {done.status !== 'completed' ? <Alert>{t('releases.results.failed', { error: done.error ?? done.status })}</Alert> : result && (
            <div className="space-y-6" data-testid="results">
              <Alert kind={result.ok ? 'success' : 'error'}>
                {result.ok ? t('releases.results.valid', { rules: result.validation.ruleSet }) : t('releases.results.invalid', { count: result.validation.checks.filter((c) => !c.ok).length })}
              </Alert>
              {result.ok && <Button onClick={() => { setSendJob({ id: done.id, name: result.release.name }); setStep('send'); }}>{t('releases.send.title')}</Button>}
              <div>
                <h3 className="mb-2 font-mono text-sm font-semibold break-all text-slate-900">{result.release.name}/</h3>
                <ul className="divide-y divide-slate-100 rounded-lg ring-1 ring-slate-200">
                  {artifacts.map((a) => {
                    const file = a.name.split('/').pop()!;
                    return (
                      <li key={a.id} className="flex items-center justify-between gap-3 px-3 py-2 text-sm">
                        <span className="font-mono text-slate-800">{file}</span>
                        <span className="flex items-center gap-3">
                          <span className="text-slate-500 tabular-nums">{formatBytes(a.size)}</span>
                          <Button size="sm" variant="secondary" aria-label={`${t('releases.results.download')} ${file}`} onClick={() => void download(a.url, file)}>{t('releases.results.download')}</Button>
                        </span>
                      </li>
                    );
                  })}
                </ul>
              </div>
              <div>
                <h3 className="mb-2 text-sm font-medium text-slate-800">{t('releases.results.checks')}</h3>
                <Checks checks={result.validation.checks} />
              </div>
            </div>
          )}
        </Card>
      )}

      {step === 'send' && sendJob && (
        <>
          <SendPanel key={sendJob.id} packJob={sendJob.id} releaseName={sendJob.name} preselect={prefs.destinations} />
          <div className="mt-4 flex gap-3">
            {done?.id === sendJob.id && <Button variant="secondary" onClick={() => setStep('results')}>{t('releases.back')}</Button>}
            <Button variant="secondary" onClick={restart}>{t('releases.restart')}</Button>
          </div>
        </>
      )}

      {step !== 'pack' && <RecentPacks refreshKey={recentKey} onOpen={(j) => void onFinished(j)} onSend={(j) => { setSendJob({ id: j.id, name: j.pack?.name ?? j.title ?? '' }); setStep('send'); }} />}
      </>}
    </div>
  );
}
