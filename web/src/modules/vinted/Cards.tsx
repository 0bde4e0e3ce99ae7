// The grid of garment cards: thumbnails (drag a photo onto another card to move it, onto a photo of
// the same card to reorder, onto the last tile for a new article), cover, merge, split, fields.
import { useState } from 'react';
import { useI18n } from '../../i18n.ts';
import { Button, cx } from '../../components/ui.tsx';
import type { CatalogView, ClusterView, SuggestionItem } from './types.ts';
import { COLORS, photoUrl } from './types.ts';
import { TouchUp } from './TouchUp.tsx';

export interface Edits {
  move(photo: string, to: string | null, index?: number): void;
  merge(ids: string[]): void;
  split(cluster: string, photos: string[]): void;
  cover(cluster: string, photo: string): void;
  fields(cluster: string, patch: Record<string, string | null>): void;
  /** a photo was touched up: reload the catalog (new thumbnail version) */
  touchedUp?(): void;
}

const DRAG = 'application/x-atelier-photo';

function scoreColor(s: number): string {
  if (s >= 0.8) return 'bg-emerald-100 text-emerald-800';
  if (s >= 0.6) return 'bg-amber-100 text-amber-800';
  return 'bg-red-100 text-red-800';
}

function Select({ label, value, options, onChange, testId, noneLabel, disabled }: { label: string; value: string | null; options: string[]; onChange: (v: string | null) => void; testId: string; noneLabel?: string; disabled?: boolean }) {
  const { t } = useI18n();
  const all = value && !options.includes(value) ? [value, ...options] : options;
  return (
    <label className="block">
      <span className="text-xs font-medium text-slate-500">{label}</span>
      <select
        data-testid={testId}
        disabled={disabled}
        value={value ?? ''}
        onChange={(e) => onChange(e.target.value || null)}
        className="mt-0.5 block w-full rounded-md border-0 py-1 pr-7 pl-2 text-sm text-slate-900 ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600"
      >
        <option value="">{noneLabel ?? t('vinted.none')}</option>
        {all.map((o) => <option key={o} value={o}>{o}</option>)}
      </select>
    </label>
  );
}

function TextInput({ label, value, onCommit, testId, disabled }: { label: string; value: string | null; onCommit: (v: string | null) => void; testId: string; disabled?: boolean }) {
  const [v, setV] = useState(value ?? '');
  const [seen, setSeen] = useState(value);
  if (seen !== value) {
    setSeen(value);
    setV(value ?? '');
  }
  return (
    <label className="block">
      <span className="text-xs font-medium text-slate-500">{label}</span>
      <input
        data-testid={testId}
        disabled={disabled}
        value={v}
        onChange={(e) => setV(e.target.value)}
        onBlur={() => { if ((v || null) !== value) onCommit(v.trim() || null); }}
        onKeyDown={(e) => { if (e.key === 'Enter') (e.target as HTMLInputElement).blur(); }}
        className="mt-0.5 block w-full rounded-md border-0 px-2 py-1 text-sm text-slate-900 ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600"
      />
    </label>
  );
}

/** One-click suggestions for a field (category, brand, size): each button sets the field to its value. */
function SuggestionRow({ field, label, items, current, onUse, disabled }: { field: string; label: string; items: SuggestionItem[]; current: string | null; onUse: (v: string) => void; disabled: boolean }) {
  const { t } = useI18n();
  const open = items.filter((s) => s.value !== current);
  if (!open.length) return null;
  return (
    <div className="flex flex-wrap items-center gap-1 text-xs text-slate-600" data-testid={`suggest-${field}`}>
      <span>{label}</span>
      {open.map((s) => (
        <button
          key={`${s.source}:${s.value}`} type="button" disabled={disabled} data-testid={`suggest-${field}-option`} data-value={s.value}
          title={`${t(`vinted.suggest.source.${s.source}`)} · ${t('vinted.suggest.use', { value: s.value, score: Math.round(s.score * 100) })}`}
          onClick={() => onUse(s.value)}
          className="rounded-full bg-indigo-50 px-2 py-0.5 font-medium text-indigo-700 ring-1 ring-indigo-200 hover:bg-indigo-100 disabled:opacity-50"
        >
          {s.value} <span className="tabular-nums text-indigo-500">{Math.round(s.score * 100)} %</span>
        </button>
      ))}
    </div>
  );
}

