// The Packer's other panels: metadata suggestions in the wizard (EnrichPanel), the metadata
// providers (keys masked, Tester), the destinations page (add FTP/FTPS/SFTP, Tester, host key
// pinned on first use), and "Envoyer vers…" (SendPanel: one delivery job per destination, live
// progress with ETA over the job SSE, then each file's verification).
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, useApi } from '../../api.ts';
import type { JobRecord } from '../../api.ts';
import { hasString, useI18n } from '../../i18n.ts';
import { Alert, Button, Card, ErrorBox, Field, Spinner, cx } from '../../components/ui.tsx';
import { JobProgress } from '../../components/jobs.tsx';

// ---- metadata suggestions ---------------------------------------------------------------------

interface ProviderReport { name: string; label: string; status: 'ok' | 'no_match' | 'unavailable' | 'not_configured' | 'disabled'; code?: string; message?: string; retryAt?: string }
interface Suggestion { field: string; current: unknown; value: unknown; source: string; alternatives: { source: string; value: unknown }[] }
interface EnrichAnswer { providers: ProviderReport[]; suggestions: Suggestion[] }

const show = (v: unknown) => (v === null || v === undefined || v === '' ? '—' : Array.isArray(v) ? v.join(', ') : String(v));

export function EnrichPanel({ type, upload, metadata, onAccept }: {
  type: string; upload: string; metadata: Record<string, unknown>; onAccept: (field: string, value: string) => void;
}) {
  const { t } = useI18n();
  const [answer, setAnswer] = useState<EnrichAnswer>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [accepted, setAccepted] = useState<Record<string, string>>({});
  const run = useCallback(async () => {
    setBusy(true); setError(undefined);
    try {
      setAnswer(await api.post<EnrichAnswer>('/api/releases/metadata/enrich', { type, upload, metadata }));
      setAccepted({});
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }, [type, upload, JSON.stringify(metadata)]);
  // asked once when the step opens; "Chercher à nouveau" after edits
  useEffect(() => { void run(); }, [upload]);
  const accept = (s: Suggestion, value: unknown) => {
    onAccept(s.field, show(value));
    setAccepted((a) => ({ ...a, [s.field]: s.source }));
  };
  const list = (answer?.suggestions ?? []).filter((s) => s.field !== 'subjects');
  return (
    <section className="mt-6 rounded-xl p-4 ring-1 ring-slate-200" data-testid="enrich">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h3 className="text-sm font-semibold text-slate-900">{t('releases.enrich.title')}</h3>
        <span className="flex gap-2">
          {list.length > 0 && <Button size="sm" variant="secondary" onClick={() => list.forEach((s) => accept(s, s.value))}>{t('releases.enrich.acceptAll')}</Button>}
          <Button size="sm" variant="ghost" disabled={busy} onClick={() => void run()}>{t('releases.enrich.again')}</Button>
        </span>
      </div>
      {busy && <p className="mt-2 flex items-center gap-2 text-sm text-slate-600"><Spinner /> {t('releases.enrich.asking')}</p>}
      {error !== undefined && <div className="mt-2"><ErrorBox error={error} /></div>}
      {answer && (
        <>
          <ul className="mt-2 flex flex-wrap gap-2 text-xs" data-testid="enrich-providers">
            {answer.providers.map((p) => (
              <li key={p.name} title={p.message} className={cx('rounded-full px-2 py-0.5 ring-1 ring-inset',
                p.status === 'ok' ? 'bg-emerald-50 text-emerald-800 ring-emerald-200' : p.status === 'unavailable' ? 'bg-amber-50 text-amber-900 ring-amber-200' : 'bg-slate-50 text-slate-600 ring-slate-200')}>
                {p.label} : {t(`releases.enrich.status.${p.status}`)}{p.code ? ` (${t(`releases.enrich.code.${p.code}`)})` : ''}
              </li>
            ))}
          </ul>
          {list.length === 0 ? <p className="mt-2 text-sm text-slate-600">{t('releases.enrich.none')}</p> : (
            <table className="mt-3 w-full text-sm">
              <thead><tr className="text-left text-xs text-slate-500"><th className="py-1">{t('releases.enrich.field')}</th><th>{t('releases.enrich.current')}</th><th>{t('releases.enrich.suggested')}</th><th /></tr></thead>
              <tbody className="divide-y divide-slate-100">
                {list.map((s) => (
                  <tr key={s.field} data-field={s.field}>
                    <td className="py-1.5 pr-2 text-slate-700">{t(`releases.md.${s.field}`)}</td>
                    <td className="pr-2 text-slate-500">{show(s.current)}</td>
                    <td className="pr-2 text-slate-900">
                      <span className="line-clamp-2">{show(s.value)}</span> <span className="text-xs text-slate-500">({answer.providers.find((p) => p.name === s.source)?.label})</span>
                      {s.alternatives.map((a) => (
                        <button key={a.source} type="button" className="ml-2 text-xs text-indigo-700 underline" onClick={() => accept(s, a.value)}>
                          {show(a.value)} ({answer.providers.find((p) => p.name === a.source)?.label})
                        </button>
                      ))}
                    </td>
                    <td className="text-right">
                      {accepted[s.field] ? <span className="text-xs font-medium text-emerald-700">{t('releases.enrich.accepted')}</span>
                        : <Button size="sm" variant="secondary" aria-label={`${t('releases.enrich.accept')} ${t(`releases.md.${s.field}`)}`} onClick={() => accept(s, s.value)}>{t('releases.enrich.accept')}</Button>}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}

// ---- metadata providers -----------------------------------------------------------------------

interface ApiConfig { name: string; label: string; kind: 'book' | 'tv'; keyRequired: 'none' | 'optional' | 'required'; pinSupported: boolean; enabled: boolean; priority: number; key: string | null; pin: string | null; configured: boolean; docs: string; dailyQuota: number | null }

function ProviderRow({ c, onSaved }: { c: ApiConfig; onSaved: () => void }) {
  const { t } = useI18n();
  const [key, setKey] = useState('');
  const [pin, setPin] = useState('');
  const [priority, setPriority] = useState(String(c.priority));
  const [test, setTest] = useState<{ ok: boolean; code?: string; message: string }>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const save = async (body: Record<string, unknown>) => {
    setError(undefined);
    try {
      await api.put(`/api/releases/config/apis/${c.name}`, body);
      setKey(''); setPin('');
      onSaved();
    } catch (e) { setError(e); }
  };
  return (
    <li className="py-3" data-provider={c.name}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <span className="font-medium text-slate-900">{c.label} <span className="text-xs font-normal text-slate-500">({t(`releases.apis.kind.${c.kind}`)}{c.dailyQuota ? `, ${t('releases.apis.quota', { n: c.dailyQuota })}` : ''})</span></span>
        <span className="flex items-center gap-2 text-xs">
          <label className="flex items-center gap-1"><input type="checkbox" checked={c.enabled} onChange={(e) => void save({ enabled: e.target.checked })} /> {t('releases.apis.enabled')}</label>
          <span className={c.configured ? 'text-emerald-700' : 'text-amber-700'}>{c.configured ? t('releases.apis.configured') : t('releases.apis.missingKey')}</span>
        </span>
      </div>
      <div className="mt-2 grid gap-3 sm:grid-cols-[1fr_1fr_7rem_auto] sm:items-end">
        {c.keyRequired !== 'none' ? (
          <Field label={`${t('releases.apis.key')} ${c.key ? `(${c.key})` : ''}`} type="password" autoComplete="off" value={key} placeholder={c.keyRequired === 'optional' ? t('releases.apis.optional') : ''} onChange={(e) => setKey(e.target.value)} />
        ) : <p className="text-sm text-slate-500">{t('releases.apis.noKey')}</p>}
        {c.pinSupported ? <Field label={`PIN ${c.pin ? `(${c.pin})` : ''}`} type="password" autoComplete="off" value={pin} onChange={(e) => setPin(e.target.value)} /> : <span />}
        <Field label={t('releases.apis.priority')} type="number" value={priority} onChange={(e) => setPriority(e.target.value)} />
        <span className="flex gap-2">
          <Button size="sm" onClick={() => void save({ ...(key ? { key } : {}), ...(pin ? { pin } : {}), priority: Number(priority) })}>{t('releases.save')}</Button>
          <Button size="sm" variant="secondary" disabled={busy} onClick={async () => {
            setBusy(true); setTest(undefined);
            try { setTest(await api.post(`/api/releases/config/apis/${c.name}/test`, {})); } catch (e) { setError(e); } finally { setBusy(false); }
          }}>{t('releases.test')}</Button>
          {c.key && <Button size="sm" variant="ghost" onClick={() => void save({ key: null, pin: null })}>{t('releases.apis.removeKey')}</Button>}
        </span>
      </div>
      {busy && <Spinner />}
      {test && <div className="mt-2" data-testid={`api-test-${c.name}`}><Alert kind={test.ok ? 'success' : 'warning'}>{test.ok ? t('releases.test.ok') : `${t('releases.enrich.status.unavailable')} — ${t(`releases.enrich.code.${test.code}`)} : ${test.message}`}</Alert></div>}
      {error !== undefined && <div className="mt-2"><ErrorBox error={error} /></div>}
    </li>
  );
}

export function MetadataSources() {
  const { t } = useI18n();
  const apis = useApi<{ apis: ApiConfig[] }>('/api/releases/config/apis');
  return (
    <Card title={t('releases.apis.title')}>
      <p className="text-sm text-slate-600">{t('releases.apis.hint')}</p>
      {apis.error ? <ErrorBox error={apis.error} onRetry={apis.reload} /> : !apis.data ? <Spinner /> : (
        <ul className="divide-y divide-slate-100">{apis.data.apis.map((c) => <ProviderRow key={c.name} c={c} onSaved={() => void apis.reload()} />)}</ul>
      )}
    </Card>
  );
}

// ---- destinations -----------------------------------------------------------------------------

export interface Destination { id: string; name: string; kind: 'ftp' | 'ftps' | 'sftp'; host: string; port: number; username: string; path: string; fingerprint: string | null; password: string | null; key: string | null; parallel: number; limitKbps: number | null }
interface TestAnswer { ok: boolean; fingerprint?: string; steps: { step: string; ok: boolean; detail: string }[] }

function DestinationRow({ d, onChanged }: { d: Destination; onChanged: () => void }) {
  const { t } = useI18n();
  const [test, setTest] = useState<TestAnswer>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const run = async () => {
    setBusy(true); setTest(undefined); setError(undefined);
    try { setTest(await api.post<TestAnswer>(`/api/releases/destinations/${d.id}/test`, {})); } catch (e) { setError(e); } finally { setBusy(false); }
  };
  const mismatch = !!(test && !test.ok && test.fingerprint && d.fingerprint && test.fingerprint !== d.fingerprint);
  const unpinned = !!(test && test.fingerprint && !d.fingerprint);
  return (
    <li className="py-3" data-destination={d.name}>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <span>
          <span className="font-medium text-slate-900">{d.name}</span>{' '}
          <span className="text-sm text-slate-600">{d.kind.toUpperCase()} {d.username}@{d.host}:{d.port} → <span className="font-mono">{d.path}</span></span>
        </span>
        <span className="flex gap-2">
          <Button size="sm" variant="secondary" disabled={busy} onClick={() => void run()}>{t('releases.test')}</Button>
          <Button size="sm" variant="ghost" onClick={async () => {
            if (!confirm(t('releases.dest.confirmDelete', { name: d.name }))) return;
            try { await api.delete(`/api/releases/destinations/${d.id}`); onChanged(); } catch (e) { setError(e); }
          }}>{t('releases.dest.delete')}</Button>
        </span>
      </div>
      <p className="mt-1 text-xs text-slate-500">
        {t('releases.dest.credentials')} : {d.password ?? d.key ?? '—'} · {d.kind === 'ftp' ? t('releases.dest.noPin') : d.fingerprint ? <>{t('releases.dest.pinned')} <span className="font-mono">{d.fingerprint}</span></> : t('releases.dest.notPinned')}
      </p>
      {busy && <p className="mt-2 flex items-center gap-2 text-sm text-slate-600"><Spinner /> {t('releases.dest.testing')}</p>}
      {test && (
        <div className="mt-2 space-y-2" data-testid={`dest-test-${d.name}`}>
          {mismatch ? <Alert>{t('releases.dest.mismatch', { seen: test.fingerprint!, pinned: d.fingerprint! })}</Alert>
            : unpinned ? (
              <Alert kind="warning">
                <span>{t('releases.dest.firstUse')} <span className="font-mono break-all" data-testid="seen-fingerprint">{test.fingerprint}</span></span>
                <Button size="sm" className="ml-3" onClick={async () => {
                  try { await api.post(`/api/releases/destinations/${d.id}/pin`, { fingerprint: test.fingerprint }); onChanged(); await run(); } catch (e) { setError(e); }
                }}>{t('releases.dest.pin')}</Button>
              </Alert>
            ) : <Alert kind={test.ok ? 'success' : 'error'}>{test.ok ? t('releases.test.ok') : t('releases.dest.testFailed')}</Alert>}
          <ul className="text-sm">
            {test.steps.map((s) => <li key={s.step} className={s.ok ? 'text-emerald-700' : 'text-red-700'}>{s.ok ? 'OK' : 'KO'} {t(`releases.dest.step.${s.step}`)} — <span className="text-slate-600">{s.detail}</span></li>)}
          </ul>
        </div>
      )}
      {error !== undefined && <div className="mt-2"><ErrorBox error={error} /></div>}
    </li>
  );
}

export function Destinations() {
  const { t } = useI18n();
  const list = useApi<{ destinations: Destination[] }>('/api/releases/destinations');
  const empty = { name: '', kind: 'sftp', host: '', port: '', username: '', password: '', privateKey: '', path: '/incoming/{type}', parallel: '2', limitKbps: '' };
  const [form, setForm] = useState(empty);
  const [error, setError] = useState<unknown>();
  const set = (k: keyof typeof empty) => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));
  const add = async () => {
    setError(undefined);
    try {
      await api.post('/api/releases/destinations', {
        name: form.name, kind: form.kind, host: form.host, port: form.port ? Number(form.port) : undefined, username: form.username, path: form.path,
        password: form.password || undefined, privateKey: form.privateKey || undefined, parallel: Number(form.parallel) || 2, limitKbps: form.limitKbps ? Number(form.limitKbps) : null,
      });
      setForm(empty);
      await list.reload();
    } catch (e) { setError(e); }
  };
  return (
    <div className="space-y-6">
      <Card title={t('releases.dest.title')}>
        {list.error ? <ErrorBox error={list.error} onRetry={list.reload} /> : !list.data ? <Spinner /> : list.data.destinations.length === 0 ? <p className="text-sm text-slate-600">{t('releases.dest.none')}</p> : (
          <ul className="divide-y divide-slate-100" data-testid="destinations">{list.data.destinations.map((d) => <DestinationRow key={d.id} d={d} onChanged={() => void list.reload()} />)}</ul>
        )}
      </Card>
      <Card title={t('releases.dest.add')}>
        <div className="grid gap-4 sm:grid-cols-3">
          <Field label={t('releases.dest.name')} value={form.name} onChange={set('name')} />
          <div>
            <label htmlFor="dest-kind" className="block text-sm font-medium text-slate-800">{t('releases.dest.kind')}</label>
            <select id="dest-kind" value={form.kind} onChange={set('kind')} className="mt-1 block w-full rounded-lg border-0 px-3 py-2 ring-1 ring-inset ring-slate-300">
              <option value="sftp">SFTP</option><option value="ftps">{t('releases.dest.ftps')}</option><option value="ftp">FTP</option>
            </select>
          </div>
          <Field label={t('releases.dest.host')} value={form.host} onChange={set('host')} />
          <Field label={t('releases.dest.port')} type="number" value={form.port} placeholder={form.kind === 'sftp' ? '22' : '21'} onChange={set('port')} />
          <Field label={t('releases.dest.user')} value={form.username} onChange={set('username')} autoComplete="off" />
          <Field label={t('releases.dest.password')} type="password" value={form.password} onChange={set('password')} autoComplete="new-password" />
          <Field label={t('releases.dest.path')} value={form.path} hint={t('releases.dest.pathHint')} onChange={set('path')} />
          <Field label={t('releases.dest.parallel')} type="number" value={form.parallel} onChange={set('parallel')} />
          <Field label={t('releases.dest.limit')} type="number" value={form.limitKbps} onChange={set('limitKbps')} />
        </div>
        {form.kind === 'sftp' && (
          <div className="mt-4">
            <label htmlFor="dest-key" className="block text-sm font-medium text-slate-800">{t('releases.dest.key')}</label>
            <textarea id="dest-key" rows={3} value={form.privateKey} onChange={set('privateKey')} spellCheck={false} className="mt-1 block w-full rounded-lg border-0 px-3 py-2 font-mono text-xs ring-1 ring-inset ring-slate-300" />
          </div>
        )}
        <p className="mt-3 text-xs text-slate-500">{t('releases.dest.pinHint')}</p>
        {error !== undefined && <div className="mt-3"><ErrorBox error={error} /></div>}
        <div className="mt-4"><Button onClick={() => void add()} disabled={!form.name || !form.host || !form.username || !form.path}>{t('releases.dest.addButton')}</Button></div>
      </Card>
    </div>
  );
}

// ---- Envoyer vers… ----------------------------------------------------------------------------

interface Delivery { id: string; job_id: string; destination_name: string; status: string; remote_dir: string; files: { name: string; bytes: number; verified: boolean; check?: string; skipped?: boolean; error?: { code: string; message: string } }[] | string; error: string | null }

export function SendPanel({ packJob, releaseName, preselect }: { packJob: string; releaseName: string; preselect?: string[] }) {
  const { t } = useI18n();
  // why a delivery failed, from each file's error code; the server's own text stays a detail below
  // how a file was verified: 'size', 'size+bytes' (read back), 'size+<hash>' (the server's checksum command)
  const verifiedBy = (check: string) => (check === 'size' ? t('releases.verify.size') : check === 'size+bytes' ? t('releases.verify.bytes') : t('releases.verify.hash', { algo: check.replace(/^size\+/, '') }));
  const why = (code: string) => (hasString(`releases.deliverError.${code}`) ? t(`releases.deliverError.${code}`) : t('releases.deliverError.failed'));
  const dests = useApi<{ destinations: Destination[] }>('/api/releases/destinations');
  const [chosen, setChosen] = useState<string[]>(preselect ?? []);
  const [jobs, setJobs] = useState<JobRecord[]>([]);
  const [finished, setFinished] = useState(0);
  const [error, setError] = useState<unknown>();
  const deliveries = useApi<{ deliveries: Delivery[] }>(`/api/releases/deliveries?pack=${packJob}&r=${finished}`);
  const send = async () => {
    setError(undefined);
    try {
      const r = await api.post<{ jobs: JobRecord[] }>(`/api/releases/jobs/${packJob}/export`, { destinations: chosen });
      setJobs(r.jobs);
    } catch (e) { setError(e); }
  };
  const onFinished = useCallback(() => setFinished((n) => n + 1), []);
  const rows = (deliveries.data?.deliveries ?? []).filter((d) => !jobs.length || jobs.some((j) => j.id === d.job_id));
  return (
    <Card title={t('releases.send.title')}>
      <p className="mb-3 font-mono text-sm break-all text-slate-700">{releaseName}</p>
      {dests.error ? <ErrorBox error={dests.error} /> : !dests.data ? <Spinner /> : dests.data.destinations.length === 0 ? (
        <Alert kind="info">{t('releases.send.noDestination')}</Alert>
      ) : (
        <fieldset>
          <legend className="text-sm font-medium text-slate-800">{t('releases.send.choose')}</legend>
          <ul className="mt-2 space-y-1">
            {dests.data.destinations.map((d) => (
              <li key={d.id}>
                <label className="flex items-center gap-2 text-sm">
                  <input type="checkbox" checked={chosen.includes(d.name)} disabled={jobs.length > 0} onChange={(e) => setChosen((c) => (e.target.checked ? [...c, d.name] : c.filter((x) => x !== d.name)))} />
                  <span className="font-medium">{d.name}</span> <span className="text-slate-500">{d.kind.toUpperCase()} {d.host}</span>
                </label>
              </li>
            ))}
          </ul>
          {jobs.length === 0 && <div className="mt-4"><Button disabled={!chosen.length} onClick={() => void send()}>{t('releases.send.go')}</Button></div>}
        </fieldset>
      )}
      {error !== undefined && <div className="mt-3"><ErrorBox error={error} /></div>}
      <div className="mt-4 space-y-3">
        {jobs.map((j) => <JobProgress key={j.id} jobId={j.id} onFinished={onFinished} />)}
      </div>
      {jobs.length > 0 && finished >= jobs.length && rows.length > 0 && (
        <div className="mt-4 space-y-4" data-testid="deliveries">
          {rows.map((d) => {
            const files = typeof d.files === 'string' ? JSON.parse(d.files) as Exclude<Delivery['files'], string> : d.files;
            const reasons = [...new Set(files.filter((f) => !f.verified && f.error).map((f) => why(f.error!.code)))].join(' ; ') || why('failed');
            return (
              <div key={d.id}>
                <Alert kind={d.status === 'verified' ? 'success' : 'error'}>
                  {d.status === 'verified' ? t('releases.send.done', { dest: d.destination_name, dir: d.remote_dir }) : t('releases.send.failed', { dest: d.destination_name, error: reasons })}
                  {d.status !== 'verified' && d.error && <span className="mt-1 block text-xs break-words" data-testid="delivery-detail" data-raw>{t('releases.send.detail', { detail: d.error })}</span>}
                </Alert>
                <ul className="mt-2 text-sm">
                  {files.map((f) => (
                    <li key={f.name} className="flex justify-between gap-3"><span className="font-mono text-xs">{f.name}</span>
                      <span className={f.verified ? 'text-emerald-700' : 'text-red-700'}>{f.verified ? `${t('releases.send.verified')}${f.check ? ` (${verifiedBy(f.check)})` : ''}${f.skipped ? ` — ${t('releases.send.skipped')}` : ''}` : t('releases.send.notVerified')}</span>
                    </li>
                  ))}
                </ul>
              </div>
            );
          })}
        </div>
      )}
    </Card>
  );
}

// ---- preferences per group --------------------------------------------------------------------

type PType = 'EBOOK' | 'DOCS' | 'TV';
interface TypePrefs { ruleSet?: string; nfoTemplate?: string; dizTemplate?: string; destinations?: string[]; outputPath?: string }
export type GroupPrefs = Partial<Record<PType, TypePrefs>>;

export function Preferences({ initialGroup }: { initialGroup: string }) {
  const { t } = useI18n();
  const [group, setGroup] = useState(initialGroup || '*');
  const valid = /^(\*|[A-Za-z0-9_]{1,32})$/.test(group);
  const current = useApi<{ prefs: GroupPrefs }>(valid ? `/api/releases/prefs/${encodeURIComponent(group)}` : null);
  const rules = useApi<{ rulesets: { id: string; type: PType; title: string }[] }>('/api/releases/rulesets');
  const templates = useApi<{ templates: { id: string; name: string; type: PType; kind: 'nfo' | 'diz' }[] }>('/api/releases/templates');
  const dests = useApi<{ destinations: Destination[] }>('/api/releases/destinations');
  const [draft, setDraft] = useState<GroupPrefs>({});
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<unknown>();
  // a load answering late never overwrites what the user already changed
  const dirty = useRef(false);
  useEffect(() => { if (!dirty.current) setDraft(current.data?.prefs ?? {}); }, [current.data]);
  useEffect(() => { setSaved(false); dirty.current = false; }, [group]);
  const edit = (type: PType, k: keyof TypePrefs, v: unknown) => { setSaved(false); dirty.current = true; setDraft((d) => ({ ...d, [type]: { ...d[type], [k]: v } })); };
  const save = async () => {
    setError(undefined);
    try { await api.put(`/api/releases/prefs/${encodeURIComponent(group)}`, draft); dirty.current = false; setSaved(true); await current.reload(); } catch (e) { setError(e); }
  };
  const sel = 'mt-1 block w-full rounded-lg border-0 px-3 py-2 ring-1 ring-inset ring-slate-300';
  return (
    <Card title={t('releases.prefs.title')}>
      <p className="mb-4 text-sm text-slate-600">{t('releases.prefs.hint')}</p>
      <div className="max-w-xs"><Field label={t('releases.prefs.group')} value={group} onChange={(e) => setGroup(e.target.value.trim())} error={valid ? undefined : t('releases.group.invalid')} /></div>
      {current.error ? <div className="mt-3"><ErrorBox error={current.error} /></div> : (
        <div className="mt-4 grid gap-6 lg:grid-cols-3" data-testid="prefs">
          {(['EBOOK', 'DOCS', 'TV'] as PType[]).map((type) => {
            const p = draft[type] ?? {};
            const tpl = (kind: 'nfo' | 'diz') => (templates.data?.templates ?? []).filter((x) => x.type === type && x.kind === kind);
            return (
              <fieldset key={type} className="space-y-3 rounded-xl p-4 ring-1 ring-slate-200">
                <legend className="px-1 text-sm font-semibold text-slate-900">{t(`releases.type.${type}`)}</legend>
                <div>
                  <label htmlFor={`pr-rs-${type}`} className="block text-sm font-medium text-slate-800">{t('releases.rules.label')}</label>
                  <select id={`pr-rs-${type}`} className={sel} value={p.ruleSet ?? ''} onChange={(e) => edit(type, 'ruleSet', e.target.value || undefined)}>
                    <option value="">{t('releases.prefs.default')}</option>
                    {(rules.data?.rulesets ?? []).filter((r) => r.type === type).map((r) => <option key={r.id} value={r.id}>{r.id}</option>)}
                  </select>
                </div>
                {(['nfo', 'diz'] as const).filter((k) => k === 'nfo' || type !== 'TV').map((kind) => (
                  <div key={kind}>
                    <label htmlFor={`pr-${kind}-${type}`} className="block text-sm font-medium text-slate-800">{t(kind === 'nfo' ? 'releases.tpl.nfo' : 'releases.tpl.diz')}</label>
                    <select id={`pr-${kind}-${type}`} className={sel} value={(kind === 'nfo' ? p.nfoTemplate : p.dizTemplate) ?? ''} onChange={(e) => edit(type, kind === 'nfo' ? 'nfoTemplate' : 'dizTemplate', e.target.value || undefined)}>
                      <option value="">{t('releases.prefs.default')}</option>
                      {tpl(kind).map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}
                    </select>
                  </div>
                ))}
                <div>
                  <span className="block text-sm font-medium text-slate-800">{t('releases.prefs.destinations')}</span>
                  {(dests.data?.destinations ?? []).length === 0 ? <p className="text-xs text-slate-500">{t('releases.dest.none')}</p> : (dests.data?.destinations ?? []).map((d) => (
                    <label key={d.id} className="flex items-center gap-2 text-sm">
                      <input type="checkbox" checked={(p.destinations ?? []).includes(d.name)} onChange={(e) => edit(type, 'destinations', e.target.checked ? [...(p.destinations ?? []), d.name] : (p.destinations ?? []).filter((x) => x !== d.name))} />
                      {d.name}
                    </label>
                  ))}
                </div>
                <Field label={t('releases.prefs.outputPath')} value={p.outputPath ?? ''} placeholder="/srv/releases" onChange={(e) => edit(type, 'outputPath', e.target.value || undefined)} />
              </fieldset>
            );
          })}
        </div>
      )}
      {error !== undefined && <div className="mt-3"><ErrorBox error={error} /></div>}
      <div className="mt-4 flex items-center gap-3">
        <Button disabled={!valid} onClick={() => void save()}>{t('releases.save')}</Button>
        {saved && <span className="text-sm text-emerald-700">{t('releases.prefs.saved')}</span>}
      </div>
    </Card>
  );
}
