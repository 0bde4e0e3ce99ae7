// NFO and FILE_ID.DIZ: the template context built from metadata + release facts, the default
// templates shipped per type, and rendering to CP437 bytes within the width limits.
import fs from 'node:fs';
import path from 'node:path';
import type { ReleaseMetadata } from '../metadata/types.ts';
import { languageName } from '../metadata/language.ts';
import type { RenderResult } from './render.ts';
import { renderTemplate } from './render-isolated.ts';
import { encodeNfo, type EncodeResult } from './encode.ts';

export { TemplateError, checkTemplate, wrapLine } from './render.ts';
export { renderTemplate } from './render-isolated.ts';
export { encodeNfo, decodeNfo } from './encode.ts';

export type TemplateKind = 'nfo' | 'diz';
export type ReleaseType = 'EBOOK' | 'DOCS' | 'TV';

export const NFO_WIDTH = 80;
export const DIZ_WIDTH = 44;
export const DIZ_LINES = 30;
/** replaced per ZIP volume by the archive writer: "[01/03]" */
export const DISK_PLACEHOLDER = '[xx/NN]';

const TEMPLATE_DIR = path.join(import.meta.dirname, 'templates');

/** the template shipped for a type (TV has no DIZ: its archives are RAR volumes) */
export function defaultTemplate(type: ReleaseType, kind: TemplateKind): string | undefined {
  const file = path.join(TEMPLATE_DIR, `${type.toLowerCase()}.${kind}.njk`);
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
}

export interface ReleaseFacts {
  name: string;
  group: string;
  type: ReleaseType;
  /** number of archive volumes */
  volumes?: number;
  volumeSize?: number;
  releaseDate?: string;
  sourceUrl?: string;
  notes?: string;
  files?: { name: string; size: number }[];
}

/** the placeholders a template sees (documented in docs/releases.md) */
export function templateContext(md: Partial<ReleaseMetadata>, r: ReleaseFacts): Record<string, unknown> {
  const v = md.video;
  return {
    name: r.name,
    group: r.group,
    type: r.type,
    title: md.title ?? md.show ?? '',
    author: md.author ?? md.authors?.[0] ?? '',
    authors: md.authors ?? (md.author ? [md.author] : []),
    publisher: md.publisher ?? '',
    year: md.year ?? '',
    date: md.date ?? '',
    language: md.language ?? '',
    language_name: languageName(md.language) ?? '',
    isbn: md.isbn ?? '',
    format: md.format ?? '',
    pages: md.pages ?? '',
    size: md.size ?? 0,
    description: md.description ?? '',
    subjects: md.subjects ?? [],
    release_date: r.releaseDate ?? new Date().toISOString().slice(0, 10),
    source_url: r.sourceUrl ?? '',
    notes: r.notes ?? '',
    files: r.files ?? [],
    volumes: r.volumes ?? 1,
    volume_size: r.volumeSize ?? 0,
    disks: DISK_PLACEHOLDER,
    show: md.show ?? md.title ?? '',
    season: md.season ?? '',
    episode: md.episode ?? '',
    episode_code: md.season !== undefined && md.episode !== undefined ? `S${String(md.season).padStart(2, '0')}E${String(md.episode).padStart(2, '0')}` : '',
    episode_title: md.episodeTitle ?? '',
    air_date: md.airDate ?? '',
    network: md.network ?? '',
    runtime: v?.durationSec ?? 0,
    container: v?.container ?? '',
    resolution: v?.resolution ?? '',
    width: v?.width ?? '',
    height: v?.height ?? '',
    frame_rate: v?.frameRate ?? '',
    video_codec: v?.videoCodec ?? '',
    video_bitrate: v?.videoBitrate ?? v?.overallBitrate ?? '',
    audio: v?.audio ?? [],
    subtitles: v?.subtitles ?? [],
  };
}

export interface RenderedText extends RenderResult, EncodeResult {}

export async function renderNfo(template: string, ctx: Record<string, unknown>, encoding: 'cp437' | 'ascii' = 'cp437'): Promise<RenderedText> {
  const r = await renderTemplate(template, ctx, { width: NFO_WIDTH });
  const e = encodeNfo(r.text + '\n', encoding);
  return { ...r, ...e, warnings: [...r.warnings, ...(e.replaced.length ? [`not in ${encoding.toUpperCase()}, transliterated: ${e.replaced.join(' ')}`] : [])] };
}

export async function renderDiz(template: string, ctx: Record<string, unknown>, encoding: 'cp437' | 'ascii' = 'cp437'): Promise<RenderedText> {
  let r = await renderTemplate(template, ctx, { width: DIZ_WIDTH, maxLines: DIZ_LINES });
  if (!r.text.includes(DISK_PLACEHOLDER)) {
    // the disk counter is mandatory in a DIZ: add it on its own line when the template forgot it
    const lines = r.text.split('\n');
    if (lines.length >= DIZ_LINES) lines.length = DIZ_LINES - 1;
    lines.push(DISK_PLACEHOLDER);
    r = { ...r, text: lines.join('\n'), lines: lines.length, warnings: [...r.warnings, `the template has no ${DISK_PLACEHOLDER} disk counter ({{ disks }}): added on the last line`] };
  }
  const e = encodeNfo(r.text + '\n', encoding);
  return { ...r, ...e, warnings: [...r.warnings, ...(e.replaced.length ? [`not in ${encoding.toUpperCase()}, transliterated: ${e.replaced.join(' ')}`] : [])] };
}

/** metadata used by the template preview when no real file is given */
export const SAMPLE_METADATA: Record<ReleaseType, Partial<ReleaseMetadata>> = {
  EBOOK: { format: 'EPUB', title: 'Les Misérables', authors: ['Victor Hugo'], author: 'Victor Hugo', publisher: 'Gallimard', year: 1862, language: 'fr', isbn: '9782070408504', size: 1_843_200, pages: 1488, description: 'Jean Valjean, ancien forçat, tente de se racheter dans la France du XIXe siècle.' },
  DOCS: { format: 'PDF', title: 'Guide de l’installateur', authors: ['Marie Curie'], author: 'Marie Curie', publisher: 'ACME SA', year: 2023, language: 'fr', size: 524_288, pages: 42 },
  TV: {
    format: 'MKV', show: 'Sample Show', season: 1, episode: 2, episodeTitle: 'Pilot Episode', size: 1_200_000_000, airDate: '2024-01-15', network: 'ARTE',
    video: { container: 'Matroska', durationSec: 2640, width: 1280, height: 720, resolution: '720p', videoCodec: 'AVC', frameRate: 25, videoBitrate: 3_200_000, audio: [{ codec: 'AAC', language: 'fr', channels: 2, bitrate: 128000 }, { codec: 'AAC', language: 'en', channels: 2 }], subtitles: [{ format: 'UTF-8', language: 'fr' }] },
  },
};
