// Drag-and-drop of photos, whole folders (read recursively, names kept relative) or one ZIP; or the
// file pickers. Sends them to the ingest routes and hands back the job id.
import { useRef, useState } from 'react';
import { api, ApiError } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { Alert, Button, Spinner, cx } from '../../components/ui.tsx';

interface Picked { file: File; name: string }

// FileSystemEntry is only partly typed in lib.dom: the few members used here
interface Entry { isFile: boolean; isDirectory: boolean; name: string; fullPath: string; file?(cb: (f: File) => void, err: (e: unknown) => void): void; createReader?(): { readEntries(cb: (e: Entry[]) => void, err: (e: unknown) => void): void } }

async function readEntry(entry: Entry, out: Picked[]): Promise<void> {
  if (entry.isFile && entry.file) {
    const file = await new Promise<File>((res, rej) => entry.file!(res, rej));
    out.push({ file, name: entry.fullPath.replace(/^\//, '') });
  } else if (entry.isDirectory && entry.createReader) {
    const reader = entry.createReader();
    // readEntries returns batches (100 in chromium) until an empty one
    for (;;) {
      const batch = await new Promise<Entry[]>((res, rej) => reader.readEntries(res, rej));
      if (batch.length === 0) break;
      for (const e of batch) if (!e.name.startsWith('.')) await readEntry(e, out);
    }
  }
}

async function fromDrop(dt: DataTransfer): Promise<Picked[]> {
  const out: Picked[] = [];
  const entries = [...dt.items].map((i) => (i.webkitGetAsEntry?.() as unknown as Entry | null)).filter((e): e is Entry => !!e);
  if (entries.length) for (const e of entries) await readEntry(e, out);
  else for (const f of [...dt.files]) out.push({ file: f, name: f.name });
  return out;
}

const isZip = (p: Picked) => /\.zip$/i.test(p.name) || p.file.type === 'application/zip';

export function DropZone({ maxFiles, onStarted }: { maxFiles: number; onStarted: (jobId: string) => void }) {
  const { t } = useI18n();
  const [over, setOver] = useState(false);
  const [sending, setSending] = useState(0);
  const [error, setError] = useState<string>();
  const photos = useRef<HTMLInputElement>(null);
  const zip = useRef<HTMLInputElement>(null);
  const folder = useRef<HTMLInputElement>(null);

  const send = async (picked: Picked[]) => {
    if (picked.length === 0) return;
    setError(undefined);
    // refuse before sending hundreds of megabytes the server would refuse anyway
    if (picked.length > maxFiles) {
      setError(t('vinted.drop.tooMany', { count: picked.length, max: maxFiles }));
      return;
    }
    setSending(picked.length);
    try {
      const form = new FormData();
      let url = '/api/vinted/bulk/ingest/photos';
      if (picked.length === 1 && isZip(picked[0])) {
        url = '/api/vinted/bulk/ingest/zip';
        form.append('file', picked[0].file, picked[0].name);
      } else {
        for (const p of picked) form.append('files', p.file, p.name);
      }
      const r = await api.upload<{ ok: boolean; files: number; job_id: string }>(url, form);
      onStarted(r.job_id);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setSending(0);
    }
  };

  return (
    <div
      data-testid="dropzone"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        void fromDrop(e.dataTransfer).then(send);
      }}
      className={cx(
        'flex flex-col items-center justify-center gap-4 rounded-2xl border-2 border-dashed px-6 py-12 text-center transition-colors',
        over ? 'border-indigo-500 bg-indigo-50' : 'border-slate-300 bg-white',
      )}
    >
      {sending ? (
        <p className="flex items-center gap-3 text-slate-700"><Spinner className="size-5 text-indigo-600" /> {t('vinted.drop.sending', { count: sending })}</p>
      ) : (
        <>
          <svg aria-hidden className="size-12 text-slate-400" fill="none" viewBox="0 0 24 24" stroke="currentColor" strokeWidth={1.5}>
            <path strokeLinecap="round" strokeLinejoin="round" d="M2.25 15.75l5.16-5.16a2.25 2.25 0 013.18 0l5.16 5.16m-1.5-1.5l1.41-1.41a2.25 2.25 0 013.18 0l2.91 2.91M3.75 21h16.5A1.5 1.5 0 0021.75 19.5V4.5A1.5 1.5 0 0020.25 3H3.75A1.5 1.5 0 002.25 4.5v15A1.5 1.5 0 003.75 21zM15.75 8.25h.008v.008h-.008V8.25z" />
          </svg>
          <div>
            <p className="text-lg font-medium text-slate-900">{t('vinted.drop.title')}</p>
            <p className="mt-1 text-sm text-slate-500">{t('vinted.drop.hint', { max: maxFiles })}</p>
          </div>
          <div className="flex gap-3">
            <Button onClick={() => photos.current?.click()}>{t('vinted.drop.pick')}</Button>
            <Button variant="secondary" onClick={() => folder.current?.click()}>{t('vinted.drop.folder')}</Button>
            <Button variant="secondary" onClick={() => zip.current?.click()}>{t('vinted.drop.zip')}</Button>
          </div>
        </>
      )}
      <input
        ref={photos} type="file" multiple accept="image/*,.heic,.heif" className="hidden" data-testid="photo-input"
        onChange={(e) => { void send([...(e.target.files ?? [])].map((f) => ({ file: f, name: f.webkitRelativePath || f.name }))); e.target.value = ''; }}
      />
      <input
        // a whole folder, sub-folders included; names stay relative to it (webkitRelativePath), hidden files skipped
        ref={folder} type="file" multiple className="hidden" data-testid="folder-input" {...{ webkitdirectory: '' }}
        onChange={(e) => {
          const picked = [...(e.target.files ?? [])].map((f) => ({ file: f, name: f.webkitRelativePath || f.name }));
          void send(picked.filter((p) => !p.name.split('/').some((part) => part.startsWith('.'))));
          e.target.value = '';
        }}
      />
      <input
        ref={zip} type="file" accept=".zip,application/zip" className="hidden" data-testid="zip-input"
        onChange={(e) => { void send([...(e.target.files ?? [])].map((f) => ({ file: f, name: f.name }))); e.target.value = ''; }}
      />
      {error && <div className="w-full max-w-xl text-left"><Alert>{error}</Alert></div>}
    </div>
  );
}