function Card({ c, catalog, edits, selected, onSelect, canEdit }: { c: ClusterView; catalog: CatalogView; edits: Edits; selected: boolean; onSelect: (v: boolean) => void; canEdit: boolean }) {
  const { t } = useI18n();
  const [over, setOver] = useState(false);
  const [picked, setPicked] = useState<string[]>([]);
  const fileOf = new Map(catalog.photos.map((p) => [p.id, p.file]));
  const editOf = new Map(catalog.photos.map((p) => [p.id, p.edit ?? null]));
  const [touching, setTouching] = useState<string | null>(null);
  const job = catalog.job_id;

  return (
    <article
      data-testid="garment-card"
      data-cluster={c.id}
      onDragOver={(e) => { if (canEdit && e.dataTransfer.types.includes(DRAG)) { e.preventDefault(); setOver(true); } }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        const photo = e.dataTransfer.getData(DRAG);
        if (photo && !c.photo_ids.includes(photo)) edits.move(photo, c.id);
      }}
      className={cx(
        'flex flex-col rounded-xl bg-white shadow-sm ring-1 transition',
        over ? 'ring-2 ring-indigo-500' : selected ? 'ring-2 ring-indigo-400' : 'ring-slate-200',
      )}
    >
      <header className="flex items-center justify-between gap-2 px-3 pt-3">
        <label className="flex min-w-0 items-center gap-2 text-sm font-semibold whitespace-nowrap text-slate-900">
          {canEdit && <input type="checkbox" aria-label={t('vinted.card.select')} checked={selected} onChange={(e) => onSelect(e.target.checked)} className="size-4 rounded border-slate-300 text-indigo-600" />}
          {t('vinted.card.title', { id: c.id })}
        </label>
        <div className="flex shrink-0 items-center gap-1.5">
          {c.edited && <span className="rounded-full bg-indigo-50 px-1.5 py-0.5 text-[11px] text-indigo-700">{t('vinted.card.edited')}</span>}
          <span
            data-testid="card-score" title={t('vinted.card.scoreHelp')}
            className={cx('rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap tabular-nums', scoreColor(c.score))}
          >
            {t('vinted.card.score', { score: Math.round(c.score * 100) })}
          </span>
        </div>
      </header>
      <div className="mt-1 px-3 text-sm text-slate-600" data-testid="card-summary">
        {c.category ? <span className="font-medium text-slate-800">{c.category}</span> : <span className="text-amber-700 italic">{t('vinted.card.noCategory')}</span>}
        {' · '}
        <span>{c.colors.length ? c.colors.join(', ') : '—'}</span>
        {' · '}
        <span>{t('vinted.card.photos', { count: c.photo_ids.length })}</span>
      </div>
      <div className="mt-1 space-y-1 px-3">
        {/* unsure: the classifier's top 3; named: only a vision model's differing opinion */}
        {c.suggestions.category?.some((x) => !c.category || x.source === 'llm') ? (
          <SuggestionRow field="category" label={t('vinted.suggest.category')} items={c.suggestions.category.filter((x) => !c.category || x.source === 'llm')} current={c.category} disabled={!canEdit} onUse={(v) => edits.fields(c.id, { category: v })} />
        ) : null}
        {c.suggestions.brand?.length ? (
          <SuggestionRow field="brand" label={t('vinted.suggest.brand')} items={c.suggestions.brand.slice(0, 2)} current={c.brand} disabled={!canEdit} onUse={(v) => edits.fields(c.id, { brand: v })} />
        ) : null}
        {c.suggestions.size?.length ? (
          <SuggestionRow field="size" label={t('vinted.suggest.size')} items={c.suggestions.size.slice(0, 2)} current={c.size} disabled={!canEdit} onUse={(v) => edits.fields(c.id, { size: v })} />
        ) : null}
        {(['material', 'defects', 'description'] as const).map((k) => c.suggestions[k]?.length ? (
          <p key={k} className="text-xs text-slate-600" data-testid={`suggest-${k}`}>
            <span className="font-medium">{t(`vinted.suggest.${k}`)}</span>{c.suggestions[k]!.map((x) => x.value).join(', ')}
          </p>
        ) : null)}
      </div>
      <ul className="grid grid-cols-3 gap-1.5 p-3">
        {c.photo_ids.map((id, i) => (
          <li
            key={id}
            className="group relative"
            draggable={canEdit}
            onDragStart={(e) => { e.dataTransfer.setData(DRAG, id); e.dataTransfer.effectAllowed = 'move'; }}
            onDragOver={(e) => { if (canEdit && e.dataTransfer.types.includes(DRAG)) e.preventDefault(); }}
            onDrop={(e) => {
              const photo = e.dataTransfer.getData(DRAG);
              if (photo && c.photo_ids.includes(photo) && photo !== id) {
                e.preventDefault();
                e.stopPropagation();
                edits.move(photo, c.id, i);
              }
            }}
          >
            <button
              type="button"
              onClick={() => canEdit && setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id]))}
              className={cx('block w-full overflow-hidden rounded-md bg-slate-100 ring-offset-1', picked.includes(id) && 'ring-2 ring-indigo-500')}
              title={fileOf.get(id)}
            >
              <img data-testid="thumb" data-edited={editOf.get(id) ? 'true' : undefined} src={photoUrl(job, id) + (editOf.get(id) ? `?v=${editOf.get(id)}` : '')} alt={fileOf.get(id) ?? id} loading="lazy" draggable={false} className="aspect-square w-full object-cover" />
            </button>
            {c.cover === id ? (
              <span className="absolute top-1 left-1 rounded bg-amber-400 px-1 text-[10px] font-bold text-amber-950" title={t('vinted.card.cover')}>★</span>
            ) : canEdit ? (
              <button type="button" onClick={() => edits.cover(c.id, id)} title={t('vinted.card.makeCover')} aria-label={t('vinted.card.makeCover')}
                className="absolute top-1 left-1 hidden rounded bg-white/90 px-1 text-[10px] text-slate-700 group-hover:block">☆</button>
            ) : null}
            {canEdit && (
              <button type="button" onClick={() => setTouching(id)} title={t('vinted.touchup.open')} aria-label={t('vinted.touchup.open')} data-testid="touchup-open"
                className="absolute top-1 right-1 hidden rounded bg-white/90 px-1 text-[10px] text-slate-700 group-hover:block">✎</button>
            )}
            <span className="mt-0.5 block truncate text-[10px] text-slate-500" title={fileOf.get(id)}>{fileOf.get(id)?.split('/').pop()}</span>
          </li>
        ))}
      </ul>
      {touching && (
        <TouchUp job={job} photo={touching} name={fileOf.get(touching) ?? touching} isCover={c.cover === touching}
          onCover={() => edits.cover(c.id, touching)} onClose={(changed) => { setTouching(null); if (changed) edits.touchedUp?.(); }} />
      )}
      {canEdit && picked.length > 0 && picked.length < c.photo_ids.length && (
        <div className="px-3 pb-2">
          <Button size="sm" variant="secondary" onClick={() => { edits.split(c.id, picked); setPicked([]); }}>
            {t('vinted.card.splitSelected', { count: picked.length })}
          </Button>
        </div>
      )}
      <div className="mt-auto grid grid-cols-2 gap-2 border-t border-slate-100 p-3">
        <Select testId="field-category" disabled={!canEdit} label={t('vinted.category')} value={c.category} options={catalog.categories} onChange={(v) => edits.fields(c.id, { category: v })} />
        <Select testId="field-color" disabled={!canEdit} label={t('vinted.color')} value={c.color} options={COLORS} onChange={(v) => edits.fields(c.id, { color: v })} />
        <TextInput testId="field-brand" disabled={!canEdit} label={t('vinted.brand')} value={c.brand} onCommit={(v) => edits.fields(c.id, { brand: v })} />
        <TextInput testId="field-size" disabled={!canEdit} label={t('vinted.size')} value={c.size} onCommit={(v) => edits.fields(c.id, { size: v })} />
        <div className="col-span-2">
          <Select testId="field-condition" disabled={!canEdit} label={t('vinted.condition')} value={c.condition} options={catalog.conditions.map((k) => k.label)} onChange={(v) => edits.fields(c.id, { condition: v })} noneLabel={t('vinted.conditionDefault')} />
        </div>
      </div>
    </article>
  );
}

