// The photo editor of a garment card: rotate, straighten, crop, brightness, contrast, white balance,
// auto-enhance from the backdrop, cover choice. Every change is rendered by the server from the
// original (kept as it is); "Revenir à l'original" drops the edit.
import { useEffect, useState } from 'react';
import { api, ApiError } from '../../api.ts';
import { useI18n } from '../../i18n.ts';
import { Alert, Button, Modal } from '../../components/ui.tsx';
import { photoUrl } from './types.ts';

interface Recipe {
  rotate: 0 | 90 | 180 | 270;
  straighten: number;
  crop: { left: number; top: number; width: number; height: number } | null;
  brightness: number;
  contrast: number;
  white_balance: { r: number; g: number; b: number };
}
interface EditView { edited: boolean; recipe: Recipe; version: string | null }

const FULL = { left: 0, top: 0, width: 1, height: 1 };

export function TouchUp({ job, photo, name, isCover, onCover, onClose }: { job: string; photo: string; name: string; isCover: boolean; onCover: () => void; onClose: (changed: boolean) => void }) {
  const { t } = useI18n();
  const [view, setView] = useState<EditView>();
  const [draft, setDraft] = useState<Recipe>();
  const [busy, setBusy] = useState(false);
  const [changed, setChanged] = useState(false);
  const [error, setError] = useState<string>();
  const base = `/api/vinted/bulk/photos/${encodeURIComponent(job)}/${encodeURIComponent(photo)}`;

  useEffect(() => {
    void api.get<EditView>(`${base}/edit`).then((v) => { setView(v); setDraft(v.recipe); }).catch((e) => setError(e instanceof ApiError ? e.message : String(e)));
  }, [base]);

  const send = async (p: Promise<EditView>) => {
    setBusy(true);
    setError(undefined);
    try {
      const v = await p;
      setView(v);
      setDraft(v.recipe);
      setChanged(true);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const apply = (r: Recipe) => send(api.put<EditView>(`${base}/edit`, r));
  const temp = draft ? Math.round(((draft.white_balance.r - draft.white_balance.b) / 2) * 100) / 100 : 0;
  const crop = draft?.crop ?? FULL;
  const pct = (x: number) => Math.round(x * 100);
  const slider = (label: string, value: number, min: number, max: number, step: number, set: (v: number) => void, testId: string) => (
    <label className="block text-xs">
      <span className="flex justify-between font-medium text-slate-600"><span>{label}</span><span className="tabular-nums">{value}</span></span>
      <input type="range" min={min} max={max} step={step} value={value} aria-label={label} data-testid={testId} disabled={busy}
        onChange={(e) => draft && set(Number(e.target.value))} className="w-full" />
    </label>
  );
  const num = (label: string, key: keyof typeof FULL) => (
    <label className="block text-xs">
      <span className="font-medium text-slate-600">{label}</span>
      <input type="number" min={0} max={100} value={pct(crop[key])} aria-label={label} disabled={busy}
        onChange={(e) => draft && setDraft({ ...draft, crop: { ...crop, [key]: Math.min(1, Math.max(0, Number(e.target.value) / 100)) } })}
        className="mt-0.5 block w-full rounded-md border-0 px-2 py-1 text-sm ring-1 ring-slate-300 ring-inset" />
    </label>
  );
  const isFull = (c: typeof FULL) => c.left === 0 && c.top === 0 && c.width === 1 && c.height === 1;

  return (
    <Modal
      open
      title={t('vinted.touchup.title', { name })}
      onClose={() => onClose(changed)}
      actions={(
        <>
          <Button variant="secondary" onClick={() => onClose(changed)}>{t('vinted.touchup.close')}</Button>
          <Button disabled={busy || !draft} onClick={() => draft && void apply({ ...draft, crop: isFull(crop) ? null : crop })} data-testid="touchup-apply">{t('vinted.touchup.apply')}</Button>
        </>
      )}
    >
      {!view || !draft ? (error ? <Alert>{error}</Alert> : <p className="text-sm text-slate-500">…</p>) : (
        <div className="grid gap-4 sm:grid-cols-2">
          <div>
            <img data-testid="touchup-preview" src={photoUrl(job, photo, 'listing') + (view.version ? `?v=${view.version}` : '')} alt={name} className="max-h-80 w-full rounded-md bg-slate-100 object-contain" />
            <p className="mt-1 text-xs text-slate-500">{view.edited ? t('vinted.touchup.edited') : t('vinted.touchup.original')}</p>
          </div>
          <div className="space-y-3">
            <div className="flex flex-wrap gap-2">
              <Button size="sm" variant="secondary" disabled={busy} onClick={() => void apply({ ...draft, rotate: ((draft.rotate + 270) % 360) as Recipe['rotate'] })}>{t('vinted.touchup.rotateLeft')}</Button>
              <Button size="sm" variant="secondary" disabled={busy} onClick={() => void apply({ ...draft, rotate: ((draft.rotate + 90) % 360) as Recipe['rotate'] })} data-testid="touchup-rotate-right">{t('vinted.touchup.rotateRight')}</Button>
              <Button size="sm" disabled={busy} onClick={() => void send(api.post<EditView>(`${base}/auto`, {}))} data-testid="touchup-auto">{t('vinted.touchup.auto')}</Button>
            </div>
            {slider(t('vinted.touchup.straighten'), draft.straighten, -15, 15, 0.5, (v) => setDraft({ ...draft, straighten: v }), 'touchup-straighten')}
            {slider(t('vinted.touchup.brightness'), draft.brightness, 0.5, 1.8, 0.05, (v) => setDraft({ ...draft, brightness: v }), 'touchup-brightness')}
            {slider(t('vinted.touchup.contrast'), draft.contrast, 0.5, 1.8, 0.05, (v) => setDraft({ ...draft, contrast: v }), 'touchup-contrast')}
            {slider(t('vinted.touchup.warmth'), temp, -0.3, 0.3, 0.02, (v) => setDraft({ ...draft, white_balance: { r: 1 + v, g: 1, b: 1 - v } }), 'touchup-warmth')}
            <fieldset className="grid grid-cols-2 gap-2">
              <legend className="mb-1 text-xs font-medium text-slate-600">{t('vinted.touchup.crop')}</legend>
              {num(t('vinted.touchup.crop.left'), 'left')}
              {num(t('vinted.touchup.crop.top'), 'top')}
              {num(t('vinted.touchup.crop.width'), 'width')}
              {num(t('vinted.touchup.crop.height'), 'height')}
            </fieldset>
            <div className="flex flex-wrap gap-2">
              <Button size="sm" variant="secondary" disabled={busy || !view.edited} onClick={() => void send(api.delete<EditView>(`${base}/edit`))}>{t('vinted.touchup.reset')}</Button>
              <Button size="sm" variant="secondary" disabled={isCover} onClick={onCover}>{isCover ? t('vinted.touchup.isCover') : t('vinted.touchup.makeCover')}</Button>
            </div>
            {error && <Alert>{error}</Alert>}
          </div>
        </div>
      )}
    </Modal>
  );
}