export function Cards({ catalog, edits, canEdit }: { catalog: CatalogView; edits: Edits; canEdit: boolean }) {
  const { t } = useI18n();
  const [selected, setSelected] = useState<string[]>([]);
  const [overNew, setOverNew] = useState(false);
  const live = selected.filter((id) => catalog.clusters.some((c) => c.id === id));
  return (
    <div className="space-y-4">
      {canEdit && live.length >= 2 && (
        <div className="sticky top-2 z-10 flex justify-end">
          <Button onClick={() => { edits.merge(live); setSelected([]); }}>{t('vinted.merge', { count: live.length })}</Button>
        </div>
      )}
      <div className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-4">
        {catalog.clusters.map((c) => (
          <Card
            key={c.id} c={c} catalog={catalog} edits={edits} canEdit={canEdit}
            selected={live.includes(c.id)}
            onSelect={(v) => setSelected((s) => (v ? [...s, c.id] : s.filter((x) => x !== c.id)))}
          />
        ))}
        {canEdit && (
          <div
            data-testid="new-card"
            onDragOver={(e) => { if (e.dataTransfer.types.includes(DRAG)) { e.preventDefault(); setOverNew(true); } }}
            onDragLeave={() => setOverNew(false)}
            onDrop={(e) => { e.preventDefault(); setOverNew(false); const p = e.dataTransfer.getData(DRAG); if (p) edits.move(p, null); }}
            className={cx('flex min-h-40 items-center justify-center rounded-xl border-2 border-dashed p-6 text-center text-sm',
              overNew ? 'border-indigo-500 bg-indigo-50 text-indigo-700' : 'border-slate-300 text-slate-500')}
          >
            {t('vinted.newCard')}
          </div>
        )}
      </div>
    </div>
  );
}
